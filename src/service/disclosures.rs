//! Disclosure (信息公开, 民法典第943条): the items a company must publish for each community it
//! manages, each period's publication in versions (a correction is the next version, with its
//! reason; nothing is overwritten), their attachments, and what the public page shows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::rule_code::RuleCode;
use super::scope::community_in_reach;
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{community, disclosure, disclosure_item};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Object, authorize};
use crate::domain::disclosure::{DueBasis, Frequency, Period, field_labels, publishable};
use crate::domain::registry::JurisdictionLevel;

/// The maintenance fund's item, its amount field and the basis the platform adds to a use.
const MAINTENANCE_FUND: &str = "maintenance_fund";
const MAINTENANCE_AMOUNT: &str = "使用金额（元）";
const MAINTENANCE_BASIS: &str = "依据的业主共同决定";
/// (code, title, guidance, fields, frequency, due basis, due days, catalog item).
type ItemSeed = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, i32, &'static str);

/// The items of 民法典第943条 and local practice: (code, title, guidance, fields, frequency,
/// due basis, due days, catalog item of a missed publication).
const ITEMS: &[ItemSeed] = &[
    (
        "service_items",
        "物业服务事项与质量要求",
        "合同约定的服务内容、服务标准和质量要求",
        "服务内容\n质量要求",
        "yearly",
        "start",
        30,
        "A2.1",
    ),
    (
        "staff",
        "服务人员",
        "项目负责人及各岗位服务人员、联系方式（企业工作人员）",
        "项目负责人及电话\n岗位设置与人数",
        "yearly",
        "start",
        30,
        "A2.1",
    ),
    (
        "fees",
        "收费项目与收费标准",
        "物业费及其他收费的项目、标准、依据",
        "收费项目\n收费标准（元/㎡·月）\n收费依据",
        "yearly",
        "start",
        30,
        "A2.1",
    ),
    (
        "performance",
        "服务履行情况",
        "合同履行情况、设施设备维护保养记录",
        "履行情况\n设施设备维护",
        "half_yearly",
        "end",
        30,
        "A2.1",
    ),
    (
        "maintenance_fund",
        "维修资金使用情况",
        "专项维修资金的使用项目、金额和分摊",
        "使用项目\n使用金额（元）\n分摊情况",
        "yearly",
        "end",
        30,
        "A2.1",
    ),
    (
        "fee_accounts",
        "物业费收支情况",
        "物业服务费的收缴和支出",
        "收入（元）\n支出（元）\n说明",
        "yearly",
        "end",
        30,
        "A2.2",
    ),
    (
        "parking",
        "停车位（库）管理与收费",
        "车位数量、出租出售、收费标准和收入",
        "车位数量\n收费标准\n收入（元）",
        "quarterly",
        "end",
        15,
        "A2.2",
    ),
    (
        "shared_utilities",
        "公共水电费分摊",
        "公共区域水电费用及其分摊",
        "费用（元）\n分摊方式",
        "quarterly",
        "end",
        15,
        "A2.2",
    ),
];

/// Seeds the items when there are none.
pub async fn ensure_items(deps: &Deps) -> Result<(), ServiceError> {
    if db::disclosures::any_item(&deps.db).await? {
        return Ok(());
    }
    let now = deps.clock.now();
    let rows: Vec<_> = ITEMS
        .iter()
        .enumerate()
        .map(|(i, (code, title, guidance, fields, freq, basis, days, catalog))| db::disclosures::NewItem {
            code: (*code).into(),
            title: (*title).into(),
            guidance: (*guidance).into(),
            fields: (*fields).into(),
            frequency: (*freq).into(),
            due_basis: (*basis).into(),
            due_days: *days,
            catalog_code: (*catalog).into(),
            sort: i as i32 + 1,
        })
        .collect();
    db::disclosures::insert_items(&deps.db, &rows, now).await?;
    Ok(())
}

/// An item with its rule parsed.
#[derive(Debug, Clone)]
pub struct Item {
    pub model: disclosure_item::Model,
    pub frequency: Frequency,
    pub basis: DueBasis,
}

