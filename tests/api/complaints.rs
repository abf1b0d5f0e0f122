//! Complaint intake: the public form and tracking, the hotline, the API, triage, deadlines, and
//! complainant protection.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use propwatch::domain::role::Role;
use serde_json::json;

use crate::helpers::{Client, TestApp};

const PHONE: &str = "13812341234";
const NAME: &str = "王秀英";
const EMAIL: &str = "wangxy@example.com";

async fn community_id(app: &TestApp, code: &str) -> i64 {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap().id
}

/// Files a named complaint through the public form; returns the tracking code.
async fn file(app: &TestApp, code: &str, catalog: &str, text: &str) -> String {
    let id = community_id(app, code).await.to_string();
    let mut c = app.client();
    c.get(&format!("/complaints/new?community={id}")).await;
    let r = c
        .multipart(
            "/complaints",
            &[
                ("community_id", &id),
                ("catalog_code", catalog),
                ("description", text),
                ("name", NAME),
                ("phone", PHONE),
                ("email", EMAIL),
                ("consent", "on"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location();
    assert!(loc.starts_with("/track/") && loc.ends_with("?new=1"), "{loc}");
    loc.trim_start_matches("/track/").trim_end_matches("?new=1").to_string()
}

async fn complaint_id(app: &TestApp, code: &str) -> i64 {
    propwatch::db::complaints::by_tracking_code(&app.deps.db, code).await.unwrap().unwrap().id
}

#[tokio::test]
async fn a_resident_files_a_complaint_and_follows_it_by_tracking_code() {
    let app = TestApp::new().await;
    let id = community_id(&app, "YC-FC-001").await;
    let mut c = app.client();
    let form = c.get(&format!("/complaints/new?community={id}")).await;
    assert_eq!(
        form.select("select[name=community_id] option[selected]"),
        vec!["凤城花园"],
        "the QR link preselects the community"
    );
    assert!(form.select("details.notice-pi").join("").contains("不会提供给被投诉的物业服务企业"));
    let code = file(&app, "YC-FC-001", "A1.1", "楼道垃圾一周没人清理，电梯间有异味").await;
    let page = c.get(&format!("/track/{code}?new=1")).await;
    assert_eq!(page.select(".tracking-code"), vec![code.clone()]);
    assert_eq!(page.select(".track-status .status"), vec!["待受理"]);
    assert!(page.select(".timeline li")[0].contains("15日内告知是否受理"));
    // Typed sloppily: lower case, no hyphens.
    let sloppy = code.replace('-', "").to_lowercase();
    let again = c.get(&format!("/track/{sloppy}")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.select(".track-status dd code"), vec![code.clone()]);
    for secret in [PHONE, NAME, EMAIL] {
        assert!(!page.body.contains(secret), "the public page shows no identity");
    }
    // A mistyped code is caught by the check symbol.
    let mut typo: Vec<char> = code.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let r = c.get(&format!("/track/{}", typo.into_iter().collect::<String>())).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.select("p.err")[0].contains("查询码"));
    // Stored sealed, audited without identity.
    let row = propwatch::db::complaints::by_tracking_code(&app.deps.db, &code).await.unwrap().unwrap();
    assert_eq!(row.channel, "web");
    for sealed in [&row.name_sealed, &row.phone_sealed, &row.email_sealed] {
        let s = sealed.clone().unwrap();
        assert!(s.starts_with("sm4gcm:") && !s.contains(PHONE) && !s.contains(NAME));
    }
    let e = app.last_audit("complaint.create").await.unwrap();
    assert_eq!(e.object_id, row.id.to_string());
    assert!(!e.summary.contains(PHONE) && !e.summary.contains(NAME));
}

#[tokio::test]
async fn a_bad_submission_is_explained_in_chinese_and_stores_nothing() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.get("/complaints/new").await;
    let r = c.multipart("/complaints", &[("community_id", ""), ("description", "脏"), ("phone", "12ab")], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.select("p.err");
    for want in [
        "请选择问题所在的小区",
        "请描述问题（至少5个字）",
        "请填写正确的电话号码（7至20位数字）",
        "请阅读并同意个人信息处理说明",
    ] {
        assert!(errors.iter().any(|e| e == want), "{want} in {errors:?}");
    }
    assert!(app.last_audit("complaint.create").await.is_none());
}

#[tokio::test]
async fn the_hotline_records_the_operator_and_reads_out_the_code() {
    let app = TestApp::new().await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    staff.get("/hotline").await;
    let id = community_id(&app, "YC-FC-003").await.to_string();
    let r = staff
        .post(
            "/hotline",
            &[
                ("community_id", &id),
                ("catalog_code", "A3.1"),
                ("description", "消防通道被车辆长期堵塞"),
                ("phone", "13900001111"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = staff.get(&r.location()).await;
    let flash = page.select(".flash");
    assert!(flash[0].starts_with("已登记。请向来电人读出查询码："), "{flash:?}");
    let code = flash[0].rsplit('：').next().unwrap().to_string();
    let row = propwatch::db::complaints::by_tracking_code(&app.deps.db, &code).await.unwrap().unwrap();
    assert_eq!(row.channel, "phone");
    let staff_id = propwatch::db::accounts::user_by_username(&app.deps.db, "zhangkaidong").await.unwrap().unwrap().id;
    assert_eq!(row.operator_user_id, Some(staff_id));
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get("/hotline").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_triage_accept_merge_and_reject_with_public_answers() {
    let app = TestApp::new().await;
    let first = file(&app, "YC-FC-001", "A1.1", "楼道垃圾一周没人清理").await;
    let second = file(&app, "YC-FC-001", "A1.1", "三号楼垃圾桶满了也不清运").await;
    let third = file(&app, "YC-FC-002", "B1", "物业在小区广场摆摊出租").await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let id1 = complaint_id(&app, &first).await;
    staff.get(&format!("/inbox/{id1}")).await;
    let r = staff.post(&format!("/inbox/{id1}/triage"), &[("decision", "accept"), ("note", "内部：先电话核实")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let problem = app.last_audit("problem.create").await.unwrap();
    assert!(app.last_audit("complaint.accept").await.is_some());

    // The second clue on the same community and item is suggested for merging.
    let id2 = complaint_id(&app, &second).await;
    let page = staff.get(&format!("/inbox/{id2}")).await;
    assert_eq!(page.select(".suggested").len(), 1);
    let r =
        staff.post(&format!("/inbox/{id2}/triage"), &[("decision", "merge"), ("problem_id", &problem.object_id)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let merged = propwatch::db::complaints::by_tracking_code(&app.deps.db, &second).await.unwrap().unwrap();
    assert_eq!(
        (merged.status.as_str(), merged.problem_id.map(|p| p.to_string())),
        ("merged", Some(problem.object_id.clone()))
    );

    let id3 = complaint_id(&app, &third).await;
    staff.get(&format!("/inbox/{id3}")).await;
    let r = staff.post(&format!("/inbox/{id3}/triage"), &[("decision", "reject"), ("answer", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e.contains("不予受理的理由")));
    let r = staff
        .post(
            &format!("/inbox/{id3}/triage"),
            &[("decision", "reject"), ("answer", "经核实该活动由业主大会决议同意举办")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Triage happens once.
    let r = staff.post(&format!("/inbox/{id3}/triage"), &[("decision", "accept")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err")[0].contains("不能再次分办"));

    // Complainants read the public part only.
    let mut public = app.client();
    let p1 = public.get(&format!("/track/{first}")).await;
    assert_eq!(p1.select(".track-status .status"), vec!["已受理"]);
    assert!(p1.body.contains("列入问题清单"));
    assert!(!p1.body.contains("先电话核实"), "internal notes stay internal");
    assert!(!p1.body.contains("张凯东"), "no staff names");
    let p3 = public.get(&format!("/track/{third}")).await;
    assert_eq!(p3.select("dd.answer"), vec!["经核实该活动由业主大会决议同意举办"]);
}

#[tokio::test]
async fn deadlines_show_due_and_overdue_and_extend_once() {
    let app = TestApp::new().await;
    let code = file(&app, "YC-FC-001", "A1.1", "楼道垃圾一周没人清理").await;
    let id = complaint_id(&app, &code).await;
    // Sessions end after 30 idle minutes, so staff sign in again after each jump in time.
    let mut staff = app.login_as(Role::BureauStaff).await;
    assert_eq!(staff.get("/inbox?overdue=1").await.select("table.inbox tbody td.due").len(), 0);
    app.clock.advance(Duration::days(13));
    let mut staff = app.login_as(Role::BureauStaff).await;
    assert_eq!(staff.get("/inbox").await.select("table.inbox tbody td.due"), vec!["即将到期"]);
    app.clock.advance(Duration::days(3));
    let mut staff = app.login_as(Role::BureauStaff).await;
    let overdue = staff.get("/inbox?overdue=1").await;
    assert_eq!(overdue.select("table.inbox tbody td.due"), vec!["已逾期"]);
    staff.get(&format!("/inbox/{id}")).await;
    staff.post(&format!("/inbox/{id}/triage"), &[("decision", "accept")]).await;
    assert_eq!(
        staff.get("/inbox?overdue=1").await.select("table.inbox tbody td.due").len(),
        0,
        "accepted: the 60-day clock runs"
    );
    app.clock.advance(Duration::days(61));
    let mut staff = app.login_as(Role::BureauStaff).await;
    assert_eq!(staff.get("/inbox?overdue=1").await.select("table.inbox tbody td.due"), vec!["已逾期"]);
    staff.get(&format!("/inbox/{id}")).await;
    let r = staff.post(&format!("/inbox/{id}/extend"), &[("days", "31"), ("reason", "需会同消防部门现场核查")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff.post(&format!("/inbox/{id}/extend"), &[("days", "30"), ("reason", "需会同消防部门现场核查")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(staff.get("/inbox?overdue=1").await.select("table.inbox tbody td.due").len(), 0);
    let r = staff.post(&format!("/inbox/{id}/extend"), &[("days", "5"), ("reason", "再延一次试试")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let public = app.client().send(Method::GET, &format!("/api/v1/complaints/track/{code}"), None, None).await.json();
    assert!(
        public["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["text"].as_str().unwrap().contains("需会同消防部门现场核查"))
    );
}

/// Every page and response a company user can reach, for the masking test.
async fn company_walk(c: &mut Client, token: &str) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    let mut queue = vec!["/".to_string()];
    let mut visited = std::collections::HashSet::new();
    while let Some(path) = queue.pop() {
        if !visited.insert(path.clone()) || visited.len() > 200 {
            continue;
        }
        let r = c.get(&path).await;
        let doc = scraper::Html::parse_document(&r.body);
        let sel = scraper::Selector::parse("a[href]").unwrap();
        for a in doc.select(&sel) {
            let href = a.value().attr("href").unwrap_or("");
            if href.starts_with('/') && !href.starts_with("/static") && !href.contains("export") {
                queue.push(href.to_string());
            }
        }
        seen.push((path, r.body));
    }
    for path in ["/inbox", "/api/v1/complaints", "/api/v1/complaints/1", "/api/v1/communities", "/api/v1/companies"] {
        let r = c.send(Method::GET, path, Some(token), None).await;
        seen.push((path.to_string(), r.body));
        let r = c.get(path).await;
        seen.push((format!("{path} (session)"), r.body));
    }
    seen
}

#[tokio::test]
async fn complainant_identities_never_reach_a_company_user() {
    let app = TestApp::new().await;
    let code = file(&app, "YC-FC-001", "A1.1", "楼道垃圾一周没人清理").await;
    let id = complaint_id(&app, &code).await;

    // Staff see it masked, reveal it deliberately, and the reveal is audited.
    let mut staff = app.login_as(Role::BureauStaff).await;
    let inbox = staff.get("/inbox").await;
    assert_eq!(inbox.select("table.inbox td[data-label=投诉人]"), vec!["王*英 138****1234"]);
    assert!(!inbox.body.contains(PHONE));
    let detail = staff.get(&format!("/inbox/{id}")).await;
    assert!(!detail.body.contains(PHONE) && detail.body.contains("w***@example.com"));
    let revealed = staff.post(&format!("/inbox/{id}/reveal"), &[]).await;
    assert_eq!(revealed.select(".revealed"), vec![format!("{NAME} {PHONE} {EMAIL}")]);
    let e = app.last_audit("complaint.reveal_identity").await.unwrap();
    assert_eq!((e.object_id.as_str(), e.actor_name.as_str()), (id.to_string().as_str(), "张凯东"));

    // A township officer reads the clue, masked, and may not reveal it.
    let mut township = app.login_as(Role::TownshipOfficer).await;
    let page = township.get(&format!("/inbox/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(PHONE));
    assert_eq!(township.post(&format!("/inbox/{id}/reveal"), &[]).await.status, StatusCode::FORBIDDEN);

    // The clue becomes a case with a notice, so the company's portal has something to show.
    staff.get(&format!("/inbox/{id}")).await;
    let r = staff.post(&format!("/inbox/{id}/triage"), &[("decision", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let problem = propwatch::db::complaints::complaint(&app.deps.db, id).await.unwrap().unwrap().problem_id.unwrap();
    staff.get(&format!("/cases/new?problem_id={problem}")).await;
    let me = propwatch::db::accounts::user_by_username(&app.deps.db, "zhangkaidong").await.unwrap().unwrap().id;
    let r = staff
        .post(
            "/cases",
            &[
                ("problem_id", &problem.to_string()),
                ("responsible_user_id", &me.to_string()),
                ("facts", "现场核实属实：楼道垃圾堆积。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case_id = r.location().trim_start_matches("/cases/").to_string();
    let deadline = (propwatch::clock::today(app.deps.clock.now()) + Duration::days(20)).to_string();
    let r =
        staff.multipart(&format!("/cases/{case_id}/steps"), &[("step", "verify"), ("deadline", &deadline)], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let company_id = propwatch::db::complaints::complaint(&app.deps.db, id).await.unwrap().unwrap().company_id.unwrap();
    staff.get(&format!("/notices/new?company_id={company_id}")).await;
    let r = staff
        .post(
            "/notices",
            &[
                ("company_id", &company_id.to_string()),
                ("case_id", &case_id),
                ("deadline", &deadline),
                ("contact", "张凯东"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The company complained about reaches nothing that names the complainant.
    let token = app.token(Role::CompanyUser).await;
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get("/inbox").await.status, StatusCode::FORBIDDEN);
    let pages = company_walk(&mut company, &token).await;
    assert!(pages.len() >= 8, "walked {}", pages.len());
    for must in ["/cases", &format!("/cases/{case_id}"), "/notices", "/notifications"] {
        assert!(pages.iter().any(|(p, _)| p == must), "the walk reached {must}");
    }
    for (path, body) in &pages {
        for secret in [PHONE, NAME, EMAIL, "138****1234", "王*英"] {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
    }
}

#[tokio::test]
async fn the_json_api_files_and_tracks_complaints() {
    let app = TestApp::new().await;
    let c = app.client();
    let id = community_id(&app, "YC-FC-005").await;
    let bad =
        c.send(Method::POST, "/api/v1/complaints", None, Some(json!({"community_id": id, "description": "短"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["fields"]["description"], "请描述问题（至少5个字）");
    assert_eq!(bad.json()["error"]["fields"]["consent"], "请阅读并同意个人信息处理说明");
    let r = c
        .send(Method::POST, "/api/v1/complaints", None, Some(json!({"community_id": id, "catalog_code": "B2", "description": "公共收益从未公示过", "anonymous": "true", "consent": "true"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.json()["tracking_code"].as_str().unwrap().to_string();
    let t = c.send(Method::GET, &format!("/api/v1/complaints/track/{code}"), None, None).await.json();
    assert_eq!(t["status"], "received");
    assert_eq!(t["community_name"], "龙泉小区");
    let staff = app.token(Role::BureauStaff).await;
    let list = c.send(Method::GET, "/api/v1/complaints?status=received", Some(&staff), None).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["anonymous"], true);
    assert_eq!(list["items"][0]["channel"], "api");
    let company = app.token(Role::CompanyUser).await;
    let r = c.send(Method::GET, "/api/v1/complaints", Some(&company), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_shows_clues_in_every_triage_state() {
    let app = TestApp::new().await;
    propwatch::service::demo::seed_activity(&app.deps).await.unwrap();
    let mut leader = app.login_as(Role::BureauLeader).await;
    let page = leader.get("/inbox").await;
    let statuses = page.select("table.inbox td[data-label=状态]");
    for s in ["待受理", "已受理", "已受理（并案办理）", "不予受理", "已转有关部门办理"] {
        assert!(statuses.iter().any(|x| x == s), "{s} in {statuses:?}");
    }
    let dues = page.select("table.inbox td.due");
    assert!(dues.iter().any(|d| d == "已逾期") && dues.iter().any(|d| d == "即将到期"), "{dues:?}");
    let channels = page.select("table.inbox td[data-label=渠道]");
    assert!(channels.iter().any(|c| c == "电话") && channels.iter().any(|c| c == "小区二维码"));
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert!(verdict.broken.is_none());
}

#[tokio::test]
async fn public_submissions_are_rate_limited_per_address_with_a_chinese_429() {
    let app = TestApp::with_settings(|s| s.public_rate_per_minute = 3).await;
    let id = community_id(&app, "YC-FC-001").await;
    let c = app.client();
    let body = json!({"community_id": id, "description": "楼道灯坏了很久没人修", "consent": "true"});
    for i in 0..3 {
        let r = c.send(Method::POST, "/api/v1/complaints", None, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "submission {i}");
    }
    let r = c.send(Method::POST, "/api/v1/complaints", None, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error"]["code"], "rate_limited");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("每分钟最多提交3次"));
    let mut page = app.client();
    page.get("/complaints/new").await;
    let r = page
        .multipart(
            "/complaints",
            &[("community_id", &id.to_string()), ("description", "楼道灯坏了很久没人修"), ("consent", "on")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.select("h1"), vec!["请稍后再试"]);
    // Reading stays open, and the next minute lets submissions in again.
    assert_eq!(c.send(Method::GET, "/complaints/new", None, None).await.status, StatusCode::OK);
    app.clock.advance(Duration::seconds(61));
    let r = c.send(Method::POST, "/api/v1/complaints", None, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_qr_poster_opens_the_form_with_the_community_and_marks_the_channel() {
    let app = TestApp::new().await;
    let id = community_id(&app, "YC-FC-003").await;
    let mut township = app.login_as(Role::TownshipOfficer).await;
    let poster = township.get(&format!("/communities/{id}/poster")).await;
    assert_eq!(poster.status, StatusCode::OK);
    assert_eq!(poster.select(".poster-community"), vec!["析城山庄"]);
    assert_eq!(poster.select(".poster-contacts dd"), vec!["3200940 3200943", "wyzx20212021@163.com"]);
    assert!(poster.body.contains("<svg"), "the QR code is inline SVG");
    let url = poster.select(".poster-url")[0].clone();
    assert!(url.ends_with(&format!("/complaints/new?community={id}&via=qr")), "{url}");
    let town = propwatch::db::jurisdictions::jurisdiction_by_code(&app.deps.db, "140522100").await.unwrap().unwrap().id;
    let all = township.get(&format!("/posters?township_id={town}")).await;
    assert_eq!(all.select(".poster").len(), 15, "every community of 凤城镇");
    let far = community_id(&app, "YC-BL-001").await;
    assert_eq!(township.get(&format!("/communities/{far}/poster")).await.status, StatusCode::FORBIDDEN);

    // A resident scanning it files through the QR channel.
    let mut c = app.client();
    let form = c.get(&format!("/complaints/new?community={id}&via=qr")).await;
    assert_eq!(form.select("form.stack[enctype='multipart/form-data']").len(), 1);
    assert!(form.body.contains("action=\"/complaints?via=qr&amp;_csrf="), "the form posts through the QR channel");
    let r = c
        .multipart(
            "/complaints?via=qr",
            &[("community_id", &id.to_string()), ("description", "消防通道被堵塞"), ("consent", "on")],
            &[],
        )
        .await;
    let code = r.location().trim_start_matches("/track/").trim_end_matches("?new=1").to_string();
    let row = propwatch::db::complaints::by_tracking_code(&app.deps.db, &code).await.unwrap().unwrap();
    assert_eq!(row.channel, "qr");
}

/// A JPEG carrying an EXIF segment with a recognisable "location".
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]));
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let payload = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPS 35.4869N 112.4151E SECRET-LOCATION";
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(payload);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[tokio::test]
async fn photos_are_checked_by_content_re_encoded_and_stripped_of_location() {
    let app = TestApp::new().await;
    let id = community_id(&app, "YC-FC-001").await.to_string();
    let mut c = app.client();
    c.get("/complaints/new").await;
    let fields = [("community_id", id.as_str()), ("description", "楼顶漏水，墙面大面积发霉"), ("consent", "on")];
    // A PDF named .jpg is refused, and nothing is stored.
    let r = c.multipart("/complaints", &fields, &[("photos", "fake.jpg", b"%PDF-1.4 pretending".to_vec())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e.contains("只能上传照片")), "{:?}", r.select("p.err"));
    assert!(app.last_audit("complaint.create").await.is_none());
    // Seven photos are too many.
    let seven: Vec<(&str, &str, Vec<u8>)> = (0..7).map(|_| ("photos", "a.jpg", jpeg_with_exif())).collect();
    let r = c.multipart("/complaints", &fields, &seven).await;
    assert!(r.select("p.err").iter().any(|e| e.contains("最多上传6张照片")));

    let original = jpeg_with_exif();
    assert!(original.windows(15).any(|w| w == b"SECRET-LOCATION"));
    let r = c
        .multipart(
            "/complaints",
            &fields,
            &[("photos", "wall.jpg", original.clone()), ("photos", "roof.jpg", original)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let code = r.location().trim_start_matches("/track/").trim_end_matches("?new=1").to_string();
    let cid = complaint_id(&app, &code).await;
    let photos = propwatch::db::complaints::photos(&app.deps.db, cid).await.unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0].digest, photos[1].digest, "content-addressed: the same photo is stored once");
    let stored = propwatch::service::blobs::read(&app.deps.db, &photos[0].digest).await.unwrap();
    assert_eq!(&stored[..2], &[0xFF, 0xD8], "a JPEG");
    assert!(!stored.windows(15).any(|w| w == b"SECRET-LOCATION"), "EXIF and its location are gone");
    assert!(!stored.windows(4).any(|w| w == b"Exif"));
    assert_eq!((photos[0].width, photos[0].height), (64, 48));

    // Staff see them; the company complained about does not.
    let mut staff = app.login_as(Role::BureauStaff).await;
    let detail = staff.get(&format!("/inbox/{cid}")).await;
    assert_eq!(detail.select(".photos img").len(), 2);
    let img = staff.get(&format!("/inbox/{cid}/photos/{}", photos[0].id)).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers["content-type"], "image/jpeg");
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get(&format!("/inbox/{cid}/photos/{}", photos[0].id)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_inbox_finds_clues_by_chinese_words() {
    let app = TestApp::new().await;
    let garbage = file(&app, "YC-FC-001", "A1.1", "三号楼楼道垃圾一周无人清理，气味很大").await;
    let fire = file(&app, "YC-FC-003", "A3.1", "地下车库消防栓没有水").await;
    let mut staff = app.login_as(Role::BureauStaff).await;
    let codes = |r: &crate::helpers::Resp| r.select("table.inbox td[data-label=查询码]");
    assert_eq!(
        codes(&staff.get(&format!("/inbox?q={}", propwatch::web::pages::q("垃圾清理"))).await),
        vec![garbage.clone()]
    );
    assert_eq!(
        codes(&staff.get(&format!("/inbox?q={}", propwatch::web::pages::q("消防栓"))).await),
        vec![fire.clone()]
    );
    // The community's name and the catalog item are searchable too.
    assert_eq!(
        codes(&staff.get(&format!("/inbox?q={}", propwatch::web::pages::q("析城山庄"))).await),
        vec![fire.clone()]
    );
    assert!(codes(&staff.get(&format!("/inbox?q={}", propwatch::web::pages::q("电梯广告"))).await).is_empty());
    // A tracking code finds its clue.
    assert_eq!(codes(&staff.get(&format!("/inbox?q={}", &garbage[..9])).await), vec![garbage]);
}
