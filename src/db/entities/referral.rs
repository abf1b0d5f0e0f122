//! The `referrals` table: cases referred (移送) to a competent department.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    /// The cases referred, comma-separated ids.
    pub case_ids: String,
    pub reasons: String,
    /// `proposed`, `rejected`, `sent`, `acknowledged` or `handled`.
    pub status: String,
    /// The department's feedback is due by this date (set when the letter is sent).
    pub feedback_due: Option<Date>,
    pub letter_number: Option<String>,
    pub letter_sm3: Option<String>,
    pub proposed_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<i64>,
    /// The department's handling and result.
    pub result: String,
    pub handled_at: Option<DateTimeUtc>,
    pub handled_by: Option<i64>,
    /// When the scanner reminded the department of its overdue feedback.
    pub reminded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
