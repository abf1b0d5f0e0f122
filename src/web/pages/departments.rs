//! Department pages: the other departments cases are referred to.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, EditQuery, PageForm, flash, may};
use crate::domain::authz::Action;
use crate::domain::registry::FieldErrors;
use crate::service::departments::{DEPARTMENT_KINDS, DepartmentForm, DepartmentView};
use crate::service::{ServiceError, departments};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "departments/list.html")]
struct DepartmentsPage {
    c: Chrome,
    items: Vec<DepartmentView>,
    can_edit: bool,
    f: DepartmentForm,
    edit_id: i64,
    errors: FieldErrors,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn departments_page(
    s: &AppState,
    a: &Auth,
    edit_id: i64,
    f: DepartmentForm,
    errors: FieldErrors,
) -> Result<DepartmentsPage, PageError> {
    Ok(DepartmentsPage {
        c: Chrome::new(&a.session, Some(&a.user), "部门").await,
        items: departments::list_departments(&s.deps, &a.ctx).await?,
        can_edit: may(&a.user, Action::EditDepartment),
        f,
        edit_id,
        errors,
        kinds: DEPARTMENT_KINDS.to_vec(),
    })
}

/// GET /departments
pub async fn list_departments(
    State(s): State<AppState>,
    a: Auth,
    Query(e): Query<EditQuery>,
) -> Result<impl IntoResponse, PageError> {
    let items = departments::list_departments(&s.deps, &a.ctx).await?;
    let f = match e.edit.and_then(|id| items.iter().find(|d| d.id == id)) {
        Some(d) => {
            DepartmentForm { name: d.name.clone(), kind: d.kind.clone(), contact_phone: d.contact_phone.clone() }
        }
        None => DepartmentForm::default(),
    };
    departments_page(&s, &a, e.edit.unwrap_or(0), f, FieldErrors::new()).await
}

/// POST /departments and POST /departments/{id}
pub async fn save_department(
    State(s): State<AppState>,
    a: Auth,
    id: Option<Path<i64>>,
    PageForm(f): PageForm<DepartmentForm>,
) -> Result<Response, PageError> {
    let id = id.map(|p| p.0);
    match departments::save_department(&s.deps, &a.ctx, id, f.clone()).await {
        Ok(d) => {
            flash(&a.session, format!("已保存部门：{}", d.name)).await;
            Ok(Redirect::to("/departments").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, departments_page(&s, &a, id.unwrap_or(0), f, errors).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
