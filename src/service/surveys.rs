//! Satisfaction surveys (满意度测评). Staff or a township open a survey of one community or a
//! whole township for a period, from a questionnaire; the owners' committee or the township
//! registers the units and hands out one single-use code per unit; owners answer on their
//! phones from the QR poster or a link. Answers name neither unit nor code (see the migration),
//! so every view of them is an aggregate: response rate, score per area, satisfaction rate
//! against the configured standard, and the trend over periods.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::rule_code::RuleCode;
use super::scope::{JurisdictionTree, community_in_reach};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{community, questionnaire, survey};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize, role_may};
use crate::domain::registry::JurisdictionLevel;
use crate::domain::role::Scope;
use crate::domain::survey::{self as rule, Answer, Results, average};

/// Seeds the default questionnaire when there is none.
pub async fn ensure_questionnaire(deps: &Deps) -> Result<(), ServiceError> {
    if db::surveys::any_questionnaire(&deps.db).await? {
        return Ok(());
    }
    let now = deps.clock.now();
    db::surveys::insert_questionnaire(&deps.db, "物业服务满意度测评（标准问卷）", rule::DEFAULT_AREAS, now).await?;
    Ok(())
}

/// The active questionnaires.
pub async fn questionnaires(deps: &Deps) -> Result<Vec<questionnaire::Model>, ServiceError> {
    Ok(db::surveys::active_questionnaires(&deps.db).await?)
}

