//! The pages of exit and handover (退出与移交): bureau staff open an exit through the form; the
//! leaving company sees its own exit and may only declare items delivered, another company
//! learns nothing of it; the committee confirms items (the premises with their area); staff
//! register the incoming contract and its takeover inspection; the community's public page shows
//! the progress and the new company, never a person.

use axum::http::StatusCode;
use chrono::Duration;
use propwatch::clock::Clock;
use propwatch::domain::role::Role;

use crate::helpers::{Resp, TestApp};

/// The `name` attribute of the elements matching `selector`.
fn attrs(r: &Resp, selector: &str, name: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(&r.body);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).filter_map(|e| e.value().attr(name).map(str::to_string)).collect()
}

async fn community(app: &TestApp, code: &str) -> propwatch::db::entities::community::Model {
    propwatch::db::communities::community_by_code(&app.deps.db, code).await.unwrap().unwrap()
}

/// The checklist's item ids by code, as the exit's page lists them.
fn items(r: &Resp) -> Vec<(String, i64)> {
    let codes = attrs(r, "table.checklist tr.item", "data-code");
    let ids = attrs(r, "table.checklist tr.item", "data-item");
    codes.into_iter().zip(ids.iter().map(|i| i.parse().unwrap())).collect()
}

fn item(r: &Resp, code: &str) -> i64 {
    items(r).into_iter().find(|(c, _)| c == code).unwrap_or_else(|| panic!("no item {code}")).1
}

