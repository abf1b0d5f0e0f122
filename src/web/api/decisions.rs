//! Owners' joint decisions (业主共同决定) over the API: the convenor's side (convene, codes,
//! slips, paper ballots, count, objections, final result), the readers' side (list, view, live
//! participation, attributed ballots after the count) and the owners' public side (sign in with a
//! code, cast, object) with the public totals of a community.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::service::decisions::{
    self, BallotRow, CodesReport, ConveneInput, DecisionSummary, DecisionView, PaperBallot, Progress, PublicDecision,
    Receipt, SlipView, VoterLogin, VoterView,
};
use crate::web::AppState;
use crate::web::auth::{ApiAuth, Public};
use crate::web::error::ApiError;
use crate::web::pages::read_parts;

/// What a create wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// How to issue the codes.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CodesInput {
    /// Send the code by SMS to units with a phone on the roster (the others get slips).
    #[serde(default)]
    pub sms: bool,
}

/// The printed slips of a vote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Slips {
    pub community: String,
    pub title: String,
    pub slips: Vec<SlipView>,
}

/// Why a vote is called off.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CancelInput {
    #[serde(default)]
    pub reason: String,
}

/// An extension of the voting period asked for.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ExtensionInput {
    pub new_ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub reason: String,
}

/// The township's decision on an extension.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ExtensionDecision {
    #[serde(default)]
    pub approve: bool,
    /// Required when refusing.
    #[serde(default)]
    pub note: String,
}

/// The convenor's decision on an objection.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ObjectionDecision {
    #[serde(default)]
    pub upheld: bool,
    #[serde(default)]
    pub reason: String,
    /// Upheld only: the objector's paper ballot as it should have been entered (matter id →
    /// `yes`/`no`/`abstain`); the vote is recounted and announced again.
    #[serde(default)]
    pub correction: Option<std::collections::HashMap<i64, String>>,
}

/// The attributed ballots of a counted vote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Ballots {
    pub decision: DecisionView,
    /// `choices` of each row follow `decision.matters` in order.
    pub ballots: Vec<BallotRow>,
}

/// An owner's ballot: the code, the second factor and a choice per matter.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CastInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub factor: String,
    /// Matter id → `yes`, `no` or `abstain`.
    #[serde(default)]
    pub choices: HashMap<i64, String>,
}

/// An owner's objection to the preliminary result.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ObjectionInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub factor: String,
    #[serde(default)]
    pub text: String,
}

/// A paper ballot as the multipart form sends it (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the multipart form read by enter_paper_ballot")]
pub struct PaperBallotForm {
    unit_id: i64,
    /// The owner who signed the ballot.
    voter_name: String,
    /// Stands for one field `choice_{matter_id}` per matter: `yes`, `no` or `abstain`.
    choice_matter_id: String,
    /// A photo or scan of the signed ballot.
    #[schema(format = Binary, value_type = String)]
    photo: Vec<u8>,
}

