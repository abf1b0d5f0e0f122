//! The audit trail: append-only, SM3-chained, verified by `propwatch audit verify`.

use std::process::Command;

use propwatch::domain::registry::CompanyDraft;
use propwatch::domain::role::Role;
use propwatch::service::{Ctx, companies};
use sea_orm::ConnectionTrait;

use crate::helpers::TestApp;

fn cli_verify(app: &TestApp) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_propwatch"))
        .args(["audit", "verify"])
        .env("PROPWATCH_DATABASE_URL", &app.database_url)
        .env("PROPWATCH_DATA_DIR", app.data_dir())
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .output()
        .expect("the binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string())
}

#[tokio::test]
async fn tampering_with_one_audit_row_is_reported_at_that_row() {
    let app = TestApp::new().await;
    for role in [Role::BureauStaff, Role::BureauLeader, Role::CompanyUser] {
        app.login_as(role).await;
    }
    let entries = app.audit_entries().await;
    assert!(entries.len() >= 5);
    let (code, out) = cli_verify(&app);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("校验通过"), "{out}");

    // An attacker with database rights first has to get past the append-only trigger.
    let db = &app.deps.db;
    let disable = if app.is_postgres() {
        "ALTER TABLE audit_entries DISABLE TRIGGER tr_audit_entries_no_change"
    } else {
        "DROP TRIGGER tr_audit_entries_no_update"
    };
    db.execute_unprepared(disable).await.unwrap();
    db.execute_unprepared("UPDATE audit_entries SET actor_name = '无名氏' WHERE seq = 3").await.unwrap();

    let (code, out) = cli_verify(&app);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("第 3 条"), "{out}");
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert_eq!(verdict.broken.unwrap().seq, 3);

    // Leaders see the same verdict on the audit page.
    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get("/audit").await;
    assert!(page.select(".verdict.broken")[0].contains("第 3 条"), "{:?}", page.select(".verdict"));
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_entries() {
    let app = TestApp::new().await;
    app.login_as(Role::BureauStaff).await;
    let db = &app.deps.db;
    assert!(db.execute_unprepared("UPDATE audit_entries SET outcome = 'success' WHERE seq = 1").await.is_err());
    assert!(db.execute_unprepared("DELETE FROM audit_entries WHERE seq = 1").await.is_err());
    let (code, _) = cli_verify(&app);
    assert_eq!(code, 0);
}

#[tokio::test]
async fn a_deleted_last_entry_is_reported() {
    let app = TestApp::new().await;
    app.login_as(Role::BureauStaff).await;
    let n = app.audit_entries().await.len();
    let db = &app.deps.db;
    let disable = if app.is_postgres() {
        "ALTER TABLE audit_entries DISABLE TRIGGER tr_audit_entries_no_change"
    } else {
        "DROP TRIGGER tr_audit_entries_no_delete"
    };
    db.execute_unprepared(disable).await.unwrap();
    db.execute_unprepared(&format!("DELETE FROM audit_entries WHERE seq = {n}")).await.unwrap();
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert_eq!(verdict.broken.unwrap().seq, n as i64);
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::new().await;
    let staff = propwatch::db::accounts::user_by_username(&app.deps.db, "zhangkaidong").await.unwrap().unwrap();
    let su = propwatch::service::accounts::session_user(&app.deps.db, staff).await.unwrap().unwrap();
    let before = app.audit_entries().await.len();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let deps = app.deps.clone();
        let mut ctx = Ctx::system(deps.clock.now(), "test");
        ctx.actor = Some(su.actor.clone());
        ctx.actor_name = "张凯东".into();
        tasks.push(tokio::spawn(async move {
            let first17 = format!("91140522MA0T{:05}", 100 + i);
            let code = format!("{first17}{}", propwatch::domain::credit_code::check_character(&first17).unwrap());
            let draft =
                CompanyDraft { name: format!("并发测试物业{i}"), credit_code: code, ..Default::default() };
            companies::create_company(&deps, &ctx, draft).await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("each concurrent write succeeds");
    }
    let entries = app.audit_entries().await;
    assert_eq!(entries.len(), before + 24);
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=entries.len() as i64).collect::<Vec<_>>(), "no gaps, no two entries with one predecessor");
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert!(verdict.broken.is_none(), "{:?}", verdict.broken);
}

#[tokio::test]
async fn the_audit_page_names_each_action_in_chinese_beside_its_stored_string() {
    let app = TestApp::new().await;
    app.login_as(Role::BureauStaff).await;
    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get("/audit?action=auth.login").await;
    let cells = page.select("td[data-label=操作]");
    assert!(!cells.is_empty(), "no rows");
    for c in &cells {
        assert!(c.contains("登录") && c.contains("auth.login"), "{c}");
    }
}
