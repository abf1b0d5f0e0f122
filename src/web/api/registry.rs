//! Registry over the API.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::domain::registry::{CommunityDraft, CompanyDraft};
use crate::service::registry::{
    self, CampaignView, CatalogItemForm, CatalogItemView, CommunityView, CompanyView, DepartmentForm, DepartmentView,
    JurisdictionForm, JurisdictionView, NewCampaignRequest,
};
use crate::service::registry_xlsx::{self, ImportReport};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// Search and paging.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Text contained in the name, code or address.
    pub q: Option<String>,
    pub township_id: Option<i64>,
    pub company_id: Option<i64>,
    pub page: Option<u64>,
    /// At most 200.
    pub per_page: Option<u64>,
}

impl ListQuery {
    fn q(&self) -> Option<String> {
        self.q.clone().filter(|s| !s.trim().is_empty())
    }
    fn paging(&self) -> (u64, u64) {
        (self.page.unwrap_or(1).max(1), self.per_page.unwrap_or(50).clamp(1, 200))
    }
}

/// A page of results.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> From<crate::service::Page<T>> for Paged<T> {
    fn from(p: crate::service::Page<T>) -> Self {
        Paged { items: p.items, total: p.total, page: p.page, per_page: p.per_page }
    }
}

/// GET /api/v1/companies
#[utoipa::path(get, path = "/api/v1/companies", tag = "registry", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Paged<CompanyView>)))]
pub async fn list_companies(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<ListQuery>,
) -> Result<Json<Paged<CompanyView>>, ApiError> {
    let (page, per) = q.paging();
    Ok(Json(registry::list_companies(&s.deps, &a.ctx, q.q(), page, per).await?.into()))
}

/// POST /api/v1/companies
#[utoipa::path(post, path = "/api/v1/companies", tag = "registry", security(("bearer" = [])), request_body = CompanyDraft, responses((status = 201, body = CompanyView), (status = 422, body = super::ErrorBody)))]
pub async fn create_company(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(d): ApiJson<CompanyDraft>,
) -> Result<(StatusCode, Json<CompanyView>), ApiError> {
    Ok((StatusCode::CREATED, Json(registry::create_company(&s.deps, &a.ctx, d).await?)))
}

