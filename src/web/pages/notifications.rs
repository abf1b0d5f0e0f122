//! The notification inbox.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;

use super::Chrome;
use crate::service::notifications::{self, NotificationView};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "notifications/list.html")]
struct NotificationsPage {
    c: Chrome,
    items: Vec<NotificationView>,
}

/// GET /notifications
pub async fn list_notifications(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    Ok(NotificationsPage {
        c: Chrome::new(&a.session, Some(&a.user), "消息提醒").await,
        items: notifications::list_notifications(&s.deps, &a.ctx).await?,
    })
}
