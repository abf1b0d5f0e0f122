//! Writing, reading and verifying the audit trail.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::{Ctx, Deps, Page, ServiceError};
use crate::db;
use crate::db::audit::AuditFilter;
use crate::db::entities::audit_entry;
use crate::domain::audit::{AuditRecord, ChainBreak};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Object, authorize};

/// Outcome recorded with an entry.
pub const SUCCESS: &str = "success";
/// Outcome of a refused attempt (failed login, locked account).
pub const FAILURE: &str = "failure";

/// The audit record of an action, not yet chained (for [`crate::db::audit::append_many`]).
pub fn entry(
    ctx: &Ctx,
    action: AuditAction,
    object_type: &str,
    object_id: impl ToString,
    outcome: &str,
    summary: impl Serialize,
) -> Result<AuditRecord, ServiceError> {
    let (user_id, role) = match &ctx.actor {
        Some(a) => (Some(a.user_id), a.role.as_str().to_string()),
        None => (None, String::new()),
    };
    Ok(AuditRecord {
        seq: 0,
        occurred_at: ctx.now,
        actor_user_id: user_id,
        actor_name: ctx.actor_name.clone(),
        actor_role: role,
        action: action.as_str().into_owned(),
        object_type: object_type.into(),
        object_id: object_id.to_string(),
        outcome: outcome.into(),
        summary: serde_json::to_string(&summary).map_err(anyhow::Error::from)?,
        request_id: ctx.request_id.clone(),
        client_addr: ctx.client_addr.clone(),
    })
}

/// Appends an audit entry for `action` on `object_type`/`object_id` in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    action: AuditAction,
    object_type: &str,
    object_id: impl ToString,
    outcome: &str,
    summary: impl Serialize,
) -> Result<i64, ServiceError> {
    let record = entry(ctx, action, object_type, object_id, outcome, summary)?;
    Ok(db::audit::append(tx, record).await?)
}

/// The verdict over the whole chain.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Entries checked.
    pub verified: i64,
    /// The first break, if any.
    pub broken: Option<ChainBreak>,
    pub checked_at: DateTime<Utc>,
}

/// Verifies the whole chain, streaming it in pages.
pub async fn verify_chain(deps: &Deps) -> Result<Verdict, ServiceError> {
    let (head_seq, head_hash) = db::audit::head(&deps.db).await?;
    let mut entries = Vec::new();
    let mut after = 0;
    loop {
        let page = db::audit::chain_page(&deps.db, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = last.record.seq;
        entries.extend(page);
    }
    let verdict = match crate::domain::audit::verify(entries, head_seq, &head_hash) {
        Ok(n) => Verdict { verified: n, broken: None, checked_at: deps.clock.now() },
        Err(b) => Verdict { verified: b.seq - 1, broken: Some(b), checked_at: deps.clock.now() },
    };
    Ok(verdict)
}

/// Verifies the chain on behalf of a signed-in reader (leaders, discipline inspectors).
pub async fn verify_for(deps: &Deps, ctx: &Ctx) -> Result<Verdict, ServiceError> {
    let actor = ctx.actor()?;
    authorize(actor, Action::ReadAudit, &Object::Jurisdiction { path: actor.jurisdiction_path.clone() })?;
    verify_chain(deps).await
}

/// Lists entries for a reader.
pub async fn list(
    deps: &Deps,
    ctx: &Ctx,
    filter: &AuditFilter,
    page: u64,
) -> Result<Page<audit_entry::Model>, ServiceError> {
    let actor = ctx.actor()?;
    authorize(actor, Action::ReadAudit, &Object::Jurisdiction { path: actor.jurisdiction_path.clone() })?;
    let per_page = 50;
    let (items, total) = db::audit::list(&deps.db, filter, page.max(1), per_page).await?;
    Ok(Page { items, total, page: page.max(1), per_page })
}
