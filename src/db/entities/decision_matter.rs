//! The `decision_matters` table: a matter voted on, with its 第278条 item and, once counted, its tally.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_matters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub decision_id: i64,
    pub position: i32,
    pub item: String,
    pub title: String,
    pub body: String,
    pub yes_area_centi: Option<i64>,
    pub yes_owners: Option<i64>,
    pub no_area_centi: Option<i64>,
    pub no_owners: Option<i64>,
    pub abstain_area_centi: Option<i64>,
    pub abstain_owners: Option<i64>,
    pub deemed_yes_area_centi: Option<i64>,
    pub deemed_yes_owners: Option<i64>,
    pub deemed_no_area_centi: Option<i64>,
    pub deemed_no_owners: Option<i64>,
    pub passed: Option<bool>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
