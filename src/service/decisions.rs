//! Owners' joint decisions (业主共同决定, 民法典第278条): convening, one-time voting codes,
//! electronic and paper ballots, live participation, the count with its four comparisons, the
//! objection period and the final result with its announcement (公告).
//!
//! - Convened by the community's owners' committee, or by the township where the community has no
//!   committee on the platform; the bureau reads and guides, never convenes. Refused while a unit
//!   of the roster has no area or no owner (the denominators would be uncertain).
//! - One code per exclusive unit (never one per co-owner), sent by SMS to a phone of the roster or
//!   printed on a slip the committee hands over against a signature; the owner signs in with it
//!   and a second factor from the roster (the last four characters of an ID number, else of a
//!   phone). The company never handles codes: it has no action here at all.
//! - A ballot is an owner's (第9条: the holder of one or several units, co-owners once, the
//!   developer once for all its units). It covers the holder's units with their area at that
//!   moment; one vote per unit across channels, the first recorded stands (unique indexes, so
//!   concurrent ballots cannot both land). A second is refused with a message, and the refusal
//!   is audited too.
//! - Secrecy while voting: the choices are sealed (SM4-GCM) in the database; until the count,
//!   readers see who took part (participation by building), never how. After the count the
//!   ballots are attributable to the convenor and the bureau (each reading audited) and, during
//!   the objection period, to the community's owners signed in with their code. The public and
//!   the company see totals only.
//! - The count is `domain::decision::decide`, exact integers; deemed votes only where the
//!   community's registered rules say so, shown apart.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{FAILURE, SUCCESS, record};
use super::rule_code::RuleCode;
use super::scope::{JurisdictionTree, community_in_reach, community_object};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{community, decision, decision_ballot, decision_matter, roster_owner, roster_unit};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, authorize};
use crate::domain::complaint::mask_name;
use crate::domain::decision::{
    Choice, Comparison, DecisionStatus, Matter, MatterResult, Periods, Phase, Tally, Weight, check_extension,
    check_schedule, choices_for, decide, deem, phase, second_factor_matches,
};
use crate::domain::registry::FieldErrors;
use crate::domain::role::Role;
use crate::domain::roster::{CountedUnit, Holder, RosterTotals, area_in_force, format_area, totals, unit_label};
use crate::domain::survey::{new_code, normalize_code};

/// The county's periods, from the settings.
pub fn periods(deps: &Deps) -> Periods {
    let s = &deps.settings;
    Periods {
        notice_days: s.decision_notice_days,
        interim_notice_days: s.decision_interim_notice_days,
        min_voting_days: s.decision_min_voting_days,
        max_voting_days: s.decision_max_voting_days,
    }
}

fn status_of(d: &decision::Model) -> DecisionStatus {
    DecisionStatus::parse(&d.status).unwrap_or(DecisionStatus::Convened)
}

fn phase_of(d: &decision::Model, today: NaiveDate) -> Phase {
    phase(status_of(d), today, d.voting_starts_on, d.voting_ends_on, d.objection_ends_on)
}

fn convenor_label(role: &str) -> &'static str {
    if role == "township" { "乡镇（街道）" } else { "业主委员会" }
}

/// Tells accounts about a step of a vote (their inbox, and SMS where the kind is texted).
async fn tell<C: sea_orm::ConnectionTrait>(
    tx: &C,
    users: Vec<i64>,
    kind: &str,
    title: String,
    body: String,
    key: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    let rows = users
        .into_iter()
        .map(|u| super::notifications::to_user(u, kind, title.clone(), body.clone(), None, format!("{key}:{u}"), now))
        .collect();
    db::notifications::notify(tx, rows).await?;
    Ok(())
}

fn refuse(message: impl Into<String>) -> ServiceError {
    RuleCode::Decision(message.into()).into()
}

/// The 第9条 holder as one stable key (the unique key of an owner's ballot in a vote).
fn holder_key(h: &Holder) -> String {
    match h {
        Holder::Developer => crate::crypto::sm3_hex(b"developer"),
        Holder::Owners(keys) => crate::crypto::sm3_hex(keys.iter().cloned().collect::<Vec<_>>().join(",").as_bytes()),
    }
}

fn holder_of(u: &roster_unit::Model, owners: &[roster_owner::Model]) -> Holder {
    super::roster::holder_of(u, owners)
}

fn area_of(u: &roster_unit::Model) -> Option<i64> {
    area_in_force(u.register_area_centi, u.surveyed_area_centi, u.contract_area_centi).map(|(a, _)| a)
}

/// The roster as counted: the units with an area and their holders, and the totals.
struct Counted {
    units: Vec<(roster_unit::Model, Vec<roster_owner::Model>)>,
    totals: RosterTotals,
}

async fn counted_roster(deps: &Deps, community_id: i64) -> Result<Counted, ServiceError> {
    let units = super::roster::load(deps, community_id).await?;
    let counted: Vec<CountedUnit> = units
        .iter()
        .filter_map(|(u, o)| area_of(u).map(|a| CountedUnit { unit_id: u.id, area_centi: a, holder: holder_of(u, o) }))
        .collect();
    let totals = totals(&counted);
    Ok(Counted { units, totals })
}

