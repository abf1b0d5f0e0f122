//! Serving stored files (photos, PDFs, documents) from the `blobs` table: streamed chunk by
//! chunk, with the SM3 digest as a strong `ETag`, and `304 Not Modified` when the browser
//! already holds that digest ([`not_modified`], one layer for every route).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::service::blobs::Download;

/// How long a browser may keep a file without asking again.
#[derive(Debug, Clone, Copy)]
pub enum Cache {
    /// Photos: an hour, privately (they are behind sign-in).
    Photo,
    /// Documents and PDFs: privately, revalidated each time (cheap: a 304 by digest).
    Revalidate,
    /// Public attachments (disclosures): anyone, a day (a published version never changes).
    Public,
}

impl Cache {
    fn header(self) -> &'static str {
        match self {
            Cache::Photo => "private, max-age=3600",
            Cache::Revalidate => "private, no-cache",
            Cache::Public => "public, max-age=86400",
        }
    }
}

/// The response streaming a stored file; `disposition` is the `Content-Disposition` (a file
/// name), if any.
pub fn respond(dl: Download, cache: Cache, disposition: Option<String>) -> Response {
    let etag = format!("\"{}\"", dl.meta.digest);
    let mut res = Response::new(Body::empty());
    {
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&dl.meta.media_type) {
            h.insert(header::CONTENT_TYPE, v);
        }
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(dl.meta.size.max(0) as u64));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache.header()));
        if let Some(v) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    *res.body_mut() = Body::from_stream(dl.stream());
    res
}

/// Whether an `If-None-Match` value names `etag` (a list, weak forms, or `*`).
fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag)
}

/// Answers `304 Not Modified` (no body: the stream is never read) to a GET whose
/// `If-None-Match` names the `ETag` of the response the route produced.
pub async fn not_modified(req: Request, next: Next) -> Response {
    let inm = (req.method() == Method::GET || req.method() == Method::HEAD)
        .then(|| req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string))
        .flatten();
    let res = next.run(req).await;
    let Some(inm) = inm else { return res };
    if res.status() != StatusCode::OK {
        return res;
    }
    let Some(etag) = res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()) else { return res };
    if !matches(&inm, etag) {
        return res;
    }
    let mut out = StatusCode::NOT_MODIFIED.into_response();
    for name in [header::ETAG, header::CACHE_CONTROL] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn if_none_match_lists_weak_tags_and_star() {
        assert!(matches("\"ab\"", "\"ab\""));
        assert!(matches("\"x\", W/\"ab\"", "\"ab\""));
        assert!(matches("*", "\"ab\""));
        assert!(!matches("\"abc\"", "\"ab\""));
        assert!(!matches("", "\"ab\""));
    }
}
