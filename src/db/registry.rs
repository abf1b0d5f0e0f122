//! Registry queries: jurisdictions, companies, communities, departments, catalog, campaigns.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{campaign, campaign_phase, catalog_item, community, company, department, jurisdiction};
use crate::domain::registry::{NewCommunity, NewCompany};

/// Every jurisdiction (a county has a few dozen), ordered by code.
pub async fn jurisdictions<C: ConnectionTrait>(db: &C) -> Result<Vec<jurisdiction::Model>, DbErr> {
    jurisdiction::Entity::find().order_by_asc(jurisdiction::Column::Code).all(db).await
}

/// One jurisdiction.
pub async fn jurisdiction<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<jurisdiction::Model>, DbErr> {
    jurisdiction::Entity::find_by_id(id).one(db).await
}

/// One jurisdiction by code.
pub async fn jurisdiction_by_code<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<Option<jurisdiction::Model>, DbErr> {
    jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)).one(db).await
}

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

/// Departments of the given jurisdictions (all when `None`), by name.
pub async fn departments<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: Option<Vec<i64>>,
) -> Result<Vec<department::Model>, DbErr> {
    let mut q = department::Entity::find();
    if let Some(ids) = jurisdiction_ids {
        q = q.filter(department::Column::JurisdictionId.is_in(ids));
    }
    q.order_by_asc(department::Column::Id).all(db).await
}

/// One department.
pub async fn department<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<department::Model>, DbErr> {
    department::Entity::find_by_id(id).one(db).await
}

/// The whole catalog in display order.
pub async fn catalog<C: ConnectionTrait>(db: &C) -> Result<Vec<catalog_item::Model>, DbErr> {
    catalog_item::Entity::find()
        .order_by_asc(catalog_item::Column::Position)
        .order_by_asc(catalog_item::Column::Code)
        .all(db)
        .await
}

/// One catalog item.
pub async fn catalog_item<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<catalog_item::Model>, DbErr> {
    catalog_item::Entity::find_by_id(id).one(db).await
}

/// Campaigns of the given jurisdictions, newest first.
pub async fn campaigns<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: Option<Vec<i64>>,
) -> Result<Vec<campaign::Model>, DbErr> {
    let mut q = campaign::Entity::find();
    if let Some(ids) = jurisdiction_ids {
        q = q.filter(campaign::Column::JurisdictionId.is_in(ids));
    }
    q.order_by_desc(campaign::Column::StartsOn).all(db).await
}

/// One campaign.
pub async fn campaign<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<campaign::Model>, DbErr> {
    campaign::Entity::find_by_id(id).one(db).await
}

/// One campaign phase.
pub async fn campaign_phase<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<campaign_phase::Model>, DbErr> {
    campaign_phase::Entity::find_by_id(id).one(db).await
}

/// A campaign's phases in order.
pub async fn campaign_phases<C: ConnectionTrait>(
    db: &C,
    campaign_id: i64,
) -> Result<Vec<campaign_phase::Model>, DbErr> {
    campaign_phase::Entity::find()
        .filter(campaign_phase::Column::CampaignId.eq(campaign_id))
        .order_by_asc(campaign_phase::Column::Position)
        .all(db)
        .await
}

/// Whether the registry holds any jurisdiction (an empty database gets demo data).
pub async fn is_empty<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(jurisdiction::Entity::find().count(db).await? == 0)
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

/// A jurisdiction's fields as written, new or over an existing row.
#[derive(Debug, Clone)]
pub struct NewJurisdiction {
    pub code: String,
    pub name: String,
    /// county / township / neighbourhood
    pub level: String,
    pub parent_id: Option<i64>,
}

