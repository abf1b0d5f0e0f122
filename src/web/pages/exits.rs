//! Exit and handover pages (退出与移交): the list, the opening form, one exit with its checklist
//! (the leaving company declares, the receiver confirms), the three signatures and the record,
//! the litigation steps past the deadline, and the community's contracts with the incoming
//! company's registration and takeover inspection (承接查验).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Fields, PageForm, flash, may, read_parts, step_errors};
use crate::domain::authz::Action;
use crate::domain::dismissal::Litigation;
use crate::domain::exit::{ExitReason, ItemState, Party, ReceiverKind};
use crate::domain::registry::FieldErrors;
use crate::domain::role::Scope;
use crate::service::ServiceError;
use crate::service::exits::{self, ConfirmInput, ContractView, ExitRow, ExitView, NewContract, NewExit, OpenChoices};
use crate::service::litigation::{self, StepRow};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// The refusal of an upload cut off by the size limit.
const TOO_LARGE: (&str, &str) = ("files", "上传内容过大：每个文件不超过20MB，每次最多10个");

/// Whether the signed-in user opens exits and registers contracts (bureau staff, the township).
fn opens_exits(a: &Auth) -> bool {
    may(&a.user, Action::ManageExit) && matches!(a.user.actor.scope, Scope::Jurisdiction(_))
}

/// Whether the signed-in user may record the takeover inspection of `k`: bureau staff and the
/// township, the community's committee, the company of the contract itself.
fn inspects(a: &Auth, k: &ContractView) -> bool {
    if k.status == "ended" {
        return false;
    }
    match a.user.actor.scope {
        Scope::Company(own) => own == k.company_id && may(&a.user, Action::DeclareHandover),
        Scope::Community(_) => may(&a.user, Action::ConfirmHandover),
        Scope::Jurisdiction(_) => may(&a.user, Action::ManageExit),
        Scope::Department(_) => false,
    }
}

// ------------------------------------------------------------------ list

/// `?community=ID`: the exits of one community.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    community: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "exits/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ExitRow>,
    /// The community the list is narrowed to: (id, name).
    community: Option<(i64, String)>,
    can_open: bool,
}

/// GET /exits (`?community=ID`)
pub async fn list(
    State(s): State<AppState>,
    a: Auth,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, PageError> {
    let mut rows = exits::list(&s.deps, &a.ctx).await?;
    let mut community = None;
    if let Some(id) = q.community {
        rows.retain(|r| r.community_id == id);
        community = Some((id, rows.first().map(|r| r.community.clone()).unwrap_or_default()));
    }
    Ok(ListPage {
        c: Chrome::new(&a.session, Some(&a.user), "退出交接").await,
        rows,
        community,
        can_open: opens_exits(&a),
    })
}

// ------------------------------------------------------------------ opening

/// `?community=ID&track=ID`: what the opening form starts from.
#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    community: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    track: Option<i64>,
}

/// The opening form as typed (kept when it is refused).
#[derive(Debug, Clone, Default)]
struct NewDraft {
    community_id: String,
    reason: String,
    track_id: String,
    receiver_kind: String,
    receiver_name: String,
    incoming_company_id: String,
    notice_on: String,
    contract_ends_on: String,
    note: String,
}

