//! The work ledger (工作台账) pages: the ledger with filters and exports, opening a case from a
//! problem, the case page with its steps, extensions, escalation proposals and photos.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Chrome, NoteForm, PageForm, Pager, flash, q};
use crate::domain::case::{CaseEvent, CaseStatus};
use crate::domain::extension::ExtensionDecision;
use crate::domain::registry::FieldErrors;
use crate::service::cases::{CaseDetail, CaseRow, ItemReport, LedgerQuery, NewCase, StepInput};
use crate::service::rule_code::RuleCode;
use crate::service::{ServiceError, cases, companies, jurisdictions};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/list.html")]
struct LedgerPage {
    c: Chrome,
    items: Vec<CaseRow>,
    pager: Pager,
    base: String,
    township_id: i64,
    company_id: i64,
    status: String,
    catalog_code: String,
    sort: String,
    overdue: bool,
    text: String,
    statuses: Vec<(&'static str, &'static str)>,
    townships: Vec<(i64, String)>,
    companies: Vec<(i64, String)>,
    catalog: Vec<(String, String, String)>,
    responsible: Vec<(i64, String)>,
    responsible_id: i64,
    company_user: bool,
}

fn ledger_base(f: &LedgerQuery) -> String {
    let o = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    format!(
        "township_id={}&company_id={}&community_id={}&responsible_user_id={}&catalog_code={}&status={}&overdue={}&q={}&sort={}&dir={}&",
        o(f.township_id),
        o(f.company_id),
        o(f.community_id),
        o(f.responsible_user_id),
        q(f.catalog_code.as_deref().unwrap_or("")),
        q(f.status.as_deref().unwrap_or("")),
        q(f.overdue.as_deref().unwrap_or("")),
        q(f.q.as_deref().unwrap_or("")),
        q(f.sort.as_deref().unwrap_or("")),
        q(f.dir.as_deref().unwrap_or("")),
    )
}

/// GET /cases
pub async fn list_cases(
    State(s): State<AppState>,
    a: Auth,
    Query(f): Query<LedgerQuery>,
) -> Result<impl IntoResponse, PageError> {
    let ledger = cases::ledger(&s.deps, &a.ctx, &f, 20).await?;
    let page = ledger.rows;
    let base = ledger_base(&f);
    let company_user = a.user.actor.role == crate::domain::role::Role::CompanyUser;
    let (townships, companies) = if company_user {
        (Vec::new(), Vec::new())
    } else {
        (jurisdictions::townships_for(&s.deps, &a.ctx).await?, companies::company_choices(&s.deps, &a.ctx).await?)
    };
    Ok(LedgerPage {
        c: Chrome::new(&a.session, Some(&a.user), "工作台账").await,
        pager: Pager { approximate: !ledger.total_exact, ..Pager::of(&page, "/cases", &base) },
        items: page.items,
        base,
        township_id: f.township_id.unwrap_or(0),
        company_id: f.company_id.unwrap_or(0),
        status: f.status.clone().unwrap_or_default(),
        catalog_code: f.catalog_code.clone().unwrap_or_default(),
        sort: f.sort.clone().unwrap_or_default(),
        overdue: f.overdue.as_deref() == Some("1"),
        text: f.q.clone().unwrap_or_default(),
        statuses: CaseStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        townships,
        companies,
        catalog: crate::service::complaints::public_catalog(&s.deps).await?,
        responsible: if company_user { Vec::new() } else { cases::responsible_candidates(&s.deps).await? },
        responsible_id: f.responsible_user_id.unwrap_or(0),
        company_user,
    })
}

/// GET /cases/export.xlsx
pub async fn export_cases_xlsx(
    State(s): State<AppState>,
    a: Auth,
    Query(f): Query<LedgerQuery>,
) -> Result<Response, PageError> {
    let rows = cases::ledger_export_rows(&s.deps, &a.ctx, &f).await?;
    let bytes = cases::export_xlsx(&rows)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E5%8F%B0%E8%B4%A6.xlsx"
                    .to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// GET /cases/export.csv
pub async fn export_cases_csv(
    State(s): State<AppState>,
    a: Auth,
    Query(f): Query<LedgerQuery>,
) -> Result<Response, PageError> {
    let rows = cases::ledger_export_rows(&s.deps, &a.ctx, &f).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ledger.csv\"; filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E5%8F%B0%E8%B4%A6.csv"
                    .to_string(),
            ),
        ],
        cases::export_csv(&rows),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/new.html")]
