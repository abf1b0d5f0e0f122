//! The `mail_cursors` table: how far the IMAP poller has read each mailbox.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_cursors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `user@host:port/folder`.
    pub mailbox: String,
    /// The folder's UIDVALIDITY when `last_uid` was read; a new value restarts from UID 1.
    pub uid_validity: i64,
    /// The highest UID imported (or skipped as unusable) under that UIDVALIDITY.
    pub last_uid: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
