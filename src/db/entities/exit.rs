//! The `exits` table: a company leaving a community (退出), its handover deadline and record.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// The leaving company.
    pub company_id: i64,
    pub township_id: i64,
    /// See `domain::exit::ExitReason`.
    pub reason: String,
    /// The dismissal track it follows, for a dismissal.
    pub track_id: Option<i64>,
    /// See `domain::exit::ReceiverKind`.
    pub receiver_kind: String,
    /// The receiver as printed on the record (the committee, the manager, the company).
    pub receiver_name: String,
    pub incoming_company_id: Option<i64>,
    /// The day the company was given (or gave) written notice.
    pub notice_on: Option<Date>,
    pub opened_on: Date,
    pub contract_ends_on: Date,
    pub deadline_days: i32,
    pub handover_deadline: Date,
    /// See `domain::exit::ExitStatus`.
    pub status: String,
    pub note: String,
    pub opened_by: i64,
    /// The A4 case the scanner opened past the deadline (once).
    pub case_id: Option<i64>,
    pub completed_on: Option<Date>,
    /// The handover record's number, once all three signed.
    pub record_number: String,
    /// The handover record's PDF (a blob).
    pub record_sm3: Option<String>,
    pub cancel_reason: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
