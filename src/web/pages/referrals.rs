//! Referral (移送) pages: proposing from a case, the list (a department sees what was referred to
//! it), one referral with its transfer letter, the department's receipt and result, the leader's
//! decision.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Fields, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::escalation::Verdict;
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::cases::CaseRow;
use crate::service::referrals::{self, ReferralView};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "referrals/list.html")]
struct ListPage {
    c: Chrome,
    items: Vec<ReferralView>,
}

/// GET /referrals
pub async fn list(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    Ok(ListPage {
        c: Chrome::new(&a.session, Some(&a.user), "移送").await,
        items: referrals::list(&s.deps, &a.ctx, false).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/new.html")]
struct NewPage {
    c: Chrome,
    case_id: i64,
    cases: Vec<CaseRow>,
    departments: Vec<(i64, String)>,
    department_id: i64,
    reasons: String,
    checked: Vec<i64>,
    errors: FieldErrors,
}

/// `?case_id=N`
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    case_id: Option<i64>,
}

async fn new_page(
    s: &AppState,
    a: &Auth,
    case_id: i64,
    department_id: i64,
    reasons: String,
    checked: Vec<i64>,
    errors: FieldErrors,
) -> Result<NewPage, PageError> {
    if !role_may(a.user.actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let d = crate::service::cases::detail(&s.deps, &a.ctx, case_id).await?;
    // The case, and the company's other open cases that may go with it.
    let q = crate::service::cases::LedgerQuery {
        company_id: d.row.company_id,
        community_id: if d.row.company_id.is_none() { Some(d.row.community_id) } else { None },
        status: Some("open".into()),
        ..Default::default()
    };
    let mut cases = crate::service::cases::ledger(&s.deps, &a.ctx, &q, 50).await?.rows.items;
    if !cases.iter().any(|c| c.id == case_id) {
        cases.insert(0, d.row.clone());
    }
    let departments = crate::service::departments::list_departments(&s.deps, &a.ctx)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    Ok(NewPage {
        c: Chrome::new(&a.session, Some(&a.user), "移送").await,
        case_id,
        cases,
        departments,
        department_id,
        reasons,
        checked: if checked.is_empty() { vec![case_id] } else { checked },
        errors,
    })
}

/// GET /referrals/new?case_id=N
pub async fn new(
    State(s): State<AppState>,
    a: Auth,
    Query(nq): Query<NewQuery>,
) -> Result<impl IntoResponse, PageError> {
    let id = nq.case_id.ok_or_else(|| ServiceError::field("case_id", "请从案件页面发起移送"))?;
    new_page(&s, &a, id, 0, String::new(), Vec::new(), FieldErrors::new()).await
}

/// POST /referrals (several `case_id`)
pub async fn create(
    State(s): State<AppState>,
    a: Auth,
    PageForm(fields): PageForm<Fields>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let checked = fields.ids("case_id", "案件", &mut errors);
    let from: i64 = fields.text("from_case").parse().unwrap_or(0);
    let department = fields.number("department_id", "部门", &mut errors);
    let reasons = fields.raw("reasons");
    let result = if errors.is_empty() {
        referrals::propose(&s.deps, &a.ctx, checked.clone(), department, &reasons).await
    } else {
        Err(ServiceError::Invalid(errors))
    };
    match result {
        Ok(id) => {
            flash(&a.session, "已提请移送，等待领导审批").await;
            Ok(Redirect::to(&format!("/referrals/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) if from > 0 => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_page(&s, &a, from, department.unwrap_or(0), reasons, checked, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/show.html")]
struct ShowPage {
    c: Chrome,
    r: ReferralView,
    answers: bool,
    decides: bool,
    error: String,
}

async fn show_page(s: &AppState, a: &Auth, id: i64, error: String) -> Result<ShowPage, PageError> {
    let r = referrals::get(&s.deps, &a.ctx, id).await?;
    Ok(ShowPage {
        c: Chrome::new(&a.session, Some(&a.user), "移送").await,
        answers: role_may(a.user.actor.role, Action::AnswerReferral),
        decides: role_may(a.user.actor.role, Action::DecideEscalation),
        r,
        error,
    })
}

/// GET /referrals/{id}
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    show_page(&s, &a, id, String::new()).await
}

/// The department's and the leader's forms.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    result: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

impl TryFrom<&AnswerForm> for Verdict {
    type Error = ServiceError;

    /// `decision`: approve or reject.
    fn try_from(f: &AnswerForm) -> Result<Self, ServiceError> {
        super::choice("decision", &f.decision, Self::parse, &Self::ALL, Self::label)
    }
}

async fn done(
    s: &AppState,
    a: &Auth,
    id: i64,
    r: Result<(), ServiceError>,
    ok: &str,
    back: String,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => {
            flash(&a.session, ok).await;
            Ok(Redirect::to(&back).into_response())
        }
        Err(ServiceError::Invalid(e)) => {
            let msg = e.values().cloned().collect::<Vec<_>>().join("；");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, show_page(s, a, id, msg).await?).into_response())
        }
        Err(e @ (ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, show_page(s, a, id, e.message()).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /referrals/{id}/acknowledge (department)
pub async fn acknowledge(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(_f): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let r = referrals::acknowledge(&s.deps, &a.ctx, id).await;
    done(&s, &a, id, r, "已签收", format!("/referrals/{id}")).await
}

/// POST /referrals/{id}/result (department)
pub async fn result(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let r = referrals::record_result(&s.deps, &a.ctx, id, &f.result).await;
    done(&s, &a, id, r, "处理结果已反馈", format!("/referrals/{id}")).await
}

/// POST /referrals/{id}/decision (leader: approve | reject)
pub async fn decide(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let verdict = Verdict::try_from(&f);
    let approve = matches!(verdict, Ok(Verdict::Approve));
    let r = match verdict {
        Ok(_) => referrals::decide(&s.deps, &a.ctx, id, approve, &f.note).await,
        Err(e) => Err(e),
    };
    done(&s, &a, id, r, if approve { "已同意移送，移送函已生成" } else { "已不同意移送" }, format!("/referrals/{id}"))
        .await
}

/// GET /referrals/{id}/letter
pub async fn letter(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (number, bytes) = referrals::letter_pdf(&s.deps, &a.ctx, id).await?;
    Ok(super::pdf_response(&number, &format!("referral-{id}"), bytes))
}
