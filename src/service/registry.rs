//! The registry: jurisdictions, companies, communities, departments, the violation catalog and
//! campaigns, each read and changed within the actor's scope.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::audit::{SUCCESS, record};
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, Page, ServiceError};
use crate::db;
use crate::db::entities::{campaign, catalog_item, community, company, department, jurisdiction};
use crate::db::registry::{CommunityFilter, CompanyFilter, NewCampaign, NewCatalogItem, NewJurisdiction};
use crate::domain::authz::{Action, Actor, Denied, Object, authorize};
use crate::domain::registry::{
    CM2_PER_M2, CommitteeKind, CommunityDraft, CompanyDraft, CompanyStatus, FieldErrors, NewCommunity, NewCompany,
    contract_expired_flag, format_decimal, format_decimal_trim,
};
use crate::domain::role::Scope;

/// Jurisdiction levels.
pub const LEVELS: [(&str, &str); 3] =
    [("county", "县(市、区)"), ("township", "乡镇(街道)"), ("neighbourhood", "社区(村)")];

fn company_object(tree: &JurisdictionTree, c: &company::Model) -> Object {
    Object::Company { id: c.id, path: tree.path(c.jurisdiction_id) }
}

fn community_object(tree: &JurisdictionTree, c: &community::Model) -> Object {
    Object::Community { id: c.id, company_id: c.company_id, path: tree.path(c.township_id) }
}

/// Top-level keys whose values differ, as {key: [before, after]}.
pub fn changes(before: &Value, after: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let (Value::Object(b), Value::Object(a)) = (before, after) {
        for (k, av) in a {
            let bv = b.get(k).unwrap_or(&Value::Null);
            if bv != av {
                out.insert(k.clone(), json!([bv, av]));
            }
        }
    }
    Value::Object(out)
}

// ---------------------------------------------------------------- companies

/// A company as shown to signed-in users.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompanyView {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    pub status: CompanyStatus,
    pub status_label: String,
    pub jurisdiction_id: i64,
    pub jurisdiction_name: String,
    pub community_count: u64,
}

fn company_view(tree: &JurisdictionTree, c: company::Model, community_count: u64) -> CompanyView {
    let status = CompanyStatus::parse(&c.status).unwrap_or(CompanyStatus::Active);
    CompanyView {
        id: c.id,
        jurisdiction_name: tree.name(c.jurisdiction_id),
        jurisdiction_id: c.jurisdiction_id,
        name: c.name,
        credit_code: c.credit_code,
        legal_representative: c.legal_representative,
        contact_person: c.contact_person,
        contact_phone: c.contact_phone,
        address: c.address,
        status,
        status_label: status.label().into(),
        community_count,
    }
}

/// The filter on companies that the actor's scope allows.
async fn company_reach<C: ConnectionTrait>(
    db: &C,
    tree: &JurisdictionTree,
    actor: &Actor,
) -> Result<CompanyFilter, ServiceError> {
    if !crate::domain::authz::role_may(actor.role, Action::ViewRegistry) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    Ok(match actor.scope {
        Scope::Jurisdiction(j) => {
            let mut ids = tree.subtree(j);
            ids.extend(actor.jurisdiction_path.iter().copied());
            CompanyFilter { jurisdiction_ids: Some(ids), ..Default::default() }
        }
        Scope::Company(c) => CompanyFilter { ids: Some(vec![c]), ..Default::default() },
        Scope::Community(m) => {
            let company = db::registry::community(db, m).await?.and_then(|c| c.company_id);
            CompanyFilter { ids: Some(company.into_iter().collect()), ..Default::default() }
        }
        Scope::Department(_) => return Err(ServiceError::Forbidden(Denied::OutOfScope)),
    })
}

async fn community_counts<C: ConnectionTrait>(db: &C, company_ids: &[i64]) -> Result<HashMap<i64, u64>, ServiceError> {
    let mut counts = HashMap::new();
    for &id in company_ids {
        let (_, n) =
            db::registry::communities(db, &CommunityFilter { company_id: Some(id), ..Default::default() }, 1, 1)
                .await?;
        counts.insert(id, n);
    }
    Ok(counts)
}

