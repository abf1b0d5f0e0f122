//! Litigation and credit steps (诉讼和失信), the fourth rung of the escalation ladder: once the
//! company was served written notice of its dismissal and refuses to leave or hand over, bureau
//! staff and the township's officers record the owners' committee's suit, the courts' steps,
//! enforcement, the push to the provincial credit platform and the court's listing of dishonest
//! debtors (`domain::dismissal::Litigation`), each on its dismissal track with an optional
//! document, a line on the track's cases' timelines and an audit entry.

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde_json::json;

use super::rule_code::RuleCode;
use crate::domain::audit_action::AuditAction;

use super::audit::{SUCCESS, record};
use super::dismissals::track_in_reach;
use super::scope::parse_ids;
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::litigation::NewEvent;
use crate::domain::authz::{Action, Denied, role_may};
use crate::domain::dismissal::{Litigation, check_litigation};
use crate::domain::timeline::EventKind;

/// Records a litigation and credit step on a track whose notice was served: bureau staff and
/// the township's officers, with an optional document (PDF, or a photo).
#[expect(clippy::too_many_arguments, reason = "one argument per field of the form")]
pub async fn record_step(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    kind: &str,
    on: Option<NaiveDate>,
    reference: &str,
    note: &str,
    document: Option<(String, Vec<u8>)>,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::TrackDismissal) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let t = track_in_reach(deps, ctx, id, Action::TrackDismissal).await?;
    let step = Litigation::parse(kind).ok_or_else(|| ServiceError::field("kind", "请选择诉讼或失信事项"))?;
    let on =
        on.filter(|d| *d <= today(ctx.now)).ok_or_else(|| ServiceError::field("on", "请填写日期（不晚于今天）"))?;
    let (reference, note) = (reference.trim().to_string(), note.trim().to_string());
    if reference.chars().count() > 200 || note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "案号不超过200字，说明不超过2000字"));
    }
    let done: Vec<Litigation> = db::litigation::events_of_track(&deps.db, id)
        .await?
        .iter()
        .filter_map(|e| Litigation::parse(&e.kind))
        .collect();
    check_litigation(t.served_on.is_some(), &done, step, &reference)
        .map_err(|m| ServiceError::from(RuleCode::LitigationStep(m)))?;
    // The document: a PDF as it is, anything else must be a photo (re-encoded, EXIF gone).
    let prepared = match document.filter(|(_, b)| !b.is_empty()) {
        Some((name, bytes)) => Some(super::documents::prepare("document", &name, bytes)?),
        None => None,
    };
    let tx = deps.db.begin().await?;
    let stored = match prepared {
        Some(p) => Some(super::documents::store(&tx, p, ctx.now).await?),
        None => None,
    };
    let event = NewEvent {
        track_id: id,
        kind: step.as_str().into(),
        happened_on: on,
        reference: reference.clone(),
        note: note.clone(),
        doc_sm3: stored.as_ref().map(|s| s.digest.clone()),
        doc_type: stored.as_ref().map(|s| s.kind.to_string()).unwrap_or_default(),
        doc_name: stored.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        actor_user_id: actor.user_id,
        actor_name: ctx.actor_name.chars().take(100).collect(),
    };
    db::litigation::insert_event(&tx, event, ctx.now).await?;
    let mut line = format!("诉讼、失信：{}（{on}）", step.label());
    if !reference.is_empty() {
        line.push_str(&format!("，{}：{reference}", step.reference_label()));
    }
    for k in &db::cases::cases_by_ids(&tx, parse_ids(&t.case_ids)).await? {
        super::timeline::timeline_note(&tx, ctx, k, EventKind::Litigation.as_str(), &line).await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::LitigationStep(step),
        "dismissal_track",
        id,
        SUCCESS,
        json!({"on": on, "reference": reference, "document_sm3": stored.as_ref().map(|s| &s.digest)}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A track's litigation steps in the order they happened (their date, ties in the order recorded):
/// (event id, label, date, reference, note, has document, who). Readers of the track only.
pub async fn steps(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
) -> Result<Vec<(i64, String, NaiveDate, String, String, bool, String)>, ServiceError> {
    track_in_reach(deps, ctx, id, Action::ReadCaseContent).await?;
    Ok(db::litigation::events_of_track(&deps.db, id)
        .await?
        .into_iter()
        .map(|e| {
            let label = Litigation::parse(&e.kind).map(|k| k.label()).unwrap_or_default();
            (e.id, label.to_string(), e.happened_on, e.reference, e.note, e.doc_sm3.is_some(), e.actor_name)
        })
        .collect())
}

/// A litigation document the actor may read, checked against its digest: (content type, bytes).
pub async fn document(deps: &Deps, ctx: &Ctx, id: i64, event_id: i64) -> Result<super::blobs::Download, ServiceError> {
    track_in_reach(deps, ctx, id, Action::ReadCaseContent).await?;
    let e = db::litigation::event(&deps.db, event_id)
        .await?
        .filter(|e| e.track_id == id)
        .ok_or(ServiceError::NotFound("文书"))?;
    let digest = e.doc_sm3.ok_or(ServiceError::NotFound("文书"))?;
    super::documents::open(&deps.read, &digest).await
}
