//! Owners' joint decisions (业主共同决定, 民法典第278条) over the API: a community walked through
//! a whole vote on its own roster — convening, codes by SMS and on slips, electronic and paper
//! ballots, one vote per owner and per unit, sealed choices, the count with its four comparisons
//! checked by hand, objections, the final announcement — and the convenor's rules, extensions and
//! deemed votes.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::NaiveDate;
use propwatch::db::entities::{decision_ballot, outbox};
use propwatch::domain::role::Role;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp};

/// Nine units, 920.25 m², seven owners by 第9条:
///
/// | owner            | units              | area   | phone | second factor     |
/// |------------------|--------------------|--------|-------|-------------------|
/// | 张三             | 1-1-101, 1-1-102   | 179.00 | yes   | ID …002X          |
/// | 李四 + 王五      | 1-1-201 (surveyed) |  90.00 | no    | ID …0038 (李四)   |
/// | 赵六             | 1-1-202 (contract) |  91.25 | yes   | phone …0000       |
/// | 孙七             | 1-1-301            | 100.00 | no    | ID …0017          |
/// | the developer    | 2-101, 2-102       | 240.00 | no    | none (paper only) |
/// | 周八             | 2-201              | 110.00 | no    | ID …0026          |
/// | 吴九             | 2-202              | 110.00 | yes   | ID …0033          |
///
/// 1号楼 holds 460.25 m² in five units, 2号楼 460.00 m² in four.
const ROSTER: [[&str; 10]; 10] = [
    ["1号楼", "1单元", "101", "89.50", "", "", "否", "张三", "13800138000", "11010119900307002X"],
    ["1号楼", "1单元", "102", "89.50", "", "", "否", "张三", "13800138000", "11010119900307002X"],
    ["1号楼", "1单元", "201", "", "90.00", "", "否", "李四", "", "110101199003070038"],
    ["1号楼", "1单元", "201", "", "90.00", "", "否", "王五", "", ""],
    ["1号楼", "1单元", "202", "", "", "91.25", "否", "赵六", "13900000000", ""],
    ["1号楼", "1单元", "301", "100", "", "", "否", "孙七", "", "110101198501010017"],
    ["2号楼", "", "101", "120", "", "", "是", "", "", ""],
    ["2号楼", "", "102", "120", "", "", "是", "", "", ""],
    ["2号楼", "", "201", "110", "", "", "否", "周八", "", "110101198002020026"],
    ["2号楼", "", "202", "110", "", "", "否", "吴九", "13700000000", "110101197503030033"],
];

const ZHANG_1: &str = "1号楼-1单元-101";
const ZHANG_2: &str = "1号楼-1单元-102";
const LI: &str = "1号楼-1单元-201";
const ZHAO: &str = "1号楼-1单元-202";
const SUN: &str = "1号楼-1单元-301";
const DEV: &str = "2号楼-101";
const ZHOU: &str = "2号楼-201";
const WU: &str = "2号楼-202";

fn workbook(rows: &[[&str; 10]]) -> Vec<u8> {
    crate::helpers::roster_workbook(rows)
}

async fn community(app: &TestApp, code: &str) -> i64 {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap().id
}

