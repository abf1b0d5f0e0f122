//! Open311 GeoReport v2: every endpoint and error, in XML and JSON.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use propwatch::domain::role::Role;

use crate::helpers::{Resp, TestApp};

async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
        .unwrap();
    app.client().run(req).await
}

async fn get(app: &TestApp, path: &str) -> Resp {
    app.client().send(Method::GET, path, None, None).await
}

#[tokio::test]
async fn discovery_and_services_in_both_formats() {
    let app = TestApp::new().await;
    let d = get(&app, "/open311/discovery.json").await.json();
    assert_eq!(d["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert!(d["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"));
    let x = get(&app, "/open311/discovery.xml").await;
    assert!(x.headers["content-type"].to_str().unwrap().starts_with("text/xml"));
    assert!(x.body.contains("<discovery>") && x.body.contains("<format>application/json</format>"));

    let s = get(&app, "/open311/v2/services.json").await.json();
    let list = s.as_array().expect("a JSON array");
    assert_eq!(list.len(), 15, "the catalog's leaf items");
    let a11 = list.iter().find(|v| v["service_code"] == "A1.1").unwrap();
    assert_eq!(a11["metadata"], false);
    assert_eq!(a11["type"], "realtime");
    assert_eq!(a11["group"], "物业服务不履约不到位");
    let sx = get(&app, "/open311/v2/services.xml").await.body;
    assert!(sx.starts_with("<?xml") && sx.contains("<services><service><service_code>A1.1</service_code>"), "{sx}");

    let def = get(&app, "/open311/v2/services/B2.json").await.json();
    assert_eq!(def["service_code"], "B2");
    assert!(
        get(&app, "/open311/v2/services/B2.xml")
            .await
            .body
            .contains("<service_definition><service_code>B2</service_code>")
    );
    let missing = get(&app, "/open311/v2/services/ZZ9.json").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()[0]["code"], 404);
    let missing = get(&app, "/open311/v2/services/ZZ9.xml").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("<errors><error><code>404</code>"));
    assert_eq!(get(&app, "/open311/v2/services.txt").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_partner_posts_lists_and_follows_requests_without_identities() {
    let app = TestApp::new().await;
    let key = propwatch::service::open311::create_partner(&app.deps, "12345热线").await.unwrap();
    let other = propwatch::service::open311::create_partner(&app.deps, "某App").await.unwrap();

    // Errors: no key, a bad key, a missing field, no location.
    let r = post_form(&app, "/open311/v2/requests.json", &[("service_code", "A1.1"), ("description", "楼道无人保洁")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()[0]["code"], 403);
    let r = post_form(&app, "/open311/v2/requests.xml", &[("api_key", "nope"), ("service_code", "A1.1")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("<code>403</code>"));
    let r = post_form(
        &app,
        "/open311/v2/requests.json",
        &[("api_key", &key), ("description", "楼道无人保洁"), ("address_id", "YC-FC-001")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()[0]["description"].as_str().unwrap().contains("service_code"));
    let r = post_form(
        &app,
        "/open311/v2/requests.json",
        &[("api_key", &key), ("service_code", "A1.1"), ("description", "楼道无人保洁")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let fields = [
        ("api_key", key.as_str()),
        ("service_code", "A1.1"),
        ("description", "三号楼楼道一个月无人保洁"),
        ("address_id", "YC-FC-001"),
        ("first_name", "小红"),
        ("last_name", "赵"),
        ("phone", "13600001111"),
        ("email", "zhaoxh@example.com"),
        ("service_request_id", "12345-0001"),
    ];
    let r = post_form(&app, "/open311/v2/requests.json", &fields).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()[0]["service_request_id"].as_str().unwrap().to_string();
    // The partner's own id makes a re-post idempotent.
    let again = post_form(&app, "/open311/v2/requests.json", &fields).await;
    assert_eq!(again.json()[0]["service_request_id"], id.as_str());
    let x = post_form(
        &app,
        "/open311/v2/requests.xml",
        &[("api_key", &key), ("service_code", "B1"), ("description", "广场被出租摆摊"), ("address_string", "凤栖园")],
    )
    .await;
    assert_eq!(x.status, StatusCode::CREATED);
    assert!(x.body.contains("<service_requests><request><service_request_id>"));

    // Anyone with the id reads the public status; only the posting partner sees the description.
    let public = get(&app, &format!("/open311/v2/requests/{id}.json")).await.json();
    assert_eq!(public[0]["status"], "open");
    assert_eq!(public[0]["description"], "");
    assert_eq!(public[0]["address_id"], "YC-FC-001");
    assert!(public[0]["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
    let own = get(&app, &format!("/open311/v2/requests/{id}.json?api_key={key}")).await.json();
    assert_eq!(own[0]["description"], "三号楼楼道一个月无人保洁");
    assert!(
        get(&app, &format!("/open311/v2/requests/{id}.xml"))
            .await
            .body
            .contains(&format!("<service_request_id>{id}</service_request_id>"))
    );
    assert_eq!(get(&app, "/open311/v2/requests/AAAA-BBBB-CCCC-0.json").await.status, StatusCode::NOT_FOUND);
    let token = get(&app, &format!("/open311/v2/tokens/{id}.json")).await.json();
    assert_eq!(token[0]["service_request_id"], id.as_str());

    let mine = get(&app, &format!("/open311/v2/requests.json?api_key={key}")).await.json();
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let theirs = get(&app, &format!("/open311/v2/requests.json?api_key={other}")).await.json();
    assert_eq!(theirs.as_array().unwrap().len(), 0, "a partner lists only its own requests");
    assert_eq!(get(&app, "/open311/v2/requests.json").await.status, StatusCode::FORBIDDEN);
    let bad = get(&app, &format!("/open311/v2/requests.json?api_key={key}&start_date=yesterday")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let closed = get(&app, &format!("/open311/v2/requests.json?api_key={key}&status=closed")).await.json();
    assert_eq!(closed.as_array().unwrap().len(), 0);

    // Staff reject one; the partner's updates and statuses follow.
    let cid = propwatch::db::complaints::by_tracking_code(&app.deps.db, &id).await.unwrap().unwrap().id;
    let mut staff = app.login_as(Role::BureauStaff).await;
    staff.get(&format!("/inbox/{cid}")).await;
    staff.post(&format!("/inbox/{cid}/triage"), &[("decision", "reject"), ("answer", "经核实已于当日完成保洁")]).await;
    let closed = get(&app, &format!("/open311/v2/requests.json?api_key={key}&status=closed")).await.json();
    assert_eq!(closed[0]["status_notes"], "不予受理：经核实已于当日完成保洁");
    let updates = get(&app, &format!("/open311/v2/servicerequestupdates.json?api_key={key}")).await.json();
    assert!(updates.as_array().unwrap().iter().any(|u| u["service_request_id"] == id.as_str()
        && u["status"] == "closed"
        && u["description"].as_str().unwrap().contains("经核实已于当日完成保洁")));
    let ux = get(&app, &format!("/open311/v2/servicerequestupdates.xml?api_key={key}")).await.body;
    assert!(ux.contains("<service_request_updates><request_update>"));

    // No identity anywhere.
    for path in [
        format!("/open311/v2/requests.json?api_key={key}"),
        format!("/open311/v2/requests.xml?api_key={key}"),
        format!("/open311/v2/requests/{id}.json?api_key={key}"),
        format!("/open311/v2/servicerequestupdates.json?api_key={key}"),
    ] {
        let body = get(&app, &path).await.body;
        for secret in ["13600001111", "zhaoxh@example.com", "赵小红", "张凯东"] {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
    }
}

#[tokio::test]
async fn the_catalog_reads_in_the_words_of_the_bureaus_notice_everywhere() {
    let app = TestApp::new().await;
    let b1_element = "未征得相关业主、业主大会同意";
    let a41_receiver = "业主委员会(物业管理委员会)或者其指定的管理人";
    // Open311 services: the full text, then the legal basis.
    let s = get(&app, "/open311/v2/services.json").await.json();
    let list = s.as_array().unwrap();
    let desc = |code: &str| {
        list.iter().find(|v| v["service_code"] == code).unwrap()["description"].as_str().unwrap().to_string()
    };
    assert!(desc("B1").contains(b1_element) && desc("B1").contains("依据："), "{}", desc("B1"));
    assert!(desc("A4.1").contains("未在约定期限或者合理期限内") && desc("A4.1").contains(a41_receiver));
    assert!(get(&app, "/open311/v2/services.xml").await.body.contains(b1_element));
    // The JSON API names both the short name and the full text.
    let token = app.token(Role::BureauStaff).await;
    let api = app.client().send(Method::GET, "/api/v1/catalog", Some(&token), None).await.json();
    let b1 = api.as_array().unwrap().iter().find(|v| v["code"] == "B1").unwrap().clone();
    assert!(b1["description"].as_str().unwrap().contains(b1_element), "{b1}");
    assert!(!b1["title"].as_str().unwrap().is_empty());
    // The complaint form's help lists every item's full text.
    let form = get(&app, "/complaints/new").await;
    assert!(
        form.body.contains("各类问题的具体情形") && form.body.contains(b1_element) && form.body.contains(a41_receiver)
    );
    // The catalog page shows it beside the short name.
    let mut admin = app.login_as(Role::SystemAdmin).await;
    let page = admin.get("/catalog").await;
    assert!(page.select("td.catalog-text").iter().any(|t| t.contains(b1_element)));
}
