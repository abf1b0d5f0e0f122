//! Complaint queries.

use crate::domain::complaint::ProblemStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
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
        .filter(problem::Column::Status.eq(ProblemStatus::Open.as_str()))
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

/// A new problem (inserted `open`).
#[derive(Debug, Clone)]
pub struct NewProblem {
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub township_id: i64,
    pub catalog_code: String,
    pub title: String,
    pub description: String,
    /// Where it came from: `complaint`, `system` or `inspection`.
    pub source: &'static str,
    pub created_by: Option<i64>,
}

/// Inserts an open problem and returns it.
pub async fn insert_problem<C: ConnectionTrait>(
    db: &C,
    new: NewProblem,
    now: DateTime<Utc>,
) -> Result<problem::Model, DbErr> {
    problem::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        township_id: Set(new.township_id),
        catalog_code: Set(new.catalog_code),
        title: Set(new.title),
        description: Set(new.description),
        status: Set(ProblemStatus::Open.as_str().into()),
        source: Set(new.source.into()),
        created_by: Set(new.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A new clue, `received`.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub tracking_code: String,
    pub channel: &'static str,
    pub community_id: Option<i64>,
    pub company_id: Option<i64>,
    pub township_id: Option<i64>,
    pub catalog_code: Option<String>,
    pub description: String,
    pub anonymous: bool,
    pub name_sealed: Option<String>,
    pub phone_sealed: Option<String>,
    pub email_sealed: Option<String>,
    pub phone_index: Option<String>,
    pub operator_user_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub external_ref: Option<String>,
    /// The segmented text it is found by.
    pub search_text: String,
    pub received_at: DateTime<Utc>,
    pub acceptance_due: DateTime<Utc>,
}

/// Inserts received clues, in chunks with RETURNING (one round trip per chunk, no reading
/// back); returns the rows written.
pub async fn insert_received<C: ConnectionTrait>(
    db: &C,
    clues: Vec<NewComplaint>,
) -> Result<Vec<complaint::Model>, DbErr> {
    use crate::domain::complaint::ComplaintStatus;
    let rows: Vec<_> = clues
        .into_iter()
        .map(|n| complaint::ActiveModel {
            tracking_code: Set(n.tracking_code),
            channel: Set(n.channel.into()),
            status: Set(ComplaintStatus::Received.as_str().into()),
            community_id: Set(n.community_id),
            company_id: Set(n.company_id),
            township_id: Set(n.township_id),
            catalog_code: Set(n.catalog_code),
            description: Set(n.description),
            anonymous: Set(n.anonymous),
            name_sealed: Set(n.name_sealed),
            phone_sealed: Set(n.phone_sealed),
            email_sealed: Set(n.email_sealed),
            phone_index: Set(n.phone_index),
            operator_user_id: Set(n.operator_user_id),
            partner_id: Set(n.partner_id),
            external_ref: Set(n.external_ref),
            problem_id: Set(None),
            department_id: Set(None),
            public_answer: Set(String::new()),
            search_text: Set(n.search_text),
            received_at: Set(n.received_at),
            acceptance_due: Set(n.acceptance_due),
            triaged_at: Set(None),
            closure_due: Set(None),
            extended: Set(false),
            closed_at: Set(None),
            created_at: Set(n.received_at),
            updated_at: Set(n.received_at),
            ..Default::default()
        })
        .collect();
    let mut stored = Vec::with_capacity(rows.len());
    for chunk in super::pow2_chunks(rows) {
        stored.extend(complaint::Entity::insert_many(chunk).exec_with_returning(db).await?);
    }
    Ok(stored)
}

/// A line of a clue's timeline.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub complaint_id: i64,
    pub kind: String,
    pub public_text: String,
    pub internal_note: String,
    pub actor_user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn event_row(e: NewEvent) -> complaint_event::ActiveModel {
    complaint_event::ActiveModel {
        complaint_id: Set(e.complaint_id),
        kind: Set(e.kind),
        public_text: Set(e.public_text),
        internal_note: Set(e.internal_note),
        actor_user_id: Set(e.actor_user_id),
        created_at: Set(e.created_at),
        ..Default::default()
    }
}

/// Adds one line to a clue's timeline.
pub async fn insert_event<C: ConnectionTrait>(db: &C, event: NewEvent) -> Result<(), DbErr> {
    event_row(event).insert(db).await?;
    Ok(())
}

/// Adds timeline lines (bulk, in chunks).
pub async fn insert_events<C: ConnectionTrait>(db: &C, events: Vec<NewEvent>) -> Result<(), DbErr> {
    let rows: Vec<_> = events.into_iter().map(event_row).collect();
    for chunk in super::pow2_chunks(rows) {
        complaint_event::Entity::insert_many(chunk).exec(db).await?;
    }
    Ok(())
}

/// A photo attached to a clue (its blob stored in the same transaction).
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub complaint_id: i64,
    /// The SM3 digest of the blob.
    pub digest: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTime<Utc>,
}

