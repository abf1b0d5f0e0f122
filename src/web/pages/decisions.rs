//! Owners' joint decision pages (业主共同决定, 民法典第278条) for the convenor (the owners'
//! committee, or the township where there is none) and the readers (the bureau): the list
//! (`/decisions`), the convening form, one vote with its live participation (never a choice
//! before the count), codes and printable slips, paper ballots, the count with its four
//! comparisons, objections and extensions; and the public downloads (announcement, attachments).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Fields, PageForm, flash, read_parts, step_errors};
use crate::domain::authz::Denied;
use crate::domain::decision::{Choice, Matter};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::decisions::{
    self, BallotRow, ConveneInput, DecisionSummary, DecisionView, MatterInput, PaperBallot, Progress, SlipView,
};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// Matter rows the convening form always offers (more are kept when a refused form had more).
const MATTER_ROWS: usize = 3;
/// The most matter rows read from a form (the service allows 20).
const MAX_MATTER_ROWS: usize = 20;

/// The public address owners vote at.
fn vote_url(s: &AppState) -> String {
    format!("{}/vote", s.deps.settings.public_url.trim_end_matches('/'))
}

/// The matters of 第278条 for a select: (value, `（四）选聘和解聘…`).
fn matter_options() -> Vec<(&'static str, String)> {
    Matter::ALL.iter().map(|m| (m.as_str(), format!("{}{}", m.item(), m.label()))).collect()
}

/// The three choices: (value, label).
fn choice_options() -> Vec<(&'static str, &'static str)> {
    Choice::ALL.iter().map(|c| (c.as_str(), c.label())).collect()
}

// ------------------------------------------------------------------ list

#[derive(Template, WebTemplate)]
#[template(path = "decisions/list.html")]
struct ListPage {
    c: Chrome,
    items: Vec<DecisionSummary>,
    convenes: bool,
}

/// GET /decisions
pub async fn list(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    let items = decisions::list(&s.deps, &a.ctx).await?;
    let convenes = !decisions::convenable(&s.deps, &a.ctx).await?.is_empty();
    Ok(ListPage { c: Chrome::new(&a.session, Some(&a.user), "业主表决").await, items, convenes })
}

// ------------------------------------------------------------------ convening

/// A matter row of the convening form as typed, with its own messages.
#[derive(Debug, Clone, Default)]
struct MatterRow {
    item: String,
    title: String,
    body: String,
    errors: Vec<String>,
}

impl MatterRow {
    fn is_empty(&self) -> bool {
        self.item.is_empty() && self.title.is_empty() && self.body.trim().is_empty()
    }
}

/// The convening form as typed (kept when it is refused).
#[derive(Debug, Clone, Default)]
struct ConveneDraft {
    community_id: String,
    title: String,
    interim: bool,
    voting_starts_on: String,
    voting_ends_on: String,
    deem: bool,
    rows: Vec<MatterRow>,
}

impl ConveneDraft {
    fn blank() -> ConveneDraft {
        ConveneDraft { rows: vec![MatterRow::default(); MATTER_ROWS], ..Default::default() }
    }

    /// Reads the form: community_id, title, interim, voting_starts_on, voting_ends_on, deem, and
    /// matter rows `matter_item_N`, `matter_title_N`, `matter_body_N`.
    fn parse(f: &Fields) -> ConveneDraft {
        let mut rows: Vec<MatterRow> = (0..MAX_MATTER_ROWS)
            .map(|i| MatterRow {
                item: f.text(&format!("matter_item_{i}")),
                title: f.text(&format!("matter_title_{i}")),
                body: f.raw(&format!("matter_body_{i}")),
                errors: Vec::new(),
            })
            .collect();
        while rows.len() > MATTER_ROWS && rows.last().is_some_and(MatterRow::is_empty) {
            rows.pop();
        }
        ConveneDraft {
            community_id: f.text("community_id"),
            title: f.text("title"),
            interim: !f.text("interim").is_empty(),
            voting_starts_on: f.text("voting_starts_on"),
            voting_ends_on: f.text("voting_ends_on"),
            deem: !f.text("deem").is_empty(),
            rows,
        }
    }

