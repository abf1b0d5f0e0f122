//! Catalog queries: the violation catalog (整治内容).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ConnectionTrait, DbErr, EntityTrait, QueryOrder,
};

use super::entities::catalog_item;

/// The whole catalog in display order.
pub async fn catalog<C: ConnectionTrait>(db: &C) -> Result<Vec<catalog_item::Model>, DbErr> {
    catalog_item::Entity::find()
        .order_by_asc(catalog_item::Column::Position)
        .order_by_asc(catalog_item::Column::Code)
        .all(db)
        .await
}

/// One catalog item.
pub async fn catalog_item<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<catalog_item::Model>, DbErr> {
    catalog_item::Entity::find_by_id(id).one(db).await
}

/// A new catalog item (inserted active).
#[derive(Debug, Clone)]
pub struct NewCatalogItem {
    pub code: String,
    pub parent_code: Option<String>,
    /// A or B, the code's first letter.
    pub category: String,
    pub title: String,
    pub description: String,
    pub legal_basis: String,
    pub position: i32,
}

/// Inserts an active catalog item and returns it.
pub async fn insert_catalog_item<C: ConnectionTrait>(
    db: &C,
    new: NewCatalogItem,
    now: DateTime<Utc>,
) -> Result<catalog_item::Model, DbErr> {
    catalog_item::ActiveModel {
        code: Set(new.code),
        parent_code: Set(new.parent_code),
        category: Set(new.category),
        title: Set(new.title),
        description: Set(new.description),
        legal_basis: Set(new.legal_basis),
        position: Set(new.position),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a catalog item's texts and active flag (code and position stay); returns the row.
pub async fn update_catalog_item<C: ConnectionTrait>(
    db: &C,
    id: i64,
    title: String,
    description: String,
    legal_basis: String,
    active: bool,
    now: DateTime<Utc>,
) -> Result<catalog_item::Model, DbErr> {
    catalog_item::ActiveModel {
        id: Unchanged(id),
        title: Set(title),
        description: Set(description),
        legal_basis: Set(legal_basis),
        active: Set(active),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}
