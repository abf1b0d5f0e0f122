//! The owner roster (业主名册): Excel import with totals by 第9条, refusals listed by row and
//! column with nothing written, owners masked everywhere, never shown to the company, every
//! change audited.

use axum::http::{Method, StatusCode};
use propwatch::domain::role::Role;
use serde_json::json;

use crate::helpers::TestApp;

use crate::helpers::ROSTER_HEADERS as HEADERS;

/// 张三 owns two flats; 李四 and 王五 co-own one (surveyed area only); 赵六's has only a contract
/// area; the developer still holds two; 孙七's has no area at all.
const GOOD: [[&str; 10]; 8] = [
    ["1号楼", "1单元", "101", "89.50", "", "", "否", "张三", "13800138000", "11010119900307002X"],
    ["1号楼", "1单元", "102", "89.50", "", "", "否", "张三", "13800138000", "11010119900307002X"],
    ["1号楼", "1单元", "201", "", "90.00", "", "否", "李四", "", "110101199003070038"],
    ["1号楼", "1单元", "201", "", "90.00", "", "否", "王五", "", ""],
    ["1号楼", "1单元", "202", "", "", "91.25", "否", "赵六", "13900000000", ""],
    ["2号楼", "", "101", "120", "", "", "是", "", "", ""],
    ["2号楼", "", "102", "120", "", "", "是", "", "", ""],
    ["2号楼", "", "103", "", "", "", "否", "孙七", "", ""],
];

fn workbook(rows: &[[&str; 10]]) -> Vec<u8> {
    crate::helpers::roster_workbook(rows)
}

async fn community(app: &TestApp, code: &str) -> i64 {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap().id
}

/// Sends raw bytes (or nothing) with a bearer token and returns status and body bytes.
async fn raw(app: &TestApp, method: Method, path: &str, token: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let req = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    let status = res.status();
    (status, http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes().to_vec())
}

