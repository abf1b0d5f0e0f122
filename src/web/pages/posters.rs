//! Printable A4 posters with each community's QR code, which opens the complaint form with the
//! community preselected; one community, or a whole township at once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use super::Chrome;
use crate::service::ServiceError;
use crate::service::communities::{self, CommunityView};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// One poster.
pub struct Poster {
    pub name: String,
    pub township: String,
    pub company: String,
    pub url: String,
    /// The community's public page.
    pub page_url: String,
    /// The QR code as inline SVG (generated here, no external service).
    pub svg: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "posters/list.html")]
struct PostersPage {
    c: Chrome,
    posters: Vec<Poster>,
    office: String,
    hotline: String,
    mailbox: String,
}

/// A QR code of `url` as an SVG element to inline in HTML.
pub fn qr_svg(url: &str) -> Result<String, ServiceError> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| anyhow::anyhow!("qr: {e}"))?;
    let svg = code.render::<svg::Color>().min_dimensions(220, 220).quiet_zone(true).build();
    // Drop the XML prolog so the SVG can be inlined in HTML.
    Ok(svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or(svg))
}

fn poster(s: &AppState, m: &CommunityView) -> Result<Poster, ServiceError> {
    let url = format!("{}/complaints/new?community={}&via=qr", s.settings.public_url.trim_end_matches('/'), m.id);
    let svg = qr_svg(&url)?;
    let page_url = format!("{}/c/{}", s.settings.public_url.trim_end_matches('/'), m.id);
    Ok(Poster {
        name: m.name.clone(),
        township: m.township_name.clone(),
        company: m.company_name.clone(),
        url,
        page_url,
        svg,
    })
}

async fn page(s: &AppState, a: &Auth, title: &str, communities: Vec<CommunityView>) -> Result<PostersPage, PageError> {
    let posters = communities.iter().map(|m| poster(s, m)).collect::<Result<Vec<_>, _>>()?;
    Ok(PostersPage {
        c: Chrome::new(&a.session, Some(&a.user), title).await,
        posters,
        office: s.settings.office_name.clone(),
        hotline: s.settings.hotline.clone(),
        mailbox: s.settings.mailbox.clone(),
    })
}

/// GET /communities/{id}/poster
pub async fn community_poster(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let m = communities::get_community(&s.deps, &a.ctx, id).await?;
    let title = format!("{} 投诉二维码", m.name);
    page(&s, &a, &title, vec![m]).await
}

/// `?township_id=`
#[derive(Deserialize)]
pub struct PosterQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    township_id: Option<i64>,
}

/// GET /posters?township_id=ID: every community of a township (within the actor's scope).
pub async fn township_posters(
    State(s): State<AppState>,
    a: Auth,
    Query(q): Query<PosterQuery>,
) -> Result<impl IntoResponse, PageError> {
    let township = q.township_id.ok_or_else(|| ServiceError::field("township_id", "请选择乡镇(街道)"))?;
    let list = communities::list_communities(&s.deps, &a.ctx, None, Some(township), None, 1, 1000).await?;
    page(&s, &a, "小区投诉二维码", list.items).await
}
