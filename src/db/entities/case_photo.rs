//! The `case_photos` table: evidence photos of a case.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// The step that brought it (report, re-inspection).
    pub case_event_id: Option<i64>,
    /// The catalog item a report photo shows; `None` for a photo of the whole step.
    pub item_code: Option<String>,
    pub digest: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
