//! The `decision_codes` table: a unit's one-time voting code, sealed, with its blind index.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub decision_id: i64,
    pub roster_unit_id: i64,
    pub code_index: String,
    pub code_sealed: String,
    pub channel: String,
    pub handed_over_at: Option<DateTimeUtc>,
    pub handed_over_by: Option<i64>,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
