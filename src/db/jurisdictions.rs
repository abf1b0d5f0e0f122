//! Jurisdiction queries: the county, its townships and neighbourhoods.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::entities::jurisdiction;

/// Every jurisdiction (a county has a few dozen), ordered by code.
pub async fn jurisdictions<C: ConnectionTrait>(db: &C) -> Result<Vec<jurisdiction::Model>, DbErr> {
    jurisdiction::Entity::find().order_by_asc(jurisdiction::Column::Code).all(db).await
}

/// One jurisdiction.
pub async fn jurisdiction<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<jurisdiction::Model>, DbErr> {
    jurisdiction::Entity::find_by_id(id).one(db).await
}

/// One jurisdiction by code.
pub async fn jurisdiction_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<Option<jurisdiction::Model>, DbErr> {
    jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)).one(db).await
}

/// Whether the registry holds any jurisdiction (an empty database gets demo data).
pub async fn is_empty<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(jurisdiction::Entity::find().count(db).await? == 0)
}

/// A jurisdiction's fields as written, new or over an existing row.
#[derive(Debug, Clone)]
pub struct NewJurisdiction {
    pub code: String,
    pub name: String,
    /// county / township / neighbourhood
    pub level: String,
    pub parent_id: Option<i64>,
}

/// Inserts a jurisdiction and returns it.
pub async fn insert_jurisdiction<C: ConnectionTrait>(
    db: &C,
    new: NewJurisdiction,
    now: DateTime<Utc>,
) -> Result<jurisdiction::Model, DbErr> {
    jurisdiction::ActiveModel {
        code: Set(new.code),
        name: Set(new.name),
        level: Set(new.level),
        parent_id: Set(new.parent_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a jurisdiction's code, name, level and parent; returns the row.
pub async fn update_jurisdiction<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new: NewJurisdiction,
    now: DateTime<Utc>,
) -> Result<jurisdiction::Model, DbErr> {
    jurisdiction::ActiveModel {
        id: Unchanged(id),
        code: Set(new.code),
        name: Set(new.name),
        level: Set(new.level),
        parent_id: Set(new.parent_id),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}
