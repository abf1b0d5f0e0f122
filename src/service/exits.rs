//! Exit and handover (退出与移交): from the end of a contract to the new manager in charge.
//!
//! - Bureau staff or the township open an exit when a contract ends: after a dismissal track's
//!   written notice, at a contract's expiry without renewal, or on the company's own notice. It
//!   names the leaving company, the receiver and the handover deadline (`handover_days` after
//!   the contract's end, counted as the law counts periods) and carries the checklist
//!   (`domain::exit::CHECKLIST` and the county's `handover_extra_items`).
//! - Until the takeover the leaving company keeps serving (第950条): the community stays its
//!   community, so a case opened meanwhile still goes to it.
//! - The leaving company declares items delivered, with evidence; only the receiver confirms
//!   each item (已移交 / 部分移交 / 拒不移交 / 不适用). The public-revenue item carries the balance
//!   computed from the revenue ledger at the confirmation.
//! - Once every item is settled, the leaving company, the receiver and the township (witness)
//!   sign; the third signature numbers and typesets the handover record (移交清单), completes the
//!   exit and puts the incoming contract in force.
//! - The scanner (`scan`): past the deadline with items withheld, it opens an A4.1 (and A4.2)
//!   case once, proposes the litigation rung to the leaders and tells them; registered contracts
//!   come into force on their start day once no exit is open.
//!
//! Every change is one transaction with an audit entry; concurrent changes to an exit are
//! refused by a compare-and-set on its `updated_at`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::notifications::{to_company, to_user};
use super::rule_code::RuleCode;
use super::scope::{JurisdictionTree, community_in_reach, parse_ids};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{community, contract, exit, exit_item};
use crate::db::exits::{ItemConfirmation, NewContract as NewContractRow, NewExit as NewExitRow, NewFile, NewItem};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, role_may};
use crate::domain::escalation::EscalationReason;
use crate::domain::exit::{
    CHECKLIST, Confirmation, ContractStatus, ExitReason, ExitStatus, ItemFacts, ItemKind, ItemState, Party,
    ReceiverKind, Stage, all_signed, check_confirmation, check_contract, check_signature, complete, county_items,
    handover_deadline, kind_of, overdue_codes, stage, withheld,
};
use crate::domain::money::yuan;
use crate::domain::registry::FieldErrors;
use crate::domain::role::{Role, Scope};
use crate::domain::roster::{format_area, parse_area};
use crate::domain::timeline::EventKind;

/// An exit as the opening form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewExit {
    pub community_id: i64,
    /// See `domain::exit::ExitReason`.
    pub reason: String,
    /// The dismissal track, for a dismissal.
    pub track_id: Option<i64>,
    /// See `domain::exit::ReceiverKind`.
    pub receiver_kind: String,
    /// The receiver's name (required for a designated manager; defaults otherwise).
    pub receiver_name: String,
    pub incoming_company_id: Option<i64>,
    /// The day of the written notice (required when the company gives notice itself).
    pub notice_on: Option<NaiveDate>,
    /// Defaults to the track's contract end (dismissal) or the registered contract end (expiry).
    pub contract_ends_on: Option<NaiveDate>,
    pub note: String,
}

/// Who the actor is to an exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Bureau staff, leaders, inspectors.
    Bureau,
    /// An officer of the community's township.
    Township,
    /// The community's owners' committee.
    Committee,
    /// The leaving company.
    Leaving,
    /// The incoming company.
    Incoming,
}

