//! The `reassessments` table: a re-assessment of a community's service grade and fee (重新核定服务等级).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reassessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub old_grade: String,
    pub new_grade: String,
    pub old_fee_fen: Option<i64>,
    pub new_fee_fen: i64,
    pub effective_on: Date,
    pub reasons: String,
    /// The cases it rests on, comma-separated ids.
    pub case_ids: String,
    /// `proposed`, `approved` or `rejected`.
    pub status: String,
    pub proposed_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
    pub company_letter_number: Option<String>,
    pub company_letter_sm3: Option<String>,
    pub department_letter_number: Option<String>,
    pub department_letter_sm3: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
