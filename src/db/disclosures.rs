//! Disclosure storage: the items to publish, each period's publications in versions (never
//! overwritten) and their attachments.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entities::{disclosure, disclosure_file, disclosure_item};

/// Whether any item exists (active or not).
pub async fn any_item<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(disclosure_item::Entity::find().one(db).await?.is_some())
}

/// An item to seed.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub code: String,
    pub title: String,
    pub guidance: String,
    /// Field labels, one a line.
    pub fields: String,
    pub frequency: String,
    pub due_basis: String,
    pub due_days: i32,
    pub catalog_code: String,
    pub sort: i32,
}

/// Inserts active items; returns how many.
pub async fn insert_items<C: ConnectionTrait>(db: &C, items: &[NewItem], at: DateTime<Utc>) -> Result<u64, DbErr> {
    let rows: Vec<_> = items
        .iter()
        .map(|i| disclosure_item::ActiveModel {
            code: Set(i.code.clone()),
            title: Set(i.title.clone()),
            guidance: Set(i.guidance.clone()),
            fields: Set(i.fields.clone()),
            frequency: Set(i.frequency.clone()),
            due_basis: Set(i.due_basis.clone()),
            due_days: Set(i.due_days),
            catalog_code: Set(i.catalog_code.clone()),
            sort: Set(i.sort),
            active: Set(true),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

/// The items in their order (only the active ones unless `all`).
pub async fn items<C: ConnectionTrait>(db: &C, all: bool) -> Result<Vec<disclosure_item::Model>, DbErr> {
    let mut q = disclosure_item::Entity::find().order_by_asc(disclosure_item::Column::Sort);
    if !all {
        q = q.filter(disclosure_item::Column::Active.eq(true));
    }
    q.all(db).await
}

/// One item by code.
pub async fn item_by_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<disclosure_item::Model>, DbErr> {
    disclosure_item::Entity::find().filter(disclosure_item::Column::Code.eq(code)).one(db).await
}

/// Changes an item's frequency, due rule and whether it is required.
pub async fn configure_item<C: ConnectionTrait>(
    db: &C,
    item: disclosure_item::Model,
    frequency: &str,
    due_basis: &str,
    due_days: i32,
    active: bool,
    at: DateTime<Utc>,
) -> Result<disclosure_item::Model, DbErr> {
    let mut am: disclosure_item::ActiveModel = item.into();
    am.frequency = Set(frequency.into());
    am.due_basis = Set(due_basis.into());
    am.due_days = Set(due_days);
    am.active = Set(active);
    am.updated_at = Set(at);
    am.update(db).await
}

/// One published version.
pub async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<disclosure::Model>, DbErr> {
    disclosure::Entity::find_by_id(id).one(db).await
}

/// Every version a community published, highest version first.
pub async fn of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<disclosure::Model>, DbErr> {
    disclosure::Entity::find()
        .filter(disclosure::Column::CommunityId.eq(community_id))
        .order_by_desc(disclosure::Column::Version)
        .all(db)
        .await
}

/// Every version a community published, latest period first and within it highest version first.
pub async fn of_community_latest_period_first<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<disclosure::Model>, DbErr> {
    disclosure::Entity::find()
        .filter(disclosure::Column::CommunityId.eq(community_id))
        .order_by_desc(disclosure::Column::Period)
        .order_by_desc(disclosure::Column::Version)
        .all(db)
        .await
}

/// Every version of one item's period in a community, highest first.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    item_code: &str,
    period: &str,
) -> Result<Vec<disclosure::Model>, DbErr> {
    disclosure::Entity::find()
        .filter(disclosure::Column::CommunityId.eq(community_id))
        .filter(disclosure::Column::ItemCode.eq(item_code))
        .filter(disclosure::Column::Period.eq(period))
        .order_by_desc(disclosure::Column::Version)
        .all(db)
        .await
}

/// The latest version of one item's period in a community.
pub async fn latest_version<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    item_code: &str,
    period: &str,
) -> Result<Option<disclosure::Model>, DbErr> {
    disclosure::Entity::find()
        .filter(disclosure::Column::CommunityId.eq(community_id))
        .filter(disclosure::Column::ItemCode.eq(item_code))
        .filter(disclosure::Column::Period.eq(period))
        .order_by_desc(disclosure::Column::Version)
        .one(db)
        .await
}

/// A new version of one item's period.
#[derive(Debug, Clone)]
pub struct NewDisclosure {
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub item_code: String,
    pub period: String,
    pub version: i32,
    pub fields_json: String,
    pub correction_reason: String,
    pub published_by: i64,
    pub publisher_name: String,
}

/// Inserts a version and returns it.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewDisclosure,
    at: DateTime<Utc>,
) -> Result<disclosure::Model, DbErr> {
    disclosure::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        item_code: Set(new.item_code),
        period: Set(new.period),
        version: Set(new.version),
        fields_json: Set(new.fields_json),
        correction_reason: Set(new.correction_reason),
        published_by: Set(new.published_by),
        publisher_name: Set(new.publisher_name),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The versions, among `(item code, period)` pairs, that any community published (compliance
/// views and checks). Empty without pairs.
pub async fn of_periods<C: ConnectionTrait>(
    db: &C,
    pairs: &[(String, String)],
) -> Result<Vec<disclosure::Model>, DbErr> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    disclosure::Entity::find().filter(any_of_periods(pairs)).all(db).await
}

/// The distinct (community, item code, period) published among the pairs. Empty without pairs.
pub async fn published_in<C: ConnectionTrait>(
    db: &C,
    pairs: &[(String, String)],
) -> Result<Vec<(i64, String, String)>, DbErr> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    disclosure::Entity::find()
        .select_only()
        .column(disclosure::Column::CommunityId)
        .column(disclosure::Column::ItemCode)
        .column(disclosure::Column::Period)
        .filter(any_of_periods(pairs))
        .distinct()
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await
}

