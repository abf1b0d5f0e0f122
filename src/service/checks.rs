//! The system's own checks, run by the scanner: it notices violations in what companies publish
//! and earn, not only what residents report. Each finding is filed once per check and period
//! into the staff inbox as a clue in triage (channel 系统核查) with its evidence, for staff to
//! accept as a problem (or reject); nothing is put in the ledger silently.
//!
//! - A2.1 / A2.2: a disclosure item's latest period past its due date plus the grace, unpublished;
//! - B2: a quarter's public-revenue statement past due plus the grace, unpublished;
//! - B1: income from common parts naming no adopted owners' resolution;
//! - B3: income not distributed or spent as its resolutions say, by their settlement day;
//! - A1.5: a community's satisfaction rate in a closed survey below the standard.
//!
//! Periods due before a community came under supervision (its registration day) are not
//! checked.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::complaints::submit_finding;
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db::entities::community;
use crate::domain::complaint::Channel;
use crate::domain::disclosure::{DueBasis, Frequency, Period, latest_overdue};
use crate::domain::money::yuan;
use crate::domain::revenue::{distribution, unauthorised_income};

/// What one run filed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub disclosures: u64,
    pub statements: u64,
    pub unauthorised_income: u64,
    pub undistributed: u64,
    pub low_satisfaction: u64,
}

impl Found {
    pub fn total(&self) -> u64 {
        self.disclosures + self.statements + self.unauthorised_income + self.undistributed + self.low_satisfaction
    }
}

/// A finding before it is filed: (dedupe key, community, catalog item, evidence, kind).
struct Candidate {
    key: String,
    community_id: i64,
    catalog_code: String,
    evidence: String,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    Disclosure,
    Statement,
    Unauthorised,
    Undistributed,
    Satisfaction,
}