/// Companies the actor may see, matching `q` (name or credit code).
pub async fn list_companies(
    deps: &Deps,
    ctx: &Ctx,
    q: Option<String>,
    page: u64,
    per_page: u64,
) -> Result<Page<CompanyView>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut filter = company_reach(&deps.db, &tree, actor).await?;
    filter.q = q;
    let (rows, total) = db::registry::companies(&deps.db, &filter, page.max(1), per_page).await?;
    let counts = community_counts(&deps.db, &rows.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    let items = rows.into_iter().map(|c| {
        let n = counts.get(&c.id).copied().unwrap_or(0);
        company_view(&tree, c, n)
    });
    Ok(Page { items: items.collect(), total, page: page.max(1), per_page })
}

/// The companies within the actor's reach as (id, name), for pickers: no per-company counts.
pub async fn company_choices(deps: &Deps, ctx: &Ctx) -> Result<Vec<(i64, String)>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let filter = company_reach(&deps.db, &tree, actor).await?;
    let (rows, _) = db::registry::companies(&deps.db, &filter, 1, 1000).await?;
    Ok(rows.into_iter().map(|c| (c.id, c.name)).collect())
}

/// One company, if the actor may see it.
pub async fn get_company(deps: &Deps, ctx: &Ctx, id: i64) -> Result<CompanyView, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let c = db::registry::company(&deps.db, id).await?.ok_or(ServiceError::NotFound("企业"))?;
    // A committee member may see the company managing their community.
    let via_community = match actor.scope {
        Scope::Community(m) => db::registry::community(&deps.db, m).await?.and_then(|x| x.company_id) == Some(id),
        _ => false,
    };
    if !via_community {
        authorize(actor, Action::ViewRegistry, &company_object(&tree, &c))?;
    }
    let counts = community_counts(&deps.db, &[id]).await?;
    Ok(company_view(&tree, c, counts[&id]))
}

/// What an import or a save did to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Created,
    Updated,
    Unchanged,
}

fn company_json(c: &NewCompany) -> Value {
    json!({
        "name": c.name, "credit_code": c.credit_code, "legal_representative": c.legal_representative,
        "contact_person": c.contact_person, "contact_phone": c.contact_phone, "address": c.address,
        "status": c.status.as_str(),
    })
}

fn company_model_json(c: &company::Model) -> Value {
    json!({
        "name": c.name, "credit_code": c.credit_code, "legal_representative": c.legal_representative,
        "contact_person": c.contact_person, "contact_phone": c.contact_phone, "address": c.address,
        "status": c.status,
    })
}

