//! The `exit_item_files` table: evidence of a handover item (photos re-encoded, scanned receipts
//! as PDF), by the party that added it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exit_item_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub exit_id: i64,
    pub item_id: i64,
    /// `leaving` or `receiver` (see `domain::exit::Party`).
    pub party: String,
    /// The blob's SM3.
    pub digest: String,
    /// `pdf` or `jpeg`.
    pub kind: String,
    pub name: String,
    pub uploaded_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