/// Runs every check at `ctx.now`. Reads in a fixed number of queries for the disclosure and
/// statement checks whatever the number of communities (the periods due are the same for all;
/// only the start of supervision differs), then files the findings not filed before.
pub async fn run(deps: &Deps, ctx: &Ctx) -> Result<Found, ServiceError> {
    let today = today(ctx.now);
    let cal = super::holidays::calendar(&deps.db).await?;
    let grace = i64::from(deps.settings.disclosure_grace_days);
    let communities = crate::db::communities::all_managed_communities(&deps.db).await?;
    let companies: HashMap<i64, String> =
        crate::db::companies::all_companies(&deps.db).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let company_name =
        |c: &community::Model| c.company_id.and_then(|id| companies.get(&id).cloned()).unwrap_or_default();
    let mut candidates = Vec::new();
    // Disclosures: per item, the latest period past due and grace; which communities published it.
    let items = super::disclosures::items(&deps.db, false).await?;
    let due: Vec<(&super::disclosures::Item, Period)> = items
        .iter()
        .filter_map(|i| {
            latest_overdue(i.frequency, i.basis, i64::from(i.model.due_days), grace, today, NaiveDate::MIN, &cal)
                .map(|p| (i, p))
        })
        .collect();
    let published =
        super::disclosures::published_in(&deps.db, due.iter().map(|(i, p)| (i.model.code.clone(), p.key())).collect())
            .await?;
    let statement_days = i64::from(deps.settings.statement_due_days);
    let statement_period =
        latest_overdue(Frequency::Quarterly, DueBasis::End, statement_days, grace, today, NaiveDate::MIN, &cal);
    let stated: HashSet<i64> = match statement_period {
        Some(p) => {
            let (y, q) = crate::domain::revenue::quarter_of(p.start);
            super::revenue::published_for(&deps.db, y, q).await?
        }
        None => HashSet::new(),
    };
    for c in &communities {
        let since = crate::clock::today(c.created_at);
        for (item, p) in &due {
            if item.due(*p, &cal) < since || published.contains(&(c.id, item.model.code.clone(), p.key())) {
                continue;
            }
            candidates.push(Candidate {
                key: format!("disclosure:{}:{}:{}", c.id, item.model.code, p.key()),
                community_id: c.id,
                catalog_code: item.model.catalog_code.clone(),
                evidence: format!(
                    "【系统核查】{}未按期公开{}“{}”（{}）。该项{}公开一次，应于{}前公开，截至{}（宽限{}日后）仍未公开。依据：《民法典》第九百四十三条。",
                    company_name(c),
                    c.name,
                    item.model.title,
                    p.label(),
                    item.frequency.label().trim_start_matches('每'),
                    item.due(*p, &cal),
                    today,
                    grace
                ),
                kind: Kind::Disclosure,
            });
        }
        if let Some(p) = statement_period
            && p.due(DueBasis::End, statement_days, &cal) >= since
            && !stated.contains(&c.id)
        {
            candidates.push(Candidate {
                key: format!("statement:{}:{}", c.id, p.key()),
                community_id: c.id,
                catalog_code: "B2".into(),
                evidence: format!(
                    "【系统核查】{}未按期公示{}公共收益{}收支报表。应于{}前公示，截至{}（宽限{}日后）仍未公示。",
                    company_name(c),
                    c.name,
                    p.label(),
                    p.due(DueBasis::End, statement_days, &cal),
                    today,
                    grace
                ),
                kind: Kind::Statement,
            });
        }
    }
    // Public revenue: the communities with a ledger, read in two queries.
    let ledgers = super::revenue::all_check_entries(&deps.db).await?;
    let mut resolutions_of = super::revenue::all_resolutions(&deps.db).await?;
    for c in communities.iter() {
        let Some(entries) = ledgers.get(&c.id) else { continue };
        let resolutions = resolutions_of.remove(&c.id).unwrap_or_default();
        for id in unauthorised_income(entries, &resolutions) {
            let e = entries.iter().find(|e| e.id == id).expect("from these entries");
            let named = if e.resolution_ref.trim().is_empty() {
                "未注明业主大会决议".to_string()
            } else {
                format!("注明的决议“{}”未登记或晚于收入日期", e.resolution_ref.trim())
            };
            let authorised: Vec<String> = resolutions
                .iter()
                .map(|r| match r.decision_id {
                    Some(d) => format!(
                        "“{}”（业主共同决定第{d}号，{}计票通过第二百七十八条（八）项）",
                        r.reference, r.adopted_on
                    ),
                    None => format!("“{}”（{}通过）", r.reference, r.adopted_on),
                })
                .collect();
            let on_record = if authorised.is_empty() {
                "本小区没有经业主共同决定通过的经营授权".to_string()
            } else {
                format!("本小区已登记的经营授权：{}", authorised.join("、"))
            };
            let evidence = format!(
                "【系统核查】{}公共收益台账第{}号记录：{}{}，{}元，{}；{}。利用共有部分经营须经业主共同决定（《民法典》第二百七十八条第一款第（八）项，参与表决面积、人数各四分之三以上同意），请核实是否擅自利用共有部分经营。",
                c.name,
                e.id,
                e.on,
                e.category.label(),
                yuan(e.amount_fen),
                named,
                on_record
            );
            candidates.push(Candidate {
                key: format!("b1:{}", e.id),
                community_id: c.id,
                catalog_code: "B1".into(),
                evidence,
                kind: Kind::Unauthorised,
            });
        }
        let Some(settle) = resolutions.iter().map(|r| i64::from(r.settle_days)).max() else { continue };
        let since = crate::clock::today(c.created_at);
        let Some(p) = latest_overdue(Frequency::Quarterly, DueBasis::End, settle, grace, today, since, &cal) else {
            continue;
        };
        let paid_until = p.due(DueBasis::End, settle, &cal);
        let d = distribution(entries, &resolutions, p.end, paid_until);
        if d.short() {
            let evidence = format!(
                "【系统核查】{}公共收益未按业主大会决议分配使用：按截至{}的收入，至{}应转入专项维修资金{}元（实转{}元），应分配给业主{}元（实分{}元），扣除企业提取部分后应分配使用合计{}元（实际{}元）。请核实是否侵占公共收益。",
                c.name,
                p.end,
                paid_until,
                yuan(d.fund_owed),
                yuan(d.fund_paid),
                yuan(d.owners_owed),
                yuan(d.owners_paid),
                yuan(d.total_owed),
                yuan(d.total_paid)
            );
            candidates.push(Candidate {
                key: format!("b3:{}:{}", c.id, p.key()),
                community_id: c.id,
                catalog_code: "B3".into(),
                evidence,
                kind: Kind::Undistributed,
            });
        }
    }
    for (s, covered) in super::surveys::recently_closed(&deps.db, today, 90).await? {
        for c in covered {
            let r = super::surveys::results(&deps.db, &s, c.id).await?;
            // Too few answers to say anything (or to publish: see `MIN_ANSWERS`).
            if !r.enough() || !r.below(s.standard_pct) {
                continue;
            }
            let evidence = format!(
                "【系统核查】{}在“{}”（{}）中满意率{}，低于{}%的标准：发放测评码{}户，收回{}份，满意及以上{}份。",
                c.name,
                s.title,
                s.period,
                r.satisfaction_rate(),
                s.standard_pct,
                r.issued,
                r.answered,
                r.satisfied
            );
            candidates.push(Candidate {
                key: format!("satisfaction:{}:{}", s.id, c.id),
                community_id: c.id,
                catalog_code: "A1.5".into(),
                evidence,
                kind: Kind::Satisfaction,
            });
        }
    }
    // File what was not filed before (the unique reference still decides a race between two
    // processes).
    let filed = crate::db::complaints::refs_of_channel(&deps.db, Channel::System.as_str()).await?;
    let mut found = Found::default();
    for c in candidates.into_iter().filter(|c| !filed.contains(&c.key)) {
        if !submit_finding(deps, ctx, c.community_id, &c.catalog_code, &c.evidence, &c.key).await? {
            continue;
        }
        match c.kind {
            Kind::Disclosure => found.disclosures += 1,
            Kind::Statement => found.statements += 1,
            Kind::Unauthorised => found.unauthorised_income += 1,
            Kind::Undistributed => found.undistributed += 1,
            Kind::Satisfaction => found.low_satisfaction += 1,
        }
    }
    Ok(found)
}