    fn picked(&self, id: &i64) -> bool {
        self.community_id == id.to_string()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "decisions/new.html")]
struct NewPage {
    c: Chrome,
    communities: Vec<(i64, String)>,
    matters: Vec<(&'static str, String)>,
    d: ConveneDraft,
    errors: FieldErrors,
    notice_days: u32,
    interim_notice_days: u32,
    min_voting_days: u32,
    max_voting_days: u32,
}

async fn new_page(s: &AppState, a: &Auth, d: ConveneDraft, errors: FieldErrors) -> Result<NewPage, PageError> {
    let communities = decisions::convenable(&s.deps, &a.ctx).await?;
    if communities.is_empty() {
        return Err(ServiceError::Forbidden(Denied::Role).into());
    }
    let p = decisions::periods(&s.deps);
    Ok(NewPage {
        c: Chrome::new(&a.session, Some(&a.user), "召集业主表决").await,
        communities,
        matters: matter_options(),
        d,
        errors,
        notice_days: p.notice_days,
        interim_notice_days: p.interim_notice_days,
        min_voting_days: p.min_voting_days,
        max_voting_days: p.max_voting_days,
    })
}

/// GET /decisions/new
pub async fn new(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    new_page(&s, &a, ConveneDraft::blank(), FieldErrors::new()).await
}

/// POST /decisions (multipart: the convening form and `files`)
pub async fn create(State(s): State<AppState>, a: Auth, mp: Multipart) -> Result<Response, PageError> {
    let parts = read_parts(mp, |f| f == "files", ("files", "上传内容过大：每个附件不超过20MB")).await?;
    let fields = Fields(parts.texts());
    let mut draft = ConveneDraft::parse(&fields);
    let mut errors = FieldErrors::new();
    let community_id = fields.number::<i64>("community_id", "小区", &mut errors);
    if community_id.is_none() && !errors.contains_key("community_id") {
        errors.insert("community_id".into(), "请选择召集表决的小区".into());
    }
    let starts = fields.date("voting_starts_on", "投票开始日期", &mut errors);
    let ends = fields.date("voting_ends_on", "投票截止日期", &mut errors);
    // Rows left wholly empty are not matters; `sent[k]` is the form row of the k-th matter sent.
    let sent: Vec<usize> = (0..draft.rows.len()).filter(|i| !draft.rows[*i].is_empty()).collect();
    let files: Vec<decisions::Upload> = parts
        .files("files")
        .into_iter()
        .map(|(name, b)| (if name.trim().is_empty() { "附件".into() } else { name }, b))
        .collect();
    let result = match community_id {
        Some(community_id) => {
            let input = ConveneInput {
                community_id,
                title: draft.title.clone(),
                interim: draft.interim,
                voting_starts_on: starts,
                voting_ends_on: ends,
                deem: draft.deem,
                matters: sent
                    .iter()
                    .map(|i| {
                        let r = &draft.rows[*i];
                        MatterInput { item: r.item.clone(), title: r.title.clone(), body: r.body.clone() }
                    })
                    .collect(),
            };
            decisions::convene(&s.deps, &a.ctx, input, files).await
        }
        None => Err(ServiceError::Invalid(FieldErrors::new())),
    };
    let status = match result {
        Ok(id) => {
            flash(&a.session, "已召集表决并公告。请发放表决码：有手机号的业主可短信发送，其余打印表决码交业主签收。")
                .await;
            return Ok(Redirect::to(&format!("/decisions/{id}")).into_response());
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
    // Messages about a matter go to its row.
    let mut rest = FieldErrors::new();
    for (k, v) in errors {
        let row = k
            .strip_prefix("matters[")
            .and_then(|x| x.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| sent.get(n).copied());
        match row {
            Some(i) => draft.rows[i].errors.push(v),
            None => {
                rest.insert(k, v);
            }
        }
    }
    if sent.is_empty() && !rest.contains_key("matters") {
        rest.insert("matters".into(), "请填写至少一项表决事项".into());
    }
    Ok((status, new_page(&s, &a, draft, rest).await?).into_response())
}

// ------------------------------------------------------------------ one vote

/// A paper ballot as typed (kept when it is refused).
#[derive(Debug, Clone, Default)]
struct PaperDraft {
    unit_id: String,
    voter_name: String,
    choices: HashMap<String, String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "decisions/show.html")]
struct ShowPage {
    c: Chrome,
    v: DecisionView,
    p: Progress,
    /// The roster's units for the paper ballot form: (id, label).
    units: Vec<(i64, String)>,
    choices: Vec<(&'static str, &'static str)>,
    vote_url: String,
    /// The form that was refused (`codes`, `paper`, `close`, `finalize`, `cancel`, `extension`,
    /// `ext_N`, `objection_N`), with its messages.
    form: String,
    errors: FieldErrors,
    paper: PaperDraft,
}

impl ShowPage {
    /// The messages of a refused form.
    fn errs(&self, form: &str) -> Vec<String> {
        if self.form == form { self.errors.values().cloned().collect() } else { Vec::new() }
    }

    fn failed(&self, form: &str) -> bool {
        self.form == form
    }

    fn unit_picked(&self, id: &i64) -> bool {
        self.paper.unit_id == id.to_string()
    }

    fn chose(&self, matter_id: &i64, value: &str) -> bool {
        self.paper.choices.get(&format!("choice_{matter_id}")).is_some_and(|v| v == value)
    }
}

async fn show_page(
    s: &AppState,
    a: &Auth,
    id: i64,
    form: &str,
    errors: FieldErrors,
    paper: PaperDraft,
) -> Result<ShowPage, PageError> {
    let v = decisions::view(&s.deps, &a.ctx, id).await?;
    let p = decisions::progress(&s.deps, &a.ctx, id).await?;
    let units = if v.can_enter_paper {
        crate::service::roster::roster(&s.deps, &a.ctx, v.community_id)
            .await?
            .units
            .into_iter()
            .filter(|u| !u.area.is_empty())
            .map(|u| (u.id, u.label))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        c: Chrome::new(&a.session, Some(&a.user), &v.title).await,
        v,
        p,
        units,
        choices: choice_options(),
        vote_url: vote_url(s),
        form: form.into(),
        errors,
        paper,
    })
}

/// GET /decisions/{id}
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    show_page(&s, &a, id, "", FieldErrors::new(), PaperDraft::default()).await
}