/// Staff add a questionnaire (`code|label` per line).
pub async fn add_questionnaire(deps: &Deps, ctx: &Ctx, name: &str, areas: &str) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?;
    authorize(actor, Action::ConfigureChecks, &Object::Jurisdiction { path: actor.jurisdiction_path.clone() })?;
    let name = name.trim();
    if name.chars().count() < 2 || name.chars().count() > 100 {
        return Err(ServiceError::field("name", "请填写问卷名称（2至100字）"));
    }
    let parsed = rule::parse_areas(areas).map_err(|m| ServiceError::field("areas", m))?;
    let text = parsed.iter().map(|(c, l)| format!("{c}|{l}")).collect::<Vec<_>>().join("\n");
    let tx = deps.db.begin().await?;
    let q = db::surveys::insert_questionnaire(&tx, name, &text, ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::SurveyQuestionnaire,
        "questionnaire",
        q.id,
        SUCCESS,
        json!({"name": name, "areas": parsed.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(q.id)
}

/// A survey as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewSurvey {
    pub title: String,
    pub township_id: Option<i64>,
    /// One community; none for the whole township.
    pub community_id: Option<i64>,
    pub period: String,
    pub questionnaire_id: Option<i64>,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

/// Staff (county-wide) or a township officer (their township) open a survey.
pub async fn open(deps: &Deps, ctx: &Ctx, new: NewSurvey) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::RunSurvey) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut errors = crate::domain::registry::FieldErrors::new();
    let title = new.title.trim().to_string();
    if title.chars().count() < 2 || title.chars().count() > 200 {
        errors.insert("title".into(), "请填写测评名称（2至200字）".into());
    }
    let period = new.period.trim().to_string();
    if period.is_empty() || period.chars().count() > 50 {
        errors.insert("period".into(), "请填写测评期间，如“2026年第四季度”".into());
    }
    let (township, community) = match new.community_id {
        Some(id) => {
            let (c, _) = community_in_reach(deps, ctx, id, Action::RunSurvey).await?;
            (Some(c.township_id), Some(c.id))
        }
        None => (
            new.township_id.filter(|t| tree.get(*t).is_some_and(|j| j.level == JurisdictionLevel::Township.as_str())),
            None,
        ),
    };
    let Some(township) = township else {
        errors.insert("township_id".into(), "请选择测评的乡镇或小区".into());
        return Err(ServiceError::Invalid(errors));
    };
    authorize(&actor, Action::RunSurvey, &Object::Jurisdiction { path: tree.path(township) })?;
    let q = match new.questionnaire_id {
        Some(id) => db::surveys::questionnaire(&deps.db, id).await?.filter(|q| q.active),
        None => None,
    };
    if q.is_none() {
        errors.insert("questionnaire_id".into(), "请选择问卷".into());
    }
    match (new.opens_on, new.closes_on) {
        (Some(a), Some(b)) if a <= b && b >= today(ctx.now) && (b - a).num_days() <= 180 => {}
        _ => {
            errors.insert("closes_on".into(), "请填写起止日期（截止不早于今天，最长180天）".into());
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let q = q.expect("checked");
    let tx = deps.db.begin().await?;
    let s = db::surveys::insert_survey(
        &tx,
        db::surveys::NewSurvey {
            title: title.clone(),
            township_id: township,
            community_id: community,
            period: period.clone(),
            questionnaire_id: q.id,
            areas: q.areas.clone(),
            standard_pct: deps.settings.satisfaction_standard_pct.min(100) as i32,
            opens_on: new.opens_on.expect("checked"),
            closes_on: new.closes_on.expect("checked"),
            created_by: actor.user_id,
        },
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::SurveyOpen,
        "survey",
        s.id,
        SUCCESS,
        json!({"title": title, "township_id": township, "community_id": community, "period": period,
               "opens_on": s.opens_on, "closes_on": s.closes_on, "standard_pct": s.standard_pct}),
    )
    .await?;
    tx.commit().await?;
    Ok(s.id)
}

/// The communities a survey covers: its community, or the township's managed communities.
async fn covered<C: ConnectionTrait>(db: &C, s: &survey::Model) -> Result<Vec<community::Model>, ServiceError> {
    Ok(match s.community_id {
        Some(id) => db::communities::community(db, id).await?.into_iter().collect(),
        None => db::communities::managed_communities_of_township(db, s.township_id).await?,
    })
}

fn areas_of(s: &survey::Model) -> Vec<(String, String)> {
    rule::parse_areas(&s.areas).unwrap_or_default()
}

/// Whether answers are taken on `day`.
pub fn is_open(s: &survey::Model, day: NaiveDate) -> bool {
    s.opens_on <= day && day <= s.closes_on
}

/// One community's results in one survey.
pub async fn results<C: ConnectionTrait>(
    db: &C,
    s: &survey::Model,
    community_id: i64,
) -> Result<Results, ServiceError> {
    let issued = db::surveys::count_units(db, s.id, community_id).await?;
    let answers: Vec<Answer> = db::surveys::answers(db, s.id, community_id)
        .await?
        .into_iter()
        .map(|a| Answer { overall: a.overall, scores: serde_json::from_str(&a.scores).unwrap_or_default() })
        .collect();
    Ok(Results::of(issued, &areas_of(s), &answers))
}

/// Results as shown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ResultView {
    pub survey_id: i64,
    pub title: String,
    pub period: String,
    pub closes_on: NaiveDate,
    pub community_id: i64,
    pub community: String,
    pub issued: u64,
    pub answered: u64,
    pub response_rate: String,
    pub satisfaction_rate: String,
    /// Per mille rounded half up (for the bar), 0 without answers.
    pub satisfaction_permille: u64,
    pub standard_pct: i32,
    pub below: bool,
    /// (area label, average score).
    pub areas: Vec<(String, String)>,
    pub overall_average: String,
    /// The community's satisfaction rate in the survey before this one (the trend), when any.
    pub previous: Option<(String, String)>,
    /// Rates and scores are shown only once the survey has closed and with enough answers
    /// (`domain::survey::MIN_ANSWERS`): live or small results would let someone who watches
    /// them, or who handed out the codes, read off one household's answer.
    pub shown: bool,
    pub closed: bool,
}

fn result_view(s: &survey::Model, c: &community::Model, r: &Results, today: NaiveDate) -> ResultView {
    let labels: HashMap<String, String> = areas_of(s).into_iter().collect();
    ResultView {
        survey_id: s.id,
        title: s.title.clone(),
        period: s.period.clone(),
        closes_on: s.closes_on,
        community_id: c.id,
        community: c.name.clone(),
        issued: r.issued,
        answered: r.answered,
        response_rate: r.response_rate(),
        satisfaction_rate: r.satisfaction_rate(),
        satisfaction_permille: r.satisfaction_permille().unwrap_or(0),
        standard_pct: s.standard_pct,
        below: r.enough() && r.below(s.standard_pct),
        areas: r
            .areas
            .iter()
            .map(|(code, sum, n)| (labels.get(code).cloned().unwrap_or_else(|| code.clone()), average(*sum, *n)))
            .collect(),
        overall_average: average(r.overall_sum, r.answered),
        previous: None,
        shown: s.closes_on < today && r.enough(),
        closed: s.closes_on < today,
    }
}

/// A survey in a list.
#[derive(Debug, Clone)]
pub struct SurveyRow {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub scope: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub open: bool,
}

/// The surveys the actor may see: staff and leaders all within reach, township officers their
/// township's, a committee those covering its community.
pub async fn list(deps: &Deps, ctx: &Ctx) -> Result<Vec<SurveyRow>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let today = today(ctx.now);
    let all = db::surveys::list_newest_first(&deps.db).await?;
    let own_community = match actor.scope {
        Scope::Community(id) => db::communities::community(&deps.db, id).await?,
        _ => None,
    };
    let mut out = Vec::new();
    for s in all {
        let visible = match (&actor.scope, &own_community) {
            (Scope::Community(_), Some(c)) => {
                s.community_id == Some(c.id) || (s.community_id.is_none() && s.township_id == c.township_id)
            }
            (Scope::Jurisdiction(_), _) => {
                (role_may(actor.role, Action::RunSurvey) || role_may(actor.role, Action::ReadCaseContent))
                    && authorize(actor, Action::ViewRegistry, &Object::Jurisdiction { path: tree.path(s.township_id) })
                        .is_ok()
            }
            _ => false,
        };
        if !visible {
            continue;
        }
        let scope = match s.community_id {
            Some(id) => db::communities::community(&deps.db, id).await?.map(|c| c.name).unwrap_or_default(),
            None => format!("{}（全镇）", tree.name(s.township_id)),
        };
        out.push(SurveyRow {
            id: s.id,
            title: s.title.clone(),
            period: s.period.clone(),
            scope,
            opens_on: s.opens_on,
            closes_on: s.closes_on,
            open: is_open(&s, today),
        });
    }
    Ok(out)
}

