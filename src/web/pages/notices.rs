//! Rectification-notice pages: issue, list, view, sign, PDF.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Fields, PageForm, Pager, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::case::CaseStatus;
use crate::domain::notice::NoticeStatus;
use crate::domain::registry::FieldErrors;
use crate::service::cases::{CaseRow, LedgerQuery};
use crate::service::notices::{NewNotice, NoticeView};
use crate::service::{ServiceError, cases, notices};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "notices/list.html")]
struct NoticesPage {
    c: Chrome,
    items: Vec<NoticeView>,
    pager: Pager,
}

/// `?page=N`
#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    page: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    company_id: Option<i64>,
}

/// GET /notices
pub async fn list_notices(
    State(s): State<AppState>,
    a: Auth,
    Query(pq): Query<PageQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = notices::list_notices(&s.deps, &a.ctx, pq.page.unwrap_or(1).max(1) as u64, 20).await?;
    Ok(NoticesPage {
        c: Chrome::new(&a.session, Some(&a.user), "整改通知书").await,
        pager: Pager::of(&page, "/notices", ""),
        items: page.items,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "notices/new.html")]
struct NewNoticePage {
    c: Chrome,
    company_id: i64,
    companies: Vec<(i64, String)>,
    cases: Vec<CaseRow>,
    errors: FieldErrors,
    deadline: String,
    contact: String,
}

async fn new_notice_page(
    s: &AppState,
    a: &Auth,
    company_id: i64,
    errors: FieldErrors,
    deadline: String,
    contact: String,
) -> Result<NewNoticePage, PageError> {
    // Companies with filed cases waiting for a notice.
    let filed = cases::ledger(
        &s.deps,
        &a.ctx,
        &LedgerQuery { status: Some(CaseStatus::Filed.as_str().into()), ..Default::default() },
        500,
    )
    .await?
    .rows;
    let mut companies: Vec<(i64, String)> =
        filed.items.iter().filter_map(|r| r.company_id.map(|id| (id, r.company.clone()))).collect();
    companies.sort();
    companies.dedup();
    let cases = if company_id > 0 { notices::issuable_cases(&s.deps, &a.ctx, company_id).await? } else { Vec::new() };
    Ok(NewNoticePage {
        c: Chrome::new(&a.session, Some(&a.user), "下发整改通知书").await,
        company_id,
        companies,
        cases,
        errors,
        deadline,
        contact,
    })
}

/// GET /notices/new?company_id=N
pub async fn new_notice(
    State(s): State<AppState>,
    a: Auth,
    Query(pq): Query<PageQuery>,
) -> Result<impl IntoResponse, PageError> {
    if !role_may(a.user.actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let default_deadline = crate::service::holidays::default_deadline(&s.deps, a.ctx.now).await?.to_string();
    let contact = notices::default_contact(&s.deps, &a.ctx).await?;
    new_notice_page(&s, &a, pq.company_id.unwrap_or(0), FieldErrors::new(), default_deadline, contact).await
}

/// POST /notices (form fields: company_id, case_id (repeated), deadline, contact, requirements)
pub async fn issue_notice(
    State(s): State<AppState>,
    a: Auth,
    PageForm(fields): PageForm<Fields>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.raw(k);
    let result = match NewNotice::try_from(&fields) {
        Ok(new) => notices::issue_notice(&s.deps, &a.ctx, new).await,
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(id) => {
            flash(&a.session, "整改通知书已下发").await;
            Ok(Redirect::to(&format!("/notices/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let errors = match e {
                ServiceError::Invalid(f) => f,
                other => {
                    let mut f = FieldErrors::new();
                    f.insert("case_ids".into(), other.message());
                    f
                }
            };
            let company_id = get("company_id").parse().unwrap_or(0);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                new_notice_page(&s, &a, company_id, errors, get("deadline"), get("contact")).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "notices/show.html")]
struct NoticePage {
    c: Chrome,
    n: NoticeView,
    can_sign: bool,
}

/// GET /notices/{id}
pub async fn show_notice(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let n = notices::get_notice(&s.deps, &a.ctx, id).await?;
    Ok(NoticePage {
        c: Chrome::new(&a.session, Some(&a.user), &n.number).await,
        // the domain's rule for signing, not a copy of its string
        can_sign: role_may(a.user.actor.role, Action::AnswerNotice)
            && NoticeStatus::parse(&n.status).and_then(NoticeStatus::sign).is_some(),
        n,
    })
}

/// POST /notices/{id}/sign
pub async fn sign_notice(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    match notices::sign_notice(&s.deps, &a.ctx, id).await {
        Ok(()) => flash(&a.session, "已签收整改通知书").await,
        Err(ServiceError::Conflict(r)) => flash(&a.session, r.message()).await,
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/notices/{id}")).into_response())
}

/// GET /notices/{id}/pdf
pub async fn show_notice_pdf(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (number, bytes) = notices::notice_pdf(&s.deps, &a.ctx, id).await?;
    Ok(super::pdf_response(&number, &format!("notice-{id}"), bytes))
}

impl TryFrom<&Fields> for NewNotice {
    type Error = FieldErrors;

    /// company_id, case_id (repeated), deadline, contact, requirements.
    fn try_from(f: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let new = NewNotice {
            case_ids: f.ids("case_id", "案件", &mut errors),
            deadline: f.date("deadline", "完成时限", &mut errors),
            contact: f.raw("contact"),
            requirements: f.raw("requirements"),
        };
        if errors.is_empty() { Ok(new) } else { Err(errors) }
    }
}
