//! Property-service companies: the registry's companies, read and changed within the actor's
//! scope.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::{Value, json};

use super::audit::{SUCCESS, record};
use super::changes::{Change, changes};
use super::scope::{JurisdictionTree, company_object, company_reach};
use super::{Ctx, Deps, Page, ServiceError};
use crate::db;
use crate::db::communities::CommunityFilter;
use crate::db::entities::company;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize};
use crate::domain::registry::{CompanyDraft, CompanyStatus, NewCompany};
use crate::domain::role::Scope;

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

async fn community_counts<C: ConnectionTrait>(db: &C, company_ids: &[i64]) -> Result<HashMap<i64, u64>, ServiceError> {
    let mut counts = HashMap::new();
    for &id in company_ids {
        let (_, n) =
            db::communities::communities(db, &CommunityFilter { company_id: Some(id), ..Default::default() }, 1, 1)
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
    let (rows, total) = db::companies::companies(&deps.db, &filter, page.max(1), per_page).await?;
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
    let (rows, _) = db::companies::companies(&deps.db, &filter, 1, 1000).await?;
    Ok(rows.into_iter().map(|c| (c.id, c.name)).collect())
}

/// One company, if the actor may see it.
pub async fn get_company(deps: &Deps, ctx: &Ctx, id: i64) -> Result<CompanyView, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let c = db::companies::company(&deps.db, id).await?.ok_or(ServiceError::NotFound("企业"))?;
    // A committee member may see the company managing their community.
    let via_community = match actor.scope {
        Scope::Community(m) => db::communities::community(&deps.db, m).await?.and_then(|x| x.company_id) == Some(id),
        _ => false,
    };
    if !via_community {
        authorize(actor, Action::ViewRegistry, &company_object(&tree, &c))?;
    }
    let counts = community_counts(&deps.db, &[id]).await?;
    Ok(company_view(&tree, c, counts[&id]))
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
    if let Some(other) = db::companies::company_by_credit_code(tx, &new.credit_code).await?
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
            let m = db::companies::update_company(tx, id, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_companies_credit_code"], duplicate))?;
            record(tx, ctx, AuditAction::CompanyUpdate, "company", id, SUCCESS, diff).await?;
            Ok((m, Change::Updated))
        }
        None => {
            let jurisdiction_id = match actor.scope {
                Scope::Jurisdiction(j) => j,
                _ => return Err(ServiceError::Forbidden(Denied::Role)),
            };
            authorize(actor, Action::EditCompany, &Object::Company { id: 0, path: tree.path(jurisdiction_id) })?;
            let summary = company_json(&new);
            let m = db::companies::insert_company(tx, jurisdiction_id, new, ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_companies_credit_code"], duplicate))?;
            record(tx, ctx, AuditAction::CompanyCreate, "company", m.id, SUCCESS, summary).await?;
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
    let existing = db::companies::company(&tx, id).await?.ok_or(ServiceError::NotFound("企业"))?;
    authorize(ctx.actor()?, Action::EditCompany, &company_object(&tree, &existing))?;
    let new = NewCompany::try_from(draft).map_err(ServiceError::Invalid)?;
    let (m, _) = save_company(&tx, ctx, &tree, Some(existing), new).await?;
    let n = community_counts(&tx, &[id]).await?[&id];
    tx.commit().await?;
    Ok(company_view(&tree, m, n))
}
