//! The `escalation_proposals` table: proposals to escalate a case, decided by leaders.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "escalation_proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// `overdue`, `unsigned`, `refused` or `reinspection` (`domain::escalation::EscalationReason`).
    pub reason: String,
    pub note: String,
    /// `pending`, `accepted` or `declined` (`domain::escalation::EscalationStatus`).
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
