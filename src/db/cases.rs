//! Ledger queries: cases, their items and timeline, notices and their numbering, extension
//! requests, escalation proposals and the holiday table.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement,
};

use super::entities::{
    case, case_event, case_item, case_item_report, case_photo, escalation_proposal, extension_request, holiday, notice,
    notice_case, notice_counter,
};
use crate::domain::extension::ExtensionStatus;
use crate::domain::notice::NoticeStatus;

/// Notifications are their own noun ([`super::notifications`]); callers that name them here
/// keep working.
pub use super::notifications::notify;

/// One case.
pub async fn case<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<case::Model>, DbErr> {
    case::Entity::find_by_id(id).one(db).await
}

/// Cases by id.
pub async fn cases_by_ids<C: ConnectionTrait>(db: &C, ids: Vec<i64>) -> Result<Vec<case::Model>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in super::bulk_chunks(ids) {
        out.extend(case::Entity::find().filter(case::Column::Id.is_in(chunk)).all(db).await?);
    }
    Ok(out)
}

/// The case opened from a problem, if any.
pub async fn case_of_problem<C: ConnectionTrait>(db: &C, problem_id: i64) -> Result<Option<case::Model>, DbErr> {
    case::Entity::find().filter(case::Column::ProblemId.eq(problem_id)).one(db).await
}

/// A new case (待核实) of a problem, with its catalog items.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub problem_id: i64,
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub township_id: i64,
    pub title: String,
    pub facts: String,
    pub status: String,
    pub responsible_user_id: i64,
    pub source: String,
    pub inspection_id: Option<i64>,
    /// The segmented words the full-text index reads.
    pub search_text: String,
    pub opened_by: i64,
    /// Catalog codes, one item each.
    pub codes: Vec<String>,
    pub at: DateTime<Utc>,
}

