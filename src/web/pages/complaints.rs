//! Complaint pages: the public form and tracking page (no account), the hotline form, and the
//! staff inbox with triage.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, Pager, flash, q};
use crate::domain::complaint::{Channel, ComplaintStatus};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::complaints::{
    self, ComplaintDetail, ComplaintForm, ComplaintRow, Identity, InboxQuery, PublicStatus, TriageForm,
};
use crate::service::departments::{self, DepartmentView};
use crate::service::jurisdictions;
use crate::web::AppState;
use crate::web::auth::{Auth, Visitor};
use crate::web::error::PageError;

type Groups = Vec<(String, Vec<(i64, String)>)>;

#[derive(Template, WebTemplate)]
#[template(path = "complaints/new.html")]
struct NewComplaintPage {
    c: Chrome,
    action: String,
    f: ComplaintForm,
    community_id: i64,
    anonymous: bool,
    errors: FieldErrors,
    groups: Groups,
    catalog: Vec<(String, String, String)>,
    hotline: bool,
    /// The preselected community's service grade and fee as the bureau set them (public).
    public_grade: String,
}

/// `?community=ID` preselects the community (the QR poster's link).
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    community: Option<i64>,
    /// `qr` when opened from a community's poster.
    via: Option<String>,
}

async fn form_page(
    s: &AppState,
    c: Chrome,
    action: &str,
    f: ComplaintForm,
    errors: FieldErrors,
    hotline: bool,
) -> Result<NewComplaintPage, PageError> {
    let public_grade = match f.community_id {
        Some(id) => crate::service::public::grade_in_force(&s.deps, id).await?.unwrap_or_default(),
        None => String::new(),
    };
    Ok(NewComplaintPage {
        c,
        action: action.into(),
        public_grade,
        community_id: f.community_id.unwrap_or(0),
        anonymous: matches!(f.anonymous.as_deref(), Some("on" | "true")),
        f,
        errors,
        groups: complaints::public_communities(&s.deps).await?,
        catalog: complaints::public_catalog(&s.deps).await?,
        hotline,
    })
}

/// GET /complaints/new
pub async fn new_complaint(
    State(s): State<AppState>,
    v: Visitor,
    Query(nq): Query<NewQuery>,
) -> Result<impl IntoResponse, PageError> {
    let c = Chrome::new(&v.session, v.user.as_ref(), "投诉举报").await;
    let action = if nq.via.as_deref() == Some("qr") { "/complaints?via=qr" } else { "/complaints" };
    form_page(
        &s,
        c,
        action,
        ComplaintForm { community_id: nq.community, ..Default::default() },
        FieldErrors::new(),
        false,
    )
    .await
}

/// Reads the public form (multipart: fields and up to six `photos` files).
async fn read_form(mp: Multipart) -> Result<(ComplaintForm, Vec<Vec<u8>>), ServiceError> {
    let parts =
        super::read_parts(mp, |f| f == "photos", ("photos", "上传内容过大：每张照片不超过10MB，最多6张")).await?;
    let fields = parts.texts();
    let photos = parts.files("photos").into_iter().map(|(_, b)| b).collect();
    let encoded = serde_urlencoded::to_string(&fields).map_err(|e| anyhow::anyhow!("{e}"))?;
    let form: ComplaintForm =
        serde_urlencoded::from_str(&encoded).map_err(|e| crate::web::error::page_rejection(&e.to_string()))?;
    Ok((form, photos))
}

/// POST /complaints (multipart)
pub async fn create_complaint(
    State(s): State<AppState>,
    v: Visitor,
    Query(nq): Query<ChannelQuery>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let channel = if nq.via.as_deref() == Some("qr") { Channel::Qr } else { Channel::Web };
    let action = if channel == Channel::Qr { "/complaints?via=qr" } else { "/complaints" };
    let (result, f) = match read_form(mp).await {
        Ok((f, photos)) => (complaints::submit_with_photos(&s.deps, &v.ctx, channel, f.clone(), None, photos).await, f),
        Err(e) => (Err(e), ComplaintForm::default()),
    };
    match result {
        Ok(receipt) => Ok(Redirect::to(&format!("/track/{}?new=1", receipt.tracking_code)).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let c = Chrome::new(&v.session, v.user.as_ref(), "投诉举报").await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&s, c, action, f, errors, false).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `?via=qr` marks submissions that came through a community's QR poster.
#[derive(Deserialize)]
pub struct ChannelQuery {
    via: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "complaints/track.html")]
struct TrackPage {
    c: Chrome,
    code: String,
    status: Option<PublicStatus>,
    error: String,
    just_filed: bool,
}

/// `?code=` of the lookup form, `?new=1` right after filing.
#[derive(Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    new: Option<String>,
}

