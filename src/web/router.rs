//! Every route in one table, and the middleware stack.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum_login::AuthManagerLayerBuilder;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::api::{
    self, accounts as a_acc, audit as a_audit, campaigns as a_camp, cases as a_case, catalog as a_cat,
    communities as a_comm, companies as a_co, complaints as a_cmp, decisions as a_dec, departments as a_dept,
    exits as a_exit, jurisdictions as a_jur, registry as a_reg, roster as a_rost,
};
use super::pages::{
    accounts, audit, campaigns, cases, catalog, communities, companies, complaints, decisions, departments,
    disclosures, dismissals, escalations, exits, grades, holidays, home, inspections, jurisdictions, litigation,
    notices, notifications, posters, reassessments, referrals, registry, revenue, roster, session, surveys, vote,
};
use super::{AppState, auth, csrf, metrics};
use crate::db::session_store::DbSessionStore;
use crate::service::Deps;

/// Largest request body (six photos of a complaint, Excel uploads).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Builds the application: routes, sessions, authentication, CSRF, metrics, headers.
pub fn build(deps: Deps) -> Router {
    let state = AppState {
        deps: deps.clone(),
        metrics: Arc::new(metrics::Metrics::default()),
        rate_limiter: Arc::new(super::rate_limit::RateLimiter::default()),
    };

    let pages = Router::new()
        .route("/", get(home::home))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/account/password", get(session::password_form).post(session::change_password))
        .route("/admin/accounts", get(accounts::list_accounts).post(accounts::create_account))
        .route("/admin/accounts/new", get(accounts::new_account))
        .route("/admin/accounts/{id}", get(accounts::edit_account).post(accounts::update_account))
        .route("/companies", get(companies::list_companies).post(companies::create_company))
        .route("/companies/new", get(companies::new_company))
        .route("/companies/{id}", get(companies::show_company).post(companies::update_company))
        .route("/companies/{id}/edit", get(companies::edit_company))
        .route("/communities", get(communities::list_communities).post(communities::create_community))
        .route("/communities/new", get(communities::new_community))
        .route("/communities/{id}", get(communities::show_community).post(communities::update_community))
        .route("/communities/{id}/edit", get(communities::edit_community))
        .route("/communities/{id}/poster", get(posters::community_poster))
        .route("/communities/{id}/reassessments", post(reassessments::propose_reassessment))
        .route("/communities/{id}/dismissals", post(dismissals::open_dismissal))
        .route("/communities/{id}/revenue", get(revenue::show).post(revenue::add))
        .route("/communities/{id}/revenue/statements", post(revenue::publish_statement))
        .route("/communities/{id}/revenue/statements/{statement_id}/review", post(revenue::review_statement))
        .route("/communities/{id}/revenue/resolutions", post(revenue::add_resolution))
        .route("/communities/{id}/roster", get(roster::show_roster))
        .route("/communities/{id}/roster/units", post(roster::create_roster_unit))
        .route("/communities/{id}/roster/units/{unit_id}", post(roster::update_roster_unit))
        .route("/communities/{id}/roster/units/{unit_id}/delete", post(roster::delete_roster_unit))
        .route("/communities/{id}/roster/import", post(roster::import_roster))
        .route("/communities/{id}/roster/export.xlsx", get(roster::export_roster))
        .route("/communities/{id}/roster/deem-clause", post(roster::register_deem_clause))
        .route("/communities/{id}/disclosures", get(disclosures::index).post(disclosures::publish))
        .route("/disclosures", get(disclosures::compliance))
        .route("/disclosures/{id}", get(disclosures::history))
        .route("/disclosures/{id}/files/{file_id}", get(disclosures::file))
        .route("/disclosure-items", get(disclosures::items))
        .route("/disclosure-items/{code}", post(disclosures::configure))
        .route("/surveys", get(surveys::list).post(surveys::create))
        .route("/surveys/questionnaires", post(surveys::add_questionnaire))
        .route("/surveys/{id}", get(surveys::show))
        .route("/surveys/{id}/units", post(surveys::add_units))
        .route("/surveys/{id}/codes/{community_id}", get(surveys::codes))
        .route("/s/{id}", get(surveys::answer_form).post(surveys::answer))
        .route("/decisions", get(decisions::list).post(decisions::create))
        .route("/decisions/new", get(decisions::new))
        .route("/decisions/{id}", get(decisions::show))
        .route("/decisions/{id}/codes", post(decisions::issue_codes))
        .route("/decisions/{id}/slips", get(decisions::slips))
        .route("/decisions/{id}/slips/{unit_id}/handed-over", post(decisions::hand_over))
        .route("/decisions/{id}/paper-ballots", post(decisions::paper_ballot))
        .route("/decisions/{id}/close", post(decisions::close))
        .route("/decisions/{id}/finalize", post(decisions::finalize))
        .route("/decisions/{id}/cancel", post(decisions::cancel))
        .route("/decisions/{id}/extensions", post(decisions::request_extension))
        .route("/decisions/{id}/extensions/{ext_id}", post(decisions::decide_extension))
        .route("/decisions/{id}/objections/{objection_id}", post(decisions::decide_objection))
        .route("/decisions/{id}/ballots", get(decisions::ballots))
        .route("/decisions/{id}/ballots/{ballot_id}/photo", get(decisions::ballot_photo))
        .route("/decisions/{id}/announcement.pdf", get(decisions::announcement))
        .route("/decisions/{id}/files/{file_id}", get(decisions::file))
        .route("/vote", get(vote::login_form).post(vote::sign_in))
        .route("/vote/cast", post(vote::cast))
        .route("/vote/objections", post(vote::object))
        .route("/dismissals/{id}", get(dismissals::show_dismissal))
        .route("/dismissals/{id}/steps", post(dismissals::record_dismissal_step))
        .route("/dismissals/{id}/litigation", post(litigation::record_litigation_step))
        .route("/dismissals/{id}/documents/{event_id}", get(litigation::show_litigation_document))
        .route("/exits", get(exits::list).post(exits::create))
        .route("/exits/new", get(exits::new))
        .route("/exits/{id}", get(exits::show))
        .route("/exits/{id}/items/{item_id}/declare", post(exits::declare))
        .route("/exits/{id}/items/{item_id}/confirm", post(exits::confirm))
        .route("/exits/{id}/sign", post(exits::sign))
        .route("/exits/{id}/cancel", post(exits::cancel))
        .route("/exits/{id}/litigation", post(exits::record_litigation))
        .route("/exits/{id}/record.pdf", get(exits::record_pdf))
        .route("/exits/{id}/files/{file_id}", get(exits::file))
        .route("/exits/{id}/documents/{event_id}", get(exits::document))
        .route("/communities/{id}/contracts", post(exits::register_contract))
        .route("/contracts/{id}/takeover-inspection", post(exits::record_takeover))
        .route("/reassessments/{id}/decision", post(reassessments::decide_reassessment))
        .route("/referrals", get(referrals::list).post(referrals::create))
        .route("/referrals/new", get(referrals::new))
        .route("/referrals/{id}", get(referrals::show))
        .route("/referrals/{id}/acknowledge", post(referrals::acknowledge))
        .route("/referrals/{id}/result", post(referrals::result))
        .route("/referrals/{id}/decision", post(referrals::decide))
        .route("/referrals/{id}/letter", get(referrals::letter))
        .route("/reassessments/{id}/letters/{which}", get(reassessments::show_reassessment_letter))
        .route("/posters", get(posters::township_posters))
        .route("/jurisdictions", get(jurisdictions::list_jurisdictions).post(jurisdictions::save_jurisdiction))
        .route("/jurisdictions/{id}", post(jurisdictions::save_jurisdiction))
        .route("/departments", get(departments::list_departments).post(departments::save_department))
        .route("/departments/{id}", post(departments::save_department))
        .route("/catalog", get(catalog::list_catalog).post(catalog::save_catalog_item))
        .route("/catalog/{id}", post(catalog::save_catalog_item))
        .route("/grades", get(grades::list_grades))
        .route("/grades/{id}", post(grades::update_grade))
        .route("/campaigns", get(campaigns::list_campaigns))
        .route("/registry/import", get(registry::new_import).post(registry::import_registry))
        .route("/registry/export.xlsx", get(registry::export_registry))
        .route("/audit", get(audit::audit_page))
        .route("/complaints/new", get(complaints::new_complaint))
        .route("/complaints", post(complaints::create_complaint))
        .route("/track", get(complaints::track_form))
        .route("/track/{code}", get(complaints::track))
        .route("/c/{id}", get(complaints::public_community))
        .route("/hotline", get(complaints::hotline_form).post(complaints::hotline))
        .route("/inbox", get(complaints::inbox))
        .route("/inbox/{id}", get(complaints::show))
        .route("/inbox/{id}/reveal", post(complaints::reveal))
        .route("/inbox/{id}/triage", post(complaints::triage))
        .route("/inbox/{id}/extend", post(complaints::extend))
        .route("/inbox/{id}/photos/{photo_id}", get(complaints::photo))
        .route("/cases", get(cases::list_cases).post(cases::create_case))
        .route("/cases/new", get(cases::new_case))
        .route("/cases/export.xlsx", get(cases::export_cases_xlsx))
        .route("/cases/export.csv", get(cases::export_cases_csv))
        .route("/cases/{id}", get(cases::show_case))
        .route("/cases/{id}/steps", post(cases::record_case_step))
        .route("/cases/{id}/extension", post(cases::request_extension))
        .route("/cases/{id}/extension/decision", post(cases::decide_extension))
        .route("/cases/{id}/escalation", post(cases::propose_escalation))
        .route("/cases/{id}/photos/{photo_id}", get(cases::show_case_photo))
        .route("/escalations", get(escalations::list_escalations))
        .route("/escalations/{id}", post(escalations::decide_escalation))
        .route("/notices", get(notices::list_notices).post(notices::issue_notice))
        .route("/notices/new", get(notices::new_notice))
        .route("/notices/{id}", get(notices::show_notice))
        .route("/notices/{id}/sign", post(notices::sign_notice))
        .route("/notices/{id}/pdf", get(notices::show_notice_pdf))
        .route("/notifications", get(notifications::list_notifications))
        .route("/holidays", get(holidays::list_holidays).post(holidays::save_holiday))
        .route("/deadlines/check", get(holidays::check_deadline))
        .route("/inspections", get(inspections::index))
        .route("/inspections/plans", post(inspections::create_plan))
        .route("/inspections/plans/new", get(inspections::new_plan))
        .route("/inspections/plans/{id}", get(inspections::show_plan))
        .route("/inspections/{id}", get(inspections::show))
        .route("/inspections/{id}/assign", post(inspections::assign))
        .route("/inspections/{id}/answers/{code}", post(inspections::save_answer))
        .route("/inspections/{id}/photos/{item}", get(inspections::photo).post(inspections::add_photos))
        .route("/inspections/{id}/submit", post(inspections::submit));

    let api = Router::new()
        .route("/api/v1/auth/token", post(a_acc::issue_token).delete(a_acc::revoke_token))
        .route("/api/v1/me", get(a_acc::me))
        .route("/api/v1/me/password", post(a_acc::change_password))
        .route("/api/v1/users", get(a_acc::list_users).post(a_acc::create_user))
        .route("/api/v1/users/{id}", get(a_acc::get_user).put(a_acc::update_user))
        .route("/api/v1/companies", get(a_co::list_companies).post(a_co::create_company))
        .route("/api/v1/companies/{id}", get(a_co::get_company).put(a_co::update_company))
        .route("/api/v1/communities", get(a_comm::list_communities).post(a_comm::create_community))
        .route("/api/v1/communities/{id}", get(a_comm::get_community).put(a_comm::update_community))
        .route("/api/v1/jurisdictions", get(a_jur::list_jurisdictions).post(a_jur::create_jurisdiction))
        .route("/api/v1/jurisdictions/{id}", axum::routing::put(a_jur::update_jurisdiction))
        .route("/api/v1/departments", get(a_dept::list_departments).post(a_dept::create_department))
        .route("/api/v1/departments/{id}", axum::routing::put(a_dept::update_department))
        .route("/api/v1/catalog", get(a_cat::list_catalog).post(a_cat::create_catalog_item))
        .route("/api/v1/catalog/{id}", axum::routing::put(a_cat::update_catalog_item))
        .route("/api/v1/campaigns", get(a_camp::list_campaigns).post(a_camp::create_campaign))
        .route("/api/v1/communities/{id}/roster", get(a_rost::get_roster))
        .route("/api/v1/communities/{id}/roster/units", post(a_rost::create_roster_unit))
        .route(
            "/api/v1/communities/{id}/roster/units/{unit_id}",
            put(a_rost::update_roster_unit).delete(a_rost::delete_roster_unit),
        )
        .route("/api/v1/communities/{id}/roster/import", post(a_rost::import_roster))
        .route("/api/v1/communities/{id}/roster/export", get(a_rost::export_roster))
        .route("/api/v1/registry/export", get(a_reg::export_registry))
        .route("/api/v1/registry/import", post(a_reg::import_registry))
        .route("/api/v1/audit", get(a_audit::list_audit))
        .route("/api/v1/audit/verify", get(a_audit::verify_audit))
        .route("/api/v1/complaints", get(a_cmp::list_complaints).post(a_cmp::create_complaint))
        .route("/api/v1/complaints/track/{code}", get(a_cmp::track))
        .route("/api/v1/complaints/{id}", get(a_cmp::get_complaint))
        .route("/api/v1/complaints/{id}/triage", post(a_cmp::triage))
        .route("/api/v1/complaints/{id}/reveal", post(a_cmp::reveal))
        .route("/api/v1/cases", get(a_case::list_cases))
        .route("/api/v1/cases/{id}", get(a_case::get_case))
        .route("/api/v1/notices/{id}", get(a_case::get_notice))
        .route("/api/v1/decisions", get(a_dec::list_decisions).post(a_dec::convene_decision))
        .route("/api/v1/decisions/{id}", get(a_dec::get_decision))
        .route("/api/v1/decisions/{id}/progress", get(a_dec::get_progress))
        .route("/api/v1/decisions/{id}/codes", post(a_dec::issue_codes))
        .route("/api/v1/decisions/{id}/slips", get(a_dec::get_slips))
        .route("/api/v1/decisions/{id}/slips/{unit_id}/handed-over", post(a_dec::hand_over))
        .route("/api/v1/decisions/{id}/paper-ballots", post(a_dec::enter_paper_ballot))
        .route("/api/v1/decisions/{id}/close", post(a_dec::close_decision))
        .route("/api/v1/decisions/{id}/finalize", post(a_dec::finalize_decision))
        .route("/api/v1/decisions/{id}/cancel", post(a_dec::cancel_decision))
        .route("/api/v1/decisions/{id}/extensions", post(a_dec::request_extension))
        .route("/api/v1/decisions/{id}/extensions/{ext_id}", post(a_dec::decide_extension))
        .route("/api/v1/decisions/{id}/objections/{objection_id}", post(a_dec::decide_objection))
        .route("/api/v1/decisions/{id}/ballots", get(a_dec::get_ballots))
        .route("/api/v1/vote", post(a_dec::voter))
        .route("/api/v1/vote/cast", post(a_dec::cast))
        .route("/api/v1/vote/objections", post(a_dec::object))
        .route("/api/v1/communities/{id}/decisions", get(a_dec::public_decisions))
        .route("/api/v1/exits", get(a_exit::list_exits).post(a_exit::open_exit))
        .route("/api/v1/exits/choices", get(a_exit::exit_choices))
        .route("/api/v1/exits/{id}", get(a_exit::get_exit))
        .route("/api/v1/exits/{id}/cancel", post(a_exit::cancel_exit))
        .route("/api/v1/exits/{id}/items/{item_id}/declare", post(a_exit::declare_item))
        .route("/api/v1/exits/{id}/items/{item_id}/confirm", post(a_exit::confirm_item))
        .route("/api/v1/exits/{id}/sign", post(a_exit::sign_exit))
        .route("/api/v1/exits/{id}/record.pdf", get(a_exit::get_record))
        .route("/api/v1/exits/{id}/files/{file_id}", get(a_exit::get_file))
        .route("/api/v1/exits/{id}/documents/{event_id}", get(a_exit::get_litigation_document))
        .route("/api/v1/exits/{id}/litigation", get(a_exit::list_litigation).post(a_exit::record_litigation))
        .route("/api/v1/communities/{id}/contracts", get(a_exit::list_contracts).post(a_exit::register_contract))
        .route("/api/v1/contracts/{id}/takeover-inspection", post(a_exit::record_takeover))
        .route("/api/v1/communities/{id}/exit", get(a_exit::public_exit));

    let o311 = Router::new()
        .route("/open311/{file}", get(super::open311::discovery))
        .route("/open311/v2/{file}", get(super::open311::get_collection).post(super::open311::post_request))
        .route("/open311/v2/services/{file}", get(super::open311::get_service))
        .route("/open311/v2/requests/{file}", get(super::open311::get_request))
        .route("/open311/v2/tokens/{file}", get(super::open311::get_token));

    let ops = Router::new()
        .route("/healthz", get(home::healthz))
        .route("/readyz", get(home::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/static/app.css", get(static_css))
        .route("/static/vendor/htmx.min.js", get(static_htmx))
        .route("/static/print.js", get(static_print));

    let store = DbSessionStore::new(
        deps.db.clone(),
        deps.read.clone(),
        deps.clock.clone(),
        chrono::Duration::minutes(deps.settings.session_idle_minutes),
    );
    let session_layer = SessionManagerLayer::new(store)
        .with_name("propwatch_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(deps.settings.secure_cookies())
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(deps.settings.session_idle_minutes)));
    let auth_layer = AuthManagerLayerBuilder::new(auth::Backend { deps: deps.clone() }, session_layer).build();

    let swagger: Router<AppState> =
        SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", api::ApiDoc::openapi()).into();

    // Pages live in sessions (cookies, CSRF, login); the API, Open311 and operations routes
    // never read a cookie, so they skip that whole stack.
    let pages = pages
        .route_layer(from_fn_with_state(state.clone(), metrics::track))
        .fallback(not_found)
        .layer(from_fn(super::error::with_chrome))
        .layer(from_fn_with_state(state.clone(), auth::session_policy))
        .layer(from_fn(csrf::protect))
        .layer(auth_layer);
    let stateless = Router::new()
        .merge(api)
        .merge(o311)
        .merge(ops)
        .route_layer(from_fn_with_state(state.clone(), metrics::track))
        .merge(swagger);

    Router::new()
        .merge(pages)
        .merge(stateless)
        .layer(from_fn_with_state(state.clone(), super::rate_limit::limit))
        .layer(from_fn(super::download::not_modified))
        .layer(from_fn(super::error::framework_rejections))
        .layer(from_fn(metrics::request_meta))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ))
        .with_state(state)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn not_found() -> impl IntoResponse {
    super::error::error_page(axum::http::StatusCode::NOT_FOUND, "未找到", "您访问的页面不存在")
}

async fn static_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
}

/// The print buttons' listener (`data-print`): a first-party file, since the CSP refuses inline
/// scripts and handlers.
async fn static_print() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/print.js"),
    )
}

async fn static_htmx() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../static/vendor/htmx.min.js"),
    )
}
