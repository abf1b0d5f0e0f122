//! Residential communities: the registry's communities, read and changed within the actor's
//! scope.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::{Value, json};

use super::audit::{SUCCESS, record};
use super::changes::{Change, changes};
use super::scope::{JurisdictionTree, community_object, community_reach, company_object};
use super::{Ctx, Deps, Page, ServiceError};
use crate::db;
use crate::db::entities::community;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize};
use crate::domain::registry::JurisdictionLevel;
use crate::domain::registry::{
    CM2_PER_M2, CommitteeKind, CommunityDraft, FieldErrors, NewCommunity, contract_expired_flag, format_decimal,
    format_decimal_trim,
};

/// A community as shown to signed-in users.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommunityView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub township_id: i64,
    pub township_name: String,
    pub company_id: Option<i64>,
    pub company_name: String,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    /// `合同已到期（2024-05-31）` when the contract's end date lies before today.
    pub contract_expired: Option<String>,
    pub service_grade: String,
    /// fen per m² per month
    pub fee_fen: Option<i64>,
    /// 元/㎡·月, formatted
    pub fee_yuan: String,
    /// cm²
    pub building_area_cm2: Option<i64>,
    /// ㎡, formatted
    pub building_area_m2: String,
    pub unit_count: Option<i32>,
    pub committee: CommitteeKind,
    pub committee_label: String,
}

/// `today`: the application clock's date, against which the contract's end is read.
fn community_view(
    tree: &JurisdictionTree,
    companies: &HashMap<i64, String>,
    c: community::Model,
    today: NaiveDate,
) -> CommunityView {
    let committee = CommitteeKind::parse(&c.committee).unwrap_or(CommitteeKind::None);
    CommunityView {
        id: c.id,
        township_name: tree.name(c.township_id),
        company_name: c.company_id.and_then(|id| companies.get(&id).cloned()).unwrap_or_default(),
        code: c.code,
        name: c.name,
        address: c.address,
        township_id: c.township_id,
        company_id: c.company_id,
        contract_start: c.contract_start,
        contract_end: c.contract_end,
        contract_expired: contract_expired_flag(c.contract_end, today),
        service_grade: c.service_grade,
        fee_fen: c.fee_fen,
        fee_yuan: c.fee_fen.map(|f| format_decimal(f, 2)).unwrap_or_default(),
        building_area_cm2: c.building_area_cm2,
        building_area_m2: c.building_area_cm2.map(|a| format_decimal_trim(a, CM2_PER_M2)).unwrap_or_default(),
        unit_count: c.unit_count,
        committee,
        committee_label: committee.label().into(),
    }
}

async fn company_names<C: ConnectionTrait>(
    db: &C,
    rows: &[community::Model],
) -> Result<HashMap<i64, String>, ServiceError> {
    let ids: Vec<i64> = rows.iter().filter_map(|c| c.company_id).collect();
    Ok(db::companies::companies_by_ids(db, ids).await?.into_iter().map(|c| (c.id, c.name)).collect())
}

/// Communities the actor may see, matching `q`, optionally of one township or company.
pub async fn list_communities(
    deps: &Deps,
    ctx: &Ctx,
    q: Option<String>,
    township_id: Option<i64>,
    company_id: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<Page<CommunityView>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut filter = community_reach(&tree, actor)?;
    filter.q = q;
    if let Some(t) = township_id {
        let sub = tree.subtree(t);
        filter.township_ids = Some(match filter.township_ids {
            Some(allowed) => allowed.into_iter().filter(|x| sub.contains(x)).collect(),
            None => sub,
        });
    }
    if let Some(c) = company_id {
        if filter.company_id.is_some_and(|own| own != c) {
            return Err(ServiceError::Forbidden(Denied::OutOfScope));
        }
        filter.company_id = Some(c);
    }
    let (rows, total) = db::communities::communities(&deps.db, &filter, page.max(1), per_page).await?;
    let names = company_names(&deps.db, &rows).await?;
    let today = crate::clock::today(ctx.now);
    let items = rows.into_iter().map(|c| community_view(&tree, &names, c, today)).collect();
    Ok(Page { items, total, page: page.max(1), per_page })
}

/// One community, if the actor may see it.
pub async fn get_community(deps: &Deps, ctx: &Ctx, id: i64) -> Result<CommunityView, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let c = db::communities::community(&deps.db, id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(actor, Action::ViewRegistry, &community_object(&tree, &c))?;
    let names = company_names(&deps.db, std::slice::from_ref(&c)).await?;
    Ok(community_view(&tree, &names, c, crate::clock::today(ctx.now)))
}

fn community_json(c: &NewCommunity) -> Value {
    json!({
        "code": c.code, "name": c.name, "address": c.address, "township_id": c.township_id,
        "company_id": c.company_id, "contract_start": c.contract_start, "contract_end": c.contract_end,
        "service_grade": c.service_grade, "fee_fen": c.fee_fen, "building_area_cm2": c.building_area_cm2,
        "unit_count": c.unit_count, "committee": c.committee.as_str(),
    })
}

fn community_model_json(c: &community::Model) -> Value {
    json!({
        "code": c.code, "name": c.name, "address": c.address, "township_id": c.township_id,
        "company_id": c.company_id, "contract_start": c.contract_start, "contract_end": c.contract_end,
        "service_grade": c.service_grade, "fee_fen": c.fee_fen, "building_area_cm2": c.building_area_cm2,
        "unit_count": c.unit_count, "committee": c.committee,
    })
}

