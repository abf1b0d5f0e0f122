//! Open311 partners: the hotline systems allowed to post clues, each known by its key's digest.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::open311_partner;

/// The active partner whose key has this SM3 digest (hex).
pub async fn active_partner_by_key_hash<C: ConnectionTrait>(
    db: &C,
    api_key_hash: &str,
) -> Result<Option<open311_partner::Model>, DbErr> {
    open311_partner::Entity::find()
        .filter(open311_partner::Column::ApiKeyHash.eq(api_key_hash))
        .filter(open311_partner::Column::Active.eq(true))
        .one(db)
        .await
}

/// Inserts an active partner and returns it.
pub async fn insert_partner<C: ConnectionTrait>(
    db: &C,
    name: &str,
    api_key_hash: &str,
    at: DateTime<Utc>,
) -> Result<open311_partner::Model, DbErr> {
    open311_partner::ActiveModel {
        name: Set(name.into()),
        api_key_hash: Set(api_key_hash.into()),
        active: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}