struct NewCasePage {
    c: Chrome,
    problem_id: i64,
    problem_title: String,
    facts: String,
    responsible: Vec<(i64, String)>,
    responsible_id: i64,
    catalog: Vec<(String, String, String)>,
    errors: FieldErrors,
}

/// `?problem_id=N`
#[derive(Deserialize)]
pub struct NewCaseQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    problem_id: Option<i64>,
}

async fn new_case_page(
    s: &AppState,
    a: &Auth,
    problem_id: i64,
    facts: Option<String>,
    responsible_id: i64,
    errors: FieldErrors,
) -> Result<NewCasePage, PageError> {
    let (title, description) = match cases::opening_draft(&s.deps, &a.ctx, problem_id).await? {
        cases::OpeningDraft::Problem { title, description } => (title, description),
        cases::OpeningDraft::Opened(_) => {
            return Err(ServiceError::from(RuleCode::CaseAlreadyOpened).into());
        }
    };
    Ok(NewCasePage {
        c: Chrome::new(&a.session, Some(&a.user), "立案").await,
        problem_id,
        problem_title: title,
        facts: facts.unwrap_or(description),
        responsible: cases::responsible_candidates(&s.deps).await?,
        responsible_id: if responsible_id == 0 { a.user.actor.user_id } else { responsible_id },
        catalog: crate::service::complaints::public_catalog(&s.deps).await?,
        errors,
    })
}

/// GET /cases/new?problem_id=N
pub async fn new_case(
    State(s): State<AppState>,
    a: Auth,
    Query(nq): Query<NewCaseQuery>,
) -> Result<impl IntoResponse, PageError> {
    let pid = nq.problem_id.ok_or_else(|| ServiceError::field("problem_id", "请从投诉线索的问题进入立案"))?;
    if let cases::OpeningDraft::Opened(existing) = cases::opening_draft(&s.deps, &a.ctx, pid).await? {
        return Ok(Redirect::to(&format!("/cases/{existing}")).into_response());
    }
    Ok(new_case_page(&s, &a, pid, None, 0, FieldErrors::new()).await?.into_response())
}

/// The opening form.
#[derive(Deserialize)]
pub struct NewCaseForm {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    problem_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    responsible_user_id: Option<i64>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    facts: String,
    #[serde(default)]
    extra_code: String,
}

