//! Login, lockout, sessions, CSRF, password policy.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use propwatch::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp, username};

#[tokio::test]
async fn a_successful_login_is_audited_and_rotates_the_session_id() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.get("/login").await;
    let before = c.cookie.clone().expect("the login page starts a session");
    let r = c.post("/login", &[("username", "zhangkaidong"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_ne!(c.cookie.clone().unwrap(), before, "session id must change at login");
    let e = app.last_audit("auth.login").await.unwrap();
    assert_eq!(
        (e.outcome.as_str(), e.actor_name.as_str(), e.actor_role.as_str()),
        ("success", "张凯东", "bureau_staff")
    );
    let home = c.get("/").await;
    assert_eq!(home.select(".user-name"), vec!["张凯东"]);
}

#[tokio::test]
async fn a_failed_login_shows_a_chinese_error_and_is_audited() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.try_login("zhangkaidong", "wrong-Password1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.select("p.err"), vec!["用户名或密码错误"]);
    let e = app.last_audit("auth.login").await.unwrap();
    assert_eq!(e.outcome, "failure");
    assert!(e.summary.contains("bad_password"));
    let r = c.try_login("nobody", "wrong-Password1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(app.last_audit("auth.login").await.unwrap().summary.contains("unknown_user"));
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_until_the_lockout_passes() {
    let app = TestApp::new().await;
    let mut c = app.client();
    for i in 1..=4 {
        let r = c.try_login("zhangkaidong", "Wrong-pass1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = c.try_login("zhangkaidong", "Wrong-pass1").await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert!(r.select("p.err")[0].contains("账号已锁定"));
    assert!(app.last_audit("user.lock").await.is_some());
    // Even the right password is refused while locked.
    let r = c.try_login("zhangkaidong", PASSWORD).await;
    assert_eq!(r.status, StatusCode::LOCKED);
    // The API applies the same lock.
    let api = app
        .client()
        .send(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"username": "zhangkaidong", "password": PASSWORD})),
        )
        .await;
    assert_eq!(api.status, StatusCode::LOCKED);
    assert_eq!(api.json()["error"]["code"], "account_locked");
    app.clock.advance(Duration::minutes(16));
    let r = c.try_login("zhangkaidong", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn concurrent_wrong_passwords_count_one_after_another() {
    // Ten guesses at once (ten connections on PostgreSQL) get no more than the five a lockout
    // allows: the fifth locks the account, the rest find it locked.
    let app = TestApp::new().await;
    let ctx = propwatch::service::Ctx::system(app.deps.clock.now(), "test");
    let attempts = (0..10).map(|_| propwatch::service::accounts::login(&app.deps, &ctx, "zhangkaidong", "Wrong-pass1"));
    let results = futures_util::future::join_all(attempts).await;
    assert!(results.iter().all(Result::is_err));
    use propwatch::db::entities::audit_entry;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.is_in(["auth.login", "user.lock"]))
        .all(&app.deps.db)
        .await
        .unwrap();
    let bad = entries.iter().filter(|e| e.action == "auth.login" && e.summary.contains("bad_password")).count();
    let locked = entries.iter().filter(|e| e.action == "auth.login" && e.summary.contains("\"locked\"")).count();
    assert_eq!(bad, 5, "five guesses checked");
    assert_eq!(locked, 5, "the other five refused as locked");
    assert_eq!(entries.iter().filter(|e| e.action == "user.lock").count(), 1, "locked once");
}

#[tokio::test]
async fn an_idle_session_ends_after_the_timeout() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::BureauStaff).await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(c.get("/companies").await.status, StatusCode::OK, "activity within the timeout keeps the session");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(c.get("/companies").await.status, StatusCode::OK, "the timeout counts from the last request");
    app.clock.advance(Duration::minutes(31));
    let r = c.get("/companies").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_however_active() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::BureauStaff).await;
    for _ in 0..26 {
        app.clock.advance(Duration::minutes(28));
        let r = c.get("/").await;
        if r.status == StatusCode::SEE_OTHER {
            assert_eq!(r.location(), "/login?expired=1");
            return;
        }
    }
    panic!("the session outlived the 12-hour absolute lifetime");
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::BureauStaff).await;
    let before = app.audit_entries().await.len();
    let r = c.post_raw("/companies", &[("name", "某物业"), ("credit_code", "91350100M000100Y43")], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.select(".error-message")[0].contains("刷新页面"));
    let token = c.csrf.clone().unwrap();
    let r = c
        .post_raw("/companies", &[("name", "某物业"), ("credit_code", "91350100M000100Y43"), ("_csrf", "0000")], &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A right token from another site is refused too.
    let r = c
        .post_raw(
            "/companies",
            &[("name", "某物业"), ("credit_code", "91350100M000100Y43"), ("_csrf", &token)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_raw(
            "/companies",
            &[("name", "某物业"), ("credit_code", "91350100M000100Y43"), ("_csrf", &token)],
            &[("origin", "https://evil.example"), ("host", "localhost")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_entries().await.len(), before, "nothing was written");
    c.csrf = Some(token);
    let r = c.post("/companies", &[("name", "某物业"), ("credit_code", "91350100M000100Y43")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn an_account_with_an_administrator_set_password_must_change_it_first() {
    let app = TestApp::new().await;
    let mut admin = app.login_as(Role::SystemAdmin).await;
    admin.get("/admin/accounts/new").await;
    let county = app.deps.db.clone();
    let county_id =
        propwatch::db::jurisdictions::jurisdiction_by_code(&county, "140522").await.unwrap().unwrap().id.to_string();
    let r = admin
        .post(
            "/admin/accounts",
            &[
                ("username", "wangli"),
                ("display_name", "王丽"),
                ("role", "bureau_staff"),
                ("scope_id", &county_id),
                ("password", "Init2024#a"),
                ("phone", "13912345678"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e = app.last_audit("user.create").await.unwrap();
    assert!(e.summary.contains("wangli"));
    assert!(!e.summary.contains("13912345678"), "personal data stays out of the audit summary");
    let mut c = app.client();
    let r = c.try_login("wangli", "Init2024#a").await;
    assert_eq!(r.location(), "/account/password");
    let r = c.get("/companies").await;
    assert_eq!(r.location(), "/account/password", "every page leads to the password change");
    c.get("/account/password").await;
    let r = c
        .post(
            "/account/password",
            &[("current_password", "Init2024#a"), ("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e == "密码长度不能少于8位"));
    let r = c
        .post(
            "/account/password",
            &[("current_password", "Init2024#a"), ("new_password", "Wangli2024!"), ("confirm_password", "Wangli2024!")],
        )
        .await;
    assert!(r.select("p.err").iter().any(|e| e == "密码不能包含用户名"));
    let r = c
        .post(
            "/account/password",
            &[("current_password", "Init2024#a"), ("new_password", "Fresh-2024x"), ("confirm_password", "Fresh-2024x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(c.get("/companies").await.status, StatusCode::OK);
    assert!(app.last_audit("user.change_password").await.is_some());
}

#[tokio::test]
async fn personal_data_is_encrypted_at_rest() {
    let app = TestApp::new().await;
    let u =
        propwatch::db::accounts::user_by_username(&app.deps.db, username(Role::BureauStaff)).await.unwrap().unwrap();
    let sealed = u.phone_sealed.unwrap();
    assert!(sealed.starts_with("sm4gcm:") && !sealed.contains("13800000000"));
    assert_eq!(app.deps.cipher.open(&sealed).unwrap(), "13800000000");
}

#[tokio::test]
async fn api_tokens_authenticate_and_can_be_revoked() {
    let app = TestApp::new().await;
    let c = app.client();
    let r = c.send(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    let token = app.token(Role::BureauLeader).await;
    let me = c.send(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.json()["username"], "lixiangdong");
    assert_eq!(me.json()["role"], "bureau_leader");
    assert_eq!(c.send(Method::DELETE, "/api/v1/auth/token", Some(&token), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(c.send(Method::GET, "/api/v1/me", Some(&token), None).await.status, StatusCode::UNAUTHORIZED);
    let bad =
        c.send(Method::POST, "/api/v1/auth/token", None, Some(serde_json::json!({"username": "lixiangdong"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["code"], "invalid_input");
}

#[tokio::test]
async fn logout_ends_the_session_and_is_audited() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::CompanyUser).await;
    c.get("/").await;
    let r = c.post("/logout", &[]).await;
    assert_eq!(r.location(), "/login");
    assert!(app.last_audit("auth.logout").await.is_some());
    assert_eq!(c.get("/communities").await.location(), "/login");
}
