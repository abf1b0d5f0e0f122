//! Full inspection (全面排查): plans, answers saved one by one, photos, submitting (problem items
//! become cases), coverage, and who may do what.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use propwatch::domain::role::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{Client, TestApp};

fn today(app: &TestApp) -> NaiveDate {
    propwatch::clock::today(app.deps.clock.now())
}

async fn community(app: &TestApp, code: &str) -> propwatch::db::entities::community::Model {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap()
}

async fn user_id(app: &TestApp, role: Role) -> i64 {
    propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(role)).await.unwrap().unwrap().id
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 120]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

async fn phase_id(app: &TestApp) -> i64 {
    propwatch::db::entities::campaign_phase::Entity::find().all(&app.deps.db).await.unwrap()[0].id
}

/// Plans an inspection of a township; returns the plan id.
async fn plan_township(app: &TestApp, staff: &mut Client, township_id: i64, checklist: &str) -> i64 {
    staff.get("/inspections/plans/new").await;
    let r = staff
        .post(
            "/inspections/plans",
            &[
                ("name", "凤城镇专项整治全面排查"),
                ("phase_id", &phase_id(app).await.to_string()),
                ("scope", "township"),
                ("township_id", &township_id.to_string()),
                ("checklist", checklist),
                ("due_on", &(today(app) + Duration::days(10)).to_string()),
                ("responsible_user_id", &user_id(app, Role::BureauStaff).await.to_string()),
                ("assignee_user_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().trim_start_matches("/inspections/plans/").parse().unwrap()
}

async fn inspection_of(app: &TestApp, plan: i64, community_id: i64) -> i64 {
    use propwatch::db::entities::inspection;
    inspection::Entity::find()
        .filter(inspection::Column::PlanId.eq(plan))
        .filter(inspection::Column::CommunityId.eq(community_id))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn an_inspection_saves_each_answer_and_turns_its_problems_into_cases() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let fc = community(&app, "YC-FC-001").await;
    let plan = plan_township(&app, &mut staff, fc.township_id, "A1.1,A1.2,A3.1").await;
    // One inspection per community of the township, nothing else.
    use propwatch::db::entities::{community as cm, inspection};
    let in_township =
        cm::Entity::find().filter(cm::Column::TownshipId.eq(fc.township_id)).count(&app.deps.db).await.unwrap();
    let planned =
        inspection::Entity::find().filter(inspection::Column::PlanId.eq(plan)).count(&app.deps.db).await.unwrap();
    assert_eq!(planned, in_township);
    assert!(app.last_audit("inspection_plan.create").await.is_some());
    let id = inspection_of(&app, plan, fc.id).await;

    // The township officer of 凤城镇 finds it among the tasks of the area (unassigned) and
    // answers item by item; each answer is stored as it is given.
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    let tasks = officer.get("/inspections").await;
    assert!(tasks.body.contains(&format!("/inspections/{id}\"")), "{}", tasks.body);
    let form = officer.get(&format!("/inspections/{id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.select("section.check-item").len(), 3);
    assert!(form.body.contains("capture=\"environment\""), "photos straight from the camera");
    let token = officer.csrf.clone().unwrap();
    let htmx = [("HX-Request", "true")];
    let r = officer
        .post_raw(
            &format!("/inspections/{id}/answers/A1.1"),
            &[("answer", "compliant"), ("note", ""), ("_csrf", &token)],
            &htmx,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("已保存"), "{}", r.body);
    // A connection dropping now loses nothing: the answer is in the database.
    let answers = propwatch::db::inspections::answers(&app.deps.db, id).await.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!((answers[0].catalog_code.as_str(), answers[0].answer.as_str()), ("A1.1", "compliant"));
    // Changing one's mind replaces the answer, never duplicates it.
    officer
        .post_raw(&format!("/inspections/{id}/answers/A1.1"), &[("answer", "not_applicable"), ("_csrf", &token)], &htmx)
        .await;
    let answers = propwatch::db::inspections::answers(&app.deps.db, id).await.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].answer, "not_applicable");
    // A bad answer is refused in Chinese, in the fragment, and stores nothing.
    let r = officer
        .post_raw(&format!("/inspections/{id}/answers/A1.2"), &[("answer", "maybe"), ("_csrf", &token)], &htmx)
        .await;
    assert!(r.body.contains("未保存") && r.body.contains("请选择"), "{}", r.body);
    assert_eq!(propwatch::db::inspections::answers(&app.deps.db, id).await.unwrap().len(), 1);
    // Without script, the item's own button answers with the page again.
    let r = officer
        .post(
            &format!("/inspections/{id}/answers/A1.2"),
            &[("answer", "problem"), ("note", "单元门禁损坏三个月无人维修")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/inspections/{id}#item-A1.2"));
    let r = officer.upload(&format!("/inspections/{id}/photos/A1.2"), "photos", "door.jpg", jpeg()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = officer.upload(&format!("/inspections/{id}/photos/A1.2"), "photos", "x.txt", b"not a photo".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只能上传照片"), "{}", r.body);

    // Submitting with an item unanswered, or a problem undescribed, is refused and changes
    // nothing.
    let r = officer.post(&format!("/inspections/{id}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("尚有 1 项未作答（A3.1）"), "{}", r.body);
    officer.post(&format!("/inspections/{id}/answers/A3.1"), &[("answer", "problem"), ("note", "")]).await;
    let r = officer.post(&format!("/inspections/{id}/submit"), &[]).await;
    assert!(r.body.contains("存在问题的项目须写明情况（A3.1）"), "{}", r.body);
    let before = propwatch::db::entities::case::Entity::find().count(&app.deps.db).await.unwrap();
    officer
        .post(
            &format!("/inspections/{id}/answers/A3.1"),
            &[("answer", "problem"), ("note", "地下车库消防栓无水，灭火器过期")],
        )
        .await;
    let r = officer.post(&format!("/inspections/{id}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Two problem items: two cases of the community's company, sourced from the inspection,
    // with the note as facts and the item's photo as evidence, for the plan's responsible.
    let cases = propwatch::db::entities::case::Entity::find()
        .filter(propwatch::db::entities::case::Column::InspectionId.eq(id))
        .all(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(propwatch::db::entities::case::Entity::find().count(&app.deps.db).await.unwrap(), before + 2);
    for c in &cases {
        assert_eq!(c.source, "inspection");
        assert_eq!(c.status, "verifying");
        assert_eq!(c.company_id, fc.company_id);
        assert_eq!(c.responsible_user_id, Some(user_id(&app, Role::BureauStaff).await));
    }
    let door = cases.iter().find(|c| c.facts.contains("单元门禁")).expect("the A1.2 case");
    assert_eq!(propwatch::db::cases::items(&app.deps.db, door.id).await.unwrap(), vec!["A1.2"]);
    assert_eq!(propwatch::db::cases::photos(&app.deps.db, door.id).await.unwrap().len(), 1);
    let page = staff.get(&format!("/cases/{}", door.id)).await;
    assert!(page.body.contains("单元门禁损坏三个月无人维修"));
    let ledger = staff.get("/cases?q=门禁").await;
    assert!(ledger.body.contains(&format!("/cases/{}\"", door.id)), "the ledger finds it");
    assert!(app.last_audit("inspection.submit").await.is_some());

    // Submitted: read-only, linked to its cases; answering again is refused.
    let done = officer.get(&format!("/inspections/{id}")).await;
    assert!(done.body.contains("已提交"));
    assert!(done.body.contains(&format!("/cases/{}", door.id)));
    assert!(done.select("form.answer").is_empty());
    let r = officer
        .post_raw(&format!("/inspections/{id}/answers/A1.1"), &[("answer", "problem"), ("_csrf", &token)], &htmx)
        .await;
    assert!(r.body.contains("已提交，不能再修改"), "{}", r.body);
    let r = officer.post(&format!("/inspections/{id}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        propwatch::db::entities::case::Entity::find()
            .filter(propwatch::db::entities::case::Column::InspectionId.eq(id))
            .count(&app.deps.db)
            .await
            .unwrap(),
        2,
        "a second submit opens nothing"
    );

    // Coverage: one of the township's communities inspected, the rest due; the plan page
    // lists the communities not yet inspected first.
    let page = staff.get(&format!("/inspections/plans/{plan}")).await;
    assert_eq!(page.select(".tile strong.due-n"), vec![in_township.to_string()]);
    assert_eq!(page.select(".tile strong.done-n"), vec!["1"]);
    assert_eq!(page.select(".tile strong.overdue-n"), vec!["0"]);
    let rows = page.select("table.inspections tbody td.status");
    assert_eq!(rows.len() as u64, in_township);
    assert!(rows.last().unwrap().starts_with("已查"), "{rows:?}");
    // Past the due date, the others are overdue.
    app.clock.advance(Duration::days(11));
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get(&format!("/inspections/plans/{plan}")).await;
    assert_eq!(page.select(".tile strong.overdue-n"), vec![(in_township - 1).to_string()]);
    let list = staff.get("/inspections").await;
    assert!(list.select("table.plans td.overdue-n").contains(&(in_township - 1).to_string()));
}

#[tokio::test]
async fn only_the_right_roles_plan_inspect_and_see_inspections() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let fc = community(&app, "YC-FC-001").await;
    let other = propwatch::db::entities::community::Entity::find()
        .filter(propwatch::db::entities::community::Column::TownshipId.ne(fc.township_id))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    // A county-wide plan covers every community.
    staff.get("/inspections/plans/new").await;
    let r = staff
        .post(
            "/inspections/plans",
            &[
                ("name", "全县全面排查"),
                ("phase_id", &phase_id(&app).await.to_string()),
                ("scope", "county"),
                ("checklist", ""),
                ("due_on", &(today(&app) + Duration::days(30)).to_string()),
                ("responsible_user_id", &user_id(&app, Role::BureauStaff).await.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan: i64 = r.location().trim_start_matches("/inspections/plans/").parse().unwrap();
    let all = propwatch::db::entities::community::Entity::find().count(&app.deps.db).await.unwrap();
    let detail = staff.get(&format!("/inspections/plans/{plan}")).await;
    assert_eq!(detail.select(".tile strong.due-n"), vec![all.to_string()]);
    // Default checklist: every leaf item of the catalog.
    let p = propwatch::db::inspections::plan(&app.deps.db, plan).await.unwrap().unwrap();
    assert!(p.checklist.split(',').count() >= 10 && !p.checklist.split(',').any(|c| c == "A1"), "{}", p.checklist);

    // Bad plans are refused in Chinese.
    let r = staff
        .post(
            "/inspections/plans",
            &[("name", ""), ("scope", "township"), ("checklist", "Z9"), ("due_on", "2020-01-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "请填写计划名称",
        "请选择所属的专项行动阶段",
        "请选择排查范围",
        "以下编号不可用：Z9",
        "不能早于今天",
        "请选择发现问题后立案的责任人",
    ] {
        assert!(r.body.contains(msg), "{msg}: {}", r.body);
    }

    // The township officer plans nothing, sees the plan limited to the township, inspects only
    // there.
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    assert_eq!(officer.get("/inspections/plans/new").await.status, StatusCode::FORBIDDEN);
    let page = officer.get(&format!("/inspections/plans/{plan}")).await;
    let fc_count = propwatch::db::entities::community::Entity::find()
        .filter(propwatch::db::entities::community::Column::TownshipId.eq(fc.township_id))
        .count(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(page.select(".tile strong.due-n"), vec![fc_count.to_string()]);
    let elsewhere = inspection_of(&app, plan, other.id).await;
    assert_eq!(officer.get(&format!("/inspections/{elsewhere}")).await.status, StatusCode::FORBIDDEN);
    let token = officer.csrf.clone().unwrap();
    let r = officer
        .post_raw(&format!("/inspections/{elsewhere}/answers/A1.1"), &[("answer", "compliant"), ("_csrf", &token)], &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(propwatch::db::inspections::answers(&app.deps.db, elsewhere).await.unwrap().is_empty());

    // Companies and committees never see inspections; the discipline inspector reads, never
    // answers.
    let own = inspection_of(&app, plan, fc.id).await;
    for role in [Role::CompanyUser, Role::CommitteeMember, Role::DepartmentUser] {
        let mut c = app.login_as(role).await;
        assert_eq!(c.get("/inspections").await.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(c.get(&format!("/inspections/{own}")).await.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    let mut inspector = app.login_as(Role::DisciplineInspector).await;
    assert_eq!(inspector.get(&format!("/inspections/{own}")).await.status, StatusCode::OK);
    let r = inspector.post(&format!("/inspections/{own}/answers/A1.1"), &[("answer", "compliant")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Staff assign; the assignee sees the task.
    let officer_id = user_id(&app, Role::TownshipOfficer).await;
    staff.get(&format!("/inspections/plans/{plan}")).await;
    let r = staff
        .post(
            &format!("/inspections/{own}/assign"),
            &[("assignee_user_id", &officer_id.to_string()), ("plan_id", &plan.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let i = propwatch::db::inspections::inspection(&app.deps.db, own).await.unwrap().unwrap();
    assert_eq!(i.assignee_user_id, Some(officer_id));
    assert!(app.last_audit("inspection.assign").await.is_some());
    let company_user = user_id(&app, Role::CompanyUser).await;
    let r = staff.post(&format!("/inspections/{own}/assign"), &[("assignee_user_id", &company_user.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a company cannot inspect itself");
}
