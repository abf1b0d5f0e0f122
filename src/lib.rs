//! propwatch (物业服务监管平台): a housing bureau's platform for supervising residential
//! property-management companies. See docs/ARCHITECTURE.md for the layers.

pub mod app;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod form_util;
pub mod jobs;
pub mod search;
pub mod service;
pub mod web;