/// POST /cases
pub async fn create_case(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<NewCaseForm>,
) -> Result<Response, PageError> {
    let pid = f.problem_id.ok_or_else(|| ServiceError::field("problem_id", "缺少问题编号"))?;
    let new = NewCase {
        problem_id: pid,
        responsible_user_id: f.responsible_user_id,
        title: f.title.clone(),
        facts: f.facts.clone(),
        extra_codes: vec![f.extra_code.clone()],
    };
    match cases::open_case(&s.deps, &a.ctx, new).await {
        Ok(id) => {
            flash(&a.session, "已列入工作台账，请核实后立案").await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_case_page(&s, &a, pid, Some(f.facts), f.responsible_user_id.unwrap_or(0), errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/show.html")]
struct CasePage {
    c: Chrome,
    d: CaseDetail,
    errors: FieldErrors,
    today: String,
    referrals: Vec<crate::service::referrals::ReferralView>,
}

impl CasePage {
    fn can(&self, what: &str) -> bool {
        self.d.can.iter().any(|c| c == what)
    }
}

async fn case_page(s: &AppState, a: &Auth, id: i64, errors: FieldErrors) -> Result<CasePage, PageError> {
    let d = cases::detail(&s.deps, &a.ctx, id).await?;
    Ok(CasePage {
        c: Chrome::new(&a.session, Some(&a.user), &format!("案件 {}", d.row.id)).await,
        referrals: crate::service::referrals::of_case(&s.deps, &a.ctx, id).await?,
        d,
        errors,
        today: crate::clock::today(a.ctx.now).to_string(),
    })
}

/// GET /cases/{id}
pub async fn show_case(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    case_page(&s, &a, id, FieldErrors::new()).await
}

/// Answers a failed step by showing the case again with the message.
async fn step_failed(s: &AppState, a: &Auth, id: i64, e: ServiceError) -> Result<Response, PageError> {
    let errors = match e {
        ServiceError::Invalid(errors) => errors,
        e @ (ServiceError::Rule(_) | ServiceError::Conflict(_)) => {
            let mut errors = FieldErrors::new();
            errors.insert("step".into(), e.message());
            errors
        }
        e => return Err(e.into()),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, case_page(s, a, id, errors).await?).into_response())
}

/// POST /cases/{id}/steps (multipart: step, note, deadline, photos; a report item by item adds
/// `item_note.<code>` and `item_photos.<code>`)
pub async fn record_case_step(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = super::read_parts(
        mp,
        |f| f == "photos" || f.starts_with("item_photos."),
        ("photos", "上传内容过大：每张照片不超过10MB，最多6张"),
    )
    .await?;
    let (mut step, mut note, mut deadline, mut photos) = (String::new(), String::new(), String::new(), Vec::new());
    // A report item by item: `item_note.<code>` and `item_photos.<code>`, in form order.
    let mut items: Vec<ItemReport> = Vec::new();
    fn item<'a>(items: &'a mut Vec<ItemReport>, code: &str) -> &'a mut ItemReport {
        let at = match items.iter().position(|i| i.code == code) {
            Some(at) => at,
            None => {
                items.push(ItemReport { code: code.to_string(), ..Default::default() });
                items.len() - 1
            }
        };
        &mut items[at]
    }
    for part in parts.0 {
        match part {
            super::Part::File { name, bytes, .. } => match name.strip_prefix("item_photos.") {
                Some(code) => {
                    let it = item(&mut items, code);
                    if !bytes.is_empty() {
                        it.photos.push(bytes);
                    }
                }
                None if !bytes.is_empty() => photos.push(bytes),
                None => {}
            },
            super::Part::Text { name, value } => match name.as_str() {
                "step" => step = value,
                "note" => note = value,
                "deadline" => deadline = value,
                other => {
                    if let Some(code) = other.strip_prefix("item_note.") {
                        item(&mut items, code).note = value;
                    }
                }
            },
        }
    }
    let event = match step.as_str() {
        "verify" => CaseEvent::Verify,
        "dismiss" => CaseEvent::Dismiss,
        "report" => CaseEvent::Report,
        "start_reinspection" => CaseEvent::StartReinspection,
        "pass_reinspection" => CaseEvent::PassReinspection,
        "fail_reinspection" => CaseEvent::FailReinspection,
        _ => return step_failed(&s, &a, id, ServiceError::field("step", "请选择办理事项")).await,
    };
    let input = StepInput { note, deadline: date(&deadline), photos, items };
    match cases::act(&s.deps, &a.ctx, id, event, input).await {
        Ok(()) => {
            flash(&a.session, format!("已办理：{}", event.label())).await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) => step_failed(&s, &a, id, e).await,
    }
}

/// Extension request / decision form.
#[derive(Deserialize)]
pub struct ExtensionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    deadline: String,
    /// `grant` or `refuse` (staff).
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// POST /cases/{id}/extension (company)
pub async fn request_extension(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ExtensionForm>,
) -> Result<Response, PageError> {
    match cases::request_extension(&s.deps, &a.ctx, id, &f.reason, date(&f.deadline)).await {
        Ok(()) => {
            flash(&a.session, "延期申请已提交，等待住建部门审批").await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) => step_failed(&s, &a, id, e).await,
    }
}

/// POST /cases/{id}/extension/decision (staff)
pub async fn decide_extension(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ExtensionForm>,
) -> Result<Response, PageError> {
    let grant = match ExtensionDecision::try_from(&f) {
        Ok(decision) => decision == ExtensionDecision::Grant,
        Err(e) => return step_failed(&s, &a, id, e).await,
    };
    match cases::decide_extension(&s.deps, &a.ctx, id, grant, date(&f.deadline), &f.note).await {
        Ok(()) => {
            flash(&a.session, if grant { "已批准延期" } else { "已决定不予延期" }).await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) => step_failed(&s, &a, id, e).await,
    }
}

impl TryFrom<&ExtensionForm> for ExtensionDecision {
    type Error = ServiceError;

    /// `decision`: grant or refuse.
    fn try_from(f: &ExtensionForm) -> Result<Self, ServiceError> {
        super::choice("decision", &f.decision, Self::parse, &Self::ALL, Self::label)
    }
}

/// POST /cases/{id}/escalation (staff propose)
pub async fn propose_escalation(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    match crate::service::escalations::propose_escalation(&s.deps, &a.ctx, id, &f.note).await {
        Ok(()) => {
            flash(&a.session, "已提请领导决定是否升级处理").await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) => step_failed(&s, &a, id, e).await,
    }
}

/// GET /cases/{id}/photos/{photo_id}
pub async fn show_case_photo(
    State(s): State<AppState>,
    a: Auth,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let bytes = cases::photo(&s.deps, &a.ctx, id, photo_id).await?;
    Ok(super::jpeg_response(bytes))
}
