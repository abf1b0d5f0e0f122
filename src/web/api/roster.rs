//! A community's owner roster over the API: read it (owners masked), add, change and delete
//! units, import and export the workbook.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::ApiJson;
use crate::service::roster::{self, RosterImportReport, RosterView, UnitInput};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// The unit a save wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SavedUnit {
    pub id: i64,
}

/// GET /api/v1/communities/{id}/roster
#[utoipa::path(get, path = "/api/v1/communities/{id}/roster", tag = "roster", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RosterView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_roster(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<RosterView>, ApiError> {
    Ok(Json(roster::roster(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/communities/{id}/roster/units
#[utoipa::path(post, path = "/api/v1/communities/{id}/roster/units", tag = "roster", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UnitInput,
    responses((status = 201, body = SavedUnit), (status = 422, body = super::ErrorBody)))]
pub async fn create_roster_unit(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<SavedUnit>), ApiError> {
    let unit = roster::save_unit(&s.deps, &a.ctx, id, None, input).await?;
    Ok((StatusCode::CREATED, Json(SavedUnit { id: unit })))
}

/// PUT /api/v1/communities/{id}/roster/units/{unit_id} (`owners` absent: the owners recorded stay)
#[utoipa::path(put, path = "/api/v1/communities/{id}/roster/units/{unit_id}", tag = "roster", security(("bearer" = [])), params(("id" = i64, Path), ("unit_id" = i64, Path)), request_body = UnitInput,
    responses((status = 200, body = SavedUnit), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn update_roster_unit(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, unit_id)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<Json<SavedUnit>, ApiError> {
    let unit = roster::save_unit(&s.deps, &a.ctx, id, Some(unit_id), input).await?;
    Ok(Json(SavedUnit { id: unit }))
}

/// DELETE /api/v1/communities/{id}/roster/units/{unit_id}
#[utoipa::path(delete, path = "/api/v1/communities/{id}/roster/units/{unit_id}", tag = "roster", security(("bearer" = [])), params(("id" = i64, Path), ("unit_id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn delete_roster_unit(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    roster::delete_unit(&s.deps, &a.ctx, id, unit_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/communities/{id}/roster/import (body: the .xlsx file; replaces the roster)
#[utoipa::path(post, path = "/api/v1/communities/{id}/roster/import", tag = "roster", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = RosterImportReport), (status = 422, body = RosterImportReport)))]
pub async fn import_roster(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<(StatusCode, Json<RosterImportReport>), ApiError> {
    let report = roster::import_roster(&s.deps, &a.ctx, id, body.to_vec()).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)))
}

/// GET /api/v1/communities/{id}/roster/export (personal data in clear only for those who keep it)
#[utoipa::path(get, path = "/api/v1/communities/{id}/roster/export", tag = "roster", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "xlsx workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_roster(State(s): State<AppState>, a: ApiAuth, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let bytes = roster::export_roster(&s.deps, &a.ctx, id).await?;
    Ok(crate::web::pages::roster::roster_xlsx(bytes))
}