/// Inserts a jurisdiction and returns it.
pub async fn insert_jurisdiction<C: ConnectionTrait>(
    db: &C,
    new: NewJurisdiction,
    now: DateTime<Utc>,
) -> Result<jurisdiction::Model, DbErr> {
    jurisdiction::ActiveModel {
        code: Set(new.code),
        name: Set(new.name),
        level: Set(new.level),
        parent_id: Set(new.parent_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a jurisdiction's code, name, level and parent; returns the row.
pub async fn update_jurisdiction<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new: NewJurisdiction,
    now: DateTime<Utc>,
) -> Result<jurisdiction::Model, DbErr> {
    jurisdiction::ActiveModel {
        id: Unchanged(id),
        code: Set(new.code),
        name: Set(new.name),
        level: Set(new.level),
        parent_id: Set(new.parent_id),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
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

/// Inserts a department of `jurisdiction_id` and returns it.
pub async fn insert_department<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i64,
    name: &str,
    kind: &str,
    contact_phone: &str,
    now: DateTime<Utc>,
) -> Result<department::Model, DbErr> {
    department::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        name: Set(name.into()),
        kind: Set(kind.into()),
        contact_phone: Set(contact_phone.into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a department's name, kind and phone; returns the row.
pub async fn update_department<C: ConnectionTrait>(
    db: &C,
    id: i64,
    name: &str,
    kind: &str,
    contact_phone: &str,
    now: DateTime<Utc>,
) -> Result<department::Model, DbErr> {
    department::ActiveModel {
        id: Unchanged(id),
        name: Set(name.into()),
        kind: Set(kind.into()),
        contact_phone: Set(contact_phone.into()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}

/// A new catalog item (inserted active).
#[derive(Debug, Clone)]
pub struct NewCatalogItem {
    pub code: String,
    pub parent_code: Option<String>,
    /// A or B, the code's first letter.
    pub category: String,
    pub title: String,
    pub description: String,
    pub legal_basis: String,
    pub position: i32,
}

/// Inserts an active catalog item and returns it.
pub async fn insert_catalog_item<C: ConnectionTrait>(
    db: &C,
    new: NewCatalogItem,
    now: DateTime<Utc>,
) -> Result<catalog_item::Model, DbErr> {
    catalog_item::ActiveModel {
        code: Set(new.code),
        parent_code: Set(new.parent_code),
        category: Set(new.category),
        title: Set(new.title),
        description: Set(new.description),
        legal_basis: Set(new.legal_basis),
        position: Set(new.position),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Rewrites a catalog item's texts and active flag (code and position stay); returns the row.
pub async fn update_catalog_item<C: ConnectionTrait>(
    db: &C,
    id: i64,
    title: String,
    description: String,
    legal_basis: String,
    active: bool,
    now: DateTime<Utc>,
) -> Result<catalog_item::Model, DbErr> {
    catalog_item::ActiveModel {
        id: Unchanged(id),
        title: Set(title),
        description: Set(description),
        legal_basis: Set(legal_basis),
        active: Set(active),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}

/// A new campaign (its phases are inserted after it).
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub jurisdiction_id: i64,
    pub name: String,
    pub document_no: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Inserts a campaign and returns it.
pub async fn insert_campaign<C: ConnectionTrait>(
    db: &C,
    new: NewCampaign,
    now: DateTime<Utc>,
) -> Result<campaign::Model, DbErr> {
    campaign::ActiveModel {
        jurisdiction_id: Set(new.jurisdiction_id),
        name: Set(new.name),
        document_no: Set(new.document_no),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Inserts a campaign's phase at `position` (1 for the first).
pub async fn insert_campaign_phase<C: ConnectionTrait>(
    db: &C,
    campaign_id: i64,
    position: i32,
    name: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<campaign_phase::Model, DbErr> {
    campaign_phase::ActiveModel {
        campaign_id: Set(campaign_id),
        position: Set(position),
        name: Set(name.into()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

// Queries used by service::surveys.

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

// Queries used by service::disclosures.

/// Every company.
pub async fn all_companies<C: ConnectionTrait>(db: &C) -> Result<Vec<company::Model>, DbErr> {
    company::Entity::find().all(db).await
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

// Queries used by service::checks.

/// Every managed community (those with a company), in no particular order.
pub async fn all_managed_communities<C: ConnectionTrait>(db: &C) -> Result<Vec<community::Model>, DbErr> {
    community::Entity::find().filter(community::Column::CompanyId.is_not_null()).all(db).await
}