impl Item {
    pub fn frequency_label(&self) -> &'static str {
        self.frequency.label()
    }

    /// "期末后15日内" / "期初后30日内".
    pub fn due_rule(&self) -> String {
        let from = if self.basis == DueBasis::Start { "期初" } else { "期末" };
        format!("{from}后{}日内", self.model.due_days)
    }

    pub fn fields(&self) -> Vec<String> {
        field_labels(&self.model.fields)
    }

    pub fn due(&self, p: Period, cal: &crate::domain::workdays::Calendar) -> NaiveDate {
        p.due(self.basis, i64::from(self.model.due_days), cal)
    }
}

/// The items, in order (active ones only unless `all`).
pub async fn items<C: ConnectionTrait>(db: &C, all: bool) -> Result<Vec<Item>, ServiceError> {
    Ok(db::disclosures::items(db, all)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(Item { frequency: Frequency::parse(&m.frequency)?, basis: DueBasis::parse(&m.due_basis)?, model: m })
        })
        .collect())
}

/// Every item with its settings, inactive ones too (the settings page), for those who read the
/// compliance overview.
pub async fn list_items(deps: &Deps, ctx: &Ctx) -> Result<Vec<Item>, ServiceError> {
    may_read_compliance(ctx)?;
    items(&deps.db, true).await
}

/// The townships the compliance overview may be filtered by: those within the actor's
/// jurisdiction, every one for a county-wide scope.
pub async fn compliance_townships(deps: &Deps, ctx: &Ctx) -> Result<Vec<(i64, String)>, ServiceError> {
    let actor = may_read_compliance(ctx)?;
    let within = match actor.scope {
        crate::domain::role::Scope::Jurisdiction(j) => Some(j),
        _ => None,
    };
    let tree = super::scope::JurisdictionTree::load(&deps.db).await?;
    Ok(tree.of_level(JurisdictionLevel::Township, within).into_iter().map(|t| (t.id, t.name.clone())).collect())
}

/// The compliance overview and the item settings are read by those who read case content (the
/// bureau and the townships).
fn may_read_compliance(ctx: &Ctx) -> Result<&crate::domain::authz::Actor, ServiceError> {
    let actor = ctx.actor()?;
    if !crate::domain::authz::role_may(actor.role, Action::ReadCaseContent) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role));
    }
    Ok(actor)
}

