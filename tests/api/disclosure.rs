//! Disclosure, public-revenue statements and satisfaction surveys, and the system's own checks
//! over them (issue 6), on both backends.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use propwatch::clock::Clock;
use propwatch::db::entities::{community, complaint, disclosure, survey_answer, survey_unit};
use propwatch::domain::disclosure::{DueBasis, Frequency, Period, publishable};
use propwatch::domain::role::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::TestApp;

fn today(app: &TestApp) -> NaiveDate {
    propwatch::clock::today(app.clock.now())
}

/// The demo company's first community (凤城花园, whose committee is the demo committee).
async fn ledger_community(app: &TestApp) -> community::Model {
    let company = propwatch::db::accounts::user_by_username(&app.deps.db, crate::helpers::username(Role::CompanyUser))
        .await
        .unwrap()
        .unwrap()
        .company_id
        .unwrap();
    community::Entity::find().filter(community::Column::CompanyId.eq(company)).one(&app.deps.db).await.unwrap().unwrap()
}

async fn tick(app: &TestApp) -> u64 {
    propwatch::jobs::scanner::run_once(&app.deps, app.clock.now()).await.unwrap().findings
}

async fn findings(app: &TestApp, key: &str) -> Vec<complaint::Model> {
    complaint::Entity::find()
        .filter(complaint::Column::Channel.eq("system"))
        .filter(complaint::Column::ExternalRef.eq(key))
        .all(&app.deps.db)
        .await
        .unwrap()
}

async fn send(c: &mut crate::helpers::Client, id: i64, f: Vec<(String, String)>) -> crate::helpers::Resp {
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post(&format!("/s/{id}"), &refs).await
}

/// Moves the clock to 09:00 (Beijing time) of `day`.
fn advance_to(app: &TestApp, day: NaiveDate) {
    let target: DateTime<Utc> = day.and_hms_opt(1, 0, 0).unwrap().and_utc();
    let delta = target - app.clock.now();
    assert!(delta > Duration::zero());
    app.clock.advance(delta);
}

