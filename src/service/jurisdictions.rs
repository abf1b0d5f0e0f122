//! Jurisdictions: the county, its townships and neighbourhoods, read within the actor's reach and
//! changed by administrators.

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::changes::changes;
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::entities::jurisdiction;
use crate::db::jurisdictions::NewJurisdiction;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize};
use crate::domain::registry::FieldErrors;
use crate::domain::registry::JurisdictionLevel;
use crate::domain::role::Scope;

/// Jurisdiction levels as the form offers them: (string form, label).
pub fn levels() -> Vec<(&'static str, &'static str)> {
    JurisdictionLevel::ALL.iter().map(|l| (l.as_str(), l.label())).collect()
}

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
        level_label: JurisdictionLevel::parse(&j.level).map(|l| l.label().to_string()).unwrap_or_default(),
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
    let level = JurisdictionLevel::parse(&form.level);
    if level.is_none() {
        errors.insert("level".into(), "请选择层级".into());
    }
    let parent = form.parent_id.and_then(|p| tree.get(p));
    if level != Some(JurisdictionLevel::County) && parent.is_none() {
        errors.insert("parent_id".into(), "请选择上级辖区".into());
    }
    if let Some(other) = db::jurisdictions::jurisdiction_by_code(&tx, &code).await?
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
            let e = db::jurisdictions::jurisdiction(&tx, id).await?.ok_or(ServiceError::NotFound("辖区"))?;
            authorize(actor, Action::EditJurisdiction, &Object::Jurisdiction { path: tree.path(id) })?;
            if form.parent_id.is_some_and(|p| tree.path(p).contains(&id)) {
                return Err(ServiceError::field("parent_id", "上级辖区不能是自身或其下级"));
            }
            let before = json!({"code": e.code, "name": e.name, "level": e.level, "parent_id": e.parent_id});
            let fields = NewJurisdiction { code, name, level: form.level.clone(), parent_id: form.parent_id };
            let m = db::jurisdictions::update_jurisdiction(&tx, id, fields, ctx.now).await?;
            record(&tx, ctx, AuditAction::JurisdictionUpdate, "jurisdiction", id, SUCCESS, changes(&before, &after))
                .await?;
            m
        }
        None => {
            let fields = NewJurisdiction { code, name, level: form.level.clone(), parent_id: form.parent_id };
            let m = db::jurisdictions::insert_jurisdiction(&tx, fields, ctx.now).await?;
            record(&tx, ctx, AuditAction::JurisdictionCreate, "jurisdiction", m.id, SUCCESS, after).await?;
            m
        }
    };
    let tree = JurisdictionTree::load(&tx).await?;
    tx.commit().await?;
    Ok(jurisdiction_view(&tree, &m))
}

/// Townships as `(id, name)` for pickers, within the actor's scope.
pub async fn townships_for(deps: &Deps, ctx: &Ctx) -> Result<Vec<(i64, String)>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let within = match actor.scope {
        Scope::Jurisdiction(j) => Some(j),
        _ => actor.jurisdiction_path.first().copied(),
    };
    Ok(tree.of_level(JurisdictionLevel::Township, within).into_iter().map(|j| (j.id, j.name.clone())).collect())
}
