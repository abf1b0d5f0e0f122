//! The `communities` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "communities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub township_id: i64,
    pub company_id: Option<i64>,
    pub contract_start: Option<Date>,
    pub contract_end: Option<Date>,
    pub service_grade: String,
    pub fee_fen: Option<i64>,
    pub building_area_cm2: Option<i64>,
    pub unit_count: Option<i32>,
    pub committee: String,
    /// The clause of the registered rules (议事规则) deeming non-voters to follow the majority;
    /// empty where the rules say no such thing.
    pub deem_clause: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
