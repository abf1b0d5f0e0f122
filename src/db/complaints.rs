//! Complaint queries.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{complaint, complaint_event, complaint_photo, problem};

/// One complaint.
pub async fn complaint<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<complaint::Model>, DbErr> {
    complaint::Entity::find_by_id(id).one(db).await
}

/// One complaint by its canonical tracking code.
pub async fn by_tracking_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<complaint::Model>, DbErr> {
    complaint::Entity::find().filter(complaint::Column::TrackingCode.eq(code)).one(db).await
}

/// One complaint by channel and external reference (email Message-ID, partner request id).
pub async fn by_external_ref<C: ConnectionTrait>(
    db: &C,
    channel: &str,
    r: &str,
) -> Result<Option<complaint::Model>, DbErr> {
    complaint::Entity::find()
        .filter(complaint::Column::Channel.eq(channel))
        .filter(complaint::Column::ExternalRef.eq(r))
        .one(db)
        .await
}

/// Inbox filter. `township_ids: None` means no township restriction (county-wide readers);
/// `Some(ids)` restricts to clues located in those townships.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub township_ids: Option<Vec<i64>>,
    pub status: Option<String>,
    pub community_id: Option<i64>,
    pub company_id: Option<i64>,
    pub catalog_code: Option<String>,
    pub channel: Option<String>,
    /// Waiting for triage with the acceptance deadline passed, or accepted with the closure
    /// deadline passed, as of this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Text contained in the description or the tracking code.
    pub q: Option<String>,
}