/// GET /api/v1/companies/{id}
#[utoipa::path(get, path = "/api/v1/companies/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CompanyView), (status = 404, body = super::ErrorBody)))]
pub async fn get_company(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<CompanyView>, ApiError> {
    Ok(Json(registry::get_company(&s.deps, &a.ctx, id).await?))
}

/// PUT /api/v1/companies/{id}
#[utoipa::path(put, path = "/api/v1/companies/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CompanyDraft, responses((status = 200, body = CompanyView)))]
pub async fn update_company(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<CompanyDraft>,
) -> Result<Json<CompanyView>, ApiError> {
    Ok(Json(registry::update_company(&s.deps, &a.ctx, id, d).await?))
}

/// GET /api/v1/communities
#[utoipa::path(get, path = "/api/v1/communities", tag = "registry", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Paged<CommunityView>)))]
pub async fn list_communities(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<ListQuery>,
) -> Result<Json<Paged<CommunityView>>, ApiError> {
    let (page, per) = q.paging();
    Ok(Json(registry::list_communities(&s.deps, &a.ctx, q.q(), q.township_id, q.company_id, page, per).await?.into()))
}

/// POST /api/v1/communities
#[utoipa::path(post, path = "/api/v1/communities", tag = "registry", security(("bearer" = [])), request_body = CommunityDraft, responses((status = 201, body = CommunityView), (status = 422, body = super::ErrorBody)))]
pub async fn create_community(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(d): ApiJson<CommunityDraft>,
) -> Result<(StatusCode, Json<CommunityView>), ApiError> {
    Ok((StatusCode::CREATED, Json(registry::create_community(&s.deps, &a.ctx, d).await?)))
}

/// GET /api/v1/communities/{id}
#[utoipa::path(get, path = "/api/v1/communities/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CommunityView), (status = 404, body = super::ErrorBody)))]
pub async fn get_community(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<CommunityView>, ApiError> {
    Ok(Json(registry::get_community(&s.deps, &a.ctx, id).await?))
}

/// PUT /api/v1/communities/{id}
#[utoipa::path(put, path = "/api/v1/communities/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CommunityDraft, responses((status = 200, body = CommunityView)))]
pub async fn update_community(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<CommunityDraft>,
) -> Result<Json<CommunityView>, ApiError> {
    Ok(Json(registry::update_community(&s.deps, &a.ctx, id, d).await?))
}

/// GET /api/v1/jurisdictions
#[utoipa::path(get, path = "/api/v1/jurisdictions", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [JurisdictionView])))]
pub async fn list_jurisdictions(
    State(s): State<AppState>,
    a: ApiAuth,
) -> Result<Json<Vec<JurisdictionView>>, ApiError> {
    Ok(Json(registry::list_jurisdictions(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/jurisdictions
#[utoipa::path(post, path = "/api/v1/jurisdictions", tag = "registry", security(("bearer" = [])), request_body = JurisdictionForm, responses((status = 201, body = JurisdictionView)))]
pub async fn create_jurisdiction(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<JurisdictionForm>,
) -> Result<(StatusCode, Json<JurisdictionView>), ApiError> {
    Ok((StatusCode::CREATED, Json(registry::save_jurisdiction(&s.deps, &a.ctx, None, f).await?)))
}

/// PUT /api/v1/jurisdictions/{id}
#[utoipa::path(put, path = "/api/v1/jurisdictions/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = JurisdictionForm, responses((status = 200, body = JurisdictionView)))]
pub async fn update_jurisdiction(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<JurisdictionForm>,
) -> Result<Json<JurisdictionView>, ApiError> {
    Ok(Json(registry::save_jurisdiction(&s.deps, &a.ctx, Some(id), f).await?))
}

/// GET /api/v1/departments
#[utoipa::path(get, path = "/api/v1/departments", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [DepartmentView])))]
pub async fn list_departments(State(s): State<AppState>, a: ApiAuth) -> Result<Json<Vec<DepartmentView>>, ApiError> {
    Ok(Json(registry::list_departments(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/departments
#[utoipa::path(post, path = "/api/v1/departments", tag = "registry", security(("bearer" = [])), request_body = DepartmentForm, responses((status = 201, body = DepartmentView)))]
pub async fn create_department(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<DepartmentForm>,
) -> Result<(StatusCode, Json<DepartmentView>), ApiError> {
    Ok((StatusCode::CREATED, Json(registry::save_department(&s.deps, &a.ctx, None, f).await?)))
}

/// PUT /api/v1/departments/{id}
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DepartmentForm, responses((status = 200, body = DepartmentView)))]
pub async fn update_department(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DepartmentForm>,
) -> Result<Json<DepartmentView>, ApiError> {
    Ok(Json(registry::save_department(&s.deps, &a.ctx, Some(id), f).await?))
}

/// GET /api/v1/catalog
#[utoipa::path(get, path = "/api/v1/catalog", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [CatalogItemView])))]
pub async fn list_catalog(State(s): State<AppState>, _a: ApiAuth) -> Result<Json<Vec<CatalogItemView>>, ApiError> {
    Ok(Json(registry::list_catalog(&s.deps).await?))
}

/// POST /api/v1/catalog
#[utoipa::path(post, path = "/api/v1/catalog", tag = "registry", security(("bearer" = [])), request_body = CatalogItemForm, responses((status = 201, body = CatalogItemView)))]
pub async fn create_catalog_item(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(f): ApiJson<CatalogItemForm>,
) -> Result<(StatusCode, Json<CatalogItemView>), ApiError> {
    Ok((StatusCode::CREATED, Json(registry::save_catalog_item(&s.deps, &a.ctx, None, f).await?)))
}

/// PUT /api/v1/catalog/{id}
#[utoipa::path(put, path = "/api/v1/catalog/{id}", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CatalogItemForm, responses((status = 200, body = CatalogItemView)))]
pub async fn update_catalog_item(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<CatalogItemForm>,
) -> Result<Json<CatalogItemView>, ApiError> {
    Ok(Json(registry::save_catalog_item(&s.deps, &a.ctx, Some(id), f).await?))
}

/// GET /api/v1/campaigns
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [CampaignView])))]
pub async fn list_campaigns(State(s): State<AppState>, a: ApiAuth) -> Result<Json<Vec<CampaignView>>, ApiError> {
    Ok(Json(registry::list_campaigns(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/campaigns
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "registry", security(("bearer" = [])), request_body = NewCampaignRequest, responses((status = 201, body = CampaignView)))]
pub async fn create_campaign(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(r): ApiJson<NewCampaignRequest>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    Ok((StatusCode::CREATED, Json(registry::create_campaign(&s.deps, &a.ctx, r).await?)))
}

/// GET /api/v1/registry/export
#[utoipa::path(get, path = "/api/v1/registry/export", tag = "registry", security(("bearer" = [])), responses((status = 200, description = "xlsx workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_registry(State(s): State<AppState>, a: ApiAuth) -> Result<Response, ApiError> {
    let bytes = registry_xlsx::export(&s.deps, &a.ctx).await?;
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
    let report = registry_xlsx::import(&s.deps, &a.ctx, body.to_vec()).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)))
}
