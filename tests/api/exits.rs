//! Exit and handover (退出与移交, 民法典第949条、第950条, 物业管理条例第29条) over the JSON API: a
//! dismissal walked from the leader's track to the new company in force — the checklist
//! confirmed item by item by the committee (never by the leaving company), the revenue balance
//! taken from the ledger, the scanner's A4 case past the deadline, litigation on the exit, the
//! three signatures and the handover record; an expiry with its deadline counted by law, the
//! leaving company still answering cases, the public's view, withdrawal; and who may see and do
//! what.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Duration, NaiveDate};
use propwatch::db::entities::{case_item, escalation_proposal, notification, revenue_entry};
use propwatch::domain::role::{Role, Scope};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Resp, TestApp, username};

fn today(app: &TestApp) -> NaiveDate {
    propwatch::clock::today(app.deps.clock.now())
}

fn now(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    propwatch::clock::Clock::now(&*app.clock)
}

async fn community(app: &TestApp, code: &str) -> propwatch::db::entities::community::Model {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap()
}

async fn company_id(app: &TestApp, name: &str) -> i64 {
    propwatch::db::companies::all_companies(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("demo company {name}"))
        .id
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    propwatch::db::accounts::user_by_username(&app.deps.db, name).await.unwrap().unwrap().id
}

async fn send(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
    app.client().send(method, path, token, body).await
}