impl NewDraft {
    fn parse(f: &Fields) -> NewDraft {
        NewDraft {
            community_id: f.text("community_id"),
            reason: f.text("reason"),
            track_id: f.text("track_id"),
            receiver_kind: f.text("receiver_kind"),
            receiver_name: f.text("receiver_name"),
            incoming_company_id: f.text("incoming_company_id"),
            notice_on: f.text("notice_on"),
            contract_ends_on: f.text("contract_ends_on"),
            note: f.raw("note"),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "exits/new.html")]
struct NewPage {
    c: Chrome,
    choices: OpenChoices,
    reasons: Vec<(&'static str, &'static str)>,
    receivers: Vec<(&'static str, &'static str)>,
    d: NewDraft,
    errors: FieldErrors,
    handover_days: u32,
}

impl NewPage {
    fn picked(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

async fn new_page(s: &AppState, a: &Auth, d: NewDraft, errors: FieldErrors) -> Result<NewPage, PageError> {
    let choices = exits::open_choices(&s.deps, &a.ctx).await?;
    Ok(NewPage {
        c: Chrome::new(&a.session, Some(&a.user), "启动退出交接").await,
        choices,
        reasons: ExitReason::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        receivers: ReceiverKind::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        d,
        errors,
        handover_days: s.deps.settings.handover_days,
    })
}

/// GET /exits/new (`?community=ID`, `?track=ID`: a dismissal track whose notice was served)
pub async fn new(
    State(s): State<AppState>,
    a: Auth,
    Query(q): Query<NewQuery>,
) -> Result<impl IntoResponse, PageError> {
    let mut d = NewDraft { receiver_kind: ReceiverKind::Committee.as_str().into(), ..Default::default() };
    if let Some(id) = q.community {
        d.community_id = id.to_string();
    }
    let mut page = new_page(&s, &a, d, FieldErrors::new()).await?;
    if let Some(t) = q.track {
        page.d.track_id = t.to_string();
        page.d.reason = ExitReason::Dismissal.as_str().into();
        if let Some((_, community_id, _)) = page.choices.tracks.iter().find(|(id, _, _)| *id == t) {
            page.d.community_id = community_id.to_string();
        }
    }
    Ok(page)
}

/// POST /exits (community_id, reason, track_id, receiver_kind, receiver_name,
/// incoming_company_id, notice_on, contract_ends_on, note)
pub async fn create(State(s): State<AppState>, a: Auth, PageForm(f): PageForm<Fields>) -> Result<Response, PageError> {
    let draft = NewDraft::parse(&f);
    let mut errors = FieldErrors::new();
    let mut community_id = f.number::<i64>("community_id", "小区", &mut errors);
    let track_id = f.number::<i64>("track_id", "引导解聘", &mut errors);
    let incoming_company_id = f.number::<i64>("incoming_company_id", "新物业服务企业", &mut errors);
    let notice_on = f.date("notice_on", "书面通知日期", &mut errors);
    let contract_ends_on = f.date("contract_ends_on", "合同终止日期", &mut errors);
    if community_id.is_none()
        && let Some(t) = track_id
    {
        // The track names its community.
        community_id =
            exits::open_choices(&s.deps, &a.ctx).await?.tracks.iter().find(|(id, _, _)| *id == t).map(|(_, c, _)| *c);
    }
    if community_id.is_none() && !errors.contains_key("community_id") {
        errors.insert("community_id".into(), "请选择小区".into());
    }
    if !errors.is_empty() && crate::domain::exit::ExitReason::parse(&draft.reason).is_none() {
        // Answered with the form's own errors, so said here as the service would.
        errors.insert("reason".into(), "请选择退出原因".into());
    }
    let result = match community_id {
        // A field the form could not read is answered before anything is opened.
        Some(community_id) if errors.is_empty() => {
            let new = NewExit {
                community_id,
                reason: draft.reason.clone(),
                track_id,
                receiver_kind: draft.receiver_kind.clone(),
                receiver_name: draft.receiver_name.clone(),
                incoming_company_id,
                notice_on,
                contract_ends_on,
                note: draft.note.clone(),
            };
            exits::open(&s.deps, &a.ctx, new).await
        }
        _ => Err(ServiceError::Invalid(FieldErrors::new())),
    };
    let status = match result {
        Ok(id) => {
            flash(&a.session, "已启动退出交接，已通知退出的企业、接收方和乡镇（街道）").await;
            return Ok(Redirect::to(&format!("/exits/{id}")).into_response());
        }
        Err(ServiceError::Invalid(found)) => {
            // The form's own messages (a date that is not one) stand over the service's.
            for (k, v) in found {
                errors.entry(k).or_insert(v);
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e @ (ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let status = crate::web::error::status(&e);
            errors.extend(step_errors(&e));
            status
        }
        Err(e) => return Err(e.into()),
    };
    Ok((status, new_page(&s, &a, draft, errors).await?).into_response())
}

// ------------------------------------------------------------------ one exit

/// One party's line on the record: its signature, and whether the viewer may sign for it now.
#[derive(Debug, Clone)]
struct PartyRow {
    party: &'static str,
    label: &'static str,
    /// (organisation, signer, signed at)
    signed: Option<(String, String, String)>,
    may_sign: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "exits/show.html")]
struct ShowPage {
    c: Chrome,
    v: ExitView,
    steps: Vec<StepRow>,
    parties: Vec<PartyRow>,
    /// The states a receiver confirms: (value, label).
    states: Vec<(&'static str, &'static str)>,
    litigation_kinds: Vec<(&'static str, &'static str)>,
    /// Every company, for the incoming contract (only for those who manage the exit).
    companies: Vec<(i64, String)>,
    /// The contracts whose takeover inspection the viewer may record.
    inspectable: Vec<i64>,
    today: String,
    /// The form that was refused (`declare:ID`, `confirm:ID`, `sign`, `cancel`, `litigation`,
    /// `contract`, `takeover:ID`), with its messages and what was typed.
    form: String,
    errors: FieldErrors,
    draft: Vec<(String, String)>,
}

/// The fields each form shows its messages beside; the others go on top of the form.
fn form_fields(form: &str) -> &'static [&'static str] {
    match form.split(':').next().unwrap_or_default() {
        "declare" => &["note", "files"],
        "confirm" => &["state", "on", "area", "note", "files"],
        "cancel" => &["reason"],
        "litigation" => &["kind", "on", "reference", "note", "document"],
        "contract" => &["company_id", "starts_on", "ends_on", "service_grade", "fee"],
        "takeover" => &["on", "findings"],
        _ => &[],
    }
}

impl ShowPage {
    fn failed(&self, form: &str) -> bool {
        self.form == form
    }

    /// The message of `field` in a refused `form`.
    fn ferr(&self, form: &str, field: &str) -> Option<String> {
        if self.form == form { self.errors.get(field).cloned() } else { None }
    }

    /// The messages of a refused `form` that belong to none of its fields.
    fn errs(&self, form: &str) -> Vec<String> {
        if self.form != form {
            return Vec::new();
        }
        let fields = form_fields(form);
        self.errors.iter().filter(|(k, _)| !fields.contains(&k.as_str())).map(|(_, v)| v.clone()).collect()
    }

    /// What was typed in `field` of a refused `form` ("" otherwise).
    fn val(&self, form: &str, field: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.draft.iter().rev().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// The date typed in a refused form, or today.
    fn day(&self, form: &str) -> String {
        let v = self.val(form, "on");
        if v.is_empty() { self.today.clone() } else { v }
    }

    fn chosen(&self, form: &str, field: &str, value: &str) -> bool {
        self.val(form, field) == value
    }

    fn company_chosen(&self, id: &i64) -> bool {
        self.val("contract", "company_id") == id.to_string()
    }

    fn may_inspect(&self, id: &i64) -> bool {
        self.inspectable.contains(id)
    }
}

async fn show_page(
    s: &AppState,
    a: &Auth,
    id: i64,
    form: &str,
    errors: FieldErrors,
    draft: Vec<(String, String)>,
) -> Result<ShowPage, PageError> {
    let v = exits::get(&s.deps, &a.ctx, id).await?;
    let steps = litigation::exit_steps(&s.deps, &a.ctx, id).await?;
    let companies = if v.may.manage {
        exits::open_choices(&s.deps, &a.ctx).await?.companies.into_iter().filter(|(k, _)| *k != v.company_id).collect()
    } else {
        Vec::new()
    };
    let parties = Party::ALL
        .iter()
        .map(|p| PartyRow {
            party: p.as_str(),
            label: p.label(),
            signed: v
                .signatures
                .iter()
                .find(|x| x.party == p.as_str())
                .map(|x| (x.organisation.clone(), x.signer.clone(), x.signed_at.clone())),
            may_sign: v.may.sign.iter().any(|x| x == p.as_str()),
        })
        .collect();
    // The takeover is the incoming company's: not the leaving company's own contract.
    let inspectable =
        v.contracts.iter().filter(|k| k.company_id != v.company_id && inspects(a, k)).map(|k| k.id).collect();
    Ok(ShowPage {
        c: Chrome::new(&a.session, Some(&a.user), &format!("退出交接：{}", v.community)).await,
        steps,
        parties,
        states: ItemState::CONFIRMABLE.iter().map(|s| (s.as_str(), s.label())).collect(),
        litigation_kinds: Litigation::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        companies,
        inspectable,
        today: crate::clock::today(a.ctx.now).to_string(),
        form: form.into(),
        errors,
        draft,
        v,
    })
}

/// GET /exits/{id}
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    show_page(&s, &a, id, "", FieldErrors::new(), Vec::new()).await
}

/// The answer to a step on the exit's page: on success a flash and back to the page (at
/// `anchor`); a refusal (invalid input, a rule, a conflict) shown in the step's own form.
async fn stepped(
    s: &AppState,
    a: &Auth,
    id: i64,
    form: &str,
    r: Result<String, ServiceError>,
    draft: Vec<(String, String)>,
    anchor: &str,
) -> Result<Response, PageError> {
    match r {
        Ok(done) => {
            flash(&a.session, done).await;
            Ok(Redirect::to(&format!("/exits/{id}{anchor}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let status = crate::web::error::status(&e);
            let errors = match e {
                ServiceError::Invalid(f) => f,
                other => step_errors(&other),
            };
            Ok((status, show_page(s, a, id, form, errors, draft).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /exits/{id}/items/{item_id}/declare (multipart: note, files*)
pub async fn declare(
    State(s): State<AppState>,
    a: Auth,
    Path((id, item_id)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let form = format!("declare:{item_id}");
    let anchor = format!("#item-{item_id}");
    let parts = match read_parts(mp, |f| f == "files", TOO_LARGE).await {
        Ok(p) => p,
        Err(e) => return stepped(&s, &a, id, &form, Err(e), Vec::new(), &anchor).await,
    };
    let draft = parts.texts();
    let note = parts.text("note");
    let files = parts.files("files");
    let r = exits::declare(&s.deps, &a.ctx, id, item_id, &note, files)
        .await
        .map(|()| "已申报移交，待接收方确认".to_string());
    stepped(&s, &a, id, &form, r, draft, &anchor).await
}

/// POST /exits/{id}/items/{item_id}/confirm (multipart: state, on, area, note, files*)
pub async fn confirm(
    State(s): State<AppState>,
    a: Auth,
    Path((id, item_id)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let form = format!("confirm:{item_id}");
    let anchor = format!("#item-{item_id}");
    let parts = match read_parts(mp, |f| f == "files", TOO_LARGE).await {
        Ok(p) => p,
        Err(e) => return stepped(&s, &a, id, &form, Err(e), Vec::new(), &anchor).await,
    };
    let draft = parts.texts();
    let fields = Fields(draft.clone());
    let mut errors = FieldErrors::new();
    let on = fields.date("on", "日期", &mut errors);
    let r = if errors.is_empty() {
        let state = fields.text("state");
        let label = ItemState::parse(&state).map(|s| s.label()).unwrap_or_default();
        let input = ConfirmInput {
            state,
            on,
            area: fields.text("area"),
            note: fields.raw("note"),
            files: parts.files("files"),
        };
        exits::confirm(&s.deps, &a.ctx, id, item_id, input).await.map(|()| format!("已确认：{label}"))
    } else {
        Err(ServiceError::Invalid(errors))
    };
    stepped(&s, &a, id, &form, r, draft, &anchor).await
}

/// The signature form: `party` (leaving, receiver, witness).
#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    party: String,
}

/// POST /exits/{id}/sign (party)
pub async fn sign(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<SignForm>,
) -> Result<Response, PageError> {
    let label = Party::parse(&f.party).map(|p| p.label()).unwrap_or_default();
    let r = exits::sign(&s.deps, &a.ctx, id, &f.party).await.map(|()| format!("已作为{label}签署移交清单"));
    stepped(&s, &a, id, "sign", r, Vec::new(), "#signatures").await
}

/// The withdrawal form: `reason`.
#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// POST /exits/{id}/cancel (reason)
pub async fn cancel(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<CancelForm>,
) -> Result<Response, PageError> {
    let draft = vec![("reason".to_string(), f.reason.clone())];
    let r = exits::cancel(&s.deps, &a.ctx, id, &f.reason).await.map(|()| "已撤销退出交接".to_string());
    stepped(&s, &a, id, "cancel", r, draft, "").await
}

/// POST /exits/{id}/litigation (multipart: kind, on, reference, note, document)
pub async fn record_litigation(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let anchor = "#litigation";
    let parts = match read_parts(mp, |f| f == "document", ("document", "上传内容过大：文书不超过20MB")).await
    {
        Ok(p) => p,
        Err(e) => return stepped(&s, &a, id, "litigation", Err(e), Vec::new(), anchor).await,
    };
    let draft = parts.texts();
    let fields = Fields(draft.clone());
    let mut errors = FieldErrors::new();
    let on = fields.date("on", "日期", &mut errors);
    let r = if errors.is_empty() {
        let form = litigation::StepForm {
            kind: fields.text("kind"),
            on,
            reference: fields.text("reference"),
            note: fields.raw("note"),
            document: parts
                .files("document")
                .pop()
                .map(|(name, bytes)| (if name.is_empty() { "文书".into() } else { name }, bytes)),
        };
        litigation::record_exit_step(&s.deps, &a.ctx, id, form).await.map(|()| "已记录".to_string())
    } else {
        Err(ServiceError::Invalid(errors))
    };
    stepped(&s, &a, id, "litigation", r, draft, anchor).await
}

/// GET /exits/{id}/record.pdf: the signed handover record (移交清单).
pub async fn record_pdf(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    let pdf = exits::record_pdf(&s.deps, &a.ctx, id).await?;
    Ok(super::pdf_response(&format!("物业服务项目移交清单-{id}"), &format!("handover-{id}"), pdf))
}

/// GET /exits/{id}/files/{file_id}: an evidence file of an item.
pub async fn file(
    State(s): State<AppState>,
    a: Auth,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let doc = exits::file(&s.deps, &a.ctx, id, file_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Revalidate, None))
}

/// GET /exits/{id}/documents/{event_id}: the document of a litigation step.
pub async fn document(
    State(s): State<AppState>,
    a: Auth,
    Path((id, event_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let doc = litigation::exit_document(&s.deps, &a.ctx, id, event_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Revalidate, None))
}

// ------------------------------------------------------------------ contracts

/// Where a contract form goes back to: the exit it was posted from (`exit_id`), or the
/// community's page.
fn back_to(f: &Fields) -> Option<i64> {
    f.text("exit_id").parse().ok().filter(|id| *id > 0)
}

/// POST /communities/{id}/contracts (company_id, starts_on, ends_on, service_grade, fee; `exit_id`
/// when posted from an exit's page) → back
pub async fn register_contract(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let new = NewContract {
        company_id: f.number("company_id", "物业服务企业", &mut errors),
        starts_on: f.date("starts_on", "合同开始日期", &mut errors),
        ends_on: f.date("ends_on", "合同终止日期", &mut errors),
        service_grade: f.text("service_grade"),
        fee: f.text("fee"),
    };
    let r = if errors.is_empty() {
        exits::register_contract(&s.deps, &a.ctx, id, new).await.map(|_| "已登记新的物业服务合同".to_string())
    } else {
        Err(ServiceError::Invalid(errors))
    };
    back(&s, &a, back_to(&f), id, "contract", r, f).await
}

/// POST /contracts/{id}/takeover-inspection (on, findings; `exit_id` or `community_id` to go
/// back to) → back
pub async fn record_takeover(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let on = f.date("on", "查验日期", &mut errors);
    let r = if errors.is_empty() {
        exits::record_takeover(&s.deps, &a.ctx, id, on, &f.raw("findings")).await.map(|()| "已记录承接查验".to_string())
    } else {
        Err(ServiceError::Invalid(errors))
    };
    let community_id = f.text("community_id").parse().unwrap_or(0);
    back(&s, &a, back_to(&f), community_id, &format!("takeover:{id}"), r, f).await
}

/// The answer to a contract form: back to the exit's page (its `form` refused there with what
/// was typed) or to the community's (the messages keyed `contract_…`).
async fn back(
    s: &AppState,
    a: &Auth,
    exit_id: Option<i64>,
    community_id: i64,
    form: &str,
    r: Result<String, ServiceError>,
    f: Fields,
) -> Result<Response, PageError> {
    if let Some(exit_id) = exit_id {
        return stepped(s, a, exit_id, form, r, f.0, "#contracts").await;
    }
    match r {
        Ok(done) => {
            flash(&a.session, done).await;
            let to = if community_id > 0 { format!("/communities/{community_id}#contracts") } else { "/exits".into() };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) if community_id > 0 => {
            let status = crate::web::error::status(&e);
            let errors = match e {
                ServiceError::Invalid(found) => found,
                other => step_errors(&other),
            };
            let errors = errors.into_iter().map(|(k, v)| (format!("contract_{k}"), v)).collect();
            let page = super::communities::community_page(
                s,
                a,
                community_id,
                crate::service::reassessments::NewReassessment::default(),
                errors,
            )
            .await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
