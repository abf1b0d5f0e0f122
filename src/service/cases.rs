//! The work ledger (工作台账): opening cases from problems, driving them through the domain's
//! state machine ([`crate::domain::case`]), extension requests, the ledger list and its exports.
//! Notices live in [`super::notices`], escalation proposals and decisions in
//! [`super::escalations`].
//!
//! Every use case runs in one transaction: authorize, apply the domain transition (the row is
//! moved with a compare-and-set on its status, so a concurrent second decision fails instead of
//! overwriting the first), write the timeline, mirror the public part onto the merged clues'
//! tracking pages, notify, and append the audit entry.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::holidays::calendar;
use super::notifications::{to_company, to_user};
use super::rule_code::RuleCode;
use super::scope::JurisdictionTree;
use super::timeline::timeline_note;
use super::{Ctx, Deps, Page, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::cases::{CaseMove, LedgerFilter, LedgerSort, NewCaseEvent};
use crate::db::entities::{case, community, problem, user};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Actor, Denied, Object, authorize, role_may};
use crate::domain::case::{CaseEvent, CaseStatus, DeadlineState, Refusal, deadline_state, decide};
use crate::domain::escalation::{EscalationReason, EscalationStatus};
use crate::domain::extension::ExtensionStatus;
use crate::domain::role::{Role, Scope};
use crate::domain::timeline::{DeadlineSet, EventKind, deadline_in_force};
use crate::domain::workdays::Calendar;

/// Most rows an export holds.
pub const EXPORT_LIMIT: u64 = 200_000;

/// A refused transition as the service's error.
pub(crate) fn refusal(r: Refusal) -> ServiceError {
    match r {
        Refusal::Deadline => ServiceError::field("deadline", r.message()),
        Refusal::Reason => ServiceError::field("note", r.message()),
        Refusal::Role { .. } => ServiceError::Forbidden(Denied::Role),
        Refusal::State { .. } => ServiceError::from(RuleCode::InvalidTransition(r.message())),
    }
}

/// The object a case is authorized as: its community.
pub(crate) async fn case_object<C: ConnectionTrait>(
    db: &C,
    tree: &JurisdictionTree,
    c: &case::Model,
) -> Result<Object, ServiceError> {
    let _ = db;
    Ok(Object::Community { id: c.community_id, company_id: c.company_id, path: tree.path(c.township_id) })
}

/// Which of the two read actions applies to the actor.
fn read_action(actor: &Actor) -> Action {
    if actor.role == Role::CompanyUser { Action::ReadCompanyCases } else { Action::ReadCaseContent }
}

/// Loads a case the actor may `action`.
pub(crate) async fn load<C: ConnectionTrait>(
    db: &C,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<(case::Model, JurisdictionTree), ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(db).await?;
    let c = db::cases::case(db, id).await?.ok_or(ServiceError::NotFound("案件"))?;
    authorize(actor, action, &case_object(db, &tree, &c).await?)?;
    Ok((c, tree))
}

/// Input of a case step.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub note: String,
    pub deadline: Option<NaiveDate>,
    /// Raw uploads of the step as a whole (re-inspections; reports without items).
    pub photos: Vec<Vec<u8>>,
    /// A report item by item: when given, every catalog item of the case is answered.
    pub items: Vec<ItemReport>,
}

/// What a company reports for one catalog item of a case.
#[derive(Debug, Clone, Default)]
pub struct ItemReport {
    pub code: String,
    pub note: String,
    /// Raw uploads.
    pub photos: Vec<Vec<u8>>,
}

/// What complainants read for a step (empty: nothing is added to their timeline).
pub(crate) fn public_text(event: CaseEvent, deadline: Option<NaiveDate>, note: &str) -> String {
    let d =
        deadline.map(|d| format!("{}年{}月{}日", d.format("%Y"), d.format("%-m"), d.format("%-d"))).unwrap_or_default();
    match event {
        CaseEvent::Verify => format!("经核实，您反映的问题属实，已立案督办，完成时限为{d}。"),
        CaseEvent::Dismiss => format!("经现场核实，您反映的问题不属实：{note}"),
        CaseEvent::IssueNotice => format!("已向物业服务企业下发整改通知书，要求于{d}前完成整改。"),
        CaseEvent::Report => "物业服务企业已反馈整改情况，待住建部门复查。".into(),
        CaseEvent::StartReinspection => "住建部门正在复查整改情况。".into(),
        CaseEvent::PassReinspection => "经复查，问题已整改到位，予以销号。".into(),
        CaseEvent::FailReinspection => format!("经复查，整改未到位，已责令重新整改，完成时限为{d}。"),
        CaseEvent::GrantExtension => format!("整改完成时限延至{d}。"),
        CaseEvent::MarkOverdue => "物业服务企业未在期限内完成整改，住建部门将依法进一步处理。".into(),
        CaseEvent::Escalate => "案件已升级处理。".into(),
    }
}

/// Writes one step of a case: the row (compare-and-set on its status), the timeline line, the
/// public line on each merged clue, and the audit entry. Returns the timeline line's id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_step<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    c: &case::Model,
    event: CaseEvent,
    to: CaseStatus,
    input: &StepInput,
    public: &str,
    extension: bool,
) -> Result<i64, ServiceError> {
    let from = c.status.as_str();
    let moved = db::cases::move_case(
        tx,
        c.id,
        &[from],
        CaseMove {
            to: to.as_str().into(),
            deadline: if event.sets_deadline() || event == CaseEvent::IssueNotice {
                Some(input.deadline)
            } else {
                None
            },
            extension,
            closed_at: to.is_final().then_some(ctx.now),
        },
        ctx.now,
    )
    .await?;
    if !moved {
        return Err(ServiceError::from(RuleCode::CaseChangedMeanwhile));
    }
    let ev = db::cases::insert_event(
        tx,
        NewCaseEvent {
            case_id: c.id,
            kind: event.as_str().into(),
            from_status: from.into(),
            to_status: to.as_str().into(),
            note: input.note.trim().into(),
            public_text: public.into(),
            deadline: input.deadline.filter(|_| event.sets_deadline() || event == CaseEvent::IssueNotice),
            actor_user_id: ctx.actor.as_ref().map(|a| a.user_id),
            actor_name: ctx.actor_name.chars().take(100).collect(),
        },
        ctx.now,
    )
    .await?;
    if !public.is_empty() {
        mirror_public(tx, c.problem_id, &format!("case.{}", event.as_str()), public, ctx.now).await?;
    }
    if to.is_final()
        && let Some(pid) = c.problem_id
    {
        db::complaints::close_problem(tx, pid, ctx.now).await?;
    }
    record(
        tx,
        ctx,
        AuditAction::CaseStep(event),
        "case",
        c.id,
        SUCCESS,
        json!({"from": from, "to": to.as_str(), "deadline": input.deadline, "note": input.note.trim()}),
    )
    .await?;
    Ok(ev)
}

