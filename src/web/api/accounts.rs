//! Tokens, the caller's own account, and account administration.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::domain::role::Role;
use crate::service::accounts::{self, AccountForm, AccountView, IssuedToken};
use crate::web::AppState;
use crate::web::auth::{ApiAuth, Public};
use crate::web::error::ApiError;

/// Credentials for a token.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

/// POST /api/v1/auth/token
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = IssuedToken), (status = 401, body = super::ErrorBody), (status = 423, body = super::ErrorBody)))]
pub async fn issue_token(
    State(s): State<AppState>,
    p: Public,
    ApiJson(r): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let t = accounts::issue_token(&s.deps, &p.ctx, &r.username, &r.password).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// DELETE /api/v1/auth/token
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth", security(("bearer" = [])), responses((status = 204)))]
pub async fn revoke_token(State(s): State<AppState>, a: ApiAuth) -> Result<StatusCode, ApiError> {
    accounts::revoke_token(&s.deps, &a.ctx, a.token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MeView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: String,
    pub jurisdiction_path: Vec<i64>,
}

/// GET /api/v1/me
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = MeView)))]
pub async fn me(a: ApiAuth) -> Json<MeView> {
    Json(MeView {
        id: a.user.id,
        username: a.user.username,
        display_name: a.user.display_name,
        role: a.user.actor.role,
        role_label: a.user.actor.role.label().into(),
        jurisdiction_path: a.user.actor.jurisdiction_path,
    })
}

/// New password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// POST /api/v1/me/password
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = PasswordRequest,
    responses((status = 204), (status = 422, body = super::ErrorBody)))]
pub async fn change_password(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(r): ApiJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    accounts::change_password(&s.deps, &a.ctx, &r.current_password, &r.new_password, &r.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Search.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
}

/// A page of accounts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    pub total: u64,
    pub page: u64,
}

/// GET /api/v1/users
#[utoipa::path(get, path = "/api/v1/users", tag = "auth", security(("bearer" = [])), params(UserQuery), responses((status = 200, body = AccountPage), (status = 403, body = super::ErrorBody)))]
pub async fn list_users(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<UserQuery>,
) -> Result<Json<AccountPage>, ApiError> {
    let p =
        accounts::list_accounts(&s.deps, &a.ctx, q.q.as_deref().filter(|s| !s.is_empty()), q.page.unwrap_or(1)).await?;
    Ok(Json(AccountPage { items: p.items, total: p.total, page: p.page }))
}

/// POST /api/v1/users
#[utoipa::path(post, path = "/api/v1/users", tag = "auth", security(("bearer" = [])), request_body = AccountForm, responses((status = 201, body = AccountView), (status = 422, body = super::ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<AccountForm>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    Ok((StatusCode::CREATED, Json(accounts::create_account(&s.deps, &a.ctx, f).await?)))
}

/// GET /api/v1/users/{id}
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "auth", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = AccountView)))]
pub async fn get_user(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(accounts::get_account(&s.deps, &a.ctx, id).await?))
}

/// PUT /api/v1/users/{id}
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "auth", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AccountForm, responses((status = 200, body = AccountView)))]
pub async fn update_user(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AccountForm>,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(accounts::update_account(&s.deps, &a.ctx, id, f).await?))
}