/// Writes a parsed company (new, or over `existing`) with its audit entry, in `tx`.
pub(crate) async fn save_company<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    tree: &JurisdictionTree,
    existing: Option<company::Model>,
    new: NewCompany,
) -> Result<(company::Model, Change), ServiceError> {
    let actor = ctx.actor()?;
    let duplicate = || ServiceError::field("credit_code", "该统一社会信用代码已登记为另一家企业");
    if let Some(other) = db::registry::company_by_credit_code(tx, &new.credit_code).await?
        && existing.as_ref().is_none_or(|e| e.id != other.id)
    {
        return Err(duplicate());
    }
    match existing {
        Some(e) => {
            authorize(actor, Action::EditCompany, &company_object(tree, &e))?;
            let before = company_model_json(&e);
            let after = company_json(&new);
            let diff = changes(&before, &after);
            if diff.as_object().is_some_and(|m| m.is_empty()) {
                return Ok((e, Change::Unchanged));
            }
            let id = e.id;
            let m = db::registry::update_company(tx, id, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_companies_credit_code"], duplicate))?;
            record(tx, ctx, "company.update", "company", id, SUCCESS, diff).await?;
            Ok((m, Change::Updated))
        }
        None => {
            let jurisdiction_id = match actor.scope {
                Scope::Jurisdiction(j) => j,
                _ => return Err(ServiceError::Forbidden(Denied::Role)),
            };
            authorize(actor, Action::EditCompany, &Object::Company { id: 0, path: tree.path(jurisdiction_id) })?;
            let summary = company_json(&new);
            let m = db::registry::insert_company(tx, jurisdiction_id, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_companies_credit_code"], duplicate))?;
            record(tx, ctx, "company.create", "company", m.id, SUCCESS, summary).await?;
            Ok((m, Change::Created))
        }
    }
}

/// Creates a company in the actor's jurisdiction.
pub async fn create_company(deps: &Deps, ctx: &Ctx, draft: CompanyDraft) -> Result<CompanyView, ServiceError> {
    let new = NewCompany::try_from(draft).map_err(ServiceError::Invalid)?;
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let (m, _) = save_company(&tx, ctx, &tree, None, new).await?;
    tx.commit().await?;
    Ok(company_view(&tree, m, 0))
}

/// Changes a company.
pub async fn update_company(deps: &Deps, ctx: &Ctx, id: i64, draft: CompanyDraft) -> Result<CompanyView, ServiceError> {
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let existing = db::registry::company(&tx, id).await?.ok_or(ServiceError::NotFound("企业"))?;
    authorize(ctx.actor()?, Action::EditCompany, &company_object(&tree, &existing))?;
    let new = NewCompany::try_from(draft).map_err(ServiceError::Invalid)?;
    let (m, _) = save_company(&tx, ctx, &tree, Some(existing), new).await?;
    let n = community_counts(&tx, &[id]).await?[&id];
    tx.commit().await?;
    Ok(company_view(&tree, m, n))
}

// ---------------------------------------------------------------- communities

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
    Ok(db::registry::companies_by_ids(db, ids).await?.into_iter().map(|c| (c.id, c.name)).collect())
}

fn community_reach(tree: &JurisdictionTree, actor: &Actor) -> Result<CommunityFilter, ServiceError> {
    if !crate::domain::authz::role_may(actor.role, Action::ViewRegistry) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    Ok(match actor.scope {
        Scope::Jurisdiction(j) => CommunityFilter { township_ids: Some(tree.subtree(j)), ..Default::default() },
        Scope::Company(c) => CommunityFilter { company_id: Some(c), ..Default::default() },
        Scope::Community(m) => CommunityFilter { community_id: Some(m), ..Default::default() },
        Scope::Department(_) => return Err(ServiceError::Forbidden(Denied::OutOfScope)),
    })
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
    let (rows, total) = db::registry::communities(&deps.db, &filter, page.max(1), per_page).await?;
    let names = company_names(&deps.db, &rows).await?;
    let today = crate::clock::today(ctx.now);
    let items = rows.into_iter().map(|c| community_view(&tree, &names, c, today)).collect();
    Ok(Page { items, total, page: page.max(1), per_page })
}

/// One community, if the actor may see it.
pub async fn get_community(deps: &Deps, ctx: &Ctx, id: i64) -> Result<CommunityView, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let c = db::registry::community(&deps.db, id).await?.ok_or(ServiceError::NotFound("小区"))?;
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
        Some(j) if j.level == "township" => {}
        _ => {
            errors.insert("township_id".into(), "所属乡镇(街道)不存在".into());
        }
    }
    if let Some(cid) = new.company_id {
        match db::registry::company(tx, cid).await? {
            Some(c) if authorize(actor, Action::ViewRegistry, &company_object(tree, &c)).is_ok() => {}
            _ => {
                errors.insert("company_id".into(), "物业服务企业不存在或不在本辖区".into());
            }
        }
    }
    let duplicate = || ServiceError::field("code", "该小区编码已被使用");
    if let Some(other) = db::registry::community_by_code(tx, &new.code).await?
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
            let m = db::registry::update_community(tx, id, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_communities_code"], duplicate))?;
            record(tx, ctx, "community.update", "community", id, SUCCESS, diff).await?;
            Ok((m, Change::Updated))
        }
        None => {
            let m = db::registry::insert_community(tx, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_communities_code"], duplicate))?;
            record(tx, ctx, "community.create", "community", m.id, SUCCESS, after).await?;
            Ok((m, Change::Created))
        }
    }
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
    let existing = db::registry::community(&tx, id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(ctx.actor()?, Action::EditCommunity, &community_object(&tree, &existing))?;
    let new = NewCommunity::try_from(draft).map_err(ServiceError::Invalid)?;
    let (m, _) = save_community(&tx, ctx, &tree, Some(existing), new).await?;
    let names = company_names(&tx, std::slice::from_ref(&m)).await?;
    tx.commit().await?;
    Ok(community_view(&tree, &names, m, crate::clock::today(ctx.now)))
}

