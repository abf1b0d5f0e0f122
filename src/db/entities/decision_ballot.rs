//! The `decision_ballots` table: an owner's ballot (one per 第9条 holder), its choices sealed until the count.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_ballots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub decision_id: i64,
    pub holder_key: String,
    pub roster_unit_id: i64,
    pub channel: String,
    pub choices_sealed: String,
    pub area_centi: i64,
    pub building: String,
    pub photo_digest: Option<String>,
    pub voter_name_sealed: Option<String>,
    pub entered_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