/// Inserts a case and its items. Returns the case.
pub async fn insert_case<C: ConnectionTrait>(db: &C, new: NewCase) -> Result<case::Model, DbErr> {
    let c = case::ActiveModel {
        problem_id: Set(Some(new.problem_id)),
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        township_id: Set(new.township_id),
        title: Set(new.title),
        facts: Set(new.facts),
        status: Set(new.status),
        responsible_user_id: Set(Some(new.responsible_user_id)),
        deadline: Set(None),
        extensions: Set(0),
        source: Set(new.source),
        inspection_id: Set(new.inspection_id),
        search_text: Set(new.search_text),
        opened_by: Set(Some(new.opened_by)),
        closed_at: Set(None),
        created_at: Set(new.at),
        updated_at: Set(new.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let items: Vec<_> = new
        .codes
        .into_iter()
        .map(|code| case_item::ActiveModel {
            case_id: Set(c.id),
            catalog_code: Set(code),
            created_at: Set(new.at),
            updated_at: Set(new.at),
            ..Default::default()
        })
        .collect();
    case_item::Entity::insert_many(items).exec_without_returning(db).await?;
    Ok(c)
}

/// What a transition writes on the case row.
#[derive(Debug, Clone, Default)]
pub struct CaseMove {
    pub to: String,
    /// `Some(d)`: set the deadline to `d`.
    pub deadline: Option<Option<NaiveDate>>,
    /// Count one more extension.
    pub extension: bool,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Moves a case from one of `from` as `m` says, only if it is still in one of `from`: the
/// compare-and-set that makes a concurrent second decision fail instead of overwriting the
/// first. Returns whether this call moved it.
pub async fn move_case<C: ConnectionTrait>(
    db: &C,
    id: i64,
    from: &[&str],
    m: CaseMove,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = case::Entity::update_many()
        .col_expr(case::Column::Status, Expr::value(m.to))
        .col_expr(case::Column::UpdatedAt, Expr::value(now));
    if let Some(d) = m.deadline {
        q = q.col_expr(case::Column::Deadline, Expr::value(d));
    }
    if m.extension {
        q = q.col_expr(case::Column::Extensions, Expr::col(case::Column::Extensions).add(1));
    }
    if let Some(at) = m.closed_at {
        q = q.col_expr(case::Column::ClosedAt, Expr::value(at));
    }
    let r = q.filter(case::Column::Id.eq(id)).filter(case::Column::Status.is_in(from.to_vec())).exec(db).await?;
    Ok(r.rows_affected == 1)
}

/// A case's items (catalog codes).
pub async fn items<C: ConnectionTrait>(db: &C, case_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(case_item::Entity::find()
        .filter(case_item::Column::CaseId.eq(case_id))
        .order_by_asc(case_item::Column::CatalogCode)
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.catalog_code)
        .collect())
}

/// The items of many cases: (case id, code) pairs.
pub async fn items_of<C: ConnectionTrait>(db: &C, case_ids: Vec<i64>) -> Result<Vec<(i64, String)>, DbErr> {
    let mut out = Vec::new();
    for chunk in super::bulk_chunks(case_ids) {
        out.extend(
            case_item::Entity::find()
                .filter(case_item::Column::CaseId.is_in(chunk))
                .order_by_asc(case_item::Column::CatalogCode)
                .all(db)
                .await?
                .into_iter()
                .map(|i| (i.case_id, i.catalog_code)),
        );
    }
    Ok(out)
}

/// A case's timeline, oldest first: by the instant each line was written (the application
/// clock, which a scanner run `--at` an earlier instant may put before lines written earlier),
/// ties in the order of writing.
pub async fn events<C: ConnectionTrait>(db: &C, case_id: i64) -> Result<Vec<case_event::Model>, DbErr> {
    case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::CreatedAt)
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await
}

/// A line of a case's timeline: a step (its status change) or a note (from and to the same
/// status).
#[derive(Debug, Clone)]
pub struct NewCaseEvent {
    pub case_id: i64,
    pub kind: String,
    pub from_status: String,
    pub to_status: String,
    pub note: String,
    /// What complainants read (empty: nothing).
    pub public_text: String,
    pub deadline: Option<NaiveDate>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
}

fn event_row(e: NewCaseEvent, at: DateTime<Utc>) -> case_event::ActiveModel {
    case_event::ActiveModel {
        case_id: Set(e.case_id),
        kind: Set(e.kind),
        from_status: Set(e.from_status),
        to_status: Set(e.to_status),
        note: Set(e.note),
        public_text: Set(e.public_text),
        deadline: Set(e.deadline),
        actor_user_id: Set(e.actor_user_id),
        actor_name: Set(e.actor_name),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

/// Adds one line to a case's timeline, written at `at`. Returns its id (photos and item reports
/// name it).
pub async fn insert_event<C: ConnectionTrait>(db: &C, event: NewCaseEvent, at: DateTime<Utc>) -> Result<i64, DbErr> {
    Ok(event_row(event, at).insert(db).await?.id)
}

/// A case's photos.
pub async fn photos<C: ConnectionTrait>(db: &C, case_id: i64) -> Result<Vec<case_photo::Model>, DbErr> {
    case_photo::Entity::find()
        .filter(case_photo::Column::CaseId.eq(case_id))
        .order_by_asc(case_photo::Column::Id)
        .all(db)
        .await
}

/// The item-by-item reports of a case, oldest first.
pub async fn item_reports<C: ConnectionTrait>(db: &C, case_id: i64) -> Result<Vec<case_item_report::Model>, DbErr> {
    case_item_report::Entity::find()
        .filter(case_item_report::Column::CaseId.eq(case_id))
        .order_by_asc(case_item_report::Column::Id)
        .all(db)
        .await
}

/// What a company reports for one catalog item in a step.
#[derive(Debug, Clone)]
pub struct NewItemReport {
    pub case_id: i64,
    pub case_event_id: i64,
    pub item_code: String,
    pub note: String,
}

/// Writes a report's answers item by item (bulk).
pub async fn insert_item_reports<C: ConnectionTrait>(
    db: &C,
    reports: Vec<NewItemReport>,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = reports
        .into_iter()
        .map(|r| case_item_report::ActiveModel {
            case_id: Set(r.case_id),
            case_event_id: Set(r.case_event_id),
            item_code: Set(r.item_code),
            note: Set(r.note),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

/// Ledger filter; `None` means no restriction on that column.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    /// Scope: cases located in these townships.
    pub township_ids: Option<Vec<i64>>,
    /// Scope: cases of this company (company users).
    pub company_scope: Option<i64>,
    pub township_id: Option<i64>,
    pub community_id: Option<i64>,
    pub company_id: Option<i64>,
    pub catalog_code: Option<String>,
    pub statuses: Option<Vec<String>>,
    pub responsible_user_id: Option<i64>,
    /// Deadline before this date (with a running deadline).
    pub deadline_before: Option<NaiveDate>,
    pub q: Option<String>,
}

/// Sort keys of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LedgerSort {
    /// Deadline, earliest first (the most urgent on top).
    #[default]
    Deadline,
    /// Newest first.
    Opened,
    /// Status, then deadline.
    Status,
}

fn ledger_query(backend: sea_orm::DbBackend, f: &LedgerFilter) -> sea_orm::Select<case::Entity> {
    let mut q = case::Entity::find();
    if let Some(ids) = &f.township_ids {
        q = q.filter(case::Column::TownshipId.is_in(ids.clone()));
    }
    if let Some(id) = f.company_scope {
        q = q.filter(case::Column::CompanyId.eq(id));
    }
    if let Some(id) = f.township_id {
        q = q.filter(case::Column::TownshipId.eq(id));
    }
    if let Some(id) = f.community_id {
        q = q.filter(case::Column::CommunityId.eq(id));
    }
    if let Some(id) = f.company_id {
        q = q.filter(case::Column::CompanyId.eq(id));
    }
    if let Some(code) = &f.catalog_code {
        q = q.filter(
            case::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(case_item::Column::CaseId)
                    .from(case_item::Entity)
                    .and_where(case_item::Column::CatalogCode.starts_with(code))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = &f.statuses {
        q = q.filter(case::Column::Status.is_in(s.clone()));
    }
    if let Some(id) = f.responsible_user_id {
        q = q.filter(case::Column::ResponsibleUserId.eq(id));
    }
    if let Some(d) = f.deadline_before {
        q = q.filter(case::Column::Deadline.lt(d));
    }
    if let Some(text) = &f.q
        && let Some(fts) = super::full_text(backend, "cases", text)
    {
        q = q.filter(fts);
    }
    q
}

fn ordered(q: sea_orm::Select<case::Entity>, sort: LedgerSort, desc: bool) -> sea_orm::Select<case::Entity> {
    use sea_orm::Order;
    let dir = if desc { Order::Desc } else { Order::Asc };
    match sort {
        LedgerSort::Deadline => q
            .order_by(Expr::col(case::Column::Deadline).is_null(), Order::Asc)
            .order_by(case::Column::Deadline, dir.clone())
            .order_by(case::Column::Id, dir),
        LedgerSort::Opened => q.order_by(case::Column::Id, if desc { Order::Asc } else { Order::Desc }),
        LedgerSort::Status => q
            .order_by(case::Column::Status, dir.clone())
            .order_by(case::Column::Deadline, dir.clone())
            .order_by(case::Column::Id, dir),
    }
}

/// The number of cases a ledger view matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub n: u64,
    /// False when `n` is PostgreSQL's estimate (see [`ESTIMATE_ABOVE`]).
    pub exact: bool,
}

/// PostgreSQL: a full-text view the planner expects to match more cases than this shows its
/// estimate ("约 6.6 万件") instead of a count. Counting a common word's matches visits every
/// matching row (a quarter of a second for 60,000 of a million cases: GIN indexes have no
/// index-only scans), the page itself costs a few milliseconds; the estimate comes from the
/// planner's word statistics. Below it, the view counts exactly.
pub const ESTIMATE_ABOVE: u64 = 10_000;

/// The cases an inspection's findings opened: (catalog code, case id).
pub async fn cases_of_inspection<C: ConnectionTrait>(db: &C, inspection_id: i64) -> Result<Vec<(String, i64)>, DbErr> {
    let cases = case::Entity::find().filter(case::Column::InspectionId.eq(inspection_id)).all(db).await?;
    let mut out = Vec::new();
    for c in cases {
        for code in items(db, c.id).await? {
            out.push((code, c.id));
        }
    }
    Ok(out)
}

/// A page of the ledger, with the total count.
///
/// The total comes from `case_tallies` when the filter restricts only scope, township, company
/// and status (the usual views; see migration `m20261128_000007`), from the FTS index alone for
/// a bare full-text query on SQLite, from the planner's estimate for a full-text view with very
/// many matches on PostgreSQL, and from counting the rows otherwise.
pub async fn ledger<C: ConnectionTrait>(
    db: &C,
    f: &LedgerFilter,
    sort: LedgerSort,
    desc: bool,
    page: u64,
    per_page: u64,
) -> Result<(Vec<case::Model>, Total), DbErr> {
    let backend = db.get_database_backend();
    let offset = super::offset(page, per_page);
    let text = f.q.as_deref().filter(|t| !crate::search::words(t).is_empty());
    let by_columns = f.community_id.is_none()
        && f.catalog_code.is_none()
        && f.responsible_user_id.is_none()
        && f.deadline_before.is_none();
    // The total, and (for SQLite's choice of plan) about how many cases there are.
    let mut exact = true;
    let (total, cases) = match text {
        None if by_columns => tallies(db, f).await?,
        Some(text)
            if by_columns
                && backend == DbBackend::Sqlite
                && f.township_ids.is_none()
                && f.company_scope.is_none()
                && f.township_id.is_none()
                && f.company_id.is_none()
                && f.statuses.is_none() =>
        {
            sqlite_text_matches(db, text).await?
        }
        Some(_) if backend == DbBackend::Postgres => match estimate(db, f).await? {
            Some(n) if n > ESTIMATE_ABOVE => {
                exact = false;
                (n, 0)
            }
            _ => (ledger_query(backend, f).count(db).await?, 0),
        },
        _ => {
            let total = ledger_query(backend, f).count(db).await?;
            let cases = if backend == DbBackend::Sqlite { last_case_id(db).await? } else { 0 };
            (total, cases)
        }
    };
    let total = Total { n: total, exact };
    if total.n == 0 {
        return Ok((Vec::new(), total));
    }
    if backend == DbBackend::Postgres && offset >= 200 {
        // A deep page: the ids first, from the index (only-index when the pages are all
        // visible), then the page's rows; not a heap fetch for every row skipped.
        let ids = ordered(ledger_query(backend, f), sort, desc)
            .select_only()
            .column(case::Column::Id)
            .offset(offset)
            .limit(per_page)
            .into_query();
        let rows = ordered(case::Entity::find().filter(case::Column::Id.in_subquery(ids)), sort, desc).all(db).await?;
        return Ok((rows, total));
    }
    let q = ordered(ledger_query(backend, f), sort, desc).offset(offset).limit(per_page);
    let rows = match sqlite_walk(backend, sort, desc) {
        // Rows the walk along the sort order's index reads for this page, if matches are
        // spread evenly, against looking up and sorting every match (a step of the walk costs
        // less than a look-up: the usual filters are checked in the index).
        Some(hint) if (offset + per_page).saturating_mul(cases) / total.n <= total.n.saturating_mul(4) => {
            let mut stmt = q.build(backend);
            stmt.sql = stmt.sql.replacen("FROM \"cases\"", &format!("FROM \"cases\" {hint}"), 1);
            case::Entity::find().from_raw_sql(stmt).all(db).await?
        }
        _ => q.all(db).await?,
    };
    Ok((rows, total))
}

/// PostgreSQL: the planner's estimate of the rows a ledger view matches (`EXPLAIN`, planned with
/// the view's parameters; nothing is executed). `None` on SQLite, which does not estimate.
pub async fn estimate<C: ConnectionTrait>(db: &C, f: &LedgerFilter) -> Result<Option<u64>, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let mut stmt =
        ledger_query(DbBackend::Postgres, f).select_only().column(case::Column::Id).build(DbBackend::Postgres);
    stmt.sql = format!("EXPLAIN (FORMAT JSON) {}", stmt.sql);
    let Some(row) = db.query_one_raw(stmt).await? else { return Ok(None) };
    let plan: serde_json::Value = row.try_get_by_index(0)?;
    Ok(plan.pointer("/0/Plan/Plan Rows").and_then(serde_json::Value::as_f64).map(|n| n.max(0.0) as u64))
}

/// SQLite has no statistics to choose, for a page, between the index of a filter (look up every
/// match, then sort them) and the index of the sort order (walk it, keep the matches, stop
/// after the page): it always takes the filter's, which costs a look-up per match — tens of
/// thousands for a township's open cases or a common word, tens of milliseconds for one page.
/// The ledger decides from the total it counts anyway, and names the sort order's index (or,
/// for the id order, the table itself) when walking it is cheaper. PostgreSQL plans this
/// itself.
fn sqlite_walk(backend: DbBackend, sort: LedgerSort, desc: bool) -> Option<&'static str> {
    if backend != DbBackend::Sqlite {
        return None;
    }
    match (sort, desc) {
        (LedgerSort::Deadline, false) => Some("INDEXED BY \"ix_cases_deadline_order\""),
        // No index gives "latest deadline first, no deadline last".
        (LedgerSort::Deadline, true) => None,
        (LedgerSort::Opened, _) => Some("NOT INDEXED"),
        (LedgerSort::Status, _) => Some("INDEXED BY \"ix_cases_status_deadline\""),
    }
}

/// The number of cases the filter matches (it restricts only scope, township, company and
/// status), and of all cases, summed from the tallies.
async fn tallies<C: ConnectionTrait>(db: &C, f: &LedgerFilter) -> Result<(u64, u64), DbErr> {
    use sea_orm::sea_query::{Alias, Func, Query};
    let col = |c: &str| Expr::col((Alias::new("case_tallies"), Alias::new(c)));
    let mut cond = Condition::all();
    if let Some(ids) = &f.township_ids {
        cond = cond.add(col("township_id").is_in(ids.clone()));
    }
    if let Some(id) = f.company_scope {
        cond = cond.add(col("company_id").eq(id));
    }
    if let Some(id) = f.township_id {
        cond = cond.add(col("township_id").eq(id));
    }
    if let Some(id) = f.company_id {
        cond = cond.add(col("company_id").eq(id));
    }
    if let Some(s) = &f.statuses {
        cond = cond.add(col("status").is_in(s.clone()));
    }
    let sum = |e: Expr| {
        let sum: Expr = Func::sum(e).into();
        Func::cast_as(Func::coalesce([sum, Expr::val(0i64)]), Alias::new("BIGINT"))
    };
    let q = Query::select()
        .expr_as(sum(Expr::case(cond, col("n")).finally(0i64).into()), Alias::new("total"))
        .expr_as(sum(col("n")), Alias::new("cases"))
        .from(Alias::new("case_tallies"))
        .to_owned();
    let row = db.query_one(&q).await?;
    let get = |c: &str| row.as_ref().map(|r| r.try_get::<i64>("", c)).transpose();
    Ok((u64::try_from(get("total")?.unwrap_or(0)).unwrap_or(0), u64::try_from(get("cases")?.unwrap_or(0)).unwrap_or(0)))
}

/// SQLite: cases matching a full-text query (read from the FTS index alone: `cases_fts` holds
/// exactly the cases' rows), and the last case id.
async fn sqlite_text_matches<C: ConnectionTrait>(db: &C, text: &str) -> Result<(u64, u64), DbErr> {
    let words = crate::search::words(text).iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n, (SELECT MAX(id) FROM cases) AS m FROM cases_fts WHERE cases_fts MATCH ?",
            [words.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => (r.try_get::<i64>("", "n")? as u64, r.try_get::<Option<i64>>("", "m")?.unwrap_or(0) as u64),
        None => (0, 0),
    })
}

async fn last_case_id<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT MAX(id) AS m FROM cases")).await?;
    Ok(row.map(|r| r.try_get::<Option<i64>>("", "m")).transpose()?.flatten().unwrap_or(0) as u64)
}

/// PostgreSQL: folds the deltas the triggers append to `case_tallies` into one row per
/// (township, company, status). The scanner runs it after each tick; until then a total sums a
/// few more rows. SQLite keeps one row per key already (see the migration).
pub async fn compact_tallies(db: &sea_orm::DatabaseConnection) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    if backend != DbBackend::Postgres {
        return Ok(());
    }
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM (SELECT 1 FROM case_tallies \
             GROUP BY township_id, company_id, status) AS k) AS keys FROM case_tallies",
        ))
        .await?;
    let Some(row) = row else { return Ok(()) };
    if row.try_get::<i64>("", "n")? <= row.try_get::<i64>("", "keys")? {
        return Ok(());
    }
    // One statement: what it deletes is exactly what it sums, whatever commits meanwhile (a
    // second compaction at the same time skips the rows this one deleted).
    db.execute_unprepared(
        "WITH gone AS (DELETE FROM case_tallies RETURNING township_id, company_id, status, n)
         INSERT INTO case_tallies (township_id, company_id, status, n)
         SELECT township_id, company_id, status, SUM(n) FROM gone
         GROUP BY township_id, company_id, status HAVING SUM(n) <> 0",
    )
    .await?;
    // Every total sums the table, and would read the dead versions the fold leaves until
    // autovacuum came by: 7 ms a total after a tick of 100,000 cases instead of 0.5 ms.
    db.execute_unprepared("VACUUM case_tallies").await?;
    Ok(())
}