/// Newest first, filtered and paged; with the total count.
pub async fn inbox<C: ConnectionTrait>(
    db: &C,
    f: &InboxFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<complaint::Model>, u64), DbErr> {
    let mut q = complaint::Entity::find();
    if let Some(ids) = &f.township_ids {
        q = q.filter(complaint::Column::TownshipId.is_in(ids.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(complaint::Column::Status.eq(s));
    }
    if let Some(id) = f.community_id {
        q = q.filter(complaint::Column::CommunityId.eq(id));
    }
    if let Some(id) = f.company_id {
        q = q.filter(complaint::Column::CompanyId.eq(id));
    }
    if let Some(c) = &f.catalog_code {
        q = q.filter(complaint::Column::CatalogCode.starts_with(c));
    }
    if let Some(c) = &f.channel {
        q = q.filter(complaint::Column::Channel.eq(c));
    }
    if let Some(now) = f.overdue_at {
        q = q.filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(complaint::Column::Status.eq("received"))
                        .add(complaint::Column::AcceptanceDue.lt(now)),
                )
                .add(
                    Condition::all()
                        .add(complaint::Column::Status.is_in(["accepted", "merged", "forwarded"]))
                        .add(complaint::Column::ClosureDue.lt(now)),
                ),
        );
    }
    if let Some(text) = &f.q {
        let mut any = Condition::any().add(complaint::Column::TrackingCode.contains(text.trim().to_ascii_uppercase()));
        if let Some(fts) = full_text(db.get_database_backend(), text) {
            any = any.add(fts);
        }
        q = q.filter(any);
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(complaint::Column::ReceivedAt)
        .order_by_desc(complaint::Column::Id)
        .offset(super::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The full-text condition on `complaints.search_text`; see [`super::full_text`].
pub fn full_text(backend: DbBackend, query: &str) -> Option<SimpleExpr> {
    super::full_text(backend, "complaints", query)
}

/// A complaint's timeline, oldest first: by the instant each line was written, ties in the
/// order of writing (the same order as a case's timeline).
pub async fn events<C: ConnectionTrait>(db: &C, complaint_id: i64) -> Result<Vec<complaint_event::Model>, DbErr> {
    complaint_event::Entity::find()
        .filter(complaint_event::Column::ComplaintId.eq(complaint_id))
        .order_by_asc(complaint_event::Column::CreatedAt)
        .order_by_asc(complaint_event::Column::Id)
        .all(db)
        .await
}

/// One problem.
pub async fn problem<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<problem::Model>, DbErr> {
    problem::Entity::find_by_id(id).one(db).await
}

/// Open problems of a community, newest first (merge candidates).
pub async fn open_problems_of<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<problem::Model>, DbErr> {
    problem::Entity::find()
        .filter(problem::Column::CommunityId.eq(community_id))
        .filter(problem::Column::Status.eq("open"))
        .order_by_desc(problem::Column::Id)
        .limit(50)
        .all(db)
        .await
}

/// Clues merged into or accepted as a problem.
pub async fn complaints_of_problem<C: ConnectionTrait>(
    db: &C,
    problem_id: i64,
) -> Result<Vec<complaint::Model>, DbErr> {
    complaint::Entity::find()
        .filter(complaint::Column::ProblemId.eq(problem_id))
        .order_by_asc(complaint::Column::Id)
        .all(db)
        .await
}

/// A clue's photos in upload order.
pub async fn photos<C: ConnectionTrait>(db: &C, complaint_id: i64) -> Result<Vec<complaint_photo::Model>, DbErr> {
    complaint_photo::Entity::find()
        .filter(complaint_photo::Column::ComplaintId.eq(complaint_id))
        .order_by_asc(complaint_photo::Column::Id)
        .all(db)
        .await
}

/// The references of every clue of `channel` (the system's checks: one index-only read, cheaper
/// than asking for thousands of candidate references in IN lists).
pub async fn refs_of_channel<C: ConnectionTrait>(
    db: &C,
    channel: &str,
) -> Result<std::collections::HashSet<String>, DbErr> {
    use sea_orm::QuerySelect;
    Ok(complaint::Entity::find()
        .select_only()
        .column(complaint::Column::ExternalRef)
        .filter(complaint::Column::Channel.eq(channel))
        .filter(complaint::Column::ExternalRef.is_not_null())
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

// Queries used by service::open311.

/// A partner's requests with these tracking codes, latest received first.
pub async fn of_partner_with_codes<C: ConnectionTrait>(
    db: &C,
    partner_id: i64,
    tracking_codes: Vec<String>,
) -> Result<Vec<complaint::Model>, DbErr> {
    complaint::Entity::find()
        .filter(complaint::Column::PartnerId.eq(partner_id))
        .filter(complaint::Column::TrackingCode.is_in(tracking_codes))
        .order_by_desc(complaint::Column::ReceivedAt)
        .all(db)
        .await
}

/// A partner's requests received between `start` and `end` (both included), of these catalog
/// codes when given, latest received first.
pub async fn of_partner_received_between<C: ConnectionTrait>(
    db: &C,
    partner_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    catalog_codes: Option<Vec<String>>,
) -> Result<Vec<complaint::Model>, DbErr> {
    let mut q = complaint::Entity::find()
        .filter(complaint::Column::PartnerId.eq(partner_id))
        .filter(complaint::Column::ReceivedAt.gte(start))
        .filter(complaint::Column::ReceivedAt.lte(end));
    if let Some(codes) = catalog_codes {
        q = q.filter(complaint::Column::CatalogCode.is_in(codes));
    }
    q.order_by_desc(complaint::Column::ReceivedAt).all(db).await
}

/// Every request a partner posted.
pub async fn of_partner<C: ConnectionTrait>(db: &C, partner_id: i64) -> Result<Vec<complaint::Model>, DbErr> {
    complaint::Entity::find().filter(complaint::Column::PartnerId.eq(partner_id)).all(db).await
}

/// The timeline lines with public text of these clues written between `start` and `end` (both
/// included), oldest first (ties in the order of writing).
pub async fn public_events_between<C: ConnectionTrait>(
    db: &C,
    complaint_ids: Vec<i64>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<complaint_event::Model>, DbErr> {
    complaint_event::Entity::find()
        .filter(complaint_event::Column::ComplaintId.is_in(complaint_ids))
        .filter(complaint_event::Column::CreatedAt.gte(start))
        .filter(complaint_event::Column::CreatedAt.lte(end))
        .filter(complaint_event::Column::PublicText.ne(""))
        .order_by_asc(complaint_event::Column::CreatedAt)
        .order_by_asc(complaint_event::Column::Id)
        .all(db)
        .await
}

// Queries used by jobs::scanner.

/// The clues of these problems (ids in lists of up to 1024).
pub async fn of_problems<C: ConnectionTrait>(db: &C, problem_ids: Vec<i64>) -> Result<Vec<complaint::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in super::bulk_chunks(problem_ids) {
        out.extend(complaint::Entity::find().filter(complaint::Column::ProblemId.is_in(chunk)).all(db).await?);
    }
    Ok(out)
}

/// A clue timeline line written in bulk.
#[derive(Debug, Clone)]
pub struct BulkClueEvent {
    pub complaint_id: i64,
    pub kind: String,
    pub public_text: String,
    pub internal_note: String,
    pub actor_user_id: Option<i64>,
}

/// Inserts clue timeline lines in multi-row statements (as `insert_bulk` says).
pub async fn insert_events_bulk<C: ConnectionTrait>(
    db: &C,
    events: Vec<BulkClueEvent>,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::ActiveValue::Set;
    let rows: Vec<_> = events
        .into_iter()
        .map(|e| complaint_event::ActiveModel {
            complaint_id: Set(e.complaint_id),
            kind: Set(e.kind),
            public_text: Set(e.public_text),
            internal_note: Set(e.internal_note),
            actor_user_id: Set(e.actor_user_id),
            created_at: Set(at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}
