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

/// A plain error page without session context.
pub fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = ErrorPage { c: super::pages::Chrome::bare(heading), heading: heading.into(), message: message.into() };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}
