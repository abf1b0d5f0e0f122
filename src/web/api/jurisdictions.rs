//! Jurisdictions over the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::ApiJson;
use crate::service::jurisdictions::{self, JurisdictionForm, JurisdictionView};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/jurisdictions
#[utoipa::path(get, path = "/api/v1/jurisdictions", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [JurisdictionView])))]
pub async fn list_jurisdictions(
    State(s): State<AppState>,
    a: ApiAuth,
) -> Result<Json<Vec<JurisdictionView>>, ApiError> {
    Ok(Json(jurisdictions::list_jurisdictions(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/jurisdictions
#[utoipa::path(post, path = "/api/v1/jurisdictions", tag = "registry", security(("bearer" = [])), request_body = JurisdictionForm, responses((status = 201, body = JurisdictionView)))]
pub async fn create_jurisdiction(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<JurisdictionForm>,
) -> Result<(StatusCode, Json<JurisdictionView>), ApiError> {
    Ok((StatusCode::CREATED, Json(jurisdictions::save_jurisdiction(&s.deps, &a.ctx, None, f).await?)))
}

/// PUT /api/v1/jurisdictions/{id}
#[utoipa::path(put, path = "/api/v1/jurisdictions/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = JurisdictionForm, responses((status = 200, body = JurisdictionView)))]
pub async fn update_jurisdiction(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<JurisdictionForm>,
) -> Result<Json<JurisdictionView>, ApiError> {
    Ok(Json(jurisdictions::save_jurisdiction(&s.deps, &a.ctx, Some(id), f).await?))
}
