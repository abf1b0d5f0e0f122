//! Guided dismissal tracks (引导解聘), the third rung of the escalation ladder. A bureau leader
//! opens a track for a community whose company fails its contract while the owners object
//! strongly; the community's township is assigned to guide the owners. Bureau staff and the
//! township's officers record the legal steps in order (`domain::dismissal`): the owners'
//! assembly called, its decision, the written notice (民法典第946条: the contract ends no earlier
//! than `notice_days` later). Each step is a line on the track, on the linked cases' timelines
//! and in the audit trail; the company is told when the notice is served. The vote and the exit
//! and handover attach to the track in a later issue. The litigation and credit steps that
//! follow the notice live in `service::litigation`.

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::notifications::{to_company, to_user};
use super::rule_code::RuleCode;
use super::scope::{JurisdictionTree, community_in_reach, join_ids, parse_ids};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::dismissals::{NewStep, NewTrack, TrackChange};
use crate::db::entities::dismissal_track;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, role_may};
use crate::domain::decision::Matter;
use crate::domain::dismissal::{Step, TrackState, TrackStatus, check, contract_ends_on};
use crate::domain::registry::FieldErrors;
use crate::domain::role::Scope;
use crate::domain::timeline::EventKind;

/// A leader opens a track. Returns its id.
pub async fn open(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
    reasons: &str,
    case_ids: Vec<i64>,
    notice_days: Option<u32>,
) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::DecideEscalation) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (c, tree) = community_in_reach(deps, ctx, community_id, Action::DecideEscalation).await?;
    let mut errors = FieldErrors::new();
    let reasons = reasons.trim().to_string();
    if reasons.chars().count() < 4 || reasons.chars().count() > 2000 {
        errors.insert("reasons".into(), "请写明引导解聘的理由（企业不履约的情况、业主的意见，4至2000字）".into());
    }
    let days = notice_days.unwrap_or(60);
    if !(1..=365).contains(&days) {
        errors.insert("notice_days".into(), "书面通知期限为1至365天（民法典第946条：合同无约定的为60日）".into());
    }
    let cases = db::cases::cases_by_ids(&deps.db, case_ids.clone()).await?;
    if cases.len() != case_ids.len() || cases.iter().any(|k| k.community_id != c.id) {
        errors.insert("case_ids".into(), "所选案件须为本小区的案件".into());
    }
    if c.company_id.is_none() {
        errors.insert("reasons".into(), "该小区没有登记物业服务企业".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tx = deps.db.begin().await?;
    if db::dismissals::open_of_community(&tx, c.id).await?.is_some() {
        return Err(ServiceError::from(RuleCode::DismissalTrackOpen));
    }
    let opened_on = today(ctx.now);
    let t = db::dismissals::insert_track(
        &tx,
        NewTrack {
            community_id: c.id,
            company_id: c.company_id,
            township_id: c.township_id,
            reasons: reasons.clone(),
            case_ids: join_ids(&case_ids),
            notice_days: days as i32,
            opened_on,
            opened_by: actor.user_id,
        },
        ctx.now,
    )
    .await?;
    let township = tree.name(c.township_id);
    let line = format!("开启引导解聘，由{township}指导业主大会依法决定是否解聘物业服务企业");
    for k in &cases {
        super::timeline::timeline_note(&tx, ctx, k, EventKind::DismissalOpened.as_str(), &line).await?;
    }
    let officers = db::dismissals::township_officers(&tx, c.township_id).await?;
    let notes = officers
        .iter()
        .map(|u| {
            to_user(
                u.id,
                "dismissal",
                format!("{}：请指导业主大会依法决定是否解聘物业服务企业", c.name),
                reasons.clone(),
                None,
                format!("dismissal:{}:user:{}", t.id, u.id),
                ctx.now,
            )
        })
        .collect();
    db::notifications::notify(&tx, notes).await?;
    record(
        &tx,
        ctx,
        AuditAction::DismissalOpen,
        "dismissal_track",
        t.id,
        SUCCESS,
        json!({"community_id": c.id, "township_id": c.township_id, "cases": case_ids, "notice_days": days}),
    )
    .await?;
    tx.commit().await?;
    Ok(t.id)
}

fn state_of(t: &dismissal_track::Model) -> TrackState {
    TrackState {
        opened_on: Some(t.opened_on),
        called_on: t.called_on,
        decided_on: t.decided_on,
        dismissed: t.dismissed,
        served_on: t.served_on,
        closed: !TrackStatus::is_open(&t.status),
    }
}

/// A track the actor may reach for `action` (through its community).
pub(crate) async fn track_in_reach(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<dismissal_track::Model, ServiceError> {
    let t = db::dismissals::track(&deps.db, id).await?.ok_or(ServiceError::NotFound("引导解聘"))?;
    community_in_reach(deps, ctx, t.community_id, action).await?;
    Ok(t)
}

/// What the assembly's decision (to dismiss or to retain) rests on: a vote counted on the
/// platform on matter (四), or the figures of a meeting held on paper, checked by the same
/// arithmetic (`domain::decision::decide`).
#[derive(Debug, Clone, Default)]
pub enum AssemblyBasis {
    /// Nothing given (refused for the assembly steps; the other steps need none).
    #[default]
    None,
    /// A counted vote of the community with a matter (四).
    Decision(i64),
    /// A paper meeting's figures.
    Paper(super::decisions::PaperFigures),
}

/// The assembly step's result from its basis: the day it was decided (a platform vote's count
/// day) and the line for the record. Refused when the result does not match the step.
async fn assembly_result(
    deps: &Deps,
    community_id: i64,
    step: Step,
    basis: &AssemblyBasis,
) -> Result<(Option<NaiveDate>, Option<i64>, String), ServiceError> {
    let (passed, decided_on, decision_id, line) = match basis {
        AssemblyBasis::None => {
            return Err(ServiceError::field(
                "decision_id",
                "请选择依据的业主共同决定（民法典第二百七十八条（四）），或录入纸质表决的统计数",
            ));
        }
        AssemblyBasis::Decision(id) => {
            let o = super::decisions::outcome(&deps.db, community_id, *id, Matter::Manager).await?;
            let line = format!("依据业主共同决定“{}”：{}", o.title, o.summary);
            (o.passed, Some(o.decided_on), Some(*id), line)
        }
        AssemblyBasis::Paper(f) => {
            let (passed, summary) =
                super::decisions::paper_outcome(Matter::Manager, *f).map_err(|m| ServiceError::field("paper", m))?;
            (passed, None, None, format!("纸质表决统计：{summary}"))
        }
    };
    match (step, passed) {
        (Step::AssemblyDismissed, false) => Err(ServiceError::field(
            "decision_id",
            "按民法典第二百七十八条计算，解聘事项未获通过，应记录“业主大会决定不解聘”",
        )),
        (Step::AssemblyRetained, true) => Err(ServiceError::field(
            "decision_id",
            "按民法典第二百七十八条计算，解聘事项已获通过，应记录“业主大会决定解聘”",
        )),
        _ => Ok((decided_on, decision_id, line)),
    }
}

/// Records a step. Withdrawing is for leaders; the other steps for bureau staff and the
/// officers of the community's township. The assembly's decision takes its result from `basis`.
pub async fn record_step(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    step: &str,
    on: Option<NaiveDate>,
    note: &str,
    basis: AssemblyBasis,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let t = db::dismissals::track(&deps.db, id).await?.ok_or(ServiceError::NotFound("引导解聘"))?;
    let step = Step::parse(step).ok_or_else(|| ServiceError::field("step", "请选择办理事项"))?;
    let action = if step == Step::Withdrawn { Action::DecideEscalation } else { Action::TrackDismissal };
    if !role_may(actor.role, action) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (c, _) = community_in_reach(deps, ctx, t.community_id, action).await?;
    let mut note = note.trim().to_string();
    if note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "说明不超过2000字"));
    }
    let mut decision_id = None;
    let mut on = on;
    if matches!(step, Step::AssemblyDismissed | Step::AssemblyRetained) {
        let (decided_on, did, line) = assembly_result(deps, c.id, step, &basis).await?;
        on = decided_on.or(on);
        decision_id = did;
        note = if note.is_empty() { line } else { format!("{line}。{note}") };
    }
    let on = on.ok_or_else(|| ServiceError::field("on", "请填写日期"))?;
    if step == Step::Withdrawn && note.chars().count() < 2 {
        return Err(ServiceError::field("note", "撤销时请写明理由"));
    }
    check(&state_of(&t), step, on, today(ctx.now)).map_err(|m| ServiceError::from(RuleCode::DismissalStep(m)))?;
    let tx = deps.db.begin().await?;
    let mut ends = None;
    // The check passed, so the track is open: the step either keeps it open or ends it.
    let status = TrackStatus::Open.after(step).filter(|s| *s != TrackStatus::Open);
    let change = match step {
        Step::AssemblyCalled => TrackChange { called_on: Some(on), ..Default::default() },
        Step::AssemblyDismissed => {
            TrackChange { decided_on: Some(on), dismissed: Some(true), decision_id, ..Default::default() }
        }
        Step::AssemblyRetained => TrackChange { decided_on: Some(on), status, decision_id, ..Default::default() },
        Step::NoticeServed => {
            let e = contract_ends_on(on, t.notice_days.max(0) as u32, &super::holidays::calendar(&tx).await?);
            ends = Some(e);
            TrackChange { served: Some((on, e)), ..Default::default() }
        }
        Step::Withdrawn => TrackChange { status, ..Default::default() },
    };
    // Compare-and-set on what the check saw: a concurrent step recorded meanwhile refuses this.
    if !db::dismissals::change_if_unchanged(&tx, id, t.updated_at, change, ctx.now).await? {
        return Err(ServiceError::from(RuleCode::DismissalChangedMeanwhile));
    }
    let new_step = NewStep {
        track_id: id,
        step: step.as_str().into(),
        happened_on: on,
        note: note.clone(),
        actor_user_id: actor.user_id,
        actor_name: ctx.actor_name.chars().take(100).collect(),
    };
    db::dismissals::insert_step(&tx, new_step, ctx.now).await?;
    let mut line = format!("引导解聘：{}（{on}）", step.label());
    if let Some(e) = ends {
        line.push_str(&format!("，物业服务合同最早于 {e} 终止（提前{}日书面通知）", t.notice_days));
    }
    if !note.is_empty() {
        line.push_str(&format!("：{note}"));
    }
    for k in &db::cases::cases_by_ids(&tx, parse_ids(&t.case_ids)).await? {
        super::timeline::timeline_note(&tx, ctx, k, EventKind::DismissalStep.as_str(), &line).await?;
    }
    if let (Step::NoticeServed, Some(company), Some(e)) = (step, t.company_id, ends) {
        db::notifications::notify(
            &tx,
            vec![to_company(
                company,
                "dismissal_notice",
                format!("{}业主大会决定解聘", c.name),
                format!(
                    "业主大会已决定解聘，书面通知日期 {on}，物业服务合同最早于 {e} 终止。合同终止后应按民法典第949条退出并移交物业服务用房、相关设施和资料，交接前应继续提供服务（第950条）。"
                ),
                None,
                format!("dismissal_notice:{id}"),
                ctx.now,
            )],
        )
        .await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::DismissalStep(step),
        "dismissal_track",
        id,
        SUCCESS,
        json!({"on": on, "note": note, "contract_ends_on": ends}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A track as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackView {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub township: String,
    pub reasons: String,
    pub case_ids: Vec<i64>,
    pub notice_days: i32,
    pub opened_on: NaiveDate,
    pub open: bool,
    pub stage: String,
    pub contract_ends_on: Option<NaiveDate>,
    /// Said beside an end date past the holiday table (counted with weekends only).
    pub contract_ends_note: Option<String>,
    /// (label, date, note, who), in the order they happened (date, ties in the order recorded).
    pub steps: Vec<(String, NaiveDate, String, String)>,
    /// The steps that may come next: (value, label).
    pub next: Vec<(String, String)>,
    /// The community's counted votes on matter (四) the assembly step may rest on: (id, title,
    /// passed).
    pub decisions: Vec<(i64, String, bool)>,
    /// The vote the assembly step rested on, if any.
    pub decision_id: Option<i64>,
}

async fn view(deps: &Deps, t: dismissal_track::Model, ctx: &Ctx) -> Result<TrackView, ServiceError> {
    let tree = JurisdictionTree::load(&deps.db).await?;
    let community = db::communities::community(&deps.db, t.community_id).await?.map(|c| c.name).unwrap_or_default();
    let steps = db::dismissals::steps(&deps.db, t.id).await?;
    let state = state_of(&t);
    let today = today(ctx.now);
    let next = Step::ALL
        .into_iter()
        .filter(|s| *s != Step::Withdrawn && check(&state, *s, today, today).is_ok())
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    let open = TrackStatus::is_open(&t.status);
    let stage = if !open {
        if t.decided_on.is_some() && !t.dismissed {
            "业主大会决定不解聘，已结束"
        } else {
            TrackStatus::Closed.label()
        }
    } else if t.served_on.is_some() {
        "已书面通知，待合同终止后退出交接"
    } else if t.dismissed {
        "业主大会已决定解聘，待书面通知"
    } else if t.called_on.is_some() {
        "已召集业主大会"
    } else {
        "待召集业主大会"
    };
    Ok(TrackView {
        id: t.id,
        community_id: t.community_id,
        community,
        township: tree.name(t.township_id),
        reasons: t.reasons.clone(),
        case_ids: parse_ids(&t.case_ids),
        notice_days: t.notice_days,
        opened_on: t.opened_on,
        open,
        stage: stage.into(),
        contract_ends_note: match t.contract_ends_on {
            Some(d) => super::holidays::calendar(&deps.db).await?.coverage_note(d),
            None => None,
        },
        contract_ends_on: t.contract_ends_on,
        steps: steps
            .into_iter()
            .map(|s| {
                let label = Step::parse(&s.step).map(|x| x.label()).unwrap_or_default().to_string();
                (label, s.happened_on, s.note, s.actor_name)
            })
            .collect(),
        next,
        decisions: super::decisions::counted_on(deps, t.community_id, Matter::Manager).await?,
        decision_id: t.decision_id,
    })
}

/// One track (bureau readers and the township's officers within reach).
pub async fn get(deps: &Deps, ctx: &Ctx, id: i64) -> Result<TrackView, ServiceError> {
    let t = track_in_reach(deps, ctx, id, Action::ReadCaseContent).await?;
    view(deps, t, ctx).await
}

/// A community's tracks, newest first (readers of case content only).
pub async fn of_community(deps: &Deps, ctx: &Ctx, community_id: i64) -> Result<Vec<TrackView>, ServiceError> {
    if community_in_reach(deps, ctx, community_id, Action::ReadCaseContent).await.is_err() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for t in db::dismissals::of_community(&deps.db, community_id).await? {
        out.push(view(deps, t, ctx).await?);
    }
    Ok(out)
}

/// A company's tracks: bureau readers within reach; the company itself once the notice is served.
pub async fn of_company(deps: &Deps, ctx: &Ctx, company_id: i64) -> Result<Vec<TrackView>, ServiceError> {
    let actor = ctx.actor()?;
    let company_user = match actor.scope {
        Scope::Company(c) if c == company_id && role_may(actor.role, Action::ReadCompanyCases) => true,
        Scope::Jurisdiction(_) if role_may(actor.role, Action::ReadCaseContent) => false,
        _ => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for t in db::dismissals::of_company(&deps.db, company_id).await? {
        if company_user && t.served_on.is_none() {
            continue;
        }
        if !company_user && community_in_reach(deps, ctx, t.community_id, Action::ReadCaseContent).await.is_err() {
            continue;
        }
        out.push(view(deps, t, ctx).await?);
    }
    Ok(out)
}
