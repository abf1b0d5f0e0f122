//! The second rung of the escalation ladder: referral (移送) of cases to the competent
//! department (综合执法, 市场监管, 消防救援, …) with a numbered transfer letter. Staff propose it,
//! a bureau leader approves (the letter is numbered, typeset once to PDF with its SM3 digest,
//! and the feedback date set) or rejects it; the department's accounts see only what was
//! referred to them, acknowledge receipt and record the handling and result; the scanner
//! reminds them once the feedback date has passed. Every step writes a line on the referred
//! cases' timelines (the cases wait on the result) and an audit entry.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::holidays::calendar;
use super::notifications::to_user;
use super::rule_code::RuleCode;
use super::scope::{JurisdictionTree, join_ids, parse_ids};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{case, department, referral};
use crate::db::referrals::{Answer, Decision, NewReferral, TransferLetter};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize, role_may};
use crate::domain::case::CaseStatus;
use crate::domain::referral::ReferralStatus;
use crate::domain::registry::FieldErrors;
use crate::domain::role::Scope;
use crate::domain::timeline::EventKind;

/// Whether the referral is still the bureau's own business (proposed or refused): neither the
/// department nor the company sees it.
fn bureau_only(status: &str) -> bool {
    matches!(ReferralStatus::parse(status), Some(ReferralStatus::Proposed | ReferralStatus::Rejected))
}

/// Cases the actor may run (staff within reach).
async fn cases_in_reach(deps: &Deps, ctx: &Ctx, ids: &[i64], action: Action) -> Result<Vec<case::Model>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let cases = db::cases::cases_by_ids(&deps.db, ids.to_vec()).await?;
    for c in &cases {
        authorize(
            actor,
            action,
            &Object::Community { id: c.community_id, company_id: c.company_id, path: tree.path(c.township_id) },
        )?;
    }
    Ok(cases)
}

