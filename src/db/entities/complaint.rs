//! The `complaints` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tracking_code: String,
    pub channel: String,
    pub status: String,
    pub community_id: Option<i64>,
    pub company_id: Option<i64>,
    pub township_id: Option<i64>,
    pub catalog_code: Option<String>,
    pub description: String,
    pub anonymous: bool,
    /// SM4-GCM sealed (personal data at rest).
    pub name_sealed: Option<String>,
    /// SM4-GCM sealed.
    pub phone_sealed: Option<String>,
    /// SM4-GCM sealed.
    pub email_sealed: Option<String>,
    /// HMAC-SM3 of the phone number, to find repeat callers without decrypting.
    pub phone_index: Option<String>,
    pub operator_user_id: Option<i64>,
    /// The Open311 partner system that posted it.
    pub partner_id: Option<i64>,
    pub external_ref: Option<String>,
    pub problem_id: Option<i64>,
    pub department_id: Option<i64>,
    /// The answer the complainant reads (reason for rejection, result).
    pub public_answer: String,
    /// jieba segmentation of the description, community and catalog item (full-text search).
    pub search_text: String,
    pub received_at: DateTimeUtc,
    pub acceptance_due: DateTimeUtc,
    pub triaged_at: Option<DateTimeUtc>,
    pub closure_due: Option<DateTimeUtc>,
    pub extended: bool,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
