//! The exit-and-handover API's contract (退出与移交, issue 16): who may call each route, how a
//! bad body is refused, and a short path from opening an exit to its public progress. The
//! whole walk (declare, confirm, sign, litigation, takeover) is in `exits.rs`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use propwatch::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp};

async fn community(app: &TestApp, code: &str) -> i64 {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap().id
}

async fn send(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
    app.client().send(method, path, token, body).await
}

/// An exit opened by bureau staff on 析城山庄 (served by 山西凤城物业, not the demo company
/// account's 安居物业), at the contract's registered end, handed to the owners' committee.
async fn open_exit(app: &TestApp, staff: &str) -> (i64, i64) {
    let c = community(app, "YC-FC-003").await;
    let r = send(
        app,
        Method::POST,
        "/api/v1/exits",
        Some(staff),
        Some(json!({"community_id": c, "reason": "expiry", "receiver_kind": "committee"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (c, r.json()["id"].as_i64().expect("id"))
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test]
async fn every_exit_route_but_the_public_one_asks_for_a_token() {
    let app = TestApp::new().await;
    let routes = [
        (Method::GET, "/api/v1/exits"),
        (Method::POST, "/api/v1/exits"),
        (Method::GET, "/api/v1/exits/choices"),
        (Method::GET, "/api/v1/exits/1"),
        (Method::POST, "/api/v1/exits/1/cancel"),
        (Method::POST, "/api/v1/exits/1/items/1/declare"),
        (Method::POST, "/api/v1/exits/1/items/1/confirm"),
        (Method::POST, "/api/v1/exits/1/sign"),
        (Method::GET, "/api/v1/exits/1/record.pdf"),
        (Method::GET, "/api/v1/exits/1/files/1"),
        (Method::GET, "/api/v1/exits/1/litigation"),
        (Method::POST, "/api/v1/exits/1/litigation"),
        (Method::GET, "/api/v1/communities/1/contracts"),
        (Method::POST, "/api/v1/communities/1/contracts"),
        (Method::POST, "/api/v1/contracts/1/takeover-inspection"),
    ];
    for (method, path) in routes {
        let body = (method == Method::POST).then(|| json!({}));
        let r = send(&app, method.clone(), path, None, body).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "unauthenticated", "{method} {path}");
    }
    // A wrong token is no token.
    let r = send(&app, Method::GET, "/api/v1/exits", Some("pw_not_a_token"), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The public route needs none, and says plainly (in JSON) when there is no exit.
    let c = community(&app, "YC-FC-003").await;
    let r = send(&app, Method::GET, &format!("/api/v1/communities/{c}/exit"), None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "not_found");
    assert!(has_chinese(r.json()["error"]["message"].as_str().unwrap()), "{}", r.body);
}

#[tokio::test]
async fn a_company_user_of_another_company_learns_nothing_of_the_exit() {
    let app = TestApp::new().await;
    let staff = app.token(Role::BureauStaff).await;
    let (_, id) = open_exit(&app, &staff).await;
    let anju = app.token(Role::CompanyUser).await;
    for path in [
        format!("/api/v1/exits/{id}"),
        format!("/api/v1/exits/{id}/litigation"),
        format!("/api/v1/exits/{id}/record.pdf"),
        format!("/api/v1/exits/{id}/files/1"),
    ] {
        let r = send(&app, Method::GET, &path, Some(&anju), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "not_found", "{path}");
    }
    let r = send(&app, Method::GET, "/api/v1/exits", Some(&anju), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!([]));
}

#[tokio::test]
async fn a_department_user_may_not_open_an_exit() {
    let app = TestApp::new().await;
    let zhifa = app.token(Role::DepartmentUser).await;
    let c = community(&app, "YC-FC-003").await;
    let r = send(
        &app,
        Method::POST,
        "/api/v1/exits",
        Some(&zhifa),
        Some(json!({"community_id": c, "reason": "expiry", "receiver_kind": "committee"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    assert!(app.last_audit("exit.open").await.is_none());
    // Nor the opening form's choices.
    let r = send(&app, Method::GET, "/api/v1/exits/choices", Some(&zhifa), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn a_malformed_body_is_refused_in_chinese() {
    let app = TestApp::new().await;
    let staff = app.token(Role::BureauStaff).await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/exits")
        .header(header::AUTHORIZATION, format!("Bearer {staff}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"community_id\": 3, \"reason\": "))
        .unwrap();
    let r = app.client().run(req).await;
    assert!(r.status.is_client_error(), "{}: {}", r.status, r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(has_chinese(&message), "{message}");

    // A date that is no date, on its field.
    let c = community(&app, "YC-FC-003").await;
    let r = send(
        &app,
        Method::POST,
        "/api/v1/exits",
        Some(&staff),
        Some(json!({"community_id": c, "reason": "expiry", "receiver_kind": "committee", "contract_ends_on": "明年"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(has_chinese(r.json()["error"]["message"].as_str().unwrap()), "{}", r.body);
    assert!(app.last_audit("exit.open").await.is_none());
}

#[tokio::test]
async fn an_unknown_reason_is_refused_on_its_field() {
    let app = TestApp::new().await;
    let staff = app.token(Role::BureauStaff).await;
    let c = community(&app, "YC-FC-003").await;
    let r = send(
        &app,
        Method::POST,
        "/api/v1/exits",
        Some(&staff),
        Some(json!({"community_id": c, "reason": "bored", "receiver_kind": "committee"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid_input");
    assert_eq!(r.json()["error"]["fields"]["reason"], "请选择退出原因");
    assert!(app.last_audit("exit.open").await.is_none());
}

#[tokio::test]
async fn staff_open_an_exit_and_the_public_sees_its_progress_without_names() {
    let app = TestApp::new().await;
    let staff = app.token(Role::BureauStaff).await;
    let (c, id) = open_exit(&app, &staff).await;
    let audit = app.last_audit("exit.open").await.expect("audited");
    assert_eq!(audit.object_id, id.to_string());

    // The exit: nine checklist items, all pending; real booleans and plain dates.
    let r = send(&app, Method::GET, &format!("/api/v1/exits/{id}"), Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["id"], id);
    assert_eq!(v["community_id"], c);
    assert_eq!(v["status"], "open");
    assert_eq!(v["reason"], "expiry");
    assert_eq!(v["receiver_kind"], "committee");
    assert_eq!(v["receiver_name"], "析城山庄业主委员会");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert!(items.iter().all(|i| i["state"] == "pending" && i["settled"] == false), "{items:?}");
    assert_eq!(v["total"], 9);
    assert_eq!(v["settled"], 0);
    assert_eq!(v["complete"], false);
    assert!(v["keeps_serving"].is_boolean() && v["overdue"].is_boolean() && v["has_record"].is_boolean());
    assert_eq!(v["may"]["manage"], true);
    assert_eq!(v["may"]["confirm"], false);
    assert_eq!(v["may"]["declare"], false);
    assert_eq!(v["may"]["sign"], json!([]));
    for field in ["opened_on", "contract_ends_on", "handover_deadline"] {
        let d = v[field].as_str().unwrap_or_else(|| panic!("{field}: {}", v[field]));
        assert!(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(), "{field}: {d}");
    }

    // In the list, and the community is gone from the opening form's choices.
    let r = send(&app, Method::GET, "/api/v1/exits", Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.json();
    let row = rows.as_array().unwrap().iter().find(|e| e["id"] == id).cloned().expect("listed");
    assert_eq!(row["total"], 9);
    assert!(row["overdue"].is_boolean());
    let r = send(&app, Method::GET, "/api/v1/exits/choices", Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.json()["communities"].as_array().unwrap().iter().any(|k| k[0] == c), "{}", r.body);

    // A second exit on the same community is refused by rule.
    let r = send(
        &app,
        Method::POST,
        "/api/v1/exits",
        Some(&staff),
        Some(json!({"community_id": c, "reason": "expiry", "receiver_kind": "committee"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "exit_open");

    // No steps yet; no record before the signatures.
    let r = send(&app, Method::GET, &format!("/api/v1/exits/{id}/litigation"), Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!([]));
    let r = send(&app, Method::GET, &format!("/api/v1/exits/{id}/record.pdf"), Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The public: progress and the companies, never a person.
    let r = send(&app, Method::GET, &format!("/api/v1/communities/{c}/exit"), None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = r.json();
    assert_eq!(p["company"], "山西凤城物业管理有限公司");
    assert_eq!(p["total"], 9);
    assert_eq!(p["settled"], 0);
    assert_eq!(p["items"].as_array().unwrap().len(), 9);
    assert!(p["handover_deadline"].as_str().is_some_and(|d| d.len() == 10), "{p}");
    for name in ["张凯东", "zhangkaidong", "李红梅", "receiver_name", "signer", "confirmer", "note"] {
        assert!(!r.body.contains(name), "public exit shows {name}: {}", r.body);
    }

    // The OpenAPI document still builds and lists the routes.
    let doc = send(&app, Method::GET, "/api/v1/openapi.json", None, None).await.json();
    for path in [
        "/api/v1/exits",
        "/api/v1/exits/{id}",
        "/api/v1/exits/{id}/items/{item_id}/confirm",
        "/api/v1/communities/{id}/exit",
        "/api/v1/contracts/{id}/takeover-inspection",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["paths"]["/api/v1/communities/{id}/exit"]["get"]["security"].is_null(), "public route");
}
