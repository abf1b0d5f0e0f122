//! The work ledger over the API: the ledger (the JSON twin of the 工作台账 page), one case,
//! notices.

use axum::Json;
use axum::extract::{Path, Query, State};

use super::Paged;
use crate::service::cases::{self, CaseDetail, CaseRow, LedgerQuery};
use crate::service::notices::{self, NoticeView};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/cases (the ledger: filters, sorting, paging as on the page)
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(LedgerQuery),
    responses((status = 200, body = CasePage), (status = 403, body = super::ErrorBody)))]
pub async fn list_cases(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(q): Query<LedgerQuery>,
) -> Result<Json<CasePage>, ApiError> {
    let l = cases::ledger(&s.deps, &a.ctx, &q, 50).await?;
    Ok(Json(CasePage { total_exact: l.total_exact, page: l.rows.into() }))
}

/// A page of the ledger.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CasePage {
    #[serde(flatten)]
    pub page: Paged<CaseRow>,
    /// False when `total` is the database's estimate: a full-text query matching very many
    /// cases on PostgreSQL.
    pub total_exact: bool,
}

/// GET /api/v1/cases/{id}
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetail), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_case(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(cases::detail(&s.deps, &a.ctx, id).await?))
}

/// GET /api/v1/notices/{id}
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = NoticeView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_notice(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(notices::get_notice(&s.deps, &a.ctx, id).await?))
}
