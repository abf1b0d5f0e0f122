//! The `dismissal_steps` table: one recorded step of a dismissal track.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dismissal_steps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub track_id: i64,
    pub step: String,
    pub happened_on: Date,
    pub note: String,
    pub actor_user_id: i64,
    pub actor_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
