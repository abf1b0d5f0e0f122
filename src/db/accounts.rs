//! Account queries: users and API tokens.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{api_token, user};

/// One user by id.
pub async fn user<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// One user by username (exact).
/// Users by id.
pub async fn users_by_ids<C: ConnectionTrait>(db: &C, ids: Vec<i64>) -> Result<Vec<user::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await
}

pub async fn user_by_username<C: ConnectionTrait>(db: &C, username: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::Username.eq(username)).one(db).await
}

/// A user by username, locked for the rest of the transaction on PostgreSQL (`FOR UPDATE`), so
/// that concurrent logins count their failures one after another. SQLite's one writer already
/// serializes them.
pub async fn user_by_username_locked<C: ConnectionTrait>(db: &C, username: &str) -> Result<Option<user::Model>, DbErr> {
    let q = user::Entity::find().filter(user::Column::Username.eq(username));
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => q.lock_exclusive().one(db).await,
        _ => q.one(db).await,
    }
}

/// Users whose username or display name contains `q`, paged; with the total count.
pub async fn users<C: ConnectionTrait>(
    db: &C,
    q: Option<&str>,
    role: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<user::Model>, u64), DbErr> {
    let mut query = user::Entity::find();
    if let Some(q) = q {
        query = query.filter(
            Condition::any().add(user::Column::Username.contains(q)).add(user::Column::DisplayName.contains(q)),
        );
    }
    if let Some(r) = role {
        query = query.filter(user::Column::Role.eq(r));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(user::Column::Username)
        .offset(super::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// A token row by the SM3 of the token.
pub async fn token_by_hash<C: ConnectionTrait>(db: &C, hash: &str) -> Result<Option<api_token::Model>, DbErr> {
    api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash)).one(db).await
}

/// Active owners' committee accounts of a community.
pub async fn users_of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::CommunityId.eq(community_id))
        .filter(user::Column::Role.eq(crate::domain::role::Role::CommitteeMember.as_str()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

/// Active bureau staff of the county (any jurisdiction) and township officers of `township_id`:
/// who hears about a problem in that township.
pub async fn staff_of_township<C: ConnectionTrait>(db: &C, township_id: i64) -> Result<Vec<i64>, DbErr> {
    use crate::domain::role::Role;
    Ok(user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(
            sea_orm::Condition::any().add(user::Column::Role.eq(Role::BureauStaff.as_str())).add(
                sea_orm::Condition::all()
                    .add(user::Column::Role.eq(Role::TownshipOfficer.as_str()))
                    .add(user::Column::JurisdictionId.eq(township_id)),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}
