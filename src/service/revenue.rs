//! The public-revenue ledger (公共收益) of a community: the company enters income from common
//! parts and its spending or distribution; entries are never changed or deleted, a correction is
//! a reversing entry with its reason; the ledger shows a running balance and quarterly
//! statements, which the community's public page publishes. Amounts are integer fen throughout.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::rule_code::RuleCode;
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{community, revenue_entry, revenue_resolution, revenue_statement};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied};
use crate::domain::decision::Matter;
use crate::domain::money::yuan;
use crate::domain::registry::FieldErrors;
use crate::domain::revenue::{
    Category, Direction, Entry, Line, Resolution, Statement, StatementStatus, check_shares, parse_yuan, quarter_of,
    statements,
};
use crate::domain::role::Scope;

/// A new entry, as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub category: String,
    /// Yuan as typed.
    pub amount: String,
    pub occurred_on: Option<NaiveDate>,
    pub counterparty: String,
    pub contract_ref: String,
    pub resolution_ref: String,
    pub basis: String,
}

async fn community_for(deps: &Deps, ctx: &Ctx, id: i64, action: Action) -> Result<community::Model, ServiceError> {
    Ok(super::scope::community_in_reach(deps, ctx, id, action).await?.0)
}

/// Who may read a community's ledger: the bureau and the township (case readers), the
/// company managing it, its owners' committee.
async fn readable(deps: &Deps, ctx: &Ctx, id: i64) -> Result<community::Model, ServiceError> {
    let actor = ctx.actor()?;
    match actor.scope {
        Scope::Company(_) => community_for(deps, ctx, id, Action::ReadCompanyCases).await,
        Scope::Community(_) => community_for(deps, ctx, id, Action::ViewRegistry).await,
        Scope::Jurisdiction(_) => community_for(deps, ctx, id, Action::ReadCaseContent).await,
        Scope::Department(_) => Err(ServiceError::Forbidden(Denied::Role)),
    }
}