/// Staff propose referring cases to a department. Returns the referral id.
pub async fn propose(
    deps: &Deps,
    ctx: &Ctx,
    case_ids: Vec<i64>,
    department_id: Option<i64>,
    reasons: &str,
) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let wanted: Vec<i64> = case_ids.into_iter().collect::<HashSet<_>>().into_iter().collect();
    let cases = cases_in_reach(deps, ctx, &wanted, Action::ManageCase).await?;
    let mut errors = FieldErrors::new();
    if wanted.is_empty() || cases.len() != wanted.len() {
        errors.insert("case_ids".into(), "请选择要移送的案件".into());
    }
    if cases.iter().any(|c| CaseStatus::parse(&c.status).is_some_and(|s| s.is_final())) {
        errors.insert("case_ids".into(), "已办结的案件不能移送".into());
    }
    let dept = match department_id {
        Some(id) => db::departments::department(&deps.db, id).await?,
        None => None,
    };
    if dept.is_none() {
        errors.insert("department_id".into(), "请选择接收移送的部门".into());
    }
    let reasons = reasons.trim().to_string();
    if reasons.chars().count() < 4 || reasons.chars().count() > 2000 {
        errors.insert("reasons".into(), "请写明移送理由和涉嫌违法违规的事实（4至2000字）".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let dept = dept.expect("checked");
    let mut ids = wanted;
    ids.sort_unstable();
    let tx = deps.db.begin().await?;
    let r = db::referrals::insert(
        &tx,
        NewReferral {
            department_id: dept.id,
            case_ids: join_ids(&ids),
            reasons: reasons.clone(),
            proposed_by: actor.user_id,
        },
        ctx.now,
    )
    .await?;
    for c in &cases {
        super::timeline::timeline_note(
            &tx,
            ctx,
            c,
            EventKind::ReferralProposed.as_str(),
            &format!("提请移送{}（待领导审批）：{reasons}", dept.name),
        )
        .await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::ReferralPropose,
        "referral",
        r.id,
        SUCCESS,
        json!({"department_id": dept.id, "cases": ids}),
    )
    .await?;
    tx.commit().await?;
    Ok(r.id)
}

/// A leader approves (the letter goes out) or rejects a proposed referral.
pub async fn decide(deps: &Deps, ctx: &Ctx, id: i64, approve: bool, note: &str) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::DecideEscalation) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let r = db::referrals::referral(&deps.db, id).await?.ok_or(ServiceError::NotFound("移送"))?;
    let cases = cases_in_reach(deps, ctx, &parse_ids(&r.case_ids), Action::DecideEscalation).await?;
    let Some(status) = ReferralStatus::parse(&r.status).and_then(|s| s.decide(approve)) else {
        return Err(ServiceError::from(RuleCode::ReferralDecided));
    };
    let note = note.trim().to_string();
    if !approve && note.chars().count() < 2 {
        return Err(ServiceError::field("note", "不同意时请写明理由"));
    }
    let dept = db::departments::department(&deps.db, r.department_id).await?.ok_or(ServiceError::NotFound("部门"))?;
    let tx = deps.db.begin().await?;
    let mut letter = None;
    let mut sent = None;
    if approve {
        let due = calendar(&tx).await?.add_working_days(today(ctx.now), deps.settings.referral_feedback_working_days);
        let (number, digest) = transfer_letter(deps, ctx, &tx, &r, &dept, &cases, due).await?;
        sent = Some(TransferLetter { number: number.clone(), sm3: digest, feedback_due: due });
        letter = Some((number, due));
    }
    let decision = Decision { status, by: actor.user_id, at: ctx.now, note: note.clone(), letter: sent };
    if !db::referrals::decide_if_proposed(&tx, id, decision).await? {
        return Err(ServiceError::from(RuleCode::ReferralDecided));
    }
    let line = match &letter {
        Some((number, due)) => format!("已移送{}（移送函 {number}），请其于 {due} 前反馈处理结果", dept.name),
        None => format!("领导未同意移送{}：{note}", dept.name),
    };
    for c in &cases {
        super::timeline::timeline_note(
            &tx,
            ctx,
            c,
            if approve { EventKind::Referred } else { EventKind::ReferralRejected }.as_str(),
            &line,
        )
        .await?;
    }
    if let Some((number, due)) = &letter {
        let notes = db::referrals::department_users(&tx, dept.id)
            .await?
            .into_iter()
            .map(|u| {
                to_user(
                    u.id,
                    "referral",
                    format!("收到移送函：{number}"),
                    format!("请签收并于 {due} 前反馈处理情况和结果。"),
                    None,
                    format!("referral:{id}:user:{}", u.id),
                    ctx.now,
                )
            })
            .collect();
        db::notifications::notify(&tx, notes).await?;
    }
    record(
        &tx,
        ctx,
        if approve { AuditAction::ReferralApprove } else { AuditAction::ReferralReject },
        "referral",
        id,
        SUCCESS,
        json!({"department_id": dept.id, "letter": letter.as_ref().map(|l| &l.0), "feedback_due": letter.as_ref().map(|l| l.1), "note": note}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn transfer_letter<C: sea_orm::ConnectionTrait>(
    deps: &Deps,
    ctx: &Ctx,
    tx: &C,
    r: &referral::Model,
    dept: &department::Model,
    cases: &[case::Model],
    due: NaiveDate,
) -> Result<(String, String), ServiceError> {
    let actor = ctx.actor()?;
    let Scope::Jurisdiction(issuer_jurisdiction) = actor.scope else {
        return Err(ServiceError::Forbidden(Denied::Role));
    };
    let year = ctx.now.with_timezone(&crate::clock::shanghai()).year();
    let seq = db::cases::next_seq(tx, "referral", issuer_jurisdiction, year, ctx.now).await?;
    let number = crate::domain::notice::number(&deps.settings.referral_number_pattern, year, seq);
    let date_text = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    let catalog = db::catalog::catalog(tx).await?;
    let mut items = Vec::new();
    for c in cases {
        let community = db::communities::community(tx, c.community_id).await?.map(|m| m.name).unwrap_or_default();
        let codes = db::cases::items(tx, c.id).await?;
        let basis: Vec<String> = catalog
            .iter()
            .filter(|i| codes.contains(&i.code) && !i.legal_basis.is_empty())
            .map(|i| i.legal_basis.clone())
            .collect();
        items.push(propwatch_pdf::NoticeItem {
            // The letter prints the community before the item: the title without it.
            item: crate::domain::title::without_community(&community, &c.title).to_string(),
            community,
            text: String::new(),
            facts: c.facts.clone(),
            legal_basis: basis.join("；"),
        });
    }
    let doc = propwatch_pdf::NoticeDoc {
        issuer: deps.settings.office_name.clone(),
        title: "物业服务违法违规线索移送函".into(),
        number: number.clone(),
        addressee: dept.name.clone(),
        intro: format!(
            "我局在物业服务领域专项整治中发现下列问题，涉嫌违法违规，属你单位职责范围。移送理由：{}。现将有关情况和证据材料移送你单位依法处理：",
            r.reasons
        ),
        items,
        deadline: String::new(),
        requirements: format!("请于{}前将处理情况和结果通过物业服务监管平台反馈我局。", date_text(due)),
        contact: String::new(),
        date: date_text(today(ctx.now)),
    };
    let pdf = tokio::task::spawn_blocking(move || propwatch_pdf::render_notice(&doc))
        .await
        .map_err(|e| anyhow::anyhow!("typesetting task: {e}"))?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let digest = super::documents::store_pdf(tx, pdf, ctx.now).await?;
    Ok((number, digest))
}

/// Loads a referral the actor may see: bureau readers within reach of its cases; a department
/// user only one sent to their own department.
async fn load(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(referral::Model, Vec<case::Model>), ServiceError> {
    let actor = ctx.actor()?;
    let r = db::referrals::referral(&deps.db, id).await?.ok_or(ServiceError::NotFound("移送"))?;
    match actor.scope {
        Scope::Department(d) if role_may(actor.role, Action::AnswerReferral) => {
            if d != r.department_id || bureau_only(&r.status) {
                return Err(ServiceError::Forbidden(Denied::OutOfScope));
            }
            let cases = db::cases::cases_by_ids(&deps.db, parse_ids(&r.case_ids)).await?;
            Ok((r, cases))
        }
        Scope::Jurisdiction(_) => {
            let cases = cases_in_reach(deps, ctx, &parse_ids(&r.case_ids), Action::ReadCaseContent).await?;
            Ok((r, cases))
        }
        _ => Err(ServiceError::Forbidden(Denied::Role)),
    }
}

/// The department acknowledges receipt.
pub async fn acknowledge(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(), ServiceError> {
    answer(deps, ctx, id, None).await
}

/// The department records its handling and result.
pub async fn record_result(deps: &Deps, ctx: &Ctx, id: i64, result: &str) -> Result<(), ServiceError> {
    let result = result.trim();
    if result.chars().count() < 4 || result.chars().count() > 5000 {
        return Err(ServiceError::field("result", "请填写处理情况和结果（4至5000字）"));
    }
    answer(deps, ctx, id, Some(result)).await
}

async fn answer(deps: &Deps, ctx: &Ctx, id: i64, result: Option<&str>) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::AnswerReferral) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (r, cases) = load(deps, ctx, id).await?;
    let dept = db::departments::department(&deps.db, r.department_id).await?.ok_or(ServiceError::NotFound("部门"))?;
    let tx = deps.db.begin().await?;
    // The statuses this step may leave, as the domain's transitions say.
    let from: Vec<ReferralStatus> = ReferralStatus::ALL
        .into_iter()
        .filter(|s| if result.is_some() { s.answer() } else { s.acknowledge() }.is_some())
        .collect();
    let (line, action, kind) = match result {
        None => (
            format!("{}已签收移送函 {}", dept.name, r.letter_number.clone().unwrap_or_default()),
            AuditAction::ReferralAcknowledge,
            EventKind::ReferralAcknowledged,
        ),
        Some(text) => {
            (format!("{}反馈处理结果：{text}", dept.name), AuditAction::ReferralResult, EventKind::ReferralAnswered)
        }
    };
    let moved = match result {
        None => db::referrals::acknowledge_if_in(&tx, id, &from, actor.user_id, ctx.now).await?,
        Some(text) => {
            let answer = Answer {
                result: text.to_string(),
                by: actor.user_id,
                at: ctx.now,
                acknowledged_at: r.acknowledged_at.unwrap_or(ctx.now),
            };
            db::referrals::answer_if_in(&tx, id, &from, answer).await?
        }
    };
    if !moved {
        return Err(RuleCode::ReferralNotNow(ReferralStatus::label_of(&r.status)).into());
    }
    for c in &cases {
        super::timeline::timeline_note(&tx, ctx, c, kind.as_str(), &line).await?;
    }
    db::notifications::notify(
        &tx,
        vec![to_user(
            r.proposed_by,
            "referral_answer",
            line.chars().take(100).collect(),
            String::new(),
            cases.first().map(|c| c.id),
            format!("{}:{id}", action.as_str()),
            ctx.now,
        )],
    )
    .await?;
    record(&tx, ctx, action, "referral", id, SUCCESS, json!({"department_id": dept.id, "result": result})).await?;
    tx.commit().await?;
    Ok(())
}

/// A referral as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub id: i64,
    pub department: String,
    pub status: String,
    pub status_label: String,
    pub reasons: String,
    pub letter_number: String,
    pub feedback_due: Option<NaiveDate>,
    /// Said beside a feedback date past the holiday table (counted with weekends only).
    pub feedback_due_note: Option<String>,
    pub overdue: bool,
    pub result: String,
    pub decision_note: String,
    pub proposed_at: String,
    /// The cases referred.
    pub cases: Vec<ReferredCase>,
}

/// A case as a referral names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferredCase {
    pub id: i64,
    /// `小区：问题`, the community once.
    pub heading: String,
    pub facts: String,
}

