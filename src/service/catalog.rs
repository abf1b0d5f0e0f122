//! The violation catalog (整治内容): public data, changed by administrators.

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::changes::changes;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::catalog::NewCatalogItem;
use crate::db::entities::catalog_item;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Object, authorize};
use crate::domain::registry::FieldErrors;

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
    Ok(db::catalog::catalog(&deps.db).await?.into_iter().map(catalog_view).collect())
}

/// One catalog item.
pub async fn get_catalog_item(deps: &Deps, id: i64) -> Result<CatalogItemView, ServiceError> {
    db::catalog::catalog_item(&deps.db, id).await?.map(catalog_view).ok_or(ServiceError::NotFound("整治事项"))
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
            let e = db::catalog::catalog_item(&tx, id).await?.ok_or(ServiceError::NotFound("整治事项"))?;
            let before = json!({"title": e.title, "description": e.description, "legal_basis": e.legal_basis, "active": e.active});
            let after =
                json!({"title": title, "description": description, "legal_basis": legal_basis, "active": active});
            let m = db::catalog::update_catalog_item(&tx, id, title, description, legal_basis, active, ctx.now).await?;
            record(&tx, ctx, AuditAction::CatalogItemUpdate, "catalog_item", id, SUCCESS, changes(&before, &after))
                .await?;
            m
        }
        None => {
            let code = form.code.trim().to_string();
            let category = code.chars().next().map(|c| c.to_string()).unwrap_or_default();
            if !(category == "A" || category == "B") || code.len() > 16 {
                errors.insert("code".into(), "编码以A或B开头，如 A1.6".into());
            }
            let parent_code = Some(form.parent_code.trim().to_string()).filter(|s| !s.is_empty());
            let items = db::catalog::catalog(&tx).await?;
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
            let m = db::catalog::insert_catalog_item(&tx, new, ctx.now).await?;
            record(
                &tx,
                ctx,
                AuditAction::CatalogItemCreate,
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
