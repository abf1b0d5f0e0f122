//! Public-revenue storage: ledger entries (never changed; corrected by reversing entries),
//! quarterly statements and their review, owners' assembly resolutions.

use crate::domain::revenue::StatementStatus;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{revenue_entry, revenue_resolution, revenue_statement};

/// A new ledger entry (a reversing one names the entry it reverses and why).
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub category: String,
    pub amount_fen: i64,
    pub occurred_on: NaiveDate,
    pub counterparty: String,
    pub contract_ref: String,
    pub resolution_ref: String,
    pub basis: String,
    pub reverses_id: Option<i64>,
    pub reason: String,
    pub created_by: i64,
}

/// Inserts a ledger entry and returns it.
pub async fn insert_entry<C: ConnectionTrait>(
    db: &C,
    new: NewEntry,
    at: DateTime<Utc>,
) -> Result<revenue_entry::Model, DbErr> {
    revenue_entry::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        category: Set(new.category),
        amount_fen: Set(new.amount_fen),
        occurred_on: Set(new.occurred_on),
        counterparty: Set(new.counterparty),
        contract_ref: Set(new.contract_ref),
        resolution_ref: Set(new.resolution_ref),
        basis: Set(new.basis),
        reverses_id: Set(new.reverses_id),
        reason: Set(new.reason),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One ledger entry.
pub async fn entry<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<revenue_entry::Model>, DbErr> {
    revenue_entry::Entity::find_by_id(id).one(db).await
}

/// The entry reversing `entry_id`, if any.
pub async fn reversal_of<C: ConnectionTrait>(db: &C, entry_id: i64) -> Result<Option<revenue_entry::Model>, DbErr> {
    revenue_entry::Entity::find().filter(revenue_entry::Column::ReversesId.eq(entry_id)).one(db).await
}

/// A community's entries in ledger order (by date, then as written).
pub async fn entries_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<revenue_entry::Model>, DbErr> {
    revenue_entry::Entity::find()
        .filter(revenue_entry::Column::CommunityId.eq(community_id))
        .order_by_asc(revenue_entry::Column::OccurredOn)
        .order_by_asc(revenue_entry::Column::Id)
        .all(db)
        .await
}

/// A community's entries dated on or before `day` (in no particular order).
pub async fn entries_of_community_until<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    day: NaiveDate,
) -> Result<Vec<revenue_entry::Model>, DbErr> {
    revenue_entry::Entity::find()
        .filter(revenue_entry::Column::CommunityId.eq(community_id))
        .filter(revenue_entry::Column::OccurredOn.lte(day))
        .all(db)
        .await
}

/// Every entry of every community, by id.
pub async fn all_entries<C: ConnectionTrait>(db: &C) -> Result<Vec<revenue_entry::Model>, DbErr> {
    revenue_entry::Entity::find().order_by_asc(revenue_entry::Column::Id).all(db).await
}

/// One statement.
pub async fn statement<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<revenue_statement::Model>, DbErr> {
    revenue_statement::Entity::find_by_id(id).one(db).await
}

/// A community's statement of one quarter.
pub async fn statement_of_quarter<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    year: i32,
    quarter: u32,
) -> Result<Option<revenue_statement::Model>, DbErr> {
    revenue_statement::Entity::find()
        .filter(revenue_statement::Column::CommunityId.eq(community_id))
        .filter(revenue_statement::Column::Year.eq(year))
        .filter(revenue_statement::Column::Quarter.eq(quarter as i32))
        .one(db)
        .await
}

/// The latest quarter's statement a community published.
pub async fn latest_statement<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Option<revenue_statement::Model>, DbErr> {
    revenue_statement::Entity::find()
        .filter(revenue_statement::Column::CommunityId.eq(community_id))
        .order_by_desc(revenue_statement::Column::Year)
        .order_by_desc(revenue_statement::Column::Quarter)
        .one(db)
        .await
}

/// A community's statements, newest quarter first.
pub async fn statements_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<revenue_statement::Model>, DbErr> {
    revenue_statement::Entity::find()
        .filter(revenue_statement::Column::CommunityId.eq(community_id))
        .order_by_desc(revenue_statement::Column::Year)
        .order_by_desc(revenue_statement::Column::Quarter)
        .all(db)
        .await
}

