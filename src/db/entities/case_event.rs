//! The `case_events` table: a case's timeline.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// [`crate::domain::case::CaseEvent`] string form, or `note`, `extension_request`…
    pub kind: String,
    pub from_status: String,
    pub to_status: String,
    /// For the bureau and the company.
    pub note: String,
    /// What complainants read on their tracking pages (may be empty).
    pub public_text: String,
    /// The deadline set by this step, if any.
    pub deadline: Option<Date>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