/// GET /track
pub async fn track_form(v: Visitor, Query(tq): Query<TrackQuery>) -> Response {
    if !tq.code.trim().is_empty() {
        return Redirect::to(&format!("/track/{}", q(tq.code.trim()))).into_response();
    }
    TrackPage {
        c: Chrome::new(&v.session, v.user.as_ref(), "查询办理进度").await,
        code: String::new(),
        status: None,
        error: String::new(),
        just_filed: false,
    }
    .into_response()
}

/// GET /track/{code}
pub async fn track(
    State(s): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    Query(tq): Query<TrackQuery>,
) -> Result<Response, PageError> {
    let c = Chrome::new(&v.session, v.user.as_ref(), "查询办理进度").await;
    match complaints::track(&s.deps, &code).await {
        Ok(status) => Ok(TrackPage {
            c,
            code: status.tracking_code.clone(),
            status: Some(status),
            error: String::new(),
            just_filed: tq.new.is_some(),
        }
        .into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::NotFound(_))) => {
            let error = match &e {
                ServiceError::Invalid(f) => f.values().cloned().collect::<Vec<_>>().join("；"),
                other => other.message(),
            };
            Ok((StatusCode::NOT_FOUND, TrackPage { c, code, status: None, error, just_filed: false }).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /hotline
pub async fn hotline_form(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    if !crate::domain::authz::role_may(a.user.actor.role, crate::domain::authz::Action::TriageComplaint) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    let c = Chrome::new(&a.session, Some(&a.user), "电话受理").await;
    form_page(&s, c, "/hotline", ComplaintForm::default(), FieldErrors::new(), true).await
}

/// POST /hotline
pub async fn hotline(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<ComplaintForm>,
) -> Result<Response, PageError> {
    match complaints::submit(&s.deps, &a.ctx, Channel::Phone, f.clone(), None).await {
        Ok(receipt) => {
            flash(&a.session, format!("已登记。请向来电人读出查询码：{}", receipt.tracking_code)).await;
            Ok(Redirect::to(&format!("/inbox/{}", receipt.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let c = Chrome::new(&a.session, Some(&a.user), "电话受理").await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&s, c, "/hotline", f, errors, true).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "complaints/inbox.html")]
struct InboxPage {
    c: Chrome,
    items: Vec<ComplaintRow>,
    status: String,
    channel: String,
    township_id: i64,
    overdue: bool,
    text: String,
    statuses: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
    townships: Vec<(i64, String)>,
    pager: Pager,
    can_take_calls: bool,
}

/// GET /inbox
pub async fn inbox(
    State(s): State<AppState>,
    a: Auth,
    Query(f): Query<InboxQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = complaints::inbox(&s.deps, &a.ctx, &f, 20).await?;
    let base = format!(
        "status={}&channel={}&township_id={}&overdue={}&q={}&",
        q(f.status.as_deref().unwrap_or("")),
        q(f.channel.as_deref().unwrap_or("")),
        f.township_id.map(|t| t.to_string()).unwrap_or_default(),
        q(f.overdue.as_deref().unwrap_or("")),
        q(f.q.as_deref().unwrap_or("")),
    );
    Ok(InboxPage {
        c: Chrome::new(&a.session, Some(&a.user), "投诉线索").await,
        pager: Pager::of(&page, "/inbox", &base),
        items: page.items,
        status: f.status.clone().unwrap_or_default(),
        channel: f.channel.clone().unwrap_or_default(),
        township_id: f.township_id.unwrap_or(0),
        overdue: f.overdue.is_some(),
        text: f.q.clone().unwrap_or_default(),
        statuses: ComplaintStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        channels: Channel::ALL.iter().map(|c| (c.as_str(), c.label())).collect(),
        townships: jurisdictions::townships_for(&s.deps, &a.ctx).await?,
        can_take_calls: crate::domain::authz::role_may(
            a.user.actor.role,
            crate::domain::authz::Action::TriageComplaint,
        ),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "complaints/detail.html")]
struct DetailPage {
    c: Chrome,
    d: ComplaintDetail,
    identity: Option<Identity>,
    errors: FieldErrors,
    departments: Vec<DepartmentView>,
    catalog: Vec<(String, String, String)>,
    groups: Groups,
}

async fn detail_page(
    s: &AppState,
    a: &Auth,
    id: i64,
    identity: Option<Identity>,
    errors: FieldErrors,
) -> Result<DetailPage, PageError> {
    let d = complaints::detail(&s.deps, &a.ctx, id).await?;
    Ok(DetailPage {
        c: Chrome::new(&a.session, Some(&a.user), &format!("线索 {}", d.row.tracking_code)).await,
        d,
        identity,
        errors,
        departments: departments::list_departments(&s.deps, &a.ctx).await.unwrap_or_default(),
        catalog: complaints::public_catalog(&s.deps).await?,
        groups: complaints::public_communities(&s.deps).await?,
    })
}

/// GET /inbox/{id}
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    detail_page(&s, &a, id, None, FieldErrors::new()).await
}

/// POST /inbox/{id}/reveal
pub async fn reveal(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    let identity = complaints::reveal(&s.deps, &a.ctx, id).await?;
    detail_page(&s, &a, id, Some(identity), FieldErrors::new()).await
}

/// POST /inbox/{id}/triage
pub async fn triage(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<TriageForm>,
) -> Result<Response, PageError> {
    match complaints::triage(&s.deps, &a.ctx, id, f).await {
        Ok(r) => {
            flash(&a.session, format!("已处理：{}", r.status_label)).await;
            Ok(Redirect::to(&format!("/inbox/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&s, &a, id, None, errors).await?).into_response())
        }
        Err(e @ ServiceError::Rule(_)) => {
            let mut errors = FieldErrors::new();
            errors.insert("decision".into(), e.message());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&s, &a, id, None, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Extension form.
#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    days: Option<i64>,
    #[serde(default)]
    reason: String,
}

/// POST /inbox/{id}/extend
pub async fn extend(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ExtendForm>,
) -> Result<Response, PageError> {
    match complaints::extend(&s.deps, &a.ctx, id, f.days.unwrap_or(0), &f.reason).await {
        Ok(_) => {
            flash(&a.session, "办理期限已延长").await;
            Ok(Redirect::to(&format!("/inbox/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&s, &a, id, None, errors).await?).into_response())
        }
        Err(e @ ServiceError::Rule(_)) => {
            let mut errors = FieldErrors::new();
            errors.insert("days".into(), e.message());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&s, &a, id, None, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /inbox/{id}/photos/{photo_id}
pub async fn photo(
    State(s): State<AppState>,
    a: Auth,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let bytes = complaints::photo(&s.deps, &a.ctx, id, photo_id).await?;
    Ok(super::jpeg_response(bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "complaints/community.html")]
struct PublicCommunityPage {
    c: Chrome,
    p: crate::service::public::PublicCommunity,
    /// The owners' votes: the notice, and once counted the totals (never a ballot).
    decisions: Vec<crate::service::decisions::PublicDecision>,
    /// The latest exit's progress (never a person).
    exit: Option<crate::service::exits::PublicExit>,
}

/// GET /c/{id}: a community's public page (from its QR poster and complaint form), for anyone.
pub async fn public_community(
    v: Visitor,
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let p = crate::service::public::public_community(&s.deps, id).await?;
    let decisions = crate::service::decisions::public_of_community(&s.deps, p.id, v.ctx.now).await?;
    let exit = crate::service::exits::public_of_community(&s.deps, &v.ctx, p.id).await?;
    Ok(PublicCommunityPage { c: Chrome::new(&v.session, v.user.as_ref(), &p.name).await, p, decisions, exit }
        .into_response())
}