/// Communities of a township as `(id, name)` for pickers, within the actor's scope.
pub async fn townships_for(deps: &Deps, ctx: &Ctx) -> Result<Vec<(i64, String)>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let within = match actor.scope {
        Scope::Jurisdiction(j) => Some(j),
        _ => actor.jurisdiction_path.first().copied(),
    };
    Ok(tree.of_level("township", within).into_iter().map(|j| (j.id, j.name.clone())).collect())
}

// ---------------------------------------------------------------- jurisdictions

/// A jurisdiction with its parent's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JurisdictionView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub level_label: String,
    pub parent_id: Option<i64>,
    pub parent_name: String,
    pub depth: usize,
}

/// Input for a jurisdiction.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct JurisdictionForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub level: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub parent_id: Option<i64>,
}

fn jurisdiction_view(tree: &JurisdictionTree, j: &jurisdiction::Model) -> JurisdictionView {
    JurisdictionView {
        id: j.id,
        code: j.code.clone(),
        name: j.name.clone(),
        level: j.level.clone(),
        level_label: LEVELS.iter().find(|(l, _)| *l == j.level).map(|(_, n)| n.to_string()).unwrap_or_default(),
        parent_id: j.parent_id,
        parent_name: j.parent_id.map(|p| tree.name(p)).unwrap_or_default(),
        depth: tree.path(j.id).len().saturating_sub(1),
    }
}

/// Jurisdictions within the actor's reach, as a tree in code order.
pub async fn list_jurisdictions(deps: &Deps, ctx: &Ctx) -> Result<Vec<JurisdictionView>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let root = match actor.scope {
        Scope::Jurisdiction(j) => j,
        _ => *actor.jurisdiction_path.last().ok_or(ServiceError::Forbidden(Denied::OutOfScope))?,
    };
    authorize(actor, Action::ViewRegistry, &Object::Jurisdiction { path: tree.path(root) })?;
    let within = tree.subtree(root);
    Ok(tree.all().into_iter().filter(|j| within.contains(&j.id)).map(|j| jurisdiction_view(&tree, j)).collect())
}

/// Creates or changes a jurisdiction (administrators).
pub async fn save_jurisdiction(
    deps: &Deps,
    ctx: &Ctx,
    id: Option<i64>,
    form: JurisdictionForm,
) -> Result<JurisdictionView, ServiceError> {
    let actor = ctx.actor()?;
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let mut errors = FieldErrors::new();
    let code = form.code.trim().to_string();
    if code.is_empty() || code.len() > 32 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        errors.insert("code".into(), "编码为1-32位字母、数字或连字符".into());
    }
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 50 {
        errors.insert("name".into(), "请填写名称（不超过50字）".into());
    }
    if !LEVELS.iter().any(|(l, _)| *l == form.level) {
        errors.insert("level".into(), "请选择层级".into());
    }
    let parent = form.parent_id.and_then(|p| tree.get(p));
    if form.level != "county" && parent.is_none() {
        errors.insert("parent_id".into(), "请选择上级辖区".into());
    }
    if let Some(other) = db::registry::jurisdiction_by_code(&tx, &code).await?
        && Some(other.id) != id
    {
        errors.insert("code".into(), "该编码已被使用".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let path = match parent {
        Some(p) => tree.path(p.id),
        None => actor.jurisdiction_path.clone(),
    };
    authorize(actor, Action::EditJurisdiction, &Object::Jurisdiction { path })?;
    let after = json!({"code": code, "name": name, "level": form.level, "parent_id": form.parent_id});
    let m = match id {
        Some(id) => {
            let e = db::registry::jurisdiction(&tx, id).await?.ok_or(ServiceError::NotFound("辖区"))?;
            authorize(actor, Action::EditJurisdiction, &Object::Jurisdiction { path: tree.path(id) })?;
            if form.parent_id.is_some_and(|p| tree.path(p).contains(&id)) {
                return Err(ServiceError::field("parent_id", "上级辖区不能是自身或其下级"));
            }
            let before = json!({"code": e.code, "name": e.name, "level": e.level, "parent_id": e.parent_id});
            let fields = NewJurisdiction { code, name, level: form.level.clone(), parent_id: form.parent_id };
            let m = db::registry::update_jurisdiction(&tx, id, fields, ctx.now).await?;
            record(&tx, ctx, "jurisdiction.update", "jurisdiction", id, SUCCESS, changes(&before, &after)).await?;
            m
        }
        None => {
            let fields = NewJurisdiction { code, name, level: form.level.clone(), parent_id: form.parent_id };
            let m = db::registry::insert_jurisdiction(&tx, fields, ctx.now).await?;
            record(&tx, ctx, "jurisdiction.create", "jurisdiction", m.id, SUCCESS, after).await?;
            m
        }
    };
    let tree = JurisdictionTree::load(&tx).await?;
    tx.commit().await?;
    Ok(jurisdiction_view(&tree, &m))
}

// ---------------------------------------------------------------- departments

/// Department kinds.
pub const DEPARTMENT_KINDS: [(&str, &str); 6] = [
    ("enforcement", "综合执法"),
    ("development_reform", "发展改革"),
    ("market_supervision", "市场监管"),
    ("fire_rescue", "消防救援"),
    ("township", "乡镇(街道)"),
    ("other", "其他部门"),
];

/// A department.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub contact_phone: String,
    pub jurisdiction_id: i64,
}