/// Staff change an item's frequency, due rule and whether it is required.
pub async fn configure_item(
    deps: &Deps,
    ctx: &Ctx,
    code: &str,
    frequency: &str,
    due_basis: &str,
    due_days: Option<i32>,
    active: bool,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?;
    authorize(actor, Action::ConfigureChecks, &Object::Jurisdiction { path: actor.jurisdiction_path.clone() })?;
    let item = db::disclosures::item_by_code(&deps.db, code).await?.ok_or(ServiceError::NotFound("公开事项"))?;
    let frequency = Frequency::parse(frequency).ok_or_else(|| ServiceError::field("frequency", "请选择公开频次"))?;
    let basis = DueBasis::parse(due_basis).ok_or_else(|| ServiceError::field("due_basis", "请选择期限起算"))?;
    let days = due_days
        .filter(|d| (0..=180).contains(d))
        .ok_or_else(|| ServiceError::field("due_days", "期限应为0至180日"))?;
    let tx = deps.db.begin().await?;
    db::disclosures::configure_item(&tx, item.clone(), frequency.as_str(), basis.as_str(), days, active, ctx.now)
        .await?;
    record(
        &tx,
        ctx,
        AuditAction::DisclosureConfigure,
        "disclosure_item",
        item.id,
        SUCCESS,
        json!({"code": code, "frequency": frequency.as_str(), "due_basis": basis.as_str(), "due_days": days, "active": active}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One published version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    pub id: i64,
    pub item_code: String,
    pub item_title: String,
    pub period: String,
    pub period_label: String,
    pub version: i32,
    /// (label, value), in the item's order.
    pub fields: Vec<(String, String)>,
    pub correction_reason: String,
    pub publisher: String,
    pub published_at: DateTime<Utc>,
    pub published_display: String,
    /// (file id, name).
    pub files: Vec<(i64, String)>,
}

/// One item's period on the management page.
#[derive(Debug, Clone)]
pub struct PeriodRow {
    pub key: String,
    pub label: String,
    pub due: NaiveDate,
    /// Every version, newest first.
    pub versions: Vec<VersionView>,
    /// Past due without a publication.
    pub late: bool,
}

/// An item and its recent periods.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub item: Item,
    pub periods: Vec<PeriodRow>,
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<disclosure::Model>,
    items: &[Item],
) -> Result<Vec<VersionView>, ServiceError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut files: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for f in db::disclosures::files_of_many(db, ids).await? {
        files.entry(f.disclosure_id).or_default().push((f.id, f.name));
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let item = items.iter().find(|i| i.model.code == r.item_code);
            let values: BTreeMap<String, String> = serde_json::from_str(&r.fields_json).unwrap_or_default();
            let mut labels = item.map(Item::fields).unwrap_or_else(|| values.keys().cloned().collect());
            // What the platform added (the vote a use of the maintenance fund rests on).
            labels.extend(values.keys().filter(|k| k.as_str() == MAINTENANCE_BASIS).cloned());
            let fields = labels
                .into_iter()
                .map(|l| {
                    let v = values.get(&l).cloned().unwrap_or_default();
                    (l, v)
                })
                .collect();
            let period_label = item
                .and_then(|i| Period::parse(i.frequency, &r.period))
                .map(Period::label)
                .unwrap_or_else(|| r.period.clone());
            VersionView {
                id: r.id,
                item_title: item.map(|i| i.model.title.clone()).unwrap_or_else(|| r.item_code.clone()),
                item_code: r.item_code,
                period: r.period,
                period_label,
                version: r.version,
                fields,
                correction_reason: r.correction_reason,
                publisher: r.publisher_name,
                published_display: crate::clock::display(r.created_at),
                published_at: r.created_at,
                files: files.remove(&r.id).unwrap_or_default(),
            }
        })
        .collect())
}

/// A community's disclosure page: each item with its publishable periods and their versions.
/// Readable by whoever may see the community (the company managing it, its committee, the
/// bureau and the township); the published content is public anyway.
pub async fn overview(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
) -> Result<(community::Model, Vec<ItemRow>), ServiceError> {
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::ViewRegistry).await?;
    let items = items(&deps.db, false).await?;
    let rows = db::disclosures::of_community(&deps.db, c.id).await?;
    let all = views(&deps.db, rows, &items).await?;
    let today = today(ctx.now);
    let cal = super::holidays::calendar(&deps.db).await?;
    let out = items
        .iter()
        .map(|item| ItemRow {
            periods: publishable(item.frequency, item.basis, today)
                .into_iter()
                .map(|p| {
                    let key = p.key();
                    let versions: Vec<VersionView> =
                        all.iter().filter(|v| v.item_code == item.model.code && v.period == key).cloned().collect();
                    let due = item.due(p, &cal);
                    PeriodRow { late: versions.is_empty() && due < today, label: p.label(), key, due, versions }
                })
                .collect(),
            item: item.clone(),
        })
        .collect();
    Ok((c, out))
}

/// What the company submits for one item and period.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    pub item_code: String,
    pub period: String,
    /// Values of the item's fields, in their order.
    pub values: Vec<String>,
    /// Required for a correction (a second or later version).
    pub correction_reason: String,
    /// (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// The company publishes a period's disclosure, or corrects it with a new version. A correction
