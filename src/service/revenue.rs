//! The public-revenue ledger (公共收益) of a community: the company enters income from common
//! parts and its spending or distribution; entries are never changed or deleted, a correction is
//! a reversing entry with its reason; the ledger shows a running balance and quarterly
//! statements, which the community's public page publishes. Amounts are integer fen throughout.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::cases::today;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::entities::{community, revenue_entry};
use crate::domain::authz::{Action, Denied};
use crate::domain::registry::FieldErrors;
use crate::domain::revenue::{Category, Direction, Line, Statement, parse_yuan, statements, yuan};
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
    Ok(super::registry::community_in_reach(deps, ctx, id, action).await?.0)
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
    let tx = deps.db.begin().await?;
    let e = revenue_entry::ActiveModel {
        community_id: Set(c.id),
        company_id: Set(c.company_id),
        category: Set(category.as_str().into()),
        amount_fen: Set(amount.expect("checked")),
        occurred_on: Set(new.occurred_on.expect("checked")),
        counterparty: Set(text(&new.counterparty)),
        contract_ref: Set(text(&new.contract_ref)),
        resolution_ref: Set(text(&new.resolution_ref)),
        basis: Set(new.basis.trim().chars().take(2000).collect()),
        reverses_id: Set(None),
        reason: Set(String::new()),
        created_by: Set(actor.user_id),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    record(
        &tx,
        ctx,
        "revenue.entry",
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
    let original =
        revenue_entry::Entity::find_by_id(entry_id).one(&deps.db).await?.ok_or(ServiceError::NotFound("收支记录"))?;
    let c = community_for(deps, ctx, original.community_id, Action::KeepRevenueLedger).await?;
    if original.reverses_id.is_some() {
        return Err(ServiceError::Rule {
            code: "reversal",
            message: "冲销记录不能再冲销，请重新录入正确的收支".into(),
        });
    }
    let reason = reason.trim();
    if reason.chars().count() < 2 {
        return Err(ServiceError::field("reason", "冲销须写明原因"));
    }
    let tx = deps.db.begin().await?;
    let already = revenue_entry::Entity::find().filter(revenue_entry::Column::ReversesId.eq(entry_id)).one(&tx).await?;
    if already.is_some() {
        return Err(ServiceError::Rule { code: "reversal", message: "该记录已冲销".into() });
    }
    let e = revenue_entry::ActiveModel {
        community_id: Set(c.id),
        company_id: Set(original.company_id),
        category: Set(original.category.clone()),
        amount_fen: Set(original.amount_fen),
        occurred_on: Set(today(ctx.now)),
        counterparty: Set(original.counterparty.clone()),
        contract_ref: Set(original.contract_ref.clone()),
        resolution_ref: Set(original.resolution_ref.clone()),
        basis: Set(original.basis.clone()),
        reverses_id: Set(Some(entry_id)),
        reason: Set(reason.chars().take(2000).collect()),
        created_by: Set(actor.user_id),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| {
        // Two corrections at once: the unique `reverses_id` refuses the second.
        if db::violates(&e, "uq_revenue_entries_reverses") {
            ServiceError::Rule { code: "reversal", message: "该记录已冲销".into() }
        } else {
            e.into()
        }
    })?;
    record(
        &tx,
        ctx,
        "revenue.reverse",
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
    Ok(revenue_entry::Entity::find()
        .filter(revenue_entry::Column::CommunityId.eq(community_id))
        .order_by_asc(revenue_entry::Column::OccurredOn)
        .order_by_asc(revenue_entry::Column::Id)
        .all(&deps.db)
        .await?)
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

/// The quarterly statements for the public page, newest first (no counterparties' details).
pub async fn public_statements(deps: &Deps, community_id: i64) -> Result<Vec<StatementView>, ServiceError> {
    let entries = entries_of(deps, community_id).await?;
    Ok(statements(&lines(&entries)).iter().rev().map(statement_view).collect())
}