/// The company enters an income or a spending. Returns the entry id.
pub async fn add_entry(deps: &Deps, ctx: &Ctx, community_id: i64, new: NewEntry) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let c = community_for(deps, ctx, community_id, Action::KeepRevenueLedger).await?;
    let mut errors = FieldErrors::new();
    let category = Category::parse(&new.category);
    if category.is_none() {
        errors.insert("category".into(), "请选择收支类别".into());
    }
    let amount = parse_yuan(&new.amount);
    if amount.is_none() {
        errors.insert("amount".into(), "请填写金额（元，大于0，最多两位小数）".into());
    }
    match new.occurred_on {
        Some(d) if d <= today(ctx.now) => {}
        _ => {
            errors.insert("occurred_on".into(), "请填写发生日期（不晚于今天）".into());
        }
    }
    let text = |s: &str| s.trim().chars().take(200).collect::<String>();
    if category.is_some_and(|k| k.direction() == Direction::Spending) && new.basis.trim().chars().count() < 2 {
        errors.insert("basis".into(), "支出或分配须写明依据（业主大会决议、业委会同意等）".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let category = category.expect("checked");
    let occurred_on = new.occurred_on.expect("checked");
    let tx = deps.db.begin().await?;
    // Published figures stay the ledger's: nothing may be dated in or before the latest
    // published quarter (an earlier date would change its opening balance). The community's
    // row is locked first, so a statement cannot be published between this check and the entry.
    db::communities::lock_community(&tx, c.id).await?;
    if let Some(last) = latest_statement(&tx, c.id).await?
        && occurred_on <= quarter_end(last.year, last.quarter as u32)
    {
        return Err(ServiceError::field(
            "occurred_on",
            format!(
                "{}年第{}季度及以前的收支报表已公示，不能再记入；如需更正，请以冲销方式在本季度记账",
                last.year, last.quarter
            ),
        ));
    }
    let e = db::revenue::insert_entry(
        &tx,
        db::revenue::NewEntry {
            community_id: c.id,
            company_id: c.company_id,
            category: category.as_str().into(),
            amount_fen: amount.expect("checked"),
            occurred_on,
            counterparty: text(&new.counterparty),
            contract_ref: text(&new.contract_ref),
            resolution_ref: text(&new.resolution_ref),
            basis: new.basis.trim().chars().take(2000).collect(),
            reverses_id: None,
            reason: String::new(),
            created_by: actor.user_id,
        },
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::RevenueEntry,
        "revenue_entry",
        e.id,
        SUCCESS,
        json!({"community_id": c.id, "category": category.as_str(), "amount_fen": e.amount_fen, "occurred_on": e.occurred_on}),
    )
    .await?;
    tx.commit().await?;
    Ok(e.id)
}

/// The company corrects an entry with a reversing one (once per entry, with a reason).
pub async fn reverse(deps: &Deps, ctx: &Ctx, entry_id: i64, reason: &str) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let original = db::revenue::entry(&deps.db, entry_id).await?.ok_or(ServiceError::NotFound("收支记录"))?;
    let c = community_for(deps, ctx, original.community_id, Action::KeepRevenueLedger).await?;
    if original.reverses_id.is_some() {
        return Err(ServiceError::from(RuleCode::ReversalOfReversal));
    }
    let reason = reason.trim();
    if reason.chars().count() < 2 {
        return Err(ServiceError::field("reason", "冲销须写明原因"));
    }
    let tx = deps.db.begin().await?;
    db::communities::lock_community(&tx, c.id).await?;
    let already = db::revenue::reversal_of(&tx, entry_id).await?;
    if already.is_some() {
        return Err(ServiceError::from(RuleCode::AlreadyReversed));
    }
    let e = db::revenue::insert_entry(
        &tx,
        db::revenue::NewEntry {
            community_id: c.id,
            company_id: original.company_id,
            category: original.category.clone(),
            amount_fen: original.amount_fen,
            occurred_on: today(ctx.now),
            counterparty: original.counterparty.clone(),
            contract_ref: original.contract_ref.clone(),
            resolution_ref: original.resolution_ref.clone(),
            basis: original.basis.clone(),
            reverses_id: Some(entry_id),
            reason: reason.chars().take(2000).collect(),
            created_by: actor.user_id,
        },
        ctx.now,
    )
    .await
    // Two corrections at once: the unique `reverses_id` refuses the second.
    .map_err(ServiceError::unique_or(&["uq_revenue_entries_reverses"], || {
        ServiceError::from(RuleCode::AlreadyReversed)
    }))?;
    record(
        &tx,
        ctx,
        AuditAction::RevenueReverse,
        "revenue_entry",
        e.id,
        SUCCESS,
        json!({"reverses": entry_id, "reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(e.id)
}

/// One entry as listed, with the balance after it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub occurred_on: NaiveDate,
    pub category: String,
    pub income: String,
    pub spending: String,
    pub balance: String,
    pub counterparty: String,
    pub resolution_ref: String,
    pub basis: String,
    pub reverses_id: Option<i64>,
    pub reversed: bool,
    pub reason: String,
}

/// A quarter as published.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub period: String,
    pub opening: String,
    pub income: String,
    pub spending: String,
    pub closing: String,
}

fn statement_view(s: &Statement) -> StatementView {
    StatementView {
        period: format!("{}年第{}季度", s.year, s.quarter),
        opening: yuan(s.opening_fen),
        income: yuan(s.income_fen),
        spending: yuan(s.spending_fen),
        closing: yuan(s.closing_fen),
    }
}

fn lines(entries: &[revenue_entry::Model]) -> Vec<Line> {
    entries
        .iter()
        .filter_map(|e| {
            Category::parse(&e.category).map(|k| Line {
                direction: k.direction(),
                amount_fen: e.amount_fen,
                on: e.occurred_on,
                reversing: e.reverses_id.is_some(),
            })
        })
        .collect()
}

async fn entries_of(deps: &Deps, community_id: i64) -> Result<Vec<revenue_entry::Model>, ServiceError> {
    Ok(db::revenue::entries_of_community(&deps.db, community_id).await?)
}

/// A community's public-revenue balance in fen, computed from its ledger (reversals included),
/// and the number of entries it rests on: what a handover passes to the receiver.
pub(crate) async fn balance_of<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<(i64, usize), ServiceError> {
    let entries = db::revenue::entries_of_community(db, community_id).await?;
    let balance = lines(&entries).iter().map(|l| l.effect()).map(|(i, s)| i - s).sum();
    Ok((balance, entries.len()))
}

/// A community's ledger: entries with the running balance, and the quarterly statements.
pub async fn ledger(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
) -> Result<(community::Model, Vec<EntryView>, Vec<StatementView>), ServiceError> {
    let c = readable(deps, ctx, community_id).await?;
    let entries = entries_of(deps, community_id).await?;
    let reversed: std::collections::HashSet<i64> = entries.iter().filter_map(|e| e.reverses_id).collect();
    let mut balance = 0i64;
    let mut rows = Vec::new();
    for (e, l) in entries.iter().zip(lines(&entries)) {
        let (i, s) = l.effect();
        balance += i - s;
        rows.push(EntryView {
            id: e.id,
            occurred_on: e.occurred_on,
            category: Category::parse(&e.category).map(|k| k.label()).unwrap_or_default().to_string(),
            income: if i != 0 { yuan(i) } else { String::new() },
            spending: if s != 0 { yuan(s) } else { String::new() },
            balance: yuan(balance),
            counterparty: e.counterparty.clone(),
            resolution_ref: e.resolution_ref.clone(),
            basis: e.basis.clone(),
            reverses_id: e.reverses_id,
            reversed: reversed.contains(&e.id),
            reason: e.reason.clone(),
        });
    }
    let st = statements(&lines(&entries)).iter().rev().map(statement_view).collect();
    Ok((c, rows, st))
}

/// The published statements for the public page, newest first, with the committee's review.
pub async fn public_statements(deps: &Deps, community_id: i64) -> Result<Vec<PublishedView>, ServiceError> {
    published_statements(&deps.db, community_id).await
}

async fn statement_of<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    year: i32,
    quarter: u32,
) -> Result<Option<revenue_statement::Model>, ServiceError> {
    Ok(db::revenue::statement_of_quarter(db, community_id, year, quarter).await?)
}

