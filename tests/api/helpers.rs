//! Test harness: the app in-process on a fresh database, typed actors, a cookie-keeping
//! client, and audit assertions.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Utc;
use http_body_util::BodyExt;
use propwatch::clock::ManualClock;
use propwatch::config::Settings;
use propwatch::db::entities::audit_entry;
use propwatch::domain::role::Role;
use propwatch::service::Deps;
use sea_orm::{ConnectionTrait, Database, EntityTrait, QueryOrder};
use tower::ServiceExt;

/// The demo password every test account has.
pub const PASSWORD: &str = "Test2024!pw";

/// The demo account of each role.
pub fn username(role: Role) -> &'static str {
    match role {
        Role::SystemAdmin => "admin",
        Role::BureauStaff => "zhangkaidong",
        Role::BureauLeader => "lixiangdong",
        Role::DisciplineInspector => "yanjunli",
        Role::TownshipOfficer => "fengcheng",
        Role::CompanyUser => "anju",
        Role::CommitteeMember => "fchy_ywh",
        Role::DepartmentUser => "zhifa",
    }
}

/// A running app on its own database.
pub struct TestApp {
    pub router: Router,
    pub deps: Deps,
    pub clock: Arc<ManualClock>,
    pub database_url: String,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop the per-test database on a separate runtime (Drop cannot await).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(db) = Database::connect(&admin_url).await {
                        let _ =
                            db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                    }
                });
            })
            .join();
        }
    }
}

/// A response, with the body read as text.
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Resp {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The Location header of a redirect.
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }

    /// Text of the elements matching a CSS selector.
    pub fn select(&self, selector: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(selector).expect("valid selector");
        doc.select(&sel).map(|e| e.text().collect::<String>().trim().to_string()).collect()
    }
}

impl TestApp {
    /// A fresh app with the demo county loaded (public rate limit off).
    pub async fn new() -> TestApp {
        Self::with_settings(|s| s.public_rate_per_minute = 0).await
    }

