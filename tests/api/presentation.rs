//! What pages show beside the workflow: rates rounded (never cut off), a notice's contact line
//! prefilled with a name and a phone, and an expired contract flagged on a community's pages.

use axum::http::StatusCode;
use chrono::Duration;
use propwatch::domain::role::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use crate::cases::{community, today};
use crate::helpers::{Resp, TestApp};
use crate::timelines::{fact, set_contract_end};

/// The attribute of the first element matching a CSS selector.
fn attr(page: &Resp, selector: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    doc.select(&sel).next().and_then(|e| e.value().attr(name)).map(str::to_string)
}

/// Half up to one decimal, computed apart from the application's own function.
fn rounded(n: u64, d: u64) -> String {
    let tenths = (n * 2000 + d) / (2 * d);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

#[tokio::test]
async fn rates_are_rounded_half_up_to_one_decimal_where_they_are_shown() {
    let app = TestApp::new().await;
    propwatch::service::demo::seed_activity(&app.deps).await.unwrap();
    // The demo's closed survey of 凤城花园: 16 of 24 codes answered (66.67%), 14 of 16 satisfied.
    let fc = community(&app, "YC-FC-001").await;
    let page = app.client().get(&format!("/c/{}", fc.id)).await;
    let cells = page.select("table.satisfaction td");
    assert!(cells.iter().any(|t| t == "16/24户，66.7%"), "{cells:?}");
    assert!(cells.iter().any(|t| t.starts_with("87.5%")), "{cells:?}");
    assert!(!page.body.contains("66.6%"), "cut off instead of rounded");
    let mut staff = app.login_as(Role::BureauStaff).await;
    let closed = propwatch::db::entities::survey::Entity::find()
        .all(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.closes_on < today(&app))
        .unwrap();
    let results = staff.get(&format!("/surveys/{}", closed.id)).await;
    let row = results.select(&format!("tr[data-community=\"{}\"] td", fc.id));
    assert!(row.contains(&"66.7%".to_string()), "{row:?}");

    // Inspection coverage: each plan's share, with one decimal, rounded.
    let list = staff.get("/inspections").await;
    let due = list.select("table.plans td.due-n");
    let done = list.select("table.plans td.done-n");
    let rates = list.select("table.plans span.rate");
    assert!(!due.is_empty() && rates.len() == due.len(), "{rates:?}");
    for ((d, n), r) in due.iter().zip(&done).zip(&rates) {
        let (d, n): (u64, u64) = (d.parse().unwrap(), n.parse().unwrap());
        let want = if d == 0 { "—".to_string() } else { rounded(n, d) };
        assert_eq!(r, &want, "{n}/{d}");
    }
    for (n, d, want) in [(1, 15, "6.7%"), (2, 3, "66.7%"), (1, 3, "33.3%"), (3, 3, "100.0%")] {
        assert_eq!(rounded(n, d), want, "the test's own rounding");
    }
}

#[tokio::test]
async fn a_new_notice_names_its_issuer_with_a_phone_or_the_office_hotline() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let company = community(&app, "YC-FC-001").await.company_id.unwrap();
    let form = format!("/notices/new?company_id={company}");
    let page = staff.get(&form).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(attr(&page, "input[name=contact]", "value").as_deref(), Some("张凯东 13800000000"));
    // An account without a phone: the office hotline from the settings.
    let me = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::BureauStaff))
        .await
        .unwrap()
        .unwrap();
    let mut am = me.into_active_model();
    am.phone_sealed = Set(None);
    am.update(&app.deps.db).await.unwrap();
    let page = staff.get(&form).await;
    let want = format!("张凯东 {}", app.deps.settings.hotline);
    assert_eq!(attr(&page, "input[name=contact]", "value"), Some(want));
}

#[tokio::test]
async fn an_expired_contract_is_flagged_on_the_community_pages() {
    let app = TestApp::new().await;
    let fc = community(&app, "YC-FC-001").await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    // Ending today: still running.
    set_contract_end(&app, fc.id, Some(today(&app))).await;
    let staff_page = staff.get(&format!("/communities/{}", fc.id)).await;
    let public_page = app.client().get(&format!("/c/{}", fc.id)).await;
    for page in [&staff_page, &public_page] {
        assert!(fact(page, "合同期限").ends_with(&today(&app).to_string()), "{}", fact(page, "合同期限"));
        assert!(!page.body.contains("合同已到期"));
    }
    // Ended yesterday: flagged, with the date, for staff and for the public.
    let ended = today(&app) - Duration::days(1);
    set_contract_end(&app, fc.id, Some(ended)).await;
    let flag = format!("合同已到期（{ended}）");
    let staff_page = staff.get(&format!("/communities/{}", fc.id)).await;
    let public_page = app.client().get(&format!("/c/{}", fc.id)).await;
    for page in [&staff_page, &public_page] {
        assert!(fact(page, "合同期限").ends_with(&format!("至 {ended} {flag}")), "{}", fact(page, "合同期限"));
        assert_eq!(page.select(".contract-expired"), vec![flag.clone()], "a visible flag of its own");
    }
    // Today is the injected clock's: a day later a contract ending today has run out too.
    set_contract_end(&app, fc.id, Some(today(&app))).await;
    app.clock.advance(Duration::days(1));
    assert_eq!(app.client().get(&format!("/c/{}", fc.id)).await.select(".contract-expired").len(), 1);
    set_contract_end(&app, fc.id, None).await;
    assert!(app.client().get(&format!("/c/{}", fc.id)).await.select(".contract-expired").is_empty());
}
