//! The `dismissal_tracks` table: a guided dismissal track (引导解聘) of one community.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dismissal_tracks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub company_id: Option<i64>,
    /// The township assigned to guide the owners.
    pub township_id: i64,
    pub reasons: String,
    /// The cases it rests on, comma-separated ids.
    pub case_ids: String,
    /// Days of written notice before the contract ends (民法典第946条: 60 unless agreed otherwise).
    pub notice_days: i32,
    pub opened_on: Date,
    pub opened_by: i64,
    pub called_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub dismissed: bool,
    pub served_on: Option<Date>,
    pub contract_ends_on: Option<Date>,
    /// `open` or `closed`.
    pub status: String,
    /// The owners' decision on 第278条(四) whose result the assembly step took.
    pub decision_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
