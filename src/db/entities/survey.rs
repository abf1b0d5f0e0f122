//! The `surveys` table: satisfaction surveys of a community or a whole township for a period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "surveys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub township_id: i64,
    pub community_id: Option<i64>,
    pub period: String,
    pub questionnaire_id: i64,
    pub areas: String,
    pub standard_pct: i32,
    pub opens_on: Date,
    pub closes_on: Date,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
