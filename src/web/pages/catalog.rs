//! The violation catalog pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, EditQuery, PageForm, flash, may};
use crate::domain::authz::Action;
use crate::domain::registry::FieldErrors;
use crate::service::catalog::{CatalogItemForm, CatalogItemView};
use crate::service::{ServiceError, catalog};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "catalog/list.html")]
struct CatalogPage {
    c: Chrome,
    items: Vec<CatalogItemView>,
    can_edit: bool,
    f: CatalogItemForm,
    edit_id: i64,
    errors: FieldErrors,
}

async fn catalog_page(
    s: &AppState,
    a: &Auth,
    edit_id: i64,
    f: CatalogItemForm,
    errors: FieldErrors,
) -> Result<CatalogPage, PageError> {
    Ok(CatalogPage {
        c: Chrome::new(&a.session, Some(&a.user), "整治事项").await,
        items: catalog::list_catalog(&s.deps).await?,
        can_edit: may(&a.user, Action::EditCatalog),
        f,
        edit_id,
        errors,
    })
}

/// GET /catalog
pub async fn list_catalog(
    State(s): State<AppState>,
    a: Auth,
    Query(e): Query<EditQuery>,
) -> Result<impl IntoResponse, PageError> {
    let f = match e.edit {
        Some(id) => {
            let i = catalog::get_catalog_item(&s.deps, id).await?;
            CatalogItemForm {
                code: i.code,
                parent_code: i.parent_code.unwrap_or_default(),
                title: i.title,
                description: i.description,
                legal_basis: i.legal_basis,
                active: i.active.then(|| "on".into()),
            }
        }
        None => CatalogItemForm { active: Some("on".into()), ..Default::default() },
    };
    catalog_page(&s, &a, e.edit.unwrap_or(0), f, FieldErrors::new()).await
}

/// POST /catalog and POST /catalog/{id}
pub async fn save_catalog_item(
    State(s): State<AppState>,
    a: Auth,
    id: Option<Path<i64>>,
    PageForm(f): PageForm<CatalogItemForm>,
) -> Result<Response, PageError> {
    let id = id.map(|p| p.0);
    match catalog::save_catalog_item(&s.deps, &a.ctx, id, f.clone()).await {
        Ok(i) => {
            flash(&a.session, format!("已保存整治事项 {}", i.code)).await;
            Ok(Redirect::to("/catalog").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, catalog_page(&s, &a, id.unwrap_or(0), f, errors).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
