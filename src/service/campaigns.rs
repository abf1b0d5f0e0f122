//! Campaigns (专项行动) with their phases, of the actor's county.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::campaigns::NewCampaign;
use crate::db::entities::campaign;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize};
use crate::domain::registry::FieldErrors;
use crate::domain::role::Scope;

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
    let phases = db::campaigns::campaign_phases(db, c.id)
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
    for c in db::campaigns::campaigns(&deps.db, None).await? {
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
    let c = db::campaigns::insert_campaign(&tx, new, ctx.now).await?;
    for (i, p) in req.phases.iter().enumerate() {
        db::campaigns::insert_campaign_phase(&tx, c.id, i as i32 + 1, p.name.trim(), p.starts_on, p.ends_on, ctx.now)
            .await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::CampaignCreate,
        "campaign",
        c.id,
        SUCCESS,
        json!({"name": c.name, "phases": req.phases}),
    )
    .await?;
    let v = campaign_view(&tx, c).await?;
    tx.commit().await?;
    Ok(v)
}
