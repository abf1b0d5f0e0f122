//! The `notifications` table: the in-app inbox.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// One account…
    pub user_id: Option<i64>,
    /// …or every account of a company.
    pub company_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub case_id: Option<i64>,
    pub notice_id: Option<i64>,
    /// Unique: what caused it, so nothing is notified twice.
    pub dedupe_key: String,
    pub read_at: Option<DateTimeUtc>,
    /// When the dispatcher copied it to the outbox's other channels (SMS).
    pub dispatched_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
