//! Guided dismissal tracks (引导解聘), the third rung of the escalation ladder. A bureau leader
//! opens a track for a community whose company fails its contract while the owners object
//! strongly; the community's township is assigned to guide the owners. Bureau staff and the
//! township's officers record the legal steps in order (`domain::dismissal`): the owners'
//! assembly called, its decision, the written notice (民法典第946条: the contract ends no earlier
//! than `notice_days` later). Each step is a line on the track, on the linked cases' timelines
//! and in the audit trail; the company is told when the notice is served. The vote and the exit
//! and handover attach to the track in a later issue.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::notifications::{to_company, to_user};
use super::scope::{JurisdictionTree, community_in_reach, join_ids, parse_ids};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{dismissal_step, dismissal_track, user};
use crate::domain::authz::{Action, Denied, role_may};
use crate::domain::dismissal::{Step, TrackState, check, contract_ends_on};
use crate::domain::registry::FieldErrors;
use crate::domain::role::{Role, Scope};
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
    let running = dismissal_track::Entity::find()
        .filter(dismissal_track::Column::CommunityId.eq(c.id))
        .filter(dismissal_track::Column::Status.eq("open"))
        .one(&tx)
        .await?;
    if running.is_some() {
        return Err(ServiceError::Rule {
            code: "track_open", message: "该小区已有进行中的引导解聘".into()
        });
    }
    let opened_on = today(ctx.now);
    let t = dismissal_track::ActiveModel {
        community_id: Set(c.id),
        company_id: Set(c.company_id),
        township_id: Set(c.township_id),
        reasons: Set(reasons.clone()),
        case_ids: Set(join_ids(&case_ids)),
        notice_days: Set(days as i32),
        opened_on: Set(opened_on),
        opened_by: Set(actor.user_id),
        called_on: Set(None),
        decided_on: Set(None),
        dismissed: Set(false),
        served_on: Set(None),
        contract_ends_on: Set(None),
        status: Set("open".into()),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let township = tree.name(c.township_id);
    let line = format!("开启引导解聘，由{township}指导业主大会依法决定是否解聘物业服务企业");
    for k in &cases {
        super::timeline::timeline_note(&tx, ctx, k, EventKind::DismissalOpened.as_str(), &line).await?;
    }
    let officers = user::Entity::find()
        .filter(user::Column::Role.eq(Role::TownshipOfficer.as_str()))
        .filter(user::Column::JurisdictionId.eq(c.township_id))
        .filter(user::Column::Active.eq(true))
        .all(&tx)
        .await?;
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
    db::cases::notify(&tx, notes).await?;
    record(
        &tx,
        ctx,
        "dismissal.open",
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
        closed: t.status != "open",
    }
}

