//! Community queries: residential communities, their registration and the lists other
//! features read.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::community;
use crate::domain::registry::NewCommunity;

/// Community list filter.
#[derive(Debug, Clone, Default)]
pub struct CommunityFilter {
    /// Name, code or address contains.
    pub q: Option<String>,
    /// Only communities in one of these townships.
    pub township_ids: Option<Vec<i64>>,
    pub company_id: Option<i64>,
    pub community_id: Option<i64>,
}

/// Communities matching the filter, by code, paged; with the total count.
pub async fn communities<C: ConnectionTrait>(
    db: &C,
    f: &CommunityFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<community::Model>, u64), DbErr> {
    let mut q = community::Entity::find();
    if let Some(text) = &f.q {
        q = q.filter(
            Condition::any()
                .add(community::Column::Name.contains(text))
                .add(community::Column::Code.contains(text))
                .add(community::Column::Address.contains(text)),
        );
    }
    if let Some(ids) = &f.township_ids {
        q = q.filter(community::Column::TownshipId.is_in(ids.clone()));
    }
    if let Some(id) = f.company_id {
        q = q.filter(community::Column::CompanyId.eq(id));
    }
    if let Some(id) = f.community_id {
        q = q.filter(community::Column::Id.eq(id));
    }
    let total = q.clone().count(db).await?;
    let rows =
        q.order_by_asc(community::Column::Code).offset(super::offset(page, per_page)).limit(per_page).all(db).await?;
    Ok((rows, total))
}

/// One community.
pub async fn community<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<community::Model>, DbErr> {
    community::Entity::find_by_id(id).one(db).await
}

/// One community by code.
pub async fn community_by_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<community::Model>, DbErr> {
    community::Entity::find().filter(community::Column::Code.eq(code)).one(db).await
}

/// Communities by id (one query for a whole batch of submissions).
pub async fn communities_by_ids<C: ConnectionTrait>(db: &C, ids: Vec<i64>) -> Result<Vec<community::Model>, DbErr> {
    community::Entity::find().filter(community::Column::Id.is_in(ids)).all(db).await
}

/// Every community, by id.
pub async fn all_communities<C: ConnectionTrait>(db: &C) -> Result<Vec<community::Model>, DbErr> {
    community::Entity::find().order_by_asc(community::Column::Id).all(db).await
}

/// A company's first community (lowest id).
pub async fn first_community_of_company<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
) -> Result<Option<community::Model>, DbErr> {
    community::Entity::find()
        .filter(community::Column::CompanyId.eq(company_id))
        .order_by_asc(community::Column::Id)
        .one(db)
        .await
}

/// Locks a community's row for the rest of the transaction on PostgreSQL (`FOR UPDATE`), to
/// serialize changes that check something of the community first (its public-revenue ledger
/// and statements). SQLite's one writer already serializes them.
pub async fn lock_community<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    use sea_orm::QuerySelect;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        community::Entity::find_by_id(id).lock_exclusive().one(db).await?;
    }
    Ok(())
}

/// Sets every field a community's registration writes.
fn fill_community(am: &mut community::ActiveModel, new: NewCommunity) {
    am.code = Set(new.code);
    am.name = Set(new.name);
    am.address = Set(new.address);
    am.township_id = Set(new.township_id);
    am.company_id = Set(new.company_id);
    am.contract_start = Set(new.contract_start);
    am.contract_end = Set(new.contract_end);
    am.service_grade = Set(new.service_grade);
    am.fee_fen = Set(new.fee_fen);
    am.building_area_cm2 = Set(new.building_area_cm2);
    am.unit_count = Set(new.unit_count);
    am.committee = Set(new.committee.as_str().into());
}

/// Inserts a community and returns it.
pub async fn insert_community<C: ConnectionTrait>(
    db: &C,
    new: NewCommunity,
    now: DateTime<Utc>,
) -> Result<community::Model, DbErr> {
    let mut am = community::ActiveModel { created_at: Set(now), updated_at: Set(now), ..Default::default() };
    fill_community(&mut am, new);
    am.insert(db).await
}

/// Rewrites a community's registration; returns the row.
pub async fn update_community<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new: NewCommunity,
    now: DateTime<Utc>,
) -> Result<community::Model, DbErr> {
    let mut am = community::ActiveModel { id: Unchanged(id), ..Default::default() };
    fill_community(&mut am, new);
    am.updated_at = Set(now);
    am.update(db).await
}

/// The managed communities (those with a company) of a township, by id.
pub async fn managed_communities_of_township<C: ConnectionTrait>(
    db: &C,
    township_id: i64,
) -> Result<Vec<community::Model>, DbErr> {
    community::Entity::find()
        .order_by_asc(community::Column::Id)
        .filter(community::Column::TownshipId.eq(township_id))
        .filter(community::Column::CompanyId.is_not_null())
        .all(db)
        .await
}

/// Every community of a township, by name.
pub async fn communities_of_township_by_name<C: ConnectionTrait>(
    db: &C,
    township_id: i64,
) -> Result<Vec<community::Model>, DbErr> {
    community::Entity::find()
        .filter(community::Column::TownshipId.eq(township_id))
        .order_by_asc(community::Column::Name)
        .all(db)
        .await
}

/// The managed communities (those with a company), of one township when given, by code.
pub async fn managed_communities<C: ConnectionTrait>(
    db: &C,
    township_id: Option<i64>,
) -> Result<Vec<community::Model>, DbErr> {
    let mut q = community::Entity::find()
        .filter(community::Column::CompanyId.is_not_null())
        .order_by_asc(community::Column::Code);
    if let Some(t) = township_id {
        q = q.filter(community::Column::TownshipId.eq(t));
    }
    q.all(db).await
}

/// Every managed community (those with a company), in no particular order.
pub async fn all_managed_communities<C: ConnectionTrait>(db: &C) -> Result<Vec<community::Model>, DbErr> {
    community::Entity::find().filter(community::Column::CompanyId.is_not_null()).all(db).await
}

/// Registers the clause of a community's rules (议事规则) that deems non-voters to follow the
/// majority; empty removes it.
pub async fn set_deem_clause<C: ConnectionTrait>(
    db: &C,
    id: i64,
    clause: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    community::Entity::update_many()
        .col_expr(community::Column::DeemClause, sea_orm::sea_query::Expr::value(clause))
        .col_expr(community::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(community::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