/// A vote and its community, for an actor allowed `action` there.
async fn load_for(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<(decision::Model, community::Model, JurisdictionTree), ServiceError> {
    let d = db::decisions::decision(&deps.db, id).await?.ok_or(ServiceError::NotFound("表决"))?;
    let (c, tree) = community_in_reach(deps, ctx, d.community_id, action).await?;
    Ok((d, c, tree))
}

fn is_convenor(ctx: &Ctx, d: &decision::Model) -> bool {
    ctx.actor.as_ref().is_some_and(|a| match d.convenor_role.as_str() {
        "township" => a.role == Role::TownshipOfficer,
        _ => a.role == Role::CommitteeMember,
    })
}

/// A vote for its convenor's side (the committee, or the township where it convened).
async fn for_convenor(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(decision::Model, community::Model), ServiceError> {
    let (d, c, _) = load_for(deps, ctx, id, Action::RunDecision).await?;
    if !is_convenor(ctx, &d) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    Ok((d, c))
}

// ------------------------------------------------------------------ convening

/// A matter as the form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MatterInput {
    /// The 第278条 item, `1`…`9`.
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// A vote to convene.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConveneInput {
    pub community_id: i64,
    #[serde(default)]
    pub title: String,
    /// An interim meeting (临时会议): the shorter notice period.
    #[serde(default)]
    pub interim: bool,
    pub voting_starts_on: Option<NaiveDate>,
    pub voting_ends_on: Option<NaiveDate>,
    /// Apply the community's registered deeming clause (only where one is registered).
    #[serde(default)]
    pub deem: bool,
    #[serde(default)]
    pub matters: Vec<MatterInput>,
}

/// An uploaded attachment: its name and bytes.
pub type Upload = (String, Vec<u8>);

/// Convenes a vote. Returns its id.
pub async fn convene(deps: &Deps, ctx: &Ctx, input: ConveneInput, files: Vec<Upload>) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (c, _) = community_in_reach(deps, ctx, input.community_id, Action::ConveneDecision).await?;
    let convenor_role = match actor.role {
        Role::CommitteeMember => "committee",
        _ => {
            if !db::accounts::users_of_community(&deps.db, c.id).await?.is_empty() {
                return Err(refuse("该小区已有业主委员会，应由业主委员会召集；乡镇（街道）可以指导、协助"));
            }
            "township"
        }
    };
    let mut errors = FieldErrors::new();
    let title = input.title.trim().to_string();
    if !(4..=200).contains(&title.chars().count()) {
        errors.insert("title".into(), "请填写表决的名称（4至200字）".into());
    }
    if input.matters.is_empty() || input.matters.len() > 20 {
        errors.insert("matters".into(), "请填写1至20项表决事项".into());
    }
    let mut matters = Vec::new();
    for (i, m) in input.matters.iter().enumerate() {
        let n = i + 1;
        let Some(item) = Matter::parse(m.item.trim()) else {
            errors.insert(format!("matters[{i}].item"), format!("请为第{n}项事项选择民法典第二百七十八条所列事项"));
            continue;
        };
        let t = m.title.trim().to_string();
        if !(2..=200).contains(&t.chars().count()) {
            errors.insert(format!("matters[{i}].title"), format!("请填写第{n}项事项的名称（2至200字）"));
        }
        let body = m.body.trim().to_string();
        if body.chars().count() > 5000 {
            errors.insert(format!("matters[{i}].body"), format!("第{n}项事项的说明不超过5000字"));
        }
        matters.push(db::decisions::NewMatter { item: item.as_str().into(), title: t, body });
    }
    let notice_on = today(ctx.now);
    match (input.voting_starts_on, input.voting_ends_on) {
        (Some(s), Some(e)) => {
            if let Err((field, m)) = check_schedule(periods(deps), input.interim, notice_on, s, e) {
                errors.insert(field.into(), m);
            }
        }
        (s, e) => {
            if s.is_none() {
                errors.insert("voting_starts_on".into(), "请填写投票开始日期".into());
            }
            if e.is_none() {
                errors.insert("voting_ends_on".into(), "请填写投票截止日期".into());
            }
        }
    }
    let deem_clause = if input.deem {
        if c.deem_clause.trim().is_empty() {
            errors.insert("deem".into(), "该小区的议事规则未登记“未参与表决的计入已表决的多数票”条款，不能适用".into());
        }
        c.deem_clause.trim().to_string()
    } else {
        String::new()
    };
    if files.len() > 10 {
        errors.insert("files".into(), "附件不超过10个".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    // The denominators must be certain before anyone votes.
    let roster = counted_roster(deps, c.id).await?;
    if roster.units.is_empty() {
        return Err(refuse("该小区的业主名册还没有登记房屋，请先完善业主名册"));
    }
    let lacking: Vec<String> = roster
        .units
        .iter()
        .filter(|(u, o)| area_of(u).is_none() || (!u.developer_held && o.is_empty()))
        .map(|(u, _)| unit_label(&u.building, &u.unit, &u.room))
        .collect();
    if !lacking.is_empty() {
        let shown: Vec<&str> = lacking.iter().take(10).map(String::as_str).collect();
        return Err(refuse(format!(
            "业主名册中有{}户未登记面积或业主（{}{}），总面积和总人数不确定，请先完善业主名册",
            lacking.len(),
            shown.join("、"),
            if lacking.len() > 10 { "等" } else { "" }
        )));
    }
    let mut prepared = Vec::new();
    for (name, bytes) in files {
        prepared.push(super::documents::prepare("files", &name, bytes)?);
    }
    let tx = deps.db.begin().await?;
    let mut stored = Vec::new();
    for p in prepared {
        let s = super::documents::store(&tx, p, ctx.now).await?;
        let media = if s.kind == "pdf" { super::blobs::PDF } else { super::blobs::JPEG };
        stored.push((s.name, s.digest, media.to_string()));
    }
    let (starts, ends) = (input.voting_starts_on.expect("checked"), input.voting_ends_on.expect("checked"));
    let d = db::decisions::insert(
        &tx,
        db::decisions::NewDecision {
            community_id: c.id,
            township_id: c.township_id,
            title: title.clone(),
            convenor_role,
            convened_by: actor.user_id,
            interim: input.interim,
            notice_on,
            voting_starts_on: starts,
            voting_ends_on: ends,
            objection_days: deps.settings.decision_objection_days.min(60) as i32,
            deem_clause: deem_clause.clone(),
        },
        matters.clone(),
        stored,
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::DecisionConvene,
        "decision",
        d.id,
        SUCCESS,
        json!({
            "community_id": c.id,
            "title": title,
            "matters": matters.iter().map(|m| &m.item).collect::<Vec<_>>(),
            "voting": [starts, ends],
            "interim": input.interim,
            "deem_clause": deem_clause,
            "units": roster.totals.units,
            "area_centi": roster.totals.area_centi,
            "owners": roster.totals.owners,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(d.id)
}

/// Registers (or clears) the clause of the community's rules that deems non-voters to follow the
/// majority. Kept by those who keep the roster.
pub async fn register_deem_clause(deps: &Deps, ctx: &Ctx, community_id: i64, clause: &str) -> Result<(), ServiceError> {
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::EditRoster).await?;
    let clause = clause.trim().to_string();
    if clause.chars().count() > 500 {
        return Err(ServiceError::field("deem_clause", "条款不超过500字"));
    }
    if !clause.is_empty() && clause.chars().count() < 6 {
        return Err(ServiceError::field("deem_clause", "请写明议事规则的条款序号和原文"));
    }
    let tx = deps.db.begin().await?;
    db::communities::set_deem_clause(&tx, c.id, clause.clone(), ctx.now).await?;
    record(&tx, ctx, AuditAction::RosterDeemClause, "community", c.id, SUCCESS, json!({"clause": clause})).await?;
    tx.commit().await?;
    Ok(())
}

/// Calls off a vote in which nobody has voted yet.
pub async fn cancel(deps: &Deps, ctx: &Ctx, id: i64, reason: &str) -> Result<(), ServiceError> {
    let (d, _) = for_convenor(deps, ctx, id).await?;
    let reason = reason.trim().to_string();
    if !(2..=500).contains(&reason.chars().count()) {
        return Err(ServiceError::field("reason", "请写明撤销的理由（2至500字）"));
    }
    if status_of(&d) != DecisionStatus::Convened {
        return Err(refuse("已计票的表决不能撤销"));
    }
    let tx = deps.db.begin().await?;
    if !db::decisions::ballots(&tx, id).await?.is_empty() {
        return Err(refuse("已有业主投票，不能撤销"));
    }
    if !db::decisions::set_status_if(&tx, id, DecisionStatus::Convened, DecisionStatus::Cancelled, ctx.now).await? {
        return Err(RuleCode::DecisionChangedMeanwhile.into());
    }
    record(&tx, ctx, AuditAction::DecisionCancel, "decision", id, SUCCESS, json!({"reason": reason})).await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ codes

/// What issuing codes did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CodesReport {
    /// Codes made now.
    pub made: usize,
    /// Of them, sent by SMS to a phone on the roster.
    pub by_sms: usize,
    /// Of them, to print on slips and hand over against a signature.
    pub slips: usize,
    /// Units given no code: the roster holds no ID number or phone for their owners (the
    /// developer's units, for one), so they vote on paper.
    pub paper_only: usize,
}

/// Makes one code for every unit of the roster that has none yet. With `sms`, a unit whose
/// owners have a phone on the roster gets its code by text message (to the first such phone);
/// the others get a printed slip.
pub async fn issue_codes(deps: &Deps, ctx: &Ctx, id: i64, sms: bool) -> Result<CodesReport, ServiceError> {
    let (d, c) = for_convenor(deps, ctx, id).await?;
    if !matches!(phase_of(&d, today(ctx.now)), Phase::Notice | Phase::Voting) {
        return Err(refuse("投票已结束，不能再发放表决码"));
    }
    let roster = counted_roster(deps, c.id).await?;
    let have: BTreeSet<i64> = db::decisions::codes(&deps.db, id).await?.iter().map(|k| k.roster_unit_id).collect();
    let mut codes = Vec::new();
    let mut messages = Vec::new();
    let mut report = CodesReport::default();
    for (u, owners) in &roster.units {
        if have.contains(&u.id) || area_of(u).is_none() {
            continue;
        }
        // Without an ID number or a phone on the roster nobody could sign in with the code (the
        // developer's units among them): those owners vote on paper.
        if owners.iter().all(|o| o.id_number_sealed.is_none() && o.phone_sealed.is_none()) {
            report.paper_only += 1;
            continue;
        }
        let code = new_code();
        let mut phone = None;
        if sms {
            for o in owners {
                if let Some(p) = &o.phone_sealed {
                    let p = deps.cipher.open(p)?;
                    if !p.trim().is_empty() {
                        phone = Some(p);
                        break;
                    }
                }
            }
        }
        let channel = if phone.is_some() { "sms" } else { "slip" };
        if let Some(p) = phone {
            report.by_sms += 1;
            // The second factor `sign_in` will ask of this unit: an ID number's, else a phone's.
            let mut factor = "手机号后4位";
            for o in owners {
                if let Some(s) = &o.id_number_sealed
                    && deps.cipher.open(s)?.trim().chars().count() >= 4
                {
                    factor = "身份证号后4位";
                }
            }
            messages.push(db::mail::NewMessage {
                dedupe_key: format!("decision_code:{id}:{}", u.id),
                channel: "sms",
                kind: "decision_code".into(),
                recipient_sealed: deps.cipher.seal(&p),
                subject: String::new(),
                body: format!(
                    "【{}】{}业主共同决定“{}”表决码：{code}（{}），投票期 {} 至 {}。请访问 {}/vote 输入表决码和{factor}投票。请勿将表决码告诉他人。",
                    c.name,
                    c.name,
                    d.title,
                    unit_label(&u.building, &u.unit, &u.room),
                    d.voting_starts_on,
                    d.voting_ends_on,
                    deps.settings.public_url.trim_end_matches('/'),
                ),
                in_reply_to: None,
                complaint_id: None,
                at: ctx.now,
            });
        } else {
            report.slips += 1;
        }
        codes.push(db::decisions::NewCode {
            decision_id: id,
            roster_unit_id: u.id,
            code_index: deps.cipher.blind_index(&code),
            code_sealed: deps.cipher.seal(&code),
            channel,
        });
    }
    report.made = codes.len();
    let tx = deps.db.begin().await?;
    db::decisions::insert_codes(&tx, codes, ctx.now)
        .await
        .map_err(ServiceError::unique_or(&["uq_decision_codes_unit", "uq_decision_codes_index"], || {
            RuleCode::DecisionChangedMeanwhile.into()
        }))?;
    db::mail::enqueue(&tx, messages).await?;
    record(
        &tx,
        ctx,
        AuditAction::DecisionIssueCodes,
        "decision",
        id,
        SUCCESS,
        json!({"made": report.made, "by_sms": report.by_sms, "slips": report.slips, "paper_only": report.paper_only}),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// A printed slip.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlipView {
    pub unit_id: i64,
    pub unit: String,
    pub code: String,
    pub handed_over: bool,
    pub used: bool,
}

/// The slips of a vote to print (codes not sent by SMS). Reading them is audited.
pub async fn slips(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(String, String, Vec<SlipView>), ServiceError> {
    let (d, c) = for_convenor(deps, ctx, id).await?;
    let units: HashMap<i64, roster_unit::Model> =
        db::roster::units(&deps.read, c.id).await?.into_iter().map(|u| (u.id, u)).collect();
    let mut out = Vec::new();
    for k in db::decisions::codes(&deps.db, id).await? {
        if k.channel != "slip" {
            continue;
        }
        let unit = units.get(&k.roster_unit_id).map(|u| unit_label(&u.building, &u.unit, &u.room)).unwrap_or_default();
        out.push(SlipView {
            unit_id: k.roster_unit_id,
            unit,
            code: deps.cipher.open(&k.code_sealed)?,
            handed_over: k.handed_over_at.is_some(),
            used: k.used_at.is_some(),
        });
    }
    out.sort_by_cached_key(|s| crate::domain::roster::natural_key(&s.unit));
    let tx = deps.db.begin().await?;
    record(&tx, ctx, AuditAction::DecisionPrintCodes, "decision", id, SUCCESS, json!({"slips": out.len()})).await?;
    tx.commit().await?;
    Ok((c.name, d.title, out))
}

/// Records that a unit's slip was handed over against the owner's signature.
pub async fn hand_over(deps: &Deps, ctx: &Ctx, id: i64, unit_id: i64) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let _ = for_convenor(deps, ctx, id).await?;
    let tx = deps.db.begin().await?;
    if !db::decisions::hand_over_if_not(&tx, id, unit_id, actor.user_id, ctx.now).await? {
        return Err(refuse("该房屋没有待签收的表决码，或已签收"));
    }
    record(&tx, ctx, AuditAction::DecisionHandOver, "decision", id, SUCCESS, json!({"unit_id": unit_id})).await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ ballots

/// An owner signing in to vote: the code and the second factor.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VoterLogin {
    #[serde(default)]
    pub code: String,
    /// The last four characters of an owner's ID number on the roster (or of a phone where the
    /// roster holds no ID number for the unit).
    #[serde(default)]
    pub factor: String,
}

struct Voter {
    code: db::entities::decision_code::Model,
    decision: decision::Model,
    unit: roster_unit::Model,
    owners: Vec<roster_owner::Model>,
}

async fn sign_in(deps: &Deps, login: &VoterLogin) -> Result<Voter, ServiceError> {
    let code = normalize_code(&login.code)
        .ok_or_else(|| ServiceError::field("code", "请填写表决码（8位字母数字，见短信或业委会发放的表决码）"))?;
    let wrong = || ServiceError::field("code", "表决码或身份证号后4位不正确，请核对后重新填写");
    let k = db::decisions::code_by_index(&deps.read, &deps.cipher.blind_index(&code)).await?.ok_or_else(wrong)?;
    let d = db::decisions::decision(&deps.read, k.decision_id).await?.ok_or_else(wrong)?;
    let unit = db::roster::unit(&deps.read, k.roster_unit_id).await?.ok_or_else(wrong)?;
    let owners = db::roster::owners_of_unit(&deps.read, unit.id).await?;
    let mut ids = Vec::new();
    let mut phones = Vec::new();
    for o in &owners {
        if let Some(s) = &o.id_number_sealed {
            ids.push(deps.cipher.open(s)?);
        }
        if let Some(s) = &o.phone_sealed {
            phones.push(deps.cipher.open(s)?);
        }
    }
    if !second_factor_matches(&login.factor, &ids, &phones) {
        return Err(wrong());
    }
    Ok(Voter { code: k, decision: d, unit, owners })
}

/// The units one holder's ballot covers now: the holder's units with an area that no ballot of
/// this vote covers yet (a unit sold after its former owner voted stays with that ballot).
async fn holder_units(
    deps: &Deps,
    d: &decision::Model,
    unit: &roster_unit::Model,
    owners: &[roster_owner::Model],
) -> Result<(Holder, Vec<(roster_unit::Model, i64)>), ServiceError> {
    let holder = holder_of(unit, owners);
    let candidates: Vec<roster_unit::Model> = match &holder {
        Holder::Developer => db::roster::developer_units(&deps.read, d.community_id).await?,
        Holder::Owners(keys) if keys.is_empty() => vec![unit.clone()],
        Holder::Owners(keys) => {
            db::roster::units_of_holders(&deps.read, d.community_id, keys.iter().cloned().collect())
                .await?
                .into_iter()
                .filter(|(u, o)| holder_of(u, o) == holder)
                .map(|(u, _)| u)
                .collect()
        }
    };
    let mut out = Vec::new();
    for u in candidates {
        let Some(area) = area_of(&u) else { continue };
        if u.id != unit.id && db::decisions::ballot_of_unit(&deps.read, d.id, u.id).await?.is_some() {
            continue;
        }
        out.push((u, area));
    }
    Ok((holder, out))
}

fn seal_choices(deps: &Deps, matters: &[decision_matter::Model], choices: &[Choice]) -> String {
    let map: BTreeMap<String, &str> =
        matters.iter().zip(choices).map(|(m, c)| (m.id.to_string(), c.as_str())).collect();
    deps.cipher.seal(&serde_json::to_string(&map).unwrap_or_default())
}

fn open_choices(deps: &Deps, sealed: &str) -> Result<HashMap<i64, Choice>, ServiceError> {
    let map: BTreeMap<String, String> = serde_json::from_str(&deps.cipher.open(sealed)?)
        .map_err(|e| anyhow::anyhow!("a ballot's choices do not parse: {e}"))?;
    Ok(map.into_iter().filter_map(|(k, v)| Some((k.parse().ok()?, Choice::parse(&v)?))).collect())
}

/// A cast ballot's receipt: the owner keeps it; it is the start of the SM3 digest of the sealed
/// ballot, so the convenor can show the ballot it belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub receipt: String,
    /// The units the ballot covers.
    pub units: Vec<String>,
    /// Their area, m².
    pub area: String,
}

fn receipt_of(sealed: &str) -> String {
    let h = crate::crypto::sm3_hex(sealed.as_bytes()).to_uppercase();
    format!("{}-{}-{}", &h[0..4], &h[4..8], &h[8..12])
}

struct BallotDraft<'a> {
    d: &'a decision::Model,
    matters: &'a [decision_matter::Model],
    unit: &'a roster_unit::Model,
    owners: &'a [roster_owner::Model],
    choices: Vec<Choice>,
    channel: &'static str,
    photo: Option<super::documents::Prepared>,
    voter_name: Option<String>,
    code_id: Option<i64>,
}

/// Records a ballot (either channel) in one transaction; a second vote of the unit or owner is
/// refused and the refusal audited.
async fn record_ballot(deps: &Deps, ctx: &Ctx, b: BallotDraft<'_>) -> Result<Receipt, ServiceError> {
    // Reads from the readers (on SQLite the one writer is kept for the transaction below); the
    // unique indexes and the code's compare-and-set decide, whatever a read saw.
    let matters = b.matters;
    let (holder, units) = holder_units(deps, b.d, b.unit, b.owners).await?;
    let label = unit_label(&b.unit.building, &b.unit.unit, &b.unit.room);
    if !units.iter().any(|(u, _)| u.id == b.unit.id) {
        return Err(refuse(format!("{label}未登记面积，不能表决")));
    }
    let sealed = seal_choices(deps, matters, &b.choices);
    let receipt = Receipt {
        receipt: receipt_of(&sealed),
        units: units.iter().map(|(u, _)| unit_label(&u.building, &u.unit, &u.room)).collect(),
        area: format_area(units.iter().map(|(_, a)| a).sum()),
    };
    let action = if b.channel == "paper" { AuditAction::DecisionPaperBallot } else { AuditAction::DecisionBallot };
    // On SQLite (one writer) an electronic ballot goes to the ballot box, which commits the
    // ballots waiting together; PostgreSQL writes them in parallel transactions (bench/vote.rs:
    // a single group writer there halved the throughput).
    let sqlite = deps.db.get_database_backend() == sea_orm::DbBackend::Sqlite;
    if let (true, Some(code_id), None) = (sqlite, b.code_id, &b.photo) {
        let summary =
            json!({"unit_id": b.unit.id, "units": units.len(), "channel": b.channel, "receipt": receipt.receipt});
        let job = super::ballot_box::Job {
            ballot: db::decisions::NewBallot {
                decision_id: b.d.id,
                holder_key: holder_key(&holder),
                roster_unit_id: b.unit.id,
                channel: b.channel,
                choices_sealed: sealed.clone(),
                building: b.unit.building.clone(),
                photo_digest: None,
                voter_name_sealed: None,
                entered_by: ctx.actor.as_ref().map(|a| a.user_id),
                units: units.iter().map(|(u, a)| (u.id, *a)).collect(),
            },
            code_id,
            label: label.clone(),
            audit: super::audit::entry(ctx, action, "decision", b.d.id, SUCCESS, summary)?,
            refused: super::audit::entry(
                ctx,
                AuditAction::DecisionBallotRefused,
                "decision",
                b.d.id,
                FAILURE,
                json!({"unit_id": b.unit.id, "channel": b.channel}),
            )?,
            at: ctx.now,
        };
        return deps.ballots.cast(job).await.map(|()| receipt);
    }
    let result: Result<(), ServiceError> = async {
        let tx = deps.db.begin().await?;
        let photo = match b.photo {
            Some(p) => Some(super::documents::store(&tx, p, ctx.now).await?.digest),
            None => None,
        };
        let ballot = db::decisions::insert_ballot(
            &tx,
            db::decisions::NewBallot {
                decision_id: b.d.id,
                holder_key: holder_key(&holder),
                roster_unit_id: b.unit.id,
                channel: b.channel,
                choices_sealed: sealed.clone(),
                building: b.unit.building.clone(),
                photo_digest: photo,
                voter_name_sealed: b.voter_name.as_deref().map(|n| deps.cipher.seal(n)),
                entered_by: ctx.actor.as_ref().map(|a| a.user_id),
                units: units.iter().map(|(u, a)| (u.id, *a)).collect(),
            },
            ctx.now,
        )
        .await
        .map_err(|e| {
            if db::violates(&e, "uq_decision_ballots_holder") {
                ServiceError::from(RuleCode::AlreadyVoted(format!("{label}的业主（含其名下其他房屋）")))
            } else if db::violates(&e, "uq_decision_ballot_units_unit") {
                ServiceError::from(RuleCode::AlreadyVoted(label.clone()))
            } else {
                e.into()
            }
        })?;
        if let Some(code_id) = b.code_id
            && !db::decisions::use_code_if_unused(&tx, code_id, ctx.now).await?
        {
            return Err(RuleCode::AlreadyVoted("该表决码".into()).into());
        }
        // No choice in the audit trail: only who, which units, which channel.
        record(
            &tx,
            ctx,
            action,
            "decision",
            b.d.id,
            SUCCESS,
            json!({"ballot_id": ballot.id, "unit_id": b.unit.id, "units": units.len(), "channel": b.channel, "receipt": receipt.receipt}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    if let Err(ServiceError::Conflict(RuleCode::AlreadyVoted(_))) = &result {
        let tx = deps.db.begin().await?;
        record(
            &tx,
            ctx,
            AuditAction::DecisionBallotRefused,
            "decision",
            b.d.id,
            FAILURE,
            json!({"unit_id": b.unit.id, "channel": b.channel}),
        )
        .await?;
        tx.commit().await?;
    }
    result.map(|_| receipt)
}

fn choices_from(matters: &[decision_matter::Model], given: &HashMap<i64, String>) -> Result<Vec<Choice>, ServiceError> {
    choices_for(matters.len(), |i| given.get(&matters[i].id).map(String::as_str))
        .map_err(|n| ServiceError::field("choices", format!("请对第{n}项表决事项选择同意、反对或弃权")))
}

/// An owner casts a ballot with a code: one choice per matter (matter id → `yes`/`no`/`abstain`).
/// Final once cast.
pub async fn cast(
    deps: &Deps,
    ctx: &Ctx,
    login: &VoterLogin,
    choices: &HashMap<i64, String>,
) -> Result<Receipt, ServiceError> {
    let v = sign_in(deps, login).await?;
    if phase_of(&v.decision, today(ctx.now)) != Phase::Voting {
        return Err(refuse(format!(
            "不在投票时间内：投票期为 {} 至 {}",
            v.decision.voting_starts_on, v.decision.voting_ends_on
        )));
    }
    let matters = db::decisions::matters(&deps.read, v.decision.id).await?;
    let choices = choices_from(&matters, choices)?;
    let ctx = Ctx {
        actor_name: format!("业主（{}）", unit_label(&v.unit.building, &v.unit.unit, &v.unit.room)),
        ..ctx.clone()
    };
    record_ballot(
        deps,
        &ctx,
        BallotDraft {
            d: &v.decision,
            matters: &matters,
            unit: &v.unit,
            owners: &v.owners,
            choices,
            channel: "online",
            photo: None,
            voter_name: None,
            code_id: Some(v.code.id),
        },
    )
    .await
}

/// A paper ballot as the convenor enters it.
#[derive(Debug, Clone, Default)]
pub struct PaperBallot {
    pub unit_id: i64,
    /// The owner who signed the ballot.
    pub voter_name: String,
    /// Matter id → `yes`/`no`/`abstain`.
    pub choices: HashMap<i64, String>,
    /// A photo or scan of the signed ballot.
    pub photo: Option<Upload>,
}

/// The convenor enters a signed paper ballot, with its photo. Allowed from the first day of voting
/// until the count (ballots collected by the deadline are often entered the day after).
pub async fn enter_paper_ballot(deps: &Deps, ctx: &Ctx, id: i64, p: PaperBallot) -> Result<Receipt, ServiceError> {
    let (d, c) = for_convenor(deps, ctx, id).await?;
    if !matches!(phase_of(&d, today(ctx.now)), Phase::Voting | Phase::Counting) {
        return Err(refuse(format!("纸质表决票只能在投票开始（{}）后、计票前录入", d.voting_starts_on)));
    }
    let unit = db::roster::unit(&deps.db, p.unit_id)
        .await?
        .filter(|u| u.community_id == c.id)
        .ok_or_else(|| ServiceError::field("unit_id", "请选择本小区业主名册中的房屋"))?;
    let matters = db::decisions::matters(&deps.db, id).await?;
    let mut errors = FieldErrors::new();
    let name = p.voter_name.trim().to_string();
    if !(2..=50).contains(&name.chars().count()) {
        errors.insert("voter_name".into(), "请填写签名的业主姓名".into());
    }
    let choices = match choices_from(&matters, &p.choices) {
        Ok(c) => Some(c),
        Err(ServiceError::Invalid(f)) => {
            errors.extend(f);
            None
        }
        Err(e) => return Err(e),
    };
    let photo = match p.photo {
        Some((n, bytes)) if !bytes.is_empty() => Some(super::documents::prepare("photo", &n, bytes)?),
        _ => None,
    };
    if photo.is_none() {
        errors.insert("photo".into(), "请上传已签名表决票的照片或扫描件".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let owners = db::roster::owners_of_unit(&deps.db, unit.id).await?;
    record_ballot(
        deps,
        ctx,
        BallotDraft {
            d: &d,
            matters: &matters,
            unit: &unit,
            owners: &owners,
            choices: choices.expect("checked"),
            channel: "paper",
            photo,
            voter_name: Some(name),
            code_id: None,
        },
    )
    .await
}

// ------------------------------------------------------------------ progress

/// Participation in one building (never a choice).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BuildingProgress {
    pub building: String,
    pub units: u64,
    pub voted_units: u64,
    /// m²
    pub area: String,
    pub voted_area: String,
    /// Voted share of the building's area, one decimal (display only).
    pub percent: String,
}

/// Live participation against the quorum.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub total_units: u64,
    pub total_area: String,
    pub total_owners: u64,
    pub voted_area: String,
    pub voted_owners: u64,
    pub voted_units: u64,
    /// The least area and owners for a quorum (two thirds, rounded up).
    pub quorum_area: String,
    pub quorum_owners: u64,
    pub quorum_area_met: bool,
    pub quorum_owners_met: bool,
    pub area_percent: String,
    pub owners_percent: String,
    pub online: u64,
    pub paper: u64,
    pub buildings: Vec<BuildingProgress>,
}

fn percent(part: i128, whole: i128) -> String {
    if whole <= 0 {
        return "0.0%".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// The smallest integer at least two thirds of `whole`.
fn two_thirds_up(whole: i128) -> i128 {
    (2 * whole + 2) / 3
}

async fn progress_of(deps: &Deps, d: &decision::Model) -> Result<Progress, ServiceError> {
    let roster = counted_roster(deps, d.community_id).await?;
    let ballots = db::decisions::ballots(&deps.read, d.id).await?;
    let covered: HashMap<i64, i64> = db::decisions::ballot_units(&deps.read, d.id)
        .await?
        .into_iter()
        .map(|b| (b.roster_unit_id, b.area_centi))
        .collect();
    // (sort key, building) → (units, voted units, area, voted area)
    type Sums = (u64, u64, i64, i64);
    type Key = (Vec<(u8, u64, String)>, String);
    let mut by_building: BTreeMap<Key, Sums> = BTreeMap::new();
    for (u, _) in &roster.units {
        let Some(area) = area_of(u) else { continue };
        let e = by_building.entry((crate::domain::roster::natural_key(&u.building), u.building.clone())).or_default();
        e.0 += 1;
        e.2 += area;
        if let Some(a) = covered.get(&u.id) {
            e.1 += 1;
            e.3 += a;
        }
    }
    let voted_area: i64 = covered.values().sum();
    let t = roster.totals;
    let quorum_area = two_thirds_up(t.area_centi.into());
    let quorum_owners = two_thirds_up(t.owners.into());
    Ok(Progress {
        total_units: t.units,
        total_area: format_area(t.area_centi),
        total_owners: t.owners,
        voted_area: format_area(voted_area),
        voted_owners: ballots.len() as u64,
        voted_units: covered.len() as u64,
        quorum_area: format_area(quorum_area as i64),
        quorum_owners: quorum_owners as u64,
        quorum_area_met: t.area_centi > 0 && i128::from(voted_area) >= quorum_area,
        quorum_owners_met: t.owners > 0 && ballots.len() as i128 >= quorum_owners,
        area_percent: percent(voted_area.into(), t.area_centi.into()),
        owners_percent: percent(ballots.len() as i128, t.owners.into()),
        online: ballots.iter().filter(|b| b.channel == "online").count() as u64,
        paper: ballots.iter().filter(|b| b.channel == "paper").count() as u64,
        buildings: by_building
            .into_iter()
            .map(|((_, building), (units, voted, area, voted_area))| BuildingProgress {
                building: if building.is_empty() { "（未分楼栋）".into() } else { building },
                units,
                voted_units: voted,
                area: format_area(area),
                voted_area: format_area(voted_area),
                percent: percent(voted_area.into(), area.into()),
            })
            .collect(),
    })
}

/// Live participation (who took part, by building; never how) for the convenor and the bureau.
pub async fn progress(deps: &Deps, ctx: &Ctx, id: i64) -> Result<Progress, ServiceError> {
    let (d, _, _) = load_for(deps, ctx, id, Action::ReadDecision).await?;
    progress_of(deps, &d).await
}

// ------------------------------------------------------------------ the count

/// Counts a vote: the roster's totals now, each owner's ballot with the area it covered, the
/// deemed votes where the registered rules say so, and the four comparisons of every matter.
async fn count(deps: &Deps, ctx: &Ctx, d: &decision::Model, c: &community::Model) -> Result<(), ServiceError> {
    if phase_of(d, today(ctx.now)) != Phase::Counting {
        return Err(refuse(format!("投票期至 {}，投票结束后才能计票", d.voting_ends_on)));
    }
    let roster = counted_roster(deps, c.id).await?;
    let totals = roster.totals;
    let matters = db::decisions::matters(&deps.db, d.id).await?;
    let ballots = db::decisions::ballots(&deps.db, d.id).await?;
    let results = tally_all(deps, d, totals, &matters, &ballots)?;
    let objection_ends_on = today(ctx.now) + chrono::Days::new(d.objection_days.max(0) as u64);
    let tx = deps.db.begin().await?;
    let counted = db::decisions::Count {
        total_units: totals.units as i64,
        total_area_centi: totals.area_centi,
        total_owners: totals.owners as i64,
        objection_ends_on,
        matters: results.clone(),
    };
    if !db::decisions::close_if_convened(&tx, d.id, counted, ctx.now).await? {
        return Err(RuleCode::DecisionChangedMeanwhile.into());
    }
    let fresh = db::decisions::decision(&tx, d.id).await?.ok_or(ServiceError::NotFound("表决"))?;
    let fresh_matters = db::decisions::matters(&tx, d.id).await?;
    let digest = announce(&tx, &fresh, c, &fresh_matters, ctx).await?;
    db::decisions::set_announcement(&tx, d.id, digest, ctx.now).await?;
    let mut told = db::accounts::staff_of_township(&tx, d.township_id).await?;
    told.push(d.convened_by);
    told.sort_unstable();
    told.dedup();
    let verdicts: Vec<String> = results
        .iter()
        .filter_map(|(id, _, passed)| {
            matters
                .iter()
                .find(|m| m.id == *id)
                .map(|m| format!("“{}”{}", m.title, if *passed { "通过" } else { "未通过" }))
        })
        .collect();
    tell(
        &tx,
        told,
        "decision_counted",
        format!("“{}”已计票", d.title),
        format!("投票期已结束，初步结果已公示，异议期至 {objection_ends_on}。{}", verdicts.join("；")),
        format!("decision_counted:{}", d.id),
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::DecisionClose,
        "decision",
        d.id,
        SUCCESS,
        json!({
            "ballots": ballots.len(),
            "totals": {"units": totals.units, "area_centi": totals.area_centi, "owners": totals.owners},
            "matters": results.iter().map(|(id, t, passed)| json!({
                "matter_id": id, "passed": passed,
                "yes": [t.yes.area_centi, t.yes.owners], "no": [t.no.area_centi, t.no.owners],
                "abstain": [t.abstain.area_centi, t.abstain.owners],
                "deemed_yes": [t.deemed_yes.area_centi, t.deemed_yes.owners],
                "deemed_no": [t.deemed_no.area_centi, t.deemed_no.owners],
            })).collect::<Vec<_>>(),
            "objection_ends_on": objection_ends_on,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every matter's tally and verdict from the ballots (their choices opened) against `totals`, with
/// the deemed votes where the vote applies the community's clause.
fn tally_all(
    deps: &Deps,
    d: &decision::Model,
    totals: RosterTotals,
    matters: &[decision_matter::Model],
    ballots: &[decision_ballot::Model],
) -> Result<Vec<(i64, Tally, bool)>, ServiceError> {
    let mut tallies: HashMap<i64, Tally> = matters.iter().map(|m| (m.id, Tally::default())).collect();
    for b in ballots {
        let choices = open_choices(deps, &b.choices_sealed)?;
        for (matter_id, t) in tallies.iter_mut() {
            if let Some(choice) = choices.get(matter_id) {
                t.add(*choice, Weight { area_centi: b.area_centi, owners: 1 });
            }
        }
    }
    let mut results = Vec::new();
    for m in matters {
        let Some(matter) = Matter::parse(&m.item) else { continue };
        let mut t = tallies.remove(&m.id).unwrap_or_default();
        if !d.deem_clause.trim().is_empty() {
            t = deem(totals, t);
        }
        let r = decide(matter, totals, t);
        results.push((m.id, r.tally, r.passed));
    }
    Ok(results)
}

/// The convenor counts a vote once its voting period is over and publishes the preliminary
/// result (the objection period starts).
pub async fn close(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(), ServiceError> {
    let (d, c) = for_convenor(deps, ctx, id).await?;
    count(deps, ctx, &d, &c).await
}

/// The scanner counts every vote whose voting period ended before today, so the preliminary
/// result is out within a day of the close. Returns how many it counted.
pub async fn close_due(deps: &Deps, now: chrono::DateTime<chrono::Utc>) -> Result<usize, ServiceError> {
    let ctx = Ctx::system(now, "表决计票");
    let mut n = 0;
    for d in db::decisions::due_for_count(&deps.db, today(now)).await? {
        let Some(c) = db::communities::community(&deps.db, d.community_id).await? else { continue };
        match count(deps, &ctx, &d, &c).await {
            Ok(()) => n += 1,
            Err(ServiceError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The convenor publishes the final result once the objection period is over and every
/// objection is decided.
pub async fn finalize(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(), ServiceError> {
    let (d, c) = for_convenor(deps, ctx, id).await?;
    match phase_of(&d, today(ctx.now)) {
        Phase::AwaitingFinal => {}
        Phase::Objection => {
            return Err(refuse(format!(
                "异议期至 {}，期满后才能公告最终结果",
                d.objection_ends_on.map(|x| x.to_string()).unwrap_or_default()
            )));
        }
        _ => return Err(refuse("只有已计票、异议期已满的表决才能公告最终结果")),
    }
    let pending = db::decisions::objections(&deps.db, id).await?.iter().filter(|o| o.status == "pending").count();
    if pending > 0 {
        return Err(refuse(format!("还有{pending}件异议未处理")));
    }
    let tx = deps.db.begin().await?;
    if !db::decisions::set_status_if(&tx, id, DecisionStatus::Closed, DecisionStatus::Final, ctx.now).await? {
        return Err(RuleCode::DecisionChangedMeanwhile.into());
    }
    let fresh = db::decisions::decision(&tx, id).await?.ok_or(ServiceError::NotFound("表决"))?;
    let matters = db::decisions::matters(&tx, id).await?;
    let digest = announce(&tx, &fresh, &c, &matters, ctx).await?;
    db::decisions::set_announcement(&tx, id, digest.clone(), ctx.now).await?;
    record(&tx, ctx, AuditAction::DecisionFinalize, "decision", id, SUCCESS, json!({"announcement": digest})).await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ results

/// One comparison as shown: the rule and its figures in words people check.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComparisonView {
    pub rule: String,
    /// e.g. `6,200.00 m² / 9,000.00 m²` or `151 人 / 300 人`
    pub figures: String,
    /// Of which deemed, where the rules deem (empty otherwise).
    pub deemed: String,
    pub met: bool,
}

/// A matter with its result once counted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatterView {
    pub id: i64,
    pub position: i32,
    /// `4`
    pub item: String,
    /// `（四）选聘和解聘物业服务企业或者其他管理人`
    pub item_label: String,
    /// 过半数 / 四分之三以上
    pub threshold: String,
    pub title: String,
    pub body: String,
    pub counted: bool,
    pub passed: bool,
    /// (label, area m², owners): 同意 / 反对 / 弃权, then the deemed ones where any.
    pub tally: Vec<(String, String, u64)>,
    pub comparisons: Vec<ComparisonView>,
}

fn weight(area: Option<i64>, owners: Option<i64>) -> Weight {
    Weight { area_centi: area.unwrap_or(0), owners: owners.unwrap_or(0).max(0) as u64 }
}

fn stored_tally(m: &decision_matter::Model) -> Tally {
    Tally {
        yes: weight(m.yes_area_centi, m.yes_owners),
        no: weight(m.no_area_centi, m.no_owners),
        abstain: weight(m.abstain_area_centi, m.abstain_owners),
        deemed_yes: weight(m.deemed_yes_area_centi, m.deemed_yes_owners),
        deemed_no: weight(m.deemed_no_area_centi, m.deemed_no_owners),
    }
}

fn stored_totals(d: &decision::Model) -> RosterTotals {
    RosterTotals {
        units: d.total_units.unwrap_or(0).max(0) as u64,
        area_centi: d.total_area_centi.unwrap_or(0),
        owners: d.total_owners.unwrap_or(0).max(0) as u64,
    }
}

/// The result of a counted matter, recomputed from the stored figures by the same function.
fn stored_result(d: &decision::Model, m: &decision_matter::Model) -> Option<MatterResult> {
    let matter = Matter::parse(&m.item)?;
    m.passed?;
    Some(decide(matter, stored_totals(d), stored_tally(m)))
}

fn comparison_view(i: usize, c: &Comparison) -> ComparisonView {
    let area = |x: i128| format!("{} m²", format_area(x as i64));
    let people = |x: i128| format!("{x} 人");
    let f: &dyn Fn(i128) -> String = if i.is_multiple_of(2) { &area } else { &people };
    ComparisonView {
        rule: c.rule.clone(),
        figures: format!("{} / {}", f(c.part), f(c.whole)),
        deemed: if c.deemed_whole > 0 {
            format!("其中按议事规则计入：{} / {}", f(c.deemed_part), f(c.deemed_whole))
        } else {
            String::new()
        },
        met: c.met,
    }
}

fn matter_view(d: &decision::Model, m: &decision_matter::Model) -> MatterView {
    let matter = Matter::parse(&m.item);
    let result = stored_result(d, m);
    let mut tally = Vec::new();
    if let Some(r) = &result {
        let t = r.tally;
        for (label, w) in [("同意", t.yes), ("反对", t.no), ("弃权", t.abstain)] {
            tally.push((label.to_string(), format_area(w.area_centi), w.owners));
        }
        if t.deemed().owners > 0 {
            tally.push(("按议事规则计入同意".into(), format_area(t.deemed_yes.area_centi), t.deemed_yes.owners));
            tally.push(("按议事规则计入反对".into(), format_area(t.deemed_no.area_centi), t.deemed_no.owners));
        }
    }
    MatterView {
        id: m.id,
        position: m.position,
        item: m.item.clone(),
        item_label: matter.map(|x| format!("{}{}", x.item(), x.label())).unwrap_or_default(),
        threshold: matter.map(|x| x.threshold().label().to_string()).unwrap_or_default(),
        title: m.title.clone(),
        body: m.body.clone(),
        counted: result.is_some(),
        passed: result.as_ref().is_some_and(|r| r.passed),
        comparisons: result
            .as_ref()
            .map(|r| r.comparisons.iter().enumerate().map(|(i, c)| comparison_view(i, c)).collect())
            .unwrap_or_default(),
        tally,
    }
}

/// An extension request as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExtensionView {
    pub id: i64,
    pub new_ends_on: NaiveDate,
    pub reason: String,
    /// 待审批 / 已同意 / 未同意
    pub status: String,
    pub pending: bool,
    pub note: String,
}

/// An objection as shown to the convenor and the bureau.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObjectionView {
    pub id: i64,
    pub unit: String,
    pub text: String,
    /// 待处理 / 异议成立 / 异议不成立
    pub status: String,
    pub pending: bool,
    pub reason: String,
}

/// An attachment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: i64,
    pub name: String,
}

/// A vote as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub title: String,
    /// 业主委员会 / 乡镇（街道）
    pub convenor: String,
    pub interim: bool,
    pub notice_on: NaiveDate,
    pub voting_starts_on: NaiveDate,
    pub voting_ends_on: NaiveDate,
    pub objection_ends_on: Option<NaiveDate>,
    /// `convened`, `closed`, `final`, `cancelled`
    pub status: String,
    pub phase: String,
    /// The registered clause applied (deemed votes), empty when none.
    pub deem_clause: String,
    pub matters: Vec<MatterView>,
    pub files: Vec<FileView>,
    /// The denominators at the count (empty before).
    pub totals: Option<(u64, String, u64)>,
    pub extensions: Vec<ExtensionView>,
    pub objections: Vec<ObjectionView>,
    /// Codes: made, by SMS, slips, slips handed over, used.
    pub codes: (usize, usize, usize, usize, usize),
    pub has_announcement: bool,
    /// What the reader may do now.
    pub can_run: bool,
    pub can_issue_codes: bool,
    pub can_enter_paper: bool,
    pub can_close: bool,
    pub can_finalize: bool,
    pub can_cancel: bool,
    pub can_request_extension: bool,
    pub can_decide_extension: bool,
    /// Whether the ballots (who voted how) may be read: after the count.
    pub ballots_open: bool,
}

fn objection_status(s: &str) -> &'static str {
    match s {
        "upheld" => "异议成立",
        "dismissed" => "异议不成立",
        _ => "待处理",
    }
}

fn extension_status(s: &str) -> &'static str {
    match s {
        "approved" => "已同意",
        "refused" => "未同意",
        _ => "待审批",
    }
}

/// One vote for a reader (committee, township, bureau).
pub async fn view(deps: &Deps, ctx: &Ctx, id: i64) -> Result<DecisionView, ServiceError> {
    let (d, c, tree) = load_for(deps, ctx, id, Action::ReadDecision).await?;
    let matters = db::decisions::matters(&deps.db, id).await?;
    let files = db::decisions::files(&deps.db, id).await?;
    let codes = db::decisions::codes(&deps.db, id).await?;
    let ext = db::decisions::extensions(&deps.db, id).await?;
    let objections = db::decisions::objections(&deps.db, id).await?;
    let units: HashMap<i64, String> = db::roster::units(&deps.read, c.id)
        .await?
        .into_iter()
        .map(|u| (u.id, unit_label(&u.building, &u.unit, &u.room)))
        .collect();
    let ph = phase_of(&d, today(ctx.now));
    let run = is_convenor(ctx, &d)
        && ctx.actor.as_ref().is_some_and(|a| authorize(a, Action::RunDecision, &community_object(&tree, &c)).is_ok());
    let approve = ctx
        .actor
        .as_ref()
        .is_some_and(|a| authorize(a, Action::ApproveDecisionExtension, &community_object(&tree, &c)).is_ok());
    let pending_ext = ext.iter().any(|e| e.status == "pending");
    let status = status_of(&d);
    Ok(DecisionView {
        id: d.id,
        community_id: c.id,
        community: c.name.clone(),
        title: d.title.clone(),
        convenor: convenor_label(&d.convenor_role).into(),
        interim: d.interim,
        notice_on: d.notice_on,
        voting_starts_on: d.voting_starts_on,
        voting_ends_on: d.voting_ends_on,
        objection_ends_on: d.objection_ends_on,
        status: d.status.clone(),
        phase: ph.label().into(),
        deem_clause: d.deem_clause.clone(),
        matters: matters.iter().map(|m| matter_view(&d, m)).collect(),
        files: files.iter().map(|f| FileView { id: f.id, name: f.name.clone() }).collect(),
        totals: d.total_units.map(|_| {
            let t = stored_totals(&d);
            (t.units, format_area(t.area_centi), t.owners)
        }),
        extensions: ext
            .iter()
            .map(|e| ExtensionView {
                id: e.id,
                new_ends_on: e.new_ends_on,
                reason: e.reason.clone(),
                status: extension_status(&e.status).into(),
                pending: e.status == "pending",
                note: e.note.clone(),
            })
            .collect(),
        objections: objections
            .iter()
            .map(|o| ObjectionView {
                id: o.id,
                unit: units.get(&o.roster_unit_id).cloned().unwrap_or_default(),
                text: o.text.clone(),
                status: objection_status(&o.status).into(),
                pending: o.status == "pending",
                reason: o.reason.clone(),
            })
            .collect(),
        codes: (
            codes.len(),
            codes.iter().filter(|k| k.channel == "sms").count(),
            codes.iter().filter(|k| k.channel == "slip").count(),
            codes.iter().filter(|k| k.handed_over_at.is_some()).count(),
            codes.iter().filter(|k| k.used_at.is_some()).count(),
        ),
        has_announcement: d.announcement_digest.is_some(),
        can_run: run,
        can_issue_codes: run && matches!(ph, Phase::Notice | Phase::Voting),
        can_enter_paper: run && matches!(ph, Phase::Voting | Phase::Counting),
        can_close: run && ph == Phase::Counting,
        can_finalize: run && ph == Phase::AwaitingFinal,
        can_cancel: run && status == DecisionStatus::Convened,
        can_request_extension: run && matches!(ph, Phase::Notice | Phase::Voting) && !pending_ext,
        can_decide_extension: approve && pending_ext && status == DecisionStatus::Convened,
        ballots_open: matches!(status, DecisionStatus::Closed | DecisionStatus::Final),
    })
}

/// A vote in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionSummary {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub title: String,
    pub phase: String,
    pub voting_starts_on: NaiveDate,
    pub voting_ends_on: NaiveDate,
    /// `（四）`… of its matters.
    pub items: String,
}

/// The votes in the reader's reach, newest first.
pub async fn list(deps: &Deps, ctx: &Ctx) -> Result<Vec<DecisionSummary>, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !crate::domain::authz::role_may(actor.role, Action::ReadDecision) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut communities: HashMap<i64, Option<community::Model>> = HashMap::new();
    let mut out = Vec::new();
    let t = today(ctx.now);
    for d in db::decisions::all(&deps.read).await? {
        if let std::collections::hash_map::Entry::Vacant(e) = communities.entry(d.community_id) {
            e.insert(db::communities::community(&deps.read, d.community_id).await?);
        }
        let Some(Some(c)) = communities.get(&d.community_id) else { continue };
        if authorize(&actor, Action::ReadDecision, &community_object(&tree, c)).is_err() {
            continue;
        }
        let items = db::decisions::matters(&deps.read, d.id)
            .await?
            .iter()
            .filter_map(|m| Matter::parse(&m.item).map(|x| x.item()))
            .collect::<Vec<_>>()
            .join("");
        out.push(DecisionSummary {
            id: d.id,
            community_id: c.id,
            community: c.name.clone(),
            title: d.title.clone(),
            phase: phase_of(&d, t).label().into(),
            voting_starts_on: d.voting_starts_on,
            voting_ends_on: d.voting_ends_on,
            items,
        });
    }
    Ok(out)
}

/// The communities where the actor may convene a vote: (id, name).
pub async fn convenable(deps: &Deps, ctx: &Ctx) -> Result<Vec<(i64, String)>, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !crate::domain::authz::role_may(actor.role, Action::ConveneDecision) {
        return Ok(Vec::new());
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut out = Vec::new();
    for c in db::communities::all_communities(&deps.read).await? {
        if authorize(&actor, Action::ConveneDecision, &community_object(&tree, &c)).is_ok() {
            out.push((c.id, c.name));
        }
    }
    Ok(out)
}

/// One owner's ballot as attributed after the count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BallotRow {
    /// The units the ballot covers.
    pub units: String,
    /// m²
    pub area: String,
    /// 电子 / 纸质
    pub channel: String,
    /// One label per matter, in order.
    pub choices: Vec<String>,
    /// A paper ballot's signatory, masked; empty for electronic ballots.
    pub voter: String,
    /// The receipt the owner was given.
    pub receipt: String,
    /// Whether a photo of the paper ballot is kept.
    pub ballot_id: i64,
    pub has_photo: bool,
}

async fn ballot_rows(deps: &Deps, d: &decision::Model, mask: bool) -> Result<Vec<BallotRow>, ServiceError> {
    let matters = db::decisions::matters(&deps.db, d.id).await?;
    let units: HashMap<i64, roster_unit::Model> =
        db::roster::units(&deps.read, d.community_id).await?.into_iter().map(|u| (u.id, u)).collect();
    let mut covered: HashMap<i64, Vec<i64>> = HashMap::new();
    for bu in db::decisions::ballot_units(&deps.db, d.id).await? {
        covered.entry(bu.ballot_id).or_default().push(bu.roster_unit_id);
    }
    let mut rows = Vec::new();
    for b in db::decisions::ballots(&deps.db, d.id).await? {
        let choices = open_choices(deps, &b.choices_sealed)?;
        let labels: Vec<String> = covered
            .get(&b.id)
            .map(|ids| {
                ids.iter().filter_map(|id| units.get(id).map(|u| unit_label(&u.building, &u.unit, &u.room))).collect()
            })
            .unwrap_or_default();
        let voter = match &b.voter_name_sealed {
            Some(s) if mask => mask_name(&deps.cipher.open(s)?),
            Some(s) => deps.cipher.open(s)?,
            None => String::new(),
        };
        rows.push(BallotRow {
            units: labels.join("、"),
            area: format_area(b.area_centi),
            channel: if b.channel == "paper" { "纸质".into() } else { "电子".into() },
            choices: matters
                .iter()
                .map(|m| choices.get(&m.id).map(|c| c.label().to_string()).unwrap_or_default())
                .collect(),
            voter,
            receipt: receipt_of(&b.choices_sealed),
            ballot_id: b.id,
            has_photo: b.photo_digest.is_some(),
        });
    }
    rows.sort_by_cached_key(|r| crate::domain::roster::natural_key(&r.units));
    Ok(rows)
}

/// The ballots of a counted vote, attributed (units, area, choice), for the convenor and the
/// bureau. Never before the count. Each reading is audited.
pub async fn ballots(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(DecisionView, Vec<BallotRow>), ServiceError> {
    let v = view(deps, ctx, id).await?;
    let d = db::decisions::decision(&deps.db, id).await?.ok_or(ServiceError::NotFound("表决"))?;
    if !v.ballots_open {
        return Err(refuse("投票结束并计票前，任何人都不能查看表决票的内容"));
    }
    let rows = ballot_rows(deps, &d, true).await?;
    let tx = deps.db.begin().await?;
    record(&tx, ctx, AuditAction::DecisionReadBallots, "decision", id, SUCCESS, json!({"ballots": rows.len()})).await?;
    tx.commit().await?;
    Ok((v, rows))
}

/// The photo of a paper ballot, for the convenor and the bureau after the count.
pub async fn ballot_photo(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    ballot_id: i64,
) -> Result<super::blobs::Download, ServiceError> {
    let v = view(deps, ctx, id).await?;
    if !v.ballots_open {
        return Err(refuse("投票结束并计票前，任何人都不能查看表决票的内容"));
    }
    let b: decision_ballot::Model = db::decisions::ballot(&deps.db, ballot_id)
        .await?
        .filter(|b| b.decision_id == id)
        .ok_or(ServiceError::NotFound("表决票"))?;
    let digest = b.photo_digest.ok_or(ServiceError::NotFound("表决票照片"))?;
    super::documents::open(&deps.db, &digest).await
}

// ------------------------------------------------------------------ extensions and objections

/// The convenor asks to extend the voting period, with a reason; the township decides.
pub async fn request_extension(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    new_ends_on: Option<NaiveDate>,
    reason: &str,
) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (d, _) = for_convenor(deps, ctx, id).await?;
    if !matches!(phase_of(&d, today(ctx.now)), Phase::Notice | Phase::Voting) {
        return Err(refuse("投票期已结束，不能再延长"));
    }
    let mut errors = FieldErrors::new();
    let reason = reason.trim().to_string();
    if !(4..=1000).contains(&reason.chars().count()) {
        errors.insert("reason".into(), "请写明延长的理由（4至1000字）".into());
    }
    match new_ends_on {
        None => {
            errors.insert("new_ends_on".into(), "请填写延长后的截止日期".into());
        }
        Some(e) => {
            if let Err(m) = check_extension(periods(deps), d.voting_starts_on, d.voting_ends_on, e) {
                errors.insert("new_ends_on".into(), m);
            }
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tx = deps.db.begin().await?;
    if db::decisions::extensions(&tx, id).await?.iter().any(|e| e.status == "pending") {
        return Err(refuse("已有待审批的延期申请"));
    }
    let e =
        db::decisions::insert_extension(&tx, id, new_ends_on.expect("checked"), reason.clone(), actor.user_id, ctx.now)
            .await?;
    let township = db::accounts::staff_of_township(&tx, d.township_id).await?;
    tell(
        &tx,
        township,
        "decision_extension",
        format!("“{}”申请延长投票期", d.title),
        format!("召集人申请将投票截止日期由 {} 延长至 {}，理由：{reason}。请审批。", d.voting_ends_on, e.new_ends_on),
        format!("decision_extension:{}", e.id),
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::DecisionExtensionRequest,
        "decision",
        id,
        SUCCESS,
        json!({"extension_id": e.id, "new_ends_on": e.new_ends_on, "reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(e.id)
}

/// The township approves or refuses an extension; approved, the voting period ends later.
pub async fn decide_extension(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    extension_id: i64,
    approve: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let (d, _, _) = load_for(deps, ctx, id, Action::ApproveDecisionExtension).await?;
    let e = db::decisions::extension(&deps.db, extension_id)
        .await?
        .filter(|e| e.decision_id == id)
        .ok_or(ServiceError::NotFound("延期申请"))?;
    let note = note.trim().to_string();
    if note.chars().count() > 1000 {
        return Err(ServiceError::field("note", "意见不超过1000字"));
    }
    if !approve && note.chars().count() < 2 {
        return Err(ServiceError::field("note", "不同意时请写明理由"));
    }
    if approve {
        check_extension(periods(deps), d.voting_starts_on, d.voting_ends_on, e.new_ends_on).map_err(refuse)?;
        if today(ctx.now) > d.voting_ends_on {
            return Err(refuse("投票期已结束，不能再延长"));
        }
    }
    let tx = deps.db.begin().await?;
    let status = if approve { "approved" } else { "refused" };
    if !db::decisions::decide_extension_if_pending(&tx, extension_id, status, note.clone(), actor.user_id, ctx.now)
        .await?
    {
        return Err(RuleCode::DecisionChangedMeanwhile.into());
    }
    if approve && !db::decisions::extend_if_convened(&tx, id, e.new_ends_on, ctx.now).await? {
        return Err(RuleCode::DecisionChangedMeanwhile.into());
    }
    record(
        &tx,
        ctx,
        AuditAction::DecisionExtensionDecide,
        "decision",
        id,
        SUCCESS,
        json!({"extension_id": extension_id, "approved": approve, "new_ends_on": e.new_ends_on, "note": note}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An owner objects to the preliminary result during the objection period (signed in with the
/// unit's code).
pub async fn object(deps: &Deps, ctx: &Ctx, login: &VoterLogin, text: &str) -> Result<i64, ServiceError> {
    let v = sign_in(deps, login).await?;
    if phase_of(&v.decision, today(ctx.now)) != Phase::Objection {
        return Err(refuse("不在异议期内"));
    }
    let text = text.trim().to_string();
    if !(4..=2000).contains(&text.chars().count()) {
        return Err(ServiceError::field("text", "请写明异议的内容和理由（4至2000字）"));
    }
    let ctx = Ctx {
        actor_name: format!("业主（{}）", unit_label(&v.unit.building, &v.unit.unit, &v.unit.room)),
        ..ctx.clone()
    };
    let tx = deps.db.begin().await?;
    let o = db::decisions::insert_objection(&tx, v.decision.id, v.unit.id, text, ctx.now).await?;
    tell(
        &tx,
        vec![v.decision.convened_by],
        "decision_objection",
        format!("“{}”收到异议", v.decision.title),
        format!(
            "{}的业主对初步结果提出异议，请在异议期内答复。",
            unit_label(&v.unit.building, &v.unit.unit, &v.unit.room)
        ),
        format!("decision_objection:{}", o.id),
        ctx.now,
    )
    .await?;
    record(
        &tx,
        &ctx,
        AuditAction::DecisionObjection,
        "decision",
        v.decision.id,
        SUCCESS,
        json!({"objection_id": o.id, "unit_id": v.unit.id}),
    )
    .await?;
    tx.commit().await?;
    Ok(o.id)
}

/// The convenor decides an objection with a reason.
pub async fn decide_objection(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    objection_id: i64,
    upheld: bool,
    reason: &str,
    correction: Option<HashMap<i64, String>>,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let (d, c) = for_convenor(deps, ctx, id).await?;
    if status_of(&d) != DecisionStatus::Closed {
        return Err(refuse("只有公示初步结果期间的异议可以处理"));
    }
    let o = db::decisions::objection(&deps.db, objection_id)
        .await?
        .filter(|o| o.decision_id == id)
        .ok_or(ServiceError::NotFound("异议"))?;
    let reason = reason.trim().to_string();
    if !(2..=2000).contains(&reason.chars().count()) {
        return Err(ServiceError::field("reason", "请写明处理意见和理由"));
    }
    let matters = db::decisions::matters(&deps.db, id).await?;
    // An upheld objection may correct the objector's paper ballot (entered by the convenor from
    // the signed original): the vote is recounted on the same denominators and announced again.
    // An electronic ballot is the owner's own act and is never changed.
    let corrected = match correction.filter(|c| !c.is_empty()) {
        None => None,
        Some(_) if !upheld => return Err(ServiceError::field("correction", "只有异议成立时才能更正表决票")),
        Some(given) => {
            let covering = db::decisions::ballot_of_unit(&deps.db, id, o.roster_unit_id)
                .await?
                .ok_or_else(|| refuse("提出异议的房屋没有表决票，无可更正"))?;
            let ballot =
                db::decisions::ballot(&deps.db, covering.ballot_id).await?.ok_or(ServiceError::NotFound("表决票"))?;
            if ballot.channel != "paper" {
                return Err(refuse("电子表决票由业主本人投出，不能更正"));
            }
            let choices = choices_from(&matters, &given)?;
            Some((ballot.id, seal_choices(deps, &matters, &choices)))
        }
    };
    let tx = deps.db.begin().await?;
    let status = if upheld { "upheld" } else { "dismissed" };
    if !db::decisions::decide_objection_if_pending(&tx, objection_id, status, reason.clone(), actor.user_id, ctx.now)
        .await?
    {
        return Err(RuleCode::DecisionChangedMeanwhile.into());
    }
    if let Some((ballot_id, sealed)) = &corrected {
        db::decisions::set_ballot_choices(&tx, *ballot_id, sealed.clone(), ctx.now).await?;
        let ballots = db::decisions::ballots(&tx, id).await?;
        let results = tally_all(deps, &d, stored_totals(&d), &matters, &ballots)?;
        db::decisions::set_results(&tx, results, ctx.now).await?;
        let fresh_matters = db::decisions::matters(&tx, id).await?;
        let digest = announce(&tx, &d, &c, &fresh_matters, ctx).await?;
        db::decisions::set_announcement(&tx, id, digest, ctx.now).await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::DecisionObjectionDecide,
        "decision",
        id,
        SUCCESS,
        json!({
            "objection_id": objection_id, "upheld": upheld, "reason": reason,
            "corrected_ballot_id": corrected.as_ref().map(|(b, _)| *b),
            "corrected_receipt": corrected.as_ref().map(|(_, s)| receipt_of(s)),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ the owner's page

/// What an owner signed in with a code sees.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VoterView {
    pub decision_id: i64,
    pub community: String,
    pub title: String,
    pub unit: String,
    pub phase: String,
    pub voting_starts_on: NaiveDate,
    pub voting_ends_on: NaiveDate,
    pub matters: Vec<MatterView>,
    pub files: Vec<FileView>,
    /// Whether this unit's owner may vote now (voting, not voted yet).
    pub may_vote: bool,
    /// Whether a ballot already covers this unit.
    pub voted: bool,
    /// During the objection period: every ballot attributed (units, area, choices; signatories
    /// masked), and whether the owner may object.
    pub ballots: Vec<BallotRow>,
    pub may_object: bool,
    pub objection_ends_on: Option<NaiveDate>,
}

/// An owner's page: the matters, whether they voted, and during the objection period the
/// attributed ballots of the community.
pub async fn voter_view(deps: &Deps, ctx: &Ctx, login: &VoterLogin) -> Result<VoterView, ServiceError> {
    let v = sign_in(deps, login).await?;
    let d = &v.decision;
    let ph = phase_of(d, today(ctx.now));
    let voted = db::decisions::ballot_of_unit(&deps.db, d.id, v.unit.id).await?.is_some();
    let matters = db::decisions::matters(&deps.db, d.id).await?;
    let ballots = if ph == Phase::Objection { ballot_rows(deps, d, true).await? } else { Vec::new() };
    Ok(VoterView {
        decision_id: d.id,
        community: db::communities::community(&deps.read, d.community_id).await?.map(|c| c.name).unwrap_or_default(),
        title: d.title.clone(),
        unit: unit_label(&v.unit.building, &v.unit.unit, &v.unit.room),
        phase: ph.label().into(),
        voting_starts_on: d.voting_starts_on,
        voting_ends_on: d.voting_ends_on,
        matters: matters.iter().map(|m| matter_view(d, m)).collect(),
        files: db::decisions::files(&deps.db, d.id)
            .await?
            .iter()
            .map(|f| FileView { id: f.id, name: f.name.clone() })
            .collect(),
        may_vote: ph == Phase::Voting && !voted && v.code.used_at.is_none(),
        voted,
        ballots,
        may_object: ph == Phase::Objection,
        objection_ends_on: d.objection_ends_on,
    })
}

// ------------------------------------------------------------------ public

/// A vote as the public and the company see it: totals only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDecision {
    pub id: i64,
    pub title: String,
    pub phase: String,
    pub notice_on: NaiveDate,
    pub voting_starts_on: NaiveDate,
    pub voting_ends_on: NaiveDate,
    pub matters: Vec<MatterView>,
    pub files: Vec<FileView>,
    pub has_announcement: bool,
}

/// A community's votes for its public page (not the cancelled ones): the notice, and once
/// counted, the totals and the four comparisons of each matter. Never a ballot.
pub async fn public_of_community(
    deps: &Deps,
    community_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<PublicDecision>, ServiceError> {
    let mut out = Vec::new();
    for d in db::decisions::of_community(&deps.read, community_id).await? {
        if status_of(&d) == DecisionStatus::Cancelled {
            continue;
        }
        let matters = db::decisions::matters(&deps.read, d.id).await?;
        out.push(PublicDecision {
            id: d.id,
            title: d.title.clone(),
            phase: phase_of(&d, today(now)).label().into(),
            notice_on: d.notice_on,
            voting_starts_on: d.voting_starts_on,
            voting_ends_on: d.voting_ends_on,
            matters: matters.iter().map(|m| matter_view(&d, m)).collect(),
            files: db::decisions::files(&deps.read, d.id)
                .await?
                .iter()
                .map(|f| FileView { id: f.id, name: f.name.clone() })
                .collect(),
            has_announcement: d.announcement_digest.is_some(),
        });
    }
    Ok(out)
}

/// The announcement PDF of a counted vote (public: totals only).
pub async fn announcement(deps: &Deps, id: i64) -> Result<super::blobs::Download, ServiceError> {
    let d = db::decisions::decision(&deps.db, id).await?.ok_or(ServiceError::NotFound("表决公告"))?;
    let digest = d.announcement_digest.ok_or(ServiceError::NotFound("表决公告"))?;
    super::documents::open_pdf(&deps.db, &digest).await
}

/// An attachment of a vote (public, like the notice it belongs to).
pub async fn file(deps: &Deps, id: i64, file_id: i64) -> Result<super::blobs::Download, ServiceError> {
    let f = db::decisions::files(&deps.db, id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or(ServiceError::NotFound("附件"))?;
    super::documents::open(&deps.db, &f.digest).await
}

/// Typesets the announcement (公告) of a counted vote: totals only, every comparison with its
/// figures. Returns the stored PDF's digest.
async fn announce<C: sea_orm::ConnectionTrait>(
    tx: &C,
    d: &decision::Model,
    c: &community::Model,
    matters: &[decision_matter::Model],
    ctx: &Ctx,
) -> Result<String, ServiceError> {
    let final_ = status_of(d) == DecisionStatus::Final;
    let t = stored_totals(d);
    let date = |x: NaiveDate| format!("{}年{}月{}日", x.year(), x.month(), x.day());
    let items = matters
        .iter()
        .map(|m| {
            let v = matter_view(d, m);
            let figures: Vec<String> = v
                .comparisons
                .iter()
                .map(|c| {
                    format!(
                        "{}：{}，{}{}",
                        c.rule,
                        c.figures,
                        if c.met { "符合" } else { "不符合" },
                        if c.deemed.is_empty() { String::new() } else { format!("（{}）", c.deemed) }
                    )
                })
                .collect();
            let tally: Vec<String> =
                v.tally.iter().map(|(l, a, o)| format!("{l}：专有部分面积{a}平方米，{o}人")).collect();
            propwatch_pdf::NoticeItem {
                community: v.item_label.clone(),
                item: v.title.clone(),
                text: tally.join("\n"),
                facts: format!("{}\n表决结果：{}", figures.join("\n"), if v.passed { "通过" } else { "未通过" }),
                legal_basis: "《中华人民共和国民法典》第二百七十八条".into(),
            }
        })
        .collect();
    let deem = if d.deem_clause.trim().is_empty() {
        String::new()
    } else {
        format!("依据本小区议事规则“{}”，未参与表决的业主计入已表决的多数票，单独列示。", d.deem_clause.trim())
    };
    let doc = propwatch_pdf::NoticeDoc {
        issuer: format!("{}业主大会", c.name),
        title: if final_ {
            "业主共同决定表决结果公告".into()
        } else {
            "业主共同决定表决结果（初步）公示".into()
        },
        number: String::new(),
        addressee: "全体业主".into(),
        intro: format!(
            "“{}”由{}召集，于{}公告，投票期为{}至{}。本小区专有部分{}户，总面积{}平方米，业主总人数{}人（按《最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》第八条、第九条计算）。计票结果如下：{}",
            d.title,
            convenor_label(&d.convenor_role),
            date(d.notice_on),
            date(d.voting_starts_on),
            date(d.voting_ends_on),
            t.units,
            format_area(t.area_centi),
            t.owners,
            deem
        ),
        items,
        deadline: String::new(),
        requirements: if final_ {
            "异议期已满，异议均已处理，以上为最终表决结果。".into()
        } else {
            format!(
                "业主对计票结果有异议的，可于{}前凭表决码在“业主表决”页面提出，召集人将逐件答复。",
                d.objection_ends_on.map(date).unwrap_or_default()
            )
        },
        contact: String::new(),
        date: date(today(ctx.now)),
    };
    let pdf = tokio::task::spawn_blocking(move || propwatch_pdf::render_notice(&doc))
        .await
        .map_err(|e| anyhow::anyhow!("typesetting task: {e}"))?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    super::documents::store_pdf(tx, pdf, ctx.now).await
}

// ------------------------------------------------------------------ wiring

/// The result of a counted vote on a matter, for the steps that rest on it (a dismissal track,
/// a public-revenue resolution, a use of the maintenance fund).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub decision_id: i64,
    pub title: String,
    pub passed: bool,
    /// The day of the count.
    pub decided_on: NaiveDate,
    /// The four comparisons in one line each, for the record.
    pub summary: String,
}

fn summary_of(r: &MatterResult) -> String {
    r.comparisons
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = comparison_view(i, c);
            format!("{}：{}，{}", v.rule, v.figures, if v.met { "符合" } else { "不符合" })
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The outcome of the counted vote `decision_id` of `community_id` on a matter of `item`.
/// Refused (in Chinese) when the vote is not the community's, is not counted, or has no such matter.
pub async fn outcome<C: sea_orm::ConnectionTrait>(
    db: &C,
    community_id: i64,
    decision_id: i64,
    item: Matter,
) -> Result<Outcome, ServiceError> {
    let d = db::decisions::decision(db, decision_id)
        .await?
        .filter(|d| d.community_id == community_id)
        .ok_or_else(|| ServiceError::field("decision_id", "请选择本小区的业主共同决定"))?;
    if !matches!(status_of(&d), DecisionStatus::Closed | DecisionStatus::Final) {
        return Err(ServiceError::field("decision_id", "该表决尚未计票"));
    }
    let matters = db::decisions::matters(db, decision_id).await?;
    let m = matters.iter().find(|m| m.item == item.as_str()).ok_or_else(|| {
        ServiceError::field("decision_id", format!("该表决没有民法典第二百七十八条{}所列事项", item.item()))
    })?;
    let r = stored_result(&d, m).ok_or_else(|| ServiceError::field("decision_id", "该表决尚未计票"))?;
    Ok(Outcome {
        decision_id,
        title: format!("{}（{}）", d.title, m.title),
        passed: r.passed,
        decided_on: d.closed_at.map(today).unwrap_or(d.voting_ends_on),
        summary: summary_of(&r),
    })
}

/// Figures of an owners' meeting held on paper outside the platform, entered to be checked by
/// the same function as a vote on the platform.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
pub struct PaperFigures {
    pub total_area_centi: i64,
    pub total_owners: u64,
    pub yes_area_centi: i64,
    pub yes_owners: u64,
    pub no_area_centi: i64,
    pub no_owners: u64,
    pub abstain_area_centi: i64,
    pub abstain_owners: u64,
}

/// Checks a paper meeting's figures on a matter with `domain::decision::decide`: the parts must
/// not exceed the totals. Returns whether it passed and the comparisons in words.
pub fn paper_outcome(item: Matter, f: PaperFigures) -> Result<(bool, String), String> {
    let cast_area = f.yes_area_centi + f.no_area_centi + f.abstain_area_centi;
    let cast_owners = f.yes_owners + f.no_owners + f.abstain_owners;
    if f.total_area_centi <= 0 || f.total_owners == 0 {
        return Err("请填写总面积和业主总人数".into());
    }
    if [f.yes_area_centi, f.no_area_centi, f.abstain_area_centi].iter().any(|a| *a < 0) {
        return Err("面积不能为负数".into());
    }
    if cast_area > f.total_area_centi || cast_owners > f.total_owners {
        return Err("参与表决的面积或人数超过总数，请核对".into());
    }
    let totals = RosterTotals { units: f.total_owners, area_centi: f.total_area_centi, owners: f.total_owners };
    let tally = Tally {
        yes: Weight { area_centi: f.yes_area_centi, owners: f.yes_owners },
        no: Weight { area_centi: f.no_area_centi, owners: f.no_owners },
        abstain: Weight { area_centi: f.abstain_area_centi, owners: f.abstain_owners },
        ..Default::default()
    };
    let r = decide(item, totals, tally);
    Ok((r.passed, summary_of(&r)))
}

/// The counted votes of a community with a matter of `item`: (id, title, passed), newest first,
/// for the forms that cite one.
pub async fn counted_on(
    deps: &Deps,
    community_id: i64,
    item: Matter,
) -> Result<Vec<(i64, String, bool)>, ServiceError> {
    let mut out = Vec::new();
    for d in db::decisions::of_community(&deps.db, community_id).await? {
        if !matches!(status_of(&d), DecisionStatus::Closed | DecisionStatus::Final) {
            continue;
        }
        for m in db::decisions::matters(&deps.db, d.id).await? {
            if m.item == item.as_str() {
                out.push((d.id, format!("{}：{}", d.title, m.title), m.passed.unwrap_or(false)));
            }
        }
    }
    Ok(out)
}