/// Records a step. Withdrawing is for leaders; the other steps for bureau staff and the
/// officers of the community's township.
pub async fn record_step(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    step: &str,
    on: Option<NaiveDate>,
    note: &str,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let t = dismissal_track::Entity::find_by_id(id).one(&deps.db).await?.ok_or(ServiceError::NotFound("引导解聘"))?;
    let step = Step::parse(step).ok_or_else(|| ServiceError::field("step", "请选择办理事项"))?;
    let action = if step == Step::Withdrawn { Action::DecideEscalation } else { Action::TrackDismissal };
    if !role_may(actor.role, action) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (c, _) = community_in_reach(deps, ctx, t.community_id, action).await?;
    let on = on.ok_or_else(|| ServiceError::field("on", "请填写日期"))?;
    let note = note.trim().to_string();
    if note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "说明不超过2000字"));
    }
    if step == Step::Withdrawn && note.chars().count() < 2 {
        return Err(ServiceError::field("note", "撤销时请写明理由"));
    }
    check(&state_of(&t), step, on, today(ctx.now))
        .map_err(|m| ServiceError::Rule { code: "dismissal_step", message: m })?;
    let tx = deps.db.begin().await?;
    let mut update = dismissal_track::Entity::update_many()
        .col_expr(dismissal_track::Column::UpdatedAt, sea_orm::sea_query::Expr::value(ctx.now));
    let mut ends = None;
    use sea_orm::sea_query::Expr;
    update = match step {
        Step::AssemblyCalled => update.col_expr(dismissal_track::Column::CalledOn, Expr::value(on)),
        Step::AssemblyDismissed => update
            .col_expr(dismissal_track::Column::DecidedOn, Expr::value(on))
            .col_expr(dismissal_track::Column::Dismissed, Expr::value(true)),
        Step::AssemblyRetained => update
            .col_expr(dismissal_track::Column::DecidedOn, Expr::value(on))
            .col_expr(dismissal_track::Column::Status, Expr::value("closed")),
        Step::NoticeServed => {
            let e = contract_ends_on(on, t.notice_days.max(0) as u32, &super::holidays::calendar(&tx).await?);
            ends = Some(e);
            update
                .col_expr(dismissal_track::Column::ServedOn, Expr::value(on))
                .col_expr(dismissal_track::Column::ContractEndsOn, Expr::value(e))
        }
        Step::Withdrawn => update.col_expr(dismissal_track::Column::Status, Expr::value("closed")),
    };
    // Compare-and-set on what the check saw: a concurrent step recorded meanwhile refuses this.
    let done = update
        .filter(dismissal_track::Column::Id.eq(id))
        .filter(dismissal_track::Column::UpdatedAt.eq(t.updated_at))
        .filter(dismissal_track::Column::Status.eq("open"))
        .exec(&tx)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict("该引导解聘刚由他人办理，请刷新后再试".into()));
    }
    dismissal_step::ActiveModel {
        track_id: Set(id),
        step: Set(step.as_str().into()),
        happened_on: Set(on),
        note: Set(note.clone()),
        actor_user_id: Set(actor.user_id),
        actor_name: Set(ctx.actor_name.chars().take(100).collect()),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
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
        db::cases::notify(
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
        &format!("dismissal.{}", step.as_str()),
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
}

async fn view(deps: &Deps, t: dismissal_track::Model, ctx: &Ctx) -> Result<TrackView, ServiceError> {
    let tree = JurisdictionTree::load(&deps.db).await?;
    let community = db::communities::community(&deps.db, t.community_id).await?.map(|c| c.name).unwrap_or_default();
    let steps = dismissal_step::Entity::find()
        .filter(dismissal_step::Column::TrackId.eq(t.id))
        .order_by_asc(dismissal_step::Column::HappenedOn)
        .order_by_asc(dismissal_step::Column::Id)
        .all(&deps.db)
        .await?;
    let state = state_of(&t);
    let today = today(ctx.now);
    let next = Step::ALL
        .into_iter()
        .filter(|s| *s != Step::Withdrawn && check(&state, *s, today, today).is_ok())
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    let stage = if t.status != "open" {
        if t.decided_on.is_some() && !t.dismissed { "业主大会决定不解聘，已结束" } else { "已结束" }
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
        open: t.status == "open",
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
    })
}

/// One track (bureau readers and the township's officers within reach).
pub async fn get(deps: &Deps, ctx: &Ctx, id: i64) -> Result<TrackView, ServiceError> {
    let t = dismissal_track::Entity::find_by_id(id).one(&deps.db).await?.ok_or(ServiceError::NotFound("引导解聘"))?;
    community_in_reach(deps, ctx, t.community_id, Action::ReadCaseContent).await?;
    view(deps, t, ctx).await
}