/// A survey with its communities' results, and which communities the actor hands codes out in.
#[derive(Debug, Clone)]
pub struct Detail {
    pub survey: survey::Model,
    pub open: bool,
    pub results: Vec<ResultView>,
    /// Communities the actor may register units in.
    pub issuable: Vec<(i64, String)>,
    pub areas: Vec<(String, String)>,
}

async fn load(deps: &Deps, id: i64) -> Result<survey::Model, ServiceError> {
    db::surveys::find(&deps.db, id).await?.ok_or(ServiceError::NotFound("满意度测评"))
}

/// One survey for those who run it (all its communities) or a committee (its own only).
pub async fn detail(deps: &Deps, ctx: &Ctx, id: i64) -> Result<Detail, ServiceError> {
    let actor = ctx.actor()?.clone();
    let s = load(deps, id).await?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut results = Vec::new();
    let mut issuable = Vec::new();
    let runs = authorize(&actor, Action::RunSurvey, &Object::Jurisdiction { path: tree.path(s.township_id) }).is_ok()
        || authorize(&actor, Action::ReadCaseContent, &Object::Jurisdiction { path: tree.path(s.township_id) }).is_ok();
    for c in covered(&deps.db, &s).await? {
        let object = Object::Community { id: c.id, company_id: c.company_id, path: tree.path(c.township_id) };
        let issues = authorize(&actor, Action::IssueSurveyCodes, &object).is_ok();
        if !runs && !issues {
            continue;
        }
        if issues {
            issuable.push((c.id, c.name.clone()));
        }
        let r = self::results(&deps.db, &s, c.id).await?;
        let mut view = result_view(&s, &c, &r, today(ctx.now));
        view.previous = previous(&deps.db, &s, &c).await?;
        results.push(view);
    }
    if !runs && results.is_empty() {
        return Err(ServiceError::Forbidden(Denied::OutOfScope));
    }
    Ok(Detail { open: is_open(&s, today(ctx.now)), areas: areas_of(&s), survey: s, results, issuable })
}