/// Adds a public line to the tracking page of every clue merged into the problem.
async fn mirror_public<C: ConnectionTrait>(
    tx: &C,
    problem_id: Option<i64>,
    kind: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    debug_assert!(EventKind::parse(kind).is_some(), "timeline kind {kind} has no label in domain::timeline");
    let Some(pid) = problem_id else { return Ok(()) };
    let lines = db::complaints::complaints_of_problem(tx, pid)
        .await?
        .into_iter()
        .map(|c| db::complaints::NewEvent {
            complaint_id: c.id,
            kind: kind.into(),
            public_text: text.into(),
            internal_note: String::new(),
            actor_user_id: None,
            created_at: now,
        })
        .collect();
    db::complaints::insert_events(tx, lines).await?;
    Ok(())
}

/// Opening a case from a problem (accepted and merged clues).
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub problem_id: i64,
    pub responsible_user_id: Option<i64>,
    pub title: String,
    pub facts: String,
    /// More catalog items besides the problem's own.
    pub extra_codes: Vec<String>,
}

/// What the opening form starts from: the accepted problem, or the case already opened from it.
#[derive(Debug, Clone)]
pub enum OpeningDraft {
    /// The problem waits for its case: its title and description (the facts' first draft).
    Problem { title: String, description: String },
    /// A case was opened from it already.
    Opened(i64),
}