/// Every case of the filter (for exports), at most `limit`.
pub async fn ledger_all<C: ConnectionTrait>(
    db: &C,
    f: &LedgerFilter,
    sort: LedgerSort,
    desc: bool,
    limit: u64,
) -> Result<Vec<case::Model>, DbErr> {
    ordered(ledger_query(db.get_database_backend(), f), sort, desc).limit(limit).all(db).await
}

/// Reserves the next notice number of (jurisdiction, year). The counter row is created on first
/// use and then incremented in the caller's transaction: on PostgreSQL the UPDATE holds the
/// row's lock until commit, so concurrent issuers queue; on SQLite writes are serialized.
pub async fn next_notice_seq<C: ConnectionTrait>(
    db: &C,
    jurisdiction_id: i64,
    year: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    next_seq(db, "notice", jurisdiction_id, year, now).await
}

/// The next number of a kind of document (`notice`, `reassessment`) for (jurisdiction, year):
/// the counter row is incremented in the caller's transaction (on PostgreSQL the UPDATE holds
/// its row lock until commit), so numbers are never reused nor duplicated.
pub async fn next_seq<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    jurisdiction_id: i64,
    year: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    notice_counter::Entity::insert(notice_counter::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        year: Set(year),
        kind: Set(kind.to_string()),
        last_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            notice_counter::Column::JurisdictionId,
            notice_counter::Column::Year,
            notice_counter::Column::Kind,
        ])
        .do_nothing()
        .to_owned(),
    )
    .try_insert()
    .exec(db)
    .await?;
    notice_counter::Entity::update_many()
        .col_expr(notice_counter::Column::LastSeq, Expr::col(notice_counter::Column::LastSeq).add(1))
        .col_expr(notice_counter::Column::UpdatedAt, Expr::value(now))
        .filter(notice_counter::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(notice_counter::Column::Year.eq(year))
        .filter(notice_counter::Column::Kind.eq(kind))
        .exec(db)
        .await?;
    let row = notice_counter::Entity::find()
        .filter(notice_counter::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(notice_counter::Column::Year.eq(year))
        .filter(notice_counter::Column::Kind.eq(kind))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("notice counter".into()))?;
    Ok(row.last_seq)
}

