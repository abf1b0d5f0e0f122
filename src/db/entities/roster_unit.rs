//! The `roster_units` table: one exclusive unit (专有部分) of a community's owner roster, with the
//! three areas of 第8条 in 0.01 m².

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roster_units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub register_area_centi: Option<i64>,
    pub surveyed_area_centi: Option<i64>,
    pub contract_area_centi: Option<i64>,
    pub developer_held: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
