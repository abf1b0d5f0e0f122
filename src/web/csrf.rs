//! CSRF protection for every state-changing form: a token kept in the session and echoed by
//! the form (`_csrf` field, `X-CSRF-Token` header, or `_csrf` query for multipart uploads),
//! plus a same-origin check on `Sec-Fetch-Site` / `Origin`. The JSON API is exempt: it
//! authenticates by bearer token, never by cookie.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use tower_sessions::Session;

use super::error::error_page;

/// Session key of the token.
const KEY: &str = "csrf";
/// Largest form body read for the token.
const MAX_FORM: usize = 2 * 1024 * 1024;

/// The session's token, created on first use.
pub async fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(KEY).await {
        return t;
    }
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    let t = hex::encode(b);
    let _ = session.insert(KEY, &t).await;
    t
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn refuse(message: &str) -> Response {
    error_page(StatusCode::FORBIDDEN, "请求被拒绝", message)
}

fn cross_site(req: &Request) -> bool {
    if let Some(site) = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        return origin == "null" || origin_host != host;
    }
    false
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The middleware.
pub async fn protect(req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    if !unsafe_method || path.starts_with("/api/") || path.starts_with("/open311/") {
        return next.run(req).await;
    }
    if cross_site(&req) {
        return refuse("跨站提交的请求已被拒绝");
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return refuse("会话不存在，请刷新页面后重试");
    };
    let Ok(Some(expected)) = session.get::<String>(KEY).await else {
        return refuse("页面已过期，请刷新页面后重新提交");
    };
    let from_query = req.uri().query().and_then(|q| form_field(q.as_bytes(), "_csrf"));
    let from_header = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let (req, from_body) = if is_form && from_header.is_none() {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
            return error_page(StatusCode::PAYLOAD_TOO_LARGE, "提交内容过大", "提交的表单内容过大");
        };
        let field = form_field(&bytes, "_csrf");
        (Request::from_parts(parts, Body::from(bytes)), field)
    } else {
        (req, None)
    };
    let given = from_header.or(from_body).or(from_query).unwrap_or_default();
    if !same(&given, &expected) {
        return refuse("页面已过期或表单校验失败，请刷新页面后重新提交");
    }
    next.run(req).await
}
