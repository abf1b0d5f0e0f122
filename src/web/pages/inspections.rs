//! Full inspection (全面排查) pages: plans and coverage, the phone-first inspection form (each
//! answer saved as it is given, through htmx, or with the item's own button without script),
//! photos per item, submitting.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Chrome, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::inspections::{self, InspectionRow, InspectionView, NewPlan, PlanDetail, PlanRow};
use crate::service::{companies, jurisdictions};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "inspections/index.html")]
struct IndexPage {
    c: Chrome,
    mine: Vec<InspectionRow>,
    plans: Vec<PlanRow>,
    can_plan: bool,
    reads_plans: bool,
}

/// GET /inspections
pub async fn index(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    let role = a.user.actor.role;
    let reads_plans = role_may(role, Action::ReadCaseContent) || role_may(role, Action::Inspect);
    if !reads_plans {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    Ok(IndexPage {
        c: Chrome::new(&a.session, Some(&a.user), "全面排查").await,
        mine: inspections::my_inspections(&s.deps, &a.ctx).await?,
        plans: inspections::plans(&s.deps, &a.ctx).await?,
        can_plan: role_may(role, Action::PlanInspection),
        reads_plans,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "inspections/plan_new.html")]
struct NewPlanPage {
    c: Chrome,
    f: PlanForm,
    phases: Vec<(i64, String)>,
    townships: Vec<(i64, String)>,
    companies: Vec<(i64, String)>,
    staff: Vec<(i64, String)>,
    assignees: Vec<(i64, String)>,
    catalog: Vec<(String, String, String)>,
    errors: FieldErrors,
}

/// The plan form.
#[derive(Deserialize, Default, Clone)]
pub struct PlanForm {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    phase_id: Option<i64>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    company_id: Option<i64>,
    #[serde(default)]
    checklist: String,
    #[serde(default)]
    due_on: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    responsible_user_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    assignee_user_id: Option<i64>,
}

async fn new_plan_page(s: &AppState, a: &Auth, f: PlanForm, errors: FieldErrors) -> Result<NewPlanPage, PageError> {
    if !role_may(a.user.actor.role, Action::PlanInspection) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    Ok(NewPlanPage {
        c: Chrome::new(&a.session, Some(&a.user), "新建排查计划").await,
        f,
        phases: inspections::phase_choices(&s.deps).await?,
        townships: jurisdictions::townships_for(&s.deps, &a.ctx).await?,
        companies: companies::company_choices(&s.deps, &a.ctx).await?,
        staff: crate::service::cases::responsible_candidates(&s.deps).await?,
        assignees: inspections::assignees(&s.deps).await?,
        catalog: crate::service::complaints::public_catalog(&s.deps).await?,
        errors,
    })
}

/// GET /inspections/plans/new
pub async fn new_plan(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    let f = PlanForm { scope: "county".into(), ..Default::default() };
    new_plan_page(&s, &a, f, FieldErrors::new()).await
}

/// POST /inspections/plans
pub async fn create_plan(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<PlanForm>,
) -> Result<Response, PageError> {
    let new = NewPlan {
        phase_id: f.phase_id,
        name: f.name.clone(),
        scope: f.scope.clone(),
        township_id: f.township_id,
        company_id: f.company_id,
        checklist: f.checklist.clone(),
        due_on: NaiveDate::parse_from_str(f.due_on.trim(), "%Y-%m-%d").ok(),
        responsible_user_id: f.responsible_user_id,
        assignee_user_id: f.assignee_user_id,
    };
    match inspections::create_plan(&s.deps, &a.ctx, new).await {
        Ok(id) => {
            flash(&a.session, "排查计划已建立，辖区内每个小区均已列入排查").await;
            Ok(Redirect::to(&format!("/inspections/plans/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, new_plan_page(&s, &a, f, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "inspections/plan.html")]
struct PlanPage {
    c: Chrome,
    d: PlanDetail,
    assignees: Vec<(i64, String)>,
}

/// GET /inspections/plans/{id}
pub async fn show_plan(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let d = inspections::plan_detail(&s.deps, &a.ctx, id).await?;
    let assignees = if d.can_assign { inspections::assignees(&s.deps).await? } else { Vec::new() };
    Ok(PlanPage { c: Chrome::new(&a.session, Some(&a.user), "排查计划").await, d, assignees })
}

/// The assignment form.
#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    assignee_user_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    plan_id: Option<i64>,
}

/// POST /inspections/{id}/assign
pub async fn assign(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<AssignForm>,
) -> Result<Response, PageError> {
    inspections::assign(&s.deps, &a.ctx, id, f.assignee_user_id).await?;
    flash(&a.session, "已分派").await;
    let back = f.plan_id.map(|p| format!("/inspections/plans/{p}")).unwrap_or_else(|| format!("/inspections/{id}"));
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "inspections/inspection.html")]
struct InspectionPage {
    c: Chrome,
    v: InspectionView,
    error: String,
    answers: Vec<(&'static str, &'static str)>,
}

async fn inspection_page(s: &AppState, a: &Auth, id: i64, error: String) -> Result<InspectionPage, PageError> {
    Ok(InspectionPage {
        c: Chrome::new(&a.session, Some(&a.user), "小区排查").await,
        v: inspections::get_inspection(&s.deps, &a.ctx, id).await?,
        error,
        answers: crate::domain::inspection::Answer::ALL.iter().map(|x| (x.as_str(), x.label())).collect(),
    })
}

/// GET /inspections/{id}
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    inspection_page(&s, &a, id, String::new()).await
}

/// One answer.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    note: String,
}

fn is_htmx(h: &HeaderMap) -> bool {
    h.get("HX-Request").is_some_and(|v| v == "true")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// POST /inspections/{id}/answers/{code}: with htmx, answers with the line that says it was
/// saved (or why not); without, goes back to the item.
pub async fn save_answer(
    State(s): State<AppState>,
    a: Auth,
    headers: HeaderMap,
    Path((id, code)): Path<(i64, String)>,
    PageForm(f): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let r = inspections::save_answer(&s.deps, &a.ctx, id, &code, &f.answer, &f.note).await;
    if is_htmx(&headers) {
        // htmx swaps only successful answers: a refusal is still a 200 with the reason shown.
        return Ok(match r {
            Ok(at) => Html(format!("<span class=\"ok\">已保存 {}</span>", esc(&at))).into_response(),
            Err(ServiceError::Invalid(e)) => {
                let msg = e.values().cloned().collect::<Vec<_>>().join("；");
                Html(format!("<span class=\"err\">未保存：{}</span>", esc(&msg))).into_response()
            }
            Err(ServiceError::Rule(r)) => {
                Html(format!("<span class=\"err\">未保存：{}</span>", esc(&r.message()))).into_response()
            }
            Err(e) => return Err(e.into()),
        });
    }
    match r {
        Ok(_) => {
            flash(&a.session, format!("{code} 已保存")).await;
            Ok(Redirect::to(&format!("/inspections/{id}#item-{code}")).into_response())
        }
        Err(ServiceError::Invalid(e)) => {
            let msg = format!("{code} 未保存：{}", e.values().cloned().collect::<Vec<_>>().join("；"));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, inspection_page(&s, &a, id, msg).await?).into_response())
        }
        Err(ServiceError::Rule(r)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, inspection_page(&s, &a, id, r.message()).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /inspections/{id}/photos/{code} (multipart `photos`)
pub async fn add_photos(
    State(s): State<AppState>,
    a: Auth,
    Path((id, code)): Path<(i64, String)>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = super::read_parts(mp, |f| f == "photos", ("photos", "上传内容过大：每张照片不超过10MB")).await?;
    let photos = parts.files("photos").into_iter().map(|(_, b)| b).collect();
    match inspections::add_photos(&s.deps, &a.ctx, id, &code, photos).await {
        Ok(n) => {
            flash(&a.session, format!("{code} 已上传照片 {n} 张")).await;
            Ok(Redirect::to(&format!("/inspections/{id}#item-{code}")).into_response())
        }
        Err(ServiceError::Invalid(e)) => {
            let msg = format!("{code} 照片未上传：{}", e.values().cloned().collect::<Vec<_>>().join("；"));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, inspection_page(&s, &a, id, msg).await?).into_response())
        }
        Err(ServiceError::Rule(r)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, inspection_page(&s, &a, id, r.message()).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /inspections/{id}/photos/{photo_id}
pub async fn photo(
    State(s): State<AppState>,
    a: Auth,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let bytes = inspections::photo(&s.deps, &a.ctx, id, photo_id).await?;
    Ok(super::jpeg_response(bytes))
}

/// The submit form (only the CSRF token).
#[derive(Deserialize)]
pub struct SubmitForm {}

/// POST /inspections/{id}/submit
pub async fn submit(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(_f): PageForm<SubmitForm>,
) -> Result<Response, PageError> {
    match inspections::submit(&s.deps, &a.ctx, id).await {
        Ok(cases) => {
            let msg = if cases.is_empty() {
                "排查表已提交，未发现问题".to_string()
            } else {
                format!("排查表已提交，发现问题 {} 项，已列入工作台账（待核实）", cases.len())
            };
            flash(&a.session, msg).await;
            Ok(Redirect::to(&format!("/inspections/{id}")).into_response())
        }
        Err(ServiceError::Rule(r)) | Err(ServiceError::Conflict(r)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, inspection_page(&s, &a, id, r.message()).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