/// The ids of the communities that published a quarter's statement.
pub async fn communities_with_statement<C: ConnectionTrait>(
    db: &C,
    year: i32,
    quarter: u32,
) -> Result<Vec<i64>, DbErr> {
    revenue_statement::Entity::find()
        .select_only()
        .column(revenue_statement::Column::CommunityId)
        .filter(revenue_statement::Column::Year.eq(year))
        .filter(revenue_statement::Column::Quarter.eq(quarter as i32))
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// A quarter's statement as published, its figures in fen.
#[derive(Debug, Clone)]
pub struct NewStatement {
    pub community_id: i64,
    pub year: i32,
    pub quarter: u32,
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
    pub published_by: i64,
}

/// Inserts a published (not yet reviewed) statement and returns it.
pub async fn insert_statement<C: ConnectionTrait>(
    db: &C,
    new: NewStatement,
    at: DateTime<Utc>,
) -> Result<revenue_statement::Model, DbErr> {
    revenue_statement::ActiveModel {
        community_id: Set(new.community_id),
        year: Set(new.year),
        quarter: Set(new.quarter as i32),
        opening_fen: Set(new.opening_fen),
        income_fen: Set(new.income_fen),
        spending_fen: Set(new.spending_fen),
        closing_fen: Set(new.closing_fen),
        published_by: Set(new.published_by),
        published_at: Set(at),
        status: Set(StatementStatus::Published.as_str().into()),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        review_note: Set(String::new()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Moves a statement from `published` to `status` (`confirmed` or `disputed`) with the
/// reviewer and note (compare-and-set): false when it was reviewed already.
pub async fn review_if_published<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: StatementStatus,
    by: i64,
    note: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    let moved = revenue_statement::Entity::update_many()
        .col_expr(revenue_statement::Column::Status, Expr::value(status.as_str()))
        .col_expr(revenue_statement::Column::ReviewedBy, Expr::value(by))
        .col_expr(revenue_statement::Column::ReviewedAt, Expr::value(at))
        .col_expr(revenue_statement::Column::ReviewNote, Expr::value(note))
        .col_expr(revenue_statement::Column::UpdatedAt, Expr::value(at))
        .filter(revenue_statement::Column::Id.eq(id))
        .filter(revenue_statement::Column::Status.eq(StatementStatus::Published.as_str()))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// A new owners' assembly resolution (shares in per cent).
#[derive(Debug, Clone)]
pub struct NewResolution {
    pub community_id: i64,
    pub reference: String,
    pub adopted_on: NaiveDate,
    pub fund_pct: i32,
    pub owners_pct: i32,
    pub expenses_pct: i32,
    pub company_pct: i32,
    pub settle_days: i32,
    pub note: String,
    pub created_by: i64,
    /// The owners' decision on 第278条(八) that adopted it.
    pub decision_id: i64,
}

/// Inserts a resolution and returns it.
pub async fn insert_resolution<C: ConnectionTrait>(
    db: &C,
    new: NewResolution,
    at: DateTime<Utc>,
) -> Result<revenue_resolution::Model, DbErr> {
    revenue_resolution::ActiveModel {
        community_id: Set(new.community_id),
        reference: Set(new.reference),
        decision_id: Set(Some(new.decision_id)),
        adopted_on: Set(new.adopted_on),
        fund_pct: Set(new.fund_pct),
        owners_pct: Set(new.owners_pct),
        expenses_pct: Set(new.expenses_pct),
        company_pct: Set(new.company_pct),
        settle_days: Set(new.settle_days),
        note: Set(new.note),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every community's resolutions, oldest adopted first.
pub async fn all_resolutions<C: ConnectionTrait>(db: &C) -> Result<Vec<revenue_resolution::Model>, DbErr> {
    revenue_resolution::Entity::find().order_by_asc(revenue_resolution::Column::AdoptedOn).all(db).await
}

/// A community's resolutions, latest adopted first.
pub async fn resolutions_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<revenue_resolution::Model>, DbErr> {
    revenue_resolution::Entity::find()
        .filter(revenue_resolution::Column::CommunityId.eq(community_id))
        .order_by_desc(revenue_resolution::Column::AdoptedOn)
        .all(db)
        .await
}
