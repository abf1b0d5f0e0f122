//! The `users` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// SM4-GCM sealed phone number (personal data at rest).
    pub phone_sealed: Option<String>,
    /// SM4-GCM sealed email address, for notifications by email.
    pub email_sealed: Option<String>,
    pub password_hash: String,
    pub role: String,
    pub jurisdiction_id: Option<i64>,
    pub company_id: Option<i64>,
    pub community_id: Option<i64>,
    pub department_id: Option<i64>,
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub active: bool,
    pub last_login_at: Option<DateTimeUtc>,
    pub password_changed_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
