//! The `roster_owners` table: an owner of a roster unit (co-owners: several rows), personal data
//! sealed, with the blind index that is the owner's 第9条 holder key.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roster_owners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub roster_unit_id: i64,
    pub name_sealed: String,
    pub phone_sealed: Option<String>,
    pub id_number_sealed: Option<String>,
    pub holder_index: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
