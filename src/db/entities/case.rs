//! The `cases` table: the work ledger's cases.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The problem it was opened from (merged clues).
    pub problem_id: Option<i64>,
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub township_id: i64,
    pub title: String,
    /// Facts and evidence as established.
    pub facts: String,
    /// [`crate::domain::case::CaseStatus`] string form.
    pub status: String,
    /// 责任人: the bureau staff member in charge.
    pub responsible_user_id: Option<i64>,
    /// 完成时限 (Asia/Shanghai date).
    pub deadline: Option<Date>,
    /// Extensions granted so far.
    pub extensions: i32,
    /// `complaint`, `inspection` or `staff`.
    pub source: String,
    /// The inspection whose finding opened it (source `inspection`).
    pub inspection_id: Option<i64>,
    /// jieba segmentation of title, facts, place and items.
    pub search_text: String,
    pub opened_by: Option<i64>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
