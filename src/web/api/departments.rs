//! Departments over the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::ApiJson;
use crate::service::departments::{self, DepartmentForm, DepartmentView};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/departments
#[utoipa::path(get, path = "/api/v1/departments", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [DepartmentView])))]
pub async fn list_departments(State(s): State<AppState>, a: ApiAuth) -> Result<Json<Vec<DepartmentView>>, ApiError> {
    Ok(Json(departments::list_departments(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/departments
#[utoipa::path(post, path = "/api/v1/departments", tag = "registry", security(("bearer" = [])), request_body = DepartmentForm, responses((status = 201, body = DepartmentView)))]
pub async fn create_department(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<DepartmentForm>,
) -> Result<(StatusCode, Json<DepartmentView>), ApiError> {
    Ok((StatusCode::CREATED, Json(departments::save_department(&s.deps, &a.ctx, None, f).await?)))
}

/// PUT /api/v1/departments/{id}
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DepartmentForm, responses((status = 200, body = DepartmentView)))]
pub async fn update_department(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DepartmentForm>,
) -> Result<Json<DepartmentView>, ApiError> {
    Ok(Json(departments::save_department(&s.deps, &a.ctx, Some(id), f).await?))
}
