//! The `disclosure_items` table: what a company must disclose (民法典第943条), with frequency and due rule.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disclosure_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub title: String,
    pub guidance: String,
    pub fields: String,
    pub frequency: String,
    pub due_basis: String,
    pub due_days: i32,
    pub catalog_code: String,
    pub sort: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
