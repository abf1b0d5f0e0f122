//! Exit and handover (退出与移交) over the API: open and withdraw an exit, the leaving company's
//! declarations and the receiver's confirmations item by item (with evidence), the three
//! signatures and the handover record, litigation steps once the deadline has passed, the
//! community's contract periods and the incoming company's takeover inspection; and the public
//! progress of a community's exit (no person, no note, no evidence).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::decisions::Created;
use crate::service::ServiceError;
use crate::service::exits::{
    self, ConfirmInput, ContractView, ExitRow, ExitView, NewContract, NewExit, OpenChoices, PublicExit,
};
use crate::service::litigation::{self, StepForm};
use crate::web::AppState;
use crate::web::auth::{ApiAuth, Public};
use crate::web::error::ApiError;
use crate::web::pages::{Parts, read_parts};

/// An exit to open.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct OpenExitInput {
    pub community_id: i64,
    /// `dismissal`, `expiry` or `resignation`.
    #[serde(default)]
    pub reason: String,
    /// The dismissal track whose notice was served (reason `dismissal`).
    pub track_id: Option<i64>,
    /// `committee`, `management_committee`, `designated` or `incoming_company`.
    #[serde(default)]
    pub receiver_kind: String,
    /// Required for a designated manager; defaults to the committee's name otherwise.
    pub receiver_name: Option<String>,
    /// Required when the receiver is the incoming company.
    pub incoming_company_id: Option<i64>,
    /// The day of the written notice (required for `resignation`; a dismissal takes the track's).
    pub notice_on: Option<NaiveDate>,
    /// Defaults to the track's contract end (dismissal) or the registered contract end (expiry).
    pub contract_ends_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Why an exit is withdrawn.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CancelExitInput {
    /// 2 to 2000 characters.
    #[serde(default)]
    pub reason: String,
}

/// The party a signature is given for.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignInput {
    /// `leaving` (移交方), `receiver` (接收方) or `witness` (见证方, the township).
    #[serde(default)]
    pub party: String,
}

/// A contract to register on a community.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ContractInput {
    pub company_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// At most 20 characters (一级, 二级 …).
    pub service_grade: Option<String>,
    /// Yuan per square metre per month, as text with at most two decimals (`"1.50"`).
    pub fee: Option<String>,
}

/// A takeover inspection (承接查验) of a contract.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TakeoverInput {
    /// Not later than today.
    pub on: Option<NaiveDate>,
    /// The problems found and what is to be done about them (2 to 4000 characters).
    #[serde(default)]
    pub findings: String,
}

/// A litigation or credit step recorded on an exit.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LitigationStepView {
    pub id: i64,
    pub label: String,
    pub on: NaiveDate,
    /// The case number or the listing's reference.
    pub reference: String,
    pub note: String,
    pub has_document: bool,
    /// Who recorded it.
    pub actor: String,
}

/// The leaving company's declaration as the multipart form sends it (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the multipart form read by declare_item")]
pub struct DeclareForm {
    /// What was handed over, when and where (at least 2 characters unless a file is sent).
    #[schema(required = false)]
    note: String,
    /// Evidence (PDF or photos), 0 to 10; repeat the field for each file.
    #[schema(format = Binary, value_type = Vec<String>, required = false)]
    files: Vec<Vec<u8>>,
}

/// The receiver's confirmation as the multipart form sends it (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the multipart form read by confirm_item")]
pub struct ConfirmForm {
    /// `handed_over`, `partial`, `refused` or `not_applicable`.
    state: String,
    /// `YYYY-MM-DD`, between the exit's opening and today.
    on: String,
    /// The premises' area in square metres (the premises item, when handed over).
    #[schema(required = false)]
    area: String,
    /// Required for `partial`, `refused` and `not_applicable`.
    #[schema(required = false)]
    note: String,
    /// Evidence (PDF or photos), 0 to 10; repeat the field for each file.
    #[schema(format = Binary, value_type = Vec<String>, required = false)]
    files: Vec<Vec<u8>>,
}

/// A litigation step as the multipart form sends it (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the multipart form read by record_litigation")]
pub struct LitigationForm {
    /// `guidance`, `filed`, `judgment`, `enforcement`, `credit_push` or `dishonest_listing`.
    kind: String,
    /// `YYYY-MM-DD`, not later than today.
    on: String,
    /// The case number, platform record or listing reference (required for every step but `guidance`).
    #[schema(required = false)]
    reference: String,
    #[schema(required = false)]
    note: String,
    /// The court's document or the listing (PDF or a photo), optional.
    #[schema(format = Binary, value_type = String, required = false)]
    document: Vec<u8>,
}

