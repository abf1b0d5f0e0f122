//! Account queries: users and API tokens.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{api_token, user};
use crate::domain::role::{Role, Scope};

/// One user by id.
pub async fn user<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// Users by id.
pub async fn users_by_ids<C: ConnectionTrait>(db: &C, ids: Vec<i64>) -> Result<Vec<user::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await
}

/// One user by username (exact).
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

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub phone_sealed: Option<String>,
    pub email_sealed: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub must_change_password: bool,
    pub now: DateTime<Utc>,
}

/// Stores the scope on an account row: the one scope column of its kind, the others cleared.
fn set_scope(am: &mut user::ActiveModel, scope: Scope) {
    am.jurisdiction_id = Set(None);
    am.company_id = Set(None);
    am.community_id = Set(None);
    am.department_id = Set(None);
    match scope {
        Scope::Jurisdiction(id) => am.jurisdiction_id = Set(Some(id)),
        Scope::Company(id) => am.company_id = Set(Some(id)),
        Scope::Community(id) => am.community_id = Set(Some(id)),
        Scope::Department(id) => am.department_id = Set(Some(id)),
    }
}

/// Inserts an active, unlocked account that has never logged in.
pub async fn insert_user<C: ConnectionTrait>(db: &C, new: NewUser) -> Result<user::Model, DbErr> {
    let mut am = user::ActiveModel {
        username: Set(new.username),
        display_name: Set(new.display_name),
        phone_sealed: Set(new.phone_sealed),
        email_sealed: Set(new.email_sealed),
        password_hash: Set(new.password_hash),
        role: Set(new.role.as_str().into()),
        must_change_password: Set(new.must_change_password),
        failed_logins: Set(0),
        locked_until: Set(None),
        active: Set(true),
        last_login_at: Set(None),
        password_changed_at: Set(new.now),
        created_at: Set(new.now),
        updated_at: Set(new.now),
        ..Default::default()
    };
    set_scope(&mut am, new.scope);
    am.insert(db).await
}

/// An administrator's change to an account.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub phone_sealed: Option<String>,
    pub email_sealed: Option<String>,
    /// A new password's hash: the user must change it at next login.
    pub reset_password_hash: Option<String>,
    pub now: DateTime<Utc>,
}

/// Applies an administrator's change to an account (which also unlocks it) and returns the row.
pub async fn update_user<C: ConnectionTrait>(db: &C, id: i64, change: UserChange) -> Result<user::Model, DbErr> {
    let mut am = user::ActiveModel { id: Unchanged(id), ..Default::default() };
    am.display_name = Set(change.display_name);
    am.role = Set(change.role.as_str().into());
    set_scope(&mut am, change.scope);
    am.active = Set(change.active);
    am.phone_sealed = Set(change.phone_sealed);
    am.email_sealed = Set(change.email_sealed);
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    if let Some(hash) = change.reset_password_hash {
        am.password_hash = Set(hash);
        am.must_change_password = Set(true);
        am.password_changed_at = Set(change.now);
    }
    am.updated_at = Set(change.now);
    am.update(db).await
}

/// Counts one more failed login on an account.
pub async fn set_failed_logins<C: ConnectionTrait>(
    db: &C,
    id: i64,
    failures: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::ActiveModel { id: Unchanged(id), failed_logins: Set(failures), updated_at: Set(now), ..Default::default() }
        .update(db)
        .await?;
    Ok(())
}

/// Locks an account until `until`, starting its failure count again.
pub async fn lock_user<C: ConnectionTrait>(
    db: &C,
    id: i64,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::ActiveModel {
        id: Unchanged(id),
        failed_logins: Set(0),
        locked_until: Set(Some(until)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Records a successful login (clearing failures and any lock) and returns the row.
pub async fn record_login<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        id: Unchanged(id),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}

/// Stores a password the user chose (no change required any more) and returns the row.
pub async fn set_own_password<C: ConnectionTrait>(
    db: &C,
    id: i64,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        id: Unchanged(id),
        password_hash: Set(password_hash),
        must_change_password: Set(false),
        password_changed_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}

/// One API token by id.
pub async fn token<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<api_token::Model>, DbErr> {
    api_token::Entity::find_by_id(id).one(db).await
}

/// Inserts an API token (by its SM3 digest) for a user; returns the row.
pub async fn insert_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    token_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<api_token::Model, DbErr> {
    api_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Revokes an API token.
pub async fn revoke_token<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_token::ActiveModel {
        id: Unchanged(id),
        revoked_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
