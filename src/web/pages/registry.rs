//! Registry pages: companies, communities, jurisdictions, departments, the catalog,
//! campaigns, and Excel import/export.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, Pager, flash, q};
use crate::domain::authz::{Action, role_may};
use crate::domain::registry::{CommitteeKind, CommunityDraft, CompanyDraft, CompanyStatus, FieldErrors};
use crate::service::registry::{
    self, CampaignView, CatalogItemForm, CatalogItemView, CommunityView, CompanyView, DEPARTMENT_KINDS, DepartmentForm,
    DepartmentView, JurisdictionForm, JurisdictionView, LEVELS,
};
use crate::service::registry_xlsx::{self, ImportReport};
use crate::service::{ServiceError, accounts::SessionUser};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

const PER_PAGE: u64 = 20;

/// List query: text search, township filter, page.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    page: Option<i64>,
}

fn may(user: &SessionUser, action: Action) -> bool {
    role_may(user.actor.role, action)
}

// ------------------------------------------------------------------ companies

#[derive(Template, WebTemplate)]
#[template(path = "registry/companies.html")]
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
        registry::list_companies(&s.deps, &a.ctx, lq.q.clone(), lq.page.unwrap_or(1).max(1) as u64, PER_PAGE).await?;
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
#[template(path = "registry/company.html")]
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
    let company = registry::get_company(&s.deps, &a.ctx, id).await?;
    let communities = registry::list_communities(&s.deps, &a.ctx, None, None, Some(id), 1, 500)
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
#[template(path = "registry/company_form.html")]
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
    match registry::create_company(&s.deps, &a.ctx, d.clone()).await {
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
    let c = registry::get_company(&s.deps, &a.ctx, id).await?;
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
    match registry::update_company(&s.deps, &a.ctx, id, d.clone()).await {
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

// ------------------------------------------------------------------ communities

#[derive(Template, WebTemplate)]
#[template(path = "registry/communities.html")]
struct CommunitiesPage {
    c: Chrome,
    items: Vec<CommunityView>,
    q: String,
    township_id: i64,
    townships: Vec<(i64, String)>,
    pager: Pager,
    can_edit: bool,
}

/// GET /communities
pub async fn list_communities(
    State(s): State<AppState>,
    a: Auth,
    Query(lq): Query<ListQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = registry::list_communities(
        &s.deps,
        &a.ctx,
        lq.q.clone(),
        lq.township_id,
        None,
        lq.page.unwrap_or(1).max(1) as u64,
        PER_PAGE,
    )
    .await?;
    let text = lq.q.unwrap_or_default();
    let township_id = lq.township_id.unwrap_or(0);
    Ok(CommunitiesPage {
        c: Chrome::new(&a.session, Some(&a.user), "小区").await,
        pager: Pager::of(
            &page,
            "/communities",
            &format!(
                "q={}&township_id={}&",
                q(&text),
                if township_id > 0 { township_id.to_string() } else { String::new() }
            ),
        ),
        items: page.items,
        q: text,
        township_id,
        townships: registry::townships_for(&s.deps, &a.ctx).await?,
        can_edit: may(&a.user, Action::EditCommunity),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/community.html")]
struct CommunityPage {
    c: Chrome,
    m: CommunityView,
    can_edit: bool,
    /// Its service-grade and fee history (re-assessments, newest first).
    history: Vec<crate::service::reassessments::ReassessmentView>,
    /// Its guided dismissal tracks.
    tracks: Vec<crate::service::dismissals::TrackView>,
    can_open_track: bool,
    can_propose: bool,
    /// (grade, description) of the grade table.
    grades: Vec<(String, String)>,
    /// The community's cases to rest a proposal on.
    cases: Vec<crate::service::cases::CaseRow>,
    form: crate::service::reassessments::NewReassessment,
    errors: FieldErrors,
}

/// GET /communities/{id}
pub async fn show_community(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    community_page(&s, &a, id, crate::service::reassessments::NewReassessment::default(), FieldErrors::new()).await
}

async fn community_page(
    s: &AppState,
    a: &Auth,
    id: i64,
    form: crate::service::reassessments::NewReassessment,
    errors: FieldErrors,
) -> Result<CommunityPage, PageError> {
    use crate::service::reassessments as ra;
    let m = registry::get_community(&s.deps, &a.ctx, id).await?;
    let can_propose = may(&a.user, Action::ManageCase);
    let can_open_track = may(&a.user, Action::DecideEscalation);
    let cases = if can_propose || can_open_track {
        let q = crate::service::cases::LedgerQuery { community_id: Some(id), ..Default::default() };
        crate::service::cases::ledger(&s.deps, &a.ctx, &q, 100).await?.rows.items
    } else {
        Vec::new()
    };
    Ok(CommunityPage {
        c: Chrome::new(&a.session, Some(&a.user), &m.name).await,
        m,
        can_edit: may(&a.user, Action::EditCommunity),
        history: ra::of_community(&s.deps, &a.ctx, id).await?,
        tracks: crate::service::dismissals::of_community(&s.deps, &a.ctx, id).await?,
        can_open_track,
        can_propose,
        grades: ra::grades(&s.deps)
            .await?
            .into_iter()
            .map(|g| {
                (
                    g.name.clone(),
                    format!(
                        "{}（{}–{} 元）：{}",
                        g.name,
                        crate::domain::money::yuan(g.fee_min_fen),
                        crate::domain::money::yuan(g.fee_max_fen),
                        g.standard
                    ),
                )
            })
            .collect(),
        cases,
        form,
        errors,
    })
}

/// POST /communities/{id}/reassessments (staff)
pub async fn propose_reassessment(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // Several `case_id` fields, one per checked case.
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let new = crate::service::reassessments::NewReassessment {
        new_grade: get("new_grade"),
        new_fee: get("new_fee"),
        effective_on: chrono::NaiveDate::parse_from_str(get("effective_on").trim(), "%Y-%m-%d").ok(),
        reasons: get("reasons"),
        case_ids: fields.iter().filter(|(n, _)| n == "case_id").filter_map(|(_, v)| v.trim().parse().ok()).collect(),
    };
    match crate::service::reassessments::propose(&s.deps, &a.ctx, id, new.clone()).await {
        Ok(_) => {
            flash(&a.session, "已提请重新核定服务等级，等待领导审批").await;
            Ok(Redirect::to(&format!("/communities/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, community_page(&s, &a, id, new, errors).await?).into_response())
        }
        Err(e @ ServiceError::Rule { .. }) => {
            let mut errors = FieldErrors::new();
            errors.insert("new_grade".into(), e.message());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, community_page(&s, &a, id, new, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/community_form.html")]
struct CommunityFormPage {
    c: Chrome,
    action: String,
    d: CommunityDraft,
    township_id: i64,
    company_id: i64,
    errors: FieldErrors,
    townships: Vec<(i64, String)>,
    companies: Vec<(i64, String)>,
    committees: Vec<(&'static str, &'static str)>,
}

async fn community_form(
    s: &AppState,
    a: &Auth,
    title: &str,
    action: String,
    d: CommunityDraft,
    errors: FieldErrors,
) -> Result<CommunityFormPage, PageError> {
    let companies = registry::company_choices(&s.deps, &a.ctx).await?;
    Ok(CommunityFormPage {
        c: Chrome::new(&a.session, Some(&a.user), title).await,
        action,
        township_id: d.township_id.unwrap_or(0),
        company_id: d.company_id.unwrap_or(0),
        d,
        errors,
        townships: registry::townships_for(&s.deps, &a.ctx).await?,
        companies,
        committees: CommitteeKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
    })
}

/// GET /communities/new
pub async fn new_community(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    if !may(&a.user, Action::EditCommunity) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let d = CommunityDraft { committee: "none".into(), ..Default::default() };
    community_form(&s, &a, "登记小区", "/communities".into(), d, FieldErrors::new()).await
}

/// POST /communities
pub async fn create_community(
    State(s): State<AppState>,
    a: Auth,
    PageForm(d): PageForm<CommunityDraft>,
) -> Result<Response, PageError> {
    match registry::create_community(&s.deps, &a.ctx, d.clone()).await {
        Ok(m) => {
            flash(&a.session, format!("已登记小区：{}", m.name)).await;
            Ok(Redirect::to(&format!("/communities/{}", m.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            community_form(&s, &a, "登记小区", "/communities".into(), d, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// GET /communities/{id}/edit
pub async fn edit_community(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let m = registry::get_community(&s.deps, &a.ctx, id).await?;
    if !may(&a.user, Action::EditCommunity) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let d = CommunityDraft {
        code: m.code,
        name: m.name,
        address: m.address,
        township_id: Some(m.township_id),
        company_id: m.company_id,
        contract_start: m.contract_start.map(|d| d.to_string()).unwrap_or_default(),
        contract_end: m.contract_end.map(|d| d.to_string()).unwrap_or_default(),
        service_grade: m.service_grade,
        fee_yuan: m.fee_yuan,
        building_area_m2: m.building_area_m2,
        unit_count: m.unit_count.map(|n| n.to_string()).unwrap_or_default(),
        committee: m.committee.as_str().into(),
    };
    community_form(&s, &a, "修改小区信息", format!("/communities/{id}"), d, FieldErrors::new()).await
}

/// POST /communities/{id}
pub async fn update_community(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(d): PageForm<CommunityDraft>,
) -> Result<Response, PageError> {
    match registry::update_community(&s.deps, &a.ctx, id, d.clone()).await {
        Ok(m) => {
            flash(&a.session, "小区信息已保存").await;
            Ok(Redirect::to(&format!("/communities/{}", m.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            community_form(&s, &a, "修改小区信息", format!("/communities/{id}"), d, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ jurisdictions

#[derive(Template, WebTemplate)]
#[template(path = "registry/jurisdictions.html")]
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
        items: registry::list_jurisdictions(&s.deps, &a.ctx).await?,
        can_edit: may(&a.user, Action::EditJurisdiction),
        parent_id: f.parent_id.unwrap_or(0),
        f,
        edit_id,
        errors,
        levels: LEVELS.to_vec(),
    })
}

/// GET /jurisdictions (with `?edit=ID` to fill the form with one row)
pub async fn list_jurisdictions(
    State(s): State<AppState>,
    a: Auth,
    Query(e): Query<EditQuery>,
) -> Result<impl IntoResponse, PageError> {
    let items = registry::list_jurisdictions(&s.deps, &a.ctx).await?;
    let f = match e.edit.and_then(|id| items.iter().find(|j| j.id == id)) {
        Some(j) => JurisdictionForm {
            code: j.code.clone(),
            name: j.name.clone(),
            level: j.level.clone(),
            parent_id: j.parent_id,
        },
        None => JurisdictionForm { level: "township".into(), ..Default::default() },
    };
    jurisdictions_page(&s, &a, e.edit.unwrap_or(0), f, FieldErrors::new()).await
}

/// `?edit=ID`
#[derive(Deserialize)]
pub struct EditQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    edit: Option<i64>,
}

/// POST /jurisdictions and POST /jurisdictions/{id}
pub async fn save_jurisdiction(
    State(s): State<AppState>,
    a: Auth,
    id: Option<Path<i64>>,
    PageForm(f): PageForm<JurisdictionForm>,
) -> Result<Response, PageError> {
    let id = id.map(|p| p.0);
    match registry::save_jurisdiction(&s.deps, &a.ctx, id, f.clone()).await {
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

// ------------------------------------------------------------------ departments

#[derive(Template, WebTemplate)]
#[template(path = "registry/departments.html")]
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
        items: registry::list_departments(&s.deps, &a.ctx).await?,
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
    let items = registry::list_departments(&s.deps, &a.ctx).await?;
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
    match registry::save_department(&s.deps, &a.ctx, id, f.clone()).await {
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

// ------------------------------------------------------------------ catalog

#[derive(Template, WebTemplate)]
#[template(path = "registry/catalog.html")]
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
        items: registry::list_catalog(&s.deps).await?,
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
            let i = registry::get_catalog_item(&s.deps, id).await?;
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
    match registry::save_catalog_item(&s.deps, &a.ctx, id, f.clone()).await {
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

// ------------------------------------------------------------------ campaigns

#[derive(Template, WebTemplate)]
#[template(path = "registry/campaigns.html")]
struct CampaignsPage {
    c: Chrome,
    items: Vec<CampaignView>,
}

/// GET /campaigns
pub async fn list_campaigns(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    Ok(CampaignsPage {
        c: Chrome::new(&a.session, Some(&a.user), "专项行动").await,
        items: registry::list_campaigns(&s.deps, &a.ctx).await?,
    })
}

// ------------------------------------------------------------------ import / export

#[derive(Template, WebTemplate)]
#[template(path = "registry/import.html")]
struct ImportPage {
    c: Chrome,
    report: Option<ImportReport>,
    error: String,
}

/// GET /registry/import
pub async fn import_form(a: Auth) -> Result<impl IntoResponse, PageError> {
    if !may(&a.user, Action::ImportRegistry) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    Ok(ImportPage {
        c: Chrome::new(&a.session, Some(&a.user), "导入导出").await, report: None, error: String::new()
    })
}

/// POST /registry/import (multipart, field `file`)
pub async fn import(State(s): State<AppState>, a: Auth, mut mp: Multipart) -> Result<Response, PageError> {
    let mut bytes: Option<Bytes> = None;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let result = match bytes.filter(|b| !b.is_empty()) {
        Some(b) => registry_xlsx::import(&s.deps, &a.ctx, b.to_vec()).await,
        None => Err(ServiceError::field("file", "请选择要导入的 Excel 文件")),
    };
    let c = Chrome::new(&a.session, Some(&a.user), "导入导出").await;
    match result {
        Ok(report) => {
            let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            Ok((status, ImportPage { c, report: Some(report), error: String::new() }).into_response())
        }
        Err(ServiceError::Invalid(f)) => {
            let error = f.values().cloned().collect::<Vec<_>>().join("；");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, ImportPage { c, report: None, error }).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /registry/export.xlsx
pub async fn export(State(s): State<AppState>, a: Auth) -> Result<Response, PageError> {
    let bytes = registry_xlsx::export(&s.deps, &a.ctx).await?;
    Ok(xlsx_response(bytes))
}

/// An .xlsx download.
pub fn xlsx_response(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"registry.xlsx\"; filename*=UTF-8''%E7%99%BB%E8%AE%B0%E5%90%8D%E5%BD%95.xlsx",
            ),
        ],
        bytes,
    )
        .into_response()
}

/// POST /communities/{id}/dismissals (leader: reasons, notice_days, several `case_id`)
pub async fn open_dismissal(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let cases: Vec<i64> =
        fields.iter().filter(|(n, _)| n == "case_id").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let days = get("notice_days").trim().parse().ok();
    // The community page has several forms: this one's messages carry their own keys.
    let refused = |errors: FieldErrors| -> FieldErrors {
        errors.into_iter().map(|(k, v)| (format!("dismissal_{k}"), v)).collect()
    };
    let errors = match crate::service::dismissals::open(&s.deps, &a.ctx, id, &get("reasons"), cases, days).await {
        Ok(track) => {
            flash(&a.session, "已开启引导解聘，乡镇（街道）已收到指导任务").await;
            return Ok(Redirect::to(&format!("/dismissals/{track}")).into_response());
        }
        Err(ServiceError::Invalid(errors)) => refused(errors),
        Err(e @ ServiceError::Rule { .. }) => refused(FieldErrors::from([("reasons".to_string(), e.message())])),
        Err(e) => return Err(e.into()),
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        community_page(&s, &a, id, crate::service::reassessments::NewReassessment::default(), errors).await?,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/dismissal.html")]
struct DismissalPage {
    c: Chrome,
    t: crate::service::dismissals::TrackView,
    litigation: Vec<(i64, String, chrono::NaiveDate, String, String, bool, String)>,
    litigation_kinds: Vec<(&'static str, &'static str)>,
    records: bool,
    withdraws: bool,
    error: String,
}

async fn dismissal_page(s: &AppState, a: &Auth, id: i64, error: String) -> Result<DismissalPage, PageError> {
    Ok(DismissalPage {
        c: Chrome::new(&a.session, Some(&a.user), "引导解聘").await,
        t: crate::service::dismissals::get(&s.deps, &a.ctx, id).await?,
        litigation: crate::service::dismissals::litigation(&s.deps, &a.ctx, id).await?,
        litigation_kinds: crate::domain::dismissal::Litigation::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        records: may(&a.user, Action::TrackDismissal),
        withdraws: may(&a.user, Action::DecideEscalation),
        error,
    })
}

/// GET /dismissals/{id}
pub async fn show_dismissal(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    dismissal_page(&s, &a, id, String::new()).await
}

/// One step of a track.
#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

/// POST /dismissals/{id}/steps
pub async fn dismissal_step(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<StepForm>,
) -> Result<Response, PageError> {
    let on = chrono::NaiveDate::parse_from_str(f.on.trim(), "%Y-%m-%d").ok();
    match crate::service::dismissals::record_step(&s.deps, &a.ctx, id, &f.step, on, &f.note).await {
        Ok(()) => {
            flash(&a.session, "已记录").await;
            Ok(Redirect::to(&format!("/dismissals/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule { .. } | ServiceError::Conflict(_))) => {
            let msg = super::step_errors(&e).remove("step").unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, dismissal_page(&s, &a, id, msg).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /dismissals/{id}/litigation (multipart: kind, on, reference, note, document)
pub async fn litigation_step(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = super::read_parts(mp, |f| f == "document", ("document", "上传内容过大：文书不超过20MB")).await?;
    let (kind, reference, note) = (parts.text("kind"), parts.text("reference"), parts.text("note"));
    let on = chrono::NaiveDate::parse_from_str(parts.text("on").trim(), "%Y-%m-%d").ok();
    let document =
        parts.files("document").pop().map(|(name, bytes)| (if name.is_empty() { "文书".into() } else { name }, bytes));
    match crate::service::dismissals::record_litigation(&s.deps, &a.ctx, id, &kind, on, &reference, &note, document)
        .await
    {
        Ok(()) => {
            flash(&a.session, "已记录").await;
            Ok(Redirect::to(&format!("/dismissals/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule { .. } | ServiceError::Conflict(_))) => {
            let msg = super::step_errors(&e).remove("step").unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, dismissal_page(&s, &a, id, msg).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /dismissals/{id}/documents/{event_id}
pub async fn litigation_document(
    State(s): State<AppState>,
    a: Auth,
    Path((id, event_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let doc = crate::service::dismissals::document(&s.deps, &a.ctx, id, event_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Revalidate, None))
}
