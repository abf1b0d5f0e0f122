//! Jurisdiction pages: the county, its townships and communities' neighbourhoods.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, EditQuery, PageForm, flash, may};
use crate::domain::authz::Action;
use crate::domain::registry::FieldErrors;
use crate::domain::registry::JurisdictionLevel;
use crate::service::jurisdictions::{JurisdictionForm, JurisdictionView, levels};
use crate::service::{ServiceError, jurisdictions};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "jurisdictions/list.html")]
struct JurisdictionsPage {
    c: Chrome,
    items: Vec<JurisdictionView>,
    can_edit: bool,
    f: JurisdictionForm,
    parent_id: i64,
    edit_id: i64,
    errors: FieldErrors,
    levels: Vec<(&'static str, &'static str)>,
}

async fn jurisdictions_page(
    s: &AppState,
    a: &Auth,
    edit_id: i64,
    f: JurisdictionForm,
    errors: FieldErrors,
) -> Result<JurisdictionsPage, PageError> {
    Ok(JurisdictionsPage {
        c: Chrome::new(&a.session, Some(&a.user), "辖区").await,
        items: jurisdictions::list_jurisdictions(&s.deps, &a.ctx).await?,
        can_edit: may(&a.user, Action::EditJurisdiction),
        parent_id: f.parent_id.unwrap_or(0),
        f,
        edit_id,
        errors,
        levels: levels(),
    })
}

/// GET /jurisdictions (with `?edit=ID` to fill the form with one row)
pub async fn list_jurisdictions(
    State(s): State<AppState>,
    a: Auth,
    Query(e): Query<EditQuery>,
) -> Result<impl IntoResponse, PageError> {
    let items = jurisdictions::list_jurisdictions(&s.deps, &a.ctx).await?;
    let f = match e.edit.and_then(|id| items.iter().find(|j| j.id == id)) {
        Some(j) => JurisdictionForm {
            code: j.code.clone(),
            name: j.name.clone(),
            level: j.level.clone(),
            parent_id: j.parent_id,
        },
        None => JurisdictionForm { level: JurisdictionLevel::Township.as_str().into(), ..Default::default() },
    };
    jurisdictions_page(&s, &a, e.edit.unwrap_or(0), f, FieldErrors::new()).await
}

/// POST /jurisdictions and POST /jurisdictions/{id}
pub async fn save_jurisdiction(
    State(s): State<AppState>,
    a: Auth,
    id: Option<Path<i64>>,
    PageForm(f): PageForm<JurisdictionForm>,
) -> Result<Response, PageError> {
    let id = id.map(|p| p.0);
    match jurisdictions::save_jurisdiction(&s.deps, &a.ctx, id, f.clone()).await {
        Ok(j) => {
            flash(&a.session, format!("已保存辖区：{}", j.name)).await;
            Ok(Redirect::to("/jurisdictions").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, jurisdictions_page(&s, &a, id.unwrap_or(0), f, errors).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