/// GET /api/v1/decisions
#[utoipa::path(get, path = "/api/v1/decisions", tag = "decisions", security(("bearer" = [])),
    responses((status = 200, body = Vec<DecisionSummary>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn list_decisions(State(s): State<AppState>, a: ApiAuth) -> Result<Json<Vec<DecisionSummary>>, ApiError> {
    Ok(Json(decisions::list(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/decisions (no attachments over the API)
#[utoipa::path(post, path = "/api/v1/decisions", tag = "decisions", security(("bearer" = [])), request_body = ConveneInput,
    responses((status = 201, body = Created), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn convene_decision(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(input): ApiJson<ConveneInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = decisions::convene(&s.deps, &a.ctx, input, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// GET /api/v1/decisions/{id}
#[utoipa::path(get, path = "/api/v1/decisions/{id}", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = DecisionView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)))]
pub async fn get_decision(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<DecisionView>, ApiError> {
    Ok(Json(decisions::view(&s.deps, &a.ctx, id).await?))
}

/// GET /api/v1/decisions/{id}/progress (who took part, never how)
#[utoipa::path(get, path = "/api/v1/decisions/{id}/progress", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Progress), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)))]
pub async fn get_progress(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<Progress>, ApiError> {
    Ok(Json(decisions::progress(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/decisions/{id}/codes (one code per unit that has none yet)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/codes", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CodesInput,
    responses((status = 200, body = CodesReport), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn issue_codes(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CodesInput>,
) -> Result<Json<CodesReport>, ApiError> {
    Ok(Json(decisions::issue_codes(&s.deps, &a.ctx, id, input.sms).await?))
}

/// GET /api/v1/decisions/{id}/slips (the codes to print; audited)
#[utoipa::path(get, path = "/api/v1/decisions/{id}/slips", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Slips), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)))]
pub async fn get_slips(State(s): State<AppState>, a: ApiAuth, Path(id): Path<i64>) -> Result<Json<Slips>, ApiError> {
    let (community, title, slips) = decisions::slips(&s.deps, &a.ctx, id).await?;
    Ok(Json(Slips { community, title, slips }))
}

/// POST /api/v1/decisions/{id}/slips/{unit_id}/handed-over (signed for by the owner)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/slips/{unit_id}/handed-over", tag = "decisions", security(("bearer" = [])),
    params(("id" = i64, Path), ("unit_id" = i64, Path)),
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn hand_over(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    decisions::hand_over(&s.deps, &a.ctx, id, unit_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /api/v1/decisions/{id}/paper-ballots (multipart: `unit_id`, `voter_name`,
/// `choice_{matter_id}` per matter, file `photo`)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/paper-ballots", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = PaperBallotForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Receipt), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)))]
pub async fn enter_paper_ballot(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let parts = read_parts(mp, |f| f == "photo", ("photo", "照片文件过大，请压缩后重新上传")).await?;
    let choices = parts
        .texts()
        .into_iter()
        .filter_map(|(name, value)| Some((name.strip_prefix("choice_")?.parse().ok()?, value)))
        .collect();
    let ballot = PaperBallot {
        unit_id: parts.text("unit_id").trim().parse().unwrap_or(0),
        voter_name: parts.text("voter_name"),
        choices,
        photo: parts.files("photo").into_iter().next(),
    };
    Ok((StatusCode::CREATED, Json(decisions::enter_paper_ballot(&s.deps, &a.ctx, id, ballot).await?)))
}

/// POST /api/v1/decisions/{id}/close (count once the voting period is over)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/close", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = DecisionView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn close_decision(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<DecisionView>, ApiError> {
    decisions::close(&s.deps, &a.ctx, id).await?;
    Ok(Json(decisions::view(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/decisions/{id}/finalize (after the objection period, objections decided)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/finalize", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = DecisionView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn finalize_decision(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<DecisionView>, ApiError> {
    decisions::finalize(&s.deps, &a.ctx, id).await?;
    Ok(Json(decisions::view(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/decisions/{id}/cancel (before any ballot)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/cancel", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelInput,
    responses((status = 200, body = DecisionView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn cancel_decision(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CancelInput>,
) -> Result<Json<DecisionView>, ApiError> {
    decisions::cancel(&s.deps, &a.ctx, id, &input.reason).await?;
    Ok(Json(decisions::view(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/decisions/{id}/extensions (the convenor asks; the township decides)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/extensions", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ExtensionInput,
    responses((status = 201, body = Created), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn request_extension(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ExtensionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let ext = decisions::request_extension(&s.deps, &a.ctx, id, input.new_ends_on, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id: ext })))
}

/// POST /api/v1/decisions/{id}/extensions/{ext_id} (the township approves or refuses)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/extensions/{ext_id}", tag = "decisions", security(("bearer" = [])),
    params(("id" = i64, Path), ("ext_id" = i64, Path)), request_body = ExtensionDecision,
    responses((status = 200, body = DecisionView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn decide_extension(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, ext_id)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<ExtensionDecision>,
) -> Result<Json<DecisionView>, ApiError> {
    decisions::decide_extension(&s.deps, &a.ctx, id, ext_id, input.approve, &input.note).await?;
    Ok(Json(decisions::view(&s.deps, &a.ctx, id).await?))
}

/// POST /api/v1/decisions/{id}/objections/{objection_id} (the convenor decides, with a reason)
#[utoipa::path(post, path = "/api/v1/decisions/{id}/objections/{objection_id}", tag = "decisions", security(("bearer" = [])),
    params(("id" = i64, Path), ("objection_id" = i64, Path)), request_body = ObjectionDecision,
    responses((status = 200, body = DecisionView), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn decide_objection(
    State(s): State<AppState>,
    a: ApiAuth,
    Path((id, objection_id)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<ObjectionDecision>,
) -> Result<Json<DecisionView>, ApiError> {
    decisions::decide_objection(&s.deps, &a.ctx, id, objection_id, input.upheld, &input.reason, input.correction)
        .await?;
    Ok(Json(decisions::view(&s.deps, &a.ctx, id).await?))
}

/// GET /api/v1/decisions/{id}/ballots (attributed; only after the count; audited)
#[utoipa::path(get, path = "/api/v1/decisions/{id}/ballots", tag = "decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Ballots), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn get_ballots(
    State(s): State<AppState>,
    a: ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<Ballots>, ApiError> {
    let (decision, ballots) = decisions::ballots(&s.deps, &a.ctx, id).await?;
    Ok(Json(Ballots { decision, ballots }))
}

/// POST /api/v1/vote (public: an owner signs in with the code and the second factor)
#[utoipa::path(post, path = "/api/v1/vote", tag = "decisions", request_body = VoterLogin,
    responses((status = 200, body = VoterView), (status = 422, body = super::ErrorBody)))]
pub async fn voter(
    State(s): State<AppState>,
    p: Public,
    ApiJson(login): ApiJson<VoterLogin>,
) -> Result<Json<VoterView>, ApiError> {
    Ok(Json(decisions::voter_view(&s.deps, &p.ctx, &login).await?))
}

/// POST /api/v1/vote/cast (public: final once cast)
#[utoipa::path(post, path = "/api/v1/vote/cast", tag = "decisions", request_body = CastInput,
    responses((status = 201, body = Receipt), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn cast(
    State(s): State<AppState>,
    p: Public,
    ApiJson(input): ApiJson<CastInput>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let login = VoterLogin { code: input.code, factor: input.factor };
    Ok((StatusCode::CREATED, Json(decisions::cast(&s.deps, &p.ctx, &login, &input.choices).await?)))
}

/// POST /api/v1/vote/objections (public: during the objection period)
#[utoipa::path(post, path = "/api/v1/vote/objections", tag = "decisions", request_body = ObjectionInput,
    responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn object(
    State(s): State<AppState>,
    p: Public,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let login = VoterLogin { code: input.code, factor: input.factor };
    let id = decisions::object(&s.deps, &p.ctx, &login, &input.text).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// GET /api/v1/communities/{id}/decisions (public: notices and totals, never a ballot)
#[utoipa::path(get, path = "/api/v1/communities/{id}/decisions", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PublicDecision>)))]
pub async fn public_decisions(
    State(s): State<AppState>,
    p: Public,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PublicDecision>>, ApiError> {
    Ok(Json(decisions::public_of_community(&s.deps, id, p.ctx.now).await?))
}
