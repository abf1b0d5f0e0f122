//! Each role can do exactly what the authorization table says on a sample of routes, and is
//! refused elsewhere.

use axum::http::{Method, StatusCode};
use propwatch::domain::role::Role;

use crate::helpers::TestApp;

const ROLES: [Role; 8] = [
    Role::SystemAdmin,
    Role::BureauStaff,
    Role::BureauLeader,
    Role::DisciplineInspector,
    Role::TownshipOfficer,
    Role::CompanyUser,
    Role::CommitteeMember,
    Role::DepartmentUser,
];

async fn company_id(app: &TestApp, name: &str) -> i64 {
    let (rows, _) = propwatch::db::companies::companies(&app.deps.db, &Default::default(), 1, 100).await.unwrap();
    rows.into_iter().find(|c| c.name == name).unwrap().id
}

async fn community_id(app: &TestApp, code: &str) -> i64 {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap().id
}

#[tokio::test]
async fn each_role_reaches_exactly_what_the_table_allows() {
    let app = TestApp::new().await;
    let own_company = company_id(&app, "阳城县安居物业服务有限公司").await;
    let other_company = company_id(&app, "山西凤城物业管理有限公司").await;
    let own_community = community_id(&app, "YC-FC-001").await; // 凤城花园, 安居, 凤城镇
    let other_community = community_id(&app, "YC-FC-003").await; // 析城山庄, 凤城物业, 凤城镇
    let far_community = community_id(&app, "YC-BL-001").await; // 北留锦园, 北留镇
    let own_code = propwatch::db::companies::company(&app.deps.db, own_company).await.unwrap().unwrap().credit_code;

    // (path, allowed for: admin, staff, leader, discipline, township, company, committee, department)
    let gets: Vec<(String, [bool; 8])> = vec![
        ("/companies".into(), [true, true, true, true, true, true, true, false]),
        (format!("/companies/{own_company}"), [true, true, true, true, true, true, true, false]),
        (format!("/companies/{other_company}"), [true, true, true, true, true, false, false, false]),
        (format!("/communities/{own_community}"), [true, true, true, true, true, true, true, false]),
        (format!("/communities/{other_community}"), [true, true, true, true, true, false, false, false]),
        (format!("/communities/{far_community}"), [true, true, true, true, false, false, false, false]),
        (format!("/companies/{own_company}/edit"), [false, true, false, false, false, false, false, false]),
        ("/companies/new".into(), [false, true, false, false, false, false, false, false]),
        ("/admin/accounts".into(), [true, false, false, false, false, false, false, false]),
        ("/audit".into(), [false, false, true, true, false, false, false, false]),
        ("/registry/import".into(), [false, true, false, false, false, false, false, false]),
        ("/registry/export.xlsx".into(), [false, true, true, true, false, false, false, false]),
        ("/catalog".into(), [true, true, true, true, true, true, true, true]),
        ("/disclosures".into(), [false, true, true, true, true, false, false, false]),
        (format!("/communities/{own_community}/disclosures"), [true, true, true, true, true, true, true, false]),
        (format!("/communities/{other_community}/disclosures"), [true, true, true, true, true, false, false, false]),
        (format!("/communities/{far_community}/disclosures"), [true, true, true, true, false, false, false, false]),
        (format!("/communities/{own_community}/revenue"), [false, true, true, true, true, true, true, false]),
        (format!("/communities/{far_community}/revenue"), [false, true, true, true, false, false, false, false]),
    ];
    for (i, role) in ROLES.into_iter().enumerate() {
        let mut c = app.login_as(role).await;
        for (path, allowed) in &gets {
            let r = c.get(path).await;
            let want = if allowed[i] { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(r.status, want, "{role:?} GET {path}");
            if !allowed[i] {
                assert!(!r.select(".error-message").is_empty(), "{role:?} GET {path} explains the refusal");
            }
        }
        // A mutation: only bureau staff change a company.
        c.get("/catalog").await;
        let r = c
            .post(
                &format!("/companies/{own_company}"),
                &[
                    ("name", "阳城县安居物业服务有限公司"),
                    ("credit_code", &own_code),
                    ("status", "active"),
                    ("address", "阳城县凤城镇新地址"),
                ],
            )
            .await;
        let want = if role == Role::BureauStaff { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(r.status, want, "{role:?} POST company: {}", r.body);
        // Only the administrator changes the catalog.
        let r = c
            .post(
                "/catalog/3",
                &[
                    ("title", "共有部分维修养护清洁绿化管理不到位"),
                    ("legal_basis", "《民法典》第九百四十二条"),
                    ("active", "on"),
                ],
            )
            .await;
        let want = if role == Role::SystemAdmin { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(r.status, want, "{role:?} POST catalog: {}", r.body);
    }
}

#[tokio::test]
async fn the_api_applies_the_same_table() {
    let app = TestApp::new().await;
    let other_community = community_id(&app, "YC-FC-003").await;
    let own_community = community_id(&app, "YC-FC-001").await;
    let c = app.client();
    let company = app.token(Role::CompanyUser).await;
    let r = c.send(Method::GET, &format!("/api/v1/communities/{other_community}"), Some(&company), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    assert_eq!(r.json()["error"]["message"], "该对象不在您的管辖或授权范围内");
    let r = c.send(Method::GET, &format!("/api/v1/communities/{own_community}"), Some(&company), None).await;
    assert_eq!(r.json()["name"], "凤城花园");
    let list = c.send(Method::GET, "/api/v1/communities?per_page=200", Some(&company), None).await.json();
    let names: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|m| m["company_name"].as_str().unwrap()).collect();
    assert!(!names.is_empty() && names.iter().all(|n| *n == "阳城县安居物业服务有限公司"), "{names:?}");

    let discipline = app.token(Role::DisciplineInspector).await;
    let r = c
        .send(
            Method::PUT,
            &format!("/api/v1/communities/{own_community}"),
            Some(&discipline),
            Some(serde_json::json!({"code": "YC-FC-001", "name": "改名", "township_id": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "discipline inspectors change nothing");
    assert_eq!(c.send(Method::GET, "/api/v1/audit/verify", Some(&discipline), None).await.json()["intact"], true);

    let admin = app.token(Role::SystemAdmin).await;
    assert_eq!(
        c.send(Method::GET, "/api/v1/audit", Some(&admin), None).await.status,
        StatusCode::FORBIDDEN,
        "administrators read no audit content"
    );
    assert_eq!(c.send(Method::GET, "/api/v1/users", Some(&admin), None).await.status, StatusCode::OK);
    let staff = app.token(Role::BureauStaff).await;
    assert_eq!(c.send(Method::GET, "/api/v1/users", Some(&staff), None).await.status, StatusCode::FORBIDDEN);
    let township = app.token(Role::TownshipOfficer).await;
    let towns = c.send(Method::GET, "/api/v1/communities?per_page=200", Some(&township), None).await.json();
    assert!(towns["items"].as_array().unwrap().iter().all(|m| m["township_name"] == "凤城镇"));
    assert_eq!(towns["total"], 15);
}
