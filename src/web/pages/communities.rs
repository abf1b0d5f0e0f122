//! Community pages: the list, one community (with its grade history, dismissal tracks and the
//! forms that open them), and its registration form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, ListQuery, PageForm, Pager, flash, may, q};
use crate::domain::authz::Action;
use crate::domain::registry::{CommitteeKind, CommunityDraft, FieldErrors};
use crate::service::communities::CommunityView;
use crate::service::{ServiceError, communities, companies, jurisdictions};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

const PER_PAGE: u64 = 20;

#[derive(Template, WebTemplate)]
#[template(path = "communities/list.html")]
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
    let page = communities::list_communities(
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
        townships: jurisdictions::townships_for(&s.deps, &a.ctx).await?,
        can_edit: may(&a.user, Action::EditCommunity),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "communities/show.html")]
pub(super) struct CommunityPage {
    c: Chrome,
    m: CommunityView,
    can_edit: bool,
    /// Whether the owner roster may be read (never by the company).
    can_read_roster: bool,
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
    /// Its contract periods, newest first.
    contracts: Vec<crate::service::exits::ContractView>,
    reads_exits: bool,
    /// Whether the viewer opens exits and registers contracts (bureau staff, the township).
    opens_exit: bool,
    /// Every company (id, name), for the contract form (only for those who register contracts).
    contract_companies: Vec<(i64, String)>,
}

impl CommunityPage {
    /// The messages of the contract form (keyed `contract_…`).
    fn contract_failed(&self) -> bool {
        self.errors.keys().any(|k| k.starts_with("contract_"))
    }
}

/// GET /communities/{id}
pub async fn show_community(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    community_page(&s, &a, id, crate::service::reassessments::NewReassessment::default(), FieldErrors::new()).await
}

pub(super) async fn community_page(
    s: &AppState,
    a: &Auth,
    id: i64,
    form: crate::service::reassessments::NewReassessment,
    errors: FieldErrors,
) -> Result<CommunityPage, PageError> {
    use crate::service::reassessments as ra;
    let m = communities::get_community(&s.deps, &a.ctx, id).await?;
    let can_propose = may(&a.user, Action::ManageCase);
    let can_open_track = may(&a.user, Action::DecideEscalation);
    let opens_exit =
        may(&a.user, Action::ManageExit) && matches!(a.user.actor.scope, crate::domain::role::Scope::Jurisdiction(_));
    let contract_companies =
        if opens_exit { crate::service::exits::open_choices(&s.deps, &a.ctx).await?.companies } else { Vec::new() };
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
        can_read_roster: may(&a.user, Action::ReadRoster),
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
        contracts: crate::service::exits::contracts(&s.deps, &a.ctx, id).await?,
        reads_exits: may(&a.user, Action::ReadExit),
        opens_exit,
        contract_companies,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "communities/form.html")]
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
    let companies = companies::company_choices(&s.deps, &a.ctx).await?;
    Ok(CommunityFormPage {
        c: Chrome::new(&a.session, Some(&a.user), title).await,
        action,
        township_id: d.township_id.unwrap_or(0),
        company_id: d.company_id.unwrap_or(0),
        d,
        errors,
        townships: jurisdictions::townships_for(&s.deps, &a.ctx).await?,
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
    match communities::create_community(&s.deps, &a.ctx, d.clone()).await {
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
    let m = communities::get_community(&s.deps, &a.ctx, id).await?;
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
    match communities::update_community(&s.deps, &a.ctx, id, d.clone()).await {
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