/// The latest quarter a community published.
async fn latest_statement<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Option<revenue_statement::Model>, ServiceError> {
    Ok(db::revenue::latest_statement(db, community_id).await?)
}

/// The last day of a quarter.
fn quarter_end(year: i32, quarter: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, 3 * quarter - 2, 1).expect("a quarter of a year");
    crate::domain::disclosure::Period::containing(crate::domain::disclosure::Frequency::Quarterly, first).end
}

/// A published statement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedView {
    pub id: i64,
    pub period: String,
    pub opening: String,
    pub income: String,
    pub spending: String,
    pub closing: String,
    pub published_on: NaiveDate,
    /// `published`, `confirmed` or `disputed`.
    pub status: String,
    pub status_label: String,
    pub review_note: String,
}

async fn published_statements<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<PublishedView>, ServiceError> {
    Ok(db::revenue::statements_of_community(db, community_id)
        .await?
        .into_iter()
        .map(|s| PublishedView {
            id: s.id,
            period: format!("{}年第{}季度", s.year, s.quarter),
            opening: yuan(s.opening_fen),
            income: yuan(s.income_fen),
            spending: yuan(s.spending_fen),
            closing: yuan(s.closing_fen),
            published_on: today(s.published_at),
            status_label: StatementStatus::parse(&s.status).unwrap_or(StatementStatus::Published).label().into(),
            status: s.status,
            review_note: s.review_note,
        })
        .collect())
}

