//! Campaigns over the API.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::ApiJson;
use crate::service::campaigns::{self, CampaignView, NewCampaignRequest};
use crate::web::AppState;
use crate::web::auth::ApiAuth;
use crate::web::error::ApiError;

/// GET /api/v1/campaigns
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "registry", security(("bearer" = [])), responses((status = 200, body = [CampaignView])))]
pub async fn list_campaigns(State(s): State<AppState>, a: ApiAuth) -> Result<Json<Vec<CampaignView>>, ApiError> {
    Ok(Json(campaigns::list_campaigns(&s.deps, &a.ctx).await?))
}

/// POST /api/v1/campaigns
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "registry", security(("bearer" = [])), request_body = NewCampaignRequest, responses((status = 201, body = CampaignView)))]
pub async fn create_campaign(
    State(s): State<AppState>,
    a: ApiAuth,
    ApiJson(r): ApiJson<NewCampaignRequest>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    Ok((StatusCode::CREATED, Json(campaigns::create_campaign(&s.deps, &a.ctx, r).await?)))
}
