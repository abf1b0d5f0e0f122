//! The work ledger through its public routes: a clue becomes a case, gets a notice (PDF), the
//! company signs and reports, re-inspection fails, the scanner marks it overdue and proposes
//! escalation, a leader escalates, the company reports again, re-inspection passes, closed.

use std::process::Command;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use propwatch::domain::role::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{Client, TestApp};

const NAME: &str = "赵德柱";
const PHONE: &str = "13912345678";

/// Today in Shanghai on the app's clock.
pub(crate) fn today(app: &TestApp) -> NaiveDate {
    propwatch::clock::today(app.deps.clock.now())
}

/// A demo community by its code.
pub(crate) async fn community(app: &TestApp, code: &str) -> propwatch::db::entities::community::Model {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap()
}

/// Files a named complaint on the public form and has staff accept it; returns (tracking
/// code, problem id).
async fn accepted_problem(app: &TestApp, staff: &mut Client, code: &str, text: &str) -> (String, i64) {
    let c = community(app, code).await;
    let id = c.id.to_string();
    let mut public = app.client();
    public.get(&format!("/complaints/new?community={id}")).await;
    let r = public
        .multipart(
            "/complaints",
            &[
                ("community_id", &id),
                ("catalog_code", "A1.1"),
                ("description", text),
                ("name", NAME),
                ("phone", PHONE),
                ("consent", "on"),
            ],
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
    (tracking, clue.problem_id.expect("accepted into a problem"))
}

async fn user_id(app: &TestApp, role: Role) -> i64 {
    propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(role)).await.unwrap().unwrap().id
}

