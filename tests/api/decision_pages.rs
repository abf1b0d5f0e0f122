//! The pages of owners' joint decisions (业主共同决定): the committee convenes through the form,
//! prints the slips and follows participation (never a choice before the count); an owner signs in
//! at /vote with a slip's code and the last four of the ID number on the roster, casts once and
//! keeps the receipt; a second ballot is refused with a message on the page; after the count the
//! vote's page shows the four comparisons and the community's public page the totals only.

use axum::http::{StatusCode, header};
use chrono::Duration;
use propwatch::clock::Clock;
use propwatch::domain::role::Role;

use crate::helpers::{Client, Resp, TestApp};

/// Four units of 100 m² and 120 m², four owners; ID numbers ending 0301, 0104, 0208, and 赵六
/// with only a phone (its last four, 1234, are the factor).
const ROSTER: [[&str; 10]; 4] = [
    ["1号楼", "1单元", "101", "100.00", "", "", "否", "张三", "13800138000", "110101198001010301"],
    ["1号楼", "1单元", "102", "100.00", "", "", "否", "李四", "", "110101198505050104"],
    ["1号楼", "1单元", "201", "100.00", "", "", "否", "王五", "", "110101199009090208"],
    ["2号楼", "", "101", "120.00", "", "", "否", "赵六", "13900001234", ""],
];

fn workbook() -> Vec<u8> {
    crate::helpers::roster_workbook(&ROSTER)
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 10, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

/// The `name` attribute of the elements matching `selector`.
fn attrs(r: &Resp, selector: &str, name: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(&r.body);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).filter_map(|e| e.value().attr(name).map(str::to_string)).collect()
}

async fn community(app: &TestApp, code: &str) -> i64 {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap().id
}

/// An owner on the public page: a fresh client (no account) that has opened /vote.
async fn voter(app: &TestApp) -> Client {
    let mut c = app.client();
    let r = c.get("/vote").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.select("h1").contains(&"业主表决".to_string()));
    c
}

