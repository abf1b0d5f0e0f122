//! Rendering service errors: an HTML page for people, `{"error":{code,message,fields}}` for
//! the API. Internal errors are logged once with the request id and never shown.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use crate::service::ServiceError;

/// HTTP status of a service error.
pub fn status(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
        ServiceError::Forbidden(_) | ServiceError::AccountDisabled | ServiceError::PasswordChangeRequired => {
            StatusCode::FORBIDDEN
        }
        ServiceError::Unauthenticated | ServiceError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        ServiceError::Invalid(_) | ServiceError::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::Locked(_) => StatusCode::LOCKED,
        ServiceError::Conflict(_) => StatusCode::CONFLICT,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_internal(e: &ServiceError) {
    if let ServiceError::Internal(inner) = e {
        tracing::error!(error = ?inner, "internal error");
    }
}

/// An error rendered as JSON.
#[derive(Debug)]
pub struct ApiError(pub ServiceError);

impl<E: Into<ServiceError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        let fields = match &self.0 {
            ServiceError::Invalid(f) => json!(f),
            _ => json!({}),
        };
        let body = json!({"error": {"code": self.0.code(), "message": self.0.message(), "fields": fields}});
        (status(&self.0), Json(body)).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: super::pages::Chrome,
    heading: String,
    message: String,
}

/// An error rendered as an HTML page (or a redirect to the login page).
#[derive(Debug)]
pub struct PageError(pub ServiceError);

impl<E: Into<ServiceError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        if matches!(self.0, ServiceError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = status(&self.0);
        let heading = match status {
            StatusCode::NOT_FOUND => "未找到",
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::INTERNAL_SERVER_ERROR => "出错了",
            _ => "无法完成操作",
        };
        error_page(status, heading, &self.0.message())
    }
}

/// What an error page says; kept on the response so [`with_chrome`] can render it again with
/// the signed-in user's navigation.
#[derive(Debug, Clone)]
struct ErrorInfo {
    heading: String,
    message: String,
}

/// An error page (without session context; [`with_chrome`] adds it when there is one).
pub fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = ErrorPage { c: super::pages::Chrome::bare(heading), heading: heading.into(), message: message.into() };
    let mut res = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    };
    res.extensions_mut().insert(ErrorInfo { heading: heading.into(), message: message.into() });
    res
}

/// Renders error pages with the signed-in user's header and navigation, so a refused page
/// does not look like a signed-out one.
pub async fn with_chrome(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let auth = req.extensions().get::<super::auth::AuthSession>().cloned();
    let res = next.run(req).await;
    let (Some(auth), Some(info)) = (auth, res.extensions().get::<ErrorInfo>().cloned()) else {
        return res;
    };
    let Some(user) = auth.user.as_ref() else { return res };
    let status = res.status();
    let c = super::pages::Chrome::new(&auth.session, Some(user), &info.heading).await;
    match (ErrorPage { c, heading: info.heading, message: info.message }).render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => res,
    }
}