/// Opens and verifies a case for a problem; returns the case id.
pub(crate) async fn filed_case(app: &TestApp, staff: &mut Client, problem_id: i64, deadline: NaiveDate) -> i64 {
    staff.get(&format!("/cases/new?problem_id={problem_id}")).await;
    let responsible = user_id(app, Role::BureauStaff).await.to_string();
    let r = staff
        .post(
            "/cases",
            &[
                ("problem_id", &problem_id.to_string()),
                ("responsible_user_id", &responsible),
                ("facts", "现场核查：3号楼楼道垃圾堆积，保洁人员两周未到岗。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case_id: i64 = r.location().trim_start_matches("/cases/").parse().unwrap();
    let r = staff
        .multipart(&format!("/cases/{case_id}/steps"), &[("step", "verify"), ("deadline", &deadline.to_string())], &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    case_id
}

async fn status(app: &TestApp, case_id: i64) -> String {
    propwatch::db::cases::case(&app.deps.db, case_id).await.unwrap().unwrap().status
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 10, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

fn scanner(app: &TestApp, at: NaiveDate) -> String {
    let at = format!("{at}T09:00:00+08:00");
    let out = Command::new(env!("CARGO_BIN_EXE_propwatch"))
        .args(["jobs", "run-once", "--at", &at])
        .env("PROPWATCH_DATABASE_URL", &app.database_url)
        .env("PROPWATCH_DATA_DIR", app.data_dir())
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

async fn issue_notice(
    staff: &mut Client,
    company_id: i64,
    case_ids: &[i64],
    deadline: NaiveDate,
) -> crate::helpers::Resp {
    staff.get(&format!("/notices/new?company_id={company_id}")).await;
    let ids: Vec<String> = case_ids.iter().map(|i| i.to_string()).collect();
    let cid = company_id.to_string();
    let d = deadline.to_string();
    let mut fields: Vec<(&str, &str)> =
        vec![("company_id", &cid), ("deadline", &d), ("contact", "张凯东 0356-3200940")];
    for i in &ids {
        fields.push(("case_id", i));
    }
    staff.post("/notices", &fields).await
}

#[tokio::test]
async fn a_case_goes_through_the_whole_loop_from_clue_to_closing() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let (tracking, problem) =
        accepted_problem(&app, &mut staff, "YC-FC-001", "三号楼楼道垃圾两周无人清理，气味很大").await;
    let t0 = today(&app);
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(30)).await;
    assert_eq!(status(&app, case_id).await, "filed");
    assert!(app.last_audit("case.verify").await.is_some());

    // A company cannot report on a case that has no notice yet: the transition is refused.
    let mut company = app.login_as(Role::CompanyUser).await;
    company.get(&format!("/cases/{case_id}")).await;
    let r = company
        .multipart(&format!("/cases/{case_id}/steps"), &[("step", "report"), ("note", "已经整改完毕，请复查。")], &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e.contains("案件当前状态为“已立案”，不能企业反馈整改情况")), "{}", r.body);
    // Only staff close cases.
    let r = company
        .multipart(&format!("/cases/{case_id}/steps"), &[("step", "pass_reinspection"), ("note", "自行销号")], &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The notice: numbered, rendered to PDF, stored with its digest.
    let fc = community(&app, "YC-FC-001").await;
    let company_id = fc.company_id.unwrap();
    let r = issue_notice(&mut staff, company_id, &[case_id], t0 + Duration::days(15)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let notice_id: i64 = r.location().trim_start_matches("/notices/").parse().unwrap();
    let year = app.deps.clock.now().with_timezone(&propwatch::clock::shanghai()).format("%Y").to_string();
    let number = format!("阳住建物整〔{year}〕1号");
    let n = propwatch::db::cases::notice(&app.deps.db, notice_id).await.unwrap().unwrap();
    assert_eq!(n.number, number);
    assert_eq!(status(&app, case_id).await, "notice_issued");
    let company_name = propwatch::db::companies::company(&app.deps.db, company_id).await.unwrap().unwrap().name;
    let pdf = propwatch::service::notices::notice_pdf(&app.deps, &staff_ctx(&app).await, notice_id)
        .await
        .unwrap()
        .1
        .into_bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(propwatch::crypto::sm3_hex(&pdf), n.pdf_digest);
    let text: String = pdf_text(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&number), "the PDF names the notice number: {text}");
    assert!(text.contains(&company_name), "the PDF names the company: {text}");
    // Each item in the words of the bureau's notice, in the PDF and on the case page.
    let a11 = propwatch::domain::catalog::seed_text("A1.1").unwrap();
    let a11_squashed: String = a11.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&a11_squashed[..a11_squashed.len() - "。".len()]), "the item's full text: {text}");
    let case_page = staff.get(&format!("/cases/{case_id}")).await;
    assert!(case_page.select("dd.item-texts").iter().any(|t| t.contains(a11)), "{}", case_page.body);

    // The company sees the notice in its portal and signs for it.
    let r = company.get("/notices").await;
    assert!(r.body.contains(&number));
    let r = company.get(&format!("/notices/{notice_id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = company.post(&format!("/notices/{notice_id}/sign"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let n = propwatch::db::cases::notice(&app.deps.db, notice_id).await.unwrap().unwrap();
    assert_eq!(n.status, "signed");
    assert!(n.signed_at.is_some());
    assert!(app.last_audit("notice.sign").await.is_some());

    // The company's view of the case never shows who complained.
    let page = company.get(&format!("/cases/{case_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for secret in [NAME, PHONE, "139****5678", "赵*", tracking.as_str()] {
        assert!(!page.body.contains(secret), "company page leaks {secret}");
    }

    // The company answers with a photo.
    company.get(&format!("/cases/{case_id}")).await;
    let r = company
        .multipart(
            &format!("/cases/{case_id}/steps"),
            &[("step", "report"), ("note", "已安排保洁人员每日清运，楼道已清理干净。")],
            &[("photos", "after.jpg", jpeg())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, case_id).await, "reported");
    assert_eq!(propwatch::db::cases::photos(&app.deps.db, case_id).await.unwrap().len(), 1);

    // Re-inspection fails: back to rectification with a new deadline.
    staff.get(&format!("/cases/{case_id}")).await;
    let r = staff.multipart(&format!("/cases/{case_id}/steps"), &[("step", "start_reinspection")], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let new_deadline = t0 + Duration::days(5);
    let r = staff
        .multipart(
            &format!("/cases/{case_id}/steps"),
            &[("step", "fail_reinspection"), ("note", "4号楼仍有垃圾堆放"), ("deadline", &new_deadline.to_string())],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, case_id).await, "notice_issued");

    // The scanner, run as an operator would, marks it overdue once and proposes escalation.
    let after = new_deadline + Duration::days(3);
    let out = scanner(&app, after);
    assert!(out.contains("标记逾期 1 件") && out.contains("提请升级 1 件"), "{out}");
    assert_eq!(status(&app, case_id).await, "overdue");
    let again = scanner(&app, after);
    assert!(
        again.contains("标记逾期 0 件") && again.contains("提请升级 0 件") && again.contains("提醒 0 条"),
        "{again}"
    );

    // The complainant reads the public part on the tracking page.
    let track = app.client().get(&format!("/track/{tracking}")).await;
    assert!(track.body.contains("已向物业服务企业下发整改通知书"), "{}", track.body);
    assert!(track.body.contains("未在期限内完成整改"));
    assert!(!track.body.contains("4号楼仍有垃圾堆放"), "internal notes stay internal");

    // A leader escalates.
    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get("/escalations").await;
    assert!(page.body.contains("逾期未整改"), "{}", page.body);
    let proposal = propwatch::db::cases::escalation_proposals(&app.deps.db, "pending", Some(case_id)).await.unwrap();
    assert_eq!(proposal.len(), 1);
    let r = leader
        .post(&format!("/escalations/{}", proposal[0].id), &[("decision", "accept"), ("note", "重新核定服务等级")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, case_id).await, "escalated");

    // The company reports again; re-inspection passes; the case is closed.
    company.get(&format!("/cases/{case_id}")).await;
    let r = company
        .multipart(
            &format!("/cases/{case_id}/steps"),
            &[("step", "report"), ("note", "全部楼栋已清理，建立每日巡查制度。")],
            &[("photos", "a.jpg", jpeg())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    staff.get(&format!("/cases/{case_id}")).await;
    staff.multipart(&format!("/cases/{case_id}/steps"), &[("step", "start_reinspection")], &[]).await;
    let r = staff
        .multipart(
            &format!("/cases/{case_id}/steps"),
            &[("step", "pass_reinspection"), ("note", "复查合格")],
            &[("photos", "check.jpg", jpeg())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, case_id).await, "closed");
    let p = propwatch::db::complaints::problem(&app.deps.db, problem).await.unwrap().unwrap();
    assert_eq!(p.status, "closed");
    let track = app.client().get(&format!("/track/{tracking}")).await;
    assert!(track.body.contains("予以销号"));
    for action in [
        "case.open",
        "case.verify",
        "notice.issue",
        "case.report",
        "case.mark_overdue",
        "case.escalate",
        "case.pass_reinspection",
    ] {
        assert!(app.last_audit(action).await.is_some(), "audit entry {action}");
    }
    // The full page shows the whole timeline.
    let page = staff.get(&format!("/cases/{case_id}")).await;
    let steps = page.select("ol.timeline li strong");
    for step in [
        "列入台账",
        "核实立案",
        "下发整改通知书",
        "企业签收整改通知书",
        "企业反馈整改情况",
        "复查未通过，重新整改",
        "逾期未整改",
        "升级处理",
        "复查通过，销号",
    ] {
        assert!(steps.iter().any(|s| s == step), "timeline has {step}: {steps:?}");
    }
}

async fn staff_ctx(app: &TestApp) -> propwatch::service::Ctx {
    let user = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::BureauStaff))
        .await
        .unwrap()
        .unwrap();
    let su = propwatch::service::accounts::session_user(&app.deps.db, user).await.unwrap().unwrap();
    let mut ctx = propwatch::service::Ctx::system(app.deps.clock.now(), "test");
    ctx.actor = Some(su.actor);
    ctx.actor_name = su.display_name;
    ctx
}

fn pdf_text(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf).unwrap_or_default()
}

#[tokio::test]
async fn notice_numbers_are_sequential_and_never_duplicated_under_concurrent_issuing() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let codes = ["YC-FC-001", "YC-FC-002", "YC-FC-003", "YC-FC-004", "YC-FC-005", "YC-FC-006"];
    let mut cases = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let (_, problem) =
            accepted_problem(&app, &mut staff, code, &format!("第{i}号问题：电梯长期停运无人维修")).await;
        cases.push(filed_case(&app, &mut staff, problem, t0 + Duration::days(30)).await);
    }
    let ctx = staff_ctx(&app).await;
    let mut tasks = Vec::new();
    for id in cases.clone() {
        let deps = app.deps.clone();
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(async move {
            let new = propwatch::service::notices::NewNotice {
                case_ids: vec![id],
                deadline: Some(t0 + Duration::days(10)),
                contact: "张凯东 3200940".into(),
                requirements: String::new(),
            };
            propwatch::service::notices::issue_notice(&deps, &ctx, new).await
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        let id = t.await.unwrap().expect("issued");
        numbers.push(propwatch::db::cases::notice(&app.deps.db, id).await.unwrap().unwrap().seq);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=cases.len() as i32).collect::<Vec<_>>(), "1..N, none twice, none skipped");
    // Issuing again for a case that already has its notice is refused (it is no longer filed).
    let again = propwatch::service::notices::issue_notice(
        &app.deps,
        &ctx,
        propwatch::service::notices::NewNotice {
            case_ids: vec![cases[0]],
            deadline: Some(t0 + Duration::days(10)),
            contact: "张凯东".into(),
            requirements: String::new(),
        },
    )
    .await;
    assert!(again.is_err());
    let count = propwatch::db::cases::notices(&app.deps.db, None, 1, 100).await.unwrap().1;
    assert_eq!(count, cases.len() as u64, "a refused issue leaves no notice behind");
}

#[tokio::test]
async fn the_ledger_filters_by_scope_and_exports_the_current_filter() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, p1) = accepted_problem(&app, &mut staff, "YC-FC-001", "绿化带杂草丛生无人修剪").await;
    let c1 = filed_case(&app, &mut staff, p1, t0 + Duration::days(20)).await;
    let (_, p2) = accepted_problem(&app, &mut staff, "YC-BL-001", "消防通道被车辆长期占用").await;
    let c2 = filed_case(&app, &mut staff, p2, t0 + Duration::days(10)).await;
    let page = staff.get("/cases").await;
    let ids = page.select("table.ledger tbody td[data-label=编号]");
    assert_eq!(ids, vec![c2.to_string(), c1.to_string()], "earliest deadline first");
    let page = staff.get("/cases?q=消防通道").await;
    assert_eq!(page.select("table.ledger tbody td[data-label=编号]"), vec![c2.to_string()], "Chinese full-text search");
    let me = user_id(&app, Role::BureauStaff).await;
    let page = staff.get(&format!("/cases?responsible_user_id={me}")).await;
    assert_eq!(page.select("table.ledger tbody td[data-label=编号]").len(), 2, "filter by responsible person");
    let page = staff.get("/cases?responsible_user_id=999999").await;
    assert!(page.select("td.empty").iter().any(|t| t.contains("没有符合条件的案件")));
    let page = staff.get("/cases?status=closed&township_id=&company_id=").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select("td.empty").iter().any(|t| t.contains("没有符合条件的案件")));

    // The JSON twin answers the same filter.
    let token = app.token(Role::BureauStaff).await;
    let api = staff.send(axum::http::Method::GET, "/api/v1/cases?q=消防通道", Some(&token), None).await.json();
    assert_eq!(api["total"], 1);
    assert_eq!(api["total_exact"], true, "a few matches are counted");
    let page = staff.get("/cases?q=消防通道").await;
    assert!(page.select("nav.pager").iter().any(|t| t.contains("共 1 条")), "{:?}", page.select("nav.pager"));
    assert_eq!(api["items"][0]["id"], c2);
    assert_eq!(api["items"][0]["status_label"], "已立案");
    // PostgreSQL plans the view to estimate it (a text view with very many matches shows the
    // estimate): the planner answers for the view's own parameters.
    let text = propwatch::db::cases::LedgerFilter { q: Some("消防通道".into()), ..Default::default() };
    let estimate = propwatch::db::cases::estimate(&app.deps.db, &text).await.unwrap();
    if sea_orm::ConnectionTrait::get_database_backend(&app.deps.db) == sea_orm::DbBackend::Postgres {
        assert!(estimate.is_some_and(|n| n < propwatch::db::cases::ESTIMATE_ABOVE), "{estimate:?}");
    }
    let company_token = app.token(Role::CompanyUser).await;
    let api = staff.send(axum::http::Method::GET, &format!("/api/v1/cases/{c2}"), Some(&company_token), None).await;
    let bl_company = community(&app, "YC-BL-001").await.company_id;
    let own_company =
        propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::CompanyUser))
            .await
            .unwrap()
            .unwrap()
            .company_id;
    if bl_company != own_company {
        assert_eq!(api.status, StatusCode::FORBIDDEN, "another company's case");
    }

    // A company user sees only its own company's cases.
    let fc = community(&app, "YC-FC-001").await;
    let bl = community(&app, "YC-BL-001").await;
    assert_ne!(fc.company_id, bl.company_id, "the demo puts the two communities with different companies");
    let mut company = app.login_as(Role::CompanyUser).await;
    let own = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::CompanyUser))
        .await
        .unwrap()
        .unwrap()
        .company_id;
    let page = company.get("/cases").await;
    let visible = page.select("table.ledger tbody td[data-label=编号]");
    let expected: Vec<String> = [(c1, fc.company_id), (c2, bl.company_id)]
        .iter()
        .filter(|(_, co)| *co == own)
        .map(|(c, _)| c.to_string())
        .collect();
    assert_eq!(visible, expected);
    let other = if fc.company_id == own { c2 } else { c1 };
    assert_eq!(company.get(&format!("/cases/{other}")).await.status, StatusCode::FORBIDDEN);

    // Excel export of the current filter, with the bureau's columns.
    let r = staff.send(axum::http::Method::GET, "/cases/export.xlsx?q=消防通道", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let bytes = raw_get(&staff, "/cases/export.xlsx?q=消防通道").await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("工作台账").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0], propwatch::service::cases::EXPORT_HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(rows.len(), 2, "the header and the one matching case");
    assert_eq!(rows[1][0], c2.to_string());
    assert_eq!(rows[1][2], bl.name);
    assert_eq!(rows[1][8], "已立案");
    assert_eq!(rows[1][7], (t0 + Duration::days(10)).to_string());
    let csv = String::from_utf8(raw_get(&staff, "/cases/export.csv").await).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains(&fc.name) && csv.contains(&bl.name));
    assert!(app.last_audit("ledger.export").await.is_some());
}

