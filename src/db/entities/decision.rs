//! The `decisions` table: an owners' joint decision (业主共同决定): one vote in a community.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub township_id: i64,
    pub title: String,
    pub convenor_role: String,
    pub convened_by: i64,
    pub interim: bool,
    pub notice_on: Date,
    pub voting_starts_on: Date,
    pub voting_ends_on: Date,
    pub objection_days: i32,
    pub deem_clause: String,
    pub status: String,
    pub closed_at: Option<DateTimeUtc>,
    pub objection_ends_on: Option<Date>,
    pub finalized_at: Option<DateTimeUtc>,
    pub total_units: Option<i64>,
    pub total_area_centi: Option<i64>,
    pub total_owners: Option<i64>,
    pub announcement_digest: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