/// without new attachments keeps the previous version's. Returns the version's id.
pub async fn publish(deps: &Deps, ctx: &Ctx, community_id: i64, p: Publication) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::PublishDisclosure).await?;
    let item = items(&deps.db, false)
        .await?
        .into_iter()
        .find(|i| i.model.code == p.item_code)
        .ok_or_else(|| ServiceError::field("item_code", "请选择公开事项"))?;
    let period = Period::parse(item.frequency, p.period.trim())
        .filter(|x| publishable(item.frequency, item.basis, today(ctx.now)).contains(x))
        .ok_or_else(|| ServiceError::field("period", "请选择可公开的期间"))?;
    let mut errors = crate::domain::registry::FieldErrors::new();
    let mut values = BTreeMap::new();
    for (i, label) in item.fields().into_iter().enumerate() {
        let v = p.values.get(i).map(|v| v.trim().to_string()).unwrap_or_default();
        if v.is_empty() {
            errors.insert(format!("field:{label}"), format!("请填写“{label}”"));
        } else if v.chars().count() > 2000 {
            errors.insert(format!("field:{label}"), format!("“{label}”不超过2000字"));
        }
        values.insert(label, v);
    }
    // Using the maintenance fund needs the owners' decision (民法典第278条第一款第（五）项): a
    // use reported with an amount cites the community's passed vote, or is refused.
    if item.model.code == MAINTENANCE_FUND
        && values.get(MAINTENANCE_AMOUNT).is_some_and(|v| v.chars().any(|c| ('1'..='9').contains(&c)))
    {
        let passed: Vec<String> =
            super::decisions::counted_on(deps, c.id, crate::domain::decision::Matter::UseMaintenanceFund)
                .await?
                .into_iter()
                .filter(|(_, _, passed)| *passed)
                .map(|(id, title, _)| format!("业主共同决定第{id}号：{title}"))
                .collect();
        if passed.is_empty() {
            errors.insert(
                format!("field:{MAINTENANCE_AMOUNT}"),
                "使用专项维修资金须经业主共同决定（民法典第二百七十八条第一款第（五）项，参与表决面积、人数各过半数同意），本小区尚无通过的表决"
                    .into(),
            );
        } else {
            values.insert(MAINTENANCE_BASIS.into(), passed.join("；"));
        }
    }
    let previous = db::disclosures::latest_version(&deps.db, c.id, &item.model.code, &period.key()).await?;
    let reason = p.correction_reason.trim().to_string();
    if previous.is_some() && reason.chars().count() < 2 {
        errors.insert("correction_reason".into(), "该期已公开，更正须写明原因（原内容保留）".into());
    }
    if reason.chars().count() > 500 {
        errors.insert("correction_reason".into(), "更正原因不超过500字".into());
    }
    let uploads: Vec<(String, Vec<u8>)> = p.files.into_iter().filter(|(_, b)| !b.is_empty()).collect();
    if uploads.len() > 10 {
        errors.insert("files".into(), "附件不超过10个".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    // Checked (and photos re-encoded) before the transaction; stored inside it.
    let mut prepared = Vec::new();
    for (name, bytes) in uploads {
        prepared.push(super::documents::prepare("files", &name, bytes)?);
    }
    let tx = deps.db.begin().await?;
    let mut stored = Vec::new();
    for p in prepared {
        stored.push(super::documents::store(&tx, p, ctx.now).await?);
    }
    let version = previous.as_ref().map_or(1, |v| v.version + 1);
    let d = db::disclosures::insert(
        &tx,
        db::disclosures::NewDisclosure {
            community_id: c.id,
            company_id: c.company_id,
            item_code: item.model.code.clone(),
            period: period.key(),
            version,
            fields_json: serde_json::to_string(&values).expect("strings serialize"),
            correction_reason: if previous.is_some() { reason.clone() } else { String::new() },
            published_by: actor.user_id,
            publisher_name: ctx.actor_name.chars().take(100).collect(),
        },
        ctx.now,
    )
    .await
    .map_err(ServiceError::unique_or(&["uq_disclosures_version"], || {
        ServiceError::from(RuleCode::DisclosureVersionRace)
    }))?;
    let files: Vec<db::disclosures::NewFile> = if stored.is_empty() {
        match &previous {
            Some(prev) => db::disclosures::files_of(&tx, prev.id)
                .await?
                .into_iter()
                .map(|f| db::disclosures::NewFile {
                    name: f.name,
                    doc_type: f.doc_type,
                    doc_sm3: f.doc_sm3,
                    bytes: f.bytes,
                })
                .collect(),
            None => Vec::new(),
        }
    } else {
        stored
            .iter()
            .map(|s| db::disclosures::NewFile {
                name: s.name.clone(),
                doc_type: s.kind.into(),
                doc_sm3: s.digest.clone(),
                bytes: s.len as i64,
            })
            .collect()
    };
    let n_files = files.len();
    db::disclosures::insert_files(&tx, d.id, files, ctx.now).await?;
    record(
        &tx,
        ctx,
        if version == 1 { AuditAction::DisclosurePublish } else { AuditAction::DisclosureCorrect },
        "disclosure",
        d.id,
        SUCCESS,
        json!({"community_id": c.id, "item": item.model.code, "period": period.key(), "version": version,
               "reason": reason, "files": n_files}),
    )
    .await?;
    tx.commit().await?;
    Ok(d.id)
}

/// What the public page shows: for each item, the latest version of its two latest published
/// periods, newest first.
pub async fn public_latest(deps: &Deps, community_id: i64) -> Result<Vec<VersionView>, ServiceError> {
    let items = items(&deps.db, false).await?;
    let rows = db::disclosures::of_community_latest_period_first(&deps.db, community_id).await?;
    let mut seen: HashMap<(String, String), ()> = HashMap::new();
    let mut per_item: HashMap<String, usize> = HashMap::new();
    let mut keep = Vec::new();
    for r in rows {
        if seen.insert((r.item_code.clone(), r.period.clone()), ()).is_some() {
            continue; // an older version of a period already kept
        }
        let n = per_item.entry(r.item_code.clone()).or_default();
        if *n < 2 {
            *n += 1;
            keep.push(r);
        }
    }
    let mut out = views(&deps.db, keep, &items).await?;
    let order: HashMap<&str, i32> = items.iter().map(|i| (i.model.code.as_str(), i.model.sort)).collect();
    out.sort_by(|a, b| {
        order.get(a.item_code.as_str()).cmp(&order.get(b.item_code.as_str())).then(b.period.cmp(&a.period))
    });
    Ok(out)
}

/// Every version of one period, newest first (public: what was published and corrected).
pub async fn history(deps: &Deps, disclosure_id: i64) -> Result<(community::Model, Vec<VersionView>), ServiceError> {
    let d = db::disclosures::find(&deps.db, disclosure_id).await?.ok_or(ServiceError::NotFound("公开内容"))?;
    let c = db::communities::community(&deps.db, d.community_id).await?.ok_or(ServiceError::NotFound("小区"))?;
    let rows = db::disclosures::versions(&deps.db, d.community_id, &d.item_code, &d.period).await?;
    // The public reads which company published, never the name of its employee.
    let companies: HashMap<i64, String> =
        db::companies::companies_by_ids(&deps.db, rows.iter().filter_map(|r| r.company_id).collect())
            .await?
            .into_iter()
            .map(|x| (x.id, x.name))
            .collect();
    let by_company: HashMap<i64, String> = rows
        .iter()
        .map(|r| (r.id, r.company_id.and_then(|id| companies.get(&id).cloned()).unwrap_or_default()))
        .collect();
    let mut versions = views(&deps.db, rows, &items(&deps.db, true).await?).await?;
    for v in &mut versions {
        v.publisher = by_company.get(&v.id).cloned().unwrap_or_default();
    }
    Ok((c, versions))
}

/// An attachment of a published version (public), checked against its digest.
pub async fn file(deps: &Deps, disclosure_id: i64, file_id: i64) -> Result<super::blobs::Download, ServiceError> {
    let f = db::disclosures::file(&deps.db, file_id)
        .await?
        .filter(|f| f.disclosure_id == disclosure_id)
        .ok_or(ServiceError::NotFound("附件"))?;
    super::documents::open(&deps.read, &f.doc_sm3).await
}

/// Which communities published which of the given (item, period) pairs (the system's check):
/// (community, item, period).
pub async fn published_in<C: ConnectionTrait>(
    db: &C,
    wanted: Vec<(String, String)>,
) -> Result<std::collections::HashSet<(i64, String, String)>, ServiceError> {
    Ok(db::disclosures::published_in(db, &wanted).await?.into_iter().collect())
}

/// One cell of the compliance table: an item's latest due period in one community.
#[derive(Debug, Clone)]
pub struct Cell {
    /// `published`, `corrected`, `late`.
    pub state: &'static str,
    /// The version to open, when published.
    pub disclosure_id: Option<i64>,
}

/// One community's row: its items' latest due periods and the last quarter's statement.
#[derive(Debug, Clone)]
pub struct ComplianceRow {
    pub community_id: i64,
    pub community: String,
    pub township: String,
    pub company: String,
    pub cells: Vec<Cell>,
    pub statement_published: bool,
    pub late: usize,
}

/// The county's (or a township's) disclosure compliance at a glance: for every managed
/// community within the reader's reach, whether each item's latest due period and the last
/// quarter's public-revenue statement were published. Late means past the due date (the
/// system's proposal follows after the grace days). Columns: (item title, period label).
pub async fn compliance(
    deps: &Deps,
    ctx: &Ctx,
    township: Option<i64>,
    only_late: bool,
) -> Result<(Vec<(String, String)>, String, Vec<ComplianceRow>), ServiceError> {
    use crate::domain::disclosure::latest_overdue;
    let actor = may_read_compliance(ctx)?;
    let tree = super::scope::JurisdictionTree::load(&deps.db).await?;
    let day = today(ctx.now);
    let cal = super::holidays::calendar(&deps.db).await?;
    let items = items(&deps.db, false).await?;
    let due: Vec<(&Item, Period)> = items
        .iter()
        .filter_map(|i| {
            latest_overdue(i.frequency, i.basis, i64::from(i.model.due_days), 0, day, NaiveDate::MIN, &cal)
                .map(|p| (i, p))
        })
        .collect();
    let mut versions: HashMap<(i64, String, String), (i64, i32)> = HashMap::new();
    let pairs: Vec<(String, String)> = due.iter().map(|(i, p)| (i.model.code.clone(), p.key())).collect();
    for d in db::disclosures::of_periods(&deps.db, &pairs).await? {
        let e = versions.entry((d.community_id, d.item_code, d.period)).or_insert((d.id, d.version));
        if d.version > e.1 {
            *e = (d.id, d.version);
        }
    }
    let quarter = latest_overdue(
        Frequency::Quarterly,
        DueBasis::End,
        i64::from(deps.settings.statement_due_days),
        0,
        day,
        NaiveDate::MIN,
        &cal,
    )
    .expect("a quarter is always past due");
    let (y, q) = crate::domain::revenue::quarter_of(quarter.start);
    let stated: std::collections::HashSet<i64> =
        db::revenue::communities_with_statement(&deps.db, y, q).await?.into_iter().collect();
    let companies: HashMap<i64, String> =
        db::companies::all_companies(&deps.db).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let mut rows = Vec::new();
    for c in db::communities::managed_communities(&deps.db, township).await? {
        if authorize(actor, Action::ReadCaseContent, &Object::Jurisdiction { path: tree.path(c.township_id) }).is_err()
        {
            continue;
        }
        let since = today(c.created_at);
        let cells: Vec<Cell> = due
            .iter()
            .map(|(i, p)| match versions.get(&(c.id, i.model.code.clone(), p.key())) {
                Some((id, v)) => {
                    Cell { state: if *v > 1 { "corrected" } else { "published" }, disclosure_id: Some(*id) }
                }
                None if i.due(*p, &cal) < since => Cell { state: "before", disclosure_id: None },
                None => Cell { state: "late", disclosure_id: None },
            })
            .collect();
        let statement_published = stated.contains(&c.id)
            || quarter.due(DueBasis::End, i64::from(deps.settings.statement_due_days), &cal) < since;
        let late = cells.iter().filter(|x| x.state == "late").count() + usize::from(!statement_published);
        if only_late && late == 0 {
            continue;
        }
        rows.push(ComplianceRow {
            community_id: c.id,
            township: tree.name(c.township_id),
            company: c.company_id.and_then(|id| companies.get(&id).cloned()).unwrap_or_default(),
            community: c.name,
            cells,
            statement_published,
            late,
        });
    }
    rows.sort_by(|a, b| b.late.cmp(&a.late).then(a.community.cmp(&b.community)));
    let columns = due.iter().map(|(i, p)| (i.model.title.clone(), p.label())).collect();
    Ok((columns, quarter.label(), rows))
}
