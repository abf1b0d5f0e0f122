//! Companies over the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::{ApiJson, ListQuery, Paged};
use crate::domain::registry::CompanyDraft;
use crate::service::companies::{self, CompanyView};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/companies
#[utoipa::path(get, path = "/api/v1/companies", tag = "registry", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Paged<CompanyView>)))]
pub async fn list_companies(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<ListQuery>,
) -> Result<Json<Paged<CompanyView>>, ApiError> {
    let (page, per) = q.paging();
    Ok(Json(companies::list_companies(&s.deps, &a.ctx, q.q(), page, per).await?.into()))
}

/// POST /api/v1/companies
#[utoipa::path(post, path = "/api/v1/companies", tag = "registry", security(("bearer" = [])), request_body = CompanyDraft, responses((status = 201, body = CompanyView), (status = 422, body = super::ErrorBody)))]
pub async fn create_company(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(d): ApiJson<CompanyDraft>,
) -> Result<(StatusCode, Json<CompanyView>), ApiError> {
    Ok((StatusCode::CREATED, Json(companies::create_company(&s.deps, &a.ctx, d).await?)))
}

/// GET /api/v1/companies/{id}
#[utoipa::path(get, path = "/api/v1/companies/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CompanyView), (status = 404, body = super::ErrorBody)))]
pub async fn get_company(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<CompanyView>, ApiError> {
    Ok(Json(companies::get_company(&s.deps, &a.ctx, id).await?))
}

/// PUT /api/v1/companies/{id}
#[utoipa::path(put, path = "/api/v1/companies/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CompanyDraft, responses((status = 200, body = CompanyView)))]
pub async fn update_company(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<CompanyDraft>,
) -> Result<Json<CompanyView>, ApiError> {
    Ok(Json(companies::update_company(&s.deps, &a.ctx, id, d).await?))
}
