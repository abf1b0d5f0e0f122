//! The `litigation_events` table: litigation and credit steps (诉讼、失信) on a dismissal track or
//! an exit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "litigation_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub track_id: Option<i64>,
    /// The exit it attaches to (a step recorded from the exit's page).
    pub exit_id: Option<i64>,
    /// See `domain::dismissal::Litigation`.
    pub kind: String,
    pub happened_on: Date,
    /// The court's case number, the platform's record number, …
    pub reference: String,
    pub note: String,
    pub doc_sm3: Option<String>,
    /// `pdf` or `jpeg` (empty without a document).
    pub doc_type: String,
    pub doc_name: String,
    pub actor_user_id: i64,
    pub actor_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
