//! The audit trail page: filters, the entries, and the chain verdict.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use chrono::{NaiveDate, TimeZone};
use serde::Deserialize;

use super::{Chrome, Pager, q};
use crate::db::audit::AuditFilter;
use crate::service::audit::{self, Verdict};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// One row as shown.
pub struct Row {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    /// The action's Chinese name (the stored string when no action names it).
    pub action_label: String,
    pub object: String,
    pub outcome: String,
    pub summary: String,
    pub client: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/index.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<Row>,
    verdict: Verdict,
    f: AuditQuery,
    pager: Pager,
}

/// Filters.
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub object_type: String,
    #[serde(default)]
    pub object_id: String,
    /// YYYY-MM-DD (Asia/Shanghai)
    #[serde(default)]
    pub from: String,
    /// YYYY-MM-DD inclusive
    #[serde(default)]
    pub to: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub page: Option<i64>,
}

fn day_start(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    crate::clock::shanghai().from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single().map(|t| t.to_utc())
}

impl AuditQuery {
    /// The database filter.
    pub fn filter(&self) -> AuditFilter {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        AuditFilter {
            actor: some(&self.actor),
            action: some(&self.action),
            object_type: some(&self.object_type),
            object_id: some(&self.object_id),
            from: day_start(&self.from),
            to: day_start(&self.to).map(|t| t + chrono::Duration::days(1)),
        }
    }
}

/// GET /audit
pub async fn audit_page(
    State(s): State<AppState>,
    a: Auth,
    Query(f): Query<AuditQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = audit::list(&s.deps, &a.ctx, &f.filter(), f.page.unwrap_or(1).max(1) as u64).await?;
    let verdict = audit::verify_for(&s.deps, &a.ctx).await?;
    let base = format!(
        "actor={}&action={}&object_type={}&object_id={}&from={}&to={}&",
        q(&f.actor),
        q(&f.action),
        q(&f.object_type),
        q(&f.object_id),
        q(&f.from),
        q(&f.to)
    );
    let pager = Pager::of(&page, "/audit", &base);
    let rows = page
        .items
        .into_iter()
        .map(|e| Row {
            seq: e.seq,
            at: e.occurred_at.with_timezone(&crate::clock::shanghai()).format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: e.actor_name,
            role: crate::domain::role::Role::parse(&e.actor_role).map(|r| r.label().to_string()).unwrap_or_default(),
            action_label: crate::domain::audit_action::AuditAction::label_of(&e.action).into_owned(),
            action: e.action,
            object: format!("{} {}", e.object_type, e.object_id),
            outcome: if e.outcome == "success" { "成功".into() } else { "失败".into() },
            summary: e.summary,
            client: e.client_addr,
        })
        .collect();
    Ok(AuditPage { c: Chrome::new(&a.session, Some(&a.user), "审计日志").await, rows, verdict, f, pager })
}