async fn view(
    deps: &Deps,
    r: referral::Model,
    cases: &[case::Model],
    today: NaiveDate,
    cal: &crate::domain::workdays::Calendar,
) -> Result<ReferralView, ServiceError> {
    let department = db::departments::department(&deps.db, r.department_id).await?.map(|d| d.name).unwrap_or_default();
    let mut rows = Vec::new();
    for c in cases {
        let community = db::communities::community(&deps.db, c.community_id).await?.map(|m| m.name).unwrap_or_default();
        rows.push(ReferredCase {
            id: c.id,
            heading: crate::domain::title::with_community(&community, &c.title),
            facts: c.facts.clone(),
        });
    }
    Ok(ReferralView {
        id: r.id,
        department,
        status_label: ReferralStatus::label_of(&r.status).into(),
        overdue: ReferralStatus::parse(&r.status).is_some_and(ReferralStatus::awaits_department)
            && r.feedback_due.is_some_and(|d| d < today),
        status: r.status,
        reasons: r.reasons,
        letter_number: r.letter_number.unwrap_or_default(),
        feedback_due_note: r.feedback_due.and_then(|d| cal.coverage_note(d)),
        feedback_due: r.feedback_due,
        result: r.result,
        decision_note: r.decision_note,
        proposed_at: crate::clock::display(r.created_at),
        cases: rows,
    })
}