async fn raw_get(c: &Client, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut b = axum::http::Request::builder().uri(path);
    if let Some(cookie) = &c.cookie {
        b = b.header(axum::http::header::COOKIE, cookie.clone());
    }
    let res = c.router().oneshot(b.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn reminders_come_before_the_deadline_once_and_extensions_move_it() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "单元门禁损坏一个月未修").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(40)).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    let deadline = t0 + Duration::days(20);
    let r = issue_notice(&mut staff, company_id, &[case_id], deadline).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();
    // Long before: nothing. One working day before: one reminder to the company and one to the
    // responsible person, and only once.
    assert!(scanner(&app, t0).contains("提醒 0 条"));
    let day_before = cal.sub_working_days(deadline, 1);
    assert!(scanner(&app, day_before).contains("提醒 2 条"));
    assert!(scanner(&app, day_before).contains("提醒 0 条"));
    let mut company = app.login_as(Role::CompanyUser).await;
    let inbox = company.get("/notifications").await;
    assert!(inbox.body.contains("整改期限提醒"), "{}", inbox.body);

    // The company asks for more time; staff grant it; the deadline moves.
    company.get(&format!("/cases/{case_id}")).await;
    let later = deadline + Duration::days(10);
    let r = company
        .post(
            &format!("/cases/{case_id}/extension"),
            &[("deadline", &later.to_string()), ("reason", "需采购门禁配件，厂家供货周期较长")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = company
        .post(&format!("/cases/{case_id}/extension"), &[("deadline", &later.to_string()), ("reason", "再次申请")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "one pending request at a time");
    staff.get(&format!("/cases/{case_id}")).await;
    let r =
        staff.post(&format!("/cases/{case_id}/extension/decision"), &[("decision", "grant"), ("note", "同意")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = propwatch::db::cases::case(&app.deps.db, case_id).await.unwrap().unwrap();
    assert_eq!((c.deadline, c.extensions, c.status.as_str()), (Some(later), 1, "notice_issued"));
    // The old deadline passing no longer makes it overdue.
    assert!(scanner(&app, deadline + Duration::days(1)).contains("标记逾期 0 件"));
}

#[tokio::test]
async fn the_demo_shows_the_ledger_in_progress() {
    let app = TestApp::new().await;
    propwatch::service::demo::seed_activity(&app.deps).await.unwrap();
    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get("/cases").await;
    let statuses = page.select("table.ledger td[data-label=状态]");
    for s in ["待核实", "已立案", "已下发整改通知", "企业已反馈", "逾期未整改", "已整改销号"]
    {
        assert!(statuses.iter().any(|x| x == s), "{s} in {statuses:?}");
    }
    let notices = leader.get("/notices").await;
    let states = notices.select("table.notices td[data-label=状态]");
    assert!(
        states.iter().any(|s| s.starts_with("已签收")) && states.iter().any(|s| s.starts_with("待签收")),
        "{states:?}"
    );
    let escalations = leader.get("/escalations").await;
    assert!(escalations.body.contains("逾期未整改"), "the overdue case waits for a leader's decision");
    let item_reports = propwatch::db::entities::case_item_report::Entity::find().all(&app.deps.db).await.unwrap();
    assert!(!item_reports.is_empty(), "the demo's companies answer their notices item by item");
    // Full inspection in progress: one community inspected (its problem is a case), one half
    // answered, a company's plan past its date.
    let plans = leader.get("/inspections").await;
    assert!(plans.body.contains("凤城镇住宅小区全面排查") && plans.body.contains("安居物业在管小区专项检查"));
    assert!(
        plans.select("table.plans td.done-n").iter().any(|n| n == "1"),
        "{:?}",
        plans.select("table.plans td.done-n")
    );
    assert!(plans.select("table.plans td.overdue-n").iter().any(|n| n != "0"), "an overdue plan");
    let from_inspection = propwatch::db::entities::case::Entity::find()
        .filter(propwatch::db::entities::case::Column::Source.eq("inspection"))
        .count(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(from_inspection, 1);
    // The first rung: one community re-assessed with its letters, one proposal waiting.
    let rs = propwatch::db::entities::reassessment::Entity::find().all(&app.deps.db).await.unwrap();
    assert!(rs.iter().any(|r| r.status == "approved" && r.company_letter_number.is_some()), "{rs:?}");
    assert!(leader.get("/escalations").await.select("section.reassessment").len() == 1, "one waits for a leader");
    // The third rung: a dismissal track with the owners' assembly called.
    let fc2 = community(&app, "YC-FC-002").await;
    let page = leader.get(&format!("/communities/{}", fc2.id)).await;
    assert!(
        page.select("ul.tracks li").iter().any(|t| t.contains("已召集业主大会")),
        "{:?}",
        page.select("ul.tracks li")
    );
    let ledgers = propwatch::db::entities::revenue_entry::Entity::find().count(&app.deps.db).await.unwrap();
    assert_eq!(ledgers, 7, "the demo company's public-revenue ledger with one correction");
    let fc5 = community(&app, "YC-FC-005").await;
    let page = leader.get(&format!("/communities/{}", fc5.id)).await;
    let track = page.select("ul.tracks li a").len();
    assert_eq!(track, 1, "the dismissed company's track");
    // The second rung: a case referred to the enforcement bureau, which has signed for it.
    let mut department = app.login_as(Role::DepartmentUser).await;
    assert_eq!(department.get("/referrals").await.select("table.referrals td.status"), vec!["已签收，办理中"]);
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    let tasks = officer.get("/inspections").await;
    assert!(!tasks.select("ul.tasks li").is_empty(), "the officer's tasks");
    // The system's own checks found one of each: late disclosures (A2.1, A2.2), a late
    // statement (B2), income without a resolution (B1), income not distributed (B3), low
    // satisfaction (A1.5); running them again finds nothing new.
    let found: Vec<String> = propwatch::db::entities::complaint::Entity::find()
        .filter(propwatch::db::entities::complaint::Column::Channel.eq("system"))
        .all(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|c| c.catalog_code)
        .collect();
    let mut codes = found.clone();
    codes.sort();
    assert_eq!(codes, vec!["A1.5", "A2.1", "A2.2", "B1", "B2", "B3"], "{found:?}");
    let ctx = propwatch::service::Ctx::system(app.deps.clock.now(), "test");
    assert_eq!(propwatch::service::checks::run(&app.deps, &ctx).await.unwrap().total(), 0);
    let fc1 = community(&app, "YC-FC-001").await;
    let public = app.client().get(&format!("/c/{}", fc1.id)).await;
    assert!(public.body.contains("（已更正）") && public.body.contains("业委会已确认"), "disclosures and statements");
    assert!(
        !public.select("table.satisfaction td.rate").is_empty() && !public.select("section.open-surveys a").is_empty()
    );
    // The county's disclosure table: 析城山庄 is late with its parking report; a township
    // officer sees only the township's communities; companies are refused.
    let table = leader.get("/disclosures").await;
    assert_eq!(table.status, StatusCode::OK);
    let fc3 = community(&app, "YC-FC-003").await;
    let late: Vec<String> = table.select(&format!("tr[data-community=\"{}\"] td.late-n", fc3.id));
    assert!(late.first().is_some_and(|n| n != "0"), "{late:?}");
    let officers = officer.get("/disclosures").await;
    assert!(officers.body.contains("析城山庄") && !officers.body.contains("北留锦园"));
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get("/disclosures").await.status, StatusCode::FORBIDDEN);
    // The survey in progress shows each community's previous result (the trend).
    let open = propwatch::db::entities::survey::Entity::find()
        .filter(propwatch::db::entities::survey::Column::CommunityId.eq(fc1.id))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let page = leader.get(&format!("/surveys/{}", open.id)).await;
    assert_eq!(page.select("small.previous"), vec!["上期（2026年第三季度）87.5%"]);
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert!(verdict.broken.is_none());
}

#[tokio::test]
async fn the_holiday_table_is_edited_by_staff_and_moves_working_days() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get("/holidays?year=2026").await;
    assert!(page.select("table.holidays td[data-label=节日]").iter().any(|n| n == "春节"));
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();
    assert!(cal.is_working_day(d("2027-01-01")), "not in the table yet: an ordinary Friday");
    let r = staff.post("/holidays", &[("day", "2027-01-01"), ("kind", "holiday"), ("name", "元旦")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();
    assert!(!cal.is_working_day(d("2027-01-01")));
    assert!(app.last_audit("holiday.save").await.is_some());
    let r = staff.post("/holidays", &[("day", "2027-01-01"), ("kind", "sometimes"), ("name", "元旦")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e.contains("请选择放假或调休上班")));
    let r = staff.post("/holidays", &[("day", "2027-01-01"), ("action", "delete")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();
    assert!(cal.is_working_day(d("2027-01-01")));
    // Discipline inspectors read, never change; companies neither.
    for role in [Role::DisciplineInspector, Role::CompanyUser] {
        let mut c = app.login_as(role).await;
        c.get("/holidays").await;
        let r = c.post("/holidays", &[("day", "2027-01-02"), ("kind", "holiday"), ("name", "元旦")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}");
    }
}

#[tokio::test]
async fn notifications_are_texted_through_the_http_gateway_once() {
    use std::sync::{Arc, Mutex};
    // A stand-in SMS gateway on loopback that records what it receives.
    let received: Arc<Mutex<Vec<(String, serde_json::Value)>>> = Arc::default();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let (r2, f2) = (received.clone(), fail.clone());
    let gateway = axum::Router::new().route(
        "/sms/send",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let (r, f) = (r2.clone(), f2.clone());
            async move {
                if f.load(std::sync::atomic::Ordering::SeqCst) {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                r.lock().unwrap().push((auth, serde_json::from_str(&body).unwrap()));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, gateway).await.unwrap() });
    let app = TestApp::with_settings(|s| {
        s.public_rate_per_minute = 0;
        s.sms_provider = "http".into();
        s.sms_http_url = Some(format!("http://{addr}/sms/send"));
        s.sms_http_token = Some("gw-token".into());
    })
    .await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "楼顶防水层破损，顶楼住户家中漏水").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(30)).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    let r = issue_notice(&mut staff, company_id, &[case_id], t0 + Duration::days(15)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let channels = propwatch::service::outbox::Channels::from_settings(&app.deps.settings).unwrap();
    let queued = propwatch::service::outbox::dispatch_notifications(&app.deps, &channels).await.unwrap();
    assert!(queued >= 1, "the company's account gets a text about the notice");
    assert_eq!(propwatch::service::outbox::dispatch_notifications(&app.deps, &channels).await.unwrap(), 0);
    // The gateway is down: kept and retried later.
    let d = propwatch::service::outbox::deliver_due(&app.deps, &channels).await.unwrap();
    assert_eq!((d.sent, d.retrying), (0, queued));
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    app.clock.advance(Duration::minutes(3));
    let d = propwatch::service::outbox::deliver_due(&app.deps, &channels).await.unwrap();
    assert_eq!(d.sent, queued);
    assert_eq!(propwatch::service::outbox::deliver_due(&app.deps, &channels).await.unwrap().sent, 0, "never twice");
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), queued);
    let number = propwatch::db::cases::notices(&app.deps.db, None, 1, 1).await.unwrap().0.remove(0).number;
    assert!(
        got.iter().any(|(auth, m)| auth == "Bearer gw-token"
            && m["phone"] == "13800000000"
            && m["text"].as_str().unwrap().contains(&number)),
        "{got:?}"
    );
    // At rest, the outbox holds the number sealed.
    let rows = propwatch::db::entities::outbox::Entity::find().all(&app.deps.db).await.unwrap();
    assert!(rows.iter().all(|r| !r.recipient_sealed.contains("13800000000")));
}

#[tokio::test]
async fn a_notice_issued_on_a_monday_with_three_working_days_is_first_flagged_on_friday() {
    let app = TestApp::new().await;
    // Monday 2024-06-03, 10:00 in Shanghai: the signing period is the 4th, 5th and 6th.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 6, 3, 2, 0, 0).unwrap());
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    assert_eq!(t0.to_string(), "2024-06-03");
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-002", "小区监控全部损坏，车辆被划无法取证").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(40)).await;
    let company_id = community(&app, "YC-FC-002").await.company_id.unwrap();
    let r = issue_notice(&mut staff, company_id, &[case_id], t0 + Duration::days(30)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let thursday = scanner(&app, t0 + Duration::days(3));
    assert!(thursday.contains("通知书逾期未签收 0 份"), "not on the last day of the period: {thursday}");
    let friday = scanner(&app, t0 + Duration::days(4));
    assert!(friday.contains("通知书逾期未签收 1 份"), "the day after the period: {friday}");
}

#[tokio::test]
async fn a_notice_not_signed_for_in_time_is_flagged_and_escalation_proposed_once() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-002", "小区监控全部损坏，车辆被划无法取证").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(40)).await;
    let company_id = community(&app, "YC-FC-002").await.company_id.unwrap();
    let r = issue_notice(&mut staff, company_id, &[case_id], t0 + Duration::days(30)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let notice_id: i64 = r.location().trim_start_matches("/notices/").parse().unwrap();
    // Within the signing period (3 working days by default): nothing.
    assert!(scanner(&app, t0 + Duration::days(1)).contains("通知书逾期未签收 0 份"));
    let late = t0 + Duration::days(10);
    let out = scanner(&app, late);
    assert!(out.contains("通知书逾期未签收 1 份") && out.contains("提请升级 1 件"), "{out}");
    assert!(scanner(&app, late).contains("通知书逾期未签收 0 份"), "flagged once");
    let n = propwatch::db::cases::notice(&app.deps.db, notice_id).await.unwrap().unwrap();
    assert!(n.unsigned_flagged_at.is_some());
    let proposals = propwatch::db::cases::escalation_proposals(&app.deps.db, "pending", Some(case_id)).await.unwrap();
    assert_eq!(proposals.len(), 1);
    assert_eq!(proposals[0].reason, "unsigned");
    let page = staff.get("/notices").await;
    assert!(page.body.contains("逾期未签收"));
    // Staff cannot stack a second proposal on a pending one; a leader declines it.
    let r = staff.post(&format!("/cases/{case_id}/escalation"), &[("note", "企业拒绝签收整改通知书")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已有待领导决定的升级提请"));
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get("/escalations").await;
    let r = leader
        .post(&format!("/escalations/{}", proposals[0].id), &[("decision", "decline"), ("note", "先督促签收")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, case_id).await, "notice_issued", "declining leaves the case where it was");
    // Now staff may propose again (the company refuses outright).
    staff.get(&format!("/cases/{case_id}")).await;
    let r = staff.post(&format!("/cases/{case_id}/escalation"), &[("note", "企业书面拒绝整改")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Staff cannot decide escalation themselves.
    let p = propwatch::db::cases::escalation_proposals(&app.deps.db, "pending", Some(case_id)).await.unwrap();
    staff.get("/escalations").await;
    let r = staff.post(&format!("/escalations/{}", p[0].id), &[("decision", "accept"), ("note", "升级")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn two_scanners_ticking_at_once_mark_and_notify_each_case_once() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    let mut cases = Vec::new();
    for (i, code) in ["YC-FC-001", "YC-FC-002", "YC-FC-001"].iter().enumerate() {
        let (_, problem) =
            accepted_problem(&app, &mut staff, code, &format!("第{i}处：楼道堆放杂物阻塞消防通道")).await;
        cases.push(filed_case(&app, &mut staff, problem, t0 + Duration::days(30)).await);
    }
    let r = issue_notice(&mut staff, company_id, &cases, t0 + Duration::days(5)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = (t0 + Duration::days(12)).and_hms_opt(1, 0, 0).unwrap().and_utc();
    // Two server processes' scanners (two connections on PostgreSQL) at the same instant.
    let (a, b) = tokio::join!(
        propwatch::jobs::scanner::run_once(&app.deps, at),
        propwatch::jobs::scanner::run_once(&app.deps, at)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.overdue + b.overdue, 3, "each case marked once: {a:?} {b:?}");
    assert_eq!(a.escalations_proposed + b.escalations_proposed, 3);
    let events = propwatch::db::entities::case_event::Entity::find().all(&app.deps.db).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "mark_overdue").count(), 3);
    let notes = propwatch::db::entities::notification::Entity::find().all(&app.deps.db).await.unwrap();
    // One notice per recipient and chunk names its cases: every case is in exactly one
    // company notice and one notice to the responsible person, however the scanners split them.
    let overdue: Vec<_> = notes.iter().filter(|n| n.kind == "case_overdue").collect();
    assert!((2..=6).contains(&overdue.len()), "{overdue:?}");
    for id in &cases {
        let title = propwatch::db::cases::case(&app.deps.db, *id).await.unwrap().unwrap().title;
        let names = |n: &&&propwatch::db::entities::notification::Model| {
            n.case_id == Some(*id) || (n.case_id.is_none() && n.body.contains(&format!("{title}（完成时限")))
        };
        assert_eq!(overdue.iter().filter(|n| n.company_id == Some(company_id)).filter(names).count(), 1, "{title}");
        assert_eq!(overdue.iter().filter(|n| n.user_id.is_some()).filter(names).count(), 1, "{title}");
    }
    if let Some(digest) = overdue.iter().find(|n| n.case_id.is_none()) {
        assert!(digest.title.contains("件案件"), "{digest:?}");
    }
    // The inbox links a digest to the ledger's overdue cases.
    let inbox = staff.get("/notifications").await;
    assert!(
        inbox.body.contains("/cases?status=overdue") || overdue.iter().all(|n| n.case_id.is_some()),
        "{}",
        inbox.body
    );
    let again = propwatch::jobs::scanner::run_once(&app.deps, at).await.unwrap();
    assert_eq!(again, propwatch::jobs::scanner::Tick::default());

    // The ledger's totals (summed from the tallies the triggers keep) agree with the rows,
    // before and after compacting the tallies, the second compaction at the same time.
    let token = app.token(Role::BureauStaff).await;
    let fc = community(&app, "YC-FC-001").await;
    let filters = [
        (String::new(), None, None, None),
        ("status=overdue".to_string(), Some("overdue"), None, None),
        ("status=filed".to_string(), Some("filed"), None, None),
        (format!("company_id={company_id}"), None, Some(company_id), None),
        (format!("township_id={}&status=overdue", fc.township_id), Some("overdue"), None, Some(fc.township_id)),
    ];
    for round in 0..2 {
        for (query, st, co, tw) in &filters {
            let api =
                staff.send(axum::http::Method::GET, &format!("/api/v1/cases?{query}"), Some(&token), None).await.json();
            use propwatch::db::entities::case;
            let mut q = case::Entity::find();
            if let Some(s) = st {
                q = q.filter(case::Column::Status.eq(*s));
            }
            if let Some(c) = co {
                q = q.filter(case::Column::CompanyId.eq(*c));
            }
            if let Some(t) = tw {
                q = q.filter(case::Column::TownshipId.eq(*t));
            }
            let rows = q.count(&app.deps.db).await.unwrap();
            assert_eq!(api["total"], rows, "round {round}, filter {query:?}");
        }
        let (x, y) = tokio::join!(
            propwatch::db::cases::compact_tallies(&app.deps.db),
            propwatch::db::cases::compact_tallies(&app.deps.db)
        );
        x.unwrap();
        y.unwrap();
    }
    // The scanner's entries (written in bulk) chain like any other.
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert!(verdict.broken.is_none(), "{verdict:?}");
    assert!(verdict.verified >= 3);
}

#[tokio::test]
async fn notifications_are_emailed_to_accounts_with_an_address_through_smtp() {
    if !crate::mail_servers::servers_available() {
        return;
    }
    let smtp = crate::mail_servers::SmtpSink::start().await;
    let smtp_url = smtp.url();
    let app = TestApp::with_settings(|s| {
        s.public_rate_per_minute = 0;
        s.smtp_url = Some(smtp_url);
        s.sms_provider = "none".into();
        s.public_url = "https://wy.example.gov.cn".into();
    })
    .await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "二次供水水箱多年未清洗").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(30)).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    let r = issue_notice(&mut staff, company_id, &[case_id], t0 + Duration::days(15)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let notice_id: i64 = r.location().trim_start_matches("/notices/").parse().unwrap();
    let channels = propwatch::service::outbox::Channels::from_settings(&app.deps.settings).unwrap();
    propwatch::service::outbox::dispatch_notifications(&app.deps, &channels).await.unwrap();
    propwatch::service::outbox::deliver_due(&app.deps, &channels).await.unwrap();
    let number = propwatch::db::cases::notice(&app.deps.db, notice_id).await.unwrap().unwrap().number;
    let parser = mail_parser::MessageParser::default();
    let to_company: Vec<_> = smtp
        .received()
        .iter()
        .map(|raw| parser.parse(raw).unwrap().into_owned())
        .filter(|m| m.to().and_then(|t| t.first()).and_then(|a| a.address()) == Some("anju@yangcheng.example"))
        .collect();
    assert_eq!(to_company.len(), 1, "the company's account is emailed once about the new notice");
    assert!(to_company[0].subject().unwrap().contains(&number));
    assert!(to_company[0].body_text(0).unwrap().contains(&format!("https://wy.example.gov.cn/notices/{notice_id}")));
}

#[tokio::test]
async fn a_company_answers_a_notice_item_by_item_with_text_and_photos() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "楼道垃圾堆积，消防通道被杂物堵塞").await;
    // A case with two items: the problem's own (A1.1) and one more.
    staff.get(&format!("/cases/new?problem_id={problem}")).await;
    let responsible = user_id(&app, Role::BureauStaff).await.to_string();
    let r = staff
        .post(
            "/cases",
            &[
                ("problem_id", &problem.to_string()),
                ("responsible_user_id", &responsible),
                ("facts", "现场核查：楼道垃圾堆积，消防通道被杂物堵塞。"),
                ("extra_code", "A1.3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case_id: i64 = r.location().trim_start_matches("/cases/").parse().unwrap();
    let deadline = (t0 + Duration::days(20)).to_string();
    staff.multipart(&format!("/cases/{case_id}/steps"), &[("step", "verify"), ("deadline", &deadline)], &[]).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    let r = issue_notice(&mut staff, company_id, &[case_id], t0 + Duration::days(10)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The company's form asks item by item.
    let mut company = app.login_as(Role::CompanyUser).await;
    let page = company.get(&format!("/cases/{case_id}")).await;
    let legends = page.select("#report fieldset.item-report legend");
    assert_eq!(legends.len(), 2, "{legends:?}");
    assert!(legends[0].starts_with("A1.1 ") && legends[1].starts_with("A1.3 "), "{legends:?}");
    assert_eq!(page.select("#report input[name='item_photos.A1.1'][capture=environment]").len(), 1);

    // An item left unanswered is refused, naming it, and nothing is written.
    let r = company
        .multipart(
            &format!("/cases/{case_id}/steps"),
            &[("step", "report"), ("item_note.A1.1", "保洁人员已每日清运垃圾"), ("item_note.A1.3", "")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e.contains("请说明 A1.3 的整改情况")), "{}", r.body);
    assert_eq!(status(&app, case_id).await, "notice_issued");
    assert!(propwatch::db::cases::item_reports(&app.deps.db, case_id).await.unwrap().is_empty());

    // One item by text, the other by a photo.
    let r = company
        .multipart(
            &format!("/cases/{case_id}/steps"),
            &[("step", "report"), ("item_note.A1.1", "保洁人员已每日清运垃圾"), ("item_note.A1.3", "")],
            &[("item_photos.A1.3", "corridor.jpg", jpeg())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, case_id).await, "reported");
    let reports = propwatch::db::cases::item_reports(&app.deps.db, case_id).await.unwrap();
    assert_eq!(
        reports.iter().map(|r| (r.item_code.as_str(), r.note.as_str())).collect::<Vec<_>>(),
        vec![("A1.1", "保洁人员已每日清运垃圾"), ("A1.3", "")]
    );
    let photos = propwatch::db::cases::photos(&app.deps.db, case_id).await.unwrap();
    assert_eq!(photos.iter().map(|p| p.item_code.as_deref()).collect::<Vec<_>>(), vec![Some("A1.3")]);

    // Staff see each item's answer on the timeline, the photo under its item.
    let page = staff.get(&format!("/cases/{case_id}")).await;
    let items = page.select("ol.timeline div.item-report .item");
    assert!(items.iter().any(|i| i.starts_with("A1.1 ")) && items.iter().any(|i| i.starts_with("A1.3 ")), "{items:?}");
    assert!(page.body.contains("保洁人员已每日清运垃圾"));
    assert!(page.body.contains(&format!("/cases/{case_id}/photos/{}", photos[0].id)));
    let token = app.token(Role::BureauStaff).await;
    let api = staff.send(axum::http::Method::GET, &format!("/api/v1/cases/{case_id}"), Some(&token), None).await.json();
    let line = api["timeline"].as_array().unwrap().iter().find(|l| !l["items"].as_array().unwrap().is_empty()).unwrap();
    assert_eq!(line["items"][1]["code"], "A1.3");
    assert_eq!(line["items"][1]["photos"][0], photos[0].id);
}

#[tokio::test]
async fn a_text_longer_than_its_column_is_a_chinese_refusal_not_an_internal_error() {
    // Forms check their fields' lengths; this is the net under them. PostgreSQL enforces
    // VARCHAR lengths (SQLite stores the text whole).
    let app = TestApp::new().await;
    use propwatch::db::entities::holiday;
    use sea_orm::ActiveValue::Set;
    let now = app.deps.clock.now();
    let r = holiday::Entity::insert(holiday::ActiveModel {
        day: Set(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
        kind: Set("holiday".into()),
        name: Set("元旦".repeat(40)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&app.deps.db)
    .await;
    if app.is_postgres() {
        let e = propwatch::service::ServiceError::from(r.unwrap_err());
        assert_eq!(e.code(), "too_long");
        assert_eq!(e.message(), "填写的内容超出长度限制，请精简后再提交");
        assert_eq!(propwatch::web::error::status(&e), StatusCode::UNPROCESSABLE_ENTITY);
    } else {
        r.unwrap();
    }
}

#[tokio::test]
async fn a_company_page_shows_its_supervision_picture_to_those_who_may_see_it() {
    let app = TestApp::new().await;
    propwatch::service::demo::seed_activity(&app.deps).await.unwrap();
    let anju = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::CompanyUser))
        .await
        .unwrap()
        .unwrap()
        .company_id
        .unwrap();
    use propwatch::db::entities::case;
    let cases = case::Entity::find().filter(case::Column::CompanyId.eq(anju)).all(&app.deps.db).await.unwrap();
    let open = cases.iter().filter(|c| !matches!(c.status.as_str(), "closed" | "unfounded")).count();
    assert!(open > 0, "the demo company has open cases");
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get(&format!("/companies/{anju}")).await;
    assert_eq!(page.select("section.overview .tile strong.open-n"), vec![open.to_string()]);
    let by_status: u64 =
        page.select("table.by-status td[data-label=件数]").iter().map(|n| n.parse::<u64>().unwrap()).sum();
    assert_eq!(by_status, cases.len() as u64, "every case in one state");
    assert!(!page.select("ul.company-notices a").is_empty(), "its notices");
    assert!(!page.select("section.overview .tile strong.inspected-n").is_empty(), "inspection coverage for the bureau");
    // The re-assessed company's page lists it with its letter.
    let approved = propwatch::db::entities::reassessment::Entity::find()
        .filter(propwatch::db::entities::reassessment::Column::Status.eq("approved"))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let other = staff.get(&format!("/companies/{}", approved.company_id.unwrap())).await;
    let reassessed = other.select("ul.company-reassessments li");
    assert!(reassessed.iter().any(|r| r.contains("已核定") && r.contains("阳住建物核")), "{reassessed:?}");
    // The company sees the same about itself, without the bureau's inspection planning.
    let mut company = app.login_as(Role::CompanyUser).await;
    let own = company.get(&format!("/companies/{anju}")).await;
    assert_eq!(own.select("section.overview .tile strong.open-n"), vec![open.to_string()]);
    assert!(own.select("section.overview .tile strong.inspected-n").is_empty());
    assert!(!own.body.contains(NAME) && !own.body.contains(PHONE), "no complainant data");
    // An owners' committee reads the registry, not the company's cases.
    let mut committee = app.login_as(Role::CommitteeMember).await;
    let r = committee.get(&format!("/companies/{anju}")).await;
    assert!(r.select("section.overview").is_empty());
}

#[tokio::test]
async fn a_service_grade_reassessment_is_proposed_by_staff_approved_by_a_leader_and_sends_its_letters() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let fc = community(&app, "YC-FC-001").await;
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "楼道长期堆放杂物，物业多次催告仍不清理").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let page = staff.get(&format!("/communities/{}", fc.id)).await;
    assert!(page.body.contains("提请重新核定服务等级"));
    let path = format!("/communities/{}/reassessments", fc.id);
    let effective = (t0 + Duration::days(5)).to_string();
    let case = case_id.to_string();
    // A fee outside the grade's range, or no case to rest on, is refused in Chinese.
    let r = staff
        .post(
            &path,
            &[
                ("new_grade", "三级"),
                ("new_fee", "1.50"),
                ("effective_on", &effective),
                ("reasons", "逾期未整改"),
                ("case_id", &case),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("三级的收费标准应在 0.60–1.00 元/平方米·月 之间"), "{}", r.body);
    let r = staff
        .post(
            &path,
            &[("new_grade", "三级"), ("new_fee", "0.80"), ("effective_on", &effective), ("reasons", "逾期未整改")],
        )
        .await;
    assert!(r.body.contains("请选择作为依据的本小区案件"), "{}", r.body);
    let good = [
        ("new_grade", "三级"),
        ("new_fee", "0.80"),
        ("effective_on", effective.as_str()),
        ("reasons", "整改通知书下发后逾期未整改，服务达不到原等级标准"),
        ("case_id", case.as_str()),
    ];
    let r = staff.post(&path, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = staff.post(&path, &good).await;
    assert!(r.body.contains("该小区已有待领导审批的重新核定"), "one pending at a time");
    let proposal =
        propwatch::db::entities::reassessment::Entity::find().all(&app.deps.db).await.unwrap().pop().unwrap();
    assert_eq!((proposal.old_grade.as_str(), proposal.new_fee_fen), (fc.service_grade.as_str(), 80));
    // Staff cannot approve their own proposal.
    staff.get("/escalations").await;
    let decision = format!("/reassessments/{}/decision", proposal.id);
    let r = staff.post(&decision, &[("decision", "approve"), ("note", "同意")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get("/escalations").await;
    assert!(page.select("section.reassessment h3").iter().any(|h| h.contains("三级")), "{}", page.body);
    let r = leader.post(&decision, &[("decision", "approve"), ("note", "同意重新核定")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = leader.post(&decision, &[("decision", "reject"), ("note", "不同意")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "decided once");

    // The community's grade and fee change; its history shows the letters.
    let now = community(&app, "YC-FC-001").await;
    assert_eq!((now.service_grade.as_str(), now.fee_fen), ("三级", Some(80)));
    let done = propwatch::db::entities::reassessment::Entity::find_by_id(proposal.id)
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let year = chrono::Datelike::year(&t0);
    let company_letter = done.company_letter_number.clone().unwrap();
    assert_eq!(company_letter, format!("阳住建物核〔{year}〕1号"));
    assert_eq!(done.department_letter_number.clone().unwrap(), format!("阳住建物核〔{year}〕2号"));
    let page = staff.get(&format!("/communities/{}", fc.id)).await;
    assert!(page.select("table.history td.status").iter().any(|s| s.starts_with("已核定")));
    assert!(page.body.contains(&company_letter));
    // The community's public page (the QR poster's complaint form) shows the grade now in force.
    let public = app.client().get(&format!("/complaints/new?community={}", fc.id)).await;
    assert_eq!(public.select("p.grade"), vec![format!("{}：物业服务等级 三级，收费标准 0.80 元/㎡·月", fc.name)]);
    // …and links the community's public page: company, grade, fee, history, case counts, and
    // nothing personal.
    assert!(public.body.contains(&format!("/c/{}", fc.id)));
    let page = app.client().get(&format!("/c/{}", fc.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select("dd.grade"), vec!["三级"]);
    assert_eq!(page.select("dd.fee"), vec!["0.80 元/㎡·月"]);
    assert_eq!(page.select("ul.grade-history li"), vec![format!("{effective} 起：三级，0.80 元/㎡·月")]);
    let open = propwatch::db::entities::case::Entity::find()
        .filter(propwatch::db::entities::case::Column::CommunityId.eq(fc.id))
        .all(&app.deps.db)
        .await
        .unwrap()
        .iter()
        .filter(|c| !matches!(c.status.as_str(), "closed" | "unfounded"))
        .count();
    assert_eq!(page.select("strong.open-n"), vec![open.to_string()]);
    assert!(!page.select("dd.company").is_empty());
    assert!(!page.body.contains(NAME) && !page.body.contains(PHONE) && !page.body.contains("13912345678"));
    assert_eq!(app.client().get("/c/999999").await.status, StatusCode::NOT_FOUND);
    // The letters are PDFs that carry their numbers and the community.
    let pdf = raw_get(&staff, &format!("/reassessments/{}/letters/company", proposal.id)).await;
    let text: String = pdf_text(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&company_letter) && text.contains(&fc.name), "{text}");
    let pdf = raw_get(&staff, &format!("/reassessments/{}/letters/departments", proposal.id)).await;
    let text: String = pdf_text(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("市场监督管理局") && text.contains("三级"), "{text}");
    // The case's timeline, the company's notification, the audit trail.
    let detail = staff.get(&format!("/cases/{case_id}")).await;
    assert!(detail.body.contains("重新核定服务等级：") && detail.body.contains("自 "), "{}", detail.body);
    assert!(app.last_audit("reassessment.approve").await.is_some());
    let notes = propwatch::db::entities::notification::Entity::find()
        .filter(propwatch::db::entities::notification::Column::Kind.eq("reassessment"))
        .all(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].company_id, fc.company_id);
    // Who reads which letter: the company its own, never the departments'; a department that is
    // neither price nor market supervision, none.
    let company_id = fc.company_id.unwrap();
    let anju = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::CompanyUser))
        .await
        .unwrap()
        .unwrap();
    if anju.company_id == Some(company_id) {
        let mut company = app.login_as(Role::CompanyUser).await;
        let r = company.get(&format!("/reassessments/{}/letters/company", proposal.id)).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = company.get(&format!("/reassessments/{}/letters/departments", proposal.id)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let mut enforcement = app.login_as(Role::DepartmentUser).await;
    let r = enforcement.get(&format!("/reassessments/{}/letters/departments", proposal.id)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A later proposal the leader rejects (with a reason) changes nothing.
    let r = staff
        .post(
            &path,
            &[
                ("new_grade", "四级"),
                ("new_fee", "0.50"),
                ("effective_on", &effective),
                ("reasons", "仍未整改"),
                ("case_id", &case),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let second = propwatch::db::entities::reassessment::Entity::find().all(&app.deps.db).await.unwrap().pop().unwrap();
    leader.get("/escalations").await;
    let decision = format!("/reassessments/{}/decision", second.id);
    let r = leader.post(&decision, &[("decision", "reject"), ("note", "")]).await;
    assert!(r.body.contains("不同意时请写明理由"), "{}", r.body);
    let r = leader.post(&decision, &[("decision", "reject"), ("note", "先督促整改")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(community(&app, "YC-FC-001").await.service_grade, "三级");
}

#[tokio::test]
async fn a_referral_goes_to_its_department_with_a_numbered_letter_and_comes_back_with_a_result() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "物业擅自占用消防通道设置收费停车位").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let zhifa = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::DepartmentUser))
        .await
        .unwrap()
        .unwrap();
    let dept = zhifa.department_id.unwrap();
    let page = staff.get(&format!("/referrals/new?case_id={case_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = staff
        .post("/referrals", &[("from_case", &case_id.to_string()), ("case_id", &case_id.to_string()), ("reasons", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择接收移送的部门") && r.body.contains("请写明移送理由"), "{}", r.body);
    let r = staff
        .post(
            "/referrals",
            &[
                ("from_case", &case_id.to_string()),
                ("case_id", &case_id.to_string()),
                ("department_id", &dept.to_string()),
                ("reasons", "占用消防通道设置收费停车位，涉嫌违反《消防法》第二十八条"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/referrals/").parse().unwrap();
    // Before a leader approves, the department sees nothing.
    let mut department = app.login_as(Role::DepartmentUser).await;
    assert_eq!(department.get(&format!("/referrals/{id}")).await.status, StatusCode::FORBIDDEN);
    assert!(department.get("/referrals").await.select("table.referrals td.status").is_empty());
    // Staff cannot approve; a leader does, and the letter is numbered.
    staff.get(&format!("/referrals/{id}")).await;
    let r = staff.post(&format!("/referrals/{id}/decision"), &[("decision", "approve")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut leader = app.login_as(Role::BureauLeader).await;
    let pending = leader.get("/escalations").await;
    assert_eq!(pending.select("section.referral").len(), 1);
    leader.get(&format!("/referrals/{id}")).await;
    let r = leader.post(&format!("/referrals/{id}/decision"), &[("decision", "approve"), ("note", "同意移送")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let row = propwatch::db::entities::referral::Entity::find_by_id(id).one(&app.deps.db).await.unwrap().unwrap();
    let year = chrono::Datelike::year(&t0);
    assert_eq!(row.letter_number.as_deref(), Some(format!("阳住建物移〔{year}〕1号").as_str()));
    let due = row.feedback_due.unwrap();
    assert!(due > t0 + Duration::days(14), "15 working days: {due}");
    let pdf = raw_get(&staff, &format!("/referrals/{id}/letter")).await;
    let text: String = pdf_text(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&format!("阳住建物移〔{year}〕1号")) && text.contains("综合行政执法局"), "{text}");

    // The department sees it, with the evidence and the letter, and no complainant data.
    let list = department.get("/referrals").await;
    assert_eq!(list.select("table.referrals td.status"), vec!["已移送，待签收"]);
    let page = department.get(&format!("/referrals/{id}")).await;
    let c = propwatch::db::cases::case(&app.deps.db, case_id).await.unwrap().unwrap();
    assert!(
        page.body.contains(&c.title) && page.body.contains(&c.facts) && page.body.contains("涉嫌违反《消防法》"),
        "{}",
        page.body
    );
    assert!(page.select("ul.referred a").is_empty(), "no links into the bureau's case pages");
    assert!(!page.body.contains(NAME) && !page.body.contains(PHONE));
    let letter = department.get(&format!("/referrals/{id}/letter")).await;
    assert_eq!(letter.status, StatusCode::OK);
    // Another department's account sees none of it.
    let notes = propwatch::db::entities::notification::Entity::find()
        .filter(propwatch::db::entities::notification::Column::UserId.eq(zhifa.id))
        .all(&app.deps.db)
        .await
        .unwrap();
    assert!(notes.iter().any(|n| n.kind == "referral"), "the department is told");
    // Receipt, then the result; the case's timeline follows.
    let r = department.post(&format!("/referrals/{id}/acknowledge"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = department.post(&format!("/referrals/{id}/acknowledge"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "acknowledged once");
    let r = department.post(&format!("/referrals/{id}/result"), &[("result", "短")]).await;
    assert!(r.body.contains("请填写处理情况和结果"));
    // Past the feedback date without a result, the scanner reminds once.
    let late = (due + Duration::days(1)).and_hms_opt(2, 0, 0).unwrap().and_utc();
    let tick = propwatch::jobs::scanner::run_once(&app.deps, late).await.unwrap();
    assert_eq!(tick.referrals_reminded, 1);
    assert_eq!(propwatch::jobs::scanner::run_once(&app.deps, late).await.unwrap().referrals_reminded, 0);
    let r = department
        .post(&format!("/referrals/{id}/result"), &[("result", "已立案调查，责令物业公司拆除收费停车位并处罚款五千元")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let detail = staff.get(&format!("/cases/{case_id}")).await;
    assert!(detail.body.contains("已移送") && detail.body.contains("反馈处理结果：已立案调查"), "{}", detail.body);
    assert!(detail.select("section.referrals li").iter().any(|l| l.contains("已反馈处理结果")));
    // The company's page shows the referral and its result, to the bureau and to the company.
    let company_id = c.company_id.unwrap();
    let page = staff.get(&format!("/companies/{company_id}")).await;
    assert!(page.select("ul.company-referrals li").iter().any(|l| l.contains("已反馈处理结果") && l.contains("拆除")));
    for action in ["referral.propose", "referral.approve", "referral.acknowledge", "referral.remind", "referral.result"]
    {
        assert!(app.last_audit(action).await.is_some(), "{action}");
    }
}

#[tokio::test]
async fn an_unknown_or_missing_decision_is_refused_naming_the_choices_and_changes_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "物业擅自占用消防通道设置收费停车位").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let department =
        propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::DepartmentUser))
            .await
            .unwrap()
            .unwrap()
            .department_id;
    let id = propwatch::service::referrals::propose(
        &app.deps,
        &staff_ctx(&app).await,
        vec![case_id],
        department,
        "占用消防通道",
    )
    .await
    .unwrap();
    // A leader's typo or a form without its button is not a rejection.
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get(&format!("/referrals/{id}")).await;
    for fields in [&[("decision", "approved"), ("note", "同意移送")][..], &[("note", "同意移送")][..]] {
        let r = leader.post(&format!("/referrals/{id}/decision"), fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("请选择同意或不同意"), "{}", r.body);
    }
    let row = propwatch::db::entities::referral::Entity::find_by_id(id).one(&app.deps.db).await.unwrap().unwrap();
    assert_eq!(row.status, "proposed");
    assert!(row.letter_number.is_none());
    // An unknown action on the holiday table neither saves nor deletes.
    staff.get("/holidays?year=2027").await;
    let r = staff
        .post("/holidays", &[("day", "2027-01-01"), ("kind", "holiday"), ("name", "元旦"), ("action", "add")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.select("p.err").iter().any(|e| e.contains("请选择保存或删除")), "{}", r.body);
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
    assert!(app.last_audit("holiday.save").await.is_none());
}

#[tokio::test]
async fn a_dismissal_track_is_opened_by_a_leader_and_its_legal_steps_come_in_order() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let fc = community(&app, "YC-FC-001").await;
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "物业长期不履约，业主强烈要求更换物业").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let path = format!("/communities/{}/dismissals", fc.id);
    // Staff may not open a track; a leader does.
    staff.get(&format!("/communities/{}", fc.id)).await;
    let r = staff.post(&path, &[("reasons", "企业不履约，业主反映强烈"), ("notice_days", "60")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get(&format!("/communities/{}", fc.id)).await;
    assert!(page.body.contains("开启引导解聘"));
    let r = leader.post(&path, &[("reasons", "企业不履约"), ("notice_days", "0")]).await;
    assert!(r.body.contains("书面通知期限为1至365天"), "{}", r.body);
    let r = leader
        .post(
            &path,
            &[
                ("reasons", "整改通知书下发后逾期拒不整改，业主联名要求更换物业"),
                ("notice_days", "60"),
                ("case_id", &case_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/dismissals/").parse().unwrap();
    let r = leader.post(&path, &[("reasons", "再开一次"), ("notice_days", "60")]).await;
    assert!(r.body.contains("该小区已有进行中的引导解聘"));

    // The township's officer is told and records the steps, in order.
    let officer_id =
        propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::TownshipOfficer))
            .await
            .unwrap()
            .unwrap()
            .id;
    let told = propwatch::db::entities::notification::Entity::find()
        .filter(propwatch::db::entities::notification::Column::UserId.eq(officer_id))
        .filter(propwatch::db::entities::notification::Column::Kind.eq("dismissal"))
        .count(&app.deps.db)
        .await
        .unwrap();
    assert_eq!(told, 1);
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    let page = officer.get(&format!("/dismissals/{id}")).await;
    assert_eq!(page.select("dd.stage"), vec!["待召集业主大会"]);
    let steps = format!("/dismissals/{id}/steps");
    let day = t0.to_string();
    let r = officer.post(&steps, &[("step", "notice_served"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("业主大会作出解聘决定后，才能书面通知企业"), "{}", r.body);
    let r = officer.post(&steps, &[("step", "withdrawn"), ("on", &day), ("note", "撤销")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only leaders withdraw");
    // The assembly's decision needs its figures, and they must carry the step recorded.
    let r = officer.post(&steps, &[("step", "assembly_called"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = officer.post(&steps, &[("step", "assembly_dismissed"), ("on", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择依据的业主共同决定"), "{}", r.body);
    // 4,500 of the 9,000 m² taking part said yes: exactly half is not 过半数, so the owners did
    // not dismiss (whatever the headcount says).
    let half = [
        ("step", "assembly_dismissed"),
        ("on", day.as_str()),
        ("basis", "paper"),
        ("total_area", "10000"),
        ("total_owners", "100"),
        ("yes_area", "4500"),
        ("yes_owners", "60"),
        ("no_area", "4500"),
        ("no_owners", "30"),
    ];
    let r = officer.post(&steps, &half).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("解聘事项未获通过"), "{}", r.body);
    let r = officer
        .post(
            &steps,
            &[
                ("step", "assembly_dismissed"),
                ("basis", "paper"),
                ("total_area", "10000"),
                ("total_owners", "100"),
                ("yes_area", "1O0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a malformed figure is refused, not a 500");
    let r = officer
        .post(
            &steps,
            &with_paper_figures(&[("step", "assembly_dismissed"), ("on", &day), ("note", "经业主大会表决通过解聘")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&format!("/dismissals/{id}")).await;
    assert!(
        page.body.contains("纸质表决统计") && page.body.contains("6000.00 m² / 9000.00 m²"),
        "the step records the comparisons: {}",
        page.body
    );
    let r = staff.post(&steps, &[("step", "notice_served"), ("on", &day), ("note", "已书面通知企业")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&format!("/dismissals/{id}")).await;
    // 民法典第946条: 60 days from the day after service; a last day on a rest day moves to the
    // next working day (第203条; past the holiday table only weekends are known).
    let mut ends = t0 + Duration::days(60);
    while matches!(chrono::Datelike::weekday(&ends), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        ends += Duration::days(1);
    }
    // Past the holiday table (seeded to 2026) the page says the date counts weekends only.
    let past_table = chrono::Datelike::year(&ends) > 2026;
    assert_eq!(page.select("dd.coverage-note").iter().any(|n| n.contains("尚未录入")), past_table, "{}", page.body);
    let ends = ends.to_string();
    assert_eq!(page.select("dd.ends"), vec![ends.clone()]);
    assert_eq!(page.select("ol.steps li").len(), 3);
    // The case's timeline, the company's notice, the audit trail.
    let detail = staff.get(&format!("/cases/{case_id}")).await;
    assert!(
        detail.body.contains("开启引导解聘") && detail.body.contains(&format!("合同最早于 {ends} 终止")),
        "{}",
        detail.body
    );
    let notice = propwatch::db::entities::notification::Entity::find()
        .filter(propwatch::db::entities::notification::Column::Kind.eq("dismissal_notice"))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(notice.company_id, fc.company_id);
    for action in
        ["dismissal.open", "dismissal.assembly_called", "dismissal.assembly_dismissed", "dismissal.notice_served"]
    {
        assert!(app.last_audit(action).await.is_some(), "{action}");
    }
    let company = staff.get(&format!("/companies/{}", fc.company_id.unwrap())).await;
    assert!(company.select("ul.company-dismissals li").iter().any(|l| l.contains(&ends)));
    // The fourth rung: the company refuses to leave; litigation and credit are recorded in the
    // courts' order, with documents.
    let lit = format!("/dismissals/{id}/litigation");
    officer.get(&format!("/dismissals/{id}")).await;
    let r =
        officer.multipart(&lit, &[("kind", "filed"), ("on", &day), ("reference", "(2026)晋0522民初88号")], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请先记录“引导业主委员会提起诉讼”"), "{}", r.body);
    let r =
        officer.multipart(&lit, &[("kind", "guidance"), ("on", &day), ("note", "已指导业委会委托律师起诉")], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = officer
        .multipart(
            &lit,
            &[("kind", "filed"), ("on", &day), ("reference", "")],
            &[("document", "x.txt", b"plain".to_vec())],
        )
        .await;
    assert!(r.body.contains("请填写案号"), "{}", r.body);
    let pdf = b"%PDF-1.4\n% test filing notice\n".to_vec();
    let r = officer
        .multipart(
            &lit,
            &[("kind", "filed"), ("on", &day), ("reference", "(2026)晋0522民初88号")],
            &[("document", "受理通知书.pdf", pdf.clone())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = officer
        .multipart(
            &lit,
            &[("kind", "judgment"), ("on", &day), ("reference", "(2026)晋0522民初88号")],
            &[("document", "x.txt", b"plain".to_vec())],
        )
        .await;
    assert!(r.body.contains("只能上传PDF文件或照片"), "{}", r.body);
    let page = officer.get(&format!("/dismissals/{id}")).await;
    let steps = page.select("ol.litigation-steps li");
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(steps[1].contains("法院立案") && steps[1].contains("(2026)晋0522民初88号"));
    let event = propwatch::db::entities::litigation_event::Entity::find()
        .filter(propwatch::db::entities::litigation_event::Column::Kind.eq("filed"))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let doc = raw_get(&officer, &format!("/dismissals/{id}/documents/{}", event.id)).await;
    assert_eq!(doc, pdf, "the document as filed");
    assert!(app.last_audit("litigation.filed").await.is_some());
    let detail = staff.get(&format!("/cases/{case_id}")).await;
    assert!(detail.body.contains("诉讼、失信：法院立案"));
    // Companies never see the track's page nor its documents.
    let mut company_user = app.login_as(Role::CompanyUser).await;
    assert_eq!(company_user.get(&format!("/dismissals/{id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        company_user.get(&format!("/dismissals/{id}/documents/{}", event.id)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_public_revenue_ledger_is_append_only_in_integer_fen_and_published_by_quarter() {
    let app = TestApp::new().await;
    let anju = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::CompanyUser))
        .await
        .unwrap()
        .unwrap()
        .company_id
        .unwrap();
    let m = propwatch::db::entities::community::Entity::find()
        .filter(propwatch::db::entities::community::Column::CompanyId.eq(anju))
        .one(&app.deps.db)
        .await
        .unwrap()
        .expect("the demo company manages a community");
    let path = format!("/communities/{}/revenue", m.id);
    let day = today(&app).to_string();
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get(&path).await.status, StatusCode::OK);
    let r = company
        .post(
            &path,
            &[
                ("category", "elevator_ads"),
                ("amount", "1200.00"),
                ("occurred_on", &day),
                ("counterparty", "某传媒公司"),
                ("resolution_ref", "2024年第1次业主大会决议"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = company.post(&path, &[("category", "to_owners"), ("amount", "500.01"), ("occurred_on", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("支出或分配须写明依据"), "{}", r.body);
    let r = company.post(&path, &[("category", "parking"), ("amount", "-5"), ("occurred_on", &day)]).await;
    assert!(r.body.contains("请填写金额"), "{}", r.body);
    let r = company
        .post(
            &path,
            &[("category", "to_owners"), ("amount", "500.01"), ("occurred_on", &day), ("basis", "业委会决定按户分配")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    company.post(&path, &[("category", "parking"), ("amount", "99.99"), ("occurred_on", &day)]).await;
    use propwatch::db::entities::revenue_entry;
    let wrong = revenue_entry::Entity::find()
        .all(&app.deps.db)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.amount_fen == 9_999)
        .unwrap();
    company.get(&path).await;
    let r = company.post(&path, &[("reverse", &wrong.id.to_string()), ("reason", "")]).await;
    assert!(r.body.contains("冲销须写明原因"));
    let r = company.post(&path, &[("reverse", &wrong.id.to_string()), ("reason", "误录停车收入")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = company.post(&path, &[("reverse", &wrong.id.to_string()), ("reason", "再冲一次")]).await;
    assert!(r.body.contains("该记录已冲销"), "{}", r.body);
    let reversal = revenue_entry::Entity::find()
        .filter(revenue_entry::Column::ReversesId.eq(wrong.id))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let r = company.post(&path, &[("reverse", &reversal.id.to_string()), ("reason", "冲销冲销")]).await;
    assert!(r.body.contains("冲销记录不能再冲销"));
    // Nothing was changed or deleted: four entries, the balance in integer fen.
    assert_eq!(revenue_entry::Entity::find().count(&app.deps.db).await.unwrap(), 4);
    let page = company.get(&path).await;
    assert_eq!(page.select("table.entries td.balance").last().cloned(), Some("699.99".to_string()));
    assert_eq!(page.select("table.statements td.closing"), vec!["699.99"]);
    for action in ["revenue.entry", "revenue.reverse"] {
        assert!(app.last_audit(action).await.is_some(), "{action}");
    }
    // The bureau reads it and cannot enter anything; the public page publishes the quarter.
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get(&path).await;
    assert_eq!(page.select("table.statements td.closing"), vec!["699.99"]);
    assert!(page.select("form input[name=amount]").is_empty());
    let r = staff.post(&path, &[("category", "parking"), ("amount", "1"), ("occurred_on", &day)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let public = app.client().get(&format!("/c/{}", m.id)).await;
    assert!(public.select("table.revenue td.closing").is_empty(), "only published statements are public");
    assert!(!public.body.contains("某传媒公司"), "the public page lists totals, not counterparties");
    // Departments read no ledger.
    let mut department = app.login_as(Role::DepartmentUser).await;
    assert_eq!(department.get(&path).await.status, StatusCode::FORBIDDEN);
}

/// Sets the clock to a Shanghai wall-clock time.
fn set_shanghai(app: &TestApp, y: i32, m: u32, d: u32, h: u32) {
    let utc = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, y, m, d, h, 0, 0).unwrap() - Duration::hours(8);
    app.clock.set(utc);
}

#[tokio::test]
async fn a_referral_approved_on_a_saturday_counts_its_15_working_days_from_the_day_after() {
    let app = TestApp::new().await;
    // Saturday 2024-06-08; 端午节 on Monday the 10th: day 1 is Tuesday the 11th, day 15 is 07-01.
    set_shanghai(&app, 2024, 6, 8, 10);
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "物业擅自占用消防通道设置收费停车位").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let dept = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::DepartmentUser))
        .await
        .unwrap()
        .unwrap()
        .department_id
        .unwrap();
    staff.get(&format!("/referrals/new?case_id={case_id}")).await;
    let r = staff
        .post(
            "/referrals",
            &[
                ("from_case", &case_id.to_string()),
                ("case_id", &case_id.to_string()),
                ("department_id", &dept.to_string()),
                ("reasons", "占用消防通道设置收费停车位，涉嫌违反《消防法》第二十八条"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/referrals/").parse().unwrap();
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get(&format!("/referrals/{id}")).await;
    let r = leader.post(&format!("/referrals/{id}/decision"), &[("decision", "approve"), ("note", "同意移送")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let row = propwatch::db::entities::referral::Entity::find_by_id(id).one(&app.deps.db).await.unwrap().unwrap();
    assert_eq!(row.feedback_due.map(|d| d.to_string()).as_deref(), Some("2024-07-01"));
}

#[tokio::test]
async fn a_clue_is_due_at_24_00_of_the_last_day_not_at_the_hour_it_came_in() {
    use propwatch::db::entities::complaint;
    let app = TestApp::new().await;
    // Received Monday 2024-06-03 10:00: acceptance due at the end of 06-18; accepted the same
    // day, concluded by the end of 08-02 (a Friday).
    set_shanghai(&app, 2024, 6, 3, 10);
    let mut staff = app.login_as(Role::BureauStaff).await;
    let (code, _) = accepted_problem(&app, &mut staff, "YC-FC-002", "楼道灯坏了一个月没人修").await;
    let c = complaint::Entity::find()
        .filter(complaint::Column::TrackingCode.eq(code.as_str()))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.acceptance_due.to_rfc3339(), "2024-06-18T16:00:00+00:00");
    assert_eq!(c.closure_due.map(|d| d.to_rfc3339()).as_deref(), Some("2024-08-02T16:00:00+00:00"));
    let page = staff.get(&format!("/inbox/{}", c.id)).await;
    assert_eq!(page.select("dd.due-at"), vec!["办理期限 2024-08-02 24:00"]);
}

#[tokio::test]
async fn a_written_notice_served_on_2_august_ends_after_the_national_day_holiday() {
    let app = TestApp::new().await;
    set_shanghai(&app, 2024, 8, 2, 10);
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let fc = community(&app, "YC-FC-001").await;
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "物业长期不履约，业主强烈要求更换物业").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(10)).await;
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get(&format!("/communities/{}", fc.id)).await;
    let r = leader
        .post(
            &format!("/communities/{}/dismissals", fc.id),
            &[
                ("reasons", "逾期拒不整改，业主联名要求更换物业"),
                ("notice_days", "60"),
                ("case_id", &case_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/dismissals/").parse().unwrap();
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    officer.get(&format!("/dismissals/{id}")).await;
    let steps = format!("/dismissals/{id}/steps");
    let day = t0.to_string();
    for (step, note) in
        [("assembly_called", "已发布业主大会召集公告"), ("assembly_dismissed", "经业主大会表决通过解聘")]
    {
        let r = officer.post(&steps, &with_paper_figures(&[("step", step), ("on", &day), ("note", note)])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
    }
    staff.get(&format!("/dismissals/{id}")).await;
    let r = staff.post(&steps, &[("step", "notice_served"), ("on", &day), ("note", "已书面通知企业")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // 08-02 + 60 days is 10-01, 国庆节: the period ends on Tuesday 10-08 (民法典第203条).
    let page = officer.get(&format!("/dismissals/{id}")).await;
    assert_eq!(page.select("dd.ends"), vec!["2024-10-08"]);
}

#[tokio::test]
async fn a_deadline_on_a_rest_day_is_warned_about_and_the_default_avoids_one() {
    let app = TestApp::new().await;
    set_shanghai(&app, 2024, 9, 16, 10);
    let mut staff = app.login_as(Role::BureauStaff).await;
    let company_id = community(&app, "YC-FC-002").await.company_id.unwrap();
    // 09-16 + 15 days is 10-01: the form offers 10-08.
    let form = staff.get(&format!("/notices/new?company_id={company_id}")).await;
    assert!(form.body.contains(r#"name="deadline" value="2024-10-08""#), "{}", form.body);
    let w = staff.get("/deadlines/check?deadline=2024-10-05").await;
    assert_eq!(w.status, StatusCode::OK);
    assert!(w.body.contains("星期六") && w.body.contains("2024-10-08"), "{}", w.body);
    assert!(staff.get("/deadlines/check?deadline=2024-09-29").await.body.is_empty(), "a make-up Sunday");
    assert!(staff.get("/deadlines/check?deadline=2024-10-09").await.body.is_empty());
    assert!(staff.get("/deadlines/check?deadline=2027-03-01").await.body.contains("2027年节假日安排尚未录入"));
    assert!(staff.get("/deadlines/check?deadline=nonsense").await.body.is_empty());
    // The holiday page names the years the table lacks once the next year's notice is due.
    set_shanghai(&app, 2026, 11, 20, 10);
    let mut admin = app.login_as(Role::SystemAdmin).await;
    let page = admin.get("/holidays").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select("p.missing-years").iter().any(|p| p.contains("2027年")), "{}", page.body);
}

#[tokio::test]
async fn a_notice_form_with_a_malformed_case_or_date_is_refused_in_chinese_and_nothing_is_issued() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let t0 = today(&app);
    let (_, problem) = accepted_problem(&app, &mut staff, "YC-FC-001", "二号楼消防通道被杂物堵塞").await;
    let case_id = filed_case(&app, &mut staff, problem, t0 + Duration::days(30)).await;
    let company_id = community(&app, "YC-FC-001").await.company_id.unwrap();
    staff.get(&format!("/notices/new?company_id={company_id}")).await;
    let (cid, case) = (company_id.to_string(), case_id.to_string());
    let r = staff
        .post(
            "/notices",
            &[
                ("company_id", &cid),
                ("case_id", &case),
                ("case_id", "十二"),
                ("deadline", "下周五"),
                ("contact", "张凯东"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("案件编号无效：十二"), "{}", r.body);
    assert!(r.body.contains("完成时限应为日期"), "{}", r.body);
    assert_eq!(status(&app, case_id).await, "filed", "the case has no notice");
}

/// A form with the figures of an owners' meeting held on paper that dismissed the company
/// (9,000 of 10,000 m² and 90 of 100 owners took part; 6,000 m² and 60 owners said yes).
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
