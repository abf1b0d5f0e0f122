//! The audit trail over the API (leaders, discipline inspectors).

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;

use crate::service::audit;
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;
use crate::web::pages::audit::AuditQuery;

/// One entry.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub outcome: String,
    /// JSON text
    pub summary: String,
    pub request_id: String,
    pub client_addr: String,
    pub hash: String,
}

/// A page of entries.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    pub total: u64,
    pub page: u64,
}

/// GET /api/v1/audit
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])),
    params(("actor" = Option<String>, Query), ("action" = Option<String>, Query), ("object_type" = Option<String>, Query), ("object_id" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, body = AuditPage), (status = 403, body = super::ErrorBody)))]
pub async fn list_audit(
    State(s): State<AppState>,
    a: ApiAuth,
    Query(f): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let p = audit::list(&s.deps, &a.ctx, &f.filter(), f.page.unwrap_or(1).max(1) as u64).await?;
    let items = p
        .items
        .into_iter()
        .map(|e| AuditEntryView {
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor_user_id: e.actor_user_id,
            actor_name: e.actor_name,
            actor_role: e.actor_role,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            outcome: e.outcome,
            summary: e.summary,
            request_id: e.request_id,
            client_addr: e.client_addr,
            hash: e.hash,
        })
        .collect();
    Ok(Json(AuditPage { items, total: p.total, page: p.page }))
}

/// The chain verdict.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VerdictView {
    pub intact: bool,
    pub verified: i64,
    pub broken_at: Option<i64>,
    pub reason: Option<String>,
}

/// GET /api/v1/audit/verify
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])), responses((status = 200, body = VerdictView)))]
pub async fn verify_audit(State(s): State<AppState>, a: ApiAuth) -> Result<Json<VerdictView>, ApiError> {
    let v = audit::verify_for(&s.deps, &a.ctx).await?;
    Ok(Json(VerdictView {
        intact: v.broken.is_none(),
        verified: v.verified,
        broken_at: v.broken.as_ref().map(|b| b.seq),
        reason: v.broken.map(|b| b.reason),
    }))
}