/// The problem a case is about to be opened from, for the opening form (the actor may open
/// cases in its community).
pub async fn opening_draft(deps: &Deps, ctx: &Ctx, problem_id: i64) -> Result<OpeningDraft, ServiceError> {
    let actor = ctx.actor()?;
    if !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let p = db::complaints::problem(&deps.db, problem_id).await?.ok_or(ServiceError::NotFound("问题"))?;
    let community =
        db::communities::community(&deps.db, p.community_id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(
        actor,
        Action::ManageCase,
        &Object::Community {
            id: community.id,
            company_id: community.company_id,
            path: tree.path(community.township_id),
        },
    )?;
    Ok(match db::cases::case_of_problem(&deps.db, p.id).await? {
        Some(existing) => OpeningDraft::Opened(existing.id),
        None => OpeningDraft::Problem { title: p.title, description: p.description },
    })
}

/// Opens a case (待核实) from a problem.
pub async fn open_case(deps: &Deps, ctx: &Ctx, new: NewCase) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let p = db::complaints::problem(&tx, new.problem_id).await?.ok_or(ServiceError::NotFound("问题"))?;
    let community = db::communities::community(&tx, p.community_id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(
        &actor,
        Action::ManageCase,
        &Object::Community {
            id: community.id,
            company_id: community.company_id,
            path: tree.path(community.township_id),
        },
    )?;
    if db::cases::case_of_problem(&tx, p.id).await?.is_some() {
        return Err(ServiceError::from(RuleCode::CaseAlreadyOpened));
    }
    let mut errors = crate::domain::registry::FieldErrors::new();
    let responsible = match new.responsible_user_id {
        Some(id) => db::accounts::user(&tx, id).await?.filter(|u| u.active && u.role == Role::BureauStaff.as_str()),
        None => None,
    };
    if responsible.is_none() {
        errors.insert("responsible_user_id".into(), "请选择责任人（住建局工作人员）".into());
    }
    let facts = new.facts.trim().to_string();
    if facts.chars().count() < 4 {
        errors.insert("facts".into(), "请填写经核查的事实与证据（企业可见，勿写入投诉人信息）".into());
    }
    if facts.chars().count() > 5000 {
        errors.insert("facts".into(), "事实与证据不超过5000字".into());
    }
    let catalog: HashMap<String, String> =
        db::catalog::catalog(&tx).await?.into_iter().filter(|i| i.active).map(|i| (i.code, i.title)).collect();
    let mut codes = vec![p.catalog_code.clone()];
    for c in new.extra_codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !catalog.contains_key(c) {
            errors.insert("extra_codes".into(), format!("问题类别 {c} 不存在"));
        } else if !codes.iter().any(|x| x == c) {
            codes.push(c.to_string());
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let responsible = responsible.expect("checked above");
    let title = Some(new.title.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or(p.title.clone());
    let id = insert_case(&tx, ctx, &p, &community, &responsible, &title, &facts, &codes, &catalog, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes a new case (待核实) of a problem: the row, its items, the opening line of its timeline,
/// the public line for the problem's clues, the responsible person's notification and the audit
/// entry, in the caller's transaction. The caller has checked the actor, the responsible person,
/// the facts and the codes. Returns the case id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_case<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    p: &problem::Model,
    community: &community::Model,
    responsible: &user::Model,
    title: &str,
    facts: &str,
    codes: &[String],
    catalog: &HashMap<String, String>,
    inspection_id: Option<i64>,
) -> Result<i64, ServiceError> {
    // The scanner opens cases too (an exit past its deadline): then the responsible person is
    // recorded as the opener and the timeline line names no user.
    let opener = ctx.actor.as_ref().map(|a| a.user_id);
    let title: String = title.chars().take(200).collect();
    let facts = facts.to_string();
    let items_text: Vec<&str> = codes.iter().filter_map(|c| catalog.get(c).map(String::as_str)).collect();
    let search_text = crate::search::segment(&format!(
        "{title} {facts} {} {} {}",
        p.description,
        community.name,
        items_text.join(" ")
    ));
    let c = db::cases::insert_case(
        tx,
        db::cases::NewCase {
            problem_id: p.id,
            community_id: community.id,
            company_id: community.company_id,
            township_id: community.township_id,
            title: title.clone(),
            facts,
            status: CaseStatus::Verifying.as_str().into(),
            responsible_user_id: responsible.id,
            source: p.source.clone(),
            inspection_id,
            search_text,
            opened_by: opener.unwrap_or(responsible.id),
            codes: codes.to_vec(),
            at: ctx.now,
        },
    )
    .await?;
    db::cases::insert_event(
        tx,
        NewCaseEvent {
            case_id: c.id,
            kind: EventKind::Opened.as_str().into(),
            from_status: String::new(),
            to_status: CaseStatus::Verifying.as_str().into(),
            note: format!("责任人：{}", responsible.display_name),
            public_text: "已列入工作台账，正在核实。".into(),
            deadline: None,
            actor_user_id: opener,
            actor_name: ctx.actor_name.chars().take(100).collect(),
        },
        ctx.now,
    )
    .await?;
    mirror_public(
        tx,
        Some(p.id),
        &format!("case.{}", EventKind::Opened.as_str()),
        "已列入工作台账，正在核实。",
        ctx.now,
    )
    .await?;
    db::notifications::notify(
        tx,
        vec![to_user(
            responsible.id,
            "case_assigned",
            format!("您被指定为案件责任人：{title}"),
            format!("{}，请在核实后立案并确定完成时限。", community.name),
            Some(c.id),
            format!("case_assigned:{}:{}", c.id, responsible.id),
            ctx.now,
        )],
    )
    .await?;
    record(
        tx,
        ctx,
        AuditAction::CaseOpen,
        "case",
        c.id,
        SUCCESS,
        json!({"problem_id": p.id, "community_id": community.id, "items": codes, "responsible_user_id": responsible.id, "inspection_id": inspection_id}),
    )
    .await?;
    Ok(c.id)
}

/// Applies one step to a case: 立案 / 不属实 / 企业反馈 / 开始复查 / 复查通过 / 复查未通过.
/// Notices ([`super::notices::issue_notice`]), extensions and escalations have their own use
/// cases; overdue marking belongs to the scanner.
pub async fn act(deps: &Deps, ctx: &Ctx, id: i64, event: CaseEvent, mut input: StepInput) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let action = match event {
        CaseEvent::Verify
        | CaseEvent::Dismiss
        | CaseEvent::StartReinspection
        | CaseEvent::PassReinspection
        | CaseEvent::FailReinspection => Action::ManageCase,
        CaseEvent::Report => Action::AnswerNotice,
        _ => {
            return Err(ServiceError::from(RuleCode::StepHasItsOwnPage));
        }
    };
    if !role_may(actor.role, action) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    if event != CaseEvent::Report && !input.items.is_empty() {
        return Err(ServiceError::field("items", "只有报送整改情况时可以逐项说明"));
    }
    if !input.items.is_empty() && input.note.trim().is_empty() {
        // The step's line on the timeline (and its reason) names what was answered.
        let codes: Vec<&str> = input.items.iter().map(|i| i.code.as_str()).collect();
        input.note = format!("逐项报送整改情况：{}", codes.join("、"));
    }
    // The step's photos (item `None`) and each item's, checked and re-encoded before the
    // transaction, stored inside it.
    let mut processed = Vec::new();
    let uploads = std::iter::once((None, &input.photos)).chain(input.items.iter().map(|i| (Some(&i.code), &i.photos)));
    for (code, raw) in uploads {
        let field = code.map(|c| format!("item_photos.{c}")).unwrap_or_else(|| "photos".into());
        for p in super::photos::process_photos(raw.clone()).await.map_err(|e| ServiceError::field(&field, e))? {
            processed.push((code.cloned(), p));
        }
    }
    if event == CaseEvent::Report
        && input.items.is_empty()
        && processed.is_empty()
        && input.note.trim().chars().count() < 10
    {
        return Err(ServiceError::field("note", "请说明整改情况（不少于10字）或附整改照片"));
    }
    let tx = deps.db.begin().await?;
    let (c, _) = load(&tx, ctx, id, action).await?;
    for (_, p) in &processed {
        super::photos::store(&tx, p, ctx.now).await?;
    }
    if !input.items.is_empty() {
        check_item_reports(&db::cases::items(&tx, c.id).await?, &input.items)?;
    }
    let status = CaseStatus::parse(&c.status).ok_or_else(|| anyhow::anyhow!("unknown case status {}", c.status))?;
    let to = decide(status, event, Some(actor.role), today(ctx.now), input.deadline, &input.note).map_err(refusal)?;
    let public = public_text(event, input.deadline, input.note.trim());
    let ev = write_step(&tx, ctx, &c, event, to, &input, &public, false).await?;
    let reports = input
        .items
        .iter()
        .map(|i| db::cases::NewItemReport {
            case_id: c.id,
            case_event_id: ev,
            item_code: i.code.clone(),
            note: i.note.trim().into(),
        })
        .collect();
    db::cases::insert_item_reports(&tx, reports, ctx.now).await?;
    let photos = processed
        .iter()
        .map(|(code, p)| db::cases::NewCasePhoto {
            case_id: c.id,
            case_event_id: Some(ev),
            item_code: code.clone(),
            digest: p.digest.clone(),
            byte_size: p.jpeg.len() as i64,
            width: p.width as i32,
            height: p.height as i32,
        })
        .collect();
    db::cases::insert_photos(&tx, photos, ctx.now).await?;
    // Who hears of it.
    let mut notes = Vec::new();
    let key = format!("case:{}:{}:{}", c.id, event.as_str(), ev);
    match event {
        CaseEvent::Report => {
            if let Some(r) = c.responsible_user_id {
                notes.push(to_user(
                    r,
                    "case_reported",
                    format!("企业已反馈整改情况：{}", c.title),
                    input.note.trim().chars().take(200).collect(),
                    Some(c.id),
                    key,
                    ctx.now,
                ));
            }
        }
        CaseEvent::PassReinspection | CaseEvent::FailReinspection => {
            if let Some(company) = c.company_id {
                let title = if event == CaseEvent::PassReinspection {
                    format!("复查通过，已销号：{}", c.title)
                } else {
                    format!("复查未通过，请重新整改：{}", c.title)
                };
                notes.push(to_company(company, "reinspection_result", title, public.clone(), Some(c.id), key, ctx.now));
            }
        }
        _ => {}
    }
    db::notifications::notify(&tx, notes).await?;
    tx.commit().await?;
    Ok(())
}

/// A report item by item answers each catalog item of the case once, and each answer says what
/// was done (at least 4 characters) or shows it (a photo).
fn check_item_reports(codes: &[String], items: &[ItemReport]) -> Result<(), ServiceError> {
    let mut errors = crate::domain::registry::FieldErrors::new();
    for i in items {
        if !codes.contains(&i.code) {
            errors.insert(format!("item_note.{}", i.code), format!("{} 不是本案件的问题事项", i.code));
        } else if items.iter().filter(|o| o.code == i.code).count() > 1 {
            errors.insert(format!("item_note.{}", i.code), format!("{} 重复报送", i.code));
        } else if i.photos.is_empty() && i.note.trim().chars().count() < 4 {
            errors
                .insert(format!("item_note.{}", i.code), format!("请说明 {} 的整改情况（不少于4字）或附照片", i.code));
        }
    }
    for code in codes {
        if !items.iter().any(|i| &i.code == code) {
            errors.insert(format!("item_note.{code}"), format!("请报送 {code} 的整改情况"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(errors)) }
}

/// A company asks for more time on a case.
pub async fn request_extension(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    reason: &str,
    deadline: Option<NaiveDate>,
) -> Result<(), ServiceError> {
    let tx = deps.db.begin().await?;
    let (c, _) = load(&tx, ctx, id, Action::AnswerNotice).await?;
    let actor = ctx.actor()?;
    let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Closed);
    if !matches!(status, CaseStatus::NoticeIssued | CaseStatus::Overdue) {
        return Err(RuleCode::ExtensionNotNow(status).into());
    }
    if reason.trim().chars().count() < 4 {
        return Err(ServiceError::field("reason", "请说明申请延期的理由"));
    }
    let deadline = deadline.ok_or_else(|| ServiceError::field("deadline", "请填写申请延至的日期"))?;
    if c.deadline.is_some_and(|d| deadline <= d) || deadline <= today(ctx.now) {
        return Err(ServiceError::field("deadline", "申请延至的日期须晚于现有完成时限"));
    }
    if db::cases::pending_extension(&tx, c.id).await?.is_some() {
        return Err(ServiceError::from(RuleCode::ExtensionPending));
    }
    let request_id = db::cases::insert_extension_request(
        &tx,
        db::cases::NewExtensionRequest {
            case_id: c.id,
            requested_by: actor.user_id,
            reason: reason.trim().into(),
            requested_deadline: deadline,
        },
        ctx.now,
    )
    .await?;
    timeline_note(
        &tx,
        ctx,
        &c,
        EventKind::ExtensionRequested.as_str(),
        &format!("申请延期至{deadline}：{}", reason.trim()),
    )
    .await?;
    if let Some(resp) = c.responsible_user_id {
        db::notifications::notify(
            &tx,
            vec![to_user(
                resp,
                "extension_request",
                format!("企业申请延期：{}", c.title),
                reason.trim().into(),
                Some(c.id),
                format!("extension_request:{request_id}"),
                ctx.now,
            )],
        )
        .await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::CaseRequestExtension,
        "case",
        c.id,
        SUCCESS,
        json!({"request_id": request_id, "deadline": deadline}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Staff decide a pending extension request: granted (with the requested date, or another one
/// after the current deadline) or refused with a reason.
pub async fn decide_extension(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    grant: bool,
    deadline: Option<NaiveDate>,
    note: &str,
) -> Result<(), ServiceError> {
    let tx = deps.db.begin().await?;
    let (c, _) = load(&tx, ctx, id, Action::ManageCase).await?;
    let actor = ctx.actor()?.clone();
    let req = db::cases::pending_extension(&tx, c.id).await?.ok_or(ServiceError::NotFound("待审批的延期申请"))?;
    // The stored status is checked again by the compare-and-set: a concurrent decision fails.
    let decided = ExtensionStatus::parse(&req.status).and_then(|s| s.decide(grant));
    let moved = match decided {
        Some(to) => {
            db::cases::decide_extension_if_pending(&tx, req.id, to, ctx.now, actor.user_id, note.trim()).await?
        }
        None => false,
    };
    if !moved {
        return Err(ServiceError::from(RuleCode::ExtensionDecided));
    }
    let message = if grant {
        let deadline = deadline.or(Some(req.requested_deadline));
        let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Closed);
        let to = decide(status, CaseEvent::GrantExtension, Some(actor.role), today(ctx.now), deadline, note)
            .map_err(refusal)?;
        let input = StepInput { note: note.trim().into(), deadline, ..Default::default() };
        let public = public_text(CaseEvent::GrantExtension, deadline, "");
        write_step(&tx, ctx, &c, CaseEvent::GrantExtension, to, &input, &public, true).await?;
        format!("延期申请已批准，完成时限延至{}", deadline.map(|d| d.to_string()).unwrap_or_default())
    } else {
        if note.trim().chars().count() < 2 {
            return Err(ServiceError::field("note", "请填写不予延期的理由"));
        }
        timeline_note(&tx, ctx, &c, EventKind::ExtensionRefused.as_str(), &format!("不予延期：{}", note.trim()))
            .await?;
        record(
            &tx,
            ctx,
            AuditAction::CaseRefuseExtension,
            "case",
            c.id,
            SUCCESS,
            json!({"request_id": req.id, "note": note.trim()}),
        )
        .await?;
        format!("延期申请未获批准：{}", note.trim())
    };
    if let Some(company) = c.company_id {
        db::notifications::notify(
            &tx,
            vec![to_company(
                company,
                "extension_decided",
                format!("{}：{}", message, c.title),
                note.trim().into(),
                Some(c.id),
                format!("extension_decided:{}", req.id),
                ctx.now,
            )],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One row of the ledger.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: i64,
    pub title: String,
    pub township: String,
    pub community_id: i64,
    pub community: String,
    pub company_id: Option<i64>,
    pub company: String,
    /// Catalog items: "A1.1 未按合同约定提供保洁服务".
    pub items: Vec<String>,
    pub responsible: String,
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub status_label: String,
    /// 剩余N个工作日 / 今天到期 / 逾期N个工作日 / empty.
    pub days_text: String,
    /// `running`, `due_soon`, `overdue` or `none`.
    pub days_state: String,
    pub opened_at: DateTime<Utc>,
}

impl CaseRow {
    /// `小区：问题` with the community once, for lists that name both.
    pub fn heading(&self) -> String {
        crate::domain::title::with_community(&self.community, &self.title)
    }
}

/// Names for rows, loaded once per list.
pub(crate) struct Names {
    tree: JurisdictionTree,
    communities: HashMap<i64, String>,
    companies: HashMap<i64, String>,
    users: HashMap<i64, String>,
    catalog: HashMap<String, String>,
    calendar: Calendar,
    soon: i64,
}

impl Names {
    /// The names `cases` need; `tree` is the jurisdiction tree the caller has loaded.
    pub(crate) async fn load<C: ConnectionTrait>(
        db: &C,
        deps: &Deps,
        tree: JurisdictionTree,
        cases: &[case::Model],
    ) -> Result<Names, ServiceError> {
        let mut ids: Vec<i64> = cases.iter().map(|c| c.community_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let communities =
            db::communities::communities_by_ids(db, ids).await?.into_iter().map(|c| (c.id, c.name)).collect();
        let mut ids: Vec<i64> = cases.iter().filter_map(|c| c.company_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let companies = db::companies::companies_by_ids(db, ids).await?.into_iter().map(|c| (c.id, c.name)).collect();
        let mut ids: Vec<i64> = cases.iter().filter_map(|c| c.responsible_user_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut users = HashMap::new();
        for chunk in db::bulk_chunks(ids) {
            users.extend(db::accounts::users_by_ids(db, chunk).await?.into_iter().map(|u| (u.id, u.display_name)));
        }
        let catalog = db::catalog::catalog(db).await?.into_iter().map(|i| (i.code, i.title)).collect();
        let soon = deps.settings.reminder_days().first().copied().unwrap_or(3) as i64;
        Ok(Names { tree, communities, companies, users, catalog, calendar: calendar(db).await?, soon })
    }

    pub(crate) fn item(&self, code: &str) -> String {
        format!("{code} {}", self.catalog.get(code).cloned().unwrap_or_default())
    }

    pub(crate) fn row(&self, c: &case::Model, items: &[String], today: NaiveDate) -> CaseRow {
        let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Verifying);
        let left = c.deadline.map(|d| self.calendar.working_days_between(today, d));
        let (days_state, days_text) = match deadline_state(status, left, self.soon) {
            DeadlineState::None => ("none", String::new()),
            DeadlineState::Running(n) => ("running", format!("剩余{n}个工作日")),
            DeadlineState::DueSoon(0) => match c.deadline {
                Some(d) if d >= today => ("due_soon", crate::domain::case::due_today_text(today, d)),
                _ => ("due_soon", "今天到期".to_string()),
            },
            DeadlineState::DueSoon(n) => ("due_soon", format!("剩余{n}个工作日")),
            DeadlineState::Overdue(n) => ("overdue", format!("逾期{n}个工作日")),
        };
        // A deadline passed over a weekend or holiday only: still overdue by date.
        let (days_state, days_text) = match c.deadline {
            Some(d) if days_state == "due_soon" && d < today => ("overdue", "已逾期".to_string()),
            _ => (days_state, days_text),
        };
        CaseRow {
            id: c.id,
            title: c.title.clone(),
            township: self.tree.name(c.township_id),
            community_id: c.community_id,
            community: self.communities.get(&c.community_id).cloned().unwrap_or_default(),
            company_id: c.company_id,
            company: c
                .company_id
                .and_then(|id| self.companies.get(&id).cloned())
                .unwrap_or_else(|| "（无物业）".into()),
            items: items.iter().map(|i| self.item(i)).collect(),
            responsible: c.responsible_user_id.and_then(|id| self.users.get(&id).cloned()).unwrap_or_default(),
            deadline: c.deadline,
            status: c.status.clone(),
            status_label: status.label().into(),
            days_text,
            days_state: days_state.into(),
            opened_at: c.created_at,
        }
    }
}

/// The ledger's query as people give it (page parameters or API query).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct LedgerQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub community_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub company_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub catalog_code: Option<String>,
    /// A status string form, or `open` (not closed nor unfounded).
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub responsible_user_id: Option<i64>,
    /// `1`: only cases past their deadline.
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub overdue: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub q: Option<String>,
    /// `deadline` (default), `opened` or `status`.
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub sort: Option<String>,
    /// `desc` for descending.
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub dir: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub page: Option<i64>,
}

impl LedgerQuery {
    fn sort(&self) -> (LedgerSort, bool) {
        let s = match self.sort.as_deref() {
            Some("opened") => LedgerSort::Opened,
            Some("status") => LedgerSort::Status,
            _ => LedgerSort::Deadline,
        };
        (s, self.dir.as_deref() == Some("desc"))
    }
}

/// The ledger filter for an actor: scope first, then the query.
fn filter_for(
    tree: &JurisdictionTree,
    actor: &Actor,
    q: &LedgerQuery,
    now: DateTime<Utc>,
) -> Result<LedgerFilter, ServiceError> {
    let mut f = LedgerFilter::default();
    match (actor.role, actor.scope) {
        (Role::CompanyUser, Scope::Company(c)) => f.company_scope = Some(c),
        (_, Scope::Jurisdiction(j)) if role_may(actor.role, Action::ReadCaseContent) => {
            f.township_ids = tree.reach_of(j);
        }
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    }
    f.township_id = q.township_id;
    f.community_id = q.community_id;
    f.company_id = q.company_id;
    f.catalog_code = q.catalog_code.clone().map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    f.statuses = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("open") => {
            Some(CaseStatus::ALL.iter().filter(|s| !s.is_final()).map(|s| s.as_str().to_string()).collect())
        }
        Some(s) => Some(vec![
            CaseStatus::parse(s).ok_or_else(|| ServiceError::field("status", "未知的案件状态"))?.as_str().to_string(),
        ]),
    };
    if q.overdue.as_deref() == Some("1") {
        f.deadline_before = Some(today(now));
        let running: Vec<String> =
            [CaseStatus::Filed, CaseStatus::NoticeIssued, CaseStatus::Overdue, CaseStatus::Escalated]
                .iter()
                .map(|s| s.as_str().to_string())
                .collect();
        f.statuses = Some(match f.statuses.take() {
            Some(s) => s.into_iter().filter(|x| running.contains(x)).collect(),
            None => running,
        });
    }
    f.responsible_user_id = q.responsible_user_id;
    f.q = q.q.clone().map(|s| s.trim().chars().take(100).collect::<String>()).filter(|s| !s.is_empty());
    Ok(f)
}

/// A page of the ledger within the actor's scope.
pub async fn ledger(deps: &Deps, ctx: &Ctx, q: &LedgerQuery, per_page: u64) -> Result<LedgerPage, ServiceError> {
    let actor = ctx.actor()?;
    // The page's dozen queries on one connection, in one snapshot (the total and the rows
    // agree): through the pool, each query would first wait for the connection and test it.
    let tx = deps.read.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let f = filter_for(&tree, actor, q, ctx.now)?;
    let (sort, desc) = q.sort();
    let page = q.page.unwrap_or(1).max(1) as u64;
    let (cases, total) = db::cases::ledger(&tx, &f, sort, desc, page, per_page).await?;
    let rows = rows_with(&tx, deps, tree, &cases, ctx.now).await?;
    tx.commit().await?;
    Ok(LedgerPage { rows: Page { items: rows, total: total.n, page, per_page }, total_exact: total.exact })
}

/// A page of the ledger.
pub struct LedgerPage {
    pub rows: Page<CaseRow>,
    /// False when the total is the database's estimate (a full-text view with very many
    /// matches on PostgreSQL: see `db::cases::ESTIMATE_ABOVE`).
    pub total_exact: bool,
}

/// The ledger rows of these cases (names looked up through the pool).
pub(crate) async fn rows_of(
    deps: &Deps,
    cases: &[case::Model],
    now: DateTime<Utc>,
) -> Result<Vec<CaseRow>, ServiceError> {
    rows_with(&deps.db, deps, JurisdictionTree::load(&deps.db).await?, cases, now).await
}

async fn rows_with<C: ConnectionTrait>(
    db: &C,
    deps: &Deps,
    tree: JurisdictionTree,
    cases: &[case::Model],
    now: DateTime<Utc>,
) -> Result<Vec<CaseRow>, ServiceError> {
    let names = Names::load(db, deps, tree, cases).await?;
    let mut items: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, code) in db::cases::items_of(db, cases.iter().map(|c| c.id).collect()).await? {
        items.entry(id).or_default().push(code);
    }
    let today = today(now);
    Ok(cases.iter().map(|c| names.row(c, items.get(&c.id).map(Vec::as_slice).unwrap_or(&[]), today)).collect())
}

/// Every row of the actor's filter, for exports (at most [`EXPORT_LIMIT`]).
pub async fn ledger_export_rows(deps: &Deps, ctx: &Ctx, q: &LedgerQuery) -> Result<Vec<CaseRow>, ServiceError> {
    let actor = ctx.actor()?;
    // One snapshot on a reader: the export does not hold the writer for its seconds.
    let tx = deps.read.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let f = filter_for(&tree, actor, q, ctx.now)?;
    let (sort, desc) = q.sort();
    let cases = db::cases::ledger_all(&tx, &f, sort, desc, EXPORT_LIMIT).await?;
    let rows = rows_with(&tx, deps, tree, &cases, ctx.now).await?;
    tx.commit().await?;
    record(
        &deps.db,
        ctx,
        AuditAction::LedgerExport,
        "case",
        "filter",
        SUCCESS,
        json!({"rows": rows.len(), "query": format!("{q:?}")}),
    )
    .await?;
    Ok(rows)
}

/// The bureau's ledger columns.
pub const EXPORT_HEADERS: [&str; 12] = [
    "案件编号",
    "乡镇（街道）",
    "小区",
    "物业服务企业",
    "问题类别",
    "问题描述",
    "责任人",
    "完成时限",
    "状态",
    "剩余/逾期",
    "立案日期",
    "来源",
];

/// One export line in the column order of [`EXPORT_HEADERS`].
pub fn export_line(r: &CaseRow) -> [String; 12] {
    [
        r.id.to_string(),
        r.township.clone(),
        r.community.clone(),
        r.company.clone(),
        r.items.join("；"),
        r.title.clone(),
        r.responsible.clone(),
        r.deadline.map(|d| d.to_string()).unwrap_or_default(),
        r.status_label.clone(),
        r.days_text.clone(),
        crate::clock::display(r.opened_at).chars().take(10).collect(),
        String::new(),
    ]
}

/// The ledger as an Excel workbook.
pub fn export_xlsx(rows: &[CaseRow]) -> Result<Vec<u8>, ServiceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工作台账").map_err(|e| anyhow::anyhow!("{e}"))?;
    let bold = Format::new().set_bold();
    for (i, h) in EXPORT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in export_line(row).iter().enumerate() {
            if c == 0 {
                ws.write_number(r as u32 + 1, 0, row.id as f64).map_err(|e| anyhow::anyhow!("{e}"))?;
            } else {
                ws.write_string(r as u32 + 1, c as u16, v).map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(|e| anyhow::anyhow!("{e}"))?;
    ws.autofilter(0, 0, rows.len() as u32, EXPORT_HEADERS.len() as u16 - 1).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (c, w) in [8.0, 12.0, 18.0, 28.0, 36.0, 36.0, 10.0, 12.0, 14.0, 14.0, 12.0, 8.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(wb.save_to_buffer().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// The ledger as CSV (UTF-8 with BOM, so Excel opens the Chinese correctly).
pub fn export_csv(rows: &[CaseRow]) -> Vec<u8> {
    fn field(s: &str) -> String {
        // Cells starting with = + - @ are prefixed so spreadsheets do not run them as formulas.
        let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
    }
    let mut out = String::from("\u{feff}");
    out.push_str(&EXPORT_HEADERS.join(","));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&export_line(r).iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One line of a case's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineLine {
    pub at: DateTime<Utc>,
    pub at_display: String,
    pub step: String,
    pub status_label: String,
    pub note: String,
    pub deadline: Option<NaiveDate>,
    pub actor: String,
    /// Photos of the step as a whole.
    pub photos: Vec<i64>,
    /// A report's answers item by item.
    pub items: Vec<ItemReportView>,
}

/// One item of a report on the timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemReportView {
    pub code: String,
    /// "A1.1 未按合同约定提供保洁服务".
    pub item: String,
    pub note: String,
    pub photos: Vec<i64>,
}

/// A case with everything its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub row: CaseRow,
    pub facts: String,
    pub problem_id: Option<i64>,
    pub extensions: i32,
    /// The deadline in force as its reader should read it: `2024-07-01（原2024-06-20，因批准延期：…）`
    /// (for the company counted from the rectification notice), or 未定.
    pub deadline_text: String,
    pub timeline: Vec<TimelineLine>,
    /// The case's catalog items: (code, "code title"), for a report item by item.
    pub item_choices: Vec<(String, String)>,
    /// The case's catalog items in the words of the bureau's notice: ("code title", full text).
    pub item_texts: Vec<(String, String)>,
    pub notices: Vec<(i64, String, String)>,
    /// A pending extension request: (requested date, reason).
    pub pending_extension: Option<(NaiveDate, String)>,
    /// Pending escalation proposals: (id, reason label, note).
    pub pending_escalations: Vec<(i64, String, String)>,
    /// The steps this actor may take now.
    pub can: Vec<String>,
}

/// One case for its page. Company users see the same facts and timeline, and never anything
/// about complainants (cases hold none; staff names on the timeline are the bureau's).
pub async fn detail(deps: &Deps, ctx: &Ctx, id: i64) -> Result<CaseDetail, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (c, _) = load(&deps.db, ctx, id, read_action(&actor)).await?;
    let rows = rows_of(deps, std::slice::from_ref(&c), ctx.now).await?;
    let row = rows.into_iter().next().expect("one row");
    let photos = db::cases::photos(&deps.db, c.id).await?;
    let reports = db::cases::item_reports(&deps.db, c.id).await?;
    let catalog: HashMap<String, (String, String)> =
        db::catalog::catalog(&deps.db).await?.into_iter().map(|i| (i.code, (i.title, i.description))).collect();
    let item_label = |code: &str| match catalog.get(code) {
        Some((t, _)) => format!("{code} {t}"),
        None => code.to_string(),
    };
    let codes = db::cases::items(&deps.db, c.id).await?;
    let item_texts = codes
        .iter()
        .filter_map(|code| catalog.get(code).filter(|(_, d)| !d.is_empty()).map(|(_, d)| (item_label(code), d.clone())))
        .collect();
    let item_choices = codes
        .into_iter()
        .map(|code| {
            let label = item_label(&code);
            (code, label)
        })
        .collect();
    let events = db::cases::events(&deps.db, c.id).await?;
    // The company reads one deadline: the one in force, said from what and why it changed; its
    // deadline starts with the rectification notice (the ledger's earlier one was never
    // addressed to it, so its timeline does not show it either).
    let company_reader = actor.role == Role::CompanyUser;
    let granted = db::cases::granted_extensions(&deps.db, c.id).await?;
    let sets: Vec<DeadlineSet> = events
        .iter()
        .filter_map(|e| {
            let kind = EventKind::parse(&e.kind)?;
            let reason = match kind {
                EventKind::Step(CaseEvent::GrantExtension) => granted
                    .iter()
                    .find(|r| r.decided_at == Some(e.created_at))
                    .map(|r| r.reason.clone())
                    .unwrap_or_else(|| e.note.clone()),
                EventKind::Step(CaseEvent::FailReinspection) => e.note.clone(),
                _ => String::new(),
            };
            Some(DeadlineSet { kind, deadline: e.deadline?, reason })
        })
        .collect();
    let mut deadline_text = deadline_in_force(c.deadline, &sets, company_reader);
    // Working days past the holiday table are counted with weekends only: say so.
    if let Some(note) = match c.deadline {
        Some(d) => calendar(&deps.db).await?.coverage_note(d),
        None => None,
    } {
        deadline_text = format!("{deadline_text}（{note}）");
    }
    let first_notice = events.iter().position(|e| e.kind == CaseEvent::IssueNotice.as_str());
    let timeline = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| TimelineLine {
            at: e.created_at,
            at_display: crate::clock::display(e.created_at),
            step: crate::domain::timeline::label_of(&e.kind).to_string(),
            status_label: CaseStatus::parse(&e.to_status).map(|s| s.label().to_string()).unwrap_or_default(),
            note: e.note,
            deadline: e.deadline.filter(|_| !company_reader || first_notice.is_none_or(|n| i >= n)),
            actor: e.actor_name,
            photos: photos
                .iter()
                .filter(|p| p.case_event_id == Some(e.id) && p.item_code.is_none())
                .map(|p| p.id)
                .collect(),
            items: reports
                .iter()
                .filter(|r| r.case_event_id == e.id)
                .map(|r| ItemReportView {
                    code: r.item_code.clone(),
                    item: item_label(&r.item_code),
                    note: r.note.clone(),
                    photos: photos
                        .iter()
                        .filter(|p| p.case_event_id == Some(e.id) && p.item_code.as_deref() == Some(&r.item_code))
                        .map(|p| p.id)
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let notices = db::cases::notices_of_case(&deps.db, c.id)
        .await?
        .into_iter()
        .map(|n| (n.id, n.number, crate::domain::notice::NoticeStatus::label_of(&n.status).to_string()))
        .collect();
    let pending_extension =
        db::cases::pending_extension(&deps.db, c.id).await?.map(|r| (r.requested_deadline, r.reason));
    let pending_escalations = db::cases::escalation_proposals(&deps.db, EscalationStatus::Pending.as_str(), Some(c.id))
        .await?
        .into_iter()
        .map(|p| (p.id, EscalationReason::label_of(&p.reason).to_string(), p.note))
        .collect::<Vec<_>>();
    let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Closed);
    let mut can = Vec::new();
    let may = |a: Action| role_may(actor.role, a);
    for e in [
        CaseEvent::Verify,
        CaseEvent::Dismiss,
        CaseEvent::Report,
        CaseEvent::StartReinspection,
        CaseEvent::PassReinspection,
        CaseEvent::FailReinspection,
    ] {
        if crate::domain::case::next(status, e).is_ok() && e.allowed(Some(actor.role)) {
            can.push(e.as_str().to_string());
        }
    }
    if status == CaseStatus::Filed && may(Action::ManageCase) && c.company_id.is_some() {
        can.push("issue_notice".into());
    }
    if matches!(status, CaseStatus::NoticeIssued | CaseStatus::Overdue) {
        if may(Action::AnswerNotice) && pending_extension.is_none() {
            can.push("request_extension".into());
        }
        if may(Action::ManageCase) && pending_extension.is_some() {
            can.push("decide_extension".into());
        }
    }
    if crate::domain::case::next(status, CaseEvent::Escalate).is_ok() {
        if may(Action::ManageCase) && pending_escalations.is_empty() {
            can.push("propose_escalation".into());
        }
        if may(Action::DecideEscalation) && !pending_escalations.is_empty() {
            can.push("decide_escalation".into());
        }
    }
    Ok(CaseDetail {
        row,
        facts: c.facts,
        problem_id: c.problem_id,
        extensions: c.extensions,
        deadline_text,
        item_choices,
        item_texts,
        timeline,
        notices,
        pending_extension,
        pending_escalations,
        can,
    })
}

/// A case's photo, for those who may read the case.
pub async fn photo(deps: &Deps, ctx: &Ctx, id: i64, photo_id: i64) -> Result<super::blobs::Download, ServiceError> {
    let actor = ctx.actor()?.clone();
    load(&deps.db, ctx, id, read_action(&actor)).await?;
    let p = db::cases::photos(&deps.db, id)
        .await?
        .into_iter()
        .find(|p| p.id == photo_id)
        .ok_or(ServiceError::NotFound("照片"))?;
    super::photos::open(&deps.read, &p.digest).await
}

/// Bureau staff who can be made responsible for cases (active accounts of the role).
pub async fn responsible_candidates(deps: &Deps) -> Result<Vec<(i64, String)>, ServiceError> {
    let users = db::accounts::users(&deps.db, None, Some(Role::BureauStaff.as_str()), 1, 500).await?.0;
    Ok(users
        .into_iter()
        .filter(|u| u.active && u.role == Role::BureauStaff.as_str())
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The supervision picture of one company, as the actor may see it (bureau readers within
/// their jurisdiction; a company user only of its own company): its cases by state, the
/// running ones past their deadline, and the most urgent open cases.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompanyCases {
    /// (status, label, cases), every state with at least one case.
    pub by_status: Vec<(String, String, u64)>,
    pub open: u64,
    pub overdue: u64,
    /// The open cases, most urgent first (at most ten).
    pub urgent: Vec<CaseRow>,
}

pub async fn company_cases(deps: &Deps, ctx: &Ctx, company_id: i64) -> Result<CompanyCases, ServiceError> {
    let q = |status: Option<&str>, overdue: bool| LedgerQuery {
        company_id: Some(company_id),
        status: status.map(str::to_string),
        overdue: overdue.then(|| "1".to_string()),
        ..Default::default()
    };
    let mut by_status = Vec::new();
    for s in CaseStatus::ALL {
        let n = ledger(deps, ctx, &q(Some(s.as_str()), false), 1).await?.rows.total;
        if n > 0 {
            by_status.push((s.as_str().to_string(), s.label().to_string(), n));
        }
    }
    let open = ledger(deps, ctx, &q(Some("open"), false), 10).await?;
    let overdue = ledger(deps, ctx, &q(None, true), 1).await?.rows.total;
    Ok(CompanyCases { by_status, open: open.rows.total, overdue, urgent: open.rows.items })
}
