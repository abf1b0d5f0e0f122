//! The `inspection_plans` table: an inspection plan (排查计划) of a campaign phase.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_phase_id: i64,
    pub name: String,
    /// `county`, `township` or `company`.
    pub scope: String,
    /// The township or company of the scope.
    pub scope_id: Option<i64>,
    /// The catalog codes asked about, comma-separated.
    pub checklist: String,
    pub due_on: Date,
    /// Responsible person of the cases its findings open.
    pub responsible_user_id: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
