//! Litigation and credit steps (诉讼和失信), the fourth rung of the escalation ladder: once the
//! company was served written notice of its dismissal and refuses to leave or hand over, bureau
//! staff and the township's officers record the owners' committee's suit, the courts' steps,
//! enforcement, the push to the provincial credit platform and the court's listing of dishonest
//! debtors (`domain::dismissal::Litigation`), each on its dismissal track (or on the exit that
//! follows it, or an exit of its own after a contract's end) with an optional document, a line on the track's cases' timelines and an audit entry.

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

/// A litigation step as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct StepForm {
    /// See `domain::dismissal::Litigation`.
    pub kind: String,
    pub on: Option<NaiveDate>,
    pub reference: String,
    pub note: String,
    /// A PDF, or a photo (re-encoded).
    pub document: Option<(String, Vec<u8>)>,
}

/// What a step attaches to.
enum Target {
    Track(i64),
    /// The exit, and the dismissal track it follows (the step shows on both).
    Exit(i64, Option<i64>),
}

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
    let done = db::litigation::events_of_track(&deps.db, id).await?;
    let form = StepForm { kind: kind.into(), on, reference: reference.into(), note: note.into(), document };
    write(deps, ctx, Target::Track(id), t.served_on.is_some(), parse_ids(&t.case_ids), done, form).await
}

/// Records a litigation and credit step on an exit whose handover deadline has passed (the
/// company refuses to leave or to hand over): bureau staff and the township's officers. The
/// exit's steps include those of the dismissal track it follows.
pub async fn record_exit_step(deps: &Deps, ctx: &Ctx, exit_id: i64, form: StepForm) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::TrackDismissal) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let e = super::exits::litigable(deps, ctx, exit_id).await?;
    let done = db::litigation::events_of_exit(&deps.db, e.id, e.track_id).await?;
    let mut cases = e.case_id.into_iter().collect::<Vec<_>>();
    if let Some(t) = e.track_id.map(|t| db::dismissals::track(&deps.db, t)) {
        cases.extend(t.await?.map(|t| parse_ids(&t.case_ids)).unwrap_or_default());
    }
    let past_deadline = today(ctx.now) > e.handover_deadline;
    write(deps, ctx, Target::Exit(exit_id, e.track_id), past_deadline, cases, done, form).await
}

async fn write(
    deps: &Deps,
    ctx: &Ctx,
    target: Target,
    allowed: bool,
    case_ids: Vec<i64>,
    done: Vec<crate::db::entities::litigation_event::Model>,
    form: StepForm,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let step = Litigation::parse(&form.kind).ok_or_else(|| ServiceError::field("kind", "请选择诉讼或失信事项"))?;
    let on = form
        .on
        .filter(|d| *d <= today(ctx.now))
        .ok_or_else(|| ServiceError::field("on", "请填写日期（不晚于今天）"))?;
    let (reference, note) = (form.reference.trim().to_string(), form.note.trim().to_string());
    if reference.chars().count() > 200 || note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "案号不超过200字，说明不超过2000字"));
    }
    let done: Vec<Litigation> = done.iter().filter_map(|e| Litigation::parse(&e.kind)).collect();
    let checked = match target {
        Target::Track(_) => check_litigation(allowed, &done, step, &reference),
        Target::Exit(..) if !allowed => Err("移交期限届满后企业仍拒不退出或拒不移交的，才记录诉讼和失信".into()),
        Target::Exit(..) => check_litigation(true, &done, step, &reference),
    };
    checked.map_err(|m| ServiceError::from(RuleCode::LitigationStep(m)))?;
    // The document: a PDF as it is, anything else must be a photo (re-encoded, EXIF gone).
    let prepared = match form.document.filter(|(_, b)| !b.is_empty()) {
        Some((name, bytes)) => Some(super::documents::prepare("document", &name, bytes)?),
        None => None,
    };
    let tx = deps.db.begin().await?;
    let stored = match prepared {
        Some(p) => Some(super::documents::store(&tx, p, ctx.now).await?),
        None => None,
    };
    let (track_id, exit_id, object, object_id) = match target {
        Target::Track(id) => (Some(id), None, "dismissal_track", id),
        Target::Exit(id, track) => (track, Some(id), "exit", id),
    };
    let event = NewEvent {
        track_id,
        exit_id,
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
    for k in &db::cases::cases_by_ids(&tx, case_ids).await? {
        super::timeline::timeline_note(&tx, ctx, k, EventKind::Litigation.as_str(), &line).await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::LitigationStep(step),
        object,
        object_id,
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
        .filter(|e| e.track_id == Some(id))
        .ok_or(ServiceError::NotFound("文书"))?;
    let digest = e.doc_sm3.ok_or(ServiceError::NotFound("文书"))?;
    super::documents::open(&deps.read, &digest).await
}

/// A litigation step as listed: (event id, label, date, reference, note, has document, who).
pub type StepRow = (i64, String, NaiveDate, String, String, bool, String);

/// An exit's litigation steps (with its track's), for the exit's readers of case content (none
/// for the companies and the committee).
pub async fn exit_steps(deps: &Deps, ctx: &Ctx, exit_id: i64) -> Result<Vec<StepRow>, ServiceError> {
    let e = super::exits::readable(deps, ctx, exit_id).await?;
    // The steps' notes, names and documents are case content, as on the track: the companies and
    // the committee read the exit, not the bureau's litigation file.
    if !role_may(ctx.actor()?.role, Action::ReadCaseContent) {
        return Ok(Vec::new());
    }
    Ok(db::litigation::events_of_exit(&deps.db, e.id, e.track_id)
        .await?
        .into_iter()
        .map(|e| {
            let label = Litigation::parse(&e.kind).map(|k| k.label()).unwrap_or_default();
            (e.id, label.to_string(), e.happened_on, e.reference, e.note, e.doc_sm3.is_some(), e.actor_name)
        })
        .collect())
}

/// A litigation document of an exit (or of its track), for the exit's readers.
pub async fn exit_document(
    deps: &Deps,
    ctx: &Ctx,
    exit_id: i64,
    event_id: i64,
) -> Result<super::blobs::Download, ServiceError> {
    let x = super::exits::readable(deps, ctx, exit_id).await?;
    if !role_may(ctx.actor()?.role, Action::ReadCaseContent) {
        return Err(ServiceError::NotFound("文书"));
    }
    let e = db::litigation::event(&deps.db, event_id)
        .await?
        .filter(|e| e.exit_id == Some(x.id) || (e.track_id.is_some() && e.track_id == x.track_id))
        .ok_or(ServiceError::NotFound("文书"))?;
    let digest = e.doc_sm3.ok_or(ServiceError::NotFound("文书"))?;
    super::documents::open(&deps.read, &digest).await
}