fn any_of_periods(pairs: &[(String, String)]) -> Condition {
    let mut any = Condition::any();
    for (item, period) in pairs {
        any = any.add(
            Condition::all()
                .add(disclosure::Column::ItemCode.eq(item.as_str()))
                .add(disclosure::Column::Period.eq(period.as_str())),
        );
    }
    any
}

/// One attachment.
pub async fn file<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<disclosure_file::Model>, DbErr> {
    disclosure_file::Entity::find_by_id(id).one(db).await
}

/// The attachments of one version.
pub async fn files_of<C: ConnectionTrait>(db: &C, disclosure_id: i64) -> Result<Vec<disclosure_file::Model>, DbErr> {
    disclosure_file::Entity::find().filter(disclosure_file::Column::DisclosureId.eq(disclosure_id)).all(db).await
}

/// The attachments of these versions, by id.
pub async fn files_of_many<C: ConnectionTrait>(
    db: &C,
    disclosure_ids: Vec<i64>,
) -> Result<Vec<disclosure_file::Model>, DbErr> {
    disclosure_file::Entity::find()
        .filter(disclosure_file::Column::DisclosureId.is_in(disclosure_ids))
        .order_by_asc(disclosure_file::Column::Id)
        .all(db)
        .await
}

/// An attachment naming a stored document.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub doc_type: String,
    pub doc_sm3: String,
    pub bytes: i64,
}

/// Inserts a version's attachments (none: no statement).
pub async fn insert_files<C: ConnectionTrait>(
    db: &C,
    disclosure_id: i64,
    files: Vec<NewFile>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if files.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = files
        .into_iter()
        .map(|f| disclosure_file::ActiveModel {
            disclosure_id: Set(disclosure_id),
            name: Set(f.name),
            doc_type: Set(f.doc_type),
            doc_sm3: Set(f.doc_sm3),
            bytes: Set(f.bytes),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await?;
    Ok(())
}
