//! HTTP: the router, extractors, error rendering, HTML pages and the JSON API.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod download;
pub mod error;
pub mod metrics;
pub mod open311;
pub mod pages;
pub mod rate_limit;
pub mod router;

use std::sync::Arc;

use crate::service::Deps;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub deps: Deps,
    pub metrics: Arc<metrics::Metrics>,
    pub rate_limiter: Arc<rate_limit::RateLimiter>,
}

impl std::ops::Deref for AppState {
    type Target = Deps;
    fn deref(&self) -> &Deps {
        &self.deps
    }
}

/// Where a request came from and its id, set by the first middleware.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: String,
    pub client_addr: String,
}

pub use router::build;
