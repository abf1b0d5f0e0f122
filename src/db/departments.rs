//! Department queries: the departments cases are referred to.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::department;

/// Departments of the given jurisdictions (all when `None`), by name.
pub async fn departments<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: Option<Vec<i64>>,
) -> Result<Vec<department::Model>, DbErr> {
    let mut q = department::Entity::find();
    if let Some(ids) = jurisdiction_ids {
        q = q.filter(department::Column::JurisdictionId.is_in(ids));
    }
    q.order_by_asc(department::Column::Id).all(db).await
}

/// One department.
pub async fn department<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<department::Model>, DbErr> {
    department::Entity::find_by_id(id).one(db).await
}

/// Inserts a department of `jurisdiction_id` and returns it.
pub async fn insert_department<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i64,
    name: &str,
    kind: &str,
    contact_phone: &str,
    now: DateTime<Utc>,
) -> Result<department::Model, DbErr> {
    department::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        name: Set(name.into()),
        kind: Set(kind.into()),
        contact_phone: Set(contact_phone.into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a department's name, kind and phone; returns the row.
pub async fn update_department<C: ConnectionTrait>(
    db: &C,
    id: i64,
    name: &str,
    kind: &str,
    contact_phone: &str,
    now: DateTime<Utc>,
) -> Result<department::Model, DbErr> {
    department::ActiveModel {
        id: Unchanged(id),
        name: Set(name.into()),
        kind: Set(kind.into()),
        contact_phone: Set(contact_phone.into()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}