#[tokio::test]
async fn staff_open_an_exit_the_company_declares_the_committee_confirms_and_the_public_sees_progress() {
    let app = TestApp::new().await;
    let fc1 = community(&app, "YC-FC-001").await;
    let fc3 = community(&app, "YC-FC-003").await;
    assert_ne!(fc1.company_id, fc3.company_id, "the demo gives the two communities different companies");
    let id = fc1.id;
    let today = propwatch::clock::today(app.clock.now());
    let ends = (today + Duration::days(20)).to_string();

    // (1) Staff: the navigation, the list and the form (prefilled from ?community).
    let mut staff = app.login_as(Role::BureauStaff).await;
    let list = staff.get("/exits").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.select("nav a").contains(&"退出交接".to_string()));
    assert_eq!(list.select("a.open-exit-link"), ["启动退出交接"]);
    let form = staff.get(&format!("/exits/new?community={id}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(attrs(&form, "select[name=community_id] option[selected]", "value"), [id.to_string()]);
    assert!(form.select("select[name=reason] option").contains(&"合同期满不再续聘".to_string()));
    assert!(form.select("select[name=receiver_kind] option").contains(&"业主委员会".to_string()));

    // Refused: no reason, a date that is not one; the messages are Chinese, by the fields, and
    // what was typed stays.
    let cid = id.to_string();
    let r = staff
        .post(
            "/exits",
            &[
                ("community_id", &cid),
                ("reason", ""),
                ("receiver_kind", "committee"),
                ("contract_ends_on", "明年"),
                ("note", "合同期满不再续聘"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = r.select(".open-exit-form .err");
    assert!(errors.iter().any(|e| e.contains("请选择退出原因")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("合同终止日期应为日期")), "{errors:?}");
    assert_eq!(r.select("textarea[name=note]"), ["合同期满不再续聘"]);

    // Opened: the contract ends in 20 days, the committee receives.
    let r = staff
        .post(
            "/exits",
            &[
                ("community_id", &cid),
                ("reason", "expiry"),
                ("receiver_kind", "committee"),
                ("contract_ends_on", &ends),
                ("note", "合同期满不再续聘"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location();
    let exit_id: i64 = path.strip_prefix("/exits/").unwrap().parse().unwrap();
    let show = staff.get(&path).await;
    assert_eq!(show.status, StatusCode::OK, "{}", show.body);
    assert!(show.select(".stage-badge .stage")[0].contains("继续服务"), "{:?}", show.select(".stage-badge"));
    assert_eq!(show.select("table.checklist tr.item").len(), 9);
    assert!(show.select("dd.contract-ends")[0].contains(&ends));
    assert!(show.select("dd.receiver")[0].contains("凤城花园业主委员会"));
    assert!(show.select(".overdue-banner").is_empty());
    // Staff manage: withdraw, register the incoming contract (never the leaving company), no
    // confirming, no declaring, no litigation before the deadline.
    assert_eq!(show.select("form.cancel-form").len(), 1);
    assert_eq!(show.select("form.contract-form").len(), 1);
    let offered = attrs(&show, "form.contract-form select[name=company_id] option", "value");
    assert!(!offered.contains(&fc1.company_id.unwrap().to_string()));
    assert!(offered.contains(&fc3.company_id.unwrap().to_string()));
    assert!(show.select("select[name=state]").is_empty());
    assert!(show.select("form.declare-form").is_empty());
    assert!(show.select("form.litigation-form").is_empty());
    let rows = staff.get(&format!("/exits?community={id}")).await;
    assert_eq!(attrs(&rows, "table.exits tr[data-exit]", "data-exit"), [exit_id.to_string()]);
    // The community's page lists the contracts and links its exits.
    let page = staff.get(&format!("/communities/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(attrs(&page, "a.exits-link", "href"), [format!("/exits?community={id}")]);
    assert_eq!(page.select("section.contracts h2"), ["物业服务合同"]);

    // Another exit, of another company's community.
    let other = staff
        .post(
            "/exits",
            &[
                ("community_id", &fc3.id.to_string()),
                ("reason", "expiry"),
                ("receiver_kind", "committee"),
                ("contract_ends_on", &ends),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);
    let other_path = other.location();

    // (2) The leaving company: its own exit with declare forms and no confirm form; another
    // company's exit is not found.
    let mut company = app.login_as(Role::CompanyUser).await;
    assert_eq!(company.get(&other_path).await.status, StatusCode::NOT_FOUND);
    let mine = company.get(&path).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.select("select[name=state]").is_empty(), "the leaving company never confirms");
    assert!(mine.select("form.confirm-form").is_empty());
    assert_eq!(mine.select("form.declare-form").len(), 9);
    assert!(mine.select("form.cancel-form").is_empty());
    assert!(mine.select("form.contract-form").is_empty());
    assert_eq!(attrs(&company.get("/exits").await, "table.exits tr[data-exit]", "data-exit"), [exit_id.to_string()]);
    let premises = item(&mine, "premises");
    let r = company.multipart(&format!("{path}/items/{premises}/declare"), &[("note", "")], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.select(&format!("#item-{premises} .declare-form .err"))[0].contains("请写明移交的内容"));
    let r = company
        .multipart(&format!("{path}/items/{premises}/declare"), &[("note", "物业服务用房已腾空，钥匙两把")], &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mine = company.get(&path).await;
    assert!(mine.select(&format!("#item-{premises} .declared"))[0].contains("物业服务用房已腾空"));
    assert_eq!(mine.select(&format!("#item-{premises} .state")), ["待移交"], "a declaration is not a receipt");
    let r = company
        .multipart(
            &format!("{path}/items/{premises}/confirm"),
            &[("state", "handed_over"), ("on", &today.to_string())],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // (3) The committee confirms: the premises need their area.
    let mut committee = app.login_as(Role::CommitteeMember).await;
    let theirs = committee.get(&path).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_eq!(theirs.select("select[name=state]").len(), 9);
    assert!(theirs.select("form.declare-form").is_empty());
    assert!(theirs.select("form.cancel-form").is_empty());
    assert_eq!(theirs.select(&format!("#item-{premises} input[name=area]")).len(), 1);
    assert_eq!(theirs.select(&format!("#item-{} input[name=area]", item(&theirs, "roster"))).len(), 0);
    assert_eq!(attrs(&theirs, &format!("#item-{premises} input[name=on]"), "value"), [today.to_string()]);
    let day = today.to_string();
    let r = committee
        .multipart(
            &format!("{path}/items/{premises}/confirm"),
            &[("state", "handed_over"), ("on", &day), ("area", ""), ("note", "钥匙已接收")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.select(&format!("#item-{premises} .confirm-form .err"))[0].contains("建筑面积"));
    assert_eq!(r.select(&format!("#item-{premises} .confirm-form textarea[name=note]")), ["钥匙已接收"]);
    let r = committee
        .multipart(
            &format!("{path}/items/{premises}/confirm"),
            &[("state", "handed_over"), ("on", &day), ("area", "86.5"), ("note", "钥匙已接收")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let theirs = committee.get(&path).await;
    assert_eq!(theirs.select(&format!("#item-{premises} .state")), ["已移交"]);
    assert!(theirs.select(&format!("#item-{premises} .area"))[0].contains("86.50"));
    assert!(theirs.select(&format!("#item-{premises} .confirmer"))[0].contains("凤城花园业委会"));
    assert_eq!(theirs.select(".progress .settled"), ["1"]);

    // Staff register the incoming contract from the exit (it waits for the takeover) and its
    // takeover inspection.
    let before = attrs(&staff.get(&path).await, "table.contracts tr[data-contract]", "data-contract");
    let incoming = fc3.company_id.unwrap().to_string();
    let starts = (today + Duration::days(21)).to_string();
    let r = staff
        .post(
            &format!("/communities/{id}/contracts"),
            &[("company_id", &incoming), ("starts_on", &starts), ("fee", "一块五"), ("exit_id", &exit_id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.select(".contract-form .err")[0].contains("物业费标准"));
    let r = staff
        .post(
            &format!("/communities/{id}/contracts"),
            &[
                ("company_id", &incoming),
                ("starts_on", &starts),
                ("service_grade", "二级"),
                ("fee", "1.50"),
                ("exit_id", &exit_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{path}#contracts"));
    let show = staff.get(&path).await;
    let contract: Vec<String> = attrs(&show, "table.contracts tr[data-contract]", "data-contract")
        .into_iter()
        .filter(|k| !before.contains(k))
        .collect();
    assert_eq!(contract.len(), 1, "{:?}", show.select("table.contracts tr"));
    let row = format!("table.contracts tr[data-contract=\"{}\"]", contract[0]);
    assert!(show.select(&format!("{row} td"))[0].contains("凤城物业"));
    assert_eq!(show.select(&format!("{row} td.status"))[0].lines().next().unwrap(), "待生效");
    // The leaving company's own contract takes no takeover inspection; the incoming one does.
    assert_eq!(show.select("form.takeover-form").len(), 1);
    assert_eq!(show.select(&format!("{row} form.takeover-form")).len(), 1);
    let r = staff
        .post(
            &format!("/contracts/{}/takeover-inspection", contract[0]),
            &[
                ("on", &day),
                ("findings", "2号楼屋面渗漏，已告知业主委员会"),
                ("exit_id", &exit_id.to_string()),
                ("community_id", &cid),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = staff.get(&path).await;
    assert!(show.select(&format!("{row} td.takeover"))[0].contains("屋面渗漏"));

    // (4) The public page: the progress and the new company, never a person nor a note.
    let mut public = app.client();
    let p = public.get(&format!("/c/{id}")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.select(".public-exit h2"), ["物业退出交接"]);
    assert_eq!(p.select(".public-exit .settled"), ["1"]);
    assert!(p.select(".public-exit .leaving")[0].contains("安居物业"));
    assert!(p.select(".public-exit .stage")[0].contains("继续服务"));
    assert!(p.select(".public-exit .incoming")[0].contains("凤城物业"));
    assert!(p.select(".public-exit .exit-items td.state").contains(&"已移交".to_string()));
    assert_eq!(p.select(".public-exit .exit-items tbody tr").len(), 9);
    for private in ["凤城花园业委会", "张凯东", "钥匙已接收", "物业服务用房已腾空", "屋面渗漏"]
    {
        assert!(!p.body.contains(private), "the public page shows {private}");
    }
}

#[tokio::test]
async fn the_township_cancels_an_exit_with_a_reason_and_the_forms_go() {
    let app = TestApp::new().await;
    let fc1 = community(&app, "YC-FC-001").await;
    let today = propwatch::clock::today(app.clock.now());
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    officer.get("/exits/new").await;
    let r = officer
        .post(
            "/exits",
            &[
                ("community_id", &fc1.id.to_string()),
                ("reason", "resignation"),
                ("receiver_kind", "committee"),
                ("contract_ends_on", &(today + Duration::days(5)).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.select(".open-exit-form .err").iter().any(|e| e.contains("企业书面通知退出的日期")));
    let r = officer
        .post(
            "/exits",
            &[
                ("community_id", &fc1.id.to_string()),
                ("reason", "resignation"),
                ("receiver_kind", "committee"),
                ("notice_on", &today.to_string()),
                ("contract_ends_on", &(today + Duration::days(5)).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location();
    officer.get(&path).await;
    let r = officer.post(&format!("{path}/cancel"), &[("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.select(".cancel-form .err")[0].contains("撤销的理由"));
    let r = officer.post(&format!("{path}/cancel"), &[("reason", "企业撤回退出通知，业主决定续聘")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = officer.get(&path).await;
    assert_eq!(show.select("dd.status"), ["已撤销"]);
    assert!(show.select("form.cancel-form").is_empty());
    assert!(show.select("select[name=state]").is_empty());
    // A withdrawn exit is not shown to the public.
    let p = app.client().get(&format!("/c/{}", fc1.id)).await;
    assert!(p.select(".public-exit").is_empty());
}

#[tokio::test]
async fn a_served_dismissal_leads_to_its_exit_and_past_the_deadline_the_page_shows_what_is_withheld() {
    let app = TestApp::new().await;
    let fc1 = community(&app, "YC-FC-001").await;
    let today = propwatch::clock::today(app.clock.now()).to_string();

    // The leader opens a track; the township records the assembly's decision and the notice.
    let mut leader = app.login_as(Role::BureauLeader).await;
    leader.get(&format!("/communities/{}", fc1.id)).await;
    let r = leader
        .post(
            &format!("/communities/{}/dismissals", fc1.id),
            &[("reasons", "长期达不到合同约定的服务标准，业主联名要求更换物业"), ("notice_days", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let track = r.location();
    let track_id: i64 = track.strip_prefix("/dismissals/").unwrap().parse().unwrap();
    let mut officer = app.login_as(Role::TownshipOfficer).await;
    let before = officer.get(&track).await;
    assert!(before.select("a.open-exit-link").is_empty(), "no exit before the notice is served");
    for step in [
        vec![("step", "assembly_called"), ("on", today.as_str())],
        vec![
            ("step", "assembly_dismissed"),
            ("on", today.as_str()),
            ("basis", "paper"),
            ("total_area", "75600"),
            ("total_owners", "700"),
            ("yes_area", "45360"),
            ("yes_owners", "420"),
            ("no_area", "7560"),
            ("no_owners", "70"),
            ("abstain_area", "3780"),
            ("abstain_owners", "35"),
        ],
        vec![("step", "notice_served"), ("on", today.as_str())],
    ] {
        let r = officer.post(&format!("{track}/steps"), &step).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step:?}: {}", r.body);
    }
    let served = officer.get(&track).await;
    assert_eq!(attrs(&served, "a.open-exit-link", "href"), [format!("/exits/new?track={track_id}")]);
    // A company user never sees the link.
    let mut company = app.login_as(Role::CompanyUser).await;
    let theirs = company.get(&track).await;
    assert!(theirs.select("a.open-exit-link").is_empty());

    // The form from the track: reason, community and track chosen.
    let form = officer.get(&format!("/exits/new?track={track_id}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(attrs(&form, "select[name=reason] option[selected]", "value"), ["dismissal"]);
    assert_eq!(attrs(&form, "select[name=community_id] option[selected]", "value"), [fc1.id.to_string()]);
    assert_eq!(attrs(&form, "select[name=track_id] option[selected]", "value"), [track_id.to_string()]);
    let r = officer
        .post(
            "/exits",
            &[
                ("community_id", &fc1.id.to_string()),
                ("reason", "dismissal"),
                ("track_id", &track_id.to_string()),
                ("receiver_kind", "committee"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location();
    let show = officer.get(&path).await;
    assert!(show.select("dd.reason")[0].contains("业主大会解聘"));
    assert_eq!(show.select("dd.notice-on"), [today.as_str()]);
    assert_eq!(attrs(&show, "dd.reason a", "href"), [track.as_str()]);
    assert!(show.select("form.litigation-form").is_empty(), "no litigation before the deadline");

    // Past the deadline (60 days' notice, then 30 for the handover, moved past rest days).
    app.clock.advance(Duration::days(100));
    let mut staff = app.login_as(Role::BureauStaff).await;
    let late = staff.get(&path).await;
    assert_eq!(late.status, StatusCode::OK, "{}", late.body);
    assert!(late.select(".stage-badge .stage")[0].contains("逾期"));
    assert_eq!(late.select(".overdue-banner h2"), ["逾期未完成移交"]);
    assert_eq!(late.select(".overdue-banner .withheld li").len(), 9);
    assert_eq!(late.select("form.litigation-form").len(), 1);
    assert!(
        late.select("form.litigation-form select[name=kind] option").contains(&"引导业主委员会提起诉讼".to_string())
    );
    let day = propwatch::clock::today(app.clock.now()).to_string();
    let r = staff
        .multipart(
            &format!("{path}/litigation"),
            &[("kind", "guidance"), ("on", &day), ("reference", ""), ("note", "已指导业主委员会准备起诉材料")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let late = staff.get(&path).await;
    assert!(late.select("ol.litigation-steps li")[0].contains("已指导业主委员会准备起诉材料"));
}