/// An exit the actor may reach for `action`, the community, and who the actor is to it. Out of
/// reach reads as not found for companies (they learn nothing of other exits).
async fn exit_in_reach(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<(exit::Model, community::Model, Side), ServiceError> {
    let actor = ctx.actor()?.clone();
    let e = db::exits::exit(&deps.db, id).await?.ok_or(ServiceError::NotFound("退出交接"))?;
    match actor.scope {
        Scope::Company(own) => {
            let side = if own == e.company_id {
                Side::Leaving
            } else if e.incoming_company_id == Some(own) {
                Side::Incoming
            } else {
                return Err(ServiceError::NotFound("退出交接"));
            };
            if !role_may(actor.role, action) {
                return Err(ServiceError::Forbidden(Denied::Role));
            }
            let c =
                db::communities::community(&deps.db, e.community_id).await?.ok_or(ServiceError::NotFound("小区"))?;
            Ok((e, c, side))
        }
        _ => {
            let (c, _) = community_in_reach(deps, ctx, e.community_id, action).await?;
            let side = match actor.role {
                Role::TownshipOfficer => Side::Township,
                Role::CommitteeMember => Side::Committee,
                _ => Side::Bureau,
            };
            Ok((e, c, side))
        }
    }
}

fn reason_of(e: &exit::Model) -> ExitReason {
    ExitReason::parse(&e.reason).unwrap_or(ExitReason::Expiry)
}

fn receiver_of(e: &exit::Model) -> ReceiverKind {
    ReceiverKind::parse(&e.receiver_kind).unwrap_or(ReceiverKind::Committee)
}

fn status_of(e: &exit::Model) -> ExitStatus {
    ExitStatus::parse(&e.status).unwrap_or(ExitStatus::Cancelled)
}

fn facts_of(items: &[exit_item::Model]) -> Vec<ItemFacts> {
    items
        .iter()
        .map(|i| ItemFacts { label: i.label.clone(), state: ItemState::parse(&i.state).unwrap_or(ItemState::Pending) })
        .collect()
}

/// Whether `side` confirms receipt on this exit: the incoming company when it receives; the
/// committee otherwise, or the township where the community has no committee account.
fn is_receiver(side: Side, e: &exit::Model, has_committee: bool) -> bool {
    match receiver_of(e) {
        ReceiverKind::IncomingCompany => side == Side::Incoming,
        _ => side == Side::Committee || (side == Side::Township && !has_committee),
    }
}

/// Whether `side` witnesses the record: the township, or bureau staff where the township itself
/// receives (no committee account): the witness is never the receiving organisation.
fn is_witness(side: Side, e: &exit::Model, has_committee: bool) -> bool {
    let township_receives = is_receiver(Side::Township, e, has_committee);
    if township_receives { side == Side::Bureau } else { side == Side::Township }
}

fn open_only(e: &exit::Model) -> Result<(), ServiceError> {
    if status_of(e) == ExitStatus::Open {
        Ok(())
    } else {
        Err(RuleCode::Exit(format!("该退出交接{}，不能再办理", status_of(e).label())).into())
    }
}

fn date_text(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Opens an exit (bureau staff, the township's officers). Returns its id.
pub async fn open(deps: &Deps, ctx: &Ctx, new: NewExit) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ManageExit) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (c, tree) = community_in_reach(deps, ctx, new.community_id, Action::ManageExit).await?;
    let mut errors = FieldErrors::new();
    let reason = ExitReason::parse(&new.reason);
    if reason.is_none() {
        errors.insert("reason".into(), "请选择退出原因".into());
    }
    let Some(company_id) = c.company_id else {
        return Err(ServiceError::field("community_id", "该小区没有登记物业服务企业，无需退出交接"));
    };
    let mut contract_ends_on = new.contract_ends_on;
    let mut notice_on = new.notice_on;
    let mut track = None;
    match reason {
        Some(ExitReason::Dismissal) => {
            let t = match new.track_id {
                Some(id) => db::dismissals::track(&deps.db, id).await?.filter(|t| t.community_id == c.id),
                None => None,
            };
            match t {
                Some(t) if t.served_on.is_some() && t.company_id == Some(company_id) => {
                    contract_ends_on = contract_ends_on.or(t.contract_ends_on);
                    notice_on = notice_on.or(t.served_on);
                    track = Some(t);
                }
                _ => {
                    errors.insert("track_id".into(), "请选择本小区已书面通知现物业服务企业解聘的引导解聘".into());
                }
            }
        }
        Some(ExitReason::Expiry) => contract_ends_on = contract_ends_on.or(c.contract_end),
        Some(ExitReason::Resignation) if notice_on.is_none() => {
            errors.insert("notice_on".into(), "请填写企业书面通知退出的日期".into());
        }
        Some(ExitReason::Resignation) | None => {}
    }
    if contract_ends_on.is_none() && !errors.contains_key("track_id") {
        errors.insert("contract_ends_on".into(), "请填写物业服务合同终止日期".into());
    }
    for (field, d) in [("notice_on", notice_on), ("contract_ends_on", contract_ends_on)] {
        if d.is_some_and(|d| !(2000..=2100).contains(&d.year())) {
            errors.insert(field.into(), "日期应在2000年至2100年之间".into());
        }
    }
    if let (Some(n), Some(e)) = (notice_on, contract_ends_on)
        && n > e
    {
        errors.insert("notice_on".into(), format!("书面通知日期不能晚于合同终止日期（{e}）"));
    }
    let receiver = ReceiverKind::parse(&new.receiver_kind);
    let mut receiver_name = new.receiver_name.trim().chars().take(200).collect::<String>();
    let mut incoming = None;
    match receiver {
        None => {
            errors.insert("receiver_kind".into(), "请选择接收方".into());
        }
        Some(ReceiverKind::IncomingCompany) => {
            let k = match new.incoming_company_id {
                Some(id) => db::companies::company(&deps.db, id).await?,
                None => None,
            };
            match k {
                Some(k) if k.id != company_id => {
                    receiver_name = k.name.clone();
                    incoming = Some(k.id);
                }
                Some(_) => {
                    errors.insert("incoming_company_id".into(), "新物业服务企业不能是退出的企业".into());
                }
                None => {
                    errors.insert("incoming_company_id".into(), "请选择新物业服务企业".into());
                }
            }
        }
        Some(ReceiverKind::Designated) => {
            if receiver_name.chars().count() < 2 {
                errors.insert("receiver_name".into(), "请填写业主指定的管理人名称".into());
            }
        }
        Some(ReceiverKind::Committee) if receiver_name.is_empty() => receiver_name = format!("{}业主委员会", c.name),
        Some(ReceiverKind::ManagementCommittee) if receiver_name.is_empty() => {
            receiver_name = format!("{}物业管理委员会", c.name)
        }
        Some(_) => {}
    }
    let note = new.note.trim().to_string();
    if note.chars().count() > 2000 {
        errors.insert("note".into(), "说明不超过2000字".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (reason, receiver, ends) =
        (reason.expect("checked"), receiver.expect("checked"), contract_ends_on.expect("checked"));
    let days = deps.settings.handover_days.clamp(1, 365);
    let cal = super::holidays::calendar(&deps.db).await?;
    let deadline = handover_deadline(ends, days, &cal);
    let company = db::companies::company(&deps.db, company_id).await?.map(|k| k.name).unwrap_or_default();
    let tx = deps.db.begin().await?;
    // Two openings at once queue on the community's row (PostgreSQL; SQLite has one writer).
    db::communities::lock_community(&tx, c.id).await?;
    if db::exits::open_of_community(&tx, c.id).await?.is_some() {
        return Err(RuleCode::ExitOpen.into());
    }
    let e = db::exits::insert_exit(
        &tx,
        NewExitRow {
            community_id: c.id,
            company_id,
            township_id: c.township_id,
            reason: reason.as_str().into(),
            track_id: track.as_ref().map(|t| t.id),
            receiver_kind: receiver.as_str().into(),
            receiver_name: receiver_name.clone(),
            incoming_company_id: incoming,
            notice_on,
            opened_on: today(ctx.now),
            contract_ends_on: ends,
            deadline_days: days as i32,
            handover_deadline: deadline,
            note: note.clone(),
            opened_by: actor.user_id,
        },
        ctx.now,
    )
    .await?;
    let mut items: Vec<NewItem> = CHECKLIST
        .iter()
        .map(|i| NewItem { position: 0, code: i.code.into(), label: i.label.into(), basis: i.basis.into() })
        .collect();
    items.extend(county_items(&deps.settings.handover_extra_items).into_iter().map(|(code, label)| NewItem {
        position: 0,
        code,
        label,
        basis: "本县（市、区）规定".into(),
    }));
    for (n, i) in items.iter_mut().enumerate() {
        i.position = n as i32 + 1;
    }
    db::exits::insert_items(&tx, e.id, items, ctx.now).await?;
    let body = format!(
        "{}的物业服务合同于{ends}终止（{}）。{}应于{deadline}前向{receiver_name}移交物业服务用房、共用设施设备和相关资料（民法典第949条），交接完成前继续提供服务（第950条）。",
        c.name,
        reason.label(),
        company
    );
    let mut notes = vec![to_company(
        company_id,
        "exit",
        format!("{}：退出交接已启动，移交期限{deadline}", c.name),
        body.clone(),
        None,
        format!("exit:{}:company", e.id),
        ctx.now,
    )];
    if let Some(k) = incoming {
        notes.push(to_company(
            k,
            "exit",
            format!("{}：请准备接收并承接查验", c.name),
            body.clone(),
            None,
            format!("exit:{}:incoming", e.id),
            ctx.now,
        ));
    }
    let mut users: Vec<i64> =
        db::dismissals::township_officers(&tx, c.township_id).await?.iter().map(|u| u.id).collect();
    users.extend(db::accounts::users_of_community(&tx, c.id).await?);
    users.retain(|u| *u != actor.user_id);
    for u in users {
        notes.push(to_user(
            u,
            "exit",
            format!("{}：退出交接已启动", c.name),
            body.clone(),
            None,
            format!("exit:{}:user:{u}", e.id),
            ctx.now,
        ));
    }
    db::notifications::notify(&tx, notes).await?;
    if let Some(t) = &track {
        let line = format!("启动退出交接：合同于{ends}终止，移交期限{deadline}，接收方{receiver_name}");
        for k in &db::cases::cases_by_ids(&tx, parse_ids(&t.case_ids)).await? {
            super::timeline::timeline_note(&tx, ctx, k, EventKind::DismissalStep.as_str(), &line).await?;
        }
    }
    record(
        &tx,
        ctx,
        AuditAction::ExitOpen,
        "exit",
        e.id,
        SUCCESS,
        json!({"community_id": c.id, "company_id": company_id, "reason": reason.as_str(), "track_id": e.track_id,
               "receiver_kind": receiver.as_str(), "incoming_company_id": incoming, "contract_ends_on": ends,
               "handover_deadline": deadline, "township": tree.name(c.township_id)}),
    )
    .await?;
    tx.commit().await?;
    Ok(e.id)
}

/// Withdraws an open exit (bureau staff, the township), with the reason.
pub async fn cancel(deps: &Deps, ctx: &Ctx, id: i64, reason: &str) -> Result<(), ServiceError> {
    let (e, _, side) = exit_in_reach(deps, ctx, id, Action::ManageExit).await?;
    if !matches!(side, Side::Bureau | Side::Township) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    open_only(&e)?;
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 2000 {
        return Err(ServiceError::field("reason", "请写明撤销的理由（2至2000字）"));
    }
    let tx = deps.db.begin().await?;
    if !db::exits::finish_if_open(&tx, id, ExitStatus::Cancelled, None, None, reason, ctx.now).await? {
        return Err(RuleCode::ExitChangedMeanwhile.into());
    }
    // A contract registered to follow this exit never comes into force: the company stays.
    let voided = db::exits::void_registered_of_exit(&tx, id, today(ctx.now), ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::ExitCancel,
        "exit",
        id,
        SUCCESS,
        json!({"reason": reason, "contracts_voided": voided}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn prepare_files(files: Vec<(String, Vec<u8>)>) -> Result<Vec<super::documents::Prepared>, ServiceError> {
    let files: Vec<_> = files.into_iter().filter(|(_, b)| !b.is_empty()).collect();
    if files.len() > 10 {
        return Err(ServiceError::field("files", "每次最多上传10个文件"));
    }
    files.into_iter().map(|(name, bytes)| super::documents::prepare("files", &name, bytes)).collect()
}

async fn store_files<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    e: &exit::Model,
    item_id: i64,
    party: Party,
    prepared: Vec<super::documents::Prepared>,
) -> Result<Vec<String>, ServiceError> {
    let by = ctx.actor()?.user_id;
    let mut rows = Vec::new();
    let mut digests = Vec::new();
    for p in prepared {
        let s = super::documents::store(tx, p, ctx.now).await?;
        digests.push(s.digest.clone());
        rows.push(NewFile {
            exit_id: e.id,
            item_id,
            party: party.as_str().into(),
            digest: s.digest,
            kind: s.kind.into(),
            name: s.name,
            uploaded_by: by,
        });
    }
    db::exits::insert_files(tx, rows, ctx.now).await?;
    Ok(digests)
}

async fn item_of(deps: &Deps, e: &exit::Model, item_id: i64) -> Result<exit_item::Model, ServiceError> {
    db::exits::items(&deps.db, e.id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(ServiceError::NotFound("移交事项"))
}

/// The leaving company declares an item delivered (移交方申报), with a note and evidence. It
/// never changes the item's state: only the receiver confirms receipt.
pub async fn declare(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    item_id: i64,
    note: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<(), ServiceError> {
    let (e, c, side) = exit_in_reach(deps, ctx, id, Action::DeclareHandover).await?;
    if side != Side::Leaving {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    open_only(&e)?;
    let item = item_of(deps, &e, item_id).await?;
    if ItemState::parse(&item.state).is_some_and(ItemState::is_settled) {
        return Err(RuleCode::Exit(format!("“{}”已由接收方确认，无需再申报", item.label)).into());
    }
    let note = note.trim().to_string();
    let prepared = prepare_files(files)?;
    if note.chars().count() < 2 && prepared.is_empty() {
        return Err(ServiceError::field("note", "请写明移交的内容、时间和地点，或上传交接凭证"));
    }
    if note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "说明不超过2000字"));
    }
    let tx = deps.db.begin().await?;
    if !db::exits::touch_if_unchanged(&tx, e.id, e.updated_at, ctx.now).await? {
        return Err(RuleCode::ExitChangedMeanwhile.into());
    }
    db::exits::declare_item(&tx, e.id, item.id, note.clone(), ctx.now).await?;
    let digests = store_files(&tx, ctx, &e, item.id, Party::Leaving, prepared).await?;
    let mut notes = Vec::new();
    let title = format!("{}：企业申报已移交“{}”，请确认", c.name, item.label);
    match (receiver_of(&e), e.incoming_company_id) {
        (ReceiverKind::IncomingCompany, Some(k)) => notes.push(to_company(
            k,
            "exit",
            title,
            note.clone(),
            None,
            format!("exit_declare:{}:{}:{}", e.id, item.id, ctx.now.timestamp()),
            ctx.now,
        )),
        _ => {
            let mut users = db::accounts::users_of_community(&tx, c.id).await?;
            if users.is_empty() {
                users = db::dismissals::township_officers(&tx, c.township_id).await?.iter().map(|u| u.id).collect();
            }
            for u in users {
                notes.push(to_user(
                    u,
                    "exit",
                    title.clone(),
                    note.clone(),
                    None,
                    format!("exit_declare:{}:{}:{u}:{}", e.id, item.id, ctx.now.timestamp()),
                    ctx.now,
                ));
            }
        }
    }
    db::notifications::notify(&tx, notes).await?;
    record(&tx, ctx, AuditAction::ExitDeclare, "exit", e.id, SUCCESS, json!({"item": item.code, "files": digests}))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A receiver's confirmation as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct ConfirmInput {
    /// See `domain::exit::ItemState` (not `pending`).
    pub state: String,
    pub on: Option<NaiveDate>,
    /// The premises' area in square metres, as written.
    pub area: String,
    pub note: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The receiver confirms an item (已移交 / 部分移交 / 拒不移交 / 不适用), with evidence. The
/// leaving company can never do this; the public-revenue item takes the ledger's balance.
pub async fn confirm(deps: &Deps, ctx: &Ctx, id: i64, item_id: i64, input: ConfirmInput) -> Result<(), ServiceError> {
    let (e, c, side) = exit_in_reach(deps, ctx, id, Action::ConfirmHandover).await?;
    let has_committee = !db::accounts::users_of_community(&deps.db, c.id).await?.is_empty();
    if !is_receiver(side, &e, has_committee) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    open_only(&e)?;
    let item = item_of(deps, &e, item_id).await?;
    let state = ItemState::parse(&input.state).filter(|s| ItemState::CONFIRMABLE.contains(s));
    let Some(state) = state else {
        return Err(ServiceError::field("state", "请选择移交情况"));
    };
    let on = input.on.ok_or_else(|| ServiceError::field("on", "请填写日期"))?;
    let kind = kind_of(&item.code);
    let area_centi = match input.area.trim() {
        "" => None,
        a => Some(parse_area(a).map_err(|m| ServiceError::field("area", m))?),
    };
    let confirmation = Confirmation { state, on, area_centi, note: input.note.trim().to_string() };
    check_confirmation(kind, &confirmation, e.opened_on, today(ctx.now)).map_err(|(f, m)| ServiceError::field(f, m))?;
    let prepared = prepare_files(input.files)?;
    if !db::exits::signatures(&deps.db, e.id).await?.is_empty() {
        return Err(RuleCode::Exit(
            "已有一方签署移交清单，移交事项不能再更改（签署的是这份清单）；如确需更正，请由工作人员撤销本次退出交接后重新办理".into(),
        )
        .into());
    }
    let tx = deps.db.begin().await?;
    if !db::exits::touch_if_unchanged(&tx, e.id, e.updated_at, ctx.now).await? {
        return Err(RuleCode::ExitChangedMeanwhile.into());
    }
    let amount_fen = if kind == ItemKind::Revenue && state != ItemState::NotApplicable {
        Some(super::revenue::balance_of(&tx, c.id).await?.0)
    } else {
        None
    };
    db::exits::confirm_item(
        &tx,
        e.id,
        item.id,
        ItemConfirmation {
            state: state.as_str().into(),
            on,
            by: ctx.actor()?.user_id,
            name: ctx.actor_name.chars().take(100).collect(),
            area_centi: if kind == ItemKind::Premises { area_centi } else { None },
            amount_fen,
            note: confirmation.note.clone(),
        },
        ctx.now,
    )
    .await?;
    let digests = store_files(&tx, ctx, &e, item.id, Party::Receiver, prepared).await?;
    db::notifications::notify(
        &tx,
        vec![to_company(
            e.company_id,
            "exit",
            format!("{}：“{}”{}", c.name, item.label, state.label()),
            confirmation.note.clone(),
            None,
            format!("exit_confirm:{}:{}:{}", e.id, item.id, ctx.now.timestamp()),
            ctx.now,
        )],
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::ExitConfirm,
        "exit",
        e.id,
        SUCCESS,
        json!({"item": item.code, "state": state.as_str(), "on": on, "area_centi": area_centi,
               "amount_fen": amount_fen, "files": digests}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Signs the handover record for `party`: the leaving company as 移交方, the receiver as 接收方,
/// the township's officer as 见证方. Only once every item is settled; the third signature numbers
/// and typesets the record, completes the exit and puts the incoming contract in force.
pub async fn sign(deps: &Deps, ctx: &Ctx, id: i64, party: &str) -> Result<(), ServiceError> {
    let party = Party::parse(party).ok_or_else(|| ServiceError::field("party", "请选择签署方"))?;
    let action = match party {
        Party::Leaving => Action::DeclareHandover,
        Party::Receiver => Action::ConfirmHandover,
        Party::Witness => Action::ManageExit,
    };
    let (e, c, side) = exit_in_reach(deps, ctx, id, action).await?;
    let has_committee = !db::accounts::users_of_community(&deps.db, c.id).await?.is_empty();
    let may = match party {
        Party::Leaving => side == Side::Leaving,
        Party::Receiver => is_receiver(side, &e, has_committee),
        Party::Witness => is_witness(side, &e, has_committee),
    };
    if !may {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    open_only(&e)?;
    let items = db::exits::items(&deps.db, e.id).await?;
    let facts = facts_of(&items);
    let existing = db::exits::signatures(&deps.db, e.id).await?;
    let mut signed: Vec<Party> = existing.iter().filter_map(|s| Party::parse(&s.party)).collect();
    check_signature(&facts, &signed, party).map_err(RuleCode::Exit)?;
    let me = ctx.actor()?.user_id;
    if let Some(s) = existing.iter().find(|s| s.user_id == me) {
        let was = Party::parse(&s.party).map(|p| p.label()).unwrap_or_default();
        return Err(RuleCode::Exit(format!("您已作为{was}签署，三方应由不同的人签署")).into());
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let organisation = match party {
        Party::Leaving => db::companies::company(&deps.db, e.company_id).await?.map(|k| k.name).unwrap_or_default(),
        Party::Receiver => e.receiver_name.clone(),
        Party::Witness if side == Side::Bureau => deps.settings.office_name.clone(),
        Party::Witness => tree.name(e.township_id),
    };
    let tx = deps.db.begin().await?;
    if !db::exits::touch_if_unchanged(&tx, e.id, e.updated_at, ctx.now).await? {
        return Err(RuleCode::ExitChangedMeanwhile.into());
    }
    db::exits::insert_signature(
        &tx,
        db::exits::NewSignature {
            exit_id: e.id,
            party: party.as_str().into(),
            user_id: ctx.actor()?.user_id,
            signer_name: ctx.actor_name.chars().take(100).collect(),
            organisation: organisation.clone(),
        },
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::ExitSign,
        "exit",
        e.id,
        SUCCESS,
        json!({"party": party.as_str(), "organisation": organisation}),
    )
    .await?;
    signed.push(party);
    if all_signed(&signed) {
        complete_exit(deps, ctx, &tx, &e, &c, &tree, &items).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The third signature: the record's number and PDF, the exit completed, the community handed
/// to the incoming contract (or to nobody: the owners manage it themselves), everyone told.
async fn complete_exit<C: ConnectionTrait>(
    deps: &Deps,
    ctx: &Ctx,
    tx: &C,
    e: &exit::Model,
    c: &community::Model,
    tree: &JurisdictionTree,
    items: &[exit_item::Model],
) -> Result<(), ServiceError> {
    let now_day = today(ctx.now);
    let year = now_day.year();
    let county = tree.path(e.township_id).first().copied().unwrap_or(e.township_id);
    let seq = db::cases::next_seq(tx, "handover", county, year, ctx.now).await?;
    let number = crate::domain::notice::number(&deps.settings.handover_number_pattern, year, seq);
    let signatures = db::exits::signatures(tx, e.id).await?;
    let company = db::companies::company(tx, e.company_id).await?.map(|k| k.name).unwrap_or_default();
    let pdf_items = items
        .iter()
        .map(|i| {
            let state = ItemState::parse(&i.state).unwrap_or(ItemState::Pending);
            let mut facts = Vec::new();
            if let Some(a) = i.area_centi {
                facts.push(format!("建筑面积{}平方米", format_area(a)));
            }
            if let Some(f) = i.amount_fen {
                facts.push(format!("公共收益结余{}元（按公共收益台账计算）", yuan(f)));
            }
            if !i.note.is_empty() {
                facts.push(i.note.clone());
            }
            if let Some(d) = i.confirmed_on {
                facts.push(format!("接收方于{}确认", date_text(d)));
            }
            propwatch_pdf::NoticeItem {
                community: i.label.clone(),
                item: state.label().into(),
                text: String::new(),
                facts: facts.join("；"),
                legal_basis: i.basis.clone(),
            }
        })
        .collect();
    let sign_lines: Vec<String> = Party::ALL
        .iter()
        .map(|p| {
            let s = signatures.iter().find(|s| s.party == p.as_str());
            match s {
                Some(s) => format!(
                    "{}：{}（经办人{}，{}签署）",
                    p.label(),
                    s.organisation,
                    s.signer_name,
                    date_text(today(s.created_at))
                ),
                None => format!("{}：", p.label()),
            }
        })
        .collect();
    let doc = propwatch_pdf::NoticeDoc {
        issuer: deps.settings.office_name.clone(),
        title: "物业服务项目移交清单".into(),
        number: number.clone(),
        addressee: format!("{}、{}", company, e.receiver_name),
        intro: format!(
            "{}物业服务合同于{}终止（{}）。依据《中华人民共和国民法典》第九百四十九条、《物业管理条例》第二十九条，{}向{}移交下列物业服务用房、设施设备和资料，经接收方逐项确认，{}见证：",
            c.name,
            date_text(e.contract_ends_on),
            reason_of(e).label(),
            company,
            e.receiver_name,
            tree.name(e.township_id)
        ),
        items: pdf_items,
        deadline: String::new(),
        requirements: sign_lines.join("\n"),
        contact: String::new(),
        date: date_text(now_day),
    };
    let pdf = tokio::task::spawn_blocking(move || propwatch_pdf::render_notice(&doc))
        .await
        .map_err(|e| anyhow::anyhow!("typesetting task: {e}"))?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let digest = super::documents::store_pdf(tx, pdf, ctx.now).await?;
    if !db::exits::finish_if_open(
        tx,
        e.id,
        ExitStatus::Completed,
        Some(now_day),
        Some((number.clone(), digest.clone())),
        "",
        ctx.now,
    )
    .await?
    {
        return Err(RuleCode::ExitChangedMeanwhile.into());
    }
    // The takeover: the contract in force ends; a registered contract whose start has come
    // takes over, otherwise the community has no company until one does.
    db::exits::end_in_force(tx, c.id, None, now_day, ctx.now).await?;
    let mut new_company = None;
    for k in db::exits::registered_contracts(tx).await?.into_iter().filter(|k| k.community_id == c.id) {
        if k.starts_on.is_some_and(|s| s <= now_day)
            && db::exits::put_in_force_if_registered(tx, k.id, now_day, ctx.now).await?
        {
            db::exits::set_current_contract(tx, &k, ctx.now).await?;
            record(
                tx,
                ctx,
                AuditAction::ContractInForce,
                "contract",
                k.id,
                SUCCESS,
                json!({"exit_id": e.id, "on": now_day}),
            )
            .await?;
            new_company = Some(k.company_id);
            break;
        }
    }
    if new_company.is_none() {
        db::exits::clear_company(tx, c.id, ctx.now).await?;
    }
    let body = format!("{}物业移交已完成，移交清单{number}已由三方签署。", c.name);
    let mut notes = vec![to_company(
        e.company_id,
        "exit",
        format!("{}：交接完成", c.name),
        body.clone(),
        None,
        format!("exit_complete:{}", e.id),
        ctx.now,
    )];
    if let Some(k) = new_company.or(e.incoming_company_id) {
        notes.push(to_company(
            k,
            "exit",
            format!("{}：交接完成", c.name),
            body.clone(),
            None,
            format!("exit_complete:{}:incoming", e.id),
            ctx.now,
        ));
    }
    db::notifications::notify(tx, notes).await?;
    record(
        tx,
        ctx,
        AuditAction::ExitComplete,
        "exit",
        e.id,
        SUCCESS,
        json!({"record_number": number, "record_sm3": digest, "new_company_id": new_company}),
    )
    .await?;
    Ok(())
}

/// A contract as the registration form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewContract {
    pub company_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub service_grade: String,
    /// Yuan per square metre per month, as written.
    pub fee: String,
}

/// Registers a new contract on a community (bureau staff, the township). While an exit is open
/// it waits for the takeover (待生效); otherwise it is in force from its start day (today or
/// earlier: at once; later: the scanner puts it in force that day). Returns its id.
pub async fn register_contract(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
    new: NewContract,
) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ManageExit) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::ManageExit).await?;
    let mut errors = FieldErrors::new();
    let company = match new.company_id {
        Some(id) => db::companies::company(&deps.db, id).await?,
        None => None,
    };
    if company.is_none() {
        errors.insert("company_id".into(), "请选择物业服务企业".into());
    }
    let fee_fen = match new.fee.trim() {
        "" => None,
        f => match crate::domain::revenue::parse_yuan(f) {
            Some(v) => Some(v),
            None => {
                errors.insert("fee".into(), "物业费标准请填写金额（元/平方米·月），最多两位小数".into());
                None
            }
        },
    };
    let grade = new.service_grade.trim().to_string();
    if grade.chars().count() > 20 {
        errors.insert("service_grade".into(), "服务等级不超过20字".into());
    }
    let start = match check_contract(new.starts_on, new.ends_on, fee_fen) {
        Ok(s) => Some(s),
        Err((f, m)) => {
            errors.insert(f.into(), m);
            None
        }
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (company, start) = (company.expect("checked"), start.expect("checked"));
    let now_day = today(ctx.now);
    let tx = deps.db.begin().await?;
    db::communities::lock_community(&tx, c.id).await?;
    let open_exit = db::exits::open_of_community(&tx, c.id).await?;
    if let Some(e) = &open_exit
        && e.company_id == company.id
    {
        return Err(ServiceError::field("company_id", "正在退出的企业不能作为新物业服务企业登记"));
    }
    if let Some(e) = &open_exit
        && db::exits::contracts_of_community(&tx, c.id)
            .await?
            .iter()
            .any(|k| k.exit_id == Some(e.id) && ContractStatus::parse(&k.status) == Some(ContractStatus::Registered))
    {
        return Err(RuleCode::Exit("本次退出交接已登记新物业服务合同".into()).into());
    }
    // Another company's contract in force ends only through an exit (民法典第949、950条).
    if open_exit.is_none()
        && let Some(current) = c.company_id.filter(|k| *k != company.id)
    {
        let name = db::companies::company(&tx, current).await?.map(|k| k.name).unwrap_or_default();
        return Err(ServiceError::field(
            "company_id",
            format!("该小区现由{name}提供物业服务，更换企业请先启动退出交接，新合同在交接完成后生效"),
        ));
    }
    let in_force = open_exit.is_none() && start <= now_day;
    let k = db::exits::insert_contract(
        &tx,
        NewContractRow {
            community_id: c.id,
            company_id: company.id,
            starts_on: Some(start),
            ends_on: new.ends_on,
            service_grade: grade.clone(),
            fee_fen,
            status: if in_force { ContractStatus::InForce } else { ContractStatus::Registered },
            exit_id: open_exit.as_ref().map(|e| e.id),
            registered_by: Some(actor.user_id),
            in_force_on: in_force.then_some(now_day),
        },
        ctx.now,
    )
    .await?;
    if in_force {
        db::exits::end_in_force(&tx, c.id, Some(k.id), now_day, ctx.now).await?;
        db::exits::set_current_contract(&tx, &k, ctx.now).await?;
    }
    db::notifications::notify(
        &tx,
        vec![to_company(
            company.id,
            "contract",
            format!("{}：物业服务合同已登记", c.name),
            format!(
                "合同期{}至{}，{}。",
                start,
                new.ends_on.map(|d| d.to_string()).unwrap_or_else(|| "未约定".into()),
                if in_force { "已生效" } else { "待原企业交接完成后生效" }
            ),
            None,
            format!("contract:{}", k.id),
            ctx.now,
        )],
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::ContractRegister,
        "contract",
        k.id,
        SUCCESS,
        json!({"community_id": c.id, "company_id": company.id, "starts_on": start, "ends_on": new.ends_on,
               "service_grade": grade, "fee_fen": fee_fen, "in_force": in_force, "exit_id": k.exit_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(k.id)
}

/// Records the takeover inspection (承接查验) of a contract with its findings: bureau staff and
/// the township, the community's committee, or the incoming company itself.
pub async fn record_takeover(
    deps: &Deps,
    ctx: &Ctx,
    contract_id: i64,
    on: Option<NaiveDate>,
    findings: &str,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let k = db::exits::contract(&deps.db, contract_id).await?.ok_or(ServiceError::NotFound("物业服务合同"))?;
    match actor.scope {
        Scope::Company(own) if own == k.company_id && role_may(actor.role, Action::DeclareHandover) => {}
        Scope::Company(_) => return Err(ServiceError::NotFound("物业服务合同")),
        Scope::Community(_) => {
            community_in_reach(deps, ctx, k.community_id, Action::ConfirmHandover).await?;
        }
        _ => {
            community_in_reach(deps, ctx, k.community_id, Action::ManageExit).await?;
        }
    }
    if ContractStatus::parse(&k.status) == Some(ContractStatus::Ended) {
        return Err(RuleCode::Exit("该合同已终止，不能再记录承接查验".into()).into());
    }
    // The takeover inspection is the incoming company's: never on the contract of a company that
    // leaves (or left) the community after it was registered.
    if db::exits::of_community(&deps.db, k.community_id)
        .await?
        .iter()
        .any(|e| e.company_id == k.company_id && e.created_at >= k.created_at && status_of(e) != ExitStatus::Cancelled)
    {
        return Err(RuleCode::Exit("该企业正在或已经退出本小区，承接查验由新进入的企业办理".into()).into());
    }
    let on =
        on.filter(|d| *d <= today(ctx.now)).ok_or_else(|| ServiceError::field("on", "请填写查验日期（不晚于今天）"))?;
    let findings = findings.trim().to_string();
    if findings.chars().count() < 2 || findings.chars().count() > 4000 {
        return Err(ServiceError::field("findings", "请写明查验发现的问题及处理意见（2至4000字）"));
    }
    let tx = deps.db.begin().await?;
    db::exits::record_takeover(&tx, k.id, on, findings.clone(), ctx.actor_name.chars().take(100).collect(), ctx.now)
        .await?;
    record(&tx, ctx, AuditAction::ContractTakeover, "contract", k.id, SUCCESS, json!({"on": on, "findings": findings}))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What one scan did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scanned {
    /// Exits past their deadline for which an A4 case was opened and litigation proposed.
    pub overdue: u64,
    /// Registered contracts put in force on their start day.
    pub contracts: u64,
}

/// The scanner's part: exits past their deadline with items withheld get their A4.1 (A4.2)
/// case once, with the litigation rung proposed to the leaders; registered contracts whose day
/// has come and whose community has no open exit come into force.
pub async fn scan(deps: &Deps, ctx: &Ctx) -> Result<Scanned, ServiceError> {
    let now_day = today(ctx.now);
    let mut done = Scanned::default();
    let overdue = db::exits::overdue_without_case(&deps.db, now_day).await?;
    // The catalog's titles, read only on a tick that has an overdue exit to file.
    let catalog: HashMap<String, String> = if overdue.is_empty() {
        HashMap::new()
    } else {
        db::catalog::catalog(&deps.db).await?.into_iter().map(|c| (c.code, c.title)).collect()
    };
    for e in overdue {
        let items = db::exits::items(&deps.db, e.id).await?;
        let facts = facts_of(&items);
        let leaving_signed =
            db::exits::signatures(&deps.db, e.id).await?.iter().any(|s| s.party == Party::Leaving.as_str());
        if complete(&facts) && leaving_signed {
            continue; // the company signed: waiting for the receiver and the witness only
        }
        let Some(c) = db::communities::community(&deps.db, e.community_id).await? else { continue };
        let responsible = match db::accounts::user(&deps.db, e.opened_by).await?.filter(|u| u.active) {
            Some(u) => Some(u),
            None => match db::accounts::staff_of_township(&deps.db, e.township_id).await?.first() {
                Some(id) => db::accounts::user(&deps.db, *id).await?,
                None => None,
            },
        };
        let Some(responsible) = responsible else {
            tracing::warn!(exit = e.id, "no responsible person for an overdue exit");
            continue;
        };
        let codes: Vec<String> = overdue_codes(&facts, receiver_of(&e)).into_iter().map(String::from).collect();
        let mut held = withheld(&facts);
        if held.is_empty() {
            held.push("移交清单（移交方拒不签署）".into());
        }
        let company = db::companies::company(&deps.db, e.company_id).await?.map(|k| k.name).unwrap_or_default();
        let facts_text = format!(
            "{company}的{}物业服务合同于{}终止，移交期限{}已过，仍未移交：{}。",
            c.name,
            e.contract_ends_on,
            e.handover_deadline,
            held.join("、")
        );
        let tx = deps.db.begin().await?;
        let p = db::complaints::insert_problem(
            &tx,
            db::complaints::NewProblem {
                community_id: c.id,
                company_id: Some(e.company_id),
                township_id: c.township_id,
                catalog_code: codes[0].clone(),
                title: format!("逾期未完成物业移交：{}", c.name).chars().take(200).collect(),
                description: facts_text.clone(),
                source: "system",
                created_by: None,
            },
            ctx.now,
        )
        .await?;
        // The case names the leaving company even if the community changed hands meanwhile.
        let as_leaving = community::Model { company_id: Some(e.company_id), ..c.clone() };
        let title = format!("逾期未完成物业移交：{}", c.name);
        let case_id = super::cases::insert_case(
            &tx,
            ctx,
            &p,
            &as_leaving,
            &responsible,
            &title,
            &facts_text,
            &codes,
            &catalog,
            None,
        )
        .await?;
        if !db::exits::set_case_if_none(&tx, e.id, case_id, ctx.now).await? {
            continue; // another scanner got there first; the transaction rolls back
        }
        let k = db::cases::case(&tx, case_id).await?.ok_or(ServiceError::NotFound("案件"))?;
        let note = format!("退出交接#{}：{}", e.id, facts_text);
        super::escalations::propose(&tx, ctx, &k, EscalationReason::HandoverWithheld, &note).await?;
        super::timeline::timeline_note(
            &tx,
            ctx,
            &k,
            EventKind::EscalationProposed.as_str(),
            &format!("提请升级处理（{}）：{}", EscalationReason::HandoverWithheld.label(), facts_text),
        )
        .await?;
        let mut notes: Vec<_> = db::exits::leaders(&tx)
            .await?
            .iter()
            .map(|u| {
                to_user(
                    u.id,
                    "exit_overdue",
                    format!("{}：逾期拒不移交，提请引导业主委员会起诉", c.name),
                    facts_text.clone(),
                    Some(case_id),
                    format!("exit_overdue:{}:{}", e.id, u.id),
                    ctx.now,
                )
            })
            .collect();
        notes.push(to_company(
            e.company_id,
            "exit_overdue",
            format!("{}：移交期限已过，已立案", c.name),
            format!("{facts_text}请立即移交（民法典第949条），拒不移交的将依法追究责任。"),
            None,
            format!("exit_overdue:{}:company", e.id),
            ctx.now,
        ));
        db::notifications::notify(&tx, notes).await?;
        record(
            &tx,
            ctx,
            AuditAction::ExitOverdue,
            "exit",
            e.id,
            SUCCESS,
            json!({"case_id": case_id, "items": codes, "withheld": held}),
        )
        .await?;
        tx.commit().await?;
        done.overdue += 1;
    }
    for k in db::exits::registered_contracts(&deps.db).await? {
        let Some(start) = k.starts_on else { continue };
        let open = db::exits::open_of_community(&deps.db, k.community_id).await?.is_some();
        if !crate::domain::exit::contract_takes_effect(start, open, now_day) {
            continue;
        }
        let tx = deps.db.begin().await?;
        db::communities::lock_community(&tx, k.community_id).await?;
        if db::exits::open_of_community(&tx, k.community_id).await?.is_some()
            || !db::exits::put_in_force_if_registered(&tx, k.id, now_day, ctx.now).await?
        {
            continue;
        }
        db::exits::end_in_force(&tx, k.community_id, Some(k.id), now_day, ctx.now).await?;
        db::exits::set_current_contract(&tx, &k, ctx.now).await?;
        record(&tx, ctx, AuditAction::ContractInForce, "contract", k.id, SUCCESS, json!({"on": now_day})).await?;
        tx.commit().await?;
        done.contracts += 1;
    }
    Ok(done)
}

// ------------------------------------------------------------------ views

/// An evidence file as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    /// `pdf` or `jpeg`.
    pub kind: String,
    /// 移交方 or 接收方.
    pub party: String,
}

/// A checklist item as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub position: i32,
    pub code: String,
    pub label: String,
    pub basis: String,
    /// See `domain::exit::ItemState`.
    pub state: String,
    pub state_label: String,
    pub settled: bool,
    /// `premises`, `revenue` or `plain`: what the confirmation asks for.
    pub kind: String,
    pub confirmed_on: Option<NaiveDate>,
    pub confirmer: String,
    /// The premises' area, square metres.
    pub area: Option<String>,
    /// The public-revenue balance handed over, yuan (frozen at the confirmation).
    pub amount: Option<String>,
    /// The ledger's balance now, yuan (the revenue item, before its confirmation).
    pub ledger_balance: Option<String>,
    pub note: String,
    pub declared_at: Option<String>,
    pub declared_note: String,
    pub files: Vec<FileView>,
}

/// A signature as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignatureView {
    pub party: String,
    pub party_label: String,
    pub organisation: String,
    pub signer: String,
    pub signed_at: String,
}

/// A contract period as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContractView {
    pub id: i64,
    pub company_id: i64,
    pub company: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub service_grade: String,
    /// Yuan per square metre per month.
    pub fee: Option<String>,
    pub status: String,
    pub status_label: String,
    pub in_force_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub exit_id: Option<i64>,
    pub takeover_inspected_on: Option<NaiveDate>,
    pub takeover_findings: String,
    pub takeover_inspector: String,
}

/// What the actor may do on the exit now (the pages show the forms, the API documents them).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Permissions {
    /// Declare items delivered (the leaving company).
    pub declare: bool,
    /// Confirm items (the receiver).
    pub confirm: bool,
    /// The parties the actor may sign for now.
    pub sign: Vec<String>,
    /// Withdraw the exit, register the incoming contract (staff, township).
    pub manage: bool,
    /// Record litigation steps (staff, township) once the deadline has passed.
    pub litigation: bool,
}

/// An exit as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExitView {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub township: String,
    pub company_id: i64,
    pub company: String,
    pub reason: String,
    pub reason_label: String,
    pub track_id: Option<i64>,
    pub receiver_kind: String,
    pub receiver_kind_label: String,
    pub receiver_name: String,
    pub incoming_company_id: Option<i64>,
    pub notice_on: Option<NaiveDate>,
    pub opened_on: NaiveDate,
    pub contract_ends_on: NaiveDate,
    pub deadline_days: i32,
    pub handover_deadline: NaiveDate,
    /// Said beside a deadline past the holiday table (counted with weekends only).
    pub deadline_note: Option<String>,
    pub status: String,
    pub status_label: String,
    pub stage_label: String,
    /// The leaving company still serves (第950条): cases go to it.
    pub keeps_serving: bool,
    pub overdue: bool,
    pub case_id: Option<i64>,
    pub completed_on: Option<NaiveDate>,
    pub record_number: String,
    pub has_record: bool,
    pub cancel_reason: String,
    pub note: String,
    pub items: Vec<ItemView>,
    /// The items not handed over yet, with their state.
    pub withheld: Vec<String>,
    pub settled: usize,
    pub total: usize,
    pub complete: bool,
    pub signatures: Vec<SignatureView>,
    pub contracts: Vec<ContractView>,
    pub may: Permissions,
}

/// An exit in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExitRow {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub company: String,
    pub reason_label: String,
    pub stage_label: String,
    pub status: String,
    pub contract_ends_on: NaiveDate,
    pub handover_deadline: NaiveDate,
    pub settled: usize,
    pub total: usize,
    pub overdue: bool,
}

fn stage_of(e: &exit::Model, settled: bool, today: NaiveDate) -> Stage {
    stage(status_of(e), e.contract_ends_on, e.handover_deadline, settled, today)
}

async fn company_names<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(db::companies::all_companies(db).await?.into_iter().map(|c| (c.id, c.name)).collect())
}

fn contract_view(k: contract::Model, names: &HashMap<i64, String>) -> ContractView {
    let status = ContractStatus::parse(&k.status).unwrap_or(ContractStatus::Ended);
    ContractView {
        id: k.id,
        company_id: k.company_id,
        company: names.get(&k.company_id).cloned().unwrap_or_default(),
        starts_on: k.starts_on,
        ends_on: k.ends_on,
        service_grade: k.service_grade,
        fee: k.fee_fen.map(yuan),
        status: status.as_str().into(),
        status_label: status.label().into(),
        in_force_on: k.in_force_on,
        ended_on: k.ended_on,
        exit_id: k.exit_id,
        takeover_inspected_on: k.takeover_inspected_on,
        takeover_findings: k.takeover_findings,
        takeover_inspector: k.takeover_inspector,
    }
}

/// One exit with its checklist, signatures and the community's contracts, for anyone who may
/// read it: the bureau and the township within reach, the committee, the leaving and the
/// incoming company.
pub async fn get(deps: &Deps, ctx: &Ctx, id: i64) -> Result<ExitView, ServiceError> {
    let (e, c, side) = exit_in_reach(deps, ctx, id, Action::ReadExit).await?;
    let actor = ctx.actor()?.clone();
    let tree = JurisdictionTree::load(&deps.db).await?;
    let names = company_names(&deps.db).await?;
    let items = db::exits::items(&deps.db, e.id).await?;
    let facts = facts_of(&items);
    let files = db::exits::files(&deps.db, e.id).await?;
    let signatures = db::exits::signatures(&deps.db, e.id).await?;
    let now_day = today(ctx.now);
    let is_complete = complete(&facts);
    let st = stage_of(&e, is_complete, now_day);
    let open = status_of(&e) == ExitStatus::Open;
    let has_committee = !db::accounts::users_of_community(&deps.db, c.id).await?.is_empty();
    let receiver = is_receiver(side, &e, has_committee) && role_may(actor.role, Action::ConfirmHandover);
    let signed: Vec<Party> = signatures.iter().filter_map(|s| Party::parse(&s.party)).collect();
    let mut may_sign = Vec::new();
    if open && is_complete {
        for p in Party::ALL {
            let mine = match p {
                Party::Leaving => side == Side::Leaving && role_may(actor.role, Action::DeclareHandover),
                Party::Receiver => receiver,
                Party::Witness => is_witness(side, &e, has_committee) && role_may(actor.role, Action::ManageExit),
            };
            if mine && !signed.contains(&p) {
                may_sign.push(p.as_str().to_string());
            }
        }
    }
    let manage = matches!(side, Side::Bureau | Side::Township) && role_may(actor.role, Action::ManageExit);
    let balance = if items.iter().any(|i| kind_of(&i.code) == ItemKind::Revenue && i.amount_fen.is_none()) {
        Some(super::revenue::balance_of(&deps.db, c.id).await?.0)
    } else {
        None
    };
    let item_views = items
        .iter()
        .map(|i| {
            let state = ItemState::parse(&i.state).unwrap_or(ItemState::Pending);
            let kind = kind_of(&i.code);
            ItemView {
                id: i.id,
                position: i.position,
                code: i.code.clone(),
                label: i.label.clone(),
                basis: i.basis.clone(),
                state: state.as_str().into(),
                state_label: state.label().into(),
                settled: state.is_settled(),
                kind: match kind {
                    ItemKind::Premises => "premises",
                    ItemKind::Revenue => "revenue",
                    ItemKind::Plain => "plain",
                }
                .into(),
                confirmed_on: i.confirmed_on,
                confirmer: i.confirmer_name.clone(),
                area: i.area_centi.map(format_area),
                amount: i.amount_fen.map(yuan),
                ledger_balance: if kind == ItemKind::Revenue && i.amount_fen.is_none() {
                    balance.map(yuan)
                } else {
                    None
                },
                note: i.note.clone(),
                declared_at: i.declared_at.map(crate::clock::display),
                declared_note: i.declared_note.clone(),
                files: files
                    .iter()
                    .filter(|f| f.item_id == i.id)
                    .map(|f| FileView {
                        id: f.id,
                        name: f.name.clone(),
                        kind: f.kind.clone(),
                        party: Party::parse(&f.party).map(|p| p.label()).unwrap_or_default().into(),
                    })
                    .collect(),
            }
        })
        .collect();
    let contracts = db::exits::contracts_of_community(&deps.db, c.id)
        .await?
        .into_iter()
        .map(|k| contract_view(k, &names))
        .collect();
    let reason = reason_of(&e);
    let receiver_kind = receiver_of(&e);
    let status = status_of(&e);
    Ok(ExitView {
        id: e.id,
        community_id: c.id,
        community: c.name.clone(),
        township: tree.name(e.township_id),
        company_id: e.company_id,
        company: names.get(&e.company_id).cloned().unwrap_or_default(),
        reason: reason.as_str().into(),
        reason_label: reason.label().into(),
        track_id: e.track_id,
        receiver_kind: receiver_kind.as_str().into(),
        receiver_kind_label: receiver_kind.label().into(),
        receiver_name: e.receiver_name.clone(),
        incoming_company_id: e.incoming_company_id,
        notice_on: e.notice_on,
        opened_on: e.opened_on,
        contract_ends_on: e.contract_ends_on,
        deadline_days: e.deadline_days,
        handover_deadline: e.handover_deadline,
        deadline_note: super::holidays::calendar(&deps.db).await?.coverage_note(e.handover_deadline),
        status: status.as_str().into(),
        status_label: status.label().into(),
        stage_label: st.label().into(),
        keeps_serving: st.keeps_serving(),
        overdue: st == Stage::Overdue,
        case_id: if matches!(side, Side::Leaving | Side::Incoming) { None } else { e.case_id },
        completed_on: e.completed_on,
        record_number: e.record_number.clone(),
        has_record: e.record_sm3.is_some(),
        cancel_reason: e.cancel_reason.clone(),
        note: e.note.clone(),
        items: item_views,
        withheld: withheld(&facts),
        settled: facts.iter().filter(|f| f.state.is_settled()).count(),
        total: facts.len(),
        complete: is_complete,
        signatures: signatures
            .iter()
            .map(|s| SignatureView {
                party: s.party.clone(),
                party_label: Party::parse(&s.party).map(|p| p.label()).unwrap_or_default().into(),
                organisation: s.organisation.clone(),
                signer: s.signer_name.clone(),
                signed_at: crate::clock::display(s.created_at),
            })
            .collect(),
        contracts,
        may: Permissions {
            declare: open && side == Side::Leaving && role_may(actor.role, Action::DeclareHandover),
            confirm: open && receiver,
            sign: may_sign,
            manage: open && manage,
            litigation: manage && role_may(actor.role, Action::TrackDismissal) && now_day > e.handover_deadline,
        },
    })
}

/// The exits the actor may read, newest first: the bureau and the township within reach, the
/// committee its community's, a company those it leaves or takes over.
pub async fn list(deps: &Deps, ctx: &Ctx) -> Result<Vec<ExitRow>, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ReadExit) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let rows = match actor.scope {
        Scope::Company(own) => db::exits::of_company(&deps.db, own).await?,
        Scope::Community(own) => db::exits::of_community(&deps.db, own).await?,
        Scope::Jurisdiction(own) => {
            let tree = JurisdictionTree::load(&deps.db).await?;
            let reach = tree.subtree(own);
            db::exits::all(&deps.db).await?.into_iter().filter(|e| reach.contains(&e.township_id)).collect()
        }
        Scope::Department(_) => Vec::new(),
    };
    let names = company_names(&deps.db).await?;
    let now_day = today(ctx.now);
    let mut out = Vec::new();
    for e in rows {
        let items = facts_of(&db::exits::items(&deps.db, e.id).await?);
        let st = stage_of(&e, complete(&items), now_day);
        let community = db::communities::community(&deps.db, e.community_id).await?.map(|c| c.name).unwrap_or_default();
        out.push(ExitRow {
            id: e.id,
            community_id: e.community_id,
            community,
            company: names.get(&e.company_id).cloned().unwrap_or_default(),
            reason_label: reason_of(&e).label().into(),
            stage_label: st.label().into(),
            status: e.status.clone(),
            contract_ends_on: e.contract_ends_on,
            handover_deadline: e.handover_deadline,
            settled: items.iter().filter(|i| i.state.is_settled()).count(),
            total: items.len(),
            overdue: st == Stage::Overdue,
        });
    }
    Ok(out)
}

/// A community's contract periods, newest first (readers of the community's registry data).
pub async fn contracts(deps: &Deps, ctx: &Ctx, community_id: i64) -> Result<Vec<ContractView>, ServiceError> {
    community_in_reach(deps, ctx, community_id, Action::ViewRegistry).await?;
    let names = company_names(&deps.db).await?;
    Ok(db::exits::contracts_of_community(&deps.db, community_id)
        .await?
        .into_iter()
        .map(|k| contract_view(k, &names))
        .collect())
}

/// An exit's progress as the public sees it: no person, no note, no evidence.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicExit {
    pub company: String,
    pub reason_label: String,
    pub stage_label: String,
    pub contract_ends_on: NaiveDate,
    pub handover_deadline: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    /// (item, state label).
    pub items: Vec<(String, String)>,
    pub settled: usize,
    pub total: usize,
    /// The company taking over (its contract registered or in force), if any.
    pub incoming_company: Option<String>,
}

/// The community's latest exit (not withdrawn) for its public page.
pub async fn public_of_community(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
) -> Result<Option<PublicExit>, ServiceError> {
    let Some(e) = db::exits::of_community(&deps.read, community_id)
        .await?
        .into_iter()
        .find(|e| status_of(e) != ExitStatus::Cancelled)
    else {
        return Ok(None);
    };
    let names = company_names(&deps.read).await?;
    let items = db::exits::items(&deps.read, e.id).await?;
    let facts = facts_of(&items);
    let incoming = db::exits::contracts_of_community(&deps.read, community_id)
        .await?
        .into_iter()
        .find(|k| k.exit_id == Some(e.id) && ContractStatus::parse(&k.status) != Some(ContractStatus::Ended))
        .map(|k| k.company_id)
        .or(e.incoming_company_id);
    Ok(Some(PublicExit {
        company: names.get(&e.company_id).cloned().unwrap_or_default(),
        reason_label: reason_of(&e).label().into(),
        stage_label: stage_of(&e, complete(&facts), today(ctx.now)).label().into(),
        contract_ends_on: e.contract_ends_on,
        handover_deadline: e.handover_deadline,
        completed_on: e.completed_on,
        items: facts.iter().map(|f| (f.label.clone(), f.state.label().to_string())).collect(),
        settled: facts.iter().filter(|f| f.state.is_settled()).count(),
        total: facts.len(),
        incoming_company: incoming.and_then(|k| names.get(&k).cloned()),
    }))
}

/// An exit the actor may read (the litigation steps' readers).
pub(crate) async fn readable(deps: &Deps, ctx: &Ctx, id: i64) -> Result<exit::Model, ServiceError> {
    Ok(exit_in_reach(deps, ctx, id, Action::ReadExit).await?.0)
}

/// An exit on which the actor (bureau staff, the township) may record litigation steps.
pub(crate) async fn litigable(deps: &Deps, ctx: &Ctx, id: i64) -> Result<exit::Model, ServiceError> {
    let (e, _, side) = exit_in_reach(deps, ctx, id, Action::ManageExit).await?;
    if !matches!(side, Side::Bureau | Side::Township) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    Ok(e)
}

/// The signed handover record (PDF), for readers of the exit.
pub async fn record_pdf(deps: &Deps, ctx: &Ctx, id: i64) -> Result<super::blobs::Download, ServiceError> {
    let (e, _, _) = exit_in_reach(deps, ctx, id, Action::ReadExit).await?;
    let digest = e.record_sm3.ok_or(ServiceError::NotFound("移交清单"))?;
    super::documents::open_pdf(&deps.read, &digest).await
}

/// An evidence file of the exit, for its readers.
pub async fn file(deps: &Deps, ctx: &Ctx, id: i64, file_id: i64) -> Result<super::blobs::Download, ServiceError> {
    exit_in_reach(deps, ctx, id, Action::ReadExit).await?;
    let f =
        db::exits::file(&deps.db, file_id).await?.filter(|f| f.exit_id == id).ok_or(ServiceError::NotFound("文件"))?;
    super::documents::open(&deps.read, &f.digest).await
}

/// What the opening form offers: the communities within the actor's reach that have a company
/// and no open exit (id, name, company, contract end), the dismissal tracks whose notice was
/// served (id, community id, label), and every company (id, name) for the incoming one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenChoices {
    pub communities: Vec<(i64, String, String, Option<NaiveDate>)>,
    pub tracks: Vec<(i64, i64, String)>,
    pub companies: Vec<(i64, String)>,
}

/// The choices of the opening form (staff, township).
pub async fn open_choices(deps: &Deps, ctx: &Ctx) -> Result<OpenChoices, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ManageExit) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let Scope::Jurisdiction(own) = actor.scope else {
        return Err(ServiceError::Forbidden(Denied::Role));
    };
    let tree = JurisdictionTree::load(&deps.db).await?;
    let reach = tree.subtree(own);
    let names = company_names(&deps.db).await?;
    let open: std::collections::HashSet<i64> = db::exits::all(&deps.db)
        .await?
        .into_iter()
        .filter(|e| status_of(e) == ExitStatus::Open)
        .map(|e| e.community_id)
        .collect();
    let mut communities = Vec::new();
    let mut by_id = HashMap::new();
    for c in db::communities::all_managed_communities(&deps.db).await? {
        if !reach.contains(&c.township_id) {
            continue;
        }
        by_id.insert(c.id, c.name.clone());
        if open.contains(&c.id) {
            continue;
        }
        let company = c.company_id.and_then(|k| names.get(&k).cloned()).unwrap_or_default();
        communities.push((c.id, c.name, company, c.contract_end));
    }
    let mut tracks = Vec::new();
    for (id, name) in &by_id {
        for t in db::dismissals::of_community(&deps.db, *id).await? {
            if let (Some(s), Some(e)) = (t.served_on, t.contract_ends_on) {
                tracks.push((t.id, *id, format!("{name}：{s}书面通知解聘，合同最早于{e}终止")));
            }
        }
    }
    tracks.sort();
    let mut companies: Vec<(i64, String)> = names.into_iter().collect();
    companies.sort();
    Ok(OpenChoices { communities, tracks, companies })
}
