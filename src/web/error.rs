//! Rendering service errors: an HTML page for people, `{"error":{code,message,fields}}` for
//! the API. Internal errors are logged once with the request id and never shown.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use crate::service::ServiceError;
use crate::service::rule_code::RuleCode;

/// HTTP status of a service error.
pub fn status(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
        ServiceError::Forbidden(_) | ServiceError::AccountDisabled | ServiceError::PasswordChangeRequired => {
            StatusCode::FORBIDDEN
        }
        ServiceError::Unauthenticated | ServiceError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        ServiceError::Invalid(_) | ServiceError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
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

/// A framework's refusal as a page error: "表单内容无法识别：" and what the field lacks.
pub fn page_rejection(text: &str) -> ServiceError {
    match explain_rejection(text) {
        ServiceError::Invalid(f) => {
            let what: Vec<String> =
                f.iter().map(|(k, v)| if k == "request" { v.clone() } else { format!("“{k}”{v}") }).collect();
            ServiceError::Rule(RuleCode::BadForm(what.join("；")))
        }
        other => other,
    }
}

/// What a framework's refusal of a request's body, query or path means, in Chinese, with the
/// field it names (if it names one). The framework's own (English) text is logged, never shown.
pub fn explain_rejection(text: &str) -> ServiceError {
    tracing::info!(rejection = %text, "request refused by the framework");
    let field = |marker: &str| {
        text.split_once(marker)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_string)
            .filter(|f| !f.is_empty())
    };
    // serde_path_to_error puts the path after the framework's prefix
    // ("…into the target type: items[0].code: invalid type …").
    let path = ["target type: ", "form body: ", "query string: "]
        .iter()
        .find_map(|m| text.rsplit_once(m).map(|(_, rest)| rest))
        .and_then(|rest| rest.split_once(": ").map(|(p, _)| p.trim()))
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)))
        .map(str::to_string);
    if let Some(f) = field("missing field `") {
        return ServiceError::field(&f, "缺少必填项");
    }
    if let Some(f) = field("unknown field `") {
        return ServiceError::field(&f, "不支持的字段");
    }
    let lower = text.to_ascii_lowercase();
    let message = if lower.contains("content-type") || lower.contains("content type") {
        "请求的内容类型不对（表单请用 application/x-www-form-urlencoded 或 multipart/form-data，接口请用 application/json）"
    } else if lower.contains("length limit") || lower.contains("too large") {
        "请求内容过大"
    } else if lower.contains("invalid type")
        || lower.contains("invalid value")
        || lower.contains("invalid digit")
        || lower.contains("cannot parse")
        || lower.contains("number too large")
        || lower.contains("invalid length")
        || lower.contains("invalid character")
        || lower.contains("premature end")
        || lower.contains("expected")
    {
        "填写的内容格式不对"
    } else if lower.contains("eof") || lower.contains("syntax") || lower.contains("json") {
        "请求内容不是有效的 JSON"
    } else {
        "请求内容无法识别"
    };
    match path {
        Some(p) => ServiceError::field(&p, message),
        None => ServiceError::field("request", message),
    }
}

/// Replaces the plain-text refusals the framework writes itself (a path parameter that is not
/// a number, a query that does not parse, a wrong content type, a body too large) with the
/// platform's Chinese error: a page for people, the JSON error for the API and Open311.
pub async fn framework_rejections(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = {
        let p = req.uri().path();
        p.starts_with("/api/") || p.starts_with("/open311/")
    };
    let res = next.run(req).await;
    let status = res.status();
    let plain = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain
        || !(status.is_client_error())
        || status == StatusCode::NOT_FOUND
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        return res;
    }
    let body = axum::body::to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default();
    let mut e = explain_rejection(&String::from_utf8_lossy(&body));
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        e = ServiceError::field("request", "请求内容过大");
    }
    let mut out = if api {
        ApiError(e).into_response()
    } else {
        let page = match e {
            ServiceError::Invalid(_) => page_rejection(&String::from_utf8_lossy(&body)),
            other => other,
        };
        PageError(page).into_response()
    };
    // The status the framework chose (400, 413, 415, 422) stays.
    *out.status_mut() = status;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: &ServiceError) -> (String, String) {
        match e {
            ServiceError::Invalid(f) => f.iter().next().map(|(k, v)| (k.clone(), v.clone())).unwrap_or_default(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn framework_text_becomes_a_chinese_message_naming_the_field() {
        let e = explain_rejection(
            "Failed to deserialize the JSON body into the target type: missing field `username` at line 1 column 2",
        );
        assert_eq!(field_of(&e), ("username".into(), "缺少必填项".into()));
        let e = explain_rejection(
            "Failed to deserialize the JSON body into the target type: anonymous: invalid type: integer `1`, expected a boolean at line 1 column 14",
        );
        assert_eq!(field_of(&e), ("anonymous".into(), "填写的内容格式不对".into()));
        let e = explain_rejection("Invalid URL: Cannot parse `null` to a `i64`");
        assert_eq!(field_of(&e).1, "填写的内容格式不对");
        let e = explain_rejection(
            "Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 1",
        );
        assert_eq!(field_of(&e).1, "请求内容不是有效的 JSON");
        let e = explain_rejection("Expected request with `Content-Type: application/json`");
        assert!(field_of(&e).1.contains("内容类型"));
        let page = page_rejection("Failed to deserialize form body: missing field `catalog_code`");
        assert_eq!(page.message(), "表单内容无法识别：“catalog_code”缺少必填项");
        for text in ["missing field `x`", "Invalid URL: Cannot parse `a` to a `u64`", "whatever went wrong"] {
            let msg = field_of(&explain_rejection(text)).1;
            assert!(!msg.is_ascii(), "a Chinese message for {text}: {msg}");
        }
    }
}
