//! The violation catalog every installation starts with, and the demo county modelled on the
//! seed notice (阳住建发〔2024〕118号): 阳城县, its townships, companies, communities,
//! departments, the 2024 campaign and one account per role.

use chrono::NaiveDate;
use rand::Rng;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use super::accounts::hash_password;
use super::audit::{SUCCESS, record};
use super::complaints::{self, ComplaintForm, TriageForm};
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::accounts::NewUser;
use crate::db::campaigns::NewCampaign;
use crate::db::catalog::NewCatalogItem;
use crate::db::jurisdictions::NewJurisdiction;
use crate::domain::audit_action::AuditAction;
use crate::domain::complaint::Channel;
use crate::domain::credit_code;
use crate::domain::registry::{CommitteeKind, CompanyStatus, JurisdictionLevel, NewCommunity, NewCompany};
use crate::domain::role::{Role, Scope};

/// The catalog of DOMAIN.md §2 (texts from the seed), with the legal basis of each item:
/// (code, parent, title, legal basis).
pub const CATALOG: [(&str, Option<&str>, &str, &str); 21] = [
    ("A", None, "物业服务不履约不到位", ""),
    ("A1", Some("A"), "未按照合同约定提供质价对等的物业服务", "《民法典》第九百四十二条"),
    ("A1.1", Some("A1"), "未按照合同约定维修、养护、清洁、绿化和管理业主共有部分（设施）", "《民法典》第九百四十二条"),
    ("A1.2", Some("A1"), "共有公共部分（设施）更新改造不及时", "《民法典》第九百四十二条"),
    ("A1.3", Some("A1"), "房地产开发企业互相推诿扯皮造成报修未及时处理", "《物业管理条例》第三十一条"),
    ("A1.4", Some("A1"), "所提供服务等级与物业收费标准不符", "《物业服务收费管理办法》第七条"),
    ("A1.5", Some("A1"), "服务态度差、投诉居高不下、业主满意度低于标准要求", "《民法典》第九百四十二条"),
    ("A2", Some("A"), "未履行信息公开和报告义务", "《民法典》第九百四十三条"),
    (
        "A2.1",
        Some("A2"),
        "未公开服务事项、质量要求、收费项目、收费标准、履行情况及住宅专项维修资金使用情况",
        "《民法典》第九百四十三条",
    ),
    ("A2.2", Some("A2"), "未及时公开公示物业费收支情况、停车位管理等业主关心的热点问题", "《民法典》第九百四十三条"),
    ("A2.3", Some("A2"), "未向业主大会、业主委员会（物管会）报告履职情况", "《民法典》第九百四十三条"),
    ("A3", Some("A"), "未按照合同约定提供安全防范工作", "《民法典》第九百四十二条第二款"),
    ("A3.1", Some("A3"), "未对共用消防设施和疏散通道、安全出口、消防通道进行维护管理", "《消防法》第十八条第二款"),
    (
        "A3.2",
        Some("A3"),
        "未及时劝阻和制止占用、堵塞、封闭疏散通道、安全出口、消防车通道等行为，劝阻制止无效未及时向乡镇、消防救援大队报告",
        "《民法典》第九百四十二条第二款",
    ),
    ("A4", Some("A"), "未履行物业服务企业的移交义务", "《民法典》第九百四十九条"),
    (
        "A4.1",
        Some("A4"),
        "合同终止后未按期退出物业服务区域，未交还物业服务用房、相关设施及必需资料",
        "《民法典》第九百四十九条；《物业管理条例》第二十九条、第三十八条",
    ),
    (
        "A4.2",
        Some("A4"),
        "未配合新物业服务企业做好交接工作，未如实告知物业的使用和管理状况",
        "《民法典》第九百四十九条",
    ),
    ("B", None, "物业服务企业侵害业主利益", ""),
    (
        "B1",
        Some("B"),
        "擅自利用小区共用部位、共用设施设备、道路场地、电梯广告、物业管理用房经营",
        "《民法典》第二百七十八条；《物业管理条例》第五十四条",
    ),
    ("B2", Some("B"), "未公示公共收益收支情况", "《民法典》第九百四十三条"),
    ("B3", Some("B"), "违规侵占小区公共收益，或未按合同约定、业主大会决议分配使用公共收益", "《民法典》第二百八十二条"),
];