/// Input for a department.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DepartmentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub contact_phone: String,
}

fn department_view(d: department::Model) -> DepartmentView {
    DepartmentView {
        kind_label: DEPARTMENT_KINDS.iter().find(|(k, _)| *k == d.kind).map(|(_, l)| l.to_string()).unwrap_or_default(),
        id: d.id,
        name: d.name,
        kind: d.kind,
        contact_phone: d.contact_phone,
        jurisdiction_id: d.jurisdiction_id,
    }
}

/// Departments the actor may see.
pub async fn list_departments(deps: &Deps, ctx: &Ctx) -> Result<Vec<DepartmentView>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let rows = db::registry::departments(&deps.db, None).await?;
    Ok(rows
        .into_iter()
        .filter(|d| {
            authorize(actor, Action::ViewRegistry, &Object::Department { id: d.id, path: tree.path(d.jurisdiction_id) })
                .is_ok()
        })
        .map(department_view)
        .collect())
}

/// Creates or changes a department of the actor's jurisdiction (administrators).
pub async fn save_department(
    deps: &Deps,
    ctx: &Ctx,
    id: Option<i64>,
    form: DepartmentForm,
) -> Result<DepartmentView, ServiceError> {
    let actor = ctx.actor()?;
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let mut errors = FieldErrors::new();
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 50 {
        errors.insert("name".into(), "请填写部门名称（不超过50字）".into());
    }
    if !DEPARTMENT_KINDS.iter().any(|(k, _)| *k == form.kind) {
        errors.insert("kind".into(), "请选择部门类别".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let jurisdiction_id = match actor.scope {
        Scope::Jurisdiction(j) => j,
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    };
    let after = json!({"name": name, "kind": form.kind, "contact_phone": form.contact_phone.trim()});
    let dup = || ServiceError::field("name", "本辖区已有同名部门");
    let m = match id {
        Some(id) => {
            let e = db::registry::department(&tx, id).await?.ok_or(ServiceError::NotFound("部门"))?;
            authorize(actor, Action::EditDepartment, &Object::Department { id, path: tree.path(e.jurisdiction_id) })?;
            let before = json!({"name": e.name, "kind": e.kind, "contact_phone": e.contact_phone});
            let m = db::registry::update_department(&tx, id, &name, &form.kind, form.contact_phone.trim(), ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_departments_name"], dup))?;
            record(&tx, ctx, "department.update", "department", id, SUCCESS, changes(&before, &after)).await?;
            m
        }
        None => {
            authorize(actor, Action::EditDepartment, &Object::Department { id: 0, path: tree.path(jurisdiction_id) })?;
            let m = db::registry::insert_department(
                &tx,
                jurisdiction_id,
                &name,
                &form.kind,
                form.contact_phone.trim(),
                ctx.now,
            )
            .await
            .map_err(ServiceError::unique_or(&["uq_departments_name"], dup))?;
            record(&tx, ctx, "department.create", "department", m.id, SUCCESS, after).await?;
            m
        }
    };
    tx.commit().await?;
    Ok(department_view(m))
}

// ---------------------------------------------------------------- catalog

/// A catalog item (整治内容).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogItemView {
    pub id: i64,
    pub code: String,
    pub parent_code: Option<String>,
    pub category: String,
    /// The short name tables use.
    pub title: String,
    /// The full text in the words of the bureau's notice.
    pub description: String,
    pub legal_basis: String,
    pub active: bool,
    pub depth: usize,
}

/// Input for changing a catalog item.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CatalogItemForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub title: String,
    /// The full text (empty keeps it empty).
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub active: Option<String>,
}

fn catalog_view(c: catalog_item::Model) -> CatalogItemView {
    CatalogItemView {
        depth: c.code.matches('.').count() + usize::from(c.code.len() > 1),
        id: c.id,
        code: c.code,
        parent_code: c.parent_code,
        category: c.category,
        title: c.title,
        description: c.description,
        legal_basis: c.legal_basis,
        active: c.active,
    }
}

/// The whole catalog (public data).
pub async fn list_catalog(deps: &Deps) -> Result<Vec<CatalogItemView>, ServiceError> {
    Ok(db::registry::catalog(&deps.db).await?.into_iter().map(catalog_view).collect())
}

/// One catalog item.
pub async fn get_catalog_item(deps: &Deps, id: i64) -> Result<CatalogItemView, ServiceError> {
    db::registry::catalog_item(&deps.db, id).await?.map(catalog_view).ok_or(ServiceError::NotFound("整治事项"))
}

/// Creates (`id` = None) or changes a catalog item (administrators).
pub async fn save_catalog_item(
    deps: &Deps,
    ctx: &Ctx,
    id: Option<i64>,
    form: CatalogItemForm,
) -> Result<CatalogItemView, ServiceError> {
    authorize(ctx.actor()?, Action::EditCatalog, &Object::Catalog)?;
    let tx = deps.db.begin().await?;
    let mut errors = FieldErrors::new();
    let title = form.title.trim().to_string();
    if title.is_empty() {
        errors.insert("title".into(), "请填写事项内容".into());
    }
    let active = matches!(form.active.as_deref(), Some("on" | "true" | "1"));
    let legal_basis = form.legal_basis.trim().to_string();
    let description = form.description.trim().to_string();
    if description.chars().count() > 2000 {
        errors.insert("description".into(), "完整表述不超过2000字".into());
    }
    let m = match id {
        Some(id) => {
            if !errors.is_empty() {
                return Err(ServiceError::Invalid(errors));
            }
            let e = db::registry::catalog_item(&tx, id).await?.ok_or(ServiceError::NotFound("整治事项"))?;
            let before = json!({"title": e.title, "description": e.description, "legal_basis": e.legal_basis, "active": e.active});
            let after =
                json!({"title": title, "description": description, "legal_basis": legal_basis, "active": active});
            let m =
                db::registry::update_catalog_item(&tx, id, title, description, legal_basis, active, ctx.now).await?;
            record(&tx, ctx, "catalog_item.update", "catalog_item", id, SUCCESS, changes(&before, &after)).await?;
            m
        }
        None => {
            let code = form.code.trim().to_string();
            let category = code.chars().next().map(|c| c.to_string()).unwrap_or_default();
            if !(category == "A" || category == "B") || code.len() > 16 {
                errors.insert("code".into(), "编码以A或B开头，如 A1.6".into());
            }
            let parent_code = Some(form.parent_code.trim().to_string()).filter(|s| !s.is_empty());
            let items = db::registry::catalog(&tx).await?;
            if items.iter().any(|i| i.code == code) {
                errors.insert("code".into(), "该编码已存在".into());
            }
            if let Some(p) = &parent_code
                && !items.iter().any(|i| &i.code == p)
            {
                errors.insert("parent_code".into(), "上级事项不存在".into());
            }
            if !errors.is_empty() {
                return Err(ServiceError::Invalid(errors));
            }
            let position = items.iter().map(|i| i.position).max().unwrap_or(0) + 1;
            let new = NewCatalogItem {
                code: code.clone(),
                parent_code,
                category,
                title: title.clone(),
                description,
                legal_basis,
                position,
            };
            let m = db::registry::insert_catalog_item(&tx, new, ctx.now).await?;
            record(
                &tx,
                ctx,
                "catalog_item.create",
                "catalog_item",
                m.id,
                SUCCESS,
                json!({"code": code, "title": title}),
            )
            .await?;
            m
        }
    };
    tx.commit().await?;
    Ok(catalog_view(m))
}

// ---------------------------------------------------------------- campaigns

/// A campaign phase.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PhaseView {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A campaign (专项行动) with its phases.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    pub id: i64,
    pub name: String,
    pub document_no: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub phases: Vec<PhaseView>,
}

