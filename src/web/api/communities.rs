//! Communities over the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::{ApiJson, ListQuery, Paged};
use crate::domain::registry::CommunityDraft;
use crate::service::communities::{self, CommunityView};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/communities
#[utoipa::path(get, path = "/api/v1/communities", tag = "registry", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Paged<CommunityView>)))]
pub async fn list_communities(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<ListQuery>,
) -> Result<Json<Paged<CommunityView>>, ApiError> {
    let (page, per) = q.paging();
    Ok(Json(
        communities::list_communities(&s.deps, &a.ctx, q.q(), q.township_id, q.company_id, page, per).await?.into(),
    ))
}

/// POST /api/v1/communities
#[utoipa::path(post, path = "/api/v1/communities", tag = "registry", security(("bearer" = [])), request_body = CommunityDraft, responses((status = 201, body = CommunityView), (status = 422, body = super::ErrorBody)))]
pub async fn create_community(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(d): ApiJson<CommunityDraft>,
) -> Result<(StatusCode, Json<CommunityView>), ApiError> {
    Ok((StatusCode::CREATED, Json(communities::create_community(&s.deps, &a.ctx, d).await?)))
}

/// GET /api/v1/communities/{id}
#[utoipa::path(get, path = "/api/v1/communities/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CommunityView), (status = 404, body = super::ErrorBody)))]
pub async fn get_community(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<CommunityView>, ApiError> {
    Ok(Json(communities::get_community(&s.deps, &a.ctx, id).await?))
}

/// PUT /api/v1/communities/{id}
#[utoipa::path(put, path = "/api/v1/communities/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CommunityDraft, responses((status = 200, body = CommunityView)))]
pub async fn update_community(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<CommunityDraft>,
) -> Result<Json<CommunityView>, ApiError> {
    Ok(Json(communities::update_community(&s.deps, &a.ctx, id, d).await?))
}