/// The company publishes a quarter's statement once the quarter has ended. Its figures are the
/// ledger's; from then on no entry may be dated in that quarter (corrections are reversals,
/// dated when made), so the published figures stay the ledger's. The owners' committee is told.
pub async fn publish_statement(deps: &Deps, ctx: &Ctx, community_id: i64, period: &str) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let c = community_for(deps, ctx, community_id, Action::KeepRevenueLedger).await?;
    let parsed =
        crate::domain::disclosure::Period::parse(crate::domain::disclosure::Frequency::Quarterly, period.trim())
            .filter(|p| p.end < today(ctx.now))
            .ok_or_else(|| ServiceError::field("period", "请选择已结束的季度"))?;
    let (y, q) = quarter_of(parsed.start);
    let tx = deps.db.begin().await?;
    db::communities::lock_community(&tx, c.id).await?;
    if statement_of(&tx, c.id, y, q).await?.is_some() {
        return Err(RuleCode::StatementPublished { year: y, quarter: q }.into());
    }
    let entries = db::revenue::entries_of_community_until(&tx, c.id, parsed.end).await?;
    let mut ls = lines(&entries);
    // A quarter without entries still has a statement (its balance carried).
    ls.push(Line { direction: Direction::Income, amount_fen: 0, on: parsed.start, reversing: false });
    let st = statements(&ls).into_iter().find(|s| (s.year, s.quarter) == (y, q)).expect("the quarter is covered");
    let row = db::revenue::insert_statement(
        &tx,
        db::revenue::NewStatement {
            community_id: c.id,
            year: y,
            quarter: q,
            opening_fen: st.opening_fen,
            income_fen: st.income_fen,
            spending_fen: st.spending_fen,
            closing_fen: st.closing_fen,
            published_by: actor.user_id,
        },
        ctx.now,
    )
    .await
    .map_err(ServiceError::unique_or(&["uq_revenue_statements_quarter"], || {
        ServiceError::from(RuleCode::StatementPublished { year: y, quarter: q })
    }))?;
    record(
        &tx,
        ctx,
        AuditAction::RevenuePublishStatement,
        "revenue_statement",
        row.id,
        SUCCESS,
        json!({"community_id": c.id, "period": period, "income_fen": st.income_fen, "spending_fen": st.spending_fen,
               "closing_fen": st.closing_fen}),
    )
    .await?;
    let members = db::accounts::users_of_community(&tx, c.id).await?;
    let notes = members
        .into_iter()
        .map(|u| {
            super::notifications::to_user(
                u,
                "revenue_statement",
                format!("{}公共收益{y}年第{q}季度报表已公示，请确认", c.name),
                format!("期末余额{}元。请核对后确认或提出异议。", yuan(st.closing_fen)),
                None,
                format!("statement:{}:{y}Q{q}:committee:{u}", c.id),
                ctx.now,
            )
        })
        .collect();
    db::notifications::notify(&tx, notes).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// The owners' committee confirms a published statement or disputes it (with its reason);