    /// A fresh app with adjusted settings.
    pub async fn with_settings(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        // Internal errors are logged; show them with the failing test's output.
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("error").try_init();
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg) = match std::env::var("PROPWATCH_TEST_PG").ok().filter(|s| !s.is_empty()) {
            Some(base) => {
                let base = base.trim_end_matches('/').to_string();
                let name = format!("pw_test_{}", uuid::Uuid::now_v7().simple());
                let admin_url = format!("{base}/postgres");
                let admin = Database::connect(&admin_url).await.expect("PostgreSQL reachable");
                admin
                    .execute_unprepared(&format!(
                        "CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
                    ))
                    .await
                    .expect("create test database");
                (format!("{base}/{name}"), Some((admin_url, name)))
            }
            None => (format!("sqlite://{}/test.db", dir.path().display()), None),
        };
        let mut settings =
            Settings { database_url: database_url.clone(), data_dir: dir.path().to_path_buf(), ..Settings::default() };
        adjust(&mut settings);
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let deps = propwatch::app::prepare(settings, clock.clone()).await.expect("app prepares");
        propwatch::service::demo::seed(&deps, PASSWORD).await.expect("demo seeds").expect("fresh database");
        let router = propwatch::web::build(deps.clone());
        TestApp { router, deps, clock, database_url, _dir: dir, pg }
    }

    /// The data directory (keys) of this app.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().to_path_buf()
    }

    /// Whether the suite runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// A client with no session.
    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookie: None, csrf: None }
    }

    /// A client signed in as the demo account of `role`.
    pub async fn login_as(&self, role: Role) -> Client {
        self.login(username(role), PASSWORD).await
    }

    /// A client signed in with the given credentials (asserts success).
    pub async fn login(&self, username: &str, password: &str) -> Client {
        let mut c = self.client();
        let r = c.try_login(username, password).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {username} failed: {}", r.body);
        // The session's CSRF token is renewed at login; pick up the new one.
        c.get("/").await;
        c
    }

    /// A bearer token for the demo account of `role`.
    pub async fn token(&self, role: Role) -> String {
        let c = self.client();
        let r = c
            .send(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({"username": username(role), "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["token"].as_str().unwrap().to_string()
    }

    /// Audit entries, oldest first.
    pub async fn audit_entries(&self) -> Vec<audit_entry::Model> {
        audit_entry::Entity::find().order_by_asc(audit_entry::Column::Seq).all(&self.deps.db).await.unwrap()
    }

    /// The newest audit entry with this action.
    pub async fn last_audit(&self, action: &str) -> Option<audit_entry::Model> {
        self.audit_entries().await.into_iter().rev().find(|e| e.action == action)
    }
}

/// An HTTP client against the in-process router that keeps the session cookie and the
/// latest CSRF token seen in a page.
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    /// A client with no session on any router (e.g. a second app server).
    pub fn on(router: Router) -> Client {
        Client { router, cookie: None, csrf: None }
    }

    /// Sends a request. `token`: a bearer token; `json`: a JSON body.
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, json: Option<serde_json::Value>) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c.clone());
        }
        let body = match json {
            Some(j) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.run(b.body(body).unwrap()).await
    }

    /// The router this client talks to.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Runs a prepared request.
    pub async fn run(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp { status, headers, body: String::from_utf8_lossy(&bytes).to_string() }
    }

    fn remember(&mut self, r: &Resp) {
        for v in r.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or_default();
            if let Some(pair) = v.split(';').next()
                && pair.starts_with("propwatch_session=")
            {
                self.cookie = Some(pair.to_string());
            }
        }
        if let Some(i) = r.body.find("name=\"_csrf\" value=\"") {
            let rest = &r.body[i + 20..];
            self.csrf = rest.split('"').next().map(str::to_string);
        }
    }

    /// GET a page, keeping cookie and CSRF token.
    pub async fn get(&mut self, path: &str) -> Resp {
        let r = self.send(Method::GET, path, None, None).await;
        self.remember(&r);
        r
    }

    /// POST a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        self.post_raw(path, &all, &[]).await
    }

    /// POST a form exactly as given, with extra headers.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c.clone());
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let r = self.run(b.body(Body::from(body)).unwrap()).await;
        self.remember(&r);
        r
    }

    /// Fetches the login page, then posts the credentials.
    pub async fn try_login(&mut self, username: &str, password: &str) -> Resp {
        self.get("/login").await;
        self.post("/login", &[("username", username), ("password", password)]).await
    }

    /// POST a multipart form of text fields and files, with the CSRF token in the query (as
    /// the pages do).
    pub async fn multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, Vec<u8>)]) -> Resp {
        let boundary = "----propwatchtestboundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        for (field, filename, bytes) in files {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let token = self.csrf.clone().unwrap_or_default();
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(format!("{path}{sep}_csrf={token}"))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c.clone());
        }
        let r = self.run(b.body(Body::from(body)).unwrap()).await;
        self.remember(&r);
        r
    }

    /// POST a multipart upload of one file field, with the CSRF token in the query.
    pub async fn upload(&mut self, path: &str, field: &str, filename: &str, bytes: Vec<u8>) -> Resp {
        let boundary = "----propwatchtestboundary";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let token = self.csrf.clone().unwrap_or_default();
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(format!("{path}?_csrf={token}"))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c.clone());
        }
        let r = self.run(b.body(Body::from(body)).unwrap()).await;
        self.remember(&r);
        r
    }
}

/// The owner roster workbook's columns (sheet 业主名册), as the import reads them.
pub const ROSTER_HEADERS: [&str; 10] = [
    "楼栋",
    "单元",
    "房号",
    "登记面积(㎡)",
    "实测面积(㎡)",
    "合同面积(㎡)",
    "开发建设单位未售出或未交付",
    "业主姓名",
    "联系电话",
    "身份证号",
];

/// An owner roster workbook with these rows (one per owner; empty cells left out).
pub fn roster_workbook(rows: &[[&str; 10]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("业主名册").unwrap();
    for (i, h) in ROSTER_HEADERS.iter().enumerate() {
        ws.write(0, i as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(r as u32 + 1, i as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}
