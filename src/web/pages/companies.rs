//! Company pages: the list, one company, and its registration form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, ListQuery, PageForm, Pager, flash, may, q};
use crate::domain::authz::Action;
use crate::domain::registry::{CompanyDraft, CompanyStatus, FieldErrors};
use crate::service::communities::CommunityView;
use crate::service::companies::CompanyView;
use crate::service::{ServiceError, communities, companies};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

const PER_PAGE: u64 = 20;

#[derive(Template, WebTemplate)]
#[template(path = "companies/list.html")]
struct CompaniesPage {
    c: Chrome,
    items: Vec<CompanyView>,
    q: String,
    pager: Pager,
    can_edit: bool,
}

/// GET /companies
pub async fn list_companies(
    State(s): State<AppState>,
    a: Auth,
    Query(lq): Query<ListQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page =
        companies::list_companies(&s.deps, &a.ctx, lq.q.clone(), lq.page.unwrap_or(1).max(1) as u64, PER_PAGE).await?;
    let text = lq.q.unwrap_or_default();
    Ok(CompaniesPage {
        c: Chrome::new(&a.session, Some(&a.user), "物业服务企业").await,
        pager: Pager::of(&page, "/companies", &format!("q={}&", q(&text))),
        items: page.items,
        q: text,
        can_edit: may(&a.user, Action::EditCompany),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "companies/show.html")]
struct CompanyPage {
    c: Chrome,
    company: CompanyView,
    communities: Vec<CommunityView>,
    can_edit: bool,
    /// The supervision picture, for those who read its cases.
    cases: Option<crate::service::cases::CompanyCases>,
    notices: Vec<crate::service::notices::NoticeView>,
    coverage: Option<crate::domain::inspection::Coverage>,
    reassessments: Vec<crate::service::reassessments::ReassessmentView>,
    referrals: Vec<crate::service::referrals::ReferralView>,
    tracks: Vec<crate::service::dismissals::TrackView>,
}

/// GET /companies/{id}
pub async fn show_company(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let company = companies::get_company(&s.deps, &a.ctx, id).await?;
    let communities = communities::list_communities(&s.deps, &a.ctx, None, None, Some(id), 1, 500)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    // Cases and notices: bureau readers (within their jurisdiction) and the company's own users.
    let reads_cases = match a.user.actor.scope {
        crate::domain::role::Scope::Company(c) => c == id && may(&a.user, Action::ReadCompanyCases),
        crate::domain::role::Scope::Jurisdiction(_) => may(&a.user, Action::ReadCaseContent),
        _ => false,
    };
    let (cases, notices) = if reads_cases {
        (
            Some(crate::service::cases::company_cases(&s.deps, &a.ctx, id).await?),
            crate::service::notices::notices_of_company(&s.deps, &a.ctx, id, 10).await?,
        )
    } else {
        (None, Vec::new())
    };
    Ok(CompanyPage {
        c: Chrome::new(&a.session, Some(&a.user), &company.name).await,
        company,
        communities,
        can_edit: may(&a.user, Action::EditCompany),
        cases,
        notices,
        coverage: crate::service::inspections::company_coverage(&s.deps, &a.ctx, id).await?,
        reassessments: crate::service::reassessments::of_company(&s.deps, &a.ctx, id).await?,
        referrals: crate::service::referrals::of_company(&s.deps, &a.ctx, id).await?,
        tracks: crate::service::dismissals::of_company(&s.deps, &a.ctx, id).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "companies/form.html")]
struct CompanyFormPage {
    c: Chrome,
    action: String,
    d: CompanyDraft,
    errors: FieldErrors,
    statuses: Vec<(&'static str, &'static str)>,
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    CompanyStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

async fn company_form(a: &Auth, title: &str, action: String, d: CompanyDraft, errors: FieldErrors) -> CompanyFormPage {
    CompanyFormPage { c: Chrome::new(&a.session, Some(&a.user), title).await, action, d, errors, statuses: statuses() }
}

/// GET /companies/new
pub async fn new_company(a: Auth) -> Result<impl IntoResponse, PageError> {
    if !may(&a.user, Action::EditCompany) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let d = CompanyDraft { status: "active".into(), ..Default::default() };
    Ok(company_form(&a, "登记物业服务企业", "/companies".into(), d, FieldErrors::new()).await)
}

/// POST /companies
pub async fn create_company(
    State(s): State<AppState>,
    a: Auth,
    PageForm(d): PageForm<CompanyDraft>,
) -> Result<Response, PageError> {
    match companies::create_company(&s.deps, &a.ctx, d.clone()).await {
        Ok(c) => {
            flash(&a.session, format!("已登记企业：{}", c.name)).await;
            Ok(Redirect::to(&format!("/companies/{}", c.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            company_form(&a, "登记物业服务企业", "/companies".into(), d, errors).await,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// GET /companies/{id}/edit
pub async fn edit_company(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let c = companies::get_company(&s.deps, &a.ctx, id).await?;
    if !may(&a.user, Action::EditCompany) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let d = CompanyDraft {
        name: c.name,
        credit_code: c.credit_code,
        legal_representative: c.legal_representative,
        contact_person: c.contact_person,
        contact_phone: c.contact_phone,
        address: c.address,
        status: c.status.as_str().into(),
    };
    Ok(company_form(&a, "修改企业信息", format!("/companies/{id}"), d, FieldErrors::new()).await)
}

/// POST /companies/{id}
pub async fn update_company(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(d): PageForm<CompanyDraft>,
) -> Result<Response, PageError> {
    match companies::update_company(&s.deps, &a.ctx, id, d.clone()).await {
        Ok(c) => {
            flash(&a.session, "企业信息已保存").await;
            Ok(Redirect::to(&format!("/companies/{}", c.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            company_form(&a, "修改企业信息", format!("/companies/{id}"), d, errors).await,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
