//! The `notices` table: rectification notices (整改通知书).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// e.g. 阳住建物整〔2024〕17号.
    pub number: String,
    pub jurisdiction_id: i64,
    pub year: i32,
    pub seq: i32,
    pub company_id: i64,
    pub deadline: Date,
    /// The items as issued (text).
    pub body: String,
    pub contact: String,
    /// `issued` or `signed`.
    pub status: String,
    pub issued_by: i64,
    pub issued_at: DateTimeUtc,
    pub signed_at: Option<DateTimeUtc>,
    pub signed_by: Option<i64>,
    /// When the scanner flagged it as not signed for in time.
    pub unsigned_flagged_at: Option<DateTimeUtc>,
    /// SM3 of the PDF as rendered once at issue.
    pub pdf_digest: String,
    pub pdf_bytes: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