#[tokio::test]
async fn disclosures_are_versioned_never_overwritten_and_a_missed_period_is_proposed_once() {
    let app = TestApp::new().await;
    let m = ledger_community(&app).await;
    let path = format!("/communities/{}/disclosures", m.id);
    let period = publishable(Frequency::Quarterly, DueBasis::End, today(&app))[0];
    let mut company = app.login_as(Role::CompanyUser).await;
    let page = company.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("停车位（库）管理与收费"));
    let pdf = b"%PDF-1.4\n% parking fees\n".to_vec();
    let key = period.key();
    // A missing field is refused with its name.
    let r = company
        .multipart(
            &path,
            &[("item_code", "parking"), ("period", &key), ("f0", "地面车位120个"), ("f2", "3600.00")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写“收费标准”"), "{}", r.body);
    let fields = [
        ("item_code", "parking"),
        ("period", key.as_str()),
        ("f0", "地面车位120个"),
        ("f1", "每小时1元"),
        ("f2", "3600.00"),
    ];
    let r = company.multipart(&path, &fields, &[("files", "停车收入明细.pdf", pdf.clone())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A correction needs its reason, and is a new version; the first stays as it was.
    let corrected = [
        ("item_code", "parking"),
        ("period", key.as_str()),
        ("f0", "地面车位120个"),
        ("f1", "每小时1元"),
        ("f2", "3900.00"),
    ];
    let r = company.multipart(&path, &corrected, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("更正须写明原因"), "{}", r.body);
    let mut with_reason = corrected.to_vec();
    with_reason.push(("correction_reason", "漏计九月停车收入"));
    let r = company.multipart(&path, &with_reason, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let versions =
        disclosure::Entity::find().filter(disclosure::Column::CommunityId.eq(m.id)).all(&app.deps.db).await.unwrap();
    assert_eq!(versions.len(), 2);
    let v1 = versions.iter().find(|v| v.version == 1).unwrap();
    let v2 = versions.iter().find(|v| v.version == 2).unwrap();
    assert!(v1.fields_json.contains("3600.00") && v2.fields_json.contains("3900.00"), "never overwritten");
    assert_eq!(v2.correction_reason, "漏计九月停车收入");
    assert!(
        app.last_audit("disclosure.publish").await.is_some() && app.last_audit("disclosure.correct").await.is_some()
    );
    // The public reads every version and the attachment (carried into the correction).
    let mut public = app.client();
    let history = public.get(&format!("/disclosures/{}", v2.id)).await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.select("article.version h2"), vec!["第2版（现行）", "第1版"]);
    assert!(history.body.contains("漏计九月停车收入"));
    let file_links: Vec<String> = history
        .body
        .match_indices(&format!("/disclosures/{}/files/", v2.id))
        .map(|(i, _)| history.body[i..].split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(file_links.len(), 1, "the correction keeps the attachment");
    let file = public.get(&file_links[0]).await;
    assert_eq!((file.status, file.body.as_bytes()), (StatusCode::OK, pdf.as_slice()));
    let page = public.get(&format!("/c/{}", m.id)).await;
    let rows = page.select("table.disclosures td");
    assert!(rows.iter().any(|t| t.contains("3900.00")) && !rows.iter().any(|t| t.contains("3600.00")), "{rows:?}");
    assert!(page.body.contains("（已更正）"));
    // Only the managing company publishes.
    for role in [Role::BureauStaff, Role::CommitteeMember] {
        let mut c = app.login_as(role).await;
        assert_eq!(c.get(&path).await.status, StatusCode::OK, "{role:?} reads");
        let r = c.multipart(&path, &with_reason, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    // The current quarter's parking report falls due (15 days after its end) and the grace (7
    // days) passes: one proposal, however many ticks.
    let current = Period::containing(Frequency::Quarterly, today(&app));
    advance_to(&app, current.end + Duration::days(23));
    assert!(tick(&app).await > 0);
    tick(&app).await;
    let late_key = format!("disclosure:{}:parking:{}", m.id, current.key());
    let found = findings(&app, &late_key).await;
    assert_eq!(found.len(), 1, "exactly one proposal for the period");
    assert_eq!(found[0].catalog_code.as_deref(), Some("A2.2"));
    assert!(found[0].description.contains("未按期公开") && found[0].description.contains(&current.label()));
    assert!(found[0].name_sealed.is_none() && found[0].anonymous);
    // The next period is a proposal of its own.
    let next = Period::containing(Frequency::Quarterly, current.end + Duration::days(1));
    advance_to(&app, next.end + Duration::days(23));
    tick(&app).await;
    assert_eq!(findings(&app, &late_key).await.len(), 1);
    assert_eq!(findings(&app, &format!("disclosure:{}:parking:{}", m.id, next.key())).await.len(), 1);
    // Staff find it in the inbox under its channel, and accepting it opens a problem.
    let mut staff = app.login_as(Role::BureauStaff).await;
    let inbox = staff.get("/inbox?channel=system").await;
    assert!(
        inbox.select("td[data-label=渠道]").iter().all(|c| c == "系统核查")
            && !inbox.select("td[data-label=渠道]").is_empty()
    );
}

#[tokio::test]
async fn statements_are_published_reviewed_by_the_committee_and_the_ledger_is_checked_for_b1_b2_b3() {
    let app = TestApp::new().await;
    let m = ledger_community(&app).await;
    let path = format!("/communities/{}/revenue", m.id);
    let day = today(&app);
    let mut company = app.login_as(Role::CompanyUser).await;
    company.get(&path).await;
    for fields in [
        vec![("category", "elevator_ads"), ("amount", "1000.01"), ("resolution_ref", "决议一")],
        vec![("category", "parking"), ("amount", "300.00")],
        vec![("category", "to_maintenance_fund"), ("amount", "200.00"), ("basis", "决议一")],
    ] {
        let d = day.to_string();
        let mut f = fields.clone();
        f.push(("occurred_on", &d));
        let r = company.post(&path, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let mut committee = app.login_as(Role::CommitteeMember).await;
    committee.get(&path).await;
    // The owners' vote (第278条(八)) counted ten days ago that the resolution rests on; one that
    // failed cannot carry a resolution.
    let failed = counted_vote(&app, m.id, false, day - Duration::days(12)).await.to_string();
    let passed = counted_vote(&app, m.id, true, day - Duration::days(10)).await.to_string();
    let r = committee
        .post(
            &format!("{path}/resolutions"),
            &[
                ("reference", "决议一"),
                ("decision_id", failed.as_str()),
                ("fund_pct", "50"),
                ("owners_pct", "20"),
                ("expenses_pct", "0"),
                ("company_pct", "30"),
                ("settle_days", "30"),
            ],
        )
        .await;
    assert!(r.body.contains("未获通过"), "{}", r.body);
    let r = committee
        .post(
            &format!("{path}/resolutions"),
            &[
                ("reference", "决议一"),
                ("fund_pct", "50"),
                ("owners_pct", "20"),
                ("expenses_pct", "0"),
                ("company_pct", "30"),
                ("settle_days", "30"),
            ],
        )
        .await;
    assert!(r.body.contains("请选择通过该事项的业主共同决定"), "{}", r.body);
    let resolution = |pct: &'static str| {
        vec![
            ("reference", "决议一"),
            ("decision_id", passed.as_str()),
            ("fund_pct", "50"),
            ("owners_pct", "20"),
            ("expenses_pct", "0"),
            ("company_pct", pct),
            ("settle_days", "30"),
        ]
    };
    let r = committee.post(&format!("{path}/resolutions"), &resolution("31")).await;
    assert!(r.body.contains("合计应为100%"), "{}", r.body);
    let r = committee.post(&format!("{path}/resolutions"), &resolution("30")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = committee.post(&format!("{path}/resolutions"), &resolution("30")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该决议已登记"), "the unique index answers in Chinese on both backends: {}", r.body);
    assert_eq!(company.post(&format!("{path}/resolutions"), &resolution("30")).await.status, StatusCode::FORBIDDEN);
    // The quarter cannot be published before it ends.
    let quarter = Period::containing(Frequency::Quarterly, day);
    let r = company.post(&format!("{path}/statements"), &[("period", &quarter.key())]).await;
    assert!(r.body.contains("请选择已结束的季度"), "{}", r.body);
    // Past the settlement day (30, moved off a rest day: 民法典第203条) and the grace (7): B1 for
    // the parking income, B3 for the fund share (500.00 owed, 200.00 paid), B2 for the
    // unpublished statement; once each.
    let cal = propwatch::service::holidays::calendar(&app.deps.db).await.unwrap();
    advance_to(&app, quarter.due(DueBasis::End, 30, &cal) + Duration::days(8));
    tick(&app).await;
    tick(&app).await;
    let parking = propwatch::db::entities::revenue_entry::Entity::find()
        .filter(propwatch::db::entities::revenue_entry::Column::Category.eq("parking"))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    let b1 = findings(&app, &format!("b1:{}", parking.id)).await;
    assert_eq!(b1.len(), 1);
    assert_eq!(b1[0].catalog_code.as_deref(), Some("B1"));
    let b3 = findings(&app, &format!("b3:{}:{}", m.id, quarter.key())).await;
    assert_eq!(b3.len(), 1);
    assert!(b3[0].description.contains("应转入专项维修资金500.00元（实转200.00元）"), "{}", b3[0].description);
    assert_eq!(findings(&app, &format!("statement:{}:{}", m.id, quarter.key())).await.len(), 1);
    let elevator = propwatch::db::entities::revenue_entry::Entity::find()
        .filter(propwatch::db::entities::revenue_entry::Column::Category.eq("elevator_ads"))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    assert!(findings(&app, &format!("b1:{}", elevator.id)).await.is_empty(), "authorised income is not flagged");
    assert!(
        b1[0].description.contains(&format!("业主共同决定第{passed}号")),
        "B1 cites the vote behind the resolutions on record: {}",
        b1[0].description
    );
    // The company publishes the quarter: figures in integer fen, the committee told.
    let mut company = app.login_as(Role::CompanyUser).await;
    company.get(&path).await;
    let r = company.post(&format!("{path}/statements"), &[("period", &quarter.key())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = company.post(&format!("{path}/statements"), &[("period", &quarter.key())]).await;
    assert!(r.body.contains("报表已公示"), "{}", r.body);
    let d = day.to_string();
    let r = company
        .post(&path, &[("category", "parking"), ("amount", "1.00"), ("occurred_on", &d), ("resolution_ref", "决议一")])
        .await;
    assert!(r.body.contains("及以前的收支报表已公示，不能再记入"), "{}", r.body);
    // Nor before it: an earlier date would change the published opening balance.
    let earlier = (quarter.start - Duration::days(40)).to_string();
    let r = company.post(&path, &[("category", "parking"), ("amount", "1.00"), ("occurred_on", &earlier)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let public = app.client().get(&format!("/c/{}", m.id)).await;
    assert_eq!(public.select("table.revenue td.closing"), vec!["1100.01"]);
    assert!(public.body.contains("待业委会确认"));
    // The committee disputes it (with a reason), once; the company and staff are told.
    let mut committee = app.login_as(Role::CommitteeMember).await;
    let page = committee.get(&path).await;
    let id = page.body.split("data-statement=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let review = format!("{path}/statements/{id}/review");
    let r = committee.post(&review, &[("decision", "dispute"), ("note", "")]).await;
    assert!(r.body.contains("提出异议须写明理由"), "{}", r.body);
    let r = committee.post(&review, &[("decision", "dispute"), ("note", "停车收入与道闸记录不符")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = committee.post(&review, &[("decision", "confirm"), ("note", "")]).await;
    assert!(r.body.contains("已确认或已提出异议"), "{}", r.body);
    assert_eq!(company.post(&review, &[("decision", "confirm")]).await.status, StatusCode::FORBIDDEN);
    let public = app.client().get(&format!("/c/{}", m.id)).await;
    assert!(public.body.contains("业委会有异议"));
    assert!(app.last_audit("revenue.review_statement").await.is_some());
    let told = propwatch::db::entities::notification::Entity::find()
        .filter(propwatch::db::entities::notification::Column::Kind.eq("revenue_review"))
        .count(&app.deps.db)
        .await
        .unwrap();
    assert!(told >= 2, "the company and the bureau's staff");
}

#[tokio::test]
async fn survey_codes_are_single_use_and_no_view_links_an_answer_to_a_unit() {
    let app = TestApp::new().await;
    let m = ledger_community(&app).await;
    let day = today(&app);
    let mut staff = app.login_as(Role::BureauStaff).await;
    staff.get("/surveys").await;
    let closes = (day + Duration::days(10)).to_string();
    let opens = day.to_string();
    let cid = m.id.to_string();
    let r = staff
        .post(
            "/surveys",
            &[
                ("title", "满意度测评"),
                ("period", "第四季度"),
                ("community_id", &cid),
                ("questionnaire_id", "1"),
                ("opens_on", &opens),
                ("closes_on", &closes),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let survey = r.location();
    let id: i64 = survey.trim_start_matches("/surveys/").parse().unwrap();
    // The committee registers its units and prints their codes.
    let mut committee = app.login_as(Role::CommitteeMember).await;
    committee.get(&survey).await;
    let r = committee
        .post(
            &format!("{survey}/units"),
            &[
                ("community_id", &cid),
                ("units", "1号楼101\n1号楼102\n1号楼101\n2号楼201\n2号楼202\n3号楼301\n3号楼302"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let sheet = committee.get(&format!("{survey}/codes/{}", m.id)).await;
    let codes = sheet.select("code.code");
    assert_eq!(codes.len(), 6, "one per unit, duplicates skipped");
    // No more units than the community has (820 in the registry).
    let many: String = (1..=900).map(|i| format!("{i}号\n")).collect();
    let r = committee.post(&format!("{survey}/units"), &[("community_id", &cid), ("units", &many)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("超过小区总户数820户"), "{}", r.body);
    let units = survey_unit::Entity::find().all(&app.deps.db).await.unwrap();
    assert!(
        units.iter().all(|u| !u.code_sealed.contains(&codes[0]) && !u.code_index.contains(&codes[0])),
        "codes sealed at rest"
    );
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get(&survey).await.status, StatusCode::FORBIDDEN, "the company never sees who was asked");
    assert_eq!(company.get(&format!("{survey}/codes/{}", m.id)).await.status, StatusCode::FORBIDDEN);
    // Owners answer on the public page.
    let mut owner = app.client();
    let form = owner.get(&format!("/s/{id}")).await;
    assert!(form.body.contains("总体满意度") && form.body.contains("环境卫生"));
    let areas = ["cleaning", "greening", "security", "repairs", "attitude", "disclosure"];
    let answer = |code: &str, score: &'static str| {
        let mut f: Vec<(String, String)> =
            vec![("code".into(), code.to_lowercase().replace('-', " ")), ("overall".into(), score.into())];
        f.extend(areas.iter().map(|a| (format!("area:{a}"), score.to_string())));
        f
    };
    let r = send(&mut owner, id, answer(&codes[0], "5")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("提交成功"));
    let r = send(&mut owner, id, answer(&codes[0], "1")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该测评码已使用"), "single use");
    let r = send(&mut owner, id, answer("ABCD-EFGH", "3")).await;
    assert!(r.body.contains("测评码不正确"));
    let mut partial = answer(&codes[1], "2");
    partial.retain(|(k, _)| k != "area:repairs");
    let r = send(&mut owner, id, partial).await;
    assert!(r.body.contains("请为“共用设施维修”打分"), "{}", r.body);
    let r = send(&mut owner, id, answer(&codes[1], "2")).await;
    assert!(r.body.contains("提交成功"), "nothing was lost on the refused try: {}", r.body);
    for (code, score) in [(&codes[2], "2"), (&codes[3], "1")] {
        assert!(send(&mut owner, id, answer(code, score)).await.body.contains("提交成功"));
    }
    // Signed in or not, an answer is anonymous.
    let r = send(&mut committee, id, answer(&codes[4], "4")).await;
    assert!(r.body.contains("提交成功"), "{}", r.body);
    // No view links an answer to a unit: answers name neither (and keep only their day), a
    // used code keeps no time of use, the audit entry names only the community.
    let answers = survey_answer::Entity::find().all(&app.deps.db).await.unwrap();
    assert_eq!(answers.len(), 5);
    assert!(answers.iter().all(|a| a.created_at.time() == chrono::NaiveTime::MIN));
    let used: Vec<survey_unit::Model> =
        survey_unit::Entity::find().filter(survey_unit::Column::Used.eq(true)).all(&app.deps.db).await.unwrap();
    assert_eq!(used.len(), 5);
    assert!(used.iter().all(|u| u.updated_at == u.created_at));
    let audit = app.last_audit("survey.answer").await.unwrap();
    let text = format!("{audit:?}");
    assert!(!text.contains("号楼") && !codes.iter().any(|c| text.contains(c.as_str())), "{text}");
    assert!(audit.client_addr.is_empty() && audit.request_id.is_empty(), "no address kept with an answer");
    assert!(audit.actor_user_id.is_none() && audit.actor_name == "业主（匿名）", "no account either: {audit:?}");
    let sheet = committee.get(&format!("{survey}/codes/{}", m.id)).await;
    assert!(!sheet.body.contains("非常满意") && !sheet.body.contains("满意率"), "the code sheet shows no answers");
    assert_eq!(sheet.select("span.used-n"), vec!["5"], "how many answered, not which units");
    assert!(sheet.select(".slip.used").is_empty() && !sheet.body.contains("已使用）"));
    let results = staff.get(&survey).await;
    assert!(!results.select("table.results td").iter().any(|t| t.contains("号楼")), "results show no unit");
    assert_eq!(results.select("td.issued"), vec!["6"]);
    assert_eq!(results.select("td.answered"), vec!["5"]);
    assert!(
        results.select("td.rate")[0].starts_with("测评结束后公布"),
        "no live rates: {:?}",
        results.select("td.rate")
    );
    assert!(!results.body.contains("40.0%"));
    // Once closed: no more answers, the result is public, and A1.5 is proposed once.
    advance_to(&app, day + Duration::days(11));
    let mut late = app.client();
    assert!(late.get(&format!("/s/{id}")).await.body.contains("本次测评已结束"));
    late.get("/complaints/new").await; // a form, for the session's CSRF token
    let r = send(&mut late, id, answer(&codes[5], "5")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("本次测评已结束") || r.body.contains("不在答题时间内"), "{}", r.body);
    let mut staff = app.login_as(Role::BureauStaff).await;
    let results = staff.get(&survey).await;
    assert!(results.select("td.rate")[0].starts_with("40.0%") && results.body.contains("低于标准"));
    tick(&app).await;
    tick(&app).await;
    let low = findings(&app, &format!("satisfaction:{id}:{}", m.id)).await;
    assert_eq!(low.len(), 1);
    assert_eq!(low[0].catalog_code.as_deref(), Some("A1.5"));
    let public = app.client().get(&format!("/c/{}", m.id)).await;
    assert!(public.select("table.satisfaction td.rate")[0].starts_with("40.0%"));
    for private in ["号楼", "fchy_ywh", &codes[0]] {
        assert!(!public.body.contains(private), "no personal data on the public page: {private}");
    }
}

#[tokio::test]
async fn a_township_officer_finds_its_township_and_communities_once_on_the_survey_form() {
    let app = TestApp::new().await;
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    let page = officer.get("/surveys").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let townships: Vec<String> =
        page.select("select[name=township_id] option").into_iter().filter(|t| t != "—").collect();
    assert_eq!(townships.len(), 1, "{townships:?}");
    let communities = page.select("select[name=community_id] option");
    let mut distinct = communities.clone();
    distinct.sort();
    distinct.dedup();
    assert!(communities.len() > 1, "{communities:?}");
    assert_eq!(distinct.len(), communities.len(), "{communities:?}");
}

/// A vote of the community on 第278条(八), counted on `closed_on`, that passed (all four owners of
/// 400.00 m² said yes) or failed (one of four said yes), written straight to the database.
async fn counted_vote(app: &TestApp, community_id: i64, passed: bool, closed_on: chrono::NaiveDate) -> i64 {
    counted_vote_on(app, community_id, "8", passed, closed_on).await
}

/// [`counted_vote`] on the matter of 第278条 item `item`.
async fn counted_vote_on(
    app: &TestApp,
    community_id: i64,
    item: &str,
    passed: bool,
    closed_on: chrono::NaiveDate,
) -> i64 {
    use propwatch::domain::decision::{Tally, Weight};
    let db = &app.deps.db;
    let at = closed_on.and_hms_opt(4, 0, 0).unwrap().and_utc();
    let d = propwatch::db::decisions::insert(
        db,
        propwatch::db::decisions::NewDecision {
            community_id,
            township_id: propwatch::db::communities::community(db, community_id).await.unwrap().unwrap().township_id,
            title: "利用共有部分经营".into(),
            convenor_role: "committee",
            convened_by: 1,
            interim: false,
            notice_on: closed_on - Duration::days(30),
            voting_starts_on: closed_on - Duration::days(14),
            voting_ends_on: closed_on - Duration::days(1),
            objection_days: 7,
            deem_clause: String::new(),
        },
        vec![propwatch::db::decisions::NewMatter {
            item: item.into(), title: "表决事项".into(), body: String::new()
        }],
        Vec::new(),
        at,
    )
    .await
    .unwrap();
    let matter = propwatch::db::decisions::matters(db, d.id).await.unwrap()[0].id;
    let yes = if passed { 4 } else { 1 };
    let tally = Tally {
        yes: Weight { area_centi: yes as i64 * 10_000, owners: yes },
        no: Weight { area_centi: (4 - yes) as i64 * 10_000, owners: 4 - yes },
        ..Default::default()
    };
    let count = propwatch::db::decisions::Count {
        total_units: 4,
        total_area_centi: 40_000,
        total_owners: 4,
        objection_ends_on: closed_on + Duration::days(7),
        matters: vec![(matter, tally, passed)],
    };
    assert!(propwatch::db::decisions::close_if_convened(db, d.id, count, at).await.unwrap());
    d.id
}

#[tokio::test]
async fn a_use_of_the_maintenance_fund_cites_the_owners_vote_on_item_five_or_is_refused() {
    let app = TestApp::new().await;
    let m = ledger_community(&app).await;
    let path = format!("/communities/{}/disclosures", m.id);
    let key = publishable(Frequency::Yearly, DueBasis::End, today(&app))[0].key();
    let mut company = app.login_as(Role::CompanyUser).await;
    company.get(&path).await;
    let used = [
        ("item_code", "maintenance_fund"),
        ("period", key.as_str()),
        ("f0", "更换1号楼电梯"),
        ("f1", "360000.00"),
        ("f2", "由1号楼业主按专有部分面积分摊"),
    ];
    let r = company.multipart(&path, &used, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第（五）项"), "{}", r.body);
    // A vote on (五) that failed is no basis either; one that passed is cited beside the use.
    counted_vote_on(&app, m.id, "5", false, today(&app) - Duration::days(20)).await;
    assert_eq!(company.multipart(&path, &used, &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let vote = counted_vote_on(&app, m.id, "5", true, today(&app) - Duration::days(10)).await;
    let r = company.multipart(&path, &used, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = propwatch::db::entities::disclosure::Entity::find()
        .filter(propwatch::db::entities::disclosure::Column::ItemCode.eq("maintenance_fund"))
        .filter(propwatch::db::entities::disclosure::Column::CommunityId.eq(m.id))
        .filter(propwatch::db::entities::disclosure::Column::Period.eq(key.as_str()))
        .one(&app.deps.db)
        .await
        .unwrap()
        .unwrap();
    assert!(d.fields_json.contains(&format!("业主共同决定第{vote}号")), "{}", d.fields_json);
    let public = app.client().get(&format!("/disclosures/{}", d.id)).await;
    assert!(public.body.contains(&format!("业主共同决定第{vote}号")), "the public page cites it: {}", public.body);
    // No use, no vote needed.
    let nothing = [
        ("item_code", "maintenance_fund"),
        ("period", key.as_str()),
        ("f0", "未使用"),
        ("f1", "0.00"),
        ("f2", "无"),
        ("correction_reason", "更正：本年度实际未使用"),
    ];
    assert_eq!(company.multipart(&path, &nothing, &[]).await.status, StatusCode::SEE_OTHER);
}
