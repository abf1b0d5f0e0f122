//! What people read on timelines: every line's step in Chinese, lines in the order they
//! happened (not the order they were written), the complainant's view of the case that absorbed
//! their clue, the one deadline the company has to meet, and cases named with their community
//! once on the escalation ladder's records.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use propwatch::domain::role::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use crate::cases::{community, filed_case, today};
use crate::helpers::{Client, Resp, TestApp};

/// Files a complaint on the public form; returns (tracking code, clue id).
pub(crate) async fn file_clue(app: &TestApp, code: &str, text: &str) -> (String, i64) {
    let id = community(app, code).await.id.to_string();
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
    (tracking, clue.id)
}

async fn triage(staff: &mut Client, clue: i64, fields: &[(&str, &str)]) {
    staff.get(&format!("/inbox/{clue}")).await;
    let r = staff.post(&format!("/inbox/{clue}/triage"), fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A clue accepted as a problem: (tracking code, problem id).
pub(crate) async fn accepted_problem(app: &TestApp, staff: &mut Client, code: &str, text: &str) -> (String, i64) {
    let (tracking, clue) = file_clue(app, code, text).await;
    triage(staff, clue, &[("decision", "accept")]).await;
    let c = propwatch::db::complaints::complaint(&app.deps.db, clue).await.unwrap().unwrap();
    (tracking, c.problem_id.expect("accepted into a problem"))
}

pub(crate) async fn step(c: &mut Client, case_id: i64, fields: &[(&str, &str)]) {
    c.get(&format!("/cases/{case_id}")).await;
    let r = c.multipart(&format!("/cases/{case_id}/steps"), fields, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{fields:?}: {}", r.body);
}

/// Issues a notice for one case; returns the notice id.
pub(crate) async fn issue_notice(staff: &mut Client, company_id: i64, case_id: i64, deadline: NaiveDate) -> i64 {
    staff.get(&format!("/notices/new?company_id={company_id}")).await;
    let r = staff
        .post(
            "/notices",
            &[
                ("company_id", &company_id.to_string()),
                ("deadline", &deadline.to_string()),
                ("contact", "张凯东 0356-3200940"),
                ("case_id", &case_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().trim_start_matches("/notices/").parse().unwrap()
}

/// Steps through the whole ladder of one case: a service-grade re-assessment (approved) and a
/// referral (approved, acknowledged, answered). Returns (case id, referral id, reassessment id).
pub(crate) async fn case_up_the_ladder(app: &TestApp) -> (i64, i64, i64) {
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(app);
    let fc = community(app, "YC-FC-001").await;
    let (_, problem) = accepted_problem(app, &mut staff, "YC-FC-001", "物业擅自占用消防通道设置收费停车位").await;
    let case_id = filed_case(app, &mut staff, problem, t0 + Duration::days(10)).await;
    staff.get(&format!("/communities/{}", fc.id)).await;
    let r = staff
        .post(
            &format!("/communities/{}/reassessments", fc.id),
            &[
                ("new_grade", "三级"),
                ("new_fee", "0.80"),
                ("effective_on", &(t0 + Duration::days(5)).to_string()),
                ("reasons", "逾期未整改，服务达不到原等级标准"),
                ("case_id", &case_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reassessment =
        propwatch::db::entities::reassessment::Entity::find().all(&app.deps.db).await.unwrap().pop().unwrap().id;
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get("/escalations").await;
    let r = leader
        .post(&format!("/reassessments/{reassessment}/decision"), &[("decision", "approve"), ("note", "同意")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let zhifa = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::DepartmentUser))
        .await
        .unwrap()
        .unwrap();
    staff.get(&format!("/referrals/new?case_id={case_id}")).await;
    let r = staff
        .post(
            "/referrals",
            &[
                ("from_case", &case_id.to_string()),
                ("case_id", &case_id.to_string()),
                ("department_id", &zhifa.department_id.unwrap().to_string()),
                ("reasons", "占用消防通道设置收费停车位，涉嫌违反《消防法》第二十八条"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let referral: i64 = r.location().trim_start_matches("/referrals/").parse().unwrap();
    leader.get(&format!("/referrals/{referral}")).await;
    let r =
        leader.post(&format!("/referrals/{referral}/decision"), &[("decision", "approve"), ("note", "同意移送")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut department = app.login_as(Role::DepartmentUser).await;
    department.get(&format!("/referrals/{referral}")).await;
    let r = department.post(&format!("/referrals/{referral}/acknowledge"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = department
        .post(&format!("/referrals/{referral}/result"), &[("result", "已立案调查，责令拆除收费停车位并处罚款五千元")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    (case_id, referral, reassessment)
}

/// The codes the ladder writes on a case's timeline.
const LADDER_CODES: [&str; 8] = [
    "reassessment_proposed",
    "reassessed",
    "reassessment_rejected",
    "referral_proposed",
    "referred",
    "referral_rejected",
    "referral.acknowledge",
    "referral.result",
];

#[tokio::test]
async fn a_case_page_names_every_step_of_a_reassessment_and_a_referral_in_chinese() {
    let app = TestApp::new().await;
    let (case_id, _, _) = case_up_the_ladder(&app).await;
    for role in [Role::BureauStaff, Role::CompanyUser] {
        let mut reader = app.login_as(role).await;
        let page = reader.get(&format!("/cases/{case_id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let steps = page.select("ol.timeline li strong");
        for label in [
            "提请重新核定服务等级",
            "重新核定服务等级",
            "提请移送有关部门",
            "移送有关部门",
            "部门签收移送函",
            "部门反馈处理结果",
        ] {
            assert!(steps.iter().any(|s| s == label), "{role:?} reads {label}: {steps:?}");
        }
        for s in &steps {
            assert!(!s.is_empty() && !s.chars().any(|c| c.is_ascii_alphabetic()), "a code on the timeline: {s}");
        }
        for code in LADDER_CODES {
            assert!(!page.body.contains(code), "{role:?} sees the code {code}");
        }
    }
}

/// Index of the first element whose text contains `needle`.
fn position(items: &[String], needle: &str) -> usize {
    items.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("{needle} not in {items:?}"))
}

#[tokio::test]
async fn timelines_tracking_pages_and_notifications_follow_time_not_the_order_of_writing() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (tracking, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "单元门禁损坏一个月未修").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    issue_notice(&mut staff, company_id, case_id, t0 + Duration::days(2)).await;
    // A scanner run for a later instant (an operator's `jobs run-once --at`) writes the overdue
    // lines first; the company's report an hour after now is written after them.
    let later = app.deps.clock.now() + Duration::days(15);
    propwatch::jobs::scanner::run_once(&app.deps, later).await.unwrap();
    assert_eq!(propwatch::db::cases::case(&app.deps.db, case_id).await.unwrap().unwrap().status, "overdue");
    app.clock.advance(Duration::hours(1));
    let mut company = app.login_as(Role::CompanyUser).await;
    step(&mut company, case_id, &[("step", "report"), ("note", "门禁已更换，恢复正常使用。")]).await;
    // (An hour on, the sessions idle out: sign in again.)
    let mut staff = app.login_as(Role::BureauStaff).await;
    let events = propwatch::db::entities::case_event::Entity::find().all(&app.deps.db).await.unwrap();
    let written = |kind: &str| events.iter().find(|e| e.case_id == case_id && e.kind == kind).unwrap().id;
    assert!(written("report") > written("mark_overdue"), "written in the other order");

    // The case's timeline, oldest first by time.
    let page = staff.get(&format!("/cases/{case_id}")).await;
    let steps = page.select("ol.timeline li strong");
    assert!(position(&steps, "企业反馈整改情况") < position(&steps, "逾期未整改"), "{steps:?}");
    assert!(position(&steps, "列入台账") < position(&steps, "核实立案"), "{steps:?}");
    let times = page.select("ol.timeline li time");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "chronological: {times:?}");

    // The complainant's tracking page, in the same order.
    let track = app.client().get(&format!("/track/{tracking}")).await;
    let lines = track.select("ol.timeline li");
    assert!(position(&lines, "已反馈整改情况") < position(&lines, "未在期限内完成整改"), "{lines:?}");
    assert!(position(&lines, "已收到您") < position(&lines, "已受理"), "{lines:?}");
    let times = track.select("ol.timeline li time");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "chronological: {times:?}");

    // The responsible person's notifications: the case opened, the report, then the overdue one.
    let inbox = staff.get("/notifications").await;
    let notes = inbox.select("ul.notifications li");
    assert!(position(&notes, "被指定为案件责任人") < position(&notes, "已反馈整改情况"), "{notes:?}");
    assert!(position(&notes, "已反馈整改情况") < position(&notes, "逾期"), "{notes:?}");
    let times = inbox.select("ul.notifications li time");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "chronological: {times:?}");
}

#[tokio::test]
async fn a_merged_clue_shows_the_closed_case_and_its_result_on_the_tracking_page() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (first, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "二号楼电梯经常停运，报修无人处理").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(20)).await;
    // A second complainant reports the same problem once the case runs; it is merged.
    let (second, clue) = file_clue(&app, "YC-FC-001", "二号楼电梯三天两头停，物业不管").await;
    triage(&mut staff, clue, &[("decision", "merge"), ("problem_id", &problem.to_string())]).await;
    let track = app.client().get(&format!("/track/{second}")).await;
    assert_eq!(track.select("h2 .status"), vec!["已立案督办".to_string()], "{}", track.body);

    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    issue_notice(&mut staff, company_id, case_id, t0 + Duration::days(10)).await;
    let mut company = app.login_as(Role::CompanyUser).await;
    step(&mut company, case_id, &[("step", "report"), ("note", "已更换电梯控制板，运行正常。")]).await;
    step(&mut staff, case_id, &[("step", "start_reinspection")]).await;
    let track = app.client().get(&format!("/track/{second}")).await;
    assert_eq!(track.select("h2 .status"), vec!["正在复查".to_string()]);
    step(&mut staff, case_id, &[("step", "pass_reinspection"), ("note", "复查合格")]).await;

    for code in [&second, &first] {
        let track = app.client().get(&format!("/track/{code}")).await;
        assert_eq!(track.status, StatusCode::OK);
        assert_eq!(track.select("h2 .status"), vec!["已办结".to_string()], "{}", track.body);
        assert!(!track.body.contains("并案办理）"), "{}", track.body);
        assert_eq!(track.select("dd.progress"), vec!["经复查，问题已整改到位，予以销号。".to_string()]);
        assert!(track.body.contains("办理结果"));
        let api = app.client().get(&format!("/api/v1/complaints/track/{code}")).await;
        assert_eq!(api.json()["case_status"], "closed", "{}", api.body);
        assert_eq!(api.json()["status_label"], "已办结");
    }
}

/// The text of the `<dd>` after the `<dt>` named `term` in a page's `dl.facts`.
pub(crate) fn fact(page: &Resp, term: &str) -> String {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("dl.facts > dt, dl.facts > dd").expect("valid selector");
    let mut after_term = false;
    for e in doc.select(&sel) {
        let text = e.text().collect::<String>().trim().to_string();
        match e.value().name() {
            "dt" => after_term = text == term,
            _ if after_term => return text,
            _ => {}
        }
    }
    panic!("no {term} in the page's facts")
}

fn deadline_text(page: &Resp) -> String {
    fact(page, "完成时限")
}

#[tokio::test]
async fn a_company_reads_one_deadline_and_why_and_from_what_it_changed() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "小区监控探头大面积损坏").await;
    let ledger = t0 + Duration::days(30);
    let case_id = filed_case(&app, &mut staff, problem, ledger).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    let notice_deadline = t0 + Duration::days(15);
    let notice_id = issue_notice(&mut staff, company_id, case_id, notice_deadline).await;
    let mut company = app.login_as(Role::CompanyUser).await;

    // Before any change: the notice's deadline, and only it.
    let page = company.get(&format!("/cases/{case_id}")).await;
    assert_eq!(deadline_text(&page), notice_deadline.to_string());
    assert!(!page.body.contains(&ledger.to_string()), "the ledger's earlier deadline is not the company's");

    // Extended on the company's request: the new deadline, from what and why.
    let extended = t0 + Duration::days(25);
    let r = company
        .post(
            &format!("/cases/{case_id}/extension"),
            &[("deadline", &extended.to_string()), ("reason", "监控设备需厂家订货，供货周期较长")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    staff.get(&format!("/cases/{case_id}")).await;
    let r =
        staff.post(&format!("/cases/{case_id}/extension/decision"), &[("decision", "grant"), ("note", "同意")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = company.get(&format!("/cases/{case_id}")).await;
    let want = format!("{extended}（原{notice_deadline}，因批准延期：监控设备需厂家订货，供货周期较长）");
    assert!(deadline_text(&page).starts_with(&want), "{}", deadline_text(&page));
    assert!(!page.body.contains(&ledger.to_string()), "{}", page.body);
    // The notice stays as issued, and says which deadline is now in force.
    let notice = company.get(&format!("/notices/{notice_id}")).await;
    assert!(deadline_text(&notice).starts_with(&notice_deadline.to_string()));
    let now_in_force = format!("案件{case_id}的完成时限现为 {extended}");
    assert!(deadline_text(&notice).contains(&now_in_force), "{}", deadline_text(&notice));

    // Re-inspection fails with a new deadline: the reason is the finding.
    step(&mut company, case_id, &[("step", "report"), ("note", "已更换部分损坏探头，其余待货。")]).await;
    step(&mut staff, case_id, &[("step", "start_reinspection")]).await;
    let again = t0 + Duration::days(35);
    step(
        &mut staff,
        case_id,
        &[("step", "fail_reinspection"), ("note", "3号楼探头仍未修复"), ("deadline", &again.to_string())],
    )
    .await;
    let page = company.get(&format!("/cases/{case_id}")).await;
    let want = format!("{again}（原{extended}，因复查未通过、重新整改：3号楼探头仍未修复）");
    assert!(deadline_text(&page).starts_with(&want), "{}", deadline_text(&page));
    // Staff read the same sentence.
    let page = staff.get(&format!("/cases/{case_id}")).await;
    assert!(deadline_text(&page).starts_with(&want), "{}", deadline_text(&page));
}

#[tokio::test]
async fn a_referral_and_its_letters_name_the_community_of_a_case_once() {
    let app = TestApp::new().await;
    let (case_id, referral, reassessment) = case_up_the_ladder(&app).await;
    let fc = community(&app, "YC-FC-001").await;
    let c = propwatch::db::cases::case(&app.deps.db, case_id).await.unwrap().unwrap();
    assert!(c.title.starts_with(&format!("{}：", fc.name)), "problem titles carry the community: {}", c.title);
    let twice = format!("{0}：{0}", fc.name);
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get(&format!("/referrals/{referral}")).await;
    assert_eq!(page.select("ul.referred strong"), vec![c.title.clone()]);
    let list = staff.get("/referrals").await;
    assert!(list.body.contains(&c.title) && !list.body.contains(&twice), "{}", list.body);
    let mut department = app.login_as(Role::DepartmentUser).await;
    let page = department.get(&format!("/referrals/{referral}")).await;
    assert_eq!(page.select("ul.referred strong"), vec![c.title.clone()]);
    // The letters print the community, then the item: once.
    for path in [
        format!("/referrals/{referral}/letter"),
        format!("/reassessments/{reassessment}/letters/company"),
        format!("/reassessments/{reassessment}/letters/departments"),
    ] {
        let pdf = raw(&staff, &path).await;
        let text: String = pdf_extract::extract_text_from_mem(&pdf)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains(&fc.name), "{path}: {text}");
        assert!(!text.contains(&twice), "{path} repeats the community: {text}");
    }
    // A form that lists cases with their community does not repeat it either.
    let form = staff.get(&format!("/referrals/new?case_id={case_id}")).await;
    assert!(form.body.contains(&c.title) && !form.body.contains(&twice), "{}", form.body);
}

async fn raw(c: &Client, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut b = axum::http::Request::builder().uri(path);
    if let Some(cookie) = &c.cookie {
        b = b.header(axum::http::header::COOKIE, cookie.clone());
    }
    let res = c.router().oneshot(b.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// Sets a community's contract end.
pub(crate) async fn set_contract_end(app: &TestApp, id: i64, end: Option<NaiveDate>) {
    let m = propwatch::db::communities::community(&app.deps.db, id).await.unwrap().unwrap();
    let mut am = m.into_active_model();
    am.contract_end = Set(end);
    am.update(&app.deps.db).await.unwrap();
}
