//! The `contracts` table: the property-service contract periods of a community, current and past.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub company_id: i64,
    /// Unknown for a contract registered before the platform kept periods.
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub service_grade: String,
    /// Fee standard, fen per square metre per month.
    pub fee_fen: Option<i64>,
    /// See `domain::exit::ContractStatus`.
    pub status: String,
    /// The exit it follows (an incoming company's contract).
    pub exit_id: Option<i64>,
    pub registered_by: Option<i64>,
    pub in_force_on: Option<Date>,
    pub ended_on: Option<Date>,
    /// The takeover inspection (承接查验): its day, findings and who recorded it.
    pub takeover_inspected_on: Option<Date>,
    pub takeover_findings: String,
    pub takeover_inspector: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
