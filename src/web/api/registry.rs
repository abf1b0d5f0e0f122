//! The registry as a whole over the API: Excel export and import of companies and communities.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::service::registry;
use crate::service::registry_xlsx::ImportReport;
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/registry/export
#[utoipa::path(get, path = "/api/v1/registry/export", tag = "registry", security(("bearer" = [])), responses((status = 200, description = "xlsx workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_registry(State(s): State<AppState>, a: ApiAuth) -> Result<Response, ApiError> {
    let bytes = registry::export_registry(&s.deps, &a.ctx).await?;
    Ok(crate::web::pages::registry::xlsx_response(bytes))
}

/// POST /api/v1/registry/import (body: the .xlsx file)
#[utoipa::path(post, path = "/api/v1/registry/import", tag = "registry", security(("bearer" = [])), request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportReport)))]
pub async fn import_registry(
    State(s): State<AppState>,
    a: ApiAuth,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let report = registry::import_registry(&s.deps, &a.ctx, body.to_vec()).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)))
}
