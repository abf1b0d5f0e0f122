//! The `blobs` table: stored files by their SM3 digest (photos, PDFs, documents). Immutable.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blobs")]
pub struct Model {
    /// SM3 of `bytes`, 64 lowercase hex digits.
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    /// e.g. `image/jpeg`, `application/pdf`.
    pub media_type: String,
    /// Length of `bytes`.
    pub size: i64,
    pub bytes: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
