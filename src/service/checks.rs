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

use std::collections::HashSet;

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::cases::today;
use super::complaints::submit_finding;
use super::{Ctx, Deps, ServiceError};
use crate::db::entities::{community, company, revenue_entry};
use crate::domain::disclosure::{DueBasis, Frequency, latest_overdue};
use crate::domain::revenue::{distribution, unauthorised_income, yuan};

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

/// Runs every check at `ctx.now`.
pub async fn run(deps: &Deps, ctx: &Ctx) -> Result<Found, ServiceError> {
    let today = today(ctx.now);
    let grace = i64::from(deps.settings.disclosure_grace_days);
    let mut found = Found::default();
    let communities =
        community::Entity::find().filter(community::Column::CompanyId.is_not_null()).all(&deps.db).await?;
    let items = super::disclosures::items(&deps.db, false).await?;
    let company_name = |id: Option<i64>| async move {
        match id {
            Some(id) => {
                company::Entity::find_by_id(id).one(&deps.db).await.map(|c| c.map(|c| c.name).unwrap_or_default())
            }
            None => Ok(String::new()),
        }
    };
    for c in &communities {
        let since = super::cases::today(c.created_at);
        for item in &items {
            let Some(p) =
                latest_overdue(item.frequency, item.basis, i64::from(item.model.due_days), grace, today, since)
            else {
                continue;
            };
            if super::disclosures::published(&deps.db, c.id, &item.model.code, &p.key()).await? {
                continue;
            }
            let evidence = format!(
                "【系统核查】{}未按期公开{}“{}”（{}）。该项{}公开一次，应于{}前公开，截至{}（宽限{}日后）仍未公开。依据：《民法典》第九百四十三条。",
                company_name(c.company_id).await?,
                c.name,
                item.model.title,
                p.label(),
                item.frequency.label().trim_start_matches('每'),
                item.due(p),
                today,
                grace
            );
            let key = format!("disclosure:{}:{}:{}", c.id, item.model.code, p.key());
            if submit_finding(deps, ctx, c.id, &item.model.catalog_code, &evidence, &key).await? {
                found.disclosures += 1;
            }
        }
        let due_days = i64::from(deps.settings.statement_due_days);
        if let Some(p) = latest_overdue(Frequency::Quarterly, DueBasis::End, due_days, grace, today, since) {
            let (y, q) = crate::domain::revenue::quarter_of(p.start);
            if !super::revenue::statement_published(&deps.db, c.id, y, q).await? {
                let evidence = format!(
                    "【系统核查】{}未按期公示{}公共收益{}收支报表。应于{}前公示，截至{}（宽限{}日后）仍未公示。",
                    company_name(c.company_id).await?,
                    c.name,
                    p.label(),
                    p.due(DueBasis::End, due_days),
                    today,
                    grace
                );
                let key = format!("statement:{}:{}", c.id, p.key());
                if submit_finding(deps, ctx, c.id, "B2", &evidence, &key).await? {
                    found.statements += 1;
                }
            }
        }
    }
    // Public revenue: only communities with a ledger.
    let with_ledger: HashSet<i64> = revenue_entry::Entity::find()
        .select_only()
        .column(revenue_entry::Column::CommunityId)
        .distinct()
        .into_tuple::<i64>()
        .all(&deps.db)
        .await?
        .into_iter()
        .collect();
    for c in communities.iter().filter(|c| with_ledger.contains(&c.id)) {
        let entries = super::revenue::check_entries(&deps.db, c.id).await?;
        let resolutions = super::revenue::resolutions(&deps.db, c.id).await?;
        for id in unauthorised_income(&entries, &resolutions) {
            let e = entries.iter().find(|e| e.id == id).expect("from these entries");
            let named = if e.resolution_ref.trim().is_empty() {
                "未注明业主大会决议".to_string()
            } else {
                format!("注明的决议“{}”未登记或晚于收入日期", e.resolution_ref.trim())
            };
            let evidence = format!(
                "【系统核查】{}公共收益台账第{}号记录：{}{}，{}元，{}。利用共有部分经营须经业主共同决定（《民法典》第二百七十八条），请核实是否擅自利用共有部分经营。",
                c.name,
                e.id,
                e.on,
                e.category.label(),
                yuan(e.amount_fen),
                named
            );
            if submit_finding(deps, ctx, c.id, "B1", &evidence, &format!("b1:{}", e.id)).await? {
                found.unauthorised_income += 1;
            }
        }
        let Some(settle) = resolutions.iter().map(|r| i64::from(r.settle_days)).max() else { continue };
        let since = super::cases::today(c.created_at);
        let Some(p) = latest_overdue(Frequency::Quarterly, DueBasis::End, settle, grace, today, since) else {
            continue;
        };
        let paid_until = p.end + Duration::days(settle);
        let d = distribution(&entries, &resolutions, p.end, paid_until);
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
            if submit_finding(deps, ctx, c.id, "B3", &evidence, &format!("b3:{}:{}", c.id, p.key())).await? {
                found.undistributed += 1;
            }
        }
    }
    for (s, covered) in super::surveys::recently_closed(&deps.db, today, 90).await? {
        for c in covered {
            let r = super::surveys::results(&deps.db, &s, c.id).await?;
            if !r.below(s.standard_pct) {
                continue;
            }
            let evidence = format!(
                "【系统核查】{}在“{}”（{}）中满意率{}，低于{}%的标准：发放测评码{}户，收回{}份，满意及以上{}份。",
                c.name,
                s.title,
                s.period,
                crate::domain::survey::percent(r.satisfaction_permille()),
                s.standard_pct,
                r.issued,
                r.answered,
                r.satisfied
            );
            let key = format!("satisfaction:{}:{}", s.id, c.id);
            if submit_finding(deps, ctx, c.id, "A1.5", &evidence, &key).await? {
                found.low_satisfaction += 1;
            }
        }
    }
    Ok(found)
}
