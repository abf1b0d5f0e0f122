//! The `outbox` table: messages to send, written with what caused them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique per message: what caused it, so a retry never sends it twice.
    pub dedupe_key: String,
    /// `email` (SMS with the notifications of the ledger).
    pub channel: String,
    /// What the message is, e.g. `complaint_receipt`.
    pub kind: String,
    /// The address, sealed with the personal-data key.
    pub recipient_sealed: String,
    pub subject: String,
    pub body: String,
    /// The Message-ID this answers, for mail clients' threading.
    pub in_reply_to: Option<String>,
    pub complaint_id: Option<i64>,
    /// `pending`, `sent` or `failed` (gave up after the last attempt).
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
    pub next_attempt_at: DateTimeUtc,
    /// While a sender holds the row.
    pub lease_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