/// A community's result in the latest survey covering it that closed before `s` opened:
/// (period, satisfaction rate).
async fn previous<C: ConnectionTrait>(
    db: &C,
    s: &survey::Model,
    c: &community::Model,
) -> Result<Option<(String, String)>, ServiceError> {
    let before = db::surveys::covering_community_closed_before(db, c.id, c.township_id, s.opens_on).await?;
    for p in before {
        let r = results(db, &p, c.id).await?;
        if r.enough() {
            return Ok(Some((p.period, r.satisfaction_rate())));
        }
    }
    Ok(None)
}

/// The committee, the township or staff register units (one per line) of a covered community;
/// each gets a fresh single-use code. Units already registered are skipped. Returns how many
/// codes were made.
pub async fn add_units(deps: &Deps, ctx: &Ctx, id: i64, community_id: i64, units: &str) -> Result<usize, ServiceError> {
    let s = load(deps, id).await?;
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::IssueSurveyCodes).await?;
    if !covered(&deps.db, &s).await?.iter().any(|x| x.id == c.id) {
        return Err(ServiceError::field("community_id", "该小区不在本次测评范围内"));
    }
    if s.closes_on < today(ctx.now) {
        return Err(ServiceError::from(RuleCode::SurveyClosedForCodes));
    }
    let mut wanted: Vec<String> = Vec::new();
    for u in units.lines().map(str::trim).filter(|u| !u.is_empty()) {
        if u.chars().count() > 100 {
            return Err(ServiceError::field(
                "units",
                format!("“{}…”过长（每户不超过100字）", u.chars().take(10).collect::<String>()),
            ));
        }
        if !wanted.iter().any(|w| w == u) {
            wanted.push(u.to_string());
        }
    }
    if wanted.is_empty() || wanted.len() > 5000 {
        return Err(ServiceError::field("units", "请逐行填写房号（每次1至5000户）"));
    }
    let tx = deps.db.begin().await?;
    let existing: std::collections::HashSet<String> =
        db::surveys::unit_names(&tx, s.id, c.id).await?.into_iter().collect();
    let rows: Vec<db::surveys::NewUnit> = wanted
        .iter()
        .filter(|u| !existing.contains(*u))
        .map(|u| {
            let code = rule::new_code();
            db::surveys::NewUnit {
                unit: u.clone(),
                code_sealed: deps.cipher.seal(&code),
                code_index: deps.cipher.blind_index(&code),
            }
        })
        .collect();
    let n = rows.len();
    if let Some(total) = c.unit_count.filter(|t| *t > 0)
        && existing.len() + n > total as usize
    {
        return Err(ServiceError::field(
            "units",
            format!("登记户数（已登记{}户，本次{}户）超过小区总户数{}户，请核对房号", existing.len(), n, total),
        ));
    }
    db::surveys::insert_units(&tx, s.id, c.id, &rows, ctx.now)
        .await
        .map_err(ServiceError::unique_or(&["uq_survey_units_unit", "uq_survey_units_code"], || {
            ServiceError::from(RuleCode::SurveyUnitRace)
        }))?;
    record(&tx, ctx, AuditAction::SurveyIssueCodes, "survey", s.id, SUCCESS, json!({"community_id": c.id, "codes": n}))
        .await?;
    tx.commit().await?;
    Ok(n)
}