/// once. A dispute tells the company and the bureau's staff of the township.
pub async fn review_statement(
    deps: &Deps,
    ctx: &Ctx,
    statement_id: i64,
    confirm: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let st = db::revenue::statement(&deps.db, statement_id).await?.ok_or(ServiceError::NotFound("收支报表"))?;
    let c = community_for(deps, ctx, st.community_id, Action::ReviewRevenue).await?;
    let note = note.trim();
    if !confirm && note.chars().count() < 5 {
        return Err(ServiceError::field("note", "提出异议须写明理由（至少5个字）"));
    }
    if note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "意见不超过2000字"));
    }
    let Some(status) = StatementStatus::parse(&st.status).and_then(|s| s.review(confirm)) else {
        return Err(RuleCode::StatementReviewed.into());
    };
    let tx = deps.db.begin().await?;
    if !db::revenue::review_if_published(&tx, st.id, status, actor.user_id, note, ctx.now).await? {
        return Err(ServiceError::from(RuleCode::StatementReviewed));
    }
    record(
        &tx,
        ctx,
        AuditAction::RevenueReviewStatement,
        "revenue_statement",
        st.id,
        SUCCESS,
        json!({"status": status.as_str(), "note": note}),
    )
    .await?;
    let period = format!("{}年第{}季度", st.year, st.quarter);
    let mut notes = Vec::new();
    if let Some(company) = c.company_id {
        let title = if confirm {
            format!("{}公共收益{period}报表：业委会已确认", c.name)
        } else {
            format!("{}公共收益{period}报表：业委会提出异议", c.name)
        };
        notes.push(super::notifications::to_company(
            company,
            "revenue_review",
            title,
            note.to_string(),
            None,
            format!("statement-review:{}:company", st.id),
            ctx.now,
        ));
    }
    if !confirm {
        for u in db::accounts::staff_of_township(&tx, c.township_id).await? {
            notes.push(super::notifications::to_user(
                u,
                "revenue_review",
                format!("{}业委会对公共收益{period}报表提出异议", c.name),
                note.to_string(),
                None,
                format!("statement-review:{}:staff:{u}", st.id),
                ctx.now,
            ));
        }
    }
    db::notifications::notify(&tx, notes).await?;
    tx.commit().await?;
    Ok(())
}

/// A resolution as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewResolution {
    pub reference: String,
    pub fund_pct: Option<i32>,
    pub owners_pct: Option<i32>,
    pub expenses_pct: Option<i32>,
    pub company_pct: Option<i32>,
    pub settle_days: Option<i32>,
    pub note: String,
    /// The owners' decision on 第278条(八) that adopted it (required: it must have passed).
    pub decision_id: Option<i64>,
}