/// One referral.
pub async fn get(deps: &Deps, ctx: &Ctx, id: i64) -> Result<ReferralView, ServiceError> {
    let (r, cases) = load(deps, ctx, id).await?;
    view(deps, r, &cases, today(ctx.now), &calendar(&deps.db).await?).await
}

/// Referrals the actor may see, newest first: a department's own (once sent); every referral
/// within reach for bureau readers. `pending_only`: those waiting for a leader.
pub async fn list(deps: &Deps, ctx: &Ctx, pending_only: bool) -> Result<Vec<ReferralView>, ServiceError> {
    use ReferralStatus::{Acknowledged, Handled, Proposed, Sent};
    let actor = ctx.actor()?;
    let department = match actor.scope {
        Scope::Department(d) if role_may(actor.role, Action::AnswerReferral) => Some(d),
        Scope::Jurisdiction(_) if role_may(actor.role, Action::ReadCaseContent) => None,
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    };
    let statuses: Option<&[ReferralStatus]> = match (department, pending_only) {
        // A department never sees a proposal.
        (Some(_), true) => return Ok(Vec::new()),
        (Some(_), false) => Some(&[Sent, Acknowledged, Handled]),
        (None, true) => Some(&[Proposed]),
        (None, false) => None,
    };
    let today = today(ctx.now);
    let cal = calendar(&deps.db).await?;
    let mut out = Vec::new();
    for r in db::referrals::list(&deps.db, department, statuses).await? {
        let id = r.id;
        let Ok((r, cases)) = load(deps, ctx, id).await else { continue };
        out.push(view(deps, r, &cases, today, &cal).await?);
    }
    Ok(out)
}

