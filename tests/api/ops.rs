//! Health, readiness, metrics and the OpenAPI document.

use axum::http::{Method, StatusCode};
use propwatch::domain::role::Role;

use crate::helpers::TestApp;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::new().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.body, "ok");
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    c.get("/login").await;
    let m = c.get("/metrics").await;
    assert!(
        m.body.contains("propwatch_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"} 1"),
        "{}",
        m.body
    );
    assert!(m.body.contains("propwatch_http_request_duration_seconds_count{method=\"GET\",route=\"/login\"} 1"));
    assert!(m.body.contains("propwatch_db_pool_connections{state=\"open\"}"));
}

#[tokio::test]
async fn the_openapi_document_lists_the_routes_and_the_docs_page_is_served() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let doc = c.get("/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/auth/token",
        "/api/v1/companies",
        "/api/v1/communities/{id}",
        "/api/v1/audit/verify",
        "/api/v1/registry/import",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let docs = c.get("/api/docs/").await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.body.contains("swagger"), "vendored swagger-ui");
}

#[tokio::test]
async fn pages_carry_security_headers_and_session_cookie_flags() {
    let app = TestApp::new().await;
    let c = app.client();
    let r = c.send(Method::GET, "/login", None, None).await;
    assert_eq!(r.headers["x-frame-options"], "DENY");
    assert!(r.headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let _ = Role::BureauStaff;
}

#[tokio::test]
async fn unknown_pages_get_a_chinese_404() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/no-such-page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.select("h1"), vec!["未找到"]);
}

#[tokio::test]
async fn backup_writes_a_consistent_copy_of_the_live_sqlite_database() {
    let app = TestApp::new().await;
    if app.is_postgres() {
        // PostgreSQL backups are pg_dump's job; the command says so.
        let err = propwatch::db::backup_sqlite(&app.deps.db, &app.data_dir().join("x.db")).await.unwrap_err();
        assert!(err.to_string().contains("pg_dump"));
        return;
    }
    app.login_as(Role::BureauStaff).await;
    let dest = app.data_dir().join("backup.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_propwatch"))
        .args(["backup", dest.to_str().unwrap()])
        .env("PROPWATCH_DATABASE_URL", &app.database_url)
        .env("PROPWATCH_DATA_DIR", app.data_dir())
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copy = propwatch::db::connect(&format!("sqlite://{}", dest.display())).await.unwrap();
    let (_, n) = propwatch::db::communities::communities(&copy, &Default::default(), 1, 1).await.unwrap();
    assert_eq!(n, 20);
    let entries = propwatch::db::audit::chain_page(&copy, 0, 10_000).await.unwrap();
    let (head_seq, head_hash) = propwatch::db::audit::head(&copy).await.unwrap();
    assert_eq!(
        propwatch::domain::audit::verify(entries, head_seq, &head_hash).unwrap(),
        head_seq,
        "the copy's audit chain is intact"
    );
}
