//! Complaints over the API: public submission and tracking, staff inbox and triage.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::ApiJson;
use super::Paged;
use crate::domain::complaint::Channel;
use crate::service::complaints::{
    self, ComplaintDetail, ComplaintForm, ComplaintRow, Identity, InboxQuery, PublicStatus, Receipt, TriageForm,
};
use crate::web::AppState;
use crate::web::auth::{ApiAuth, Public};
use crate::web::error::ApiError;

/// POST /api/v1/complaints (public, no account)
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = ComplaintForm,
    responses((status = 201, body = Receipt), (status = 422, body = super::ErrorBody)))]
pub async fn create_complaint(
    State(s): State<AppState>,
    p: Public,
    ApiJson(f): ApiJson<ComplaintForm>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    Ok((StatusCode::CREATED, Json(complaints::submit(&s.deps, &p.ctx, Channel::Api, f, None).await?)))
}

/// GET /api/v1/complaints/track/{code} (public)
#[utoipa::path(get, path = "/api/v1/complaints/track/{code}", tag = "complaints", params(("code" = String, Path)),
    responses((status = 200, body = PublicStatus), (status = 404, body = super::ErrorBody)))]
pub async fn track(State(s): State<AppState>, Path(code): Path<String>) -> Result<Json<PublicStatus>, ApiError> {
    Ok(Json(complaints::track(&s.deps, &code).await?))
}

/// GET /api/v1/complaints (staff inbox)
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, body = Paged<ComplaintRow>), (status = 403, body = super::ErrorBody)))]
pub async fn list_complaints(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<InboxQuery>,
) -> Result<Json<Paged<ComplaintRow>>, ApiError> {
    Ok(Json(complaints::inbox(&s.deps, &a.ctx, &q, 50).await?.into()))
}

/// GET /api/v1/complaints/{id}
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintDetail), (status = 403, body = super::ErrorBody)))]
pub async fn get_complaint(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(complaints::detail(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/complaints/{id}/triage
#[utoipa::path(post, path = "/api/v1/complaints/{id}/triage", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TriageForm,
    responses((status = 200, body = ComplaintRow), (status = 422, body = super::ErrorBody)))]
pub async fn triage(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<TriageForm>,
) -> Result<Json<ComplaintRow>, ApiError> {
    Ok(Json(complaints::triage(&s.deps, &a.ctx, id, f).await?))
}

/// POST /api/v1/complaints/{id}/reveal (audited)
#[utoipa::path(post, path = "/api/v1/complaints/{id}/reveal", tag = "complaints", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Identity), (status = 403, body = super::ErrorBody)))]
pub async fn reveal(State(s): State<AppState>, a: ApiAuth, Path(id): Path<i64>) -> Result<Json<Identity>, ApiError> {
    Ok(Json(complaints::reveal(&s.deps, &a.ctx, id).await?))
}