/// The answer to a step on the vote's page: on success a flash and back to the page; a refusal
/// (invalid input, a rule, a conflict) shown in the step's own form with its status.
async fn stepped(
    s: &AppState,
    a: &Auth,
    id: i64,
    form: &str,
    r: Result<String, ServiceError>,
    paper: PaperDraft,
) -> Result<Response, PageError> {
    match r {
        Ok(done) => {
            flash(&a.session, done).await;
            Ok(Redirect::to(&format!("/decisions/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let status = crate::web::error::status(&e);
            let errors = match e {
                ServiceError::Invalid(f) => f,
                other => step_errors(&other),
            };
            Ok((status, show_page(s, a, id, form, errors, paper).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The codes form: `sms` (a checkbox).
#[derive(Deserialize)]
pub struct CodesForm {
    #[serde(default)]
    sms: String,
}

/// POST /decisions/{id}/codes
pub async fn issue_codes(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<CodesForm>,
) -> Result<Response, PageError> {
    let r = decisions::issue_codes(&s.deps, &a.ctx, id, !f.sms.is_empty()).await.map(|r| {
        if r.made == 0 {
            "每套房屋都已有表决码，没有新生成".to_string()
        } else {
            format!("已生成{}个表决码：短信发送{}个，待打印签收{}张", r.made, r.by_sms, r.slips)
        }
    });
    stepped(&s, &a, id, "codes", r, PaperDraft::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "decisions/slips.html")]
struct SlipsPage {
    c: Chrome,
    id: i64,
    community: String,
    title: String,
    slips: Vec<SlipView>,
    vote_url: String,
    qr_svg: String,
    voting: String,
    error: String,
}

async fn slips_page(s: &AppState, a: &Auth, id: i64, error: String) -> Result<SlipsPage, PageError> {
    let v = decisions::view(&s.deps, &a.ctx, id).await?;
    let (community, title, slips) = decisions::slips(&s.deps, &a.ctx, id).await?;
    let url = vote_url(s);
    Ok(SlipsPage {
        c: Chrome::new(&a.session, Some(&a.user), &format!("表决码：{title}")).await,
        id,
        community,
        title,
        slips,
        qr_svg: super::posters::qr_svg(&url)?,
        vote_url: url,
        voting: format!("{} 至 {}", v.voting_starts_on, v.voting_ends_on),
        error,
    })
}

/// GET /decisions/{id}/slips: the printable slips, one per unit without a phone.
pub async fn slips(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    slips_page(&s, &a, id, String::new()).await
}

/// POST /decisions/{id}/slips/{unit_id}/handed-over
pub async fn hand_over(
    State(s): State<AppState>,
    a: Auth,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    match decisions::hand_over(&s.deps, &a.ctx, id, unit_id).await {
        Ok(()) => {
            flash(&a.session, "已记录签收").await;
            Ok(Redirect::to(&format!("/decisions/{id}/slips#unit-{unit_id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let status = crate::web::error::status(&e);
            let message = step_errors(&e).remove("step").unwrap_or_default();
            Ok((status, slips_page(&s, &a, id, message).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /decisions/{id}/paper-ballots (multipart: unit_id, voter_name, `choice_{matter_id}`,
/// photo)
pub async fn paper_ballot(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = read_parts(mp, |f| f == "photo", ("photo", "上传内容过大：照片或扫描件不超过20MB")).await?;
    let draft = PaperDraft {
        unit_id: parts.text("unit_id").trim().to_string(),
        voter_name: parts.text("voter_name"),
        choices: parts.texts().into_iter().filter(|(k, _)| k.starts_with("choice_")).collect(),
    };
    let choices: HashMap<i64, String> =
        draft.choices.iter().filter_map(|(k, v)| Some((k.strip_prefix("choice_")?.parse().ok()?, v.clone()))).collect();
    let r = match draft.unit_id.parse::<i64>() {
        Ok(unit_id) => {
            let ballot = PaperBallot {
                unit_id,
                voter_name: draft.voter_name.clone(),
                choices,
                photo: parts.files("photo").into_iter().next(),
            };
            decisions::enter_paper_ballot(&s.deps, &a.ctx, id, ballot).await.map(|r| {
                format!(
                    "已录入纸质表决票，回执号 {}，计入房屋：{}，专有部分面积 {} ㎡",
                    r.receipt,
                    r.units.join("、"),
                    r.area
                )
            })
        }
        Err(_) => Err(ServiceError::field("unit_id", "请选择投票业主的房屋")),
    };
    stepped(&s, &a, id, "paper", r, draft).await
}

/// POST /decisions/{id}/close: the count.
pub async fn close(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    let r = decisions::close(&s.deps, &a.ctx, id).await.map(|()| "已计票并公示初步结果，异议期开始".to_string());
    stepped(&s, &a, id, "close", r, PaperDraft::default()).await
}

/// POST /decisions/{id}/finalize
pub async fn finalize(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    let r = decisions::finalize(&s.deps, &a.ctx, id).await.map(|()| "已公告最终表决结果".to_string());
    stepped(&s, &a, id, "finalize", r, PaperDraft::default()).await
}

/// A form with a reason.
#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    new_ends_on: String,
    #[serde(default)]
    note: String,
}

/// POST /decisions/{id}/cancel (reason)
pub async fn cancel(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ReasonForm>,
) -> Result<Response, PageError> {
    let r = decisions::cancel(&s.deps, &a.ctx, id, &f.reason).await.map(|()| "表决已撤销".to_string());
    stepped(&s, &a, id, "cancel", r, PaperDraft::default()).await
}

/// POST /decisions/{id}/extensions (new_ends_on, reason)
pub async fn request_extension(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ReasonForm>,
) -> Result<Response, PageError> {
    let r = if !f.new_ends_on.trim().is_empty()
        && chrono::NaiveDate::parse_from_str(f.new_ends_on.trim(), "%Y-%m-%d").is_err()
    {
        Err(ServiceError::field("new_ends_on", "延长后的截止日期应为日期，格式为 年-月-日"))
    } else {
        let on = chrono::NaiveDate::parse_from_str(f.new_ends_on.trim(), "%Y-%m-%d").ok();
        decisions::request_extension(&s.deps, &a.ctx, id, on, &f.reason)
            .await
            .map(|_| "已提交延期申请，待乡镇（街道）审批".to_string())
    };
    stepped(&s, &a, id, "extension", r, PaperDraft::default()).await
}

/// POST /decisions/{id}/extensions/{ext_id} (decision=approve|refuse, note)
pub async fn decide_extension(
    State(s): State<AppState>,
    a: Auth,
    Path((id, ext_id)): Path<(i64, i64)>,
    PageForm(f): PageForm<ReasonForm>,
) -> Result<Response, PageError> {
    let r = match f.decision.as_str() {
        "approve" | "refuse" => {
            let approve = f.decision == "approve";
            decisions::decide_extension(&s.deps, &a.ctx, id, ext_id, approve, &f.note)
                .await
                .map(|()| if approve { "已同意延长投票期" } else { "已不同意延期申请" }.to_string())
        }
        _ => Err(ServiceError::field("decision", "请选择同意或不同意")),
    };
    stepped(&s, &a, id, &format!("ext_{ext_id}"), r, PaperDraft::default()).await
}

/// POST /decisions/{id}/objections/{objection_id} (decision=upheld|dismissed, reason; upheld may
/// correct the objector's paper ballot with `correction_{matter_id}`)
pub async fn decide_objection(
    State(s): State<AppState>,
    a: Auth,
    Path((id, objection_id)): Path<(i64, i64)>,
    PageForm(f): PageForm<super::Fields>,
) -> Result<Response, PageError> {
    let decision = f.raw("decision");
    let correction: HashMap<i64, String> =
        f.0.iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("correction_")?.parse().ok()?, v.clone())))
            .filter(|(_, v): &(i64, String)| !v.is_empty())
            .collect();
    let r = match decision.as_str() {
        "upheld" | "dismissed" => {
            let upheld = decision == "upheld";
            let correction = (!correction.is_empty()).then_some(correction);
            decisions::decide_objection(&s.deps, &a.ctx, id, objection_id, upheld, &f.raw("reason"), correction)
                .await
                .map(|()| "已答复异议".to_string())
        }
        _ => Err(ServiceError::field("decision", "请选择异议成立或异议不成立")),
    };
    stepped(&s, &a, id, &format!("objection_{objection_id}"), r, PaperDraft::default()).await
}

// ------------------------------------------------------------------ ballots after the count

#[derive(Template, WebTemplate)]
#[template(path = "decisions/ballots.html")]
struct BallotsPage {
    c: Chrome,
    v: DecisionView,
    rows: Vec<BallotRow>,
}

/// GET /decisions/{id}/ballots: who voted how, after the count only (audited).
pub async fn ballots(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    let (v, rows) = decisions::ballots(&s.deps, &a.ctx, id).await?;
    Ok(BallotsPage { c: Chrome::new(&a.session, Some(&a.user), &format!("表决票：{}", v.title)).await, v, rows })
}

/// GET /decisions/{id}/ballots/{ballot_id}/photo
pub async fn ballot_photo(
    State(s): State<AppState>,
    a: Auth,
    Path((id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let photo = decisions::ballot_photo(&s.deps, &a.ctx, id, ballot_id).await?;
    Ok(crate::web::download::respond(photo, crate::web::download::Cache::Revalidate, None))
}

// ------------------------------------------------------------------ public downloads

/// GET /decisions/{id}/announcement.pdf (public: totals only)
pub async fn announcement(State(s): State<AppState>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let pdf = decisions::announcement(&s.deps, id).await?;
    Ok(super::pdf_response(&format!("业主共同决定表决结果公告-{id}"), &format!("decision-{id}"), pdf))
}

/// GET /decisions/{id}/files/{file_id}: an attachment of the notice (public).
pub async fn file(State(s): State<AppState>, Path((id, file_id)): Path<(i64, i64)>) -> Result<Response, PageError> {
    let doc = decisions::file(&s.deps, id, file_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Public, None))
}