/// A date field of a multipart form: empty is absent, anything else must be `YYYY-MM-DD`.
fn date_part(parts: &Parts, field: &str) -> Result<Option<NaiveDate>, ServiceError> {
    match parts.text(field).trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ServiceError::field(field, "日期格式应为YYYY-MM-DD")),
    }
}

const FILES_TOO_LARGE: (&str, &str) = ("files", "上传内容过大：每个文件不超过20MB");

/// GET /api/v1/exits (those the caller may read, newest first)
#[utoipa::path(get, path = "/api/v1/exits", tag = "exits", security(("bearer" = [])),
    responses((status = 200, body = Vec<ExitRow>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn list_exits(State(s): State<AppState>, a: ApiAuth) -> Result<Json<Vec<ExitRow>>, ApiError> {
    Ok(Json(exits::list(&s.deps, &a.ctx).await?))
}

/// GET /api/v1/exits/choices (what the opening form offers: staff, the township)
#[utoipa::path(get, path = "/api/v1/exits/choices", tag = "exits", security(("bearer" = [])),
    responses((status = 200, body = OpenChoices), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn exit_choices(State(s): State<AppState>, a: ApiAuth) -> Result<Json<OpenChoices>, ApiError> {
    Ok(Json(exits::open_choices(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/exits (staff, the township)
#[utoipa::path(post, path = "/api/v1/exits", tag = "exits", security(("bearer" = [])), request_body = OpenExitInput,
    responses((status = 201, body = Created), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn open_exit(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(input): ApiJson<OpenExitInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let new = NewExit {
        community_id: input.community_id,
        reason: input.reason,
        track_id: input.track_id,
        receiver_kind: input.receiver_kind,
        receiver_name: input.receiver_name.unwrap_or_default(),
        incoming_company_id: input.incoming_company_id,
        notice_on: input.notice_on,
        contract_ends_on: input.contract_ends_on,
        note: input.note.unwrap_or_default(),
    };
    let id = exits::open(&s.deps, &a.ctx, new).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// GET /api/v1/exits/{id} (with what the caller may do now, in `may`)
#[utoipa::path(get, path = "/api/v1/exits/{id}", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ExitView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)))]
pub async fn get_exit(State(s): State<AppState>, a: ApiAuth, Path(id): Path<i64>) -> Result<Json<ExitView>, ApiError> {
    Ok(Json(exits::get(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/exits/{id}/cancel (staff, the township; an open exit only)
#[utoipa::path(post, path = "/api/v1/exits/{id}/cancel", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = CancelExitInput,
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn cancel_exit(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CancelExitInput>,
) -> Result<StatusCode, ApiError> {
    exits::cancel(&s.deps, &a.ctx, id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/exits/{id}/items/{item_id}/declare (the leaving company; multipart: `note`,
/// `files`; never changes the item's state)
#[utoipa::path(post, path = "/api/v1/exits/{id}/items/{item_id}/declare", tag = "exits", security(("bearer" = [])),
    params(("id" = i64, Path), ("item_id" = i64, Path)),
    request_body(content = DeclareForm, content_type = "multipart/form-data"),
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn declare_item(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, item_id)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<StatusCode, ApiError> {
    let parts = read_parts(mp, |f| f == "files", FILES_TOO_LARGE).await?;
    let note = parts.text("note");
    exits::declare(&s.deps, &a.ctx, id, item_id, &note, parts.files("files")).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/exits/{id}/items/{item_id}/confirm (the receiver; multipart: `state`, `on`,
/// `area`, `note`, `files`)
#[utoipa::path(post, path = "/api/v1/exits/{id}/items/{item_id}/confirm", tag = "exits", security(("bearer" = [])),
    params(("id" = i64, Path), ("item_id" = i64, Path)),
    request_body(content = ConfirmForm, content_type = "multipart/form-data"),
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn confirm_item(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, item_id)): Path<(i64, i64)>,
    mp: Multipart,
) -> Result<StatusCode, ApiError> {
    let parts = read_parts(mp, |f| f == "files", FILES_TOO_LARGE).await?;
    let on = date_part(&parts, "on")?;
    let (state, area, note) = (parts.text("state"), parts.text("area"), parts.text("note"));
    let input = ConfirmInput { state, on, area, note, files: parts.files("files") };
    exits::confirm(&s.deps, &a.ctx, id, item_id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/exits/{id}/sign (once every item is settled; the third signature completes the
/// exit and typesets the handover record)
#[utoipa::path(post, path = "/api/v1/exits/{id}/sign", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = SignInput,
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn sign_exit(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SignInput>,
) -> Result<StatusCode, ApiError> {
    exits::sign(&s.deps, &a.ctx, id, &input.party).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /api/v1/exits/{id}/record.pdf (the signed handover record, once the exit is complete)
#[utoipa::path(get, path = "/api/v1/exits/{id}/record.pdf", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "移交清单", content_type = "application/pdf"), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_record(State(s): State<AppState>, a: ApiAuth, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let pdf = exits::record_pdf(&s.deps, &a.ctx, id).await?;
    Ok(crate::web::pages::pdf_response(&format!("物业服务项目移交清单-{id}"), &format!("handover-{id}"), pdf))
}

/// GET /api/v1/exits/{id}/files/{file_id} (an evidence file of the exit)
#[utoipa::path(get, path = "/api/v1/exits/{id}/files/{file_id}", tag = "exits", security(("bearer" = [])),
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "the file (PDF or JPEG)", content_type = "application/octet-stream"),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_file(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let doc = exits::file(&s.deps, &a.ctx, id, file_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Revalidate, None))
}

/// GET /api/v1/exits/{id}/documents/{event_id} (the document of a litigation step)
#[utoipa::path(get, path = "/api/v1/exits/{id}/documents/{event_id}", tag = "exits", security(("bearer" = [])),
    params(("id" = i64, Path), ("event_id" = i64, Path)),
    responses((status = 200, description = "the document (PDF or JPEG)", content_type = "application/octet-stream"),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_litigation_document(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, event_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let doc = litigation::exit_document(&s.deps, &a.ctx, id, event_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Revalidate, None))
}

/// GET /api/v1/exits/{id}/litigation (the exit's steps, with those of the dismissal track it follows)
#[utoipa::path(get, path = "/api/v1/exits/{id}/litigation", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<LitigationStepView>), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn list_litigation(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<LitigationStepView>>, ApiError> {
    let steps = litigation::exit_steps(&s.deps, &a.ctx, id).await?;
    Ok(Json(
        steps
            .into_iter()
            .map(|(id, label, on, reference, note, has_document, actor)| LitigationStepView {
                id,
                label,
                on,
                reference,
                note,
                has_document,
                actor,
            })
            .collect(),
    ))
}

/// POST /api/v1/exits/{id}/litigation (staff, the township, once the handover deadline has
/// passed; multipart: `kind`, `on`, `reference`, `note`, `document`)
#[utoipa::path(post, path = "/api/v1/exits/{id}/litigation", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = LitigationForm, content_type = "multipart/form-data"),
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn record_litigation(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<StatusCode, ApiError> {
    let parts = read_parts(mp, |f| f == "document", ("document", "上传内容过大：文书不超过20MB")).await?;
    let on = date_part(&parts, "on")?;
    let (kind, reference, note) = (parts.text("kind"), parts.text("reference"), parts.text("note"));
    let document =
        parts.files("document").pop().map(|(name, bytes)| (if name.is_empty() { "文书".into() } else { name }, bytes));
    litigation::record_exit_step(&s.deps, &a.ctx, id, StepForm { kind, on, reference, note, document }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /api/v1/communities/{id}/contracts (every contract period, newest first)
#[utoipa::path(get, path = "/api/v1/communities/{id}/contracts", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ContractView>), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn list_contracts(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ContractView>>, ApiError> {
    Ok(Json(exits::contracts(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/communities/{id}/contracts (staff, the township; waits for the takeover while
/// an exit is open)
#[utoipa::path(post, path = "/api/v1/communities/{id}/contracts", tag = "exits", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ContractInput,
    responses((status = 201, body = Created), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn register_contract(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ContractInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let new = NewContract {
        company_id: input.company_id,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        service_grade: input.service_grade.unwrap_or_default(),
        fee: input.fee.unwrap_or_default(),
    };
    let contract = exits::register_contract(&s.deps, &a.ctx, id, new).await?;
    Ok((StatusCode::CREATED, Json(Created { id: contract })))
}

/// POST /api/v1/contracts/{id}/takeover-inspection (staff, the township, the committee, or the
/// incoming company itself)
#[utoipa::path(post, path = "/api/v1/contracts/{id}/takeover-inspection", tag = "exits", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TakeoverInput,
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn record_takeover(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TakeoverInput>,
) -> Result<StatusCode, ApiError> {
    exits::record_takeover(&s.deps, &a.ctx, id, input.on, &input.findings).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /api/v1/communities/{id}/exit (public: the latest exit's progress and the incoming
/// company, never a person, a note or evidence)
#[utoipa::path(get, path = "/api/v1/communities/{id}/exit", tag = "exits", params(("id" = i64, Path)),
    responses((status = 200, body = PublicExit), (status = 404, body = super::ErrorBody)))]
pub async fn public_exit(
    State(s): State<AppState>,
    p: Public,
    Path(id): Path<i64>,
) -> Result<Json<PublicExit>, ApiError> {
    exits::public_of_community(&s.deps, &p.ctx, id).await?.map(Json).ok_or(ApiError(ServiceError::NotFound("退出交接")))
}
