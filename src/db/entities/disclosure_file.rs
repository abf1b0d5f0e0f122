//! The `disclosure_files` table: attachments of a disclosure version, stored by SM3 digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disclosure_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub disclosure_id: i64,
    pub name: String,
    pub doc_type: String,
    pub doc_sm3: String,
    pub bytes: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
