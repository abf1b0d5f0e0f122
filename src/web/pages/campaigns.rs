//! Campaign pages: the campaign and its phases.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;

use super::Chrome;
use crate::service::campaigns;
use crate::service::campaigns::CampaignView;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/list.html")]
struct CampaignsPage {
    c: Chrome,
    items: Vec<CampaignView>,
}

/// GET /campaigns
pub async fn list_campaigns(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    Ok(CampaignsPage {
        c: Chrome::new(&a.session, Some(&a.user), "专项行动").await,
        items: campaigns::list_campaigns(&s.deps, &a.ctx).await?,
    })
}
