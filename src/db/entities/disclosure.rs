//! The `disclosures` table: published disclosure versions (never updated; a correction is the next version).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disclosures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub item_code: String,
    pub period: String,
    pub version: i32,
    pub fields_json: String,
    pub correction_reason: String,
    pub published_by: i64,
    pub publisher_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
