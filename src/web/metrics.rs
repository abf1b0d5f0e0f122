//! Prometheus text metrics: request counts and latency histograms by route, and the database
//! pool. Also the first middleware, which gives each request its id.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{AppState, RequestMeta};

const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request figures by (method, route, status).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut map = self.series.lock().expect("metrics lock");
        let s = map.entry((method.to_string(), route.to_string(), status)).or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                s.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus exposition text.
    pub fn render(&self, pool: (u32, usize)) -> String {
        let map = self.series.lock().expect("metrics lock").clone();
        let mut out = String::new();
        out.push_str("# HELP propwatch_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE propwatch_http_requests_total counter\n");
        for ((m, r, st), s) in &map {
            let _ = writeln!(
                out,
                "propwatch_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{st}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP propwatch_http_request_duration_seconds HTTP request latency by route.\n");
        out.push_str("# TYPE propwatch_http_request_duration_seconds histogram\n");
        let mut by_route: BTreeMap<(String, String), Series> = BTreeMap::new();
        for ((m, r, _), s) in &map {
            let e = by_route.entry((m.clone(), r.clone())).or_default();
            e.count += s.count;
            e.sum += s.sum;
            for i in 0..BUCKETS.len() {
                e.buckets[i] += s.buckets[i];
            }
        }
        for ((m, r), s) in &by_route {
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "propwatch_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "propwatch_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ =
                writeln!(out, "propwatch_http_request_duration_seconds_sum{{method=\"{m}\",route=\"{r}\"}} {}", s.sum);
            let _ = writeln!(
                out,
                "propwatch_http_request_duration_seconds_count{{method=\"{m}\",route=\"{r}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP propwatch_db_pool_connections Database pool connections.\n");
        out.push_str("# TYPE propwatch_db_pool_connections gauge\n");
        let _ = writeln!(out, "propwatch_db_pool_connections{{state=\"open\"}} {}", pool.0);
        let _ = writeln!(out, "propwatch_db_pool_connections{{state=\"idle\"}} {}", pool.1);
        out
    }
}

/// Gives the request an id (kept from `X-Request-Id` when sane) and records the peer address.
pub async fn request_meta(mut req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let client_addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(RequestMeta { request_id: request_id.clone(), client_addr });
    let span = tracing::info_span!("request", id = %request_id, method = %req.method(), path = %req.uri().path());
    let _guard = span.enter();
    drop(_guard);
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Records the request under its matched route (applied as a route layer).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let start = Instant::now();
    let res = next.run(req).await;
    state.metrics.observe(&method, &route, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

/// GET /metrics
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let pool = crate::db::pool_stats(&state.db);
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render(pool))
}
