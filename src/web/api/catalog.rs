//! The violation catalog over the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::ApiJson;
use crate::service::catalog::{self, CatalogItemForm, CatalogItemView};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/catalog
#[utoipa::path(get, path = "/api/v1/catalog", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [CatalogItemView])))]
pub async fn list_catalog(State(s): State<AppState>, _a: ApiAuth) -> Result<Json<Vec<CatalogItemView>>, ApiError> {
    Ok(Json(catalog::list_catalog(&s.deps).await?))
}

/// POST /api/v1/catalog
#[utoipa::path(post, path = "/api/v1/catalog", tag = "registry", security(("bearer" = [])), request_body = CatalogItemForm, responses((status = 201, body = CatalogItemView)))]
pub async fn create_catalog_item(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<CatalogItemForm>,
) -> Result<(StatusCode, Json<CatalogItemView>), ApiError> {
    Ok((StatusCode::CREATED, Json(catalog::save_catalog_item(&s.deps, &a.ctx, None, f).await?)))
}

/// PUT /api/v1/catalog/{id}
#[utoipa::path(put, path = "/api/v1/catalog/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CatalogItemForm, responses((status = 200, body = CatalogItemView)))]
pub async fn update_catalog_item(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<CatalogItemForm>,
) -> Result<Json<CatalogItemView>, ApiError> {
    Ok(Json(catalog::save_catalog_item(&s.deps, &a.ctx, Some(id), f).await?))
}