/// One notice.
pub async fn notice<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<notice::Model>, DbErr> {
    notice::Entity::find_by_id(id).one(db).await
}

/// Notices, newest first; of one company when given.
pub async fn notices<C: ConnectionTrait>(
    db: &C,
    company_id: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<notice::Model>, u64), DbErr> {
    let mut q = notice::Entity::find();
    if let Some(c) = company_id {
        q = q.filter(notice::Column::CompanyId.eq(c));
    }
    let total = q.clone().count(db).await?;
    let rows =
        q.order_by_desc(notice::Column::Id).offset(super::offset(page, per_page)).limit(per_page).all(db).await?;
    Ok((rows, total))
}

/// The case ids a notice covers.
pub async fn notice_case_ids<C: ConnectionTrait>(db: &C, notice_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(notice_case::Entity::find()
        .filter(notice_case::Column::NoticeId.eq(notice_id))
        .order_by_asc(notice_case::Column::CaseId)
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.case_id)
        .collect())
}

/// The notices covering a case, oldest first.
pub async fn notices_of_case<C: ConnectionTrait>(db: &C, case_id: i64) -> Result<Vec<notice::Model>, DbErr> {
    let ids: Vec<i64> = notice_case::Entity::find()
        .filter(notice_case::Column::CaseId.eq(case_id))
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.notice_id)
        .collect();
    notice::Entity::find().filter(notice::Column::Id.is_in(ids)).order_by_asc(notice::Column::Id).all(db).await
}

