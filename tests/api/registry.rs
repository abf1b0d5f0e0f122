//! The registry: validation, scoped lists, forms, Excel import and export.

use axum::http::{Method, StatusCode};
use propwatch::domain::credit_code::check_character;
use propwatch::domain::role::Role;
use rust_xlsxwriter::Workbook;
use serde_json::json;

use crate::helpers::TestApp;

fn code(first17: &str) -> String {
    format!("{first17}{}", check_character(first17).unwrap())
}

#[tokio::test]
async fn the_credit_code_validator_rejects_a_wrong_check_character() {
    let app = TestApp::new().await;
    let token = app.token(Role::BureauStaff).await;
    let c = app.client();
    let r = c
        .send(
            Method::POST,
            "/api/v1/companies",
            Some(&token),
            Some(json!({"name": "阳城县测试物业有限公司", "credit_code": "91350100M000100Y44"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["code"], "invalid_input");
    assert_eq!(r.json()["error"]["fields"]["credit_code"], "统一社会信用代码校验位不正确");
    let r = c
        .send(
            Method::POST,
            "/api/v1/companies",
            Some(&token),
            Some(json!({"name": "阳城县测试物业有限公司", "credit_code": "91350100M000100Y43"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let e = app.last_audit("company.create").await.unwrap();
    assert_eq!(e.object_id, id.to_string());
    // The same code twice is a field error, not a 500.
    let r = c
        .send(
            Method::POST,
            "/api/v1/companies",
            Some(&token),
            Some(json!({"name": "另一家", "credit_code": "91350100M000100Y43"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"]["credit_code"], "该统一社会信用代码已登记为另一家企业");
}

#[tokio::test]
async fn staff_register_a_community_through_the_form() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::BureauStaff).await;
    let form = c.get("/communities/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let township = propwatch::db::jurisdictions::jurisdiction_by_code(&app.deps.db, "140522100")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let bad = c
        .post("/communities", &[("code", "YC-FC-100"), ("name", ""), ("township_id", &township), ("fee_yuan", "1.234")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = bad.select("p.err");
    assert!(errors.contains(&"请填写小区名称".to_string()), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("收费标准")), "{errors:?}");
    assert!(
        propwatch::db::communities::community_by_code(&app.deps.db, "YC-FC-100").await.unwrap().is_none(),
        "nothing half-written"
    );
    let r = c
        .post(
            "/communities",
            &[
                ("code", "YC-FC-100"),
                ("name", "凤城新苑"),
                ("address", "阳城县凤城镇新区"),
                ("township_id", &township),
                ("company_id", ""),
                ("contract_start", "2024-01-01"),
                ("contract_end", "2026-12-31"),
                ("service_grade", "二级"),
                ("fee_yuan", "1.25"),
                ("building_area_m2", "52000.5"),
                ("unit_count", "480"),
                ("committee", "owners_committee"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get(&r.location()).await;
    assert_eq!(page.select("h1"), vec!["凤城新苑"]);
    let facts = page.select("dl.facts dd");
    assert!(facts.contains(&"1.25 元/㎡·月".to_string()), "{facts:?}");
    assert!(facts.contains(&"52000.5 ㎡".to_string()), "{facts:?}");
    let stored = propwatch::db::communities::community_by_code(&app.deps.db, "YC-FC-100").await.unwrap().unwrap();
    assert_eq!((stored.fee_fen, stored.building_area_cm2), (Some(125), Some(520_005_000)));
    let e = app.last_audit("community.create").await.unwrap();
    assert_eq!(e.object_id, stored.id.to_string());
}

#[tokio::test]
async fn a_company_user_sees_only_its_own_communities() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::CompanyUser).await;
    let page = c.get("/communities").await;
    let names = page.select("table.list tbody td[data-label=小区]");
    assert_eq!(names, vec!["凤城花园", "阳城新苑", "芹池花苑"]);
    let companies = c.get("/companies").await.select("table.list tbody td[data-label=企业]");
    assert_eq!(companies, vec!["阳城县安居物业服务有限公司"]);
}

fn workbook(companies: &[[&str; 3]], communities: &[[&str; 5]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("企业").unwrap();
    for (i, h) in ["企业名称", "统一社会信用代码", "法定代表人"].iter().enumerate() {
        ws.write(0, i as u16, *h).unwrap();
    }
    for (r, row) in companies.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            ws.write(r as u32 + 1, i as u16, *v).unwrap();
        }
    }
    let ws = wb.add_worksheet().set_name("小区").unwrap();
    for (i, h) in ["小区编码", "小区名称", "所属乡镇(街道)", "物业服务企业统一社会信用代码", "收费标准(元/㎡·月)"]
        .iter()
        .enumerate()
    {
        ws.write(0, i as u16, *h).unwrap();
    }
    for (r, row) in communities.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            ws.write(r as u32 + 1, i as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_bad_excel_import_imports_nothing_and_names_the_bad_rows() {
    let app = TestApp::new().await;
    let good = code("91140522MA0X00001");
    let bytes = workbook(
        &[
            ["阳城县新物业有限公司", &good, "张三"],
            ["坏代码物业", "91350100M000100Y44", "李四"],
            ["", &code("91140522MA0X00002"), "王五"],
        ],
        &[["YC-NEW-1", "新小区", "凤城镇", &good, "1.10"], ["YC-NEW-2", "远方小区", "不存在镇", "", "abc"]],
    );
    let before = app.audit_entries().await.len();
    let mut c = app.login_as(Role::BureauStaff).await;
    c.get("/registry/import").await;
    let r = c.upload("/registry/import", "file", "registry.xlsx", bytes).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let rows: Vec<String> = r.select("table.import-errors tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    let cells = r.select("table.import-errors td");
    assert_eq!(&cells[0..2], &["企业".to_string(), "3".to_string()]);
    assert!(cells[2].contains("校验位不正确"));
    assert_eq!(&cells[3..5], &["企业".to_string(), "4".to_string()]);
    assert!(cells[5].contains("请填写企业名称"));
    assert_eq!(&cells[6..8], &["小区".to_string(), "3".to_string()]);
    assert!(cells[8].contains("不存在镇") && cells[8].contains("收费标准"), "{}", cells[8]);
    assert!(
        propwatch::db::companies::company_by_credit_code(&app.deps.db, &good).await.unwrap().is_none(),
        "the good row was not imported either"
    );
    assert!(propwatch::db::communities::community_by_code(&app.deps.db, "YC-NEW-1").await.unwrap().is_none());
    assert_eq!(app.audit_entries().await.len(), before + 1, "only the login was audited");
}

#[tokio::test]
async fn a_good_import_creates_records_and_reimporting_changes_nothing() {
    let app = TestApp::new().await;
    let good = code("91140522MA0X00003");
    let bytes =
        workbook(&[["阳城县新物业有限公司", &good, "张三"]], &[["YC-NEW-1", "新小区", "凤城镇", &good, "1.10"]]);
    let token = app.token(Role::BureauStaff).await;
    let c = app.client();
    let import = |bytes: Vec<u8>| {
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/registry/import")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::from(bytes))
            .unwrap();
        c.run(req)
    };
    let r = import(bytes.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["companies_created"].as_u64(), r.json()["communities_created"].as_u64()), (Some(1), Some(1)));
    let m = propwatch::db::communities::community_by_code(&app.deps.db, "YC-NEW-1").await.unwrap().unwrap();
    assert_eq!(m.fee_fen, Some(110));
    let audited = app.audit_entries().await.len();
    let r = import(bytes).await;
    assert_eq!(
        (r.json()["companies_unchanged"].as_u64(), r.json()["communities_unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(app.audit_entries().await.len(), audited, "re-importing wrote nothing");
}

#[tokio::test]
async fn an_export_reimports_unchanged() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::BureauStaff).await;
    let token = app.token(Role::BureauStaff).await;
    let export = c.send(Method::GET, "/api/v1/registry/export", Some(&token), None).await;
    assert_eq!(export.status, StatusCode::OK);
    let req = axum::http::Request::builder()
        .method(Method::GET)
        .uri("/api/v1/registry/export")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes().to_vec();
    // The headers are Chinese.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    use calamine::Reader;
    let range = wb.worksheet_range("小区").unwrap();
    assert_eq!(range.get((0, 0)).unwrap().to_string(), "小区编码");
    assert_eq!(range.height(), 21);
    c.get("/registry/import").await;
    let r = c.upload("/registry/import", "file", "export.xlsx", bytes).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ok = r.select("p.ok");
    assert!(ok[0].contains("企业新增 0、更新 0、未变 8") && ok[0].contains("小区新增 0、更新 0、未变 20"), "{ok:?}");
}

#[tokio::test]
async fn malformed_input_gets_a_chinese_error_not_a_500() {
    let app = TestApp::new().await;
    let token = app.token(Role::BureauStaff).await;
    let c = app.client();
    let r = c.send(Method::POST, "/api/v1/communities", Some(&token), Some(json!({"code": 5}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["message"].as_str().unwrap().contains("提交的内容有误")
            || r.json()["error"]["fields"]["body"].is_string()
    );
    let r = c.send(Method::GET, "/api/v1/companies/999999", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["message"], "企业不存在或已被删除");
    let mut page = app.login_as(Role::BureauStaff).await;
    let r = page.get("/communities?township_id=abc").await;
    assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    page.get("/registry/import").await;
    let r = page.upload("/registry/import", "file", "x.xlsx", b"not a spreadsheet".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err")[0].contains(".xlsx"));
}

#[tokio::test]
async fn an_absurd_page_number_is_not_a_crash() {
    let app = TestApp::new().await;
    let mut c = app.login_as(Role::CompanyUser).await;
    let r = c.get("/companies?page=461168601842738792").await;
    assert_eq!(r.status, StatusCode::OK);
    let token = app.token(Role::BureauStaff).await;
    let r = app.client().send(Method::GET, "/api/v1/companies?page=18446744073709551615", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 0);
    let long = "x".repeat(500);
    let r = app
        .client()
        .send(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": long, "password": "Wrong-pass1"})))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
}

#[tokio::test]
async fn grade_fee_ranges_are_marked_as_demo_data_and_administrators_edit_them() {
    let app = TestApp::new().await;
    let mut admin = app.login_as(Role::SystemAdmin).await;
    let page = admin.get("/grades").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select("p.demo-data").iter().any(|p| p.contains("示例数据") && p.contains("价格主管部门")));
    let g = propwatch::service::reassessments::grades(&app.deps).await.unwrap().into_iter().next().unwrap();
    let path = format!("/grades/{}", g.id);
    let r = admin.post(&path, &[("standard", "24小时秩序维护"), ("fee_min", "2.5"), ("fee_max", "1.2")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("收费上限不能低于下限"), "{}", r.body);
    let r = admin.post(&path, &[("standard", "24小时秩序维护"), ("fee_min", "一元"), ("fee_max", "")]).await;
    assert!(r.body.contains("请填写收费下限") && r.body.contains("请填写收费上限"), "{}", r.body);
    let r = admin
        .post(&path, &[("standard", "24小时秩序维护，每日两次保洁"), ("fee_min", "1.35"), ("fee_max", "2.1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = propwatch::service::reassessments::grades(&app.deps).await.unwrap().into_iter().next().unwrap();
    assert_eq!((after.fee_min_fen, after.fee_max_fen), (135, 210));
    assert!(app.last_audit("service_grade.update").await.is_some());
    assert!(admin.get("/grades").await.select("td.fee").contains(&"1.35–2.10".to_string()));
    // Bureau staff read the table but may not change it.
    let mut staff = app.login_as(Role::BureauStaff).await;
    staff.get("/grades").await;
    let r = staff.post(&path, &[("standard", "x"), ("fee_min", "1"), ("fee_max", "2")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