/// Attaches photos to clues (bulk, in chunks).
pub async fn insert_photos<C: ConnectionTrait>(db: &C, photos: Vec<NewPhoto>) -> Result<(), DbErr> {
    let rows: Vec<_> = photos
        .into_iter()
        .map(|p| complaint_photo::ActiveModel {
            complaint_id: Set(p.complaint_id),
            digest: Set(p.digest),
            byte_size: Set(p.byte_size),
            width: Set(p.width),
            height: Set(p.height),
            created_at: Set(p.created_at),
            ..Default::default()
        })
        .collect();
    for chunk in super::pow2_chunks(rows) {
        complaint_photo::Entity::insert_many(chunk).exec(db).await?;
    }
    Ok(())
}

/// Touches a clue still `received` (compare-and-set on its status), taking its row for the
/// transaction: false when it was triaged meanwhile.
pub async fn claim_if_received<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    use crate::domain::complaint::ComplaintStatus;
    touch_if(db, id, complaint::Column::Status.eq(ComplaintStatus::Received.as_str()), now).await
}

/// Touches a clue whose deadline was never extended (compare-and-set), taking its row for the
/// transaction: false when it was extended meanwhile.
pub async fn claim_if_not_extended<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    touch_if(db, id, complaint::Column::Extended.eq(false), now).await
}

async fn touch_if<C: ConnectionTrait>(db: &C, id: i64, still: SimpleExpr, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = complaint::Entity::update_many()
        .col_expr(complaint::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(complaint::Column::Id.eq(id))
        .filter(still)
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The problem a clue is accepted as or merged into, with that problem's place and item.
#[derive(Debug, Clone)]
pub struct ProblemLink {
    pub problem_id: i64,
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub township_id: i64,
    pub catalog_code: String,
}

/// What a triage decision writes on the clue; `None` leaves a column as it is.
#[derive(Debug, Clone)]
pub struct Triaged {
    pub status: crate::domain::complaint::ComplaintStatus,
    pub problem: Option<ProblemLink>,
    pub search_text: Option<String>,
    pub department_id: Option<i64>,
    pub closure_due: Option<DateTime<Utc>>,
    pub public_answer: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Writes a triage decision on a clue (its status, triage time and what the decision sets);
/// returns the row.
pub async fn record_triage<C: ConnectionTrait>(
    db: &C,
    id: i64,
    t: Triaged,
    now: DateTime<Utc>,
) -> Result<complaint::Model, DbErr> {
    let mut am = complaint::ActiveModel { id: Unchanged(id), ..Default::default() };
    if let Some(text) = t.search_text {
        am.search_text = Set(text);
    }
    if let Some(p) = t.problem {
        am.problem_id = Set(Some(p.problem_id));
        am.community_id = Set(Some(p.community_id));
        am.company_id = Set(p.company_id);
        am.township_id = Set(Some(p.township_id));
        am.catalog_code = Set(Some(p.catalog_code));
    }
    if let Some(d) = t.department_id {
        am.department_id = Set(Some(d));
    }
    if let Some(due) = t.closure_due {
        am.closure_due = Set(Some(due));
    }
    if let Some(answer) = t.public_answer {
        am.public_answer = Set(answer);
    }
    if let Some(at) = t.closed_at {
        am.closed_at = Set(Some(at));
    }
    am.status = Set(t.status.as_str().into());
    am.triaged_at = Set(Some(now));
    am.updated_at = Set(now);
    am.update(db).await
}

/// Moves a clue's closure deadline (its one extension); returns the row.
pub async fn extend_closure<C: ConnectionTrait>(
    db: &C,
    id: i64,
    closure_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<complaint::Model, DbErr> {
    complaint::ActiveModel {
        id: Unchanged(id),
        closure_due: Set(Some(closure_due)),
        extended: Set(true),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
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

// Queries used by service::cases.

/// Closes a problem (its case reached a final state).
pub async fn close_problem<C: ConnectionTrait>(db: &C, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    problem::Entity::update_many()
        .col_expr(problem::Column::Status, Expr::value(ProblemStatus::Closed.as_str()))
        .col_expr(problem::Column::UpdatedAt, Expr::value(at))
        .filter(problem::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