/// Seeds the catalog when it is empty (every installation, not only the demo).
pub async fn ensure_catalog(deps: &Deps) -> Result<bool, ServiceError> {
    if !db::catalog::catalog(&deps.db).await?.is_empty() {
        return Ok(false);
    }
    let now = deps.clock.now();
    let tx = deps.db.begin().await?;
    for (i, (code, parent, title, basis)) in CATALOG.iter().enumerate() {
        let item = NewCatalogItem {
            code: code.to_string(),
            parent_code: parent.map(str::to_string),
            category: code[..1].to_string(),
            title: title.to_string(),
            description: crate::domain::catalog::seed_text(code).unwrap_or_default().to_string(),
            legal_basis: basis.to_string(),
            position: i as i32 + 1,
        };
        db::catalog::insert_catalog_item(&tx, item, now).await?;
    }
    record(
        &tx,
        &Ctx::system(now, "初始化"),
        AuditAction::CatalogSeed,
        "catalog",
        "all",
        SUCCESS,
        json!({"items": CATALOG.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

const TOWNSHIPS: [&str; 17] = [
    "凤城镇",
    "北留镇",
    "润城镇",
    "町店镇",
    "芹池镇",
    "次营镇",
    "横河镇",
    "河北镇",
    "蟒河镇",
    "东冶镇",
    "白桑乡",
    "寺头乡",
    "西河乡",
    "演礼乡",
    "固隆乡",
    "董封乡",
    "驾岭乡",
];

const COMPANIES: [(&str, &str, &str); 8] = [
    ("阳城县安居物业服务有限公司", "王建国", "3201101"),
    ("山西凤城物业管理有限公司", "李红梅", "3201102"),
    ("阳城县晋宏物业服务有限公司", "赵志刚", "3201103"),
    ("阳城县润泽物业管理有限公司", "刘文华", "3201104"),
    ("阳城县嘉和物业服务有限公司", "陈晓燕", "3201105"),
    ("阳城县鑫源物业管理有限公司", "杨海军", "3201106"),
    ("山西析城物业服务有限公司", "孙丽萍", "3201107"),
    ("阳城县康居物业服务有限公司", "周永强", "3201108"),
];

/// (code, name, township index, company index, units, area m², fee fen, grade, committee)
type DemoCommunity = (&'static str, &'static str, usize, usize, i32, i64, i64, &'static str, &'static str);
const COMMUNITIES: [DemoCommunity; 20] = [
    ("YC-FC-001", "凤城花园", 0, 0, 820, 86_000, 120, "二级", "owners_committee"),
    ("YC-FC-002", "阳城新苑", 0, 0, 640, 68_500, 110, "二级", "owners_committee"),
    ("YC-FC-003", "析城山庄", 0, 1, 1_120, 132_000, 150, "一级", "owners_committee"),
    ("YC-FC-004", "凤栖园", 0, 1, 360, 39_800, 90, "三级", "none"),
    ("YC-FC-005", "龙泉小区", 0, 2, 480, 47_200, 80, "三级", "management_committee"),
    ("YC-FC-006", "晋阳小区", 0, 2, 300, 28_600, 70, "三级", "none"),
    ("YC-FC-007", "康馨苑", 0, 3, 560, 61_000, 115, "二级", "owners_committee"),
    ("YC-FC-008", "锦绣华庭", 0, 3, 900, 104_000, 160, "一级", "owners_committee"),
    ("YC-FC-009", "府前小区", 0, 4, 420, 40_300, 85, "三级", "management_committee"),
    ("YC-FC-010", "凤鸣苑", 0, 4, 700, 75_600, 125, "二级", "owners_committee"),
    ("YC-FC-011", "西关小区", 0, 5, 260, 24_900, 60, "三级", "none"),
    ("YC-FC-012", "东关新村", 0, 5, 380, 36_100, 75, "三级", "none"),
    ("YC-FC-013", "翠苑小区", 0, 6, 520, 55_700, 100, "二级", "owners_committee"),
    ("YC-FC-014", "凤城御景", 0, 6, 1_000, 118_000, 180, "一级", "owners_committee"),
    ("YC-FC-015", "滨河小区", 0, 7, 450, 46_800, 95, "二级", "management_committee"),
    ("YC-BL-001", "北留锦园", 1, 7, 330, 33_500, 70, "三级", "none"),
    ("YC-RC-001", "润城家园", 2, 3, 290, 29_900, 65, "三级", "none"),
    ("YC-DD-001", "町店新苑", 3, 2, 240, 23_400, 60, "三级", "none"),
    ("YC-QC-001", "芹池花苑", 4, 0, 310, 31_200, 70, "三级", "management_committee"),
    ("YC-CY-001", "次营佳苑", 5, 5, 220, 21_800, 55, "三级", "none"),
];

/// A demo account as printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_name: String,
}

/// A random password that satisfies the policy.
pub fn random_password() -> String {
    const ALPHA: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let body: String = (0..10).map(|_| ALPHA[rng.random_range(0..ALPHA.len())] as char).collect();
    format!("Pw{body}7!")
}

async fn jur<C: ConnectionTrait>(
    tx: &C,
    now: chrono::DateTime<chrono::Utc>,
    code: &str,
    name: &str,
    level: JurisdictionLevel,
    parent: Option<i64>,
) -> Result<i64, ServiceError> {
    let new = NewJurisdiction { code: code.into(), name: name.into(), level: level.as_str().into(), parent_id: parent };
    Ok(db::jurisdictions::insert_jurisdiction(tx, new, now).await?.id)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// Loads the demo county into an empty database. Returns the demo accounts, or `None` when
/// the database already holds data.
pub async fn seed(deps: &Deps, password: &str) -> Result<Option<Vec<DemoAccount>>, ServiceError> {
    ensure_catalog(deps).await?;
    if !db::jurisdictions::is_empty(&deps.db).await? {
        return Ok(None);
    }
    let now = deps.clock.now();
    let tx = deps.db.begin().await?;
    let county = jur(&tx, now, "140522", "阳城县", JurisdictionLevel::County, None).await?;
    let mut townships = Vec::new();
    for (i, name) in TOWNSHIPS.iter().enumerate() {
        townships.push(
            jur(&tx, now, &format!("140522{:03}", 100 + i), name, JurisdictionLevel::Township, Some(county)).await?,
        );
    }
    for (i, name) in ["东关社区", "西关社区", "凤鸣社区"].iter().enumerate() {
        jur(&tx, now, &format!("140522100{:03}", i + 1), name, JurisdictionLevel::Neighbourhood, Some(townships[0]))
            .await?;
    }
    let mut companies = Vec::new();
    for (i, (name, legal, phone)) in COMPANIES.iter().enumerate() {
        let first17 = format!("91140522MA0K{:05}", 3_100 + i * 17);
        let code = format!("{first17}{}", credit_code::check_character(&first17).expect("demo code is valid"));
        let new = NewCompany {
            name: name.to_string(),
            credit_code: code,
            legal_representative: legal.to_string(),
            contact_person: format!("{}（经理）", &legal.chars().take(1).collect::<String>()),
            contact_phone: format!("0356-{phone}"),
            address: format!("阳城县凤城镇{}号", 10 + i * 7),
            status: CompanyStatus::Active,
        };
        let c = db::companies::insert_company(&tx, county, new, now).await?;
        companies.push(c.id);
    }
    let mut communities = Vec::new();
    for (i, (code, name, t, c, units, area, fee, grade, committee)) in COMMUNITIES.iter().enumerate() {
        let start = date(2021 + (i % 3) as i32, 1 + (i % 12) as u32, 1);
        let new = NewCommunity {
            code: code.to_string(),
            name: name.to_string(),
            address: format!("阳城县{}{}路{}号", TOWNSHIPS[*t], ["凤城", "新阳", "东环", "西环"][i % 4], 20 + i * 3),
            township_id: townships[*t],
            company_id: Some(companies[*c]),
            contract_start: Some(start),
            contract_end: Some(start + chrono::Months::new(36) - chrono::Days::new(1)),
            service_grade: grade.to_string(),
            fee_fen: Some(*fee),
            building_area_cm2: Some(area * 10_000),
            unit_count: Some(*units),
            committee: CommitteeKind::parse(committee).expect("demo committee kind is valid"),
        };
        let m = db::communities::insert_community(&tx, new, now).await?;
        communities.push(m.id);
    }
    // Every community's contract in force is on record as its first contract period.
    db::exits::backfill_contracts(&tx, now).await?;
    let mut departments = Vec::new();
    for (name, kind, phone) in [
        ("阳城县综合行政执法局", "enforcement", "0356-4220110"),
        ("阳城县发展和改革局", "development_reform", "0356-4221023"),
        ("阳城县市场监督管理局", "market_supervision", "0356-4225315"),
        ("阳城县消防救援大队", "fire_rescue", "0356-4222119"),
    ] {
        let d = db::departments::insert_department(&tx, county, name, kind, phone, now).await?;
        departments.push(d.id);
    }
    let campaign = NewCampaign {
        jurisdiction_id: county,
        name: "整治物业服务不履约不到位、侵占业主利益等问题和建立完善物业企业退出机制专项行动".into(),
        document_no: "阳住建发〔2024〕118号".into(),
        starts_on: date(2024, 5, 1),
        ends_on: date(2024, 10, 31),
    };
    let c = db::campaigns::insert_campaign(&tx, campaign, now).await?;
    // The seed's dates overlap (巩固提高 starts before 专项整治 ends); kept as written.
    for (i, (name, s, e)) in [
        ("动员部署", date(2024, 5, 1), date(2024, 5, 20)),
        ("专项整治", date(2024, 5, 21), date(2024, 10, 31)),
        ("巩固提高", date(2024, 10, 1), date(2024, 10, 31)),
    ]
    .into_iter()
    .enumerate()
    {
        db::campaigns::insert_campaign_phase(&tx, c.id, i as i32 + 1, name, s, e, now).await?;
    }
    let hash = hash_password(password)?;
    let accounts = [
        ("admin", "系统管理员", Role::SystemAdmin, "jurisdiction", county, "阳城县"),
        ("zhangkaidong", "张凯东", Role::BureauStaff, "jurisdiction", county, "阳城县"),
        ("lixiangdong", "李向东", Role::BureauLeader, "jurisdiction", county, "阳城县"),
        ("yanjunli", "闫俊丽", Role::DisciplineInspector, "jurisdiction", county, "阳城县"),
        ("fengcheng", "凤城镇工作人员", Role::TownshipOfficer, "jurisdiction", townships[0], "凤城镇"),
        ("anju", "安居物业", Role::CompanyUser, "company", companies[0], COMPANIES[0].0),
        ("fchy_ywh", "凤城花园业委会", Role::CommitteeMember, "community", communities[0], "凤城花园"),
        ("zhifa", "综合执法局", Role::DepartmentUser, "department", departments[0], "阳城县综合行政执法局"),
    ];
    let mut out = Vec::new();
    for (username, display, role, kind, scope, scope_name) in accounts {
        let scope = match kind {
            "jurisdiction" => Scope::Jurisdiction(scope),
            "company" => Scope::Company(scope),
            "community" => Scope::Community(scope),
            _ => Scope::Department(scope),
        };
        let new = NewUser {
            username: username.into(),
            display_name: display.into(),
            phone_sealed: Some(deps.cipher.seal("13800000000")),
            email_sealed: Some(deps.cipher.seal(&format!("{username}@yangcheng.example"))),
            password_hash: hash.clone(),
            role,
            scope,
            must_change_password: false,
            now,
        };
        db::accounts::insert_user(&tx, new).await?;
        out.push(DemoAccount {
            username: username.into(),
            display_name: display.into(),
            role,
            scope_name: scope_name.into(),
        });
    }
    record(
        &tx,
        &Ctx::system(now, "demo"),
        AuditAction::DemoSeed,
        "jurisdiction",
        county,
        SUCCESS,
        json!({"townships": townships.len(), "companies": companies.len(), "communities": communities.len(), "accounts": out.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(out))
}

/// (community, catalog item, description, channel, days ago, name, phone, outcome)
type DemoClue = (&'static str, &'static str, &'static str, Channel, i64, &'static str, &'static str, &'static str);

const CLUES: [DemoClue; 11] = [
    (
        "YC-FC-001",
        "A1.1",
        "三号楼楼道垃圾一周无人清理，夏天异味严重",
        Channel::Web,
        20,
        "王秀英",
        "13800000001",
        "accept",
    ),
    ("YC-FC-001", "A1.1", "小区垃圾桶长期满溢，保洁不按时清运", Channel::Phone, 18, "李建华", "13800000002", "merge"),
    ("YC-FC-003", "A3.1", "地下车库消防栓没有水，灭火器已过期", Channel::Qr, 10, "", "", "accept"),
    ("YC-FC-008", "B1", "物业把小区广场租给商户摆摊，收入去向不明", Channel::Web, 16, "赵磊", "13800000004", "accept"),
    ("YC-FC-010", "B2", "电梯广告收入从来没有公示过", Channel::Email, 13, "刘芳", "", ""),
    ("YC-FC-005", "A1.4", "物业费按一级标准收取，服务连三级都达不到", Channel::Api, 3, "", "", "accept"),
    ("YC-FC-012", "A2.1", "物业从不公开收费项目和收费标准", Channel::Web, 25, "陈静", "13800000007", "reject"),
    (
        "YC-FC-014",
        "A3.2",
        "消防车通道被私家车长期占用，物业劝阻不力",
        Channel::Phone,
        8,
        "周强",
        "13800000008",
        "forward",
    ),
    ("YC-FC-002", "A1.2", "单元门禁坏了三个月没人修", Channel::Qr, 4, "", "", "accept"),
    ("YC-FC-013", "A1.2", "小区路灯坏了半个月，晚上出行不安全", Channel::Web, 16, "", "", ""),
    ("YC-FC-007", "A1.5", "物业人员态度恶劣，多次反映无果", Channel::Web, 13, "吴敏", "13800000010", "accept"),
];

/// The demo's campaign in progress: clues in every triage state, received over the last weeks.
/// Kept apart from [`seed`] so tests start from an empty inbox.
pub async fn seed_activity(deps: &Deps) -> Result<(), ServiceError> {
    let now = deps.clock.now();
    let staff =
        db::accounts::user_by_username(&deps.db, "zhangkaidong").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let staff = super::accounts::session_user(&deps.db, staff).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let fire =
        db::departments::departments(&deps.db, None).await?.into_iter().find(|d| d.kind == "fire_rescue").map(|d| d.id);
    let mut first_problem = None;
    let mut accepted = Vec::new();
    let cal = super::holidays::calendar(&deps.db).await?;
    for (community, catalog, text, channel, days_ago, name, phone, outcome) in CLUES {
        let mut at = now - chrono::Duration::days(days_ago);
        // A clue waiting for triage and meant to be running is received early enough to be due
        // soon whatever the weekday: a last day on a rest day moves on (民法典第203条), so a fixed
        // age would be due soon on some days and not on others.
        if outcome.is_empty() && days_ago < crate::domain::complaint::ACCEPTANCE_DAYS {
            let soon = chrono::Duration::days(crate::domain::complaint::DUE_SOON_DAYS);
            while crate::domain::complaint::acceptance_due(at, &cal) - now > soon {
                at -= chrono::Duration::days(1);
            }
        }
        let m =
            db::communities::community_by_code(&deps.db, community).await?.ok_or(ServiceError::NotFound("演示小区"))?;
        let public = Ctx { now: at, actor_name: "公众".into(), ..Ctx::system(at, "demo") };
        let staff_ctx = |t| Ctx {
            actor: Some(staff.actor.clone()),
            actor_name: staff.display_name.clone(),
            ..Ctx::system(t, "demo")
        };
        let form = ComplaintForm {
            community_id: Some(m.id),
            catalog_code: catalog.into(),
            description: text.into(),
            anonymous: (name.is_empty()).then(|| "on".into()),
            name: name.into(),
            phone: phone.into(),
            consent: Some("on".into()),
            ..Default::default()
        };
        let ctx = if channel == Channel::Phone { staff_ctx(at) } else { public };
        // Every other web clue carries a photo, as residents' do.
        let photos = if channel == Channel::Web && text.len() % 2 == 0 {
            vec![demo_photo(text.len() as u8)]
        } else {
            Vec::new()
        };
        let receipt = complaints::submit_with_photos(deps, &ctx, channel, form, None, photos).await?;
        let triage_at = at + chrono::Duration::days(1);
        let mut t = TriageForm { decision: outcome.into(), ..Default::default() };
        match outcome {
            "" => continue,
            "merge" => t.problem_id = first_problem,
            "reject" => {
                t.answer = "经现场核实，该小区已在公告栏和业主群公示收费项目和收费标准，反映情况不属实。".into()
            }
            "forward" => {
                t.department_id = fire;
                t.answer = "已转消防救援大队依法处理。".into();
            }
            _ => {}
        }
        let row = complaints::triage(deps, &staff_ctx(triage_at), receipt.id, t).await?;
        if outcome == "accept" && first_problem.is_none() {
            first_problem = row.problem_id;
        }
        if outcome == "accept"
            && let Some(p) = row.problem_id
        {
            accepted.push((community, p));
        }
    }
    seed_cases(deps, &staff, &accepted).await?;
    seed_inspections(deps, &staff).await?;
    seed_reassessments(deps, &staff).await?;
    seed_referrals(deps, &staff).await?;
    seed_dismissal(deps).await?;
    seed_rosters(deps).await?;
    seed_decisions(deps).await?;
    seed_revenue(deps).await?;
    seed_disclosure(deps).await?;
    seed_surveys(deps, &staff).await?;
    seed_exits(deps).await?;
    // The system's own checks, as the scanner would run them: late disclosures and statements,
    // public revenue without a resolution or not distributed, low satisfaction.
    super::checks::run(deps, &Ctx { actor_name: "期限巡检".into(), ..Ctx::system(now, "scanner") }).await?;
    Ok(())
}

/// A signed-in demo account's context at `now`.
async fn demo_ctx(deps: &Deps, username: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Ctx, ServiceError> {
    let u = db::accounts::user_by_username(&deps.db, username).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let u = super::accounts::session_user(&deps.db, u).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    Ok(Ctx { actor: Some(u.actor.clone()), actor_name: u.display_name.clone(), ..Ctx::system(now, "demo") })
}

/// Disclosure: the communities came under supervision two years ago; every company published
/// its items' latest periods and quarterly statements except 析城山庄 (parking), 凤栖园
/// (maintenance fund, and its statement); 凤城花园 corrected its fees once. The demo company's
/// ledger community registers its assembly's resolution and publishes two quarters, one
/// confirmed by its committee.
async fn seed_disclosure(deps: &Deps) -> Result<(), ServiceError> {
    use crate::db::demo::{SeedDisclosure, SeedStatement};
    use crate::domain::disclosure::{DueBasis, Frequency, latest_overdue};
    let now = deps.clock.now();
    let today = crate::clock::today(now);
    let cal = super::holidays::calendar(&deps.db).await?;
    let since = today - chrono::Duration::days(730);
    db::demo::backdate_communities(&deps.db, now - chrono::Duration::days(730)).await?;
    let communities = db::communities::all_communities(&deps.db).await?;
    let items = super::disclosures::items(&deps.db, false).await?;
    let staff =
        db::accounts::user_by_username(&deps.db, "zhangkaidong").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let grace = i64::from(deps.settings.disclosure_grace_days);
    let mut rows = Vec::new();
    let mut statements = Vec::new();
    for c in communities.iter().filter(|c| c.company_id.is_some()) {
        for item in &items {
            if (c.code == "YC-FC-003" && item.model.code == "parking")
                || (c.code == "YC-FC-004" && item.model.code == "maintenance_fund")
            {
                continue;
            }
            let Some(p) =
                latest_overdue(item.frequency, item.basis, i64::from(item.model.due_days), grace, today, since, &cal)
            else {
                continue;
            };
            let fields: std::collections::BTreeMap<String, String> = item
                .fields()
                .into_iter()
                .map(|l| {
                    let v = demo_value(&l, c);
                    (l, v)
                })
                .collect();
            let at = chrono::NaiveDateTime::new(
                item.due(p, &cal) - chrono::Duration::days(3),
                chrono::NaiveTime::from_hms_opt(2, 0, 0).expect("valid"),
            )
            .and_utc();
            rows.push(SeedDisclosure {
                community_id: c.id,
                company_id: c.company_id,
                item_code: item.model.code.clone(),
                period: p.key(),
                fields_json: serde_json::to_string(&fields).expect("serializes"),
                published_by: staff.id,
                publisher_name: "物业服务中心".into(),
                at,
            });
        }
        if c.code == "YC-FC-004" || c.code == "YC-FC-001" {
            continue;
        }
        if let Some(p) = latest_overdue(
            Frequency::Quarterly,
            DueBasis::End,
            i64::from(deps.settings.statement_due_days),
            grace,
            today,
            since,
            &cal,
        ) {
            let (y, q) = crate::domain::revenue::quarter_of(p.start);
            let at = chrono::NaiveDateTime::new(
                p.end + chrono::Duration::days(10),
                chrono::NaiveTime::from_hms_opt(2, 0, 0).expect("valid"),
            )
            .and_utc();
            statements.push(SeedStatement {
                community_id: c.id,
                year: y,
                quarter: q as i32,
                published_by: staff.id,
                at,
            });
        }
    }
    db::demo::insert_disclosures(&deps.db, rows).await?;
    db::demo::insert_statements(&deps.db, statements).await?;
    // 凤城花园 (the demo company's) corrects this year's fees, and publishes its public revenue.
    let fc1 = communities.iter().find(|c| c.code == "YC-FC-001").ok_or(ServiceError::NotFound("演示小区"))?;
    let anju = demo_ctx(deps, "anju", now).await?;
    if anju.actor.as_ref().and_then(|a| match a.scope {
        crate::domain::role::Scope::Company(c) => Some(c),
        _ => None,
    }) == fc1.company_id
    {
        let fees = items.iter().find(|i| i.model.code == "fees").ok_or(ServiceError::NotFound("公开事项"))?;
        let p = crate::domain::disclosure::Period::containing(fees.frequency, today);
        // 收费项目, 收费标准（元/㎡·月）, 收费依据.
        let values = vec![
            "物业服务费、电梯运行维护费、生活垃圾清运费".to_string(),
            "物业服务费1.20（二级）；电梯运行维护费0.15".to_string(),
            "物业服务合同第五条；县发改局备案（阳发改价〔2024〕12号）".to_string(),
        ];
        super::disclosures::publish(
            deps,
            &anju,
            fc1.id,
            super::disclosures::Publication {
                item_code: "fees".into(),
                period: p.key(),
                values,
                correction_reason: "电梯运行维护费标准录入有误（原误为0.51），予以更正".into(),
                files: Vec::new(),
            },
        )
        .await?;
        let committee = demo_ctx(deps, "fchy_ywh", now).await?;
        super::revenue::add_resolution(
            deps,
            &committee,
            fc1.id,
            super::revenue::NewResolution {
                reference: "2024年第一次业主大会决议（电梯广告、地面停车位经营）".into(),
                decision_id: super::decisions::counted_on(
                    deps,
                    fc1.id,
                    crate::domain::decision::Matter::CommonPartsUse,
                )
                .await?
                .into_iter()
                .find(|(_, _, passed)| *passed)
                .map(|(id, _, _)| id),
                fund_pct: Some(50),
                owners_pct: Some(20),
                expenses_pct: Some(0),
                company_pct: Some(30),
                settle_days: Some(30),
                note: "电梯广告、地面停车位由物业服务企业经营，收益按季度分配".into(),
            },
        )
        .await?;
        let quarters = crate::domain::disclosure::publishable(Frequency::Quarterly, DueBasis::End, today);
        let older = super::revenue::publish_statement(deps, &anju, fc1.id, &quarters[1].key()).await?;
        super::revenue::publish_statement(deps, &anju, fc1.id, &quarters[0].key()).await?;
        super::revenue::review_statement(deps, &committee, older, true, "已核对台账和银行流水").await?;
    }
    Ok(())
}

/// A plausible disclosed value for a field label.
fn demo_value(label: &str, c: &crate::db::entities::community::Model) -> String {
    match label {
        "服务内容" => format!("{}共用部位、共用设施设备日常维修养护，公共区域保洁、绿化养护，秩序维护", c.name),
        "质量要求" => format!("按{}物业服务标准执行", c.service_grade),
        "项目负责人及电话" => "项目经理 王经理 0356-4221001".into(),
        "岗位设置与人数" => "客服2人，保洁6人，秩序维护8人，工程维修3人".into(),
        "收费项目" => "物业服务费".into(),
        "收费标准（元/㎡·月）" => c.fee_fen.map(crate::domain::money::yuan).unwrap_or_default(),
        "收费依据" => "物业服务合同".into(),
        "履行情况" => "按合同约定提供服务，详见附件履约报告".into(),
        "设施设备维护" => "电梯月度保养、消防设施季度检测已完成".into(),
        "使用项目" => "本年度未使用专项维修资金".into(),
        "使用金额（元）" => "0.00".into(),
        "分摊情况" => "无".into(),
        "车位数量" => "地面车位120个".into(),
        "收费标准" => "临时停车首小时免费，之后每小时1元".into(),
        "收入（元）" | "支出（元）" | "费用（元）" => "详见附件".into(),
        "分摊方式" => "按建筑面积分摊".into(),
        _ => "详见附件".into(),
    }
}

/// Satisfaction: last quarter's survey of 凤城镇 closed (析城山庄 below the standard, which the
/// check proposes as A1.5); this quarter's survey of 凤城花园 taking answers, codes handed out by
/// its committee, a few answered.
async fn seed_surveys(deps: &Deps, staff: &super::accounts::SessionUser) -> Result<(), ServiceError> {
    use crate::db::demo::{SeedSurvey, SeedSurveyAnswer, SeedSurveyUnit};
    let now = deps.clock.now();
    let today = crate::clock::today(now);
    let fc1 =
        db::communities::community_by_code(&deps.db, "YC-FC-001").await?.ok_or(ServiceError::NotFound("演示小区"))?;
    let fc3 =
        db::communities::community_by_code(&deps.db, "YC-FC-003").await?.ok_or(ServiceError::NotFound("演示小区"))?;
    let q = super::surveys::questionnaires(deps).await?.into_iter().next().ok_or(ServiceError::NotFound("问卷"))?;
    let at = now - chrono::Duration::days(75);
    let closed = SeedSurvey {
        title: "凤城镇物业服务满意度测评".into(),
        township_id: fc1.township_id,
        period: "2026年第三季度".into(),
        questionnaire_id: q.id,
        areas: q.areas.clone(),
        standard_pct: deps.settings.satisfaction_standard_pct as i32,
        opens_on: today - chrono::Duration::days(75),
        closes_on: today - chrono::Duration::days(45),
        created_by: staff.id,
        at,
    };
    let closed = db::demo::insert_survey(&deps.db, closed).await?;
    let areas = crate::domain::survey::parse_areas(&q.areas).unwrap_or_default();
    let mut units = Vec::new();
    let mut answers = Vec::new();
    // (community, units, answers as (overall, area score)).
    for (c, n, given) in [
        (&fc1, 24, [5, 4, 4, 5, 4, 3, 5, 4, 4, 5, 4, 2, 5, 4, 4, 5].as_slice()),
        (&fc3, 20, [4, 2, 3, 2, 5, 3, 1, 4, 3, 2].as_slice()),
    ] {
        for i in 0..n {
            let code = crate::domain::survey::new_code();
            units.push(SeedSurveyUnit {
                survey_id: closed.id,
                community_id: c.id,
                unit: format!("{}号楼{}单元{}", i / 8 + 1, i % 2 + 1, 101 + (i % 8) * 100),
                code_sealed: deps.cipher.seal(&code),
                code_index: deps.cipher.blind_index(&code),
                used: (i as usize) < given.len(),
                at,
            });
        }
        for (k, overall) in given.iter().enumerate() {
            let day = today - chrono::Duration::days(70 - (k as i64 % 20));
            let scores: std::collections::BTreeMap<&String, i32> = areas
                .iter()
                .enumerate()
                .map(|(j, (code, _))| (code, (*overall + (j as i32 % 2) - (k as i32 % 2)).clamp(1, 5)))
                .collect();
            let midnight = day.and_hms_opt(0, 0, 0).expect("valid").and_utc();
            answers.push(SeedSurveyAnswer {
                survey_id: closed.id,
                community_id: c.id,
                overall: *overall,
                scores: serde_json::to_string(&scores).expect("serializes"),
                answered_on: day,
                at: midnight,
            });
        }
    }
    db::demo::insert_survey_units(&deps.db, units).await?;
    db::demo::insert_survey_answers(&deps.db, answers).await?;
    // This quarter's survey of 凤城花园, codes from its committee, three answered.
    let staff_ctx =
        Ctx { actor: Some(staff.actor.clone()), actor_name: staff.display_name.clone(), ..Ctx::system(now, "demo") };
    let open = super::surveys::open(
        deps,
        &staff_ctx,
        super::surveys::NewSurvey {
            title: "凤城花园物业服务满意度测评".into(),
            township_id: None,
            community_id: Some(fc1.id),
            period: "2026年第四季度".into(),
            questionnaire_id: Some(q.id),
            opens_on: Some(today - chrono::Duration::days(3)),
            closes_on: Some(today + chrono::Duration::days(20)),
        },
    )
    .await?;
    let committee = demo_ctx(deps, "fchy_ywh", now).await?;
    let list: String =
        (0..30).map(|i| format!("{}号楼{}单元{}\n", i / 10 + 1, i % 2 + 1, 101 + (i % 5) * 100 + i / 5)).collect();
    super::surveys::add_units(deps, &committee, open, fc1.id, &list).await?;
    let (_, _, codes, _) = super::surveys::codes(deps, &committee, open, fc1.id).await?;
    let public = Ctx::system(now, "demo");
    for (k, (_, code)) in codes.iter().take(3).enumerate() {
        let scores = areas.iter().map(|(c, _)| (c.clone(), 4 + (k as i32 % 2))).collect();
        super::surveys::answer(
            deps,
            &Ctx { actor: None, ..public.clone() },
            open,
            code,
            Some(4 + (k as i32 % 2)),
            &scores,
        )
        .await?;
    }
    Ok(())
}

/// The owner rosters of 凤城花园 (imported by its committee: 72 units in three buildings, the
/// developer still holding the top floors of building 3) and 阳城新苑 (imported by the
/// township: 40 units). A few units are co-owned, a few owners hold two units, some units have
/// only a surveyed or a contract area, and one none yet.
async fn seed_rosters(deps: &Deps) -> Result<(), ServiceError> {
    let now = deps.clock.now();
    for (code, account, buildings, units_per_building, floors, rooms, developer_floor, incomplete) in
        [("YC-FC-001", "fchy_ywh", 3, 2, 6, 2, Some((3, 5)), false), ("YC-FC-002", "fengcheng", 2, 1, 5, 4, None, true)]
    {
        let m = db::communities::community_by_code(&deps.db, code).await?.ok_or(ServiceError::NotFound("演示小区"))?;
        let mut rows: Vec<[String; 10]> = Vec::new();
        let mut k = 0usize;
        for b in 1..=buildings {
            for u in 1..=units_per_building {
                for f in 1..=floors {
                    for r in 1..=rooms {
                        k += 1;
                        rows.extend(demo_roster_rows(k, b, u, units_per_building, f, r, developer_floor, incomplete));
                    }
                }
            }
        }
        let bytes = demo_roster_workbook(&rows)?;
        let ctx = demo_ctx(deps, account, now).await?;
        let report = super::roster::import_roster(deps, &ctx, m.id, bytes).await?;
        if let Some(e) = report.errors.first() {
            return Err(ServiceError::Internal(anyhow::anyhow!("demo roster row {}: {}", e.row, e.message)));
        }
    }
    Ok(())
}

/// Owners' joint decisions in 凤城花园 (its committee convenes): the 2024 vote authorising
/// business on common parts (八), counted and final, on which the revenue resolution rests; a
/// vote on using the maintenance fund (五) counted three days ago, in its objection period with
/// one objection (its codes went by SMS); and the renewal of the company (四) in its voting
/// period, codes printed on slips, some owners voted online and some on paper. 1号楼-1单元-401 (no ID number on the
/// roster: its second factor is the phone's last four, 0049) has not voted.
async fn seed_decisions(deps: &Deps) -> Result<(), ServiceError> {
    use super::decisions::{ConveneInput, MatterInput, PaperBallot, VoterLogin};
    use std::collections::HashMap;
    let now = deps.clock.now();
    let at = |days: i64| now - chrono::Duration::days(days);
    let day = |days: i64| crate::clock::today(now) - chrono::Duration::days(days);
    let m =
        db::communities::community_by_code(&deps.db, "YC-FC-001").await?.ok_or(ServiceError::NotFound("演示小区"))?;
    let matter =
        |item: &str, title: &str, body: &str| MatterInput { item: item.into(), title: title.into(), body: body.into() };
    // The codes of a vote by unit, and each unit's second factor, as the owners know them.
    let codes_of = |id: i64| async move {
        let mut out = HashMap::new();
        for k in db::decisions::codes(&deps.db, id).await? {
            out.insert(k.roster_unit_id, deps.cipher.open(&k.code_sealed)?);
        }
        Ok::<_, ServiceError>(out)
    };
    let factor_of = |unit_id: i64| async move {
        let owners = db::roster::owners_of_unit(&deps.db, unit_id).await?;
        for o in &owners {
            if let Some(s) = &o.id_number_sealed {
                let id = deps.cipher.open(s)?;
                return Ok::<_, ServiceError>(id[id.len().saturating_sub(4)..].to_string());
            }
        }
        for o in &owners {
            if let Some(s) = &o.phone_sealed {
                let p = deps.cipher.open(s)?;
                return Ok(p[p.len().saturating_sub(4)..].to_string());
            }
        }
        Ok(String::new())
    };
    let units = db::roster::units(&deps.db, m.id).await?;
    // Each owner votes with the first of their units' codes (a second is refused: one owner, one
    // ballot); `pick` decides who votes and how.
    let vote = |id: i64,
                when: chrono::DateTime<chrono::Utc>,
                pick: fn(usize) -> Option<[&'static str; 2]>,
                keep: &'static str| {
        let units = units.clone();
        async move {
            let codes = codes_of(id).await?;
            let matters = db::decisions::matters(&deps.db, id).await?;
            let mut cast = 0;
            for (i, u) in units.iter().enumerate() {
                let Some(choice) = pick(i) else { continue };
                if crate::domain::roster::unit_label(&u.building, &u.unit, &u.room) == keep {
                    continue;
                }
                let Some(code) = codes.get(&u.id) else { continue };
                let factor = factor_of(u.id).await?;
                if factor.is_empty() {
                    continue; // nothing on the roster to sign in with: a paper ballot
                }
                let login = VoterLogin { code: code.clone(), factor };
                let choices = matters.iter().zip(choice).map(|(mm, c)| (mm.id, c.to_string())).collect();
                match super::decisions::cast(deps, &Ctx::system(when, "demo"), &login, &choices).await {
                    Ok(_) => cast += 1,
                    Err(ServiceError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok::<usize, ServiceError>(cast)
        }
    };
    let committee = |t| demo_ctx(deps, "fchy_ywh", t);
    // 2024: business on common parts (八), three quarters and more said yes.
    let a = super::decisions::convene(
        deps,
        &committee(at(640)).await?,
        ConveneInput {
            community_id: m.id,
            title: "2024年第一次业主大会：电梯广告和地面停车位经营".into(),
            interim: false,
            voting_starts_on: Some(day(624)),
            voting_ends_on: Some(day(610)),
            deem: false,
            matters: vec![matter(
                "8",
                "同意利用电梯轿厢广告位和地面停车位经营，收益按季度分配",
                "收益50%转入专项维修资金，20%分配给业主，30%为企业经营成本；每季度结束后30日内分配。",
            )],
        },
        Vec::new(),
    )
    .await?;
    super::decisions::issue_codes(deps, &committee(at(624)).await?, a, false).await?;
    vote(
        a,
        at(615),
        |i| match i % 10 {
            0 => None,
            9 => Some(["no", "no"]),
            _ => Some(["yes", "yes"]),
        },
        "",
    )
    .await?;
    super::decisions::close(deps, &committee(at(609)).await?, a).await?;
    super::decisions::finalize(deps, &committee(at(601)).await?, a).await?;
    // The maintenance fund (五): counted three days ago, one objection waiting for an answer.
    let b = super::decisions::convene(
        deps,
        &committee(at(45)).await?,
        ConveneInput {
            community_id: m.id,
            title: "使用专项维修资金更换1号楼电梯".into(),
            interim: false,
            voting_starts_on: Some(day(28)),
            voting_ends_on: Some(day(4)),
            deem: false,
            matters: vec![matter(
                "5",
                "同意使用专项维修资金约36万元更换1号楼两部电梯",
                "经检测，1号楼电梯已达报废年限；费用由1号楼业主按专有部分面积分摊。",
            )],
        },
        Vec::new(),
    )
    .await?;
    super::decisions::issue_codes(deps, &committee(at(28)).await?, b, true).await?;
    vote(
        b,
        at(20),
        |i| match i % 6 {
            0 => None,
            4 => Some(["abstain", "abstain"]),
            5 => Some(["no", "no"]),
            _ => Some(["yes", "yes"]),
        },
        "",
    )
    .await?;
    super::decisions::close(deps, &committee(at(3)).await?, b).await?;
    if let Some(u) = units.iter().find(|u| u.room == "602") {
        let codes = codes_of(b).await?;
        if let Some(code) = codes.get(&u.id) {
            let login = VoterLogin { code: code.clone(), factor: factor_of(u.id).await? };
            super::decisions::object(
                deps,
                &Ctx::system(at(2), "demo"),
                &login,
                "本户为纸质表决，记录的选择与本人所投不符，请核对原始表决票。",
            )
            .await?;
        }
    }
    // The company's renewal (四): voting now.
    let c = super::decisions::convene(
        deps,
        &committee(at(20)).await?,
        ConveneInput {
            community_id: m.id,
            title: "关于续聘物业服务企业的业主共同决定".into(),
            interim: false,
            voting_starts_on: Some(day(5)),
            voting_ends_on: Some(day(-10)),
            deem: false,
            matters: vec![
                matter("4", "续聘安居物业服务有限公司，服务期三年", "物业服务合同草案见附件；服务标准和收费标准不变。"),
                matter("9", "在地面停车场增设电动自行车集中充电设施", "由业主委员会组织比选，费用从公共收益中列支。"),
            ],
        },
        Vec::new(),
    )
    .await?;
    // Printed slips, handed over against a signature (the earlier vote's codes went by SMS).
    super::decisions::issue_codes(deps, &committee(at(5)).await?, c, false).await?;
    vote(
        c,
        at(2),
        |i| match i % 3 {
            0 => Some(["yes", "yes"]),
            1 if i % 2 == 0 => Some(["no", "abstain"]),
            _ => None,
        },
        "1号楼-1单元-401",
    )
    .await?;
    // Two owners voted on paper; the committee entered their signed ballots with a photo.
    let photo = demo_ballot_photo()?;
    let matters = db::decisions::matters(&deps.db, c).await?;
    for room in ["101", "502"] {
        let Some(u) = units.iter().find(|u| u.building == "2号楼" && u.unit == "1单元" && u.room == room) else {
            continue;
        };
        let r = super::decisions::enter_paper_ballot(
            deps,
            &committee(at(1)).await?,
            c,
            PaperBallot {
                unit_id: u.id,
                voter_name: "业主本人".into(),
                choices: matters.iter().map(|mm| (mm.id, "yes".to_string())).collect(),
                photo: Some(("表决票.png".into(), photo.clone())),
            },
        )
        .await;
        match r {
            Ok(_) | Err(ServiceError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A small picture standing for the photo of a signed paper ballot.
fn demo_ballot_photo() -> Result<Vec<u8>, ServiceError> {
    let img = image::RgbImage::from_fn(120, 80, |x, y| {
        if y % 16 == 0 || x % 40 == 0 { image::Rgb([40, 40, 40]) } else { image::Rgb([250, 250, 245]) }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| anyhow::anyhow!("demo ballot photo: {e}"))?;
    Ok(out.into_inner())
}

/// The workbook rows of the demo roster's `k`-th unit (one per owner).
#[allow(clippy::too_many_arguments)]
fn demo_roster_rows(
    k: usize,
    building: usize,
    unit: usize,
    units_per_building: usize,
    floor: usize,
    room: usize,
    developer_floor: Option<(usize, usize)>,
    incomplete: bool,
) -> Vec<[String; 10]> {
    const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "原"];
    const GIVEN: [&str; 10] = ["建国", "秀英", "晓东", "丽娟", "志强", "海燕", "文杰", "春梅", "国平", "晋阳"];
    let person = |n: usize| {
        let name = format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n / SURNAMES.len()) % GIVEN.len()]);
        let first17 = format!("1405221{:03}0{}{:02}{:03}", 960 + n % 40, 1 + n % 9, 1 + n % 28, 100 + n);
        let check = crate::domain::roster::id_check_character(&first17).unwrap_or('0');
        // Some owners gave no ID number or phone.
        let id = if n % 10 == 7 { String::new() } else { format!("{first17}{check}") };
        let phone = if n % 6 == 5 { String::new() } else { format!("139{:08}", 35_600_000 + n * 7) };
        (name, phone, id)
    };
    let area = 8_950 + (k % 5) as i64 * 1_075;
    let text = crate::domain::roster::format_area;
    // Every 7th unit has only its surveyed area, every 11th only its contract's; in an
    // `incomplete` roster the first of building 2's last unit has none yet (so no vote can be
    // convened there until it is entered); the rest their register's.
    let (register, surveyed, contract) =
        if incomplete && building == 2 && unit == units_per_building && floor == 1 && room == 1 {
            (String::new(), String::new(), String::new())
        } else if k.is_multiple_of(7) {
            (String::new(), text(area + 35), String::new())
        } else if k.is_multiple_of(11) {
            (String::new(), String::new(), text(area - 20))
        } else {
            (text(area), String::new(), String::new())
        };
    let unit_name = if units_per_building > 1 { format!("{unit}单元") } else { String::new() };
    let place = [format!("{building}号楼"), unit_name, format!("{floor}{room:02}")];
    let row = |developer: bool, (name, phone, id): (String, String, String)| {
        let [b, u, r] = place.clone();
        [
            b,
            u,
            r,
            register.clone(),
            surveyed.clone(),
            contract.clone(),
            if developer { "是" } else { "否" }.into(),
            name,
            phone,
            id,
        ]
    };
    if developer_floor.is_some_and(|(b, f)| building == b && floor >= f) {
        return vec![row(true, (String::new(), String::new(), String::new()))];
    }
    // Every 13th unit belongs to the owner of the unit before it; every 9th is co-owned.
    let owner = if k.is_multiple_of(13) { k - 1 } else { k };
    let mut rows = vec![row(false, person(owner))];
    if k.is_multiple_of(9) {
        rows.push(row(false, person(owner + 500)));
    }
    rows
}

fn demo_roster_workbook(rows: &[[String; 10]]) -> Result<Vec<u8>, ServiceError> {
    use crate::domain::roster::Field;
    let xlsx = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(super::roster::SHEET).map_err(xlsx)?;
    for (i, f) in Field::ALL.iter().enumerate() {
        ws.write(0, i as u16, f.label()).map_err(xlsx)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            ws.write(r as u32 + 1, i as u16, v.as_str()).map_err(xlsx)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx)
}

/// The public-revenue ledger of the demo company's first community: two quarters of income and
/// spending, and one correction.
async fn seed_revenue(deps: &Deps) -> Result<(), ServiceError> {
    use super::revenue::{NewEntry, add_entry, reverse};
    let now = deps.clock.now();
    let u = db::accounts::user_by_username(&deps.db, "anju").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let Some(company) = u.company_id else { return Ok(()) };
    let u = super::accounts::session_user(&deps.db, u).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let Some(m) = db::communities::first_community_of_company(&deps.db, company).await? else {
        return Ok(());
    };
    let ctx = |days: i64| Ctx {
        actor: Some(u.actor.clone()),
        actor_name: u.display_name.clone(),
        ..Ctx::system(now - chrono::Duration::days(days), "demo")
    };
    let day = |days: i64| Some(crate::clock::today(now) - chrono::Duration::days(days));
    let entry = |category: &str, amount: &str, counterparty: &str, resolution: &str, basis: &str| NewEntry {
        category: category.into(),
        amount: amount.into(),
        counterparty: counterparty.into(),
        resolution_ref: resolution.into(),
        basis: basis.into(),
        ..Default::default()
    };
    let resolution = "2024年第一次业主大会决议（电梯广告、地面停车位经营）";
    for (days, e) in [
        (150, entry("elevator_ads", "18000.00", "阳城某传媒有限公司", resolution, "")),
        (120, entry("parking", "6420.50", "地面停车位临时停放", resolution, "")),
        (
            100,
            entry(
                "to_maintenance_fund",
                "10000.00",
                "专项维修资金专户",
                "",
                "业主大会决议：公共收益的50%转入专项维修资金",
            ),
        ),
        (60, entry("elevator_ads", "18000.00", "阳城某传媒有限公司", resolution, "")),
        (40, entry("venue_rental", "2400.00", "小区广场临时摊位", "", "")),
    ] {
        add_entry(deps, &ctx(days), m.id, NewEntry { occurred_on: day(days), ..e }).await?;
    }
    // The venue rental was entered twice the day after; corrected by reversal.
    let dup = add_entry(
        deps,
        &ctx(39),
        m.id,
        NewEntry { occurred_on: day(40), ..entry("venue_rental", "2400.00", "小区广场临时摊位", "", "") },
    )
    .await?;
    reverse(deps, &ctx(38), dup, "重复录入").await?;
    Ok(())
}

/// The third rung: a community whose owners are being guided towards dismissing the company;
/// the assembly has been called.
async fn seed_dismissal(deps: &Deps) -> Result<(), ServiceError> {
    let now = deps.clock.now();
    let account = |name: &'static str| async move {
        let u = db::accounts::user_by_username(&deps.db, name).await?.ok_or(ServiceError::NotFound("演示账号"))?;
        super::accounts::session_user(&deps.db, u).await?.ok_or(ServiceError::NotFound("演示账号"))
    };
    let (leader, officer) = (account("lixiangdong").await?, account("fengcheng").await?);
    let as_user = |u: &super::accounts::SessionUser, t| Ctx {
        actor: Some(u.actor.clone()),
        actor_name: u.display_name.clone(),
        ..Ctx::system(t, "demo")
    };
    let m =
        db::communities::community_by_code(&deps.db, "YC-FC-002").await?.ok_or(ServiceError::NotFound("演示小区"))?;
    let at = now - chrono::Duration::days(3);
    let id = super::dismissals::open(
        deps,
        &as_user(&leader, at),
        m.id,
        "物业服务企业长期不履约，多次整改不到位，业主联名要求更换物业",
        Vec::new(),
        Some(60),
    )
    .await?;
    super::dismissals::record_step(
        deps,
        &as_user(&officer, at + chrono::Duration::days(1)),
        id,
        "assembly_called",
        Some(crate::clock::today(now) + chrono::Duration::days(12)),
        "已在小区公告栏发布业主大会召集公告，定于半月后召开",
        super::dismissals::AssemblyBasis::None,
    )
    .await?;
    // Further along: dismissed three months ago, the company refuses to leave; the owners'
    // committee has sued.
    let Some(m) = db::communities::community_by_code(&deps.db, "YC-FC-005").await? else { return Ok(()) };
    if m.company_id.is_none() {
        return Ok(());
    }
    let day = |n: i64| crate::clock::today(now) - chrono::Duration::days(n);
    let at = |n: i64| now - chrono::Duration::days(n);
    let id = super::dismissals::open(
        deps,
        &as_user(&leader, at(120)),
        m.id,
        "服务质量长期不达标，业主大会筹备组反映强烈",
        Vec::new(),
        Some(60),
    )
    .await?;
    for (step, n, note) in [
        ("assembly_called", 110, "发布召集公告"),
        ("assembly_dismissed", 95, "业主大会书面征求意见，表决票已存档"),
        ("notice_served", 93, "已向企业送达解聘通知书"),
    ] {
        // The meeting was held on paper before the platform: its figures, checked by 第278条.
        let basis = if step == "assembly_dismissed" {
            super::dismissals::AssemblyBasis::Paper(super::decisions::PaperFigures {
                total_area_centi: 2_160_000,
                total_owners: 240,
                yes_area_centi: 1_296_000,
                yes_owners: 150,
                no_area_centi: 216_000,
                no_owners: 20,
                abstain_area_centi: 108_000,
                abstain_owners: 10,
            })
        } else {
            super::dismissals::AssemblyBasis::None
        };
        super::dismissals::record_step(deps, &as_user(&officer, at(n)), id, step, Some(day(n)), note, basis).await?;
    }
    for (kind, n, reference, note) in [
        ("guidance", 20, "", "合同终止后企业拒不退出、拒不移交物业服务用房和图纸资料，已指导业委会起诉"),
        ("filed", 12, "(2026)晋0522民初1203号", "法院已受理"),
    ] {
        super::litigation::record_step(deps, &as_user(&officer, at(n)), id, kind, Some(day(n)), reference, note, None)
            .await?;
    }
    Ok(())
}

/// Exit and handover: 嘉和物业 leaves two communities of 凤城镇. 凤鸣苑's owners dismissed it (a
/// track whose notice was served 75 days ago): its contract has ended, the handover deadline is
/// still ahead, so it keeps serving while its committee confirms what it has handed over (the
/// premises with their area, the keys and cards only in part, the drawings; the roster declared
/// and waiting). 府前小区's contract expired 75 days ago and was not renewed: 康居物业's contract
/// was registered during the exit, 康居 confirmed every item (two not applicable), the three
/// parties signed, the record was numbered and typeset, and 康居's contract came into force, its
/// takeover inspection recorded with findings. The parties' accounts (凤鸣苑's committee, the two
/// companies) are created here, with the demo password.
async fn seed_exits(deps: &Deps) -> Result<(), ServiceError> {
    use super::exits::{ConfirmInput, NewContract, NewExit};
    use std::collections::HashMap;
    let now = deps.clock.now();
    let at = |n: i64| now - chrono::Duration::days(n);
    let day = |n: i64| crate::clock::today(now) - chrono::Duration::days(n);
    let community = |code: &'static str| async move {
        db::communities::community_by_code(&deps.db, code).await?.ok_or(ServiceError::NotFound("演示小区"))
    };
    let (fc9, fc10) = (community("YC-FC-009").await?, community("YC-FC-010").await?);
    let companies = db::companies::all_companies(&deps.db).await?;
    let company_named = |name: &str| companies.iter().find(|c| c.name == name).map(|c| c.id);
    let (Some(leaving), Some(incoming)) = (company_named(COMPANIES[4].0), company_named(COMPANIES[7].0)) else {
        return Ok(());
    };
    if fc9.company_id != Some(leaving) || fc10.company_id != Some(leaving) {
        return Ok(());
    }
    // The parties' accounts, as the demo's others (same password).
    let template =
        db::accounts::user_by_username(&deps.db, "fchy_ywh").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let created = at(140);
    let tx = deps.db.begin().await?;
    for (username, display, role, scope) in [
        ("fmy_ywh", "凤鸣苑业委会", Role::CommitteeMember, Scope::Community(fc10.id)),
        ("jiahe", "嘉和物业", Role::CompanyUser, Scope::Company(leaving)),
        ("kangju", "康居物业", Role::CompanyUser, Scope::Company(incoming)),
    ] {
        let new = NewUser {
            username: username.into(),
            display_name: display.into(),
            phone_sealed: Some(deps.cipher.seal("13800000000")),
            email_sealed: Some(deps.cipher.seal(&format!("{username}@yangcheng.example"))),
            password_hash: template.password_hash.clone(),
            role,
            scope,
            must_change_password: false,
            now: created,
        };
        let u = db::accounts::insert_user(&tx, new).await?;
        record(
            &tx,
            &Ctx::system(created, "demo"),
            AuditAction::UserCreate,
            "user",
            u.id,
            SUCCESS,
            json!({"username": username, "role": role.as_str(), "scope": scope}),
        )
        .await?;
    }
    tx.commit().await?;
    let staff = |t| demo_ctx(deps, "zhangkaidong", t);
    let leader = |t| demo_ctx(deps, "lixiangdong", t);
    let officer = |t| demo_ctx(deps, "fengcheng", t);
    let company = |t| demo_ctx(deps, "jiahe", t);
    let committee = |t| demo_ctx(deps, "fmy_ywh", t);
    let newcomer = |t| demo_ctx(deps, "kangju", t);
    let item_ids = |id: i64| async move {
        let v = super::exits::get(deps, &officer(now).await?, id).await?;
        Ok::<HashMap<String, i64>, ServiceError>(v.items.into_iter().map(|i| (i.code, i.id)).collect())
    };
    let item =
        |ids: &HashMap<String, i64>, code: &str| ids.get(code).copied().ok_or(ServiceError::NotFound("移交事项"));
    let confirmation = |state: &str, on: i64, area: &str, note: &str| ConfirmInput {
        state: state.into(),
        on: Some(day(on)),
        area: area.into(),
        note: note.into(),
        files: Vec::new(),
    };
    // 凤鸣苑's contract was renewed on the day after its first term (registered that day).
    let morning = |d: NaiveDate| d.and_hms_opt(2, 0, 0).expect("valid").and_utc();
    let renewal = fc10.contract_end.map(|e| e + chrono::Days::new(1));
    super::exits::register_contract(
        deps,
        &staff(renewal.map(morning).unwrap_or(at(135))).await?,
        fc10.id,
        NewContract {
            company_id: Some(leaving),
            starts_on: renewal,
            ends_on: renewal.map(|s| s + chrono::Months::new(36) - chrono::Days::new(1)),
            service_grade: fc10.service_grade.clone(),
            fee: fc10.fee_fen.map(crate::domain::money::yuan).unwrap_or_default(),
        },
    )
    .await?;
    // 府前小区's contract (on record since the seed) ends as the story says: 75 days ago.
    db::exits::set_contract_end(&deps.db, fc9.id, day(75), at(135)).await?;

    // 凤鸣苑: dismissed, notice served 75 days ago (the contract ends 60 days after it), the
    // exit opened a month ago; the company keeps serving until the takeover.
    let track = super::dismissals::open(
        deps,
        &leader(at(130)).await?,
        fc10.id,
        "电梯广告等公共收益从不公示，秩序维护和保洁长期达不到合同约定的服务标准，业主联名要求更换物业",
        Vec::new(),
        Some(60),
    )
    .await?;
    for (step, n, on, note) in [
        ("assembly_called", 126, 112, "已发布召集公告，以书面征求意见方式召开业主大会"),
        ("assembly_dismissed", 98, 98, "书面征求意见截止，表决票已由业主委员会存档"),
        ("notice_served", 75, 75, "业主委员会已向企业当面送达解聘通知书"),
    ] {
        let basis = if step == "assembly_dismissed" {
            // 700 units, 75,600 m²: three quarters took part, four fifths of them said yes.
            super::dismissals::AssemblyBasis::Paper(super::decisions::PaperFigures {
                total_area_centi: 7_560_000,
                total_owners: 700,
                yes_area_centi: 4_536_000,
                yes_owners: 420,
                no_area_centi: 756_000,
                no_owners: 70,
                abstain_area_centi: 378_000,
                abstain_owners: 35,
            })
        } else {
            super::dismissals::AssemblyBasis::None
        };
        super::dismissals::record_step(deps, &officer(at(n)).await?, track, step, Some(day(on)), note, basis).await?;
    }
    let open = super::exits::open(
        deps,
        &officer(at(30)).await?,
        NewExit {
            community_id: fc10.id,
            reason: "dismissal".into(),
            track_id: Some(track),
            receiver_kind: "committee".into(),
            note: "业主大会决定解聘，由业主委员会接收；新物业服务企业选聘中".into(),
            ..Default::default()
        },
    )
    .await?;
    let ids = item_ids(open).await?;
    for (code, n, note, photo) in [
        ("premises", 13, "物业服务用房（5号楼一层东侧两间）已清空，钥匙随交接单移交业主委员会", true),
        ("facilities", 12, "共用设施设备清单一份，各类钥匙86把，门禁卡120张", false),
        ("drawings", 12, "竣工总平面图、单体建筑竣工图原件，地下管网竣工图复印件", false),
        ("roster", 6, "业主名册纸质版一册及电子版光盘一张，请业主委员会核对", false),
    ] {
        let files = if photo { vec![("用房交接照片.png".to_string(), demo_photo(86))] } else { Vec::new() };
        super::exits::declare(deps, &company(at(n)).await?, open, item(&ids, code)?, note, files).await?;
    }
    for (code, n, input) in [
        ("premises", 11, confirmation("handed_over", 11, "86.50", "经现场查看，用房已清空，钥匙已接收")),
        (
            "facilities",
            9,
            confirmation("partial", 9, "", "门禁卡只移交120张（登记在册186张），地下车库消防泵房钥匙未移交"),
        ),
        ("drawings", 8, confirmation("handed_over", 8, "", "地下管网竣工图为复印件，原件企业称已遗失")),
    ] {
        let input = if code == "premises" {
            ConfirmInput { files: vec![("用房现场照片.png".into(), demo_photo(64))], ..input }
        } else {
            input
        };
        super::exits::confirm(deps, &committee(at(n)).await?, open, item(&ids, code)?, input).await?;
    }

    // 府前小区: the contract expired 75 days ago; 康居物业 took over after a complete handover.
    let done = super::exits::open(
        deps,
        &officer(at(90)).await?,
        NewExit {
            community_id: fc9.id,
            reason: "expiry".into(),
            receiver_kind: "incoming_company".into(),
            incoming_company_id: Some(incoming),
            note: "物业服务合同期满，业主大会决定不再续聘，另行选聘阳城县康居物业服务有限公司".into(),
            ..Default::default()
        },
    )
    .await?;
    let starts = day(74);
    let contract = super::exits::register_contract(
        deps,
        &officer(at(88)).await?,
        fc9.id,
        NewContract {
            company_id: Some(incoming),
            starts_on: Some(starts),
            ends_on: Some(starts + chrono::Months::new(36) - chrono::Days::new(1)),
            service_grade: "二级".into(),
            fee: "1.05".into(),
        },
    )
    .await?;
    let ids = item_ids(done).await?;
    for (code, n, note) in [
        ("premises", 80, "物业服务用房（3号楼地下一层，一间）已腾空，钥匙两把"),
        ("facilities", 78, "共用设施设备清单及钥匙62把、门禁卡420张，二次供水泵房和监控室已现场交接"),
        ("drawings", 78, "竣工验收资料一套（总平面图、建筑结构竣工图、地下管网竣工图）"),
        ("equipment_records", 76, "电梯、消防、二次供水设备的安装和维保记录共14卷"),
        ("warranty", 76, "住宅质量保证书、住宅使用说明书各一份"),
        ("roster", 74, "业主名册纸质版一册及电子版光盘一张"),
        ("other_records", 72, "装修管理档案、报修记录和物业服务档案共9盒"),
    ] {
        super::exits::declare(deps, &company(at(n)).await?, done, item(&ids, code)?, note, Vec::new()).await?;
    }
    let mut settled: HashMap<&str, ConfirmInput> = [
        ("premises", confirmation("handed_over", 72, "62.30", "已现场查验，用房完好")),
        ("revenue", confirmation("not_applicable", 66, "", "本小区未利用共有部分经营，无公共收益")),
        ("prepaid", confirmation("not_applicable", 66, "", "原企业按月收取物业费，无预收款项和押金")),
    ]
    .into_iter()
    .collect();
    let v = super::exits::get(deps, &officer(now).await?, done).await?;
    for (k, i) in v.items.iter().enumerate() {
        let n = 70 - k as i64;
        let input = settled.remove(i.code.as_str()).unwrap_or_else(|| confirmation("handed_over", n, "", "已核对接收"));
        super::exits::confirm(deps, &newcomer(at(n)).await?, done, i.id, input).await?;
    }
    super::exits::sign(deps, &company(at(50)).await?, done, "leaving").await?;
    super::exits::sign(deps, &newcomer(at(49)).await?, done, "receiver").await?;
    super::exits::sign(deps, &officer(at(48)).await?, done, "witness").await?;
    super::exits::record_takeover(
        deps,
        &newcomer(at(46)).await?,
        contract,
        Some(day(46)),
        "2号楼屋面防水层老化、顶层两户渗漏；1部电梯维保记录缺3个月；消防控制室联动测试未通过。已书面告知物业管理委员会，屋面渗漏由专项维修资金申请维修，电梯和消防设施由康居物业30日内整改。",
    )
    .await?;
    Ok(())
}

/// The second rung: an overdue case referred to the enforcement bureau, which has signed for it
/// and not yet answered.
async fn seed_referrals(deps: &Deps, staff: &super::accounts::SessionUser) -> Result<(), ServiceError> {
    let now = deps.clock.now();
    let as_staff =
        |t| Ctx { actor: Some(staff.actor.clone()), actor_name: staff.display_name.clone(), ..Ctx::system(t, "demo") };
    let account = |name: &'static str| async move {
        let u = db::accounts::user_by_username(&deps.db, name).await?.ok_or(ServiceError::NotFound("演示账号"))?;
        super::accounts::session_user(&deps.db, u).await?.ok_or(ServiceError::NotFound("演示账号"))
    };
    let (leader, zhifa) = (account("lixiangdong").await?, account("zhifa").await?);
    let as_user = |u: &super::accounts::SessionUser, t| Ctx {
        actor: Some(u.actor.clone()),
        actor_name: u.display_name.clone(),
        ..Ctx::system(t, "demo")
    };
    let Some(overdue) = db::cases::first_in_status(&deps.db, "overdue").await? else {
        return Ok(());
    };
    let at = now - chrono::Duration::days(1);
    let id = super::referrals::propose(
        deps,
        &as_staff(at),
        vec![overdue.id],
        match zhifa.actor.scope {
            crate::domain::role::Scope::Department(d) => Some(d),
            _ => None,
        },
        "逾期拒不整改，占用共有部分经营，涉嫌违反《物业管理条例》第五十条",
    )
    .await?;
    super::referrals::decide(deps, &as_user(&leader, at + chrono::Duration::hours(2)), id, true, "同意移送").await?;
    super::referrals::acknowledge(deps, &as_user(&zhifa, at + chrono::Duration::hours(5)), id).await
}

/// The first rung of the ladder: the overdue case's community re-assessed (approved, letters
/// sent); another community's proposal waiting for a leader.
async fn seed_reassessments(deps: &Deps, staff: &super::accounts::SessionUser) -> Result<(), ServiceError> {
    use super::reassessments::{NewReassessment, decide, propose};
    let now = deps.clock.now();
    let today = crate::clock::today(now);
    let as_staff =
        |t| Ctx { actor: Some(staff.actor.clone()), actor_name: staff.display_name.clone(), ..Ctx::system(t, "demo") };
    let leader =
        db::accounts::user_by_username(&deps.db, "lixiangdong").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let leader = super::accounts::session_user(&deps.db, leader).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let as_leader = |t| Ctx {
        actor: Some(leader.actor.clone()),
        actor_name: leader.display_name.clone(),
        ..Ctx::system(t, "demo")
    };
    let running = db::cases::in_statuses(&deps.db, &["overdue", "notice_issued", "filed"]).await?;
    let mut communities: Vec<i64> = Vec::new();
    for c in &running {
        if !communities.contains(&c.community_id) {
            communities.push(c.community_id);
        }
    }
    for (n, community_id) in communities.into_iter().take(2).enumerate() {
        let cases: Vec<i64> = running.iter().filter(|c| c.community_id == community_id).map(|c| c.id).collect();
        let at = now - chrono::Duration::days(2 - n as i64);
        let id = propose(
            deps,
            &as_staff(at),
            community_id,
            NewReassessment {
                new_grade: "四级".into(),
                new_fee: "0.55".into(),
                effective_on: Some(today + chrono::Duration::days(10)),
                reasons: "整改通知书下发后逾期未整改，秩序维护和保洁达不到合同约定的服务等级标准".into(),
                case_ids: cases,
            },
        )
        .await?;
        if n == 0 {
            decide(deps, &as_leader(at + chrono::Duration::hours(3)), id, true, "同意重新核定，函告发改、市场监管部门")
                .await?;
        }
    }
    Ok(())
}

/// Full inspection in progress: 凤城镇's plan with one community inspected (its problem now a
/// case in the ledger), one half answered, the rest to do; and a company's plan past its date.
async fn seed_inspections(deps: &Deps, staff: &super::accounts::SessionUser) -> Result<(), ServiceError> {
    use super::inspections::{NewPlan, create_plan, save_answer, submit};
    let now = deps.clock.now();
    let today = crate::clock::today(now);
    let phase = db::campaigns::campaigns(&deps.db, None)
        .await?
        .first()
        .map(|c| c.id)
        .ok_or(ServiceError::NotFound("演示专项行动"))?;
    let phases = db::campaigns::campaign_phases(&deps.db, phase).await?;
    let phase = phases.get(1).or(phases.first()).map(|p| p.id);
    let as_staff =
        |t| Ctx { actor: Some(staff.actor.clone()), actor_name: staff.display_name.clone(), ..Ctx::system(t, "demo") };
    let fc =
        db::communities::community_by_code(&deps.db, "YC-FC-001").await?.ok_or(ServiceError::NotFound("演示小区"))?;
    let officer =
        db::accounts::user_by_username(&deps.db, "fengcheng").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let officer = super::accounts::session_user(&deps.db, officer).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let as_officer = |t| Ctx {
        actor: Some(officer.actor.clone()),
        actor_name: officer.display_name.clone(),
        ..Ctx::system(t, "demo")
    };
    let started = now - chrono::Duration::days(6);
    let plan = create_plan(
        deps,
        &as_staff(started),
        NewPlan {
            phase_id: phase,
            name: "凤城镇住宅小区全面排查".into(),
            scope: "township".into(),
            township_id: Some(fc.township_id),
            checklist: "A1.1,A1.2,A1.5,A2.1,A3.1,A3.2".into(),
            due_on: Some(today + chrono::Duration::days(8)),
            responsible_user_id: Some(staff.actor.user_id),
            ..Default::default()
        },
    )
    .await?;
    let of_plan = db::inspections::of_plan(&deps.db, plan, None).await?;
    let find = |community: i64| of_plan.iter().find(|i| i.community_id == community).map(|i| i.id);
    // Inspected: everything in order but the fire lane.
    if let Some(id) = find(fc.id) {
        let at = now - chrono::Duration::days(4);
        for (code, answer, note) in [
            ("A1.1", "compliant", ""),
            ("A1.2", "compliant", ""),
            ("A1.5", "compliant", ""),
            ("A2.1", "compliant", "收费项目和标准已在各单元公告栏公示"),
            ("A3.1", "compliant", ""),
            ("A3.2", "problem", "3号楼东侧消防车通道被私家车长期占用，物业未设置禁停标识、未劝阻"),
        ] {
            save_answer(deps, &as_officer(at), id, code, answer, note).await?;
        }
        super::inspections::add_photos(deps, &as_officer(at), id, "A3.2", vec![demo_photo(32)]).await?;
        submit(deps, &as_officer(at), id).await?;
    }
    // Half answered: the officer was interrupted in the courtyard.
    let second = of_plan.iter().find(|i| i.community_id != fc.id).map(|i| i.id);
    if let Some(id) = second {
        let at = now - chrono::Duration::days(1);
        save_answer(deps, &as_officer(at), id, "A1.1", "compliant", "").await?;
        save_answer(deps, &as_officer(at), id, "A1.2", "problem", "2号楼电梯轿厢照明损坏，维保记录缺两个月").await?;
    }
    // A company's portfolio, past its date with nothing inspected: overdue coverage.
    if let Some(company) = fc.company_id {
        create_plan(
            deps,
            &as_staff(now - chrono::Duration::days(20)),
            NewPlan {
                phase_id: phase,
                name: "安居物业在管小区专项检查".into(),
                scope: "company".into(),
                company_id: Some(company),
                checklist: "A2.1,A2.2,B1,B2".into(),
                due_on: Some(today - chrono::Duration::days(2)),
                responsible_user_id: Some(staff.actor.user_id),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// The ledger in progress: one case at each stage, with notices issued (and one not signed
/// for), a company report with its answer, an overdue case with an escalation proposal for the
/// leaders, and one closed.
async fn seed_cases(
    deps: &Deps,
    staff: &super::accounts::SessionUser,
    accepted: &[(&str, i64)],
) -> Result<(), ServiceError> {
    use super::cases::{NewCase, StepInput, act, open_case};
    use crate::domain::case::CaseEvent;
    let now = deps.clock.now();
    let day = |n: i64| now - chrono::Duration::days(n);
    let date = |n: i64| crate::clock::today(now) + chrono::Duration::days(n);
    let as_staff =
        |t| Ctx { actor: Some(staff.actor.clone()), actor_name: staff.display_name.clone(), ..Ctx::system(t, "demo") };
    let company_user =
        db::accounts::user_by_username(&deps.db, "anju").await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let company_user =
        super::accounts::session_user(&deps.db, company_user).await?.ok_or(ServiceError::NotFound("演示账号"))?;
    let as_company_of = |t, company_id: Option<i64>| {
        // The demo's company account belongs to 安居物业; other companies answer through the
        // same account type, scoped to them.
        let mut actor = company_user.actor.clone();
        if let Some(c) = company_id {
            actor.scope = crate::domain::role::Scope::Company(c);
        }
        Ctx { actor: Some(actor), actor_name: "物业企业".into(), ..Ctx::system(t, "demo") }
    };
    let facts =
        |community: &str| format!("经{}现场核查，反映情况属实。已拍照取证，物业项目负责人在场确认。", community);
    let mut stage = 0;
    for (code, problem) in accepted {
        let m = db::communities::community_by_code(&deps.db, code).await?.ok_or(ServiceError::NotFound("演示小区"))?;
        let p = db::complaints::problem(&deps.db, *problem).await?.ok_or(ServiceError::NotFound("问题"))?;
        let opened = p.created_at + chrono::Duration::hours(4);
        let new = NewCase {
            problem_id: *problem,
            responsible_user_id: Some(staff.actor.user_id),
            title: String::new(),
            facts: facts(&m.name),
            extra_codes: Vec::new(),
        };
        let id = open_case(deps, &as_staff(opened), new).await?;
        let step = |_: (), note: &str, deadline: Option<NaiveDate>| StepInput {
            note: note.into(),
            deadline,
            ..Default::default()
        };
        stage += 1;
        if stage == 4 {
            continue; // 待核实
        }
        act(deps, &as_staff(opened + chrono::Duration::hours(20)), id, CaseEvent::Verify, step((), "", Some(date(30))))
            .await?;
        if stage == 3 {
            continue; // 已立案，待下发通知
        }
        let (issued_days_ago, deadline) = match stage {
            1 => (16, date(-6)),
            2 => (9, date(-2)),
            5 => (0, date(15)),
            _ => (5, date(10)),
        };
        let notice = super::notices::issue_notice(
            deps,
            &as_staff(day(issued_days_ago).max(opened + chrono::Duration::hours(21))),
            super::notices::NewNotice {
                case_ids: vec![id],
                deadline: Some(deadline),
                contact: format!("{} 3200940", staff.display_name),
                requirements: String::new(),
            },
        )
        .await?;
        if stage == 5 {
            continue; // 已下发，待签收
        }
        let signed_at = day(issued_days_ago) + chrono::Duration::hours(26);
        super::notices::sign_notice(deps, &as_company_of(signed_at, m.company_id), notice).await?;
        if stage == 2 {
            continue; // 逾期: the scanner below marks it and proposes escalation
        }
        let reported = day(issued_days_ago) + chrono::Duration::days(3);
        // The company answers item by item, as its form asks.
        let items = db::cases::items(&deps.db, id)
            .await?
            .into_iter()
            .map(|code| super::cases::ItemReport {
                code,
                note: "已增派保洁人员，每日两次清运，楼道和垃圾桶周边已全面清理。".into(),
                photos: vec![demo_photo(id as u8)],
            })
            .collect();
        act(
            deps,
            &as_company_of(reported, m.company_id),
            id,
            CaseEvent::Report,
            StepInput { items, ..step((), "", None) },
        )
        .await?;
        if stage != 1 {
            continue; // 企业已反馈，待复查
        }
        act(
            deps,
            &as_staff(reported + chrono::Duration::days(1)),
            id,
            CaseEvent::StartReinspection,
            step((), "张凯东、物业项目经理现场复查", None),
        )
        .await?;
        act(
            deps,
            &as_staff(reported + chrono::Duration::days(1) + chrono::Duration::hours(2)),
            id,
            CaseEvent::PassReinspection,
            step((), "复查合格，楼道整洁，清运记录齐全。", None),
        )
        .await?;
    }
    crate::jobs::scanner::run_once(deps, now).await?;
    Ok(())
}

/// A photo for the demo (a PNG drawn here; stored, like every upload, as a re-encoded JPEG):
/// a sky over a building front with windows, varied by `seed`.
fn demo_photo(seed: u8) -> Vec<u8> {
    let (w, h) = (320u32, 240u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let window = y > 80 && (x / 20) % 2 == 1 && (y / 25) % 2 == 0;
        if y < 80 {
            image::Rgb([120, 170u8.wrapping_add(seed), 230])
        } else if window {
            image::Rgb([60, 80, 110])
        } else {
            image::Rgb([200u8.wrapping_sub(seed / 2), 190, 170])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("a PNG encodes in memory");
    out
}
