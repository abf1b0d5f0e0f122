//! Escalation proposals (提请升级处理): staff propose to escalate a case (the scanner does it for
//! overdue cases and unsigned notices), a leader accepts (the case moves to 已升级 through the
//! domain's state machine) or declines; the leaders' list of pending proposals.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::cases::{CaseRow, StepInput, case_object, load, public_text, refusal, rows_of, write_step};
use super::notifications::to_user;
use super::rule_code::RuleCode;
use super::scope::JurisdictionTree;
use super::timeline::timeline_note;
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::case;
use crate::db::escalations::NewProposal;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, authorize, role_may};
use crate::domain::case::{CaseEvent, CaseStatus, decide};
use crate::domain::escalation::{EscalationReason, EscalationStatus};
use crate::domain::timeline::EventKind;

/// Proposes escalation of a case to the leaders (staff; the scanner does it for overdue
/// cases and unsigned notices). At most one pending proposal per case: false when the case
/// has one already.
pub(crate) async fn propose<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    c: &case::Model,
    reason: EscalationReason,
    note: &str,
) -> Result<bool, ServiceError> {
    if !db::cases::escalation_proposals(tx, EscalationStatus::Pending.as_str(), Some(c.id)).await?.is_empty() {
        return Ok(false);
    }
    let id =
        db::escalations::insert_pending(tx, NewProposal { case_id: c.id, reason, note: note.into() }, ctx.now).await?;
    record(
        tx,
        ctx,
        AuditAction::CaseProposeEscalation,
        "case",
        c.id,
        SUCCESS,
        json!({"proposal_id": id, "reason": reason.as_str()}),
    )
    .await?;
    Ok(true)
}

/// Staff propose escalation (e.g. the company refuses to rectify).
pub async fn propose_escalation(deps: &Deps, ctx: &Ctx, id: i64, note: &str) -> Result<(), ServiceError> {
    let tx = deps.db.begin().await?;
    let (c, _) = load(&tx, ctx, id, Action::ManageCase).await?;
    if note.trim().chars().count() < 4 {
        return Err(ServiceError::field("note", "请说明提请升级的理由"));
    }
    let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Closed);
    crate::domain::case::next(status, CaseEvent::Escalate).map_err(refusal)?;
    if !propose(&tx, ctx, &c, EscalationReason::Refused, note.trim()).await? {
        return Err(ServiceError::from(RuleCode::EscalationPending));
    }
    timeline_note(&tx, ctx, &c, EventKind::EscalationProposed.as_str(), &format!("提请升级处理：{}", note.trim()))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A leader decides a pending escalation proposal.
pub async fn decide_escalation(
    deps: &Deps,
    ctx: &Ctx,
    proposal_id: i64,
    accept: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::DecideEscalation) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tx = deps.db.begin().await?;
    let p = db::escalations::proposal(&tx, proposal_id).await?.ok_or(ServiceError::NotFound("升级提请"))?;
    let (c, _) = load(&tx, ctx, p.case_id, Action::DecideEscalation).await?;
    if note.trim().chars().count() < 2 {
        return Err(ServiceError::field("note", "请填写决定意见"));
    }
    // The stored status is checked again by the compare-and-set: a concurrent decision fails.
    let decided = EscalationStatus::parse(&p.status).and_then(|s| s.decide(accept));
    let moved = match decided {
        Some(to) => db::escalations::decide_if_pending(&tx, p.id, to, ctx.now, actor.user_id, note.trim()).await?,
        None => false,
    };
    if !moved {
        return Err(ServiceError::from(RuleCode::EscalationDecided));
    }
    if accept {
        let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Closed);
        let to = decide(status, CaseEvent::Escalate, Some(actor.role), today(ctx.now), None, note).map_err(refusal)?;
        let input = StepInput { note: note.trim().into(), ..Default::default() };
        let public = public_text(CaseEvent::Escalate, None, "");
        write_step(&tx, ctx, &c, CaseEvent::Escalate, to, &input, &public, false).await?;
        if let Some(r) = c.responsible_user_id {
            db::notifications::notify(
                &tx,
                vec![to_user(
                    r,
                    "escalated",
                    format!("领导已决定升级处理：{}", c.title),
                    note.trim().into(),
                    Some(c.id),
                    format!("escalated:{}", p.id),
                    ctx.now,
                )],
            )
            .await?;
        }
    } else {
        timeline_note(
            &tx,
            ctx,
            &c,
            EventKind::EscalationDeclined.as_str(),
            &format!("领导决定暂不升级：{}", note.trim()),
        )
        .await?;
        record(
            &tx,
            ctx,
            AuditAction::CaseDeclineEscalation,
            "case",
            c.id,
            SUCCESS,
            json!({"proposal_id": p.id, "note": note.trim()}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Pending escalation proposals for leaders, with their cases' rows: (proposal id, reason
/// label, note, row).
pub async fn pending_escalations(deps: &Deps, ctx: &Ctx) -> Result<Vec<(i64, String, String, CaseRow)>, ServiceError> {
    let actor = ctx.actor()?;
    if !role_may(actor.role, Action::DecideEscalation) && !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let proposals = db::cases::escalation_proposals(&deps.db, EscalationStatus::Pending.as_str(), None).await?;
    let cases = db::cases::cases_by_ids(&deps.db, proposals.iter().map(|p| p.case_id).collect()).await?;
    let mut visible = Vec::new();
    for c in &cases {
        if authorize(actor, Action::ReadCaseContent, &case_object(&deps.db, &tree, c).await?).is_ok() {
            visible.push(c.clone());
        }
    }
    let rows = rows_of(deps, &visible, ctx.now).await?;
    Ok(proposals
        .into_iter()
        .filter_map(|p| {
            let row = rows.iter().find(|r| r.id == p.case_id)?.clone();
            Some((p.id, EscalationReason::label_of(&p.reason).to_string(), p.note, row))
        })
        .collect())
}
