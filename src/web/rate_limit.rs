//! Per-client-address limits on public submissions (complaint forms, the public API, Open311
//! posts, logins, survey answers): a fixed one-minute window on the application clock. Over the limit the
//! client gets a clear Chinese 429 (an HTML page, or JSON under /api and /open311).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{AppState, RequestMeta};

/// Counts per (address, minute).
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// Records one request; whether it is within `per_minute` for this address and minute.
    pub fn allow(&self, addr: &str, minute: i64, per_minute: u32) -> bool {
        let mut w = self.windows.lock().expect("rate limiter lock");
        if w.len() > 100_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let entry = w.entry(addr.to_string()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1 <= per_minute
    }
}

/// Whether a request is a public submission that counts against the limit.
fn limited(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && (path == "/complaints"
            || path == "/login"
            || path == "/api/v1/complaints"
            || path == "/api/v1/auth/token"
            // Owners' votes: signing in with a code, casting, objecting (no guessing of codes).
            || path.starts_with("/api/v1/vote")
            || path.starts_with("/vote")
            || path.starts_with("/open311/")
            // Survey answers: also what keeps anyone from guessing unit codes.
            || path.starts_with("/s/"))
}

/// The middleware.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let per_minute = state.settings.public_rate_per_minute;
    if per_minute == 0 || !limited(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let addr = req.extensions().get::<RequestMeta>().map(|m| m.client_addr.clone()).unwrap_or_default();
    let minute = state.clock.now().timestamp().div_euclid(60);
    if state.rate_limiter.allow(&addr, minute, per_minute) {
        return next.run(req).await;
    }
    let message = format!("提交过于频繁：每个网络地址每分钟最多提交{per_minute}次，请稍后再试。");
    let path = req.uri().path();
    let mut res = if path.starts_with("/api/") || path.starts_with("/open311/") {
        let body = serde_json::json!({"error": {"code": "rate_limited", "message": message, "fields": {}}});
        (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response()
    } else {
        super::error::error_page(StatusCode::TOO_MANY_REQUESTS, "请稍后再试", &message)
    };
    res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_resets_each_minute_and_counts_per_address() {
        let r = RateLimiter::default();
        assert!(r.allow("a", 1, 2));
        assert!(r.allow("a", 1, 2));
        assert!(!r.allow("a", 1, 2));
        assert!(r.allow("b", 1, 2));
        assert!(r.allow("a", 2, 2));
    }
}