fn cells(xlsx: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let range = wb.worksheet_range("业主名册").unwrap();
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

#[tokio::test]
async fn an_imported_roster_counts_units_area_and_owners_as_articles_8_and_9_say() {
    let app = TestApp::new().await;
    let id = community(&app, "YC-FC-001").await;
    let mut committee = app.login_as(Role::CommitteeMember).await;
    committee.get(&format!("/communities/{id}/roster")).await;
    let r = committee.upload(&format!("/communities/{id}/roster/import"), "file", "名册.xlsx", workbook(&GOOD)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let token = app.token(Role::CommitteeMember).await;
    let v = app.client().send(Method::GET, &format!("/api/v1/communities/{id}/roster"), Some(&token), None).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    let v = v.json();
    // Counted: 1-101, 1-102, 1-201, 1-202, 2-101, 2-102; 2-103 has no area.
    assert_eq!(v["totals"]["units"], 6);
    assert_eq!(v["totals"]["area_centi"], 8950 + 8950 + 9000 + 9125 + 12000 + 12000);
    assert_eq!(v["totals"]["area"], "600.25");
    // 张三 (two flats) one, 李四 and 王五 (co-owners) one, 赵六 one, the developer one.
    assert_eq!(v["totals"]["owners"], 4);
    assert_eq!(v["uncounted"], json!(["2号楼-103"]));
    let sources: Vec<&str> =
        v["units"].as_array().unwrap().iter().map(|u| u["area_source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["register", "register", "surveyed", "contract", "register", "register", ""]);
    let co_owned = &v["units"][2];
    assert_eq!(co_owned["owners"].as_array().unwrap().len(), 2);
    assert_eq!(co_owned["owners"][0]["name"], "李*");
    assert_eq!(co_owned["owners"][0]["id_number"], "**************0038");
    assert_eq!(v["units"][0]["owners"][0]["phone"], "138****8000");
    assert!(!v.to_string().contains("张三") && !v.to_string().contains("13800138000"));

    // The page: totals, the source of each area, owners masked.
    let page = committee.get(&format!("/communities/{id}/roster")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select(".owners-n"), ["4"]);
    assert_eq!(page.select(".area-n"), ["600.25"]);
    assert!(page.select("td.source").contains(&"实测面积".to_string()));
    assert!(page.select("td.source").contains(&"合同面积".to_string()));
    assert!(page.select(".uncounted")[0].contains("2号楼-103"));
    for secret in ["张三", "李四", "13800138000", "11010119900307002X", "110101199003070038"] {
        assert!(!page.body.contains(secret), "{secret} shown in clear");
    }
    assert!(page.body.contains("张*") && page.body.contains("**************002X"));

    // Sealed at rest.
    let owners = propwatch::db::roster::owners(&app.deps.db, id).await.unwrap();
    assert_eq!(owners.len(), 6);
    assert!(owners.iter().all(|o| !o.name_sealed.contains("张三") && o.name_sealed.starts_with("sm4gcm:")));

    // Audited, with no personal data in the summary.
    let e = app.last_audit("roster.import").await.expect("import audited");
    assert_eq!(e.object_id, id.to_string());
    assert!(e.summary.contains("\"units\":7") && !e.summary.contains("张"), "{}", e.summary);

    // The committee's export holds the personal data (and is audited); the bureau's is masked.
    let (status, xlsx) =
        raw(&app, Method::GET, &format!("/api/v1/communities/{id}/roster/export"), &token, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let rows = cells(xlsx.clone());
    assert_eq!(rows[0], HEADERS);
    assert_eq!(rows.len(), 9, "a row per owner, one per developer unit");
    assert!(rows.iter().any(|r| r[7] == "张三" && r[9] == "11010119900307002X"));
    assert!(app.last_audit("roster.export").await.is_some());
    // What the committee exports it can import again unchanged.
    let (status, _) = raw(&app, Method::POST, &format!("/api/v1/communities/{id}/roster/import"), &token, xlsx).await;
    assert_eq!(status, StatusCode::OK);
    let again = app.client().send(Method::GET, &format!("/api/v1/communities/{id}/roster"), Some(&token), None).await;
    assert_eq!(again.json()["totals"], v["totals"]);
    let staff = app.token(Role::BureauStaff).await;
    let (status, xlsx) =
        raw(&app, Method::GET, &format!("/api/v1/communities/{id}/roster/export"), &staff, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let rows = cells(xlsx);
    assert!(rows.iter().any(|r| r[7] == "张*" && r[9] == "**************002X"));
    assert!(rows.iter().all(|r| r[7] != "张三"));
}

#[tokio::test]
async fn a_bad_workbook_is_refused_row_by_row_in_chinese_and_nothing_is_written() {
    let app = TestApp::new().await;
    let id = community(&app, "YC-FC-001").await;
    let token = app.token(Role::TownshipOfficer).await;
    let path = format!("/api/v1/communities/{id}/roster/import");
    let (status, _) = raw(&app, Method::POST, &path, &token, workbook(&GOOD[..2])).await;
    assert_eq!(status, StatusCode::OK, "the township keeps the roster too");
    let audited = app.audit_entries().await.len();
    let bad = [
        ["1号楼", "1单元", "", "89.50", "", "", "否", "张三", "", ""],
        ["1号楼", "1单元", "102", "八十", "", "", "否", "李四", "", ""],
        ["1号楼", "1单元", "103", "80", "", "", "否", "王五", "", "110101199003070012"],
        ["1号楼", "1单元", "104", "80", "", "", "也许", "赵六", "", ""],
        ["1号楼", "1单元", "105", "80", "", "", "否", "", "", ""],
        ["1号楼", "1单元", "106", "80", "", "", "否", "孙七", "", ""],
    ];
    let (status, body) = raw(&app, Method::POST, &path, &token, workbook(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "“房号”必填".to_string()),
            (3, "“登记面积(㎡)”面积“八十”应为平方米数，最多两位小数".to_string()),
            (4, "“身份证号”校验位不正确，请核对".to_string()),
            (5, "“开发建设单位未售出或未交付”应填“是”或“否”，不是“也许”".to_string()),
            (6, "“业主姓名”必填（开发建设单位未售出或未交付的房屋请注明）".to_string()),
        ]
    );
    // Rows of one unit that disagree are refused naming both rows.
    let clash = [GOOD[0], ["1号楼", "1单元", "101", "88.00", "", "", "否", "王五", "", ""]];
    let (status, body) = raw(&app, Method::POST, &path, &token, workbook(&clash)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(report["errors"][0]["row"], 3);
    assert_eq!(report["errors"][0]["message"], "与第2行是同一房屋，但面积或“开发建设单位未售出或未交付”不一致");
    // The roster imported before is untouched and nothing was audited.
    let v =
        app.client().send(Method::GET, &format!("/api/v1/communities/{id}/roster"), Some(&token), None).await.json();
    assert_eq!(v["units"].as_array().unwrap().len(), 2);
    assert_eq!(app.audit_entries().await.len(), audited);
    // The page lists the same errors.
    let mut page = app.login_as(Role::TownshipOfficer).await;
    page.get(&format!("/communities/{id}/roster")).await;
    let r = page.upload(&format!("/communities/{id}/roster/import"), "file", "名册.xlsx", workbook(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select(".import-errors td").contains(&"“房号”必填".to_string()), "{:?}", r.select(".import-errors td"));
    let r =
        page.upload(&format!("/communities/{id}/roster/import"), "file", "x.xlsx", b"not a workbook".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("无法读取文件"));
}

#[tokio::test]
async fn the_company_and_other_outsiders_never_see_a_roster_entry() {
    let app = TestApp::new().await;
    let id = community(&app, "YC-FC-001").await; // managed by the demo company
    let committee = app.token(Role::CommitteeMember).await;
    let (status, _) =
        raw(&app, Method::POST, &format!("/api/v1/communities/{id}/roster/import"), &committee, workbook(&GOOD)).await;
    assert_eq!(status, StatusCode::OK);
    for role in [Role::CompanyUser, Role::DepartmentUser, Role::SystemAdmin] {
        let mut c = app.login_as(role).await;
        for path in [format!("/communities/{id}/roster"), format!("/communities/{id}/roster/export.xlsx")] {
            let r = c.get(&path).await;
            assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{role:?} {path}: {}", r.status);
            assert!(!r.body.contains("张") && !r.body.contains("1号楼"), "{role:?} {path}");
        }
        let token = app.token(role).await;
        for path in [format!("/api/v1/communities/{id}/roster"), format!("/api/v1/communities/{id}/roster/export")] {
            let r = app.client().send(Method::GET, &path, Some(&token), None).await;
            assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{role:?} {path}");
            assert!(!r.body.contains("张"), "{role:?} {path}");
        }
        let r = app
            .client()
            .send(
                Method::POST,
                &format!("/api/v1/communities/{id}/roster/units"),
                Some(&token),
                Some(json!({"building": "9号楼", "room": "901", "owners": [{"name": "某人"}]})),
            )
            .await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{role:?} adds a unit");
    }
    // The company's community page has no link to it; the committee's and the bureau's have.
    let mut company = app.login_as(Role::CompanyUser).await;
    assert!(company.get(&format!("/communities/{id}")).await.select("a.roster-link").is_empty());
    let mut staff = app.login_as(Role::BureauStaff).await;
    assert_eq!(staff.get(&format!("/communities/{id}")).await.select("a.roster-link").len(), 1);
    // The public is sent to sign in.
    let r = app.client().get(&format!("/communities/{id}/roster")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The bureau reads it masked and may not change it; another community's committee may not read it.
    let page = staff.get(&format!("/communities/{id}/roster")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("张三") && page.body.contains("张*"));
    assert!(page.select("form.unit-form").is_empty(), "no edit forms for a reader");
    let staff_token = app.token(Role::BureauStaff).await;
    let r = app
        .client()
        .send(
            Method::DELETE,
            &format!(
                "/api/v1/communities/{id}/roster/units/{}",
                propwatch::db::roster::units(&app.deps.db, id).await.unwrap()[0].id
            ),
            Some(&staff_token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let other = community(&app, "YC-FC-003").await;
    let r =
        app.client().send(Method::GET, &format!("/api/v1/communities/{other}/roster"), Some(&committee), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn units_are_added_changed_and_deleted_with_their_co_owners_and_each_change_is_audited() {
    let app = TestApp::new().await;
    let id = community(&app, "YC-FC-001").await;
    let token = app.token(Role::CommitteeMember).await;
    let c = app.client();
    let units = format!("/api/v1/communities/{id}/roster/units");
    let r = c
        .send(
            Method::POST,
            &units,
            Some(&token),
            Some(json!({"building": "3号楼", "unit": "1单元", "room": "301", "surveyed_area": "98.6",
                "owners": [{"name": "周八", "phone": "13700000000"}, {"name": "吴九", "id_number": "11010119900307002X"}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let unit = r.json()["id"].as_i64().unwrap();
    let roster =
        || async { c.send(Method::GET, &format!("/api/v1/communities/{id}/roster"), Some(&token), None).await.json() };
    let v = roster().await;
    assert_eq!((v["totals"]["units"].as_u64(), v["totals"]["owners"].as_u64()), (Some(1), Some(1)));
    assert_eq!(v["units"][0]["area_source_label"], "实测面积");
    let saved = app.last_audit("roster.unit_save").await.unwrap();
    assert_eq!(saved.object_id, unit.to_string());
    assert!(!saved.summary.contains("周八") && !saved.summary.contains("13700000000"), "{}", saved.summary);

    // The register's area arrives; the owners stay when none are sent.
    let r = c
        .send(
            Method::PUT,
            &format!("{units}/{unit}"),
            Some(&token),
            Some(json!({"building": "3号楼", "unit": "1单元", "room": "301", "surveyed_area": "98.6", "register_area": "97.35"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = roster().await;
    assert_eq!(v["units"][0]["area"], "97.35");
    assert_eq!(v["units"][0]["area_source"], "register");
    assert_eq!(v["units"][0]["owners"].as_array().unwrap().len(), 2);

    // A second unit at the same place is refused on the room field.
    let r = c
        .send(
            Method::POST,
            &units,
            Some(&token),
            Some(json!({"building": "3号楼", "unit": "1单元", "room": "301", "owners": [{"name": "郑十"}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"]["room"], "该房屋已在本小区的业主名册中");

    // Through the page form: a developer's unit.
    let mut page = app.login_as(Role::CommitteeMember).await;
    page.get(&format!("/communities/{id}/roster")).await;
    let r = page
        .post(
            &format!("/communities/{id}/roster/units"),
            &[
                ("building", "3号楼"),
                ("unit", "1单元"),
                ("room", "302"),
                ("contract_area", "88"),
                ("developer_held", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = page.post(&format!("/communities/{id}/roster/units"), &[("building", "3号楼"), ("room", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").contains(&"“房号”必填".to_string()), "{:?}", r.select("p.err"));
    let v = roster().await;
    assert_eq!((v["totals"]["units"].as_u64(), v["totals"]["owners"].as_u64()), (Some(2), Some(2)));

    let r = c.send(Method::DELETE, &format!("{units}/{unit}"), Some(&token), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = c.send(Method::DELETE, &format!("{units}/{unit}"), Some(&token), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.last_audit("roster.unit_delete").await.unwrap().object_id, unit.to_string());
    let v = roster().await;
    assert_eq!((v["totals"]["units"].as_u64(), v["totals"]["owners"].as_u64()), (Some(1), Some(1)));
    assert!(propwatch::db::roster::owners_of_unit(&app.deps.db, unit).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_demo_county_has_rosters_to_show() {
    let app = TestApp::new().await;
    propwatch::service::demo::seed_activity(&app.deps).await.unwrap();
    let id = community(&app, "YC-FC-001").await;
    let token = app.token(Role::CommitteeMember).await;
    let v =
        app.client().send(Method::GET, &format!("/api/v1/communities/{id}/roster"), Some(&token), None).await.json();
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.len(), 72);
    assert_eq!(v["uncounted"], json!([]), "its committee completed the roster before convening votes");
    assert_eq!(units.iter().filter(|u| u["developer_held"] == true).count(), 8);
    assert!(units.iter().any(|u| u["owners"].as_array().unwrap().len() == 2), "some co-owned");
    assert!(
        units.iter().any(|u| u["area_source"] == "surveyed") && units.iter().any(|u| u["area_source"] == "contract")
    );
    let owners = v["totals"]["owners"].as_u64().unwrap();
    // 72 counted units: the developer's 8 are one owner, and a few owners hold two units.
    assert_eq!(v["totals"]["units"], 72);
    assert!(owners < 72 - 7, "{owners}");
    let other = community(&app, "YC-FC-002").await;
    let v = app
        .client()
        .send(
            Method::GET,
            &format!("/api/v1/communities/{other}/roster"),
            Some(&app.token(Role::TownshipOfficer).await),
            None,
        )
        .await
        .json();
    assert_eq!(v["units"].as_array().unwrap().len(), 40);
    assert_eq!(v["uncounted"], json!(["2号楼-101"]), "the township has one area still to enter");
}