/// The owners' committee (or bureau staff) records an owners' assembly resolution authorising
/// business on common parts and sharing its income. It rests on a counted owners' decision of the
/// community whose matter (八) passed (民法典第278条: three quarters of those taking part); its
/// adoption day is that decision's count.
pub async fn add_resolution(deps: &Deps, ctx: &Ctx, community_id: i64, r: NewResolution) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let c = community_for(deps, ctx, community_id, Action::RecordResolution).await?;
    let mut errors = FieldErrors::new();
    let reference = r.reference.trim().to_string();
    if reference.chars().count() < 2 || reference.chars().count() > 200 {
        errors.insert("reference".into(), "请填写决议名称或文号（2至200字）".into());
    }
    let mut adopted_on = None;
    match r.decision_id {
        None => {
            errors.insert(
                "decision_id".into(),
                "请选择通过该事项的业主共同决定（民法典第二百七十八条（八）：改变共有部分用途或利用共有部分从事经营活动）".into(),
            );
        }
        Some(id) => match super::decisions::outcome(&deps.db, c.id, id, Matter::CommonPartsUse).await {
            Ok(o) if o.passed => adopted_on = Some(o.decided_on),
            Ok(_) => {
                errors.insert(
                    "decision_id".into(),
                    "该表决的（八）项事项未获通过（须经参与表决面积、人数各四分之三以上同意），不能据此登记决议".into(),
                );
            }
            Err(ServiceError::Invalid(f)) => errors.extend(f),
            Err(e) => return Err(e),
        },
    }
    let pct = [r.fund_pct, r.owners_pct, r.expenses_pct, r.company_pct].map(|p| p.unwrap_or(-1));
    if let Err(m) = check_shares(pct[0], pct[1], pct[2], pct[3]) {
        errors.insert("shares".into(), m.into());
    }
    let settle = r.settle_days.filter(|d| (1..=366).contains(d));
    if settle.is_none() {
        errors.insert("settle_days".into(), "分配期限应为1至366日".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tx = deps.db.begin().await?;
    let row = db::revenue::insert_resolution(
        &tx,
        db::revenue::NewResolution {
            community_id: c.id,
            reference: reference.clone(),
            adopted_on: adopted_on.expect("checked"),
            fund_pct: pct[0],
            owners_pct: pct[1],
            expenses_pct: pct[2],
            company_pct: pct[3],
            settle_days: settle.expect("checked"),
            note: r.note.trim().chars().take(2000).collect(),
            created_by: actor.user_id,
            decision_id: r.decision_id.expect("checked"),
        },
        ctx.now,
    )
    .await
    .map_err(ServiceError::unique_or(&["uq_revenue_resolutions_ref"], || {
        ServiceError::field("reference", "该决议已登记")
    }))?;
    record(
        &tx,
        ctx,
        AuditAction::RevenueResolution,
        "revenue_resolution",
        row.id,
        SUCCESS,
        json!({"community_id": c.id, "reference": reference, "shares": pct, "settle_days": row.settle_days, "decision_id": row.decision_id, "adopted_on": row.adopted_on}),
    )
    .await?;
    tx.commit().await?;
    Ok(row.id)
}

fn resolution(r: revenue_resolution::Model) -> Resolution {
    Resolution {
        reference: r.reference,
        adopted_on: r.adopted_on,
        fund_pct: r.fund_pct,
        owners_pct: r.owners_pct,
        expenses_pct: r.expenses_pct,
        company_pct: r.company_pct,
        settle_days: r.settle_days,
        decision_id: r.decision_id,
    }
}

/// Every community's resolutions, oldest first (the system's check: one query).
pub async fn all_resolutions<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::HashMap<i64, Vec<Resolution>>, ServiceError> {
    let mut out: std::collections::HashMap<i64, Vec<Resolution>> = Default::default();
    for r in db::revenue::all_resolutions(db).await? {
        out.entry(r.community_id).or_default().push(resolution(r));
    }
    Ok(out)
}

/// Every community's ledger as the checks see it (one query).
pub async fn all_check_entries<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::HashMap<i64, Vec<Entry>>, ServiceError> {
    let rows = db::revenue::all_entries(db).await?;
    let reversed: std::collections::HashSet<i64> = rows.iter().filter_map(|e| e.reverses_id).collect();
    let mut out: std::collections::HashMap<i64, Vec<Entry>> = Default::default();
    for e in rows {
        let Some(category) = Category::parse(&e.category) else { continue };
        out.entry(e.community_id).or_default().push(Entry {
            category,
            reversed: reversed.contains(&e.id),
            id: e.id,
            amount_fen: e.amount_fen,
            on: e.occurred_on,
            reversing: e.reverses_id.is_some(),
            resolution_ref: e.resolution_ref,
        });
    }
    Ok(out)
}

/// The communities that published a quarter's statement (the system's check).
pub async fn published_for<C: ConnectionTrait>(
    db: &C,
    year: i32,
    quarter: u32,
) -> Result<std::collections::HashSet<i64>, ServiceError> {
    Ok(db::revenue::communities_with_statement(db, year, quarter).await?.into_iter().collect())
}

/// What the ledger page shows beside the entries: the published statements, the resolutions
/// and the ended quarters the company may still publish ((key, label), newest first).
pub async fn page_extras(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
) -> Result<(Vec<PublishedView>, Vec<revenue_resolution::Model>, Vec<(String, String)>), ServiceError> {
    readable(deps, ctx, community_id).await?;
    let published = published_statements(&deps.db, community_id).await?;
    let resolutions = db::revenue::resolutions_of_community(&deps.db, community_id).await?;
    use crate::domain::disclosure::{DueBasis, Frequency, publishable};
    let open = publishable(Frequency::Quarterly, DueBasis::End, today(ctx.now))
        .into_iter()
        .filter(|p| {
            let (y, q) = quarter_of(p.start);
            !published.iter().any(|s| s.period == format!("{y}年第{q}季度"))
        })
        .map(|p| (p.key(), p.label()))
        .collect();
    Ok((published, resolutions, open))
}
