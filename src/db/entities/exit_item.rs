//! The `exit_items` table: one line of a handover checklist and the receiver's confirmation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exit_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub exit_id: i64,
    pub position: i32,
    /// `premises`, `revenue`, … or `county_N` for a county's added item.
    pub code: String,
    pub label: String,
    pub basis: String,
    /// See `domain::exit::ItemState`.
    pub state: String,
    pub confirmed_on: Option<Date>,
    pub confirmed_by: Option<i64>,
    pub confirmer_name: String,
    /// The service premises' area, hundredths of a square metre.
    pub area_centi: Option<i64>,
    /// The public-revenue balance at the confirmation, computed from the revenue ledger.
    pub amount_fen: Option<i64>,
    pub note: String,
    /// When the leaving company declared the item delivered, and what it said.
    pub declared_at: Option<DateTimeUtc>,
    pub declared_note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