/// Notices issued before `before` and still not signed for, not yet flagged.
pub async fn unsigned_notices<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<Vec<notice::Model>, DbErr> {
    notice::Entity::find()
        .filter(notice::Column::Status.eq(NoticeStatus::Issued.as_str()))
        .filter(notice::Column::IssuedAt.lt(before))
        .filter(notice::Column::UnsignedFlaggedAt.is_null())
        .all(db)
        .await
}

/// Pending extension requests of a case.
pub async fn pending_extension<C: ConnectionTrait>(
    db: &C,
    case_id: i64,
) -> Result<Option<extension_request::Model>, DbErr> {
    extension_request::Entity::find()
        .filter(extension_request::Column::CaseId.eq(case_id))
        .filter(extension_request::Column::Status.eq(ExtensionStatus::Pending.as_str()))
        .one(db)
        .await
}

/// A company's request for a later deadline.
#[derive(Debug, Clone)]
pub struct NewExtensionRequest {
    pub case_id: i64,
    pub requested_by: i64,
    pub reason: String,
    pub requested_deadline: NaiveDate,
}

/// Inserts a pending extension request. Returns its id.
pub async fn insert_extension_request<C: ConnectionTrait>(
    db: &C,
    new: NewExtensionRequest,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let r = extension_request::ActiveModel {
        case_id: Set(new.case_id),
        requested_by: Set(new.requested_by),
        reason: Set(new.reason),
        requested_deadline: Set(new.requested_deadline),
        status: Set(ExtensionStatus::Pending.as_str().into()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(r.id)
}

/// Decides an extension request, only if it is still pending (compare-and-set: a second
/// decision at the same time fails instead of overwriting the first). Returns whether this call
/// decided it.
pub async fn decide_extension_if_pending<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: ExtensionStatus,
    at: DateTime<Utc>,
    by: i64,
    note: &str,
) -> Result<bool, DbErr> {
    let r = extension_request::Entity::update_many()
        .col_expr(extension_request::Column::Status, Expr::value(status.as_str()))
        .col_expr(extension_request::Column::DecidedBy, Expr::value(by))
        .col_expr(extension_request::Column::DecidedAt, Expr::value(at))
        .col_expr(extension_request::Column::DecisionNote, Expr::value(note))
        .col_expr(extension_request::Column::UpdatedAt, Expr::value(at))
        .filter(extension_request::Column::Id.eq(id))
        .filter(extension_request::Column::Status.eq(ExtensionStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Granted extension requests of a case, in the order they were decided.
pub async fn granted_extensions<C: ConnectionTrait>(
    db: &C,
    case_id: i64,
) -> Result<Vec<extension_request::Model>, DbErr> {
    extension_request::Entity::find()
        .filter(extension_request::Column::CaseId.eq(case_id))
        .filter(extension_request::Column::Status.eq(ExtensionStatus::Granted.as_str()))
        .order_by_asc(extension_request::Column::DecidedAt)
        .order_by_asc(extension_request::Column::Id)
        .all(db)
        .await
}

/// Escalation proposals of one status (newest first), of one case when given.
pub async fn escalation_proposals<C: ConnectionTrait>(
    db: &C,
    status: &str,
    case_id: Option<i64>,
) -> Result<Vec<escalation_proposal::Model>, DbErr> {
    let mut q = escalation_proposal::Entity::find().filter(escalation_proposal::Column::Status.eq(status));
    if let Some(c) = case_id {
        q = q.filter(escalation_proposal::Column::CaseId.eq(c));
    }
    q.order_by_desc(escalation_proposal::Column::Id).all(db).await
}

/// The holiday table.
pub async fn holidays<C: ConnectionTrait>(db: &C) -> Result<Vec<holiday::Model>, DbErr> {
    holiday::Entity::find().order_by_asc(holiday::Column::Day).all(db).await
}

// Queries used by jobs::scanner.

/// Cases in `status` whose deadline falls between `from` and `to` (both included), with ids
/// above `after_id`, by id, at most `limit` (one chunk of the reminder scan).
pub async fn with_deadline_between<C: ConnectionTrait>(
    db: &C,
    status: &str,
    from: NaiveDate,
    to: NaiveDate,
    after_id: i64,
    limit: u64,
) -> Result<Vec<case::Model>, DbErr> {
    case::Entity::find()
        .filter(case::Column::Status.eq(status))
        .filter(case::Column::Deadline.gte(from))
        .filter(case::Column::Deadline.lte(to))
        .filter(case::Column::Id.gt(after_id))
        .order_by_asc(case::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// What marking a case overdue reads of it.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct OverdueClaim {
    pub id: i64,
    pub problem_id: Option<i64>,
    pub company_id: Option<i64>,
    pub responsible_user_id: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub title: String,
}

/// Claims up to `limit` cases in `status` whose deadline is before `today`. Row locking is
/// backend-specific: on PostgreSQL `FOR UPDATE SKIP LOCKED` (another process's claimed rows are
/// skipped); SQLite has one writer, whose transaction already excludes everyone else.
///
/// So is the order. PostgreSQL takes the longest overdue first, exactly the order of
/// `ix_cases_status_deadline (status, deadline)`, and reads each chunk off the index. Ordered
/// by id, it walked the primary key past every case the chunks before had claimed (quadratic:
/// 500 cases/s at 100,000 due); and with any order the index does not give exactly, statistics
/// from before the cases fell due ("hardly any notice_issued") make it sort all remaining
/// candidates for every chunk. SQLite sorts the remaining candidates' ids off that index (7 ms a
/// chunk at 100,000 due), and marking cases in id order dirties far fewer pages per chunk than
/// in deadline order (a chunk costs about a third less to write and commit).
pub async fn claim_overdue<C: ConnectionTrait>(
    tx: &C,
    status: &str,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<OverdueClaim>, DbErr> {
    use sea_orm::FromQueryResult;
    let backend = tx.get_database_backend();
    // Only the columns a mark needs: decoding whole rows (descriptions, search text, instants)
    // cost about a fifth of a tick.
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT id, problem_id, company_id, responsible_user_id, deadline, title FROM cases \
             WHERE status = $1 AND deadline < $2 ORDER BY deadline LIMIT $3 FOR UPDATE SKIP LOCKED"
        }
        // The ids are sorted off the index alone; only the chunk's rows are read.
        _ => {
            "SELECT id, problem_id, company_id, responsible_user_id, deadline, title FROM cases WHERE id IN \
             (SELECT id FROM cases WHERE status = ? AND deadline < ? ORDER BY id LIMIT ?) ORDER BY id"
        }
    };
    OverdueClaim::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [status.into(), today.into(), (limit as i64).into()],
    ))
    .all(tx)
    .await
}

/// Sets the status of these cases, by id only (ids in lists of up to 1024): for rows this
/// transaction has claimed, whose status is known.
pub async fn set_status_of_claimed<C: ConnectionTrait>(
    tx: &C,
    ids: Vec<i64>,
    status: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in super::bulk_chunks(ids) {
        case::Entity::update_many()
            .col_expr(case::Column::Status, Expr::value(status))
            .col_expr(case::Column::UpdatedAt, Expr::value(at))
            .filter(case::Column::Id.is_in(chunk))
            .exec(tx)
            .await?;
    }
    Ok(())
}

/// Inserts case timeline lines in multi-row statements (as `insert_bulk` says).
pub async fn insert_events_bulk<C: ConnectionTrait>(
    db: &C,
    events: Vec<NewCaseEvent>,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = events.into_iter().map(|e| event_row(e, at)).collect();
    super::insert_bulk(db, rows, None).await
}

// Queries used by service::inspections.

/// A photo to attach to a case as evidence (its blob already stored).
#[derive(Debug, Clone)]
pub struct NewCasePhoto {
    pub case_id: i64,
    pub case_event_id: Option<i64>,
    pub item_code: Option<String>,
    /// The SM3 digest of the blob.
    pub digest: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
}

/// Attaches photos to cases (bulk).
pub async fn insert_photos<C: ConnectionTrait>(
    db: &C,
    photos: Vec<NewCasePhoto>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::ActiveValue::Set;
    let rows: Vec<_> = photos
        .into_iter()
        .map(|p| case_photo::ActiveModel {
            case_id: Set(p.case_id),
            case_event_id: Set(p.case_event_id),
            item_code: Set(p.item_code),
            digest: Set(p.digest),
            byte_size: Set(p.byte_size),
            width: Set(p.width),
            height: Set(p.height),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

// Queries used by service::demo.

/// The first case (lowest id) in a status.
pub async fn first_in_status<C: ConnectionTrait>(db: &C, status: &str) -> Result<Option<case::Model>, DbErr> {
    case::Entity::find().filter(case::Column::Status.eq(status)).order_by_asc(case::Column::Id).one(db).await
}

/// Cases in any of the statuses, by id.
pub async fn in_statuses<C: ConnectionTrait>(db: &C, statuses: &[&str]) -> Result<Vec<case::Model>, DbErr> {
    case::Entity::find()
        .filter(case::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(case::Column::Id)
        .all(db)
        .await
}
