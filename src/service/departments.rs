//! Departments: the departments cases are referred to, read within the actor's scope and
//! changed by administrators.

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::changes::changes;
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::entities::department;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize};
use crate::domain::registry::FieldErrors;
use crate::domain::role::Scope;

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
    let rows = db::departments::departments(&deps.db, None).await?;
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
            let e = db::departments::department(&tx, id).await?.ok_or(ServiceError::NotFound("部门"))?;
            authorize(actor, Action::EditDepartment, &Object::Department { id, path: tree.path(e.jurisdiction_id) })?;
            let before = json!({"name": e.name, "kind": e.kind, "contact_phone": e.contact_phone});
            let m = db::departments::update_department(&tx, id, &name, &form.kind, form.contact_phone.trim(), ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_departments_name"], dup))?;
            record(&tx, ctx, AuditAction::DepartmentUpdate, "department", id, SUCCESS, changes(&before, &after))
                .await?;
            m
        }
        None => {
            authorize(actor, Action::EditDepartment, &Object::Department { id: 0, path: tree.path(jurisdiction_id) })?;
            let m = db::departments::insert_department(
                &tx,
                jurisdiction_id,
                &name,
                &form.kind,
                form.contact_phone.trim(),
                ctx.now,
            )
            .await
            .map_err(ServiceError::unique_or(&["uq_departments_name"], dup))?;
            record(&tx, ctx, AuditAction::DepartmentCreate, "department", m.id, SUCCESS, after).await?;
            m
        }
    };
    tx.commit().await?;
    Ok(department_view(m))
}
