//! The service-grade table (物业服务等级与收费标准): each grade's service standard and fee range,
//! used by re-assessments. The seeded figures are demo data; each county's price department sets
//! its own, and administrators enter them here.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::money::yuan;
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::reassessments::{self, GradeForm};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// One grade as the page shows and edits it.
struct GradeRow {
    id: i64,
    name: String,
    standard: String,
    fee_min: String,
    fee_max: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "grades/list.html")]
struct GradesPage {
    c: Chrome,
    grades: Vec<GradeRow>,
    can_edit: bool,
    /// The grade whose form came back with errors, and the errors.
    error_id: i64,
    errors: FieldErrors,
}

async fn grades_page(
    s: &AppState,
    a: &Auth,
    error: Option<(i64, GradeForm)>,
    errors: FieldErrors,
) -> Result<GradesPage, PageError> {
    let mut grades: Vec<GradeRow> = reassessments::grades(&s.deps)
        .await?
        .into_iter()
        .map(|g| GradeRow {
            id: g.id,
            name: g.name,
            standard: g.standard,
            fee_min: yuan(g.fee_min_fen),
            fee_max: yuan(g.fee_max_fen),
        })
        .collect();
    let mut error_id = 0;
    if let Some((id, f)) = error {
        error_id = id;
        if let Some(g) = grades.iter_mut().find(|g| g.id == id) {
            g.standard = f.standard;
            g.fee_min = f.fee_min;
            g.fee_max = f.fee_max;
        }
    }
    Ok(GradesPage {
        c: Chrome::new(&a.session, Some(&a.user), "服务等级与收费标准").await,
        grades,
        can_edit: role_may(a.user.actor.role, Action::EditCatalog),
        error_id,
        errors,
    })
}

/// GET /grades
pub async fn list_grades(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    grades_page(&s, &a, None, FieldErrors::new()).await
}

/// POST /grades/{id}
pub async fn update_grade(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<GradeForm>,
) -> Result<Response, PageError> {
    match reassessments::save_grade(&s.deps, &a.ctx, id, f.clone()).await {
        Ok(g) => {
            flash(&a.session, format!("已保存{}的服务标准和收费标准", g.name)).await;
            Ok(Redirect::to("/grades").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, grades_page(&s, &a, Some((id, f)), errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