/// Writes a parsed community (new, or over `existing`) with its audit entry, in `tx`.
pub(crate) async fn save_community<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    tree: &JurisdictionTree,
    existing: Option<community::Model>,
    new: NewCommunity,
) -> Result<(community::Model, Change), ServiceError> {
    let actor = ctx.actor()?;
    let mut errors = FieldErrors::new();
    match tree.get(new.township_id) {
        Some(j) if j.level == JurisdictionLevel::Township.as_str() => {}
        _ => {
            errors.insert("township_id".into(), "所属乡镇(街道)不存在".into());
        }
    }
    if let Some(cid) = new.company_id {
        match db::companies::company(tx, cid).await? {
            Some(c) if authorize(actor, Action::ViewRegistry, &company_object(tree, &c)).is_ok() => {}
            _ => {
                errors.insert("company_id".into(), "物业服务企业不存在或不在本辖区".into());
            }
        }
    }
    let duplicate = || ServiceError::field("code", "该小区编码已被使用");
    if let Some(other) = db::communities::community_by_code(tx, &new.code).await?
        && existing.as_ref().is_none_or(|e| e.id != other.id)
    {
        errors.insert("code".into(), "该小区编码已被使用".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let target = Object::Community { id: 0, company_id: new.company_id, path: tree.path(new.township_id) };
    authorize(actor, Action::EditCommunity, &target)?;
    let after = community_json(&new);
    match existing {
        Some(e) => {
            authorize(actor, Action::EditCommunity, &community_object(tree, &e))?;
            let diff = changes(&community_model_json(&e), &after);
            if diff.as_object().is_some_and(|m| m.is_empty()) {
                return Ok((e, Change::Unchanged));
            }
            let id = e.id;
            if new.company_id != e.company_id && db::exits::open_of_community(tx, id).await?.is_some() {
                return Err(ServiceError::field(
                    "company_id",
                    "该小区正在退出交接：原企业交接完成前继续服务，新企业的合同请在退出交接中登记",
                ));
            }
            let m = db::communities::update_community(tx, id, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_communities_code"], duplicate))?;
            sync_contract(tx, ctx, &m).await?;
            record(tx, ctx, AuditAction::CommunityUpdate, "community", id, SUCCESS, diff).await?;
            Ok((m, Change::Updated))
        }
        None => {
            let m = db::communities::insert_community(tx, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_communities_code"], duplicate))?;
            sync_contract(tx, ctx, &m).await?;
            record(tx, ctx, AuditAction::CommunityCreate, "community", m.id, SUCCESS, after).await?;
            Ok((m, Change::Created))
        }
    }
}

/// Keeps the community's contract periods in step with its registration: the contract in force
/// takes the registered terms; a different company starts a new period (the old one ends today);
/// no company ends the period.
async fn sync_contract<C: ConnectionTrait>(tx: &C, ctx: &Ctx, m: &community::Model) -> Result<(), ServiceError> {
    let today = crate::clock::today(ctx.now);
    let current = db::exits::in_force_of_community(tx, m.id).await?;
    match (m.company_id, current) {
        (Some(k), Some(cur)) if cur.company_id == k => db::exits::update_terms(tx, cur.id, m, ctx.now).await?,
        (Some(k), _) => {
            db::exits::end_in_force(tx, m.id, None, today, ctx.now).await?;
            db::exits::insert_contract(
                tx,
                db::exits::NewContract {
                    community_id: m.id,
                    company_id: k,
                    starts_on: m.contract_start,
                    ends_on: m.contract_end,
                    service_grade: m.service_grade.clone(),
                    fee_fen: m.fee_fen,
                    status: crate::domain::exit::ContractStatus::InForce,
                    exit_id: None,
                    registered_by: ctx.actor.as_ref().map(|a| a.user_id),
                    in_force_on: Some(today),
                },
                ctx.now,
            )
            .await?;
        }
        (None, Some(_)) => db::exits::end_in_force(tx, m.id, None, today, ctx.now).await?,
        (None, None) => {}
    }
    Ok(())
}

/// Creates a community.
pub async fn create_community(deps: &Deps, ctx: &Ctx, draft: CommunityDraft) -> Result<CommunityView, ServiceError> {
    let new = NewCommunity::try_from(draft).map_err(ServiceError::Invalid)?;
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let (m, _) = save_community(&tx, ctx, &tree, None, new).await?;
    let names = company_names(&tx, std::slice::from_ref(&m)).await?;
    tx.commit().await?;
    Ok(community_view(&tree, &names, m, crate::clock::today(ctx.now)))
}

/// Changes a community.
pub async fn update_community(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    draft: CommunityDraft,
) -> Result<CommunityView, ServiceError> {
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let existing = db::communities::community(&tx, id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(ctx.actor()?, Action::EditCommunity, &community_object(&tree, &existing))?;
    let new = NewCommunity::try_from(draft).map_err(ServiceError::Invalid)?;
    let (m, _) = save_community(&tx, ctx, &tree, Some(existing), new).await?;
    let names = company_names(&tx, std::slice::from_ref(&m)).await?;
    tx.commit().await?;
    Ok(community_view(&tree, &names, m, crate::clock::today(ctx.now)))
}