/// GET that must answer 200 with JSON.
async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let r = send(app, Method::GET, path, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
    r.json()
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> Resp {
    send(app, Method::POST, path, Some(token), Some(body)).await
}

/// A multipart POST with a bearer token: text fields, then files (field, file name, bytes).
async fn multipart(
    app: &TestApp,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
) -> Resp {
    let boundary = "----exitsboundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.client().run(req).await
}

/// A bearer token for any account with the demo password.
async fn token_of(app: &TestApp, name: &str) -> String {
    let r = send(app, Method::POST, "/api/v1/auth/token", None, Some(json!({"username": name, "password": PASSWORD})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

/// An extra account with the demo password (the demo has one account per role only).
async fn account(app: &TestApp, name: &str, display: &str, role: Role, scope: Scope) -> String {
    propwatch::db::accounts::insert_user(
        &app.deps.db,
        propwatch::db::accounts::NewUser {
            username: name.into(),
            display_name: display.into(),
            phone_sealed: None,
            email_sealed: None,
            password_hash: propwatch::service::accounts::hash_password(PASSWORD).unwrap(),
            role,
            scope,
            must_change_password: false,
            now: now(app),
        },
    )
    .await
    .unwrap();
    token_of(app, name).await
}

async fn view(app: &TestApp, id: i64, token: &str) -> Value {
    get_json(app, &format!("/api/v1/exits/{id}"), token).await
}

/// The id of the checklist item with this code.
fn item_id(v: &Value, code: &str) -> i64 {
    item(v, code)["id"].as_i64().unwrap()
}

fn item<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["items"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap_or_else(|| panic!("item {code}: {v}"))
}

async fn confirm(app: &TestApp, token: &str, exit: i64, item: i64, fields: &[(&str, &str)]) -> Resp {
    multipart(app, token, &format!("/api/v1/exits/{exit}/items/{item}/confirm"), fields, &[]).await
}

async fn sign(app: &TestApp, token: &str, exit: i64, party: &str) -> Resp {
    post(app, &format!("/api/v1/exits/{exit}/sign"), token, json!({"party": party})).await
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"].as_str().unwrap_or_default().to_string()
}

fn field_error(r: &Resp, field: &str) -> String {
    r.json()["error"]["fields"][field].as_str().unwrap_or_default().to_string()
}

fn with_paper_figures<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = fields.to_vec();
    v.extend([
        ("basis", "paper"),
        ("total_area", "10000"),
        ("total_owners", "100"),
        ("yes_area", "6000"),
        ("yes_owners", "60"),
        ("no_area", "2000"),
        ("no_owners", "20"),
        ("abstain_area", "1000"),
        ("abstain_owners", "10"),
    ]);
    v
}

/// The registry's PUT of a community with a new `contract_end`, its other terms as they are: the
/// route that keeps the community's contract periods in step with its registration.
async fn register_terms(app: &TestApp, token: &str, community_id: i64, contract_end: NaiveDate) {
    let c = get_json(app, &format!("/api/v1/communities/{community_id}"), token).await;
    let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    let end = contract_end.to_string();
    let draft = json!({
        "code": s("code"), "name": s("name"), "address": s("address"),
        "township_id": c["township_id"], "company_id": c["company_id"],
        "contract_start": s("contract_start"), "contract_end": end,
        "service_grade": s("service_grade"), "fee_yuan": s("fee_yuan"),
        "building_area_m2": s("building_area_m2"),
        "unit_count": c["unit_count"].as_i64().map(|n| n.to_string()).unwrap_or_default(),
        "committee": c["committee"],
    });
    let r = send(app, Method::PUT, &format!("/api/v1/communities/{community_id}"), Some(token), Some(draft)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// The ledger's balance computed from its rows: income less spending, a reversal undoing its
/// original.
async fn ledger_balance_fen(app: &TestApp, community_id: i64) -> i64 {
    revenue_entry::Entity::find()
        .filter(revenue_entry::Column::CommunityId.eq(community_id))
        .all(&app.deps.db)
        .await
        .unwrap()
        .iter()
        .map(|e| {
            let sign = if e.reverses_id.is_some() { -1 } else { 1 };
            let income = matches!(e.category.as_str(), "elevator_ads" | "parking" | "venue_rental" | "other_income");
            sign * if income { e.amount_fen } else { -e.amount_fen }
        })
        .sum()
}

fn yuan(fen: i64) -> String {
    format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.abs() / 100, fen.abs() % 100)
}

async fn audit_count(app: &TestApp, action: &str, object_id: i64) -> usize {
    app.audit_entries().await.iter().filter(|e| e.action == action && e.object_id == object_id.to_string()).count()
}

#[tokio::test]
async fn dismissal_to_new_contract() {
    // The walk spans the notice period and the handover deadline: tokens that outlive it.
    let app = TestApp::with_settings(|s| {
        s.public_rate_per_minute = 0;
        s.api_token_hours = 24 * 365;
    })
    .await;
    let fc = community(&app, "YC-FC-001").await;
    let leaving = fc.company_id.unwrap();
    let incoming = company_id(&app, "山西凤城物业管理有限公司").await;
    assert_ne!(leaving, incoming);
    let staff = app.token(Role::BureauStaff).await;
    let company = app.token(Role::CompanyUser).await;
    let committee = app.token(Role::CommitteeMember).await;
    let township = app.token(Role::TownshipOfficer).await;
    let d0 = today(&app);
    let day = d0.to_string();
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();

    // The company's public-revenue ledger: two incomes, a transfer to the maintenance fund, an
    // income entered twice and reversed: 18000.00 + 6420.50 − 10000.00 = 14420.50.
    let mut keeper = app.login_as(Role::CompanyUser).await;
    let ledger = format!("/communities/{}/revenue", fc.id);
    keeper.get(&ledger).await;
    for (category, amount, basis) in [
        ("elevator_ads", "18000.00", ""),
        ("parking", "6420.50", ""),
        ("to_maintenance_fund", "10000.00", "业主大会决议：公共收益的50%转入专项维修资金"),
        ("venue_rental", "2400.00", ""),
    ] {
        let r = keeper
            .post(
                &ledger,
                &[
                    ("category", category),
                    ("amount", amount),
                    ("occurred_on", &day),
                    ("counterparty", "阳城某传媒有限公司"),
                    ("resolution_ref", "2024年第一次业主大会决议"),
                    ("basis", basis),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{category}: {}", r.body);
    }
    let dup = revenue_entry::Entity::find()
        .filter(revenue_entry::Column::CommunityId.eq(fc.id))
        .filter(revenue_entry::Column::Category.eq("venue_rental"))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let r = keeper.post(&ledger, &[("reverse", &dup.id.to_string()), ("reason", "重复录入")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let balance = ledger_balance_fen(&app, fc.id).await;
    assert_eq!(yuan(balance), "14420.50", "the ledger as entered");

    // The dismissal track: a leader opens it, the township records the assembly (paper figures).
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get(&format!("/communities/{}", fc.id)).await;
    let r = leader
        .post(
            &format!("/communities/{}/dismissals", fc.id),
            &[("reasons", "整改通知书下发后逾期拒不整改，业主联名要求更换物业"), ("notice_days", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let track_path = r.location();
    let track_id: i64 = track_path.trim_start_matches("/dismissals/").parse().unwrap();
    let steps = format!("{track_path}/steps");
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    officer.get(&track_path).await;
    let r = officer.post(&steps, &[("step", "assembly_called"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = officer
        .post(
            &steps,
            &with_paper_figures(&[("step", "assembly_dismissed"), ("on", &day), ("note", "经业主大会表决通过解聘")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // No exit before the written notice: the track is refused on its field.
    let open_body = json!({"community_id": fc.id, "reason": "dismissal", "track_id": track_id,
                           "receiver_kind": "committee"});
    let r = post(&app, "/api/v1/exits", &staff, open_body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!field_error(&r, "track_id").is_empty(), "{}", r.body);

    let mut staff_page = app.login_as(Role::BureauStaff).await;
    staff_page.get(&track_path).await;
    let r = staff_page.post(&steps, &[("step", "notice_served"), ("on", &day), ("note", "已书面通知企业")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let track = propwatch::db::dismissals::track(&app.deps.db, track_id).await.unwrap().unwrap();
    let ends = track.contract_ends_on.expect("the notice sets the contract's end");
    assert_eq!(ends, propwatch::domain::dismissal::contract_ends_on(d0, 60, &cal));
    // The registry records the contract's new end; the contract period in force takes it (the
    // demo's communities are seeded without their periods: this puts the current one on record).
    register_terms(&app, &staff, fc.id, ends).await;
    let contracts = get_json(&app, &format!("/api/v1/communities/{}/contracts", fc.id), &staff).await;
    let old: Vec<&Value> = contracts.as_array().unwrap().iter().filter(|k| k["status"] == "in_force").collect();
    assert_eq!(old.len(), 1, "{contracts}");
    assert_eq!((old[0]["company_id"].clone(), old[0]["ends_on"].clone()), (json!(leaving), json!(ends)));
    let old_contract = old[0]["id"].as_i64().unwrap();

    // Staff opens the exit; the leaving company or the committee may not.
    for token in [&company, &committee] {
        let r = post(&app, "/api/v1/exits", token, open_body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    let r = post(&app, "/api/v1/exits", &staff, open_body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // The takeover inspection belongs to the incoming company, never to the leaving one's contract.
    let r = post(
        &app,
        &format!("/api/v1/contracts/{old_contract}/takeover-inspection"),
        &staff,
        json!({"on": today(&app), "findings": "原企业合同不应承接查验"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("新进入的企业"), "{}", r.body);
    let v = view(&app, id, &staff).await;
    let deadline = propwatch::domain::exit::handover_deadline(ends, 30, &cal);
    assert_eq!(v["status"], "open");
    assert_eq!(v["reason"], "dismissal");
    assert_eq!(v["track_id"], json!(track_id));
    assert_eq!(v["company_id"], json!(leaving));
    assert_eq!(v["receiver_kind"], "committee");
    assert_eq!(v["receiver_name"], "凤城花园业主委员会");
    assert_eq!(v["notice_on"], json!(d0), "the notice's day from the track");
    assert_eq!(v["contract_ends_on"], json!(ends), "the contract's end from the track");
    assert_eq!(v["handover_deadline"], json!(deadline));
    assert!(deadline >= ends + Duration::days(30) && cal.is_working_day(deadline));
    assert_eq!(v["keeps_serving"], true);
    assert_eq!(v["overdue"], false);
    assert_eq!((v["settled"].as_u64(), v["total"].as_u64()), (Some(0), Some(9)));
    let opened = app.last_audit("exit.open").await.expect("exit.open audited");
    assert_eq!(opened.object_id, id.to_string());
    let told = notification::Entity::find()
        .filter(notification::Column::CompanyId.eq(leaving))
        .filter(notification::Column::Kind.eq("exit"))
        .count(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(told, 1, "the leaving company is told once");

    // The incoming company's contract, registered while the exit is open, waits for the takeover.
    let starts = ends + Duration::days(1);
    let r = post(
        &app,
        &format!("/api/v1/communities/{}/contracts", fc.id),
        &staff,
        json!({"company_id": incoming, "starts_on": starts, "ends_on": starts + Duration::days(3 * 365),
               "service_grade": "二级", "fee": "1.50"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let new_contract = r.json()["id"].as_i64().unwrap();
    let contracts = get_json(&app, &format!("/api/v1/communities/{}/contracts", fc.id), &staff).await;
    let k = contracts.as_array().unwrap().iter().find(|k| k["id"] == new_contract).unwrap();
    assert_eq!((k["status"].as_str(), k["fee"].as_str()), (Some("registered"), Some("1.50")), "{k}");
    assert_eq!(k["exit_id"], json!(id));
    assert_eq!(community(&app, "YC-FC-001").await.company_id, Some(leaving), "第950条: the company still serves");

    // The leaving company declares the premises with evidence; it can never confirm receipt.
    let premises = item_id(&v, "premises");
    let evidence = b"%PDF-1.4\n% handover receipt\n".to_vec();
    let r = multipart(
        &app,
        &company,
        &format!("/api/v1/exits/{id}/items/{premises}/declare"),
        &[("note", "物业服务用房钥匙已于今日交业委会")],
        &[("files", "交接单.pdf", evidence.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = confirm(&app, &company, id, premises, &[("state", "handed_over"), ("on", &day), ("area", "86.50")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let v = view(&app, id, &committee).await;
    assert_eq!(item(&v, "premises")["state"], "pending", "a declaration changes nothing");
    assert_eq!(item(&v, "premises")["declared_note"], "物业服务用房钥匙已于今日交业委会");
    let file = &item(&v, "premises")["files"][0];
    assert_eq!(file["party"], "移交方");
    let r = send(&app, Method::GET, &format!("/api/v1/exits/{id}/files/{}", file["id"]), Some(&committee), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_bytes(), &evidence[..], "the evidence as uploaded");
    assert_eq!(v["may"]["confirm"], true);
    assert_eq!(item(&v, "revenue")["ledger_balance"], yuan(balance), "the ledger's balance before confirmation");

    // The committee confirms: the premises need their area; the revenue item takes the ledger's
    // balance; the drawings are refused (a note says how).
    let r = confirm(&app, &committee, id, premises, &[("state", "handed_over"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!field_error(&r, "area").is_empty(), "{}", r.body);
    let r = confirm(&app, &committee, id, premises, &[("state", "handed_over"), ("on", &day), ("area", "86.5")]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    for code in ["facilities", "revenue"] {
        let r = confirm(&app, &committee, id, item_id(&v, code), &[("state", "handed_over"), ("on", &day)]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{code}: {}", r.body);
    }
    let drawings = item_id(&v, "drawings");
    let r = confirm(&app, &committee, id, drawings, &[("state", "refused"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!field_error(&r, "note").is_empty(), "{}", r.body);
    let r = confirm(
        &app,
        &committee,
        id,
        drawings,
        &[("state", "refused"), ("on", &day), ("note", "企业称图纸已遗失，拒绝交出竣工图")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let v = view(&app, id, &staff).await;
    assert_eq!(item(&v, "premises")["area"], "86.50");
    assert_eq!(item(&v, "premises")["confirmer"], "凤城花园业委会");
    assert_eq!(item(&v, "revenue")["amount"], yuan(balance), "the revenue balance from the ledger");
    assert_eq!(item(&v, "drawings")["state"], "refused");
    assert_eq!(v["settled"], 3);
    assert_eq!(audit_count(&app, "exit.confirm", id).await, 4);
    // The amount is frozen at the confirmation: a later entry leaves it as it was.
    let r = keeper
        .post(
            &ledger,
            &[("category", "other_income"), ("amount", "100.00"), ("occurred_on", &day), ("counterparty", "快递柜")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(item(&view(&app, id, &staff).await, "revenue")["amount"], yuan(balance));

    // Nobody signs while items are withheld; the refusal names them.
    let r = sign(&app, &committee, id, "receiver").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let m = message(&r);
    assert!(m.contains("竣工总平面图") && m.contains("拒不移交") && m.contains("业主名册"), "{m}");
    assert!(!m.contains("物业服务用房"), "a settled item is not withheld: {m}");
    // Litigation only once the deadline has passed.
    let lit = format!("/api/v1/exits/{id}/litigation");
    let r = multipart(&app, &staff, &lit, &[("kind", "guidance"), ("on", &day), ("note", "指导业委会起诉")], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // The scanner: nothing on the deadline's own day; the day after, one A4 case.
    app.clock.advance(Duration::days((deadline - today(&app)).num_days()));
    assert_eq!(today(&app), deadline);
    let tick = propwatch::jobs::scanner::run_once(&app.deps, now(&app)).await.unwrap();
    assert_eq!(tick.exits_overdue, 0, "the deadline's day is still within the period");
    app.clock.advance(Duration::days(1));
    let tick = propwatch::jobs::scanner::run_once(&app.deps, now(&app)).await.unwrap();
    assert_eq!(tick.exits_overdue, 1);
    let v = view(&app, id, &staff).await;
    assert_eq!(v["overdue"], true);
    assert_eq!(v["stage_label"], "逾期未完成移交");
    let case_id = v["case_id"].as_i64().expect("the exit names its case");
    let case = get_json(&app, &format!("/api/v1/cases/{case_id}"), &staff).await;
    assert_eq!(case["row"]["company_id"], json!(leaving), "the case names the leaving company");
    assert_eq!(case["row"]["community_id"], json!(fc.id));
    let codes: Vec<String> = propwatch::db::cases::items(&app.deps.db, case_id).await.unwrap().into_iter().collect();
    assert_eq!(codes, ["A4.1", "A4.2"], "A4.2 because an item was refused");
    let proposals = escalation_proposal::Entity::find()
        .filter(escalation_proposal::Column::CaseId.eq(case_id))
        .all(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(proposals.len(), 1);
    assert_eq!((proposals[0].reason.as_str(), proposals[0].status.as_str()), ("handover_withheld", "pending"));
    assert_eq!(case["pending_escalations"].as_array().unwrap().len(), 1);
    let leader_id = user_id(&app, username(Role::BureauLeader)).await;
    let told = notification::Entity::find()
        .filter(notification::Column::Kind.eq("exit_overdue"))
        .filter(notification::Column::UserId.eq(leader_id))
        .all(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(told.len(), 1, "the leader is told");
    assert_eq!(told[0].case_id, Some(case_id));
    let overdue = app.last_audit("exit.overdue").await.expect("exit.overdue audited");
    assert_eq!(overdue.object_id, id.to_string());
    // A second tick opens nothing more.
    let tick = propwatch::jobs::scanner::run_once(&app.deps, now(&app)).await.unwrap();
    assert_eq!(tick.exits_overdue, 0);
    let a4 =
        case_item::Entity::find().filter(case_item::Column::CatalogCode.eq("A4.1")).count(&app.deps.db).await.unwrap();
    assert_eq!(a4, 1, "one case, once");
    assert_eq!(audit_count(&app, "exit.overdue", id).await, 1);
    assert_eq!(view(&app, id, &staff).await["case_id"], json!(case_id));

    // Staff records the litigation rung on the exit; it reaches the case's timeline.
    let day = today(&app).to_string();
    let r =
        multipart(&app, &staff, &lit, &[("kind", "guidance"), ("on", &day), ("note", "已指导业委会委托律师起诉")], &[])
            .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let steps = get_json(&app, &lit, &staff).await;
    assert_eq!(steps.as_array().unwrap().len(), 1, "{steps}");
    assert_eq!(steps[0]["label"], "引导业主委员会提起诉讼");
    assert_eq!(steps[0]["on"], json!(today(&app)));
    assert!(app.last_audit("litigation.guidance").await.is_some());
    let case = send(&app, Method::GET, &format!("/api/v1/cases/{case_id}"), Some(&staff), None).await;
    assert!(case.body.contains("引导业主委员会提起诉讼"), "the case's timeline: {}", case.body);
    // The litigation file is case content: the leaving company and the committee read the exit,
    // not the bureau's steps.
    for token in [&company, &committee] {
        assert_eq!(get_json(&app, &lit, token).await, json!([]));
    }

    // The committee confirms the rest: handed over, or not applicable with the reason.
    let r = confirm(&app, &committee, id, item_id(&v, "prepaid"), &[("state", "not_applicable"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed");
    assert!(!field_error(&r, "note").is_empty(), "{}", r.body);
    let r = confirm(
        &app,
        &committee,
        id,
        item_id(&v, "prepaid"),
        &[("state", "not_applicable"), ("on", &day), ("note", "合同约定按月收取，无预收款项和押金")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    for code in ["drawings", "equipment_records", "warranty", "roster", "other_records"] {
        let r = confirm(&app, &committee, id, item_id(&v, code), &[("state", "handed_over"), ("on", &day)]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{code}: {}", r.body);
    }
    let v = view(&app, id, &committee).await;
    assert_eq!(v["complete"], true);
    assert_eq!(v["withheld"], json!([]));
    assert_eq!((v["settled"].as_u64(), v["total"].as_u64()), (Some(9), Some(9)));
    assert_eq!(v["stage_label"], "资料已移交，待三方签署移交清单");
    assert_eq!(v["may"]["sign"], json!(["receiver"]));

    // The three signatures: each party once, each by its own side.
    let r = sign(&app, &company, id, "leaving").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = sign(&app, &company, id, "leaving").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a second signature by the same party: {}", r.body);
    assert!(message(&r).contains("已签署"), "{}", r.body);
    let r = sign(&app, &staff, id, "witness").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the bureau is no witness: {}", r.body);
    let r = sign(&app, &township, id, "receiver").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the committee receives here: {}", r.body);
    let r = sign(&app, &committee, id, "receiver").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(view(&app, id, &staff).await["status"], "open", "two signatures of three");
    assert!(app.last_audit("exit.complete").await.is_none());
    let r = sign(&app, &township, id, "witness").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = sign(&app, &township, id, "witness").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let v = view(&app, id, &staff).await;
    assert_eq!(v["status"], "completed");
    assert_eq!(v["completed_on"], json!(today(&app)));
    let number = v["record_number"].as_str().unwrap();
    assert!(number.starts_with("阳住建物交〔") && number.ends_with("号"), "{number}");
    assert_eq!(v["has_record"], true);
    assert_eq!(v["keeps_serving"], false);
    let parties: Vec<&str> = v["signatures"].as_array().unwrap().iter().map(|s| s["party"].as_str().unwrap()).collect();
    assert_eq!(parties.len(), 3);
    for p in ["leaving", "receiver", "witness"] {
        assert!(parties.contains(&p), "{p}: {parties:?}");
    }
    let pdf = send(&app, Method::GET, &format!("/api/v1/exits/{id}/record.pdf"), Some(&committee), None).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let r = confirm(&app, &committee, id, premises, &[("state", "handed_over"), ("on", &day), ("area", "90")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a completed exit is closed: {}", r.body);

    // The takeover: the new contract in force, the old one ended, the community the new company's.
    let contracts = get_json(&app, &format!("/api/v1/communities/{}/contracts", fc.id), &staff).await;
    let by_id = |id: i64| contracts.as_array().unwrap().iter().find(|k| k["id"] == id).unwrap().clone();
    let new = by_id(new_contract);
    assert_eq!(new["status"], "in_force", "{new}");
    assert_eq!(new["in_force_on"], json!(today(&app)));
    let old = by_id(old_contract);
    assert_eq!(old["status"], "ended", "{old}");
    assert_eq!(old["ended_on"], json!(today(&app)));
    let c = get_json(&app, &format!("/api/v1/communities/{}", fc.id), &staff).await;
    assert_eq!(c["company_id"], json!(incoming));
    assert_eq!(c["contract_start"], json!(starts));
    assert_eq!(community(&app, "YC-FC-001").await.company_id, Some(incoming));
    // The public sees the handover completed and the new company.
    let public = send(&app, Method::GET, &format!("/api/v1/communities/{}/exit", fc.id), None, None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let p = public.json();
    assert_eq!(
        (p["stage_label"].as_str(), p["incoming_company"].as_str()),
        (Some("交接完成"), Some("山西凤城物业管理有限公司"))
    );

    // The takeover inspection (承接查验), with its findings.
    let takeover = format!("/api/v1/contracts/{new_contract}/takeover-inspection");
    let r = post(&app, &takeover, &staff, json!({"on": today(&app), "findings": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let findings = "消防泵房水泵一台损坏，2号楼电梯年检过期，已列入整改清单";
    let r = post(&app, &takeover, &staff, json!({"on": today(&app), "findings": findings})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let contracts = get_json(&app, &format!("/api/v1/communities/{}/contracts", fc.id), &staff).await;
    let new = contracts.as_array().unwrap().iter().find(|k| k["id"] == new_contract).unwrap();
    assert_eq!(
        (new["takeover_findings"].as_str(), new["takeover_inspected_on"].clone()),
        (Some(findings), json!(today(&app)))
    );

    // The audit trail.
    for action in ["exit.open", "exit.declare", "exit.overdue", "exit.complete"] {
        assert_eq!(audit_count(&app, action, id).await, 1, "{action}");
    }
    assert_eq!(audit_count(&app, "exit.confirm", id).await, 10);
    assert_eq!(audit_count(&app, "exit.sign", id).await, 3);
    assert_eq!(audit_count(&app, "contract.register", new_contract).await, 1);
    assert_eq!(audit_count(&app, "contract.in_force", new_contract).await, 1);
    assert_eq!(audit_count(&app, "contract.takeover_inspection", new_contract).await, 1);
}

#[tokio::test]
async fn expiry_without_dismissal() {
    let app = TestApp::new().await;
    let fc2 = community(&app, "YC-FC-002").await;
    let leaving = fc2.company_id.unwrap();
    let staff = app.token(Role::BureauStaff).await;
    let township = app.token(Role::TownshipOfficer).await;
    let company = app.token(Role::CompanyUser).await;
    let d0 = today(&app);
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();

    // The contract ended a few days ago, on a day whose 30th day after is a rest day.
    let end = (1..=14)
        .map(|k| d0 - Duration::days(k))
        .find(|e| !cal.is_working_day(*e + Duration::days(30)))
        .expect("a rest day within two weeks");
    register_terms(&app, &staff, fc2.id, end).await;
    // Counted by hand: the 30th day after the end, moved on past rest days and holidays.
    let mut deadline = end + Duration::days(30);
    while !cal.is_working_day(deadline) {
        deadline += Duration::days(1);
    }
    assert!(deadline > end + Duration::days(30), "the rest day moves the deadline on");
    assert_eq!(propwatch::domain::exit::handover_deadline(end, 30, &cal), deadline);

    // Expiry: no track needed, the end defaults to the community's registered contract end.
    let r = post(&app, "/api/v1/exits", &staff, json!({"community_id": fc2.id, "reason": "expiry"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!field_error(&r, "receiver_kind").is_empty(), "{}", r.body);
    let open = json!({"community_id": fc2.id, "reason": "expiry", "receiver_kind": "committee"});
    let r = post(&app, "/api/v1/exits", &staff, open.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let v = view(&app, id, &staff).await;
    assert_eq!((v["reason"].as_str(), v["track_id"].clone()), (Some("expiry"), Value::Null));
    assert_eq!(v["contract_ends_on"], json!(end));
    assert_eq!(v["deadline_days"], 30);
    assert_eq!(v["handover_deadline"], json!(deadline));
    assert_eq!(v["stage_label"], "合同已终止，交接完成前继续服务（民法典第950条）");
    assert_eq!((v["keeps_serving"].as_bool(), v["overdue"].as_bool()), (Some(true), Some(false)));

    // A second open exit of the community is refused.
    let r = post(&app, "/api/v1/exits", &township, open.clone()).await;
    assert!(matches!(r.status, StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY), "{}: {}", r.status, r.body);
    assert_eq!(r.json()["error"]["code"], "exit_open");

    // An incoming company is registered meanwhile; the community is still the leaving company's,
    // and a case opened now goes to it (第950条).
    let incoming = company_id(&app, "阳城县嘉和物业服务有限公司").await;
    let r = post(
        &app,
        &format!("/api/v1/communities/{}/contracts", fc2.id),
        &staff,
        json!({"company_id": incoming, "starts_on": end + Duration::days(1)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let contract = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        &format!("/api/v1/communities/{}/contracts", fc2.id),
        &staff,
        json!({"company_id": leaving, "starts_on": d0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the leaving company is not the incoming one");
    assert!(!field_error(&r, "company_id").is_empty(), "{}", r.body);
    let mut staff_page = app.login_as(Role::BureauStaff).await;
    let problem = accepted_problem(&app, &mut staff_page, &fc2, "交接期间小区垃圾无人清运，楼道堆满杂物").await;
    let case_id = crate::cases::filed_case(&app, &mut staff_page, problem, d0 + Duration::days(10)).await;
    let case = get_json(&app, &format!("/api/v1/cases/{case_id}"), &staff).await;
    assert_eq!(case["row"]["company_id"], json!(leaving), "the leaving company still answers: {case}");
    assert_ne!(case["row"]["company_id"], json!(incoming));
    let contracts = get_json(&app, &format!("/api/v1/communities/{}/contracts", fc2.id), &staff).await;
    let k = contracts.as_array().unwrap().iter().find(|k| k["id"] == contract).unwrap();
    assert_eq!(k["status"], "registered");

    // The receiver: no committee account here, so the township confirms; the company declares.
    let facilities = item_id(&v, "facilities");
    let declared = "门禁卡四十张、机房钥匙已交乡镇";
    let r = multipart(
        &app,
        &company,
        &format!("/api/v1/exits/{id}/items/{facilities}/declare"),
        &[("note", declared)],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let note = "经王主任现场清点，门禁卡与钥匙数量相符";
    let r =
        confirm(&app, &township, id, facilities, &[("state", "handed_over"), ("on", &d0.to_string()), ("note", note)])
            .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let v = view(&app, id, &staff).await;
    assert_eq!(item(&v, "facilities")["confirmer"], "凤城镇工作人员");

    // The public sees the stage and the items, never a person.
    let path = format!("/api/v1/communities/{}/exit", fc2.id);
    let public = send(&app, Method::GET, &path, None, None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let p = public.json();
    assert_eq!(p["stage_label"], "合同已终止，交接完成前继续服务（民法典第950条）");
    assert_eq!(p["company"], "阳城县安居物业服务有限公司");
    assert_eq!(p["handover_deadline"], json!(deadline));
    assert_eq!((p["settled"].as_u64(), p["total"].as_u64()), (Some(1), Some(9)));
    let items = p["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert!(items.contains(&json!(["共用设施设备及钥匙、门禁卡", "已移交"])), "{items:?}");
    assert!(items.contains(&json!(["物业服务用房", "待移交"])), "{items:?}");
    for secret in ["凤城镇工作人员", "张凯东", "王主任", declared, note, "confirmer", "signer", "13800000000"]
    {
        assert!(!public.body.contains(secret), "the public sees {secret}: {}", public.body);
    }
    let other = community(&app, "YC-FC-003").await;
    let r = send(&app, Method::GET, &format!("/api/v1/communities/{}/exit", other.id), None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no exit there: {}", r.body);

    // Withdrawn with a reason; then closed to changes and gone from the public page.
    let cancel = format!("/api/v1/exits/{id}/cancel");
    let r = post(&app, &cancel, &company, json!({"reason": "企业申请撤销"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = post(&app, &cancel, &staff, json!({"reason": " "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!field_error(&r, "reason").is_empty(), "{}", r.body);
    let reason = "业主大会决定续聘原企业，已续签合同";
    let r = post(&app, &cancel, &staff, json!({"reason": reason})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let v = view(&app, id, &staff).await;
    assert_eq!((v["status"].as_str(), v["cancel_reason"].as_str()), (Some("cancelled"), Some(reason)));
    let cancelled = app.last_audit("exit.cancel").await.expect("exit.cancel audited");
    assert_eq!(cancelled.object_id, id.to_string());
    let r = confirm(
        &app,
        &township,
        id,
        item_id(&v, "premises"),
        &[("state", "handed_over"), ("on", &d0.to_string()), ("area", "50")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a withdrawn exit is closed: {}", r.body);
    let r = post(&app, &cancel, &staff, json!({"reason": reason})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "withdrawn once: {}", r.body);
    let r = send(&app, Method::GET, &path, None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a withdrawn exit is not shown: {}", r.body);

    // A new exit may be opened; an end given explicitly is counted the same way: 2026-09-01 + 30
    // days is 10月1日, 国庆 runs to the 7th, so the deadline is 2026-10-08.
    let r = post(
        &app,
        "/api/v1/exits",
        &township,
        json!({"community_id": fc2.id, "reason": "expiry", "receiver_kind": "committee",
               "contract_ends_on": "2026-09-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let second = r.json()["id"].as_i64().unwrap();
    assert_ne!(second, id);
    let v = view(&app, second, &staff).await;
    assert_eq!(
        (v["contract_ends_on"].as_str(), v["handover_deadline"].as_str()),
        (Some("2026-09-01"), Some("2026-10-08"))
    );
    assert_eq!(v["status"], "open");
    assert_eq!(v["settled"], 0, "a fresh checklist");
    let p = get_public(&app, &path).await;
    assert_eq!((p["handover_deadline"].as_str(), p["settled"].as_u64()), (Some("2026-10-08"), Some(0)), "{p}");
    let r = post(&app, "/api/v1/exits", &staff, open).await;
    assert!(matches!(r.status, StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY), "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "exit_open");
    assert_eq!(audit_count(&app, "exit.open", second).await, 1);
}

async fn get_public(app: &TestApp, path: &str) -> Value {
    let r = send(app, Method::GET, path, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
    r.json()
}

/// Files a complaint on the public form about `c` and has staff accept it; returns the problem.
async fn accepted_problem(
    app: &TestApp,
    staff: &mut crate::helpers::Client,
    c: &propwatch::db::entities::community::Model,
    text: &str,
) -> i64 {
    let id = c.id.to_string();
    let mut public = app.client();
    public.get(&format!("/complaints/new?community={id}")).await;
    let r = public
        .multipart(
            "/complaints",
            &[("community_id", &id), ("catalog_code", "A1.1"), ("description", text), ("consent", "on")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tracking = r.location().trim_start_matches("/track/").split('?').next().unwrap().to_string();
    let clue = propwatch::db::complaints::by_tracking_code(&app.deps.db, &tracking).await.unwrap().unwrap();
    staff.get(&format!("/inbox/{}", clue.id)).await;
    let r = staff.post(&format!("/inbox/{}/triage", clue.id), &[("decision", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let clue = propwatch::db::complaints::by_tracking_code(&app.deps.db, &tracking).await.unwrap().unwrap();
    clue.problem_id.expect("accepted into a problem")
}

#[tokio::test]
async fn who_may_see_and_do_what() {
    let app = TestApp::new().await;
    let fc = community(&app, "YC-FC-001").await;
    let fc2 = community(&app, "YC-FC-002").await;
    let staff = app.token(Role::BureauStaff).await;
    let township = app.token(Role::TownshipOfficer).await;
    let company = app.token(Role::CompanyUser).await;
    let committee = app.token(Role::CommitteeMember).await;
    let inspector = app.token(Role::DisciplineInspector).await;
    let department = app.token(Role::DepartmentUser).await;
    let other_company = company_id(&app, "阳城县润泽物业管理有限公司").await;
    let stranger = account(&app, "runze", "润泽物业", Role::CompanyUser, Scope::Company(other_company)).await;
    let beiliu = propwatch::db::jurisdictions::jurisdiction_by_code(&app.deps.db, "140522101").await.unwrap().unwrap();
    assert_eq!(beiliu.name, "北留镇");
    let far_officer =
        account(&app, "beiliu", "北留镇工作人员", Role::TownshipOfficer, Scope::Jurisdiction(beiliu.id)).await;
    let d0 = today(&app).to_string();

    // The township opens the exit of its community; the other township may not.
    let body = json!({"community_id": fc.id, "reason": "expiry", "receiver_kind": "committee",
                      "contract_ends_on": today(&app) + Duration::days(20)});
    let r = post(&app, "/api/v1/exits", &far_officer, body.clone()).await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}: {}", r.status, r.body);
    let r = post(&app, "/api/v1/exits", &inspector, body.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the inspector reads, never opens: {}", r.body);
    let r = send(&app, Method::GET, "/api/v1/exits/choices", Some(&inspector), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let choices = get_json(&app, "/api/v1/exits/choices", &township).await;
    assert!(
        choices["communities"].as_array().unwrap().iter().any(|c| c[0] == json!(fc.id)),
        "the form offers the township's community: {choices}"
    );
    let r = post(&app, "/api/v1/exits", &township, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // A second exit elsewhere (the same company leaves its other community), opened by staff.
    let r = post(
        &app,
        "/api/v1/exits",
        &staff,
        json!({"community_id": fc2.id, "reason": "resignation", "receiver_kind": "designated",
               "receiver_name": "阳城新苑业主自行管理小组", "notice_on": today(&app),
               "contract_ends_on": today(&app) + Duration::days(90)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let elsewhere = r.json()["id"].as_i64().unwrap();
    let choices = get_json(&app, "/api/v1/exits/choices", &township).await;
    assert!(
        !choices["communities"].as_array().unwrap().iter().any(|c| c[0] == json!(fc.id)),
        "a community with an open exit is not offered again: {choices}"
    );
    let ids = |v: &Value| -> Vec<i64> { v.as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect() };
    let v = view(&app, id, &staff).await;
    let premises = item_id(&v, "premises");
    let facilities = item_id(&v, "facilities");
    let exit = format!("/api/v1/exits/{id}");

    // The leaving company: its exits, the detail; it declares, never confirms nor signs for others.
    let mut mine = ids(&get_json(&app, "/api/v1/exits", &company).await);
    mine.sort();
    assert_eq!(mine, [id, elsewhere]);
    let v = view(&app, id, &company).await;
    assert_eq!((v["may"]["declare"].as_bool(), v["may"]["confirm"].as_bool()), (Some(true), Some(false)));
    assert_eq!(v["may"]["manage"], false);
    let r =
        multipart(&app, &company, &format!("{exit}/items/{premises}/declare"), &[("note", "用房钥匙已交")], &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = confirm(&app, &company, id, premises, &[("state", "handed_over"), ("on", &d0), ("area", "80")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for party in ["receiver", "witness"] {
        let r = sign(&app, &company, id, party).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{party}: {}", r.body);
    }
    let r = post(&app, &format!("{exit}/cancel"), &company, json!({"reason": "企业不同意退出"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // An unrelated company learns nothing.
    assert_eq!(get_json(&app, "/api/v1/exits", &stranger).await, json!([]));
    let r = send(&app, Method::GET, &exit, Some(&stranger), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains("凤城花园"), "{}", r.body);
    let r = multipart(&app, &stranger, &format!("{exit}/items/{premises}/declare"), &[("note", "代为申报")], &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = send(&app, Method::GET, &format!("{exit}/record.pdf"), Some(&stranger), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The committee of the community confirms, and sees its community's exit only.
    assert_eq!(ids(&get_json(&app, "/api/v1/exits", &committee).await), [id]);
    let v = view(&app, id, &committee).await;
    assert_eq!((v["may"]["confirm"].as_bool(), v["may"]["declare"].as_bool()), (Some(true), Some(false)));
    let r = confirm(&app, &committee, id, facilities, &[("state", "handed_over"), ("on", &d0)]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r =
        multipart(&app, &committee, &format!("{exit}/items/{premises}/declare"), &[("note", "业委会代报")], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the receiver does not declare: {}", r.body);
    let r = send(&app, Method::GET, &format!("/api/v1/exits/{elsewhere}"), Some(&committee), None).await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}: {}", r.status, r.body);
    // The township of the community does not confirm where the community has a committee.
    let r = confirm(&app, &township, id, premises, &[("state", "handed_over"), ("on", &d0), ("area", "80")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // A township officer of another township: nothing.
    assert_eq!(get_json(&app, "/api/v1/exits", &far_officer).await, json!([]));
    for r in [
        send(&app, Method::GET, &exit, Some(&far_officer), None).await,
        confirm(&app, &far_officer, id, premises, &[("state", "handed_over"), ("on", &d0), ("area", "80")]).await,
        sign(&app, &far_officer, id, "witness").await,
        post(&app, &format!("{exit}/cancel"), &far_officer, json!({"reason": "外乡镇撤销"})).await,
    ] {
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}: {}", r.status, r.body);
    }

    // The discipline inspector reads everything, changes nothing.
    let mut seen = ids(&get_json(&app, "/api/v1/exits", &inspector).await);
    seen.sort();
    assert_eq!(seen, [id, elsewhere]);
    let v = view(&app, id, &inspector).await;
    assert_eq!(v["may"], json!({"declare": false, "confirm": false, "sign": [], "manage": false, "litigation": false}));
    let r = confirm(&app, &inspector, id, premises, &[("state", "handed_over"), ("on", &d0), ("area", "80")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = post(&app, &format!("{exit}/cancel"), &inspector, json!({"reason": "纪检撤销"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A department has no part in it.
    let r = send(&app, Method::GET, "/api/v1/exits", Some(&department), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The public: progress on the community's page only.
    let r = send(&app, Method::GET, "/api/v1/exits", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(&app, Method::GET, &exit, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let public = send(&app, Method::GET, &format!("/api/v1/communities/{}/exit", fc.id), None, None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let p = public.json();
    assert_eq!((p["settled"].as_u64(), p["total"].as_u64()), (Some(1), Some(9)));
    assert_eq!(p["stage_label"], "合同期内，继续服务");
    for secret in ["凤城花园业委会", "凤城镇工作人员", "用房钥匙已交", "receiver_name", "may"] {
        assert!(!public.body.contains(secret), "the public sees {secret}: {}", public.body);
    }
    assert!(p.get("id").is_none() && p.get("case_id").is_none(), "{p}");
    // Nothing is signed yet: no record to download.
    let r = send(&app, Method::GET, &format!("{exit}/record.pdf"), Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

// Found while writing the tests above: behaviour of `src/service/exits.rs` that contradicts the
// feature's rules. Each test states the rule; they are ignored until the service is fixed.

#[tokio::test]
async fn a_withdrawn_exit_does_not_hand_the_community_to_the_contract_registered_during_it() {
    let app = TestApp::new().await;
    let fc2 = community(&app, "YC-FC-002").await;
    let leaving = fc2.company_id.unwrap();
    let staff = app.token(Role::BureauStaff).await;
    let d0 = today(&app);
    let r = post(
        &app,
        "/api/v1/exits",
        &staff,
        json!({"community_id": fc2.id, "reason": "expiry", "receiver_kind": "committee", "contract_ends_on": d0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let incoming = company_id(&app, "阳城县嘉和物业服务有限公司").await;
    let r = post(
        &app,
        &format!("/api/v1/communities/{}/contracts", fc2.id),
        &staff,
        json!({"company_id": incoming, "starts_on": d0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let contract = r.json()["id"].as_i64().unwrap();
    // The owners keep the company after all: the exit is withdrawn.
    let r =
        post(&app, &format!("/api/v1/exits/{id}/cancel"), &staff, json!({"reason": "业主大会决定续聘原企业"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let tick = propwatch::jobs::scanner::run_once(&app.deps, now(&app)).await.unwrap();
    assert_eq!(tick.contracts_in_force, 0, "the contract registered for the withdrawn exit stays out of force");
    assert_eq!(community(&app, "YC-FC-002").await.company_id, Some(leaving), "the kept company still manages");
    let contracts = get_json(&app, &format!("/api/v1/communities/{}/contracts", fc2.id), &staff).await;
    let k = contracts.as_array().unwrap().iter().find(|k| k["id"] == contract).unwrap();
    assert_ne!(k["status"], "in_force", "{k}");
}

/// Staff open an expiry exit of `community_id` ending today (the committee receives) and the
/// committee confirms every item handed over: the exit's id and its view.
async fn received_in_full(app: &TestApp, community_id: i64, staff: &str, committee: &str) -> (i64, Value) {
    let d0 = today(app).to_string();
    let r = post(
        app,
        "/api/v1/exits",
        staff,
        json!({"community_id": community_id, "reason": "expiry", "receiver_kind": "committee", "contract_ends_on": d0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let v = view(app, id, staff).await;
    for i in v["items"].as_array().unwrap() {
        let fields = [("state", "handed_over"), ("on", d0.as_str()), ("area", "50")];
        let r = confirm(app, committee, id, i["id"].as_i64().unwrap(), &fields).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    (id, v)
}

#[tokio::test]
async fn the_checklist_is_frozen_once_a_party_has_signed() {
    let app = TestApp::new().await;
    let fc = community(&app, "YC-FC-001").await;
    let staff = app.token(Role::BureauStaff).await;
    let company = app.token(Role::CompanyUser).await;
    let committee = app.token(Role::CommitteeMember).await;
    let d0 = today(&app).to_string();
    let (id, v) = received_in_full(&app, fc.id, &staff, &committee).await;
    let r = sign(&app, &company, id, "leaving").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // The leaving company signed this list; the receiver may not change it under its signature.
    let r = confirm(
        &app,
        &committee,
        id,
        item_id(&v, "roster"),
        &[("state", "partial"), ("on", &d0), ("note", "缺3号楼业主名册")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(item(&view(&app, id, &staff).await, "roster")["state"], "handed_over");
}

#[tokio::test]
async fn two_exits_opened_at_once_leave_one_open() {
    let app = TestApp::new().await;
    let fc = community(&app, "YC-FC-001").await;
    let staff = app.token(Role::BureauStaff).await;
    let township = app.token(Role::TownshipOfficer).await;
    let body = json!({"community_id": fc.id, "reason": "expiry", "receiver_kind": "committee",
                      "contract_ends_on": today(&app)});
    let (a, b) = tokio::join!(
        post(&app, "/api/v1/exits", &staff, body.clone()),
        post(&app, "/api/v1/exits", &township, body.clone())
    );
    let created = [&a, &b].iter().filter(|r| r.status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{} {} / {} {}", a.status, a.body, b.status, b.body);
    let open = propwatch::db::exits::of_community(&app.deps.db, fc.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.status == "open")
        .count();
    assert_eq!(open, 1);
}

#[tokio::test]
async fn the_leaving_company_refusing_to_sign_is_overdue_too_and_a_new_company_waits_for_an_exit() {
    let app = TestApp::new().await;
    let fc = community(&app, "YC-FC-001").await;
    let staff = app.token(Role::BureauStaff).await;
    let committee = app.token(Role::CommitteeMember).await;
    // Another company's contract cannot take over a community without an exit.
    let other = propwatch::db::companies::all_companies(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .find(|k| Some(k.id) != fc.company_id)
        .unwrap();
    let d0 = today(&app).to_string();
    let contracts = format!("/api/v1/communities/{}/contracts", fc.id);
    let r = post(&app, &contracts, &staff, json!({"company_id": other.id, "starts_on": d0})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(field_error(&r, "company_id").contains("启动退出交接"), "{}", r.body);
    assert_eq!(community(&app, "YC-FC-001").await.company_id, fc.company_id);

    // Every item received; the company never signs the record.
    let (id, _) = received_in_full(&app, fc.id, &staff, &committee).await;
    let deadline: NaiveDate =
        serde_json::from_value(view(&app, id, &staff).await["handover_deadline"].clone()).unwrap();
    app.clock.advance(chrono::Duration::days((deadline - today(&app)).num_days() + 1));
    let tick = propwatch::jobs::scanner::run_once(&app.deps, now(&app)).await.unwrap();
    assert_eq!(tick.exits_overdue, 1);
    let staff = app.token(Role::BureauStaff).await; // the old token expired with the clock's jump
    let case_id = view(&app, id, &staff).await["case_id"].as_i64().expect("the overdue case");
    let case = propwatch::db::cases::case(&app.deps.db, case_id).await.unwrap().unwrap();
    assert!(case.facts.contains("移交方拒不签署"), "{}", case.facts);
    let tick = propwatch::jobs::scanner::run_once(&app.deps, now(&app)).await.unwrap();
    assert_eq!(tick.exits_overdue, 0, "once");
}