/// A community's tracks, newest first (readers of case content only).
pub async fn of_community(deps: &Deps, ctx: &Ctx, community_id: i64) -> Result<Vec<TrackView>, ServiceError> {
    if community_in_reach(deps, ctx, community_id, Action::ReadCaseContent).await.is_err() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for t in dismissal_track::Entity::find()
        .filter(dismissal_track::Column::CommunityId.eq(community_id))
        .order_by_desc(dismissal_track::Column::Id)
        .all(&deps.db)
        .await?
    {
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
    for t in dismissal_track::Entity::find()
        .filter(dismissal_track::Column::CompanyId.eq(company_id))
        .order_by_desc(dismissal_track::Column::Id)
        .all(&deps.db)
        .await?
    {
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

/// Records a litigation and credit step (the fourth rung) on a track whose notice was served:
/// bureau staff and the township's officers, with an optional document (PDF, or a photo).
#[allow(clippy::too_many_arguments)]
pub async fn record_litigation(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    kind: &str,
    on: Option<NaiveDate>,
    reference: &str,
    note: &str,
    document: Option<(String, Vec<u8>)>,
) -> Result<(), ServiceError> {
    use crate::db::entities::litigation_event;
    use crate::domain::dismissal::{Litigation, check_litigation};
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::TrackDismissal) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let t = dismissal_track::Entity::find_by_id(id).one(&deps.db).await?.ok_or(ServiceError::NotFound("引导解聘"))?;
    community_in_reach(deps, ctx, t.community_id, Action::TrackDismissal).await?;
    let step = Litigation::parse(kind).ok_or_else(|| ServiceError::field("kind", "请选择诉讼或失信事项"))?;
    let on =
        on.filter(|d| *d <= today(ctx.now)).ok_or_else(|| ServiceError::field("on", "请填写日期（不晚于今天）"))?;
    let (reference, note) = (reference.trim().to_string(), note.trim().to_string());
    if reference.chars().count() > 200 || note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "案号不超过200字，说明不超过2000字"));
    }
    let done: Vec<Litigation> = litigation_event::Entity::find()
        .filter(litigation_event::Column::TrackId.eq(id))
        .all(&deps.db)
        .await?
        .iter()
        .filter_map(|e| Litigation::parse(&e.kind))
        .collect();
    check_litigation(t.served_on.is_some(), &done, step, &reference)
        .map_err(|m| ServiceError::Rule { code: "litigation_step", message: m })?;
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
    litigation_event::ActiveModel {
        track_id: Set(id),
        kind: Set(step.as_str().into()),
        happened_on: Set(on),
        reference: Set(reference.clone()),
        note: Set(note.clone()),
        doc_sm3: Set(stored.as_ref().map(|s| s.digest.clone())),
        doc_type: Set(stored.as_ref().map(|s| s.kind.to_string()).unwrap_or_default()),
        doc_name: Set(stored.as_ref().map(|s| s.name.clone()).unwrap_or_default()),
        actor_user_id: Set(actor.user_id),
        actor_name: Set(ctx.actor_name.chars().take(100).collect()),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
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
        &format!("litigation.{}", step.as_str()),
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
/// (event id, label, date, reference, note, has document, who).
pub async fn litigation(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
) -> Result<Vec<(i64, String, NaiveDate, String, String, bool, String)>, ServiceError> {
    use crate::db::entities::litigation_event;
    get(deps, ctx, id).await?;
    Ok(litigation_event::Entity::find()
        .filter(litigation_event::Column::TrackId.eq(id))
        .order_by_asc(litigation_event::Column::HappenedOn)
        .order_by_asc(litigation_event::Column::Id)
        .all(&deps.db)
        .await?
        .into_iter()
        .map(|e| {
            let label = crate::domain::dismissal::Litigation::parse(&e.kind).map(|k| k.label()).unwrap_or_default();
            (e.id, label.to_string(), e.happened_on, e.reference, e.note, e.doc_sm3.is_some(), e.actor_name)
        })
        .collect())
}

/// A litigation document the actor may read, checked against its digest: (content type, bytes).
pub async fn document(deps: &Deps, ctx: &Ctx, id: i64, event_id: i64) -> Result<super::blobs::Download, ServiceError> {
    use crate::db::entities::litigation_event;
    get(deps, ctx, id).await?;
    let e = litigation_event::Entity::find_by_id(event_id)
        .one(&deps.db)
        .await?
        .filter(|e| e.track_id == id)
        .ok_or(ServiceError::NotFound("文书"))?;
    let digest = e.doc_sm3.ok_or(ServiceError::NotFound("文书"))?;
    super::documents::open(&deps.read, &digest).await
}
