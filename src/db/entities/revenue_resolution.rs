//! The `revenue_resolutions` table: owners' assembly resolutions authorising business on common parts and sharing its income.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revenue_resolutions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub reference: String,
    pub adopted_on: Date,
    pub fund_pct: i32,
    pub owners_pct: i32,
    pub expenses_pct: i32,
    pub company_pct: i32,
    pub settle_days: i32,
    pub note: String,
    pub created_by: i64,
    /// The owners' decision on 第278条(八) that adopted it.
    pub decision_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