fn today(app: &TestApp) -> NaiveDate {
    propwatch::clock::today(app.deps.clock.now())
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

async fn send(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
    app.client().send(method, path, token, body).await
}

/// Imports `rows` as the roster of `community_id`; returns unit label → unit id.
async fn import(app: &TestApp, token: &str, community_id: i64, rows: &[[&str; 10]]) -> HashMap<String, i64> {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/communities/{community_id}/roster/import"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(workbook(rows)))
        .unwrap();
    let r = app.client().run(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = send(app, Method::GET, &format!("/api/v1/communities/{community_id}/roster"), Some(token), None).await;
    v.json()["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["label"].as_str().unwrap().to_string(), u["id"].as_i64().unwrap()))
        .collect()
}

/// A vote to convene: voting from `starts` to `ends` on `items` (第278条 item numbers).
fn convene_body(community_id: i64, starts: NaiveDate, ends: NaiveDate, items: &[&str], deem: bool) -> Value {
    let matters: Vec<Value> = items
        .iter()
        .map(|item| match *item {
            "4" => {
                json!({"item": "4", "title": "续聘物业服务企业", "body": "续聘现物业服务企业，期限三年，收费标准不变"})
            }
            "8" => json!({"item": "8", "title": "利用地面车位设置充电桩", "body": "收益归全体业主共有"}),
            other => json!({"item": other, "title": "其他事项", "body": ""}),
        })
        .collect();
    json!({
        "community_id": community_id,
        "title": "2025年第一次业主共同决定",
        "voting_starts_on": starts,
        "voting_ends_on": ends,
        "deem": deem,
        "matters": matters,
    })
}

/// The codes of a vote by unit label: the slips (read through the API) and the codes in the
/// queued text messages.
async fn codes(app: &TestApp, token: &str, id: i64) -> HashMap<String, String> {
    let r = send(app, Method::GET, &format!("/api/v1/decisions/{id}/slips"), Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut out: HashMap<String, String> = r.json()["slips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["unit"].as_str().unwrap().to_string(), s["code"].as_str().unwrap().to_string()))
        .collect();
    for (label, code) in sms_codes(app, id).await {
        assert!(out.insert(label, code).is_none(), "a unit has one code, by SMS or on a slip");
    }
    out
}

/// (unit label, code) of the text messages queued for a vote's codes.
async fn sms_codes(app: &TestApp, id: i64) -> Vec<(String, String)> {
    outbox::Entity::find()
        .all(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "decision_code" && m.dedupe_key.starts_with(&format!("decision_code:{id}:")))
        .map(|m| {
            assert_eq!(m.channel, "sms");
            let rest = m.body.split_once("表决码：").unwrap().1;
            let (code, rest) = rest.split_once('（').unwrap();
            let label = rest.split_once('）').unwrap().0;
            (label.to_string(), code.to_string())
        })
        .collect()
}

fn choices(matters: &[i64], picks: &[&str]) -> Value {
    Value::Object(matters.iter().zip(picks).map(|(m, c)| (m.to_string(), json!(c))).collect())
}

async fn cast(app: &TestApp, code: &str, factor: &str, choices: Value) -> Resp {
    send(
        app,
        Method::POST,
        "/api/v1/vote/cast",
        None,
        Some(json!({"code": code, "factor": factor, "choices": choices})),
    )
    .await
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 12, y as u8 * 16, 120]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// Enters a paper ballot (multipart, with a bearer token).
async fn paper(
    app: &TestApp,
    token: &str,
    id: i64,
    unit_id: i64,
    voter: &str,
    choices: &[(i64, &str)],
    photo: Option<Vec<u8>>,
) -> Resp {
    let boundary = "----decisionsboundary";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    field("unit_id", &unit_id.to_string());
    field("voter_name", voter);
    for (m, c) in choices {
        field(&format!("choice_{m}"), c);
    }
    if let Some(bytes) = photo {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"ballot.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/decisions/{id}/paper-ballots"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.client().run(req).await
}

/// A community (凤城花园, the demo committee's) with the roster above, and its committee's token.
struct Fixture {
    app: TestApp,
    community: i64,
    committee: String,
    units: HashMap<String, i64>,
}

async fn fixture() -> Fixture {
    // A vote lasts weeks of the test clock: tokens that outlive it.
    let app = TestApp::with_settings(|s| {
        s.public_rate_per_minute = 0;
        s.api_token_hours = 24 * 365;
    })
    .await;
    let community = community(&app, "YC-FC-001").await;
    let committee = app.token(Role::CommitteeMember).await;
    let units = import(&app, &committee, community, &ROSTER).await;
    assert_eq!(units.len(), 9);
    Fixture { app, community, committee, units }
}

impl Fixture {
    /// Convenes a vote starting in 15 days for 10 days; returns its id and its matters' ids.
    async fn convene(&self, items: &[&str], deem: bool) -> (i64, Vec<i64>) {
        let starts = today(&self.app) + days(15);
        let body = convene_body(self.community, starts, starts + days(9), items, deem);
        let r = send(&self.app, Method::POST, "/api/v1/decisions", Some(&self.committee), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let v = self.view(id).await;
        let matters = v["matters"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
        (id, matters)
    }

    async fn view(&self, id: i64) -> Value {
        let r = send(&self.app, Method::GET, &format!("/api/v1/decisions/{id}"), Some(&self.committee), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }

    async fn post(&self, path: &str, body: Value) -> Resp {
        send(&self.app, Method::POST, path, Some(&self.committee), Some(body)).await
    }

    fn unit(&self, label: &str) -> i64 {
        self.units[label]
    }
}

fn figures(v: &Value, matter: usize) -> Vec<(String, String, bool)> {
    v["matters"][matter]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["figures"].as_str().unwrap().to_string(), c["deemed"].as_str().unwrap().to_string(), c["met"] == true)
        })
        .collect()
}

fn no_choice_in(text: &str, what: &str) {
    for label in ["同意", "反对", "弃权", "\"yes\"", "\"no\"", "\"abstain\""] {
        assert!(!text.contains(label), "{what} shows a choice ({label}): {text}");
    }
}

#[tokio::test]
async fn a_community_votes_from_its_roster_to_the_final_announcement() {
    let f = fixture().await;
    let app = &f.app;
    let d0 = today(app);

    // The notice must precede voting by 15 days and voting lasts at most 60: refused by field.
    let r = f.post("/api/v1/decisions", convene_body(f.community, d0 + days(14), d0 + days(20), &["4"], false)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["voting_starts_on"].as_str().unwrap().contains("15日前公告"), "{}", r.body);
    let r = f.post("/api/v1/decisions", convene_body(f.community, d0 + days(15), d0 + days(75), &["4"], false)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["voting_ends_on"].as_str().unwrap().contains("现为61日"), "{}", r.body);
    assert!(app.last_audit("decision.convene").await.is_none(), "nothing convened");

    // The bureau guides the owners towards dismissing the company: a track, the assembly called.
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get(&format!("/communities/{}", f.community)).await;
    let r = leader
        .post(
            &format!("/communities/{}/dismissals", f.community),
            &[("reasons", "企业长期不履约，业主要求更换物业"), ("notice_days", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let track = r.location();
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    officer.get(&track).await;
    let steps = format!("{track}/steps");
    let called = [("step", "assembly_called"), ("on", &d0.to_string())].map(|(k, v)| (k, v.to_string()));
    let called: Vec<(&str, &str)> = called.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(officer.post(&steps, &called).await.status, StatusCode::SEE_OTHER);

    let (id, m) = f.convene(&["4", "8"], false).await;
    let v = f.view(id).await;
    assert_eq!((v["status"].as_str(), v["phase"].as_str()), (Some("convened"), Some("公告期")));
    assert_eq!(v["convenor"], "业主委员会");
    assert_eq!(v["notice_on"], json!(d0));
    let convened = app.last_audit("decision.convene").await.unwrap();
    assert_eq!(convened.object_id, id.to_string());
    assert!(convened.summary.contains("\"area_centi\":92025") && convened.summary.contains("\"owners\":7"));

    // Codes: by SMS where the roster has a phone (张三's two units, 赵六's, 吴九's), slips elsewhere;
    // none for the developer's two units (nothing on the roster to sign in with: paper only).
    let r = f.post(&format!("/api/v1/decisions/{id}/codes"), json!({"sms": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"made": 7, "by_sms": 4, "slips": 3, "paper_only": 2}));
    let mut sms: Vec<String> = sms_codes(app, id).await.into_iter().map(|(l, _)| l).collect();
    sms.sort();
    assert_eq!(sms, [ZHANG_1, ZHANG_2, ZHAO, WU]);
    let queued: Vec<outbox::Model> = outbox::Entity::find()
        .all(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.kind == "decision_code")
        .collect();
    assert_eq!(queued.len(), 4);
    assert!(queued.iter().all(|o| o.status == "pending" && o.recipient_sealed.starts_with("sm4gcm:")));
    assert!(queued.iter().all(|o| o.body.contains("/vote") && o.body.contains("凤城花园")));
    // Each text names the second factor the unit's sign-in will ask: 赵六 has no ID number on the roster.
    let text = |label: &str| {
        let key = format!("decision_code:{id}:{}", f.unit(label));
        queued.iter().find(|o| o.dedupe_key == key).unwrap().body.clone()
    };
    assert!(text(ZHANG_1).contains("输入表决码和身份证号后4位"), "{}", text(ZHANG_1));
    assert!(text(ZHAO).contains("输入表决码和手机号后4位"), "{}", text(ZHAO));
    let r = f.post(&format!("/api/v1/decisions/{id}/codes"), json!({"sms": true})).await;
    assert_eq!(r.json()["made"], 0, "one code per unit, once");
    let codes = codes(app, &f.committee, id).await;
    assert_eq!(codes.len(), 7);
    assert!(!codes.contains_key(DEV), "no code for the developer's units");
    assert!(app.last_audit("decision.print_codes").await.is_some(), "reading the slips is audited");
    let r = f.post(&format!("/api/v1/decisions/{id}/slips/{}/handed-over", f.unit(LI)), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = f.post(&format!("/api/v1/decisions/{id}/slips/{}/handed-over", f.unit(LI)), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "signed for once");
    assert_eq!(f.view(id).await["codes"], json!([7, 4, 3, 1, 0]));

    // Nobody votes during the notice period.
    let r = cast(app, &codes[ZHANG_1], "002X", choices(&m, &["yes", "yes"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("不在投票时间内"));

    app.clock.advance(days(15));
    assert_eq!(f.view(id).await["phase"], "投票中");

    // 张三: a wrong second factor is refused; the right one (x in any case) votes for both his units.
    let r = cast(app, &codes[ZHANG_1], "0038", choices(&m, &["yes", "yes"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["code"].as_str().unwrap().contains("不正确"));
    let login =
        send(app, Method::POST, "/api/v1/vote", None, Some(json!({"code": codes[ZHANG_1], "factor": "002x"}))).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let login = login.json();
    assert_eq!((login["unit"].as_str(), login["may_vote"].as_bool()), (Some(ZHANG_1), Some(true)));
    let r = cast(app, &codes[ZHANG_1].to_lowercase(), "002x", choices(&m, &["yes", "yes"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let receipt = r.json();
    assert_eq!(receipt["units"], json!([ZHANG_1, ZHANG_2]));
    assert_eq!(receipt["area"], "179.00");
    // … so his second unit's code is refused, and the refusal audited.
    let r = cast(app, &codes[ZHANG_2], "002X", choices(&m, &["no", "no"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("已表决"));
    let refused = app.last_audit("decision.ballot_refused").await.expect("refusal audited");
    assert_eq!(refused.object_id, id.to_string());
    assert_eq!(refused.outcome, "failure");
    assert!(refused.summary.contains(&format!("\"unit_id\":{}", f.unit(ZHANG_2))), "{}", refused.summary);

    // 李四 (co-owner with 王五, slip), 赵六 (SMS; no ID on the roster, so his phone's last four).
    let r = cast(app, &codes[LI], "0038", choices(&m, &["yes", "no"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = cast(app, &codes[ZHAO], "0000", choices(&m, &["no", "no"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // A ballot must answer every matter.
    let r = cast(app, &codes[ZHOU], "0026", choices(&m, &["yes"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"]["choices"], "请对第2项表决事项选择同意、反对或弃权");

    // 孙七 on paper, entered with the photo of the signed ballot; then his code is refused.
    let r = paper(app, &f.committee, id, f.unit(SUN), "孙七", &[(m[0], "abstain"), (m[1], "yes")], None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["photo"].is_string());
    let r = paper(app, &f.committee, id, f.unit(SUN), "孙七", &[(m[0], "abstain"), (m[1], "yes")], Some(png())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["area"], "100.00");
    assert!(app.last_audit("decision.paper_ballot").await.is_some());
    let r = cast(app, &codes[SUN], "0017", choices(&m, &["yes", "yes"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // The developer (no ID, no phone: it got no code) votes on paper once for both its units.
    let r = paper(app, &f.committee, id, f.unit(DEV), "开发公司代表", &[(m[0], "yes"), (m[1], "abstain")], Some(png()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["units"], json!(["2号楼-101", "2号楼-102"]));
    assert_eq!(r.json()["area"], "240.00");

    // 赵六 sells his flat during the vote: his ballot stands; the buyer's vote for it is refused.
    let r = send(
        app,
        Method::PUT,
        &format!("/api/v1/communities/{}/roster/units/{}", f.community, f.unit(ZHAO)),
        Some(&f.committee),
        Some(json!({"building": "1号楼", "unit": "1单元", "room": "202", "contract_area": "91.25",
            "owners": [{"name": "钱八", "id_number": "110101199504040048"}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = cast(app, &codes[ZHAO], "0000", choices(&m, &["yes", "yes"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the seller no longer signs in for it");
    let buyer =
        send(app, Method::POST, "/api/v1/vote", None, Some(json!({"code": codes[ZHAO], "factor": "0048"}))).await;
    assert_eq!(buyer.status, StatusCode::OK, "{}", buyer.body);
    assert_eq!((buyer.json()["voted"].as_bool(), buyer.json()["may_vote"].as_bool()), (Some(true), Some(false)));
    let r = cast(app, &codes[ZHAO], "0048", choices(&m, &["yes", "yes"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = paper(app, &f.committee, id, f.unit(ZHAO), "钱八", &[(m[0], "yes"), (m[1], "yes")], Some(png())).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Live participation: who took part, by building, never how.
    let r = send(app, Method::GET, &format!("/api/v1/decisions/{id}/progress"), Some(&f.committee), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = r.json();
    assert_eq!(
        (p["total_units"].as_u64(), p["total_area"].as_str(), p["total_owners"].as_u64()),
        (Some(9), Some("920.25"), Some(7))
    );
    assert_eq!(
        (p["voted_units"].as_u64(), p["voted_area"].as_str(), p["voted_owners"].as_u64()),
        (Some(7), Some("700.25"), Some(5))
    );
    assert_eq!((p["quorum_area"].as_str(), p["quorum_owners"].as_u64()), (Some("613.50"), Some(5)));
    assert_eq!((p["quorum_area_met"].as_bool(), p["quorum_owners_met"].as_bool()), (Some(true), Some(true)));
    assert_eq!((p["online"].as_u64(), p["paper"].as_u64()), (Some(3), Some(2)));
    assert_eq!(
        p["buildings"],
        json!([
            {"building": "1号楼", "units": 5, "voted_units": 5, "area": "460.25", "voted_area": "460.25", "percent": "100.0%"},
            {"building": "2号楼", "units": 4, "voted_units": 2, "area": "460.00", "voted_area": "240.00", "percent": "52.2%"},
        ])
    );
    no_choice_in(&r.body, "progress");
    no_choice_in(&f.view(id).await.to_string(), "the view");
    let staff = app.token(Role::BureauStaff).await;
    let r = send(app, Method::GET, &format!("/api/v1/decisions/{id}/progress"), Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::OK, "the bureau follows participation");

    // Sealed until the count: no choice in the audit trail, none in clear in the database.
    let entries = app.audit_entries().await;
    let ballots_audited: Vec<_> =
        entries.iter().filter(|e| e.action == "decision.ballot" || e.action == "decision.paper_ballot").collect();
    assert_eq!(ballots_audited.len(), 5);
    for e in &ballots_audited {
        no_choice_in(&e.summary, "a ballot's audit entry");
    }
    let rows = decision_ballot::Entity::find().all(&app.deps.db).await.unwrap();
    assert_eq!(rows.len(), 5);
    for b in &rows {
        assert!(b.choices_sealed.starts_with("sm4gcm:"), "{}", b.choices_sealed);
        assert!(!b.choices_sealed.contains("yes") && !b.choices_sealed.contains("abstain"));
        assert!(b.voter_name_sealed.as_deref().is_none_or(|n| !n.contains("孙七")));
    }
    for token in [&f.committee, &staff] {
        let r = send(app, Method::GET, &format!("/api/v1/decisions/{id}/ballots"), Some(token), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("计票前"));
        no_choice_in(&r.body, "the refusal");
    }

    // The company has no part in it: 403 on every route; the public sees the notice only.
    let company = app.token(Role::CompanyUser).await;
    let get_routes = ["", "/progress", "/slips", "/ballots"];
    let r = send(app, Method::GET, "/api/v1/decisions", Some(&company), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for route in get_routes {
        let r = send(app, Method::GET, &format!("/api/v1/decisions/{id}{route}"), Some(&company), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "GET {route}: {}", r.body);
        assert!(!r.body.contains("1号楼") && !r.body.contains("张"));
    }
    let posts = [
        ("/codes".to_string(), json!({"sms": false})),
        (format!("/slips/{}/handed-over", f.unit(ZHOU)), json!({})),
        ("/close".into(), json!({})),
        ("/finalize".into(), json!({})),
        ("/cancel".into(), json!({"reason": "物业公司要求撤销"})),
        ("/extensions".into(), json!({"new_ends_on": d0 + days(30), "reason": "物业公司申请延期"})),
        ("/extensions/1".into(), json!({"approve": true, "note": ""})),
        ("/objections/1".into(), json!({"upheld": true, "reason": "物业公司认为成立"})),
    ];
    for (route, body) in posts {
        let r = send(app, Method::POST, &format!("/api/v1/decisions/{id}{route}"), Some(&company), Some(body)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {route}: {}", r.body);
    }
    let r = paper(app, &company, id, f.unit(ZHOU), "周八", &[(m[0], "no"), (m[1], "no")], Some(png())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(
        app,
        Method::POST,
        "/api/v1/decisions",
        Some(&company),
        Some(convene_body(f.community, d0 + days(20), d0 + days(30), &["4"], false)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(app, Method::GET, "/api/v1/decisions", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let public = send(app, Method::GET, &format!("/api/v1/communities/{}/decisions", f.community), None, None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let pv = public.json();
    assert_eq!((pv[0]["id"].as_i64(), pv[0]["phase"].as_str()), (Some(id), Some("投票中")));
    assert!(pv[0]["matters"][0]["tally"].as_array().unwrap().is_empty());
    no_choice_in(&public.body, "the public notice");
    for secret in ["1号楼", "2号楼", "张", "孙", "receipt", "voted"] {
        assert!(!public.body.contains(secret), "public shows {secret}");
    }

    // After the voting period: no more ballots; the convenor counts.
    app.clock.advance(days(10));
    let r = cast(app, &codes[ZHOU], "0026", choices(&m, &["no", "no"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(f.view(id).await["can_close"], true);
    let r = f.post(&format!("/api/v1/decisions/{id}/close"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!((v["status"].as_str(), v["phase"].as_str()), (Some("closed"), Some("初步结果公示（异议期）")));
    assert_eq!(v["totals"], json!([9, "920.25", 7]));
    assert_eq!(v["objection_ends_on"], json!(d0 + days(25) + days(7)));
    assert_eq!(v["has_announcement"], true, "the preliminary result is published");
    // Taking part: 张三 179.00, 李四/王五 90.00, 赵六 91.25 (his ballot stands after the sale),
    // 孙七 100.00, the developer 240.00 = 700.25 m² and 5 of 7 owners.
    // (四) yes: 张三 + 李四 + developer = 509.00 m², 3 owners; 509.00 × 2 > 700.25 and 3 × 2 > 5.
    assert_eq!(
        v["matters"][0]["tally"],
        json!([["同意", "509.00", 3], ["反对", "91.25", 1], ["弃权", "100.00", 1]]),
        "no deemed votes without a registered clause"
    );
    assert_eq!(
        figures(&v, 0),
        [
            ("700.25 m² / 920.25 m²".to_string(), String::new(), true),
            ("5 人 / 7 人".to_string(), String::new(), true),
            ("509.00 m² / 700.25 m²".to_string(), String::new(), true),
            ("3 人 / 5 人".to_string(), String::new(), true),
        ]
    );
    assert_eq!(v["matters"][0]["passed"], true);
    // (八) needs three quarters: yes 张三 + 孙七 = 279.00 m² (× 4 < 700.25 × 3), 2 owners (× 4 < 5 × 3).
    assert_eq!(v["matters"][1]["tally"], json!([["同意", "279.00", 2], ["反对", "181.25", 2], ["弃权", "240.00", 1]]));
    assert_eq!(
        figures(&v, 1),
        [
            ("700.25 m² / 920.25 m²".to_string(), String::new(), true),
            ("5 人 / 7 人".to_string(), String::new(), true),
            ("279.00 m² / 700.25 m²".to_string(), String::new(), false),
            ("2 人 / 5 人".to_string(), String::new(), false),
        ]
    );
    assert_eq!(v["matters"][1]["comparisons"][2]["rule"], "同意的专有部分面积占参与表决面积四分之三以上");
    assert_eq!(v["matters"][1]["passed"], false);
    assert!(app.last_audit("decision.close").await.unwrap().summary.contains("\"ballots\":5"));

    // Now the ballots are attributable, to the convenor and the bureau (each reading audited).
    let r = send(app, Method::GET, &format!("/api/v1/decisions/{id}/ballots"), Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.json()["ballots"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 5);
    let zhang = rows.iter().find(|b| b["units"] == format!("{ZHANG_1}、{ZHANG_2}")).unwrap();
    assert_eq!((zhang["area"].as_str(), zhang["channel"].as_str()), (Some("179.00"), Some("电子")));
    assert_eq!(zhang["choices"], json!(["同意", "同意"]));
    assert_eq!(zhang["receipt"], receipt["receipt"]);
    let sun = rows.iter().find(|b| b["units"] == SUN).unwrap();
    assert_eq!((sun["voter"].as_str(), sun["has_photo"].as_bool()), (Some("孙*"), Some(true)));
    assert_eq!(sun["choices"], json!(["弃权", "同意"]));
    let zhao = rows.iter().find(|b| b["units"] == ZHAO).unwrap();
    assert_eq!(zhao["choices"], json!(["反对", "反对"]));
    assert!(!r.body.contains("孙七"));
    assert!(app.last_audit("decision.read_ballots").await.is_some());

    // The public sees the totals, never a unit or a name.
    let public = send(app, Method::GET, &format!("/api/v1/communities/{}/decisions", f.community), None, None).await;
    let pv = public.json();
    assert_eq!(pv[0]["matters"][0]["tally"][0], json!(["同意", "509.00", 3]));
    assert_eq!(pv[0]["matters"][0]["comparisons"][0]["figures"], "700.25 m² / 920.25 m²");
    for secret in ["1号楼", "2号楼", "张", "孙", "钱", "receipt", "ballots"] {
        assert!(!public.body.contains(secret), "public shows {secret}");
    }

    // The objection period: 李四 objects with his code; owners signed in see the ballots.
    let r = send(
        app,
        Method::POST,
        "/api/v1/vote/objections",
        None,
        Some(json!({"code": codes[LI], "factor": "0038", "text": "开发公司的纸质表决票没有加盖公章，应不计入"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let objection = r.json()["id"].as_i64().unwrap();
    let r = send(app, Method::POST, "/api/v1/vote", None, Some(json!({"code": codes[WU], "factor": "0033"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let voter = r.json();
    assert_eq!((voter["may_object"].as_bool(), voter["voted"].as_bool()), (Some(true), Some(false)));
    assert_eq!(voter["ballots"].as_array().unwrap().len(), 5);
    assert!(
        voter["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["units"] == "2号楼-101、2号楼-102" && b["choices"] == json!(["同意", "弃权"]))
    );
    let r = f.post(&format!("/api/v1/decisions/{id}/finalize"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("异议期至"));
    let v = f.view(id).await;
    assert_eq!(v["objections"][0]["unit"], LI);
    assert_eq!(v["objections"][0]["pending"], true);
    // 孙七 objects that his paper ballot was entered wrongly: upheld, the convenor corrects it
    // from the signed original, and the vote is recounted on the same denominators.
    let r = send(
        app,
        Method::POST,
        "/api/v1/vote/objections",
        None,
        Some(json!({"code": codes[SUN], "factor": "0017", "text": "本人纸质票对第一项填的是同意，录入为弃权"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sun_objection = r.json()["id"].as_i64().unwrap();
    let correction = json!({m[0].to_string(): "yes", m[1].to_string(): "yes"});
    // An electronic ballot is the owner's own act: 李四's is never corrected.
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/objections/{objection}"),
            json!({"upheld": true, "reason": "核对", "correction": correction}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("电子表决票由业主本人投出，不能更正"), "{}", r.body);
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/objections/{sun_objection}"),
            json!({"upheld": false, "reason": "核对", "correction": correction}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a correction only with an upheld objection");
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/objections/{sun_objection}"),
            json!({"upheld": true, "reason": "经核对签字原件，第一项为同意，录入有误，予以更正", "correction": correction}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(
        v["matters"][0]["tally"],
        json!([["同意", "609.00", 4], ["反对", "91.25", 1], ["弃权", "0.00", 0]]),
        "孙七's 100.00 m² moved from 弃权 to 同意"
    );
    assert_eq!(figures(&v, 0)[0].0, "700.25 m² / 920.25 m²", "the denominators stay as counted");
    let decided = app.last_audit("decision.objection_decide").await.unwrap();
    assert!(decided.summary.contains("corrected_ballot_id"), "{}", decided.summary);

    // The period over, the pending objection still holds the final result back.
    app.clock.advance(days(8));
    let r = send(
        app,
        Method::POST,
        "/api/v1/vote/objections",
        None,
        Some(json!({"code": codes[WU], "factor": "0033", "text": "逾期提出的异议"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = f.post(&format!("/api/v1/decisions/{id}/finalize"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("还有1件异议未处理"), "{}", r.body);
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/objections/{objection}"),
            json!({"upheld": false, "reason": "开发公司代表持授权委托书签名，表决有效"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["objections"][0]["status"], "异议不成立");
    assert_eq!(r.json()["objections"][1]["status"], "异议成立");
    assert!(app.last_audit("decision.objection_decide").await.is_some());
    let r = f.post(&format!("/api/v1/decisions/{id}/finalize"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!((v["status"].as_str(), v["phase"].as_str()), (Some("final"), Some("最终结果已公告")));
    assert_eq!(v["has_announcement"], true);
    assert_eq!(figures(&v, 0)[2].0, "609.00 m² / 700.25 m²", "the final result is the corrected count");
    assert!(app.last_audit("decision.finalize").await.is_some());
    let pdf = propwatch::service::decisions::announcement(&app.deps, id).await.unwrap().into_bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let r = f.post(&format!("/api/v1/decisions/{id}/finalize"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "once");
    let public = send(app, Method::GET, &format!("/api/v1/communities/{}/decisions", f.community), None, None).await;
    assert_eq!(public.json()[0]["has_announcement"], true);
    let list = send(app, Method::GET, "/api/v1/decisions", Some(&staff), None).await.json();
    assert_eq!((list[0]["id"].as_i64(), list[0]["items"].as_str()), (Some(id), Some("（四）（八）")));

    // The track's assembly step takes its result from the vote's (四), which passed: "retained"
    // is refused, "dismissed" is recorded on the count's day with the four comparisons.
    let today = today(app).to_string();
    let did = id.to_string();
    let mut officer = app.login_as(Role::TownshipOfficer).await; // weeks later: a new session
    officer.get(&track).await;
    let step = |name: &'static str| {
        vec![("step", name), ("on", today.as_str()), ("basis", "decision"), ("decision_id", did.as_str())]
    };
    let r = officer.post(&steps, &step("assembly_retained")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("解聘事项已获通过"), "{}", r.body);
    let r = officer.post(&steps, &step("assembly_dismissed")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&track).await;
    assert!(page.body.contains("依据业主共同决定"), "{}", page.body);
    assert!(page.body.contains("609.00 m² / 700.25 m²"), "the step cites the figures: {}", page.body);
    let counted_on = (d0 + days(25)).to_string();
    assert!(page.body.contains(&counted_on), "decided on the count's day {counted_on}: {}", page.body);
}

#[tokio::test]
async fn convening_needs_a_complete_roster_and_the_right_convenor() {
    let app = TestApp::new().await;
    let fc1 = community(&app, "YC-FC-001").await;
    let fc2 = community(&app, "YC-FC-002").await;
    let committee = app.token(Role::CommitteeMember).await;
    let township = app.token(Role::TownshipOfficer).await;
    let staff = app.token(Role::BureauStaff).await;
    let d0 = today(&app);
    let body = |c: i64| convene_body(c, d0 + days(15), d0 + days(24), &["4"], false);

    // No roster yet.
    let r = send(&app, Method::POST, "/api/v1/decisions", Some(&committee), Some(body(fc1))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("还没有登记房屋"));
    // A unit without an area: the denominators are uncertain; the message names the unit.
    let mut rows = ROSTER.to_vec();
    rows.push(["2号楼", "", "103", "", "", "", "否", "郑十", "", ""]);
    import(&app, &committee, fc1, &rows).await;
    let r = send(&app, Method::POST, "/api/v1/decisions", Some(&committee), Some(body(fc1))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("1户未登记面积或业主") && message.contains("2号楼-103"), "{message}");
    import(&app, &committee, fc1, &ROSTER).await;
    assert!(app.last_audit("decision.convene").await.is_none());

    // The township may not convene where the owners have a committee on the platform.
    let r = send(&app, Method::POST, "/api/v1/decisions", Some(&township), Some(body(fc1))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("应由业主委员会召集"));
    // The bureau never convenes; a committee only in its own community.
    let r = send(&app, Method::POST, "/api/v1/decisions", Some(&staff), Some(body(fc1))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(&app, Method::POST, "/api/v1/decisions", Some(&committee), Some(body(fc2))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Where there is no committee account, the township convenes.
    import(&app, &township, fc2, &ROSTER).await;
    let r = send(&app, Method::POST, "/api/v1/decisions", Some(&township), Some(body(fc2))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let v = send(&app, Method::GET, &format!("/api/v1/decisions/{id}"), Some(&township), None).await.json();
    assert_eq!((v["convenor"].as_str(), v["can_run"].as_bool()), (Some("乡镇（街道）"), Some(true)));
    // … and runs it alone: the bureau reads it but may not run it.
    let r = send(&app, Method::GET, &format!("/api/v1/decisions/{id}"), Some(&staff), None).await;
    assert_eq!((r.status, r.json()["can_run"].as_bool()), (StatusCode::OK, Some(false)));
    let r = send(&app, Method::POST, &format!("/api/v1/decisions/{id}/codes"), Some(&staff), Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(&app, Method::GET, &format!("/api/v1/decisions/{id}"), Some(&committee), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "another community's committee");
    // Cancelled before anyone voted: gone from the public list.
    let r = send(
        &app,
        Method::POST,
        &format!("/api/v1/decisions/{id}/cancel"),
        Some(&township),
        Some(json!({"reason": "业主大会筹备组另行召集"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["phase"], "已撤销");
    let public = send(&app, Method::GET, &format!("/api/v1/communities/{fc2}/decisions"), None, None).await;
    assert_eq!(public.json(), json!([]));
    // The OpenAPI document lists the routes.
    let doc = send(&app, Method::GET, "/api/v1/openapi.json", None, None).await.json();
    for path in ["/api/v1/decisions", "/api/v1/decisions/{id}/paper-ballots", "/api/v1/vote/cast"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}

#[tokio::test]
async fn the_township_extends_the_voting_period_within_sixty_days() {
    let f = fixture().await;
    let app = &f.app;
    let (id, _) = f.convene(&["4"], false).await;
    let v = f.view(id).await;
    let starts: NaiveDate = serde_json::from_value(v["voting_starts_on"].clone()).unwrap();
    let ends: NaiveDate = serde_json::from_value(v["voting_ends_on"].clone()).unwrap();
    assert_eq!(ends, starts + days(9));

    // Codes without SMS: every unit an owner can sign in for gets a slip, no text message is queued.
    let r = f.post(&format!("/api/v1/decisions/{id}/codes"), json!({"sms": false})).await;
    assert_eq!(r.json(), json!({"made": 7, "by_sms": 0, "slips": 7, "paper_only": 2}));
    assert!(sms_codes(app, id).await.is_empty());
    assert_eq!(codes(app, &f.committee, id).await.len(), 7);

    // Beyond sixty days in all, refused on the field.
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/extensions"),
            json!({"new_ends_on": starts + days(60), "reason": "外出业主较多"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["new_ends_on"].as_str().unwrap().contains("超过60日"), "{}", r.body);
    let r = f
        .post(&format!("/api/v1/decisions/{id}/extensions"), json!({"new_ends_on": ends, "reason": "外出业主较多"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["new_ends_on"].as_str().unwrap().contains("应晚于"));

    app.clock.advance(days(16));
    let new_ends = starts + days(59);
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/extensions"),
            json!({"new_ends_on": new_ends, "reason": "春节期间外出业主较多，参与表决人数不足"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ext = r.json()["id"].as_i64().unwrap();
    let r = f
        .post(&format!("/api/v1/decisions/{id}/extensions"), json!({"new_ends_on": new_ends, "reason": "再次申请延期"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "one pending request at a time");
    // The committee does not approve its own request; the township does.
    let r = f.post(&format!("/api/v1/decisions/{id}/extensions/{ext}"), json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let township = app.token(Role::TownshipOfficer).await;
    let v = send(app, Method::GET, &format!("/api/v1/decisions/{id}"), Some(&township), None).await.json();
    assert_eq!((v["can_decide_extension"].as_bool(), v["can_run"].as_bool()), (Some(true), Some(false)));
    let r = send(
        app,
        Method::POST,
        &format!("/api/v1/decisions/{id}/extensions/{ext}"),
        Some(&township),
        Some(json!({"approve": false, "note": ""})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a refusal gives its reason");
    assert!(r.json()["error"]["fields"]["note"].is_string());
    let r = send(
        app,
        Method::POST,
        &format!("/api/v1/decisions/{id}/extensions/{ext}"),
        Some(&township),
        Some(json!({"approve": true, "note": "同意"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["voting_ends_on"], json!(new_ends));
    assert_eq!(
        (v["extensions"][0]["status"].as_str(), v["extensions"][0]["pending"].as_bool()),
        (Some("已同意"), Some(false))
    );
    let e = app.last_audit("decision.extension_decide").await.unwrap();
    assert!(e.summary.contains("\"approved\":true"), "{}", e.summary);
    // Voting goes on past the old end.
    app.clock.advance(days(10));
    assert_eq!(f.view(id).await["phase"], "投票中");
    let r = f.post(&format!("/api/v1/decisions/{id}/close"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Nothing further: already at 60 days.
    let r = f
        .post(
            &format!("/api/v1/decisions/{id}/extensions"),
            json!({"new_ends_on": new_ends + days(1), "reason": "再延一天"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}

#[tokio::test]
async fn deemed_votes_count_only_where_the_community_registered_the_clause() {
    let f = fixture().await;
    let app = &f.app;
    let d0 = today(app);
    let body = convene_body(f.community, d0 + days(15), d0 + days(24), &["4"], true);
    let r = f.post("/api/v1/decisions", body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["deem"].as_str().unwrap().contains("未登记"));

    // The committee registers its rules' clause on the roster page.
    let clause = "议事规则第十二条：业主未参与表决的，计入已表决的多数票";
    let mut page = app.login_as(Role::CommitteeMember).await;
    page.get(&format!("/communities/{}/roster", f.community)).await;
    let r = page.post(&format!("/communities/{}/roster/deem-clause", f.community), &[("deem_clause", clause)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.last_audit("roster.deem_clause").await.unwrap().summary.contains("第十二条"));

    let (id, m) = f.convene(&["4"], true).await;
    assert_eq!(f.view(id).await["deem_clause"], clause);
    f.post(&format!("/api/v1/decisions/{id}/codes"), json!({"sms": true})).await;
    let codes = codes(app, &f.committee, id).await;
    app.clock.advance(days(15));
    for (unit, factor, choice) in
        [(ZHANG_1, "002X", "yes"), (LI, "0038", "yes"), (SUN, "0017", "no"), (ZHOU, "0026", "no")]
    {
        let r = cast(app, &codes[unit], factor, choices(&m, &[choice])).await;
        assert_eq!(r.status, StatusCode::CREATED, "{unit}: {}", r.body);
    }
    let r = paper(app, &f.committee, id, f.unit(DEV), "开发公司代表", &[(m[0], "yes")], Some(png())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.clock.advance(days(10));
    let r = f.post(&format!("/api/v1/decisions/{id}/close"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    // Cast: 张三 179.00 + 李四 90.00 + developer 240.00 yes (509.00, 3); 孙七 100.00 + 周八
    // 110.00 no (210.00, 2): 719.00 m², 5 owners. Yes leads by area and by headcount, so the
    // two who did not vote (赵六 91.25, 吴九 110.00: 201.25 m², 2 owners) are deemed yes, apart.
    assert_eq!(
        v["matters"][0]["tally"],
        json!([
            ["同意", "509.00", 3],
            ["反对", "210.00", 2],
            ["弃权", "0.00", 0],
            ["按议事规则计入同意", "201.25", 2],
            ["按议事规则计入反对", "0.00", 0],
        ])
    );
    // The quorum counts those who took part only; the passing test weighs the deemed votes too.
    assert_eq!(
        figures(&v, 0),
        [
            ("719.00 m² / 920.25 m²".to_string(), String::new(), true),
            ("5 人 / 7 人".to_string(), String::new(), true),
            ("710.25 m² / 920.25 m²".to_string(), "其中按议事规则计入：201.25 m² / 201.25 m²".to_string(), true),
            ("5 人 / 7 人".to_string(), "其中按议事规则计入：2 人 / 2 人".to_string(), true),
        ]
    );
    assert_eq!(v["matters"][0]["passed"], true);
}

#[tokio::test]
async fn owners_signing_in_with_codes_are_rate_limited_like_other_public_submissions() {
    let app = TestApp::with_settings(|s| s.public_rate_per_minute = 2).await;
    let login = json!({"code": "ABCD-EFGH", "factor": "1234"});
    for _ in 0..2 {
        let r = send(&app, Method::POST, "/api/v1/vote", None, Some(login.clone())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    let r = send(&app, Method::POST, "/api/v1/vote/cast", None, Some(login)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn the_scanner_counts_a_vote_the_day_after_its_period_and_tells_the_convenor_and_the_township() {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let f = fixture().await;
    let app = &f.app;
    let (id, _) = f.convene(&["4"], false).await;
    // Still voting on its last day: nothing to count.
    app.clock.advance(days(24));
    let now = propwatch::clock::Clock::now(&*app.clock);
    assert_eq!(propwatch::jobs::scanner::run_once(&app.deps, now).await.unwrap().votes_counted, 0);
    app.clock.advance(days(1));
    let now = propwatch::clock::Clock::now(&*app.clock);
    assert_eq!(propwatch::jobs::scanner::run_once(&app.deps, now).await.unwrap().votes_counted, 1);
    assert_eq!(propwatch::jobs::scanner::run_once(&app.deps, now).await.unwrap().votes_counted, 0, "once");
    let v = f.view(id).await;
    assert_eq!((v["status"].as_str(), v["has_announcement"].as_bool()), (Some("closed"), Some(true)));
    let told = propwatch::db::entities::notification::Entity::find()
        .filter(propwatch::db::entities::notification::Column::Kind.eq("decision_counted"))
        .count(&app.deps.db)
        .await
        .unwrap();
    assert!(told >= 2, "the convenor and the township's officers are told ({told})");
}

#[tokio::test]
async fn a_unit_a_vote_gave_a_code_stays_on_the_roster() {
    let f = fixture().await;
    let app = &f.app;
    let (id, _) = f.convene(&["4"], false).await;
    let r = f.post(&format!("/api/v1/decisions/{id}/codes"), json!({"sms": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let path = format!("/api/v1/communities/{}/roster/units/{}", f.community, f.unit(SUN));
    let r = send(app, Method::DELETE, &path, Some(&f.committee), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("已在业主表决中发放表决码"), "{}", r.body);
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/communities/{}/roster/import", f.community))
        .header(header::AUTHORIZATION, format!("Bearer {}", f.committee))
        .body(Body::from(workbook(&ROSTER)))
        .unwrap();
    let r = app.client().run(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不能整体导入替换"), "{}", r.body);
}