/// The referrals of one case (for its page).
pub async fn of_case(deps: &Deps, ctx: &Ctx, case_id: i64) -> Result<Vec<ReferralView>, ServiceError> {
    let actor = ctx.actor()?;
    if !matches!(actor.scope, Scope::Jurisdiction(_)) || !role_may(actor.role, Action::ReadCaseContent) {
        return Ok(Vec::new());
    }
    let today = today(ctx.now);
    let cal = calendar(&deps.db).await?;
    let mut out = Vec::new();
    for r in db::referrals::naming_case(&deps.db, case_id).await? {
        if !parse_ids(&r.case_ids).contains(&case_id) {
            continue;
        }
        let id = r.id;
        let Ok((r, cases)) = load(deps, ctx, id).await else { continue };
        out.push(view(deps, r, &cases, today, &cal).await?);
    }
    Ok(out)
}

/// The transfer letter's PDF, checked against its digest.
pub async fn letter_pdf(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(String, super::blobs::Download), ServiceError> {
    let (r, _) = load(deps, ctx, id).await?;
    let (Some(number), Some(digest)) = (r.letter_number, r.letter_sm3) else {
        return Err(ServiceError::NotFound("移送函"));
    };
    Ok((number, super::documents::open_pdf(&deps.read, &digest).await?))
}

/// Scanner: reminds departments (and the proposing staff) once of referrals whose feedback date
/// has passed without a result. Returns how many were reminded.
pub async fn remind_overdue(deps: &Deps, ctx: &Ctx) -> Result<u64, ServiceError> {
    let today = today(ctx.now);
    let due = db::referrals::overdue_unreminded(&deps.db, today).await?;
    let mut n = 0;
    for r in due {
        let tx = deps.db.begin().await?;
        if !db::referrals::mark_reminded_if_not(&tx, r.id, ctx.now).await? {
            continue;
        }
        let number = r.letter_number.clone().unwrap_or_default();
        let due_on = r.feedback_due.map(|d| d.to_string()).unwrap_or_default();
        let mut notes: Vec<_> = db::referrals::department_users(&tx, r.department_id)
            .await?
            .into_iter()
            .map(|u| {
                to_user(
                    u.id,
                    "referral_overdue",
                    format!("移送函 {number} 已超过反馈期限"),
                    format!("反馈期限 {due_on} 已过，请尽快反馈处理情况和结果。"),
                    None,
                    format!("referral_overdue:{}:user:{}", r.id, u.id),
                    ctx.now,
                )
            })
            .collect();
        notes.push(to_user(
            r.proposed_by,
            "referral_overdue",
            format!("移送函 {number} 的接收部门逾期未反馈"),
            format!("反馈期限 {due_on} 已过。"),
            parse_ids(&r.case_ids).first().copied(),
            format!("referral_overdue:{}:proposer", r.id),
            ctx.now,
        ));
        db::notifications::notify(&tx, notes).await?;
        record(
            &tx,
            ctx,
            AuditAction::ReferralRemind,
            "referral",
            r.id,
            SUCCESS,
            json!({"feedback_due": r.feedback_due}),
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// Referrals of one company's cases, newest first, for bureau readers (within reach) and for the
/// company itself once sent (without the bureau's proposals and refusals).
pub async fn of_company(deps: &Deps, ctx: &Ctx, company_id: i64) -> Result<Vec<ReferralView>, ServiceError> {
    let actor = ctx.actor()?;
    let company_user = match actor.scope {
        Scope::Company(c) if c == company_id && role_may(actor.role, Action::ReadCompanyCases) => true,
        Scope::Jurisdiction(_) if role_may(actor.role, Action::ReadCaseContent) => false,
        _ => return Ok(Vec::new()),
    };
    let today = today(ctx.now);
    let cal = calendar(&deps.db).await?;
    let mut out = Vec::new();
    for r in db::referrals::list(&deps.db, None, None).await? {
        if company_user && bureau_only(&r.status) {
            continue;
        }
        let cases = db::cases::cases_by_ids(&deps.db, parse_ids(&r.case_ids)).await?;
        if !cases.iter().any(|c| c.company_id == Some(company_id)) {
            continue;
        }
        if !company_user {
            let id = r.id;
            let Ok((r, cases)) = load(deps, ctx, id).await else { continue };
            out.push(view(deps, r, &cases, today, &cal).await?);
        } else {
            out.push(view(deps, r, &cases, today, &cal).await?);
        }
    }
    Ok(out)
}
