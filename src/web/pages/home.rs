//! The landing page, the signed-in dashboard, and the health probes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::Chrome;
use crate::domain::authz::{Action, role_may};
use crate::domain::role::Scope;
use crate::service::campaigns::{self, CampaignView};
use crate::service::complaints::{self, InboxQuery};
use crate::service::{communities, companies};
use crate::web::AppState;
use crate::web::auth::Visitor;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
struct HomePage {
    c: Chrome,
    signed_in: bool,
    scope_name: String,
    companies: Option<u64>,
    communities: Option<u64>,
    campaigns: Vec<CampaignView>,
    today: String,
    can_audit: bool,
    clues_waiting: Option<u64>,
    clues_overdue: Option<u64>,
}

/// GET /
pub async fn home(State(state): State<AppState>, v: Visitor) -> Result<impl IntoResponse, PageError> {
    let c = Chrome::new(&v.session, v.user.as_ref(), "物业服务监管平台").await;
    let today = v.ctx.now.with_timezone(&crate::clock::shanghai()).date_naive();
    let Some(user) = &v.user else {
        return Ok(HomePage {
            c,
            signed_in: false,
            scope_name: String::new(),
            companies: None,
            communities: None,
            campaigns: vec![],
            today: today.to_string(),
            can_audit: false,
            clues_waiting: None,
            clues_overdue: None,
        });
    };
    let ctx = &v.ctx;
    let companies = companies::list_companies(&state.deps, ctx, None, 1, 1).await.ok().map(|p| p.total);
    let communities =
        communities::list_communities(&state.deps, ctx, None, None, None, 1, 1).await.ok().map(|p| p.total);
    let campaigns = if matches!(user.actor.scope, Scope::Jurisdiction(_)) {
        campaigns::list_campaigns(&state.deps, ctx).await?
    } else {
        vec![]
    };
    let waiting = InboxQuery { status: Some("received".into()), ..Default::default() };
    let overdue = InboxQuery { overdue: Some("1".into()), ..Default::default() };
    let clues_waiting = complaints::inbox(&state.deps, ctx, &waiting, 1).await.ok().map(|p| p.total);
    let clues_overdue = complaints::inbox(&state.deps, ctx, &overdue, 1).await.ok().map(|p| p.total);
    let scope_name = crate::service::scope::scope_name(&state.deps, ctx).await?;
    Ok(HomePage {
        c,
        signed_in: true,
        scope_name,
        companies,
        communities,
        campaigns,
        today: today.to_string(),
        can_audit: role_may(user.actor.role, Action::ReadAudit),
        clues_waiting,
        clues_overdue,
    })
}

/// GET /healthz: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// GET /readyz: the database answers.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if crate::db::ping(&state.db).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