/// Input for a new campaign.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewCampaignRequest {
    pub name: String,
    #[serde(default)]
    pub document_no: String,
    pub phases: Vec<PhaseView>,
}

async fn campaign_view<C: ConnectionTrait>(db: &C, c: campaign::Model) -> Result<CampaignView, ServiceError> {
    let phases = db::registry::campaign_phases(db, c.id)
        .await?
        .into_iter()
        .map(|p| PhaseView { name: p.name, starts_on: p.starts_on, ends_on: p.ends_on })
        .collect();
    Ok(CampaignView {
        id: c.id,
        name: c.name,
        document_no: c.document_no,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        phases,
    })
}

/// Campaigns of the actor's county.
pub async fn list_campaigns(deps: &Deps, ctx: &Ctx) -> Result<Vec<CampaignView>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut out = Vec::new();
    for c in db::registry::campaigns(&deps.db, None).await? {
        if authorize(actor, Action::ViewRegistry, &Object::Jurisdiction { path: tree.path(c.jurisdiction_id) }).is_ok()
            || actor.jurisdiction_path.contains(&c.jurisdiction_id)
        {
            out.push(campaign_view(&deps.db, c).await?);
        }
    }
    Ok(out)
}

/// Creates a campaign with its phases, for the actor's jurisdiction.
pub async fn create_campaign(deps: &Deps, ctx: &Ctx, req: NewCampaignRequest) -> Result<CampaignView, ServiceError> {
    let actor = ctx.actor()?;
    let jurisdiction_id = match actor.scope {
        Scope::Jurisdiction(j) => j,
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    };
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    authorize(actor, Action::EditCampaign, &Object::Jurisdiction { path: tree.path(jurisdiction_id) })?;
    let mut errors = FieldErrors::new();
    if req.name.trim().is_empty() {
        errors.insert("name".into(), "请填写专项行动名称".into());
    }
    if req.phases.is_empty() {
        errors.insert("phases".into(), "至少需要一个阶段".into());
    }
    for (i, p) in req.phases.iter().enumerate() {
        if p.ends_on < p.starts_on {
            errors.insert(format!("phases[{i}]"), format!("第{}阶段的结束日期早于开始日期", i + 1));
        }
        if p.name.trim().is_empty() {
            errors.insert(format!("phases[{i}].name"), format!("请填写第{}阶段名称", i + 1));
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let starts_on = req.phases.iter().map(|p| p.starts_on).min().expect("non-empty");
    let ends_on = req.phases.iter().map(|p| p.ends_on).max().expect("non-empty");
    let new = NewCampaign {
        jurisdiction_id,
        name: req.name.trim().into(),
        document_no: req.document_no.trim().into(),
        starts_on,
        ends_on,
    };
    let c = db::registry::insert_campaign(&tx, new, ctx.now).await?;
    for (i, p) in req.phases.iter().enumerate() {
        db::registry::insert_campaign_phase(&tx, c.id, i as i32 + 1, p.name.trim(), p.starts_on, p.ends_on, ctx.now)
            .await?;
    }
    record(&tx, ctx, "campaign.create", "campaign", c.id, SUCCESS, json!({"name": c.name, "phases": req.phases}))
        .await?;
    let v = campaign_view(&tx, c).await?;
    tx.commit().await?;
    Ok(v)
}
