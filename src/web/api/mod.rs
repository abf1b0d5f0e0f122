//! The JSON API under /api/v1, authenticated by bearer tokens, documented by OpenAPI.

pub mod accounts;
pub mod audit;
pub mod campaigns;
pub mod cases;
pub mod catalog;
pub mod communities;
pub mod companies;
pub mod complaints;
pub mod decisions;
pub mod departments;
pub mod exits;
pub mod jurisdictions;
pub mod registry;
pub mod roster;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use super::error::ApiError;

/// A JSON body; a malformed one is answered with `invalid_input` in Chinese.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| ApiJson(j.0))
            .map_err(|e| ApiError(crate::web::error::explain_rejection(&e.body_text())))
    }
}

/// Search and paging.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Text contained in the name, code or address.
    pub q: Option<String>,
    pub township_id: Option<i64>,
    pub company_id: Option<i64>,
    pub page: Option<u64>,
    /// At most 200.
    pub per_page: Option<u64>,
}

impl ListQuery {
    fn q(&self) -> Option<String> {
        self.q.clone().filter(|s| !s.trim().is_empty())
    }
    fn paging(&self) -> (u64, u64) {
        (self.page.unwrap_or(1).max(1), self.per_page.unwrap_or(50).clamp(1, 200))
    }
}

/// A page of results.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> From<crate::service::Page<T>> for Paged<T> {
    fn from(p: crate::service::Page<T>) -> Self {
        Paged { items: p.items, total: p.total, page: p.page, per_page: p.per_page }
    }
}

/// The error body, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the shape rendered by ApiError")]
pub struct ErrorBody {
    /// `{"code": "snake_case", "message": "中文说明", "fields": {"field": "中文说明"}}`
    error: ErrorDetail,
}

/// See [`ErrorBody`].
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the shape rendered by ApiError")]
pub struct ErrorDetail {
    code: String,
    message: String,
    fields: std::collections::BTreeMap<String, String>,
}

/// The OpenAPI document of /api/v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "propwatch 物业服务监管平台 API", version = "1"),
    paths(
        accounts::issue_token, accounts::revoke_token, accounts::me, accounts::change_password,
        accounts::list_users, accounts::create_user, accounts::get_user, accounts::update_user,
        companies::list_companies, companies::create_company, companies::get_company, companies::update_company,
        communities::list_communities, communities::create_community, communities::get_community,
        communities::update_community,
        jurisdictions::list_jurisdictions, jurisdictions::create_jurisdiction, jurisdictions::update_jurisdiction,
        departments::list_departments, departments::create_department, departments::update_department,
        catalog::list_catalog, catalog::create_catalog_item, catalog::update_catalog_item,
        campaigns::list_campaigns, campaigns::create_campaign,
        registry::export_registry, registry::import_registry,
        roster::get_roster, roster::create_roster_unit, roster::update_roster_unit, roster::delete_roster_unit,
        roster::import_roster, roster::export_roster,
        audit::list_audit, audit::verify_audit,
        complaints::create_complaint, complaints::track, complaints::list_complaints, complaints::get_complaint,
        complaints::triage, complaints::reveal,
        cases::list_cases, cases::get_case, cases::get_notice,
        decisions::list_decisions, decisions::convene_decision, decisions::get_decision, decisions::get_progress,
        decisions::issue_codes, decisions::get_slips, decisions::hand_over, decisions::enter_paper_ballot,
        decisions::close_decision, decisions::finalize_decision, decisions::cancel_decision,
        decisions::request_extension, decisions::decide_extension, decisions::decide_objection,
        decisions::get_ballots, decisions::voter, decisions::cast, decisions::object, decisions::public_decisions,
        exits::list_exits, exits::exit_choices, exits::open_exit, exits::get_exit, exits::cancel_exit,
        exits::declare_item, exits::confirm_item, exits::sign_exit, exits::get_record, exits::get_file, exits::get_litigation_document,
        exits::list_litigation, exits::record_litigation, exits::list_contracts, exits::register_contract,
        exits::record_takeover, exits::public_exit,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "登录令牌与本人账号"), (name = "registry", description = "基础信息"), (name = "roster", description = "业主名册"), (name = "audit", description = "审计日志"), (name = "complaints", description = "投诉举报"), (name = "cases", description = "工作台账与整改通知书"), (name = "decisions", description = "业主共同决定"), (name = "exits", description = "退出与移交、物业服务合同"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
