//! The work ledger (工作台账) pages: the ledger with filters and exports, opening a case from a
//! problem, the case page with its steps, notices (issue, list, view, sign, PDF), escalation
//! decisions and the notification inbox.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Chrome, PageForm, Pager, flash, q};
use crate::domain::authz::{Action, role_may};
use crate::domain::case::{CaseEvent, CaseStatus};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::cases::{self, CaseDetail, CaseRow, ItemReport, LedgerQuery, NewCase, NotificationView, StepInput};
use crate::service::notices::{self, NewNotice, NoticeView};
use crate::service::registry;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/ledger.html")]
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
        (registry::townships_for(&s.deps, &a.ctx).await?, registry::company_choices(&s.deps, &a.ctx).await?)
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
    let p = crate::db::complaints::problem(&s.deps.db, problem_id)
        .await
        .map_err(ServiceError::from)?
        .ok_or(ServiceError::NotFound("问题"))?;
    Ok(NewCasePage {
        c: Chrome::new(&a.session, Some(&a.user), "立案").await,
        problem_id,
        problem_title: p.title,
        facts: facts.unwrap_or(p.description),
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
    if !role_may(a.user.actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let pid = nq.problem_id.ok_or_else(|| ServiceError::field("problem_id", "请从投诉线索的问题进入立案"))?;
    if let Some(existing) = crate::db::cases::case_of_problem(&s.deps.db, pid).await.map_err(ServiceError::from)? {
        return Ok(Redirect::to(&format!("/cases/{}", existing.id)).into_response());
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
#[template(path = "cases/detail.html")]
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
        e @ (ServiceError::Rule { .. } | ServiceError::Conflict(_)) => {
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
pub async fn case_step(
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
    let grant = f.decision == "grant";
    match cases::decide_extension(&s.deps, &a.ctx, id, grant, date(&f.deadline), &f.note).await {
        Ok(()) => {
            flash(&a.session, if grant { "已批准延期" } else { "已决定不予延期" }).await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) => step_failed(&s, &a, id, e).await,
    }
}

/// A note-only form.
#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    decision: String,
}

/// POST /cases/{id}/escalation (staff propose)
pub async fn propose_escalation(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    match cases::propose_escalation(&s.deps, &a.ctx, id, &f.note).await {
        Ok(()) => {
            flash(&a.session, "已提请领导决定是否升级处理").await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) => step_failed(&s, &a, id, e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/escalations.html")]
struct EscalationsPage {
    c: Chrome,
    items: Vec<(i64, String, String, CaseRow)>,
    reassessments: Vec<crate::service::reassessments::ReassessmentView>,
    referrals: Vec<crate::service::referrals::ReferralView>,
    can_decide: bool,
    errors: FieldErrors,
}

async fn escalations_page(s: &AppState, a: &Auth, errors: FieldErrors) -> Result<EscalationsPage, PageError> {
    Ok(EscalationsPage {
        c: Chrome::new(&a.session, Some(&a.user), "升级处理").await,
        items: cases::pending_escalations(&s.deps, &a.ctx).await?,
        reassessments: crate::service::reassessments::pending(&s.deps, &a.ctx).await?,
        referrals: crate::service::referrals::list(&s.deps, &a.ctx, true).await?,
        can_decide: role_may(a.user.actor.role, Action::DecideEscalation),
        errors,
    })
}

/// GET /escalations
pub async fn list_escalations(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    escalations_page(&s, &a, FieldErrors::new()).await
}

/// POST /escalations/{id} (leader)
pub async fn decide_escalation(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    let accept = f.decision == "accept";
    match cases::decide_escalation(&s.deps, &a.ctx, id, accept, &f.note).await {
        Ok(()) => {
            flash(&a.session, if accept { "已决定升级处理" } else { "已决定暂不升级" }).await;
            Ok(Redirect::to("/escalations").into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule { .. } | ServiceError::Conflict(_))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, escalations_page(&s, &a, super::step_errors(&e)).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /cases/{id}/photos/{photo_id}
pub async fn case_photo(
    State(s): State<AppState>,
    a: Auth,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let bytes = cases::photo(&s.deps, &a.ctx, id, photo_id).await?;
    Ok(super::jpeg_response(bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/notices.html")]
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
#[template(path = "cases/notice_new.html")]
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

/// `?deadline=YYYY-MM-DD`
#[derive(Deserialize)]
pub struct DeadlineQuery {
    #[serde(default)]
    deadline: String,
}

/// GET /deadlines/check: the warning beside a deadline field (htmx fragment; empty when the
/// date is an ordinary working day or not a date).
pub async fn check_deadline(
    State(s): State<AppState>,
    _a: Auth,
    Query(q): Query<DeadlineQuery>,
) -> Result<Response, PageError> {
    let warning = match date(&q.deadline) {
        Some(d) => crate::service::holidays::deadline_warning(&s.deps, d).await?,
        None => None,
    };
    let html = match warning {
        Some(w) => format!(
            "<span class=\"warn\">{}</span>",
            askama::filters::escape(&w, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default()
        ),
        None => String::new(),
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// POST /notices (form fields: company_id, case_id (repeated), deadline, contact, requirements)
pub async fn issue_notice(
    State(s): State<AppState>,
    a: Auth,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let case_ids: Vec<i64> =
        fields.iter().filter(|(n, _)| n == "case_id").filter_map(|(_, v)| v.parse().ok()).collect();
    let new = NewNotice {
        case_ids,
        deadline: date(&get("deadline")),
        contact: get("contact"),
        requirements: get("requirements"),
    };
    match notices::issue_notice(&s.deps, &a.ctx, new).await {
        Ok(id) => {
            flash(&a.session, "整改通知书已下发").await;
            Ok(Redirect::to(&format!("/notices/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule { .. } | ServiceError::Conflict(_))) => {
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
#[template(path = "cases/notice.html")]
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
        can_sign: role_may(a.user.actor.role, Action::AnswerNotice) && n.status == "issued",
        n,
    })
}

/// POST /notices/{id}/sign
pub async fn sign_notice(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    match notices::sign_notice(&s.deps, &a.ctx, id).await {
        Ok(()) => flash(&a.session, "已签收整改通知书").await,
        Err(ServiceError::Conflict(m)) => flash(&a.session, m).await,
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/notices/{id}")).into_response())
}

/// GET /notices/{id}/pdf
pub async fn notice_pdf(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (number, bytes) = notices::notice_pdf(&s.deps, &a.ctx, id).await?;
    Ok(super::pdf_response(&number, &format!("notice-{id}"), bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/notifications.html")]
struct NotificationsPage {
    c: Chrome,
    items: Vec<NotificationView>,
}

/// GET /notifications
pub async fn list_notifications(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    Ok(NotificationsPage {
        c: Chrome::new(&a.session, Some(&a.user), "消息提醒").await,
        items: cases::notifications(&s.deps, &a.ctx).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/holidays.html")]
struct HolidaysPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    /// Years the table lacks (dates in them count weekends only).
    missing: Vec<i32>,
    items: Vec<crate::service::holidays::HolidayView>,
    can_edit: bool,
    errors: FieldErrors,
}

/// `?year=YYYY`
#[derive(Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    year: Option<i64>,
}

async fn holidays_page(
    s: &AppState,
    a: &Auth,
    year: Option<i32>,
    errors: FieldErrors,
) -> Result<HolidaysPage, PageError> {
    let (year, years, items) = crate::service::holidays::list(&s.deps, year).await?;
    Ok(HolidaysPage {
        c: Chrome::new(&a.session, Some(&a.user), "节假日").await,
        year,
        years,
        missing: crate::service::holidays::missing_years(&s.deps).await?,
        items,
        can_edit: role_may(a.user.actor.role, Action::EditHolidays),
        errors,
    })
}

/// GET /holidays
pub async fn list_holidays(
    State(s): State<AppState>,
    a: Auth,
    Query(yq): Query<YearQuery>,
) -> Result<impl IntoResponse, PageError> {
    holidays_page(&s, &a, yq.year.map(|y| y as i32), FieldErrors::new()).await
}

/// The holiday form.
#[derive(Deserialize)]
pub struct HolidayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// `delete` removes the date.
    #[serde(default)]
    action: String,
}

/// POST /holidays
pub async fn save_holiday(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<HolidayForm>,
) -> Result<Response, PageError> {
    let day = date(&f.day);
    let result = if f.action == "delete" {
        crate::service::holidays::delete(&s.deps, &a.ctx, day).await
    } else {
        crate::service::holidays::save(&s.deps, &a.ctx, day, &f.kind, &f.name).await
    };
    let year = day.map(|d| chrono::Datelike::year(&d));
    match result {
        Ok(()) => {
            flash(&a.session, "节假日表已更新").await;
            Ok(Redirect::to(&format!("/holidays?year={}", year.unwrap_or(2026))).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, holidays_page(&s, &a, year, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /reassessments/{id}/decision (leader: `decision` = approve | reject, `note`)
pub async fn decide_reassessment(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    let approve = f.decision == "approve";
    match crate::service::reassessments::decide(&s.deps, &a.ctx, id, approve, &f.note).await {
        Ok(()) => {
            flash(&a.session, if approve { "已同意重新核定，函件已生成" } else { "已不同意重新核定" }).await;
            Ok(Redirect::to("/escalations").into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule { .. } | ServiceError::Conflict(_))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, escalations_page(&s, &a, super::step_errors(&e)).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /reassessments/{id}/letters/{which} (`company` or `departments`)
pub async fn reassessment_letter(
    State(s): State<AppState>,
    a: Auth,
    Path((id, which)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (number, bytes) = crate::service::reassessments::letter_pdf(&s.deps, &a.ctx, id, &which).await?;
    Ok(super::pdf_response(&number, &format!("reassessment-{id}-{which}"), bytes))
}
