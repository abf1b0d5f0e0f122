//! The `revenue_entries` table: the public-revenue ledger (公共收益), append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revenue_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub company_id: Option<i64>,
    /// See `domain::revenue::Category`.
    pub category: String,
    /// Always positive; a reversing entry's effect is the opposite.
    pub amount_fen: i64,
    pub occurred_on: Date,
    pub counterparty: String,
    pub contract_ref: String,
    /// The owners' assembly resolution authorising the use of common parts (income).
    pub resolution_ref: String,
    /// The basis of a spending or distribution.
    pub basis: String,
    /// The entry this one reverses (a correction).
    pub reverses_id: Option<i64>,
    pub reason: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