#[tokio::test]
async fn a_committee_convenes_owners_vote_by_code_and_the_count_shows_four_comparisons() {
    let app = TestApp::new().await;
    let id = community(&app, "YC-FC-001").await;
    let today = propwatch::clock::today(app.clock.now());
    let mut committee = app.login_as(Role::CommitteeMember).await;
    committee.get(&format!("/communities/{id}/roster")).await;
    let r = committee.upload(&format!("/communities/{id}/roster/import"), "file", "名册.xlsx", workbook()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The navigation and the list offer convening.
    let list = committee.get("/decisions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.select("nav a").contains(&"业主表决".to_string()));
    assert_eq!(list.select("a.convene-link"), ["召集表决"]);

    let form = committee.get("/decisions/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(attrs(&form, "select[name=community_id] option", "value"), [id.to_string()]);
    assert!(
        form.select("select[name=matter_item_0] option")
            .iter()
            .any(|o| o == "（四）选聘和解聘物业服务企业或者其他管理人")
    );
    assert!(form.select("fieldset.matter-row").len() >= 3);

    // Refused: a name too short, a matter without its item, deeming without a registered clause.
    // The messages are Chinese, by the field, and what was typed stays.
    let starts = (today + Duration::days(7)).to_string();
    let ends = (today + Duration::days(11)).to_string();
    let cid = id.to_string();
    let r = committee
        .multipart(
            "/decisions",
            &[
                ("community_id", &cid),
                ("title", "续聘"),
                ("interim", "on"),
                ("deem", "on"),
                ("voting_starts_on", &starts),
                ("voting_ends_on", &ends),
                ("matter_item_0", ""),
                ("matter_title_0", "续聘安居物业"),
                ("matter_body_0", "续聘三年"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = r.select(".convene-form .err");
    assert!(errors.iter().any(|e| e.contains("请填写表决的名称")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("请为第1项事项选择")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("未登记")), "{errors:?}");
    assert_eq!(attrs(&r, "input[name=matter_title_0]", "value"), ["续聘安居物业"]);
    assert_eq!(attrs(&r, "input[name=voting_starts_on]", "value"), [starts.as_str()]);

    // Convened: two matters (the third row left empty), interim notice of 7 days, one attachment.
    let r = committee
        .multipart(
            "/decisions",
            &[
                ("community_id", &cid),
                ("title", "关于续聘物业服务企业的业主共同决定"),
                ("interim", "on"),
                ("voting_starts_on", &starts),
                ("voting_ends_on", &ends),
                ("matter_item_0", "4"),
                ("matter_title_0", "续聘安居物业"),
                ("matter_body_0", "续聘三年，收费标准不变"),
                ("matter_item_1", "9"),
                ("matter_title_1", "增设电动车充电桩"),
                ("matter_body_1", ""),
                ("matter_item_2", ""),
                ("matter_title_2", ""),
                ("matter_body_2", ""),
            ],
            &[("files", "方案.jpg", jpeg())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location();
    let did: i64 = path.strip_prefix("/decisions/").unwrap().parse().unwrap();

    let show = committee.get(&path).await;
    assert_eq!(show.status, StatusCode::OK);
    assert_eq!(show.select(".matter-title"), ["1. 续聘安居物业", "2. 增设电动车充电桩"]);
    assert_eq!(show.select(".decision-facts .phase"), ["公告期"]);
    assert_eq!(show.select(".voted-owners"), ["0"]);
    assert!(show.select(".progress-owners")[0].contains("业主总人数 4 人"), "{:?}", show.select(".progress-owners"));
    assert!(show.select(".progress-area")[0].contains("420.00"));
    assert_eq!(show.select("table.buildings tbody tr").len(), 2);
    let files = attrs(&show, ".decision-facts .files a", "href");
    assert_eq!(files.len(), 1);
    let f = app.client().send(axum::http::Method::GET, &files[0], None, None).await;
    assert_eq!(f.status, StatusCode::OK, "attachments are public");

    // Codes on slips only (no SMS), read from the printable page.
    let r = committee.post(&format!("/decisions/{did}/codes"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(committee.get(&path).await.body.contains("已生成4个表决码：短信发送0个，待打印签收4张"));
    let slips = committee.get(&format!("/decisions/{did}/slips")).await;
    assert_eq!(slips.status, StatusCode::OK);
    let units = slips.select(".slip .unit");
    let codes = slips.select(".slip code.code");
    let unit_ids = attrs(&slips, ".slip", "data-unit");
    assert_eq!(units, ["1号楼-1单元-101", "1号楼-1单元-102", "1号楼-1单元-201", "2号楼-101"]);
    assert_eq!(codes.len(), 4);
    assert!(slips.body.contains("/vote"));
    let code = |label: &str| codes[units.iter().position(|u| u == label).unwrap()].clone();
    let unit_id = |label: &str| unit_ids[units.iter().position(|u| u == label).unwrap()].clone();
    let r = committee.post(&format!("/decisions/{did}/slips/{}/handed-over", unit_id("1号楼-1单元-102")), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let slips = committee.get(&format!("/decisions/{did}/slips")).await;
    assert_eq!(slips.select(".slip .handed-over"), ["已签收"]);

    // Before voting opens the owner signs in but cannot vote.
    let mut li = voter(&app).await;
    let r = li.post("/vote", &[("code", &code("1号楼-1单元-102")), ("factor", "0104")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.select(".not-open")[0].contains("投票尚未开始"));
    assert!(r.select("form.ballot-form").is_empty());

    // Voting opens.
    app.clock.advance(Duration::days(7));
    let mut li = voter(&app).await;
    let r = li.post("/vote", &[("code", &code("1号楼-1单元-102")), ("factor", "9999")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("表决码或身份证号后4位不正确"), "{}", r.body);
    let r = li.post("/vote", &[("code", &code("1号楼-1单元-102").to_lowercase()), ("factor", "0104")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let matters = attrs(&r, "fieldset.matter-choice", "data-matter");
    assert_eq!(matters.len(), 2);
    assert_eq!(attrs(&r, "form.ballot-form input[type=radio]", "value").len(), 6, "同意/反对/弃权 per matter");
    let c1 = format!("choice_{}", matters[0]);
    let c2 = format!("choice_{}", matters[1]);
    // A matter left without a choice is refused on the ballot, the other choice kept.
    let r = li.post("/vote/cast", &[("code", &code("1号楼-1单元-102")), ("factor", "0104"), (&c1, "yes")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请对第2项表决事项选择同意、反对或弃权"), "{}", r.body);
    assert_eq!(attrs(&r, "input[type=radio][checked]", "value"), ["yes"]);
    let r = li
        .post("/vote/cast", &[("code", &code("1号楼-1单元-102")), ("factor", "0104"), (&c1, "yes"), (&c2, "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.select(".receipt-units"), ["1号楼-1单元-102"]);
    assert_eq!(r.select(".receipt-area"), ["100.00"]);
    let receipt = r.select(".receipt-number")[0].clone();
    assert_eq!(receipt.len(), 14, "{receipt}");
    assert!(r.body.contains("不能修改或撤回"));

    // The same code again: refused on the ballot page in Chinese, with 409.
    let r = li
        .post("/vote/cast", &[("code", &code("1号楼-1单元-102")), ("factor", "0104"), (&c1, "no"), (&c2, "no")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.select(".error-page").is_empty(), "not an error page");
    assert!(r.select(".refusal")[0].contains("不能重复表决"), "{:?}", r.select(".refusal"));
    assert_eq!(r.select("h1"), ["关于续聘物业服务企业的业主共同决定"]);
    assert!(r.select(".voted")[0].contains("已表决"));

    // 张三 votes yes too; 王五's signed paper ballot is entered by the committee (no on the first).
    let mut zhang = voter(&app).await;
    let r = zhang
        .post("/vote/cast", &[("code", &code("1号楼-1单元-101")), ("factor", "0301"), (&c1, "yes"), (&c2, "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut committee = app.login_as(Role::CommitteeMember).await;
    let show = committee.get(&path).await;
    assert_eq!(show.select(".decision-facts .phase"), ["投票中"]);
    let paper: [(String, String); 4] = [
        ("unit_id".into(), unit_id("1号楼-1单元-201")),
        ("voter_name".into(), "王五".into()),
        (c1.clone(), "no".into()),
        (c2.clone(), "yes".into()),
    ];
    let fields: Vec<(&str, &str)> = paper.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r =
        committee.multipart(&format!("/decisions/{did}/paper-ballots"), &fields, &[("photo", "票.jpg", jpeg())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = committee.get(&path).await;
    assert!(show.select(".flash")[0].contains("回执号"), "{:?}", show.select(".flash"));
    // Entered twice: refused in the paper form, with the message and 409.
    let r =
        committee.multipart(&format!("/decisions/{did}/paper-ballots"), &fields, &[("photo", "票.jpg", jpeg())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.select("details.paper .err")[0].contains("已表决"), "{:?}", r.select("details.paper .err"));

    // Before the count: participation only, never a choice; the ballots are closed.
    let show = committee.get(&path).await;
    assert_eq!(show.select(".voted-owners"), ["3"]);
    assert_eq!(show.select(".voted-area"), ["300.00"]);
    assert!(show.select(".progress-area")[0].contains("✓ 已达到"));
    assert!(show.select("table.tally").is_empty() && show.select("table.comparisons").is_empty());
    assert!(show.select("a.ballots-link").is_empty());
    for figure in ["同意：", "同意 2", "反对 1"] {
        assert!(!show.body.contains(figure), "{figure} before the count");
    }
    let r = committee.get(&format!("/decisions/{did}/ballots")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("计票前，任何人都不能查看表决票的内容"));
    let mut staff = app.login_as(Role::BureauStaff).await;
    let r = staff.get(&path).await;
    assert_eq!(r.status, StatusCode::OK, "the bureau reads");
    assert!(r.select("form").iter().all(|f| !f.contains("生成表决码")), "the bureau does not run the vote");

    // The company sees nothing of it.
    let mut company = app.login_as(Role::CompanyUser).await;
    for p in [path.clone(), format!("/decisions/{did}/slips"), "/decisions".into()] {
        let r = company.get(&p).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{p}: {}", r.status);
        assert!(!r.body.contains("续聘安居物业"), "{p}");
    }

    // Voting over: the committee counts.
    app.clock.advance(Duration::days(5));
    let mut committee = app.login_as(Role::CommitteeMember).await;
    let show = committee.get(&path).await;
    assert_eq!(show.select(".decision-facts .phase"), ["投票结束，待计票"]);
    let r = committee.post(&format!("/decisions/{did}/close"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = committee.get(&path).await;
    assert_eq!(show.select(".total-owners"), ["4"]);
    assert_eq!(show.select(".total-area"), ["420.00"]);
    let first = scraper::Html::parse_document(&show.body);
    let sel = scraper::Selector::parse("section.matter").unwrap();
    let row = scraper::Selector::parse("table.comparisons tbody tr").unwrap();
    let matters: Vec<_> = first.select(&sel).collect();
    assert_eq!(matters.len(), 2);
    let rows: Vec<String> = matters[0].select(&row).map(|r| r.text().collect::<String>()).collect();
    assert_eq!(rows.len(), 4, "the four comparisons: {rows:?}");
    assert!(rows[0].contains("300.00 m² / 420.00 m²") && rows[0].contains("✓"), "{rows:?}");
    assert!(rows[1].contains("3 人 / 4 人") && rows[1].contains("✓"), "{rows:?}");
    assert!(rows[2].contains("200.00 m² / 300.00 m²") && rows[2].contains("✓"), "{rows:?}");
    assert!(rows[3].contains("2 人 / 3 人") && rows[3].contains("✓"), "{rows:?}");
    assert_eq!(show.select(".passed").len(), 2, "both matters pass");
    assert_eq!(show.select("a.ballots-link").len(), 1);
    assert_eq!(show.select("a.announcement-link").len(), 1);

    // The attributed ballots, now: three, the paper one's signatory masked.
    let b = committee.get(&format!("/decisions/{did}/ballots")).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert_eq!(b.select("table.ballot-rows tbody tr").len(), 3);
    assert!(b.body.contains("王*") && !b.body.contains("王五"));
    assert!(b.select("td.choice-cell").contains(&"反对".to_string()));
    assert!(b.body.contains(&receipt), "the owner's receipt identifies the ballot");
    let photo = attrs(&b, "a[href$='/photo']", "href");
    assert_eq!(photo.len(), 1);
    assert_eq!(committee.get(&photo[0]).await.status, StatusCode::OK);

    // The public page: totals and comparisons, no unit, name or receipt.
    let mut public = app.client();
    let p = public.get(&format!("/c/{id}")).await;
    assert_eq!(p.status, StatusCode::OK);
    let section = p.select(".public-decision");
    assert_eq!(section.len(), 1);
    assert!(section[0].contains("关于续聘物业服务企业的业主共同决定") && section[0].contains("通过"));
    assert!(section[0].contains("300.00 m² / 420.00 m²"));
    for secret in ["1号楼-1单元", "张三", "李四", "王五", "王*", receipt.as_str()] {
        assert!(!p.body.contains(secret), "{secret} on the public page");
    }
    let pdf = attrs(&p, ".public-decision a.announcement-link", "href");
    let r = app.client().send(axum::http::Method::GET, &pdf[0], None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");

    // The objection period: the owner sees the attributed ballots and objects; the committee answers.
    let mut li = voter(&app).await;
    let r = li.post("/vote", &[("code", &code("1号楼-1单元-102")), ("factor", "0104")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.select("table.ballot-rows tbody tr").len(), 3);
    let r = li
        .post(
            "/vote/objections",
            &[("code", &code("1号楼-1单元-102")), ("factor", "0104"), ("text", "我家面积登记有误")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("异议已提交"));
    let show = committee.get(&path).await;
    let objection = attrs(&show, "tr[data-objection]", "data-objection");
    assert_eq!(objection.len(), 1);
    let r = committee
        .post(&format!("/decisions/{did}/objections/{}", objection[0]), &[("decision", "dismissed"), ("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    assert!(r.select("table.objections .err")[0].contains("请写明处理意见"));
    let r = committee
        .post(
            &format!("/decisions/{did}/objections/{}", objection[0]),
            &[("decision", "dismissed"), ("reason", "面积以不动产登记为准")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(committee.get(&path).await.select("table.objections td.pending").len(), 0);
}

#[tokio::test]
async fn the_roster_page_registers_the_deeming_clause_for_editors_only() {
    let app = TestApp::new().await;
    let id = community(&app, "YC-FC-001").await;
    let mut committee = app.login_as(Role::CommitteeMember).await;
    let page = committee.get(&format!("/communities/{id}/roster")).await;
    assert_eq!(page.select(".current-deem-clause"), ["当前条款：未登记"]);
    let r = committee.post(&format!("/communities/{id}/roster/deem-clause"), &[("deem_clause", "第五")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select(".deem-clause .err")[0].contains("条款序号和原文"));
    let clause = "议事规则第十二条：业主未参与表决的，其投票计入已表决的多数票";
    let r = committee.post(&format!("/communities/{id}/roster/deem-clause"), &[("deem_clause", clause)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = committee.get(&format!("/communities/{id}/roster")).await;
    assert_eq!(page.select(".current-deem-clause"), [format!("当前条款：{clause}")]);
    // The bureau reads the roster but keeps no clause.
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get(&format!("/communities/{id}/roster")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select(".deem-clause").is_empty());
    let r = staff.post(&format!("/communities/{id}/roster/deem-clause"), &[("deem_clause", "")]).await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
}