/// The printable code slips of a community: (unit, code), and how many were used. Reading them
/// is audited.
pub async fn codes(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    community_id: i64,
) -> Result<(survey::Model, community::Model, Vec<(String, String)>, usize), ServiceError> {
    let s = load(deps, id).await?;
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::IssueSurveyCodes).await?;
    let units = db::surveys::units(&deps.db, s.id, c.id).await?;
    // Which units answered is not shown, only how many: the sheet's holder could otherwise
    // match a unit's answering with the results.
    let used = units.iter().filter(|u| u.used).count();
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let code = deps.cipher.open(&u.code_sealed).map_err(|e| anyhow::anyhow!("opening a survey code: {e}"))?;
        out.push((u.unit, code));
    }
    let tx = deps.db.begin().await?;
    record(
        &tx,
        ctx,
        AuditAction::SurveyPrintCodes,
        "survey",
        s.id,
        SUCCESS,
        json!({"community_id": c.id, "codes": out.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok((s, c, out, used))
}

/// What an owner sees before answering.
#[derive(Debug, Clone)]
pub struct PublicSurvey {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub scope: String,
    pub closes_on: NaiveDate,
    pub open: bool,
    pub not_yet: bool,
    pub areas: Vec<(String, String)>,
}

/// The public answering page of a survey.
pub async fn public(deps: &Deps, id: i64, now: chrono::DateTime<chrono::Utc>) -> Result<PublicSurvey, ServiceError> {
    let s = load(deps, id).await?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let scope = match s.community_id {
        Some(c) => db::communities::community(&deps.db, c).await?.map(|c| c.name).unwrap_or_default(),
        None => format!("{}各小区", tree.name(s.township_id)),
    };
    let day = today(now);
    Ok(PublicSurvey {
        id: s.id,
        title: s.title.clone(),
        period: s.period.clone(),
        scope,
        closes_on: s.closes_on,
        open: is_open(&s, day),
        not_yet: day < s.opens_on,
        areas: areas_of(&s),
    })
}

/// An owner's answer: the unit's code, the overall rating and a rating per area (1–5).
pub async fn answer(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    code: &str,
    overall: Option<i32>,
    scores: &BTreeMap<String, i32>,
) -> Result<String, ServiceError> {
    let s = load(deps, id).await?;
    let day = today(ctx.now);
    if !is_open(&s, day) {
        return Err(ServiceError::from(RuleCode::SurveyNotOpen));
    }
    let mut errors = crate::domain::registry::FieldErrors::new();
    let areas = areas_of(&s);
    let valid = |v: &i32| (1..=5).contains(v);
    if !overall.as_ref().is_some_and(valid) {
        errors.insert("overall".into(), "请为总体满意度打分".into());
    }
    for (code, label) in &areas {
        if !scores.get(code).is_some_and(valid) {
            errors.insert(format!("area:{code}"), format!("请为“{label}”打分"));
        }
    }
    let code = rule::normalize_code(code);
    if code.is_none() {
        errors.insert("code".into(), "请填写测评码（8位字母数字，见业委会或社区发放的测评码）".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let index = deps.cipher.blind_index(&code.expect("checked"));
    let tx = deps.db.begin().await?;
    let unit = db::surveys::unit_by_code_index(&tx, s.id, &index)
        .await?
        .ok_or_else(|| ServiceError::field("code", "测评码不正确，请核对后重新填写"))?;
    // Single use: only the first answer flips the flag. Nothing else of the row changes (no time
    // of use is kept), and the answer below names neither the unit nor the code.
    if !db::surveys::mark_unit_used_if_unused(&tx, unit.id).await? {
        return Err(ServiceError::field("code", "该测评码已使用，每户只能提交一次"));
    }
    let kept: BTreeMap<&String, i32> = areas.iter().map(|(c, _)| (c, scores[c])).collect();
    // The answer keeps only its day (its timestamps are that day's midnight): its instant could
    // be matched with other traces.
    db::surveys::insert_answer(
        &tx,
        db::surveys::NewAnswer {
            survey_id: s.id,
            community_id: unit.community_id,
            overall: overall.expect("checked"),
            scores: serde_json::to_string(&kept).expect("serializes"),
            answered_on: day,
        },
    )
    .await?;
    // The audit entry names the survey and the community only: not the signed-in account, if
    // any, nor the network address or the request (which the server's log pairs with an
    // address).
    let anonymous = Ctx {
        actor: None,
        actor_name: "业主（匿名）".into(),
        client_addr: String::new(),
        request_id: String::new(),
        ..ctx.clone()
    };
    record(
        &tx,
        &anonymous,
        AuditAction::SurveyAnswer,
        "survey",
        s.id,
        SUCCESS,
        json!({"community_id": unit.community_id}),
    )
    .await?;
    tx.commit().await?;
    let name = db::communities::community(&deps.db, unit.community_id).await?.map(|c| c.name).unwrap_or_default();
    Ok(name)
}

/// A community's results over the surveys that have closed, newest first (the trend), and the
/// surveys now taking answers there: for its public page.
pub async fn for_community(
    deps: &Deps,
    community_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Vec<ResultView>, Vec<(i64, String)>), ServiceError> {
    let c = db::communities::community(&deps.db, community_id).await?.ok_or(ServiceError::NotFound("小区"))?;
    let day = today(now);
    let surveys = db::surveys::covering_community(&deps.db, c.id, c.township_id).await?;
    let mut closed = Vec::new();
    let mut open = Vec::new();
    for s in surveys {
        if is_open(&s, day) {
            open.push((s.id, s.title.clone()));
        } else if s.closes_on < day {
            let r = results(&deps.db, &s, c.id).await?;
            if r.issued > 0 {
                closed.push(result_view(&s, &c, &r, day));
            }
        }
    }
    Ok((closed, open))
}

/// Surveys that closed within the last `days` days (the system's A1.5 check).
pub async fn recently_closed<C: ConnectionTrait>(
    db: &C,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<(survey::Model, Vec<community::Model>)>, ServiceError> {
    let mut out = Vec::new();
    for s in db::surveys::closed_between(db, today - chrono::Duration::days(days), today).await? {
        let cs = covered(db, &s).await?;
        out.push((s, cs));
    }
    Ok(out)
}

/// The opening form's choices: for those who run surveys in a jurisdiction, the townships within
/// it (and their own township) with their communities by name; nothing for anyone else.
pub async fn places(deps: &Deps, ctx: &Ctx) -> Result<Places, ServiceError> {
    let actor = ctx.actor()?;
    let within = match actor.scope {
        Scope::Jurisdiction(j) if role_may(actor.role, Action::RunSurvey) => j,
        _ => return Ok(Places::default()),
    };
    let tree = JurisdictionTree::load(&deps.db).await?;
    // A township officer's own township is within its scope: `of_level` lists it once.
    let townships: Vec<(i64, String)> =
        tree.of_level(JurisdictionLevel::Township, Some(within)).into_iter().map(|t| (t.id, t.name.clone())).collect();
    let mut communities = Vec::new();
    for (township, _) in &townships {
        for c in db::communities::communities_of_township_by_name(&deps.db, *township).await? {
            communities.push((c.id, c.name));
        }
    }
    Ok(Places { townships, communities })
}

/// Where a survey may be opened: townships and communities as (id, name), in the form's order.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub townships: Vec<(i64, String)>,
    pub communities: Vec<(i64, String)>,
}
