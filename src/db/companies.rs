//! Company queries: property-service companies and their registration.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::company;
use crate::domain::registry::NewCompany;

/// Company list filter.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    /// Name or credit code contains.
    pub q: Option<String>,
    /// Only companies registered in one of these jurisdictions.
    pub jurisdiction_ids: Option<Vec<i64>>,
    /// Only these companies.
    pub ids: Option<Vec<i64>>,
    pub status: Option<String>,
}

/// Companies matching the filter, by name, paged; with the total count.
pub async fn companies<C: ConnectionTrait>(
    db: &C,
    f: &CompanyFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<company::Model>, u64), DbErr> {
    let mut q = company::Entity::find();
    if let Some(text) = &f.q {
        q = q.filter(
            Condition::any()
                .add(company::Column::Name.contains(text))
                .add(company::Column::CreditCode.contains(text.to_ascii_uppercase())),
        );
    }
    if let Some(ids) = &f.jurisdiction_ids {
        q = q.filter(company::Column::JurisdictionId.is_in(ids.clone()));
    }
    if let Some(ids) = &f.ids {
        q = q.filter(company::Column::Id.is_in(ids.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(company::Column::Status.eq(s));
    }
    let total = q.clone().count(db).await?;
    let rows =
        q.order_by_asc(company::Column::Name).offset(super::offset(page, per_page)).limit(per_page).all(db).await?;
    Ok((rows, total))
}

/// One company.
pub async fn company<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<company::Model>, DbErr> {
    company::Entity::find_by_id(id).one(db).await
}

/// One company by its credit code.
pub async fn company_by_credit_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<company::Model>, DbErr> {
    company::Entity::find().filter(company::Column::CreditCode.eq(code)).one(db).await
}

/// Companies by id (for showing names beside communities).
pub async fn companies_by_ids<C: ConnectionTrait>(db: &C, ids: Vec<i64>) -> Result<Vec<company::Model>, DbErr> {
    company::Entity::find().filter(company::Column::Id.is_in(ids)).all(db).await
}

/// Inserts a company registered in `jurisdiction_id` and returns it.
pub async fn insert_company<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i64,
    new: NewCompany,
    now: DateTime<Utc>,
) -> Result<company::Model, DbErr> {
    company::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        name: Set(new.name),
        credit_code: Set(new.credit_code),
        legal_representative: Set(new.legal_representative),
        contact_person: Set(new.contact_person),
        contact_phone: Set(new.contact_phone),
        address: Set(new.address),
        status: Set(new.status.as_str().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a company's fields (its jurisdiction stays); returns the row.
pub async fn update_company<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new: NewCompany,
    now: DateTime<Utc>,
) -> Result<company::Model, DbErr> {
    company::ActiveModel {
        id: Unchanged(id),
        name: Set(new.name),
        credit_code: Set(new.credit_code),
        legal_representative: Set(new.legal_representative),
        contact_person: Set(new.contact_person),
        contact_phone: Set(new.contact_phone),
        address: Set(new.address),
        status: Set(new.status.as_str().into()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}

/// Every company.
pub async fn all_companies<C: ConnectionTrait>(db: &C) -> Result<Vec<company::Model>, DbErr> {
    company::Entity::find().all(db).await
}
