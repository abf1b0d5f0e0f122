//! The only place that talks to the database: connection, migrations, entities and queries.
//!
//! SQLite (the embedded default) runs with one pooled connection in WAL mode: every
//! transaction is serialized, which keeps the audit chain and numbering correct without
//! SQLite's upgrade deadlocks. PostgreSQL runs with a normal pool; the same code serves both.

pub mod accounts;
pub mod audit;
pub mod blobs;
pub mod campaigns;
pub mod cases;
pub mod catalog;
pub mod communities;
pub mod companies;
pub mod complaints;
pub mod decisions;
pub mod demo;
pub mod departments;
pub mod disclosures;
pub mod dismissals;
pub mod entities;
pub mod escalations;
pub mod exits;
pub mod holidays;
pub mod inspections;
pub mod jurisdictions;
pub mod litigation;
pub mod mail;
pub mod migration;
pub mod notices;
pub mod notifications;
pub mod open311;
pub mod public;
pub mod reassessments;
pub mod referrals;
pub mod revenue;
pub mod roster;
pub mod session_store;
pub mod surveys;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;

/// Opens the database named by `url`, creating a SQLite file (and its directory) if needed.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut url = url.to_string();
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap_or_default();
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
        }
    }
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(if sqlite { 1 } else { 10 })
        .min_connections(if sqlite { 1 } else { 0 });
    if sqlite {
        // One connection, never recycled, so the pragmas below stay in force.
        opts.idle_timeout(Duration::from_secs(u64::MAX / 4)).max_lifetime(None);
    }
    let db = Database::connect(opts).await?;
    if sqlite {
        // Durable commits (FULL: the WAL is synced at every commit). The WAL is folded into the
        // database every 16,000 pages (64 MB) rather than SQLite's 1,000: a scanner chunk
        // rewrites the same index pages as the one before, and each checkpoint writes and syncs
        // them once (a tick over 100,000 cases took a third longer checkpointing every 4,000).
        db.execute_unprepared(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; \
             PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16000;",
        )
        .await?;
    }
    Ok(db)
}

/// The pool for reads that need no write in the same transaction (the ledger, exports, session
/// look-ups). On SQLite, read-only connections of their own: WAL lets them read in parallel
/// with each other and with the one writer, so a page view neither waits for a scanner tick or
/// an intake commit nor for another page view. On PostgreSQL, the same pool as the writer.
pub async fn connect_reader(
    url: &str,
    writer: &DatabaseConnection,
    connections: u32,
) -> anyhow::Result<DatabaseConnection> {
    if writer.get_database_backend() != DbBackend::Sqlite || connections == 0 {
        return Ok(writer.clone());
    }
    let mut url = url.to_string();
    // The writer has created the file and its WAL; these connections only read.
    url = url.replace("mode=rwc", "mode=ro");
    if !url.contains("mode=") {
        url.push_str(if url.contains('?') { "&mode=ro" } else { "?mode=ro" });
    }
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(connections)
        .min_connections(1)
        .map_sqlx_sqlite_opts(|o| {
            o.busy_timeout(Duration::from_secs(10)).pragma("query_only", "1").pragma("foreign_keys", "1")
        });
    Ok(Database::connect(opts).await?)
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        learn_unique_columns(db).await?;
    }
    Ok(())
}

/// SQLite reports a unique violation by its columns ("UNIQUE constraint failed: companies.
/// credit_code"), not by the index's name: the columns of every `uq_` index, as SQLite words
/// them, read once from the schema (the same for every database this process opens).
static UNIQUE_COLUMNS: std::sync::OnceLock<std::collections::HashMap<String, String>> = std::sync::OnceLock::new();

async fn learn_unique_columns(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::Statement;
    if UNIQUE_COLUMNS.get().is_some() {
        return Ok(());
    }
    let mut map = std::collections::HashMap::new();
    let indexes = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name LIKE 'uq!_%' ESCAPE '!'",
        ))
        .await?;
    for row in indexes {
        let (name, table): (String, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let columns: Vec<String> = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                [name.clone().into()],
            ))
            .await?
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).map(|c| format!("{table}.{c}")))
            .collect::<Result<_, _>>()?;
        map.insert(name, columns.join(", "));
    }
    let _ = UNIQUE_COLUMNS.set(map);
    Ok(())
}

/// Whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Whether a database error is the violation of the named unique or foreign-key constraint.
pub fn violates(err: &DbErr, constraint: &str) -> bool {
    let text = err.to_string();
    if text.contains(constraint) {
        return true;
    }
    // SQLite names the columns, not the index: "UNIQUE constraint failed: companies.credit_code".
    constraint_columns(constraint).is_some_and(|cols| text.contains(cols))
}

fn constraint_columns(constraint: &str) -> Option<&'static str> {
    UNIQUE_COLUMNS.get()?.get(constraint).map(String::as_str)
}

/// The full-text condition on `<table>.search_text` (jieba's words, space-separated) for a
/// query: every word must occur. Backend-specific by necessity (SQLite FTS5 on `<table>_fts`,
/// PostgreSQL tsvector with a GIN index), and only here. `table` is a literal of ours.
pub fn full_text(backend: DbBackend, table: &'static str, query: &str) -> Option<sea_orm::sea_query::SimpleExpr> {
    use sea_orm::sea_query::Expr;
    let words = crate::search::words(query);
    if words.is_empty() {
        return None;
    }
    Some(match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            format!("to_tsvector('simple', \"{table}\".\"search_text\") @@ plainto_tsquery('simple', $1)"),
            [words.join(" ")],
        ),
        _ => {
            let fts_query = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");
            Expr::cust_with_values(
                format!("\"{table}\".\"id\" IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"),
                [fts_query],
            )
        }
    })
}

/// Pool figures for /metrics: (connections open, idle).
pub fn pool_stats(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let p = db.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        }
        DbBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (p.size(), p.num_idle())
        }
        _ => (0, 0),
    }
}

/// Writes a consistent copy of a live SQLite database to `dest` (SQLite `VACUUM INTO`).
pub async fn backup_sqlite(db: &DatabaseConnection, dest: &std::path::Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.get_database_backend() == DbBackend::Sqlite,
        "backup 仅适用于 SQLite；PostgreSQL 请使用 pg_dump"
    );
    anyhow::ensure!(!dest.exists(), "目标文件已存在：{}", dest.display());
    let path = dest.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{path}'")).await?;
    Ok(())
}

/// Splits rows for multi-row statements into chunks whose sizes are powers of two (at most 64):
/// a group of any size then uses at most seven statement shapes, which the database keeps
/// prepared, instead of a new shape (parsed and planned afresh) for every group size.
pub fn pow2_chunks<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    pow2_chunks_upto(rows, 64)
}

/// Like [`pow2_chunks`] but up to 1024: for the bulk reads and updates of the scanner and of
/// exports, where 64-id `IN (…)` lists cost more in round trips than in planning.
pub fn bulk_chunks<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    pow2_chunks_upto(rows, 1024)
}

/// Chunks whose sizes are powers of two, at most `max` (rounded down to a power of two).
fn pow2_chunks_upto<T>(mut rows: Vec<T>, max: usize) -> Vec<Vec<T>> {
    let max = 1usize << (usize::BITS - 1 - max.max(1).leading_zeros());
    let mut out = Vec::new();
    while !rows.is_empty() {
        let size = max.min(1 << (usize::BITS - 1 - rows.len().leading_zeros()));
        let rest = rows.split_off(size);
        out.push(rows);
        rows = rest;
    }
    out
}

/// Inserts many rows of one entity in as few statements as the backend allows; returns how
/// many were inserted. `skip_conflicts_on` is a unique column whose duplicates are skipped.
///
/// On PostgreSQL the rows travel as one JSON parameter (`json_populate_recordset`): one short
/// statement however many rows, instead of a multi-row VALUES list cut into statements of 32
/// rows (sqlx leaves Nagle's algorithm on, and a statement that spans several TCP segments can
/// wait for a delayed ACK). On SQLite, in process, multi-row INSERTs of up to 1024 rows, fewer
/// when the rows are wide (a statement binds at most 32,766 parameters).
pub async fn insert_bulk<C, A>(
    db: &C,
    rows: Vec<A>,
    skip_conflicts_on: Option<<A::Entity as sea_orm::EntityTrait>::Column>,
) -> Result<u64, DbErr>
where
    C: ConnectionTrait,
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::sea_query::OnConflict;
    use sea_orm::{EntityName, EntityTrait, IdenStatic, Iterable};
    let Some(first) = rows.first() else { return Ok(0) };
    let columns: Vec<_> = <A::Entity as EntityTrait>::Column::iter().filter(|c| first.get(*c).is_set()).collect();
    let backend = db.get_database_backend();
    if backend != DbBackend::Postgres {
        let mut n = 0;
        for chunk in pow2_chunks_upto(rows, 1024.min(32_766 / columns.len().max(1))) {
            let mut q = <A::Entity as EntityTrait>::insert_many(chunk);
            if let Some(col) = skip_conflicts_on {
                q = q.on_conflict(OnConflict::column(col).do_nothing().to_owned());
            }
            n += match q.try_insert().exec_without_returning(db).await? {
                sea_orm::TryInsertResult::Inserted(k) => k,
                _ => 0,
            };
        }
        return Ok(n);
    }
    let mut json = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut obj = serde_json::Map::with_capacity(columns.len());
        for c in &columns {
            obj.insert(c.as_str().to_string(), json_of(row.get(*c).into_value()));
        }
        json.push(serde_json::Value::Object(obj));
    }
    let names = columns.iter().map(|c| format!("\"{}\"", c.as_str())).collect::<Vec<_>>().join(", ");
    let table = <A::Entity as Default>::default().table_name().to_string();
    let mut sql = format!(
        "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
    );
    if let Some(col) = skip_conflicts_on {
        sql.push_str(&format!(" ON CONFLICT (\"{}\") DO NOTHING", col.as_str()));
    }
    let r = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [serde_json::Value::Array(json).to_string().into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

/// A column value as `json_populate_recordset` reads it back.
fn json_of(v: Option<sea_orm::Value>) -> serde_json::Value {
    use sea_orm::Value;
    use serde_json::Value as J;
    match v {
        None => J::Null,
        Some(Value::ChronoDateTimeUtc(d)) => d.map(|d| J::String(d.to_rfc3339())).unwrap_or(J::Null),
        Some(Value::ChronoDateTimeWithTimeZone(d)) => d.map(|d| J::String(d.to_rfc3339())).unwrap_or(J::Null),
        Some(Value::ChronoDate(d)) => d.map(|d| J::String(d.to_string())).unwrap_or(J::Null),
        Some(Value::Json(j)) => j.map(|j| *j).unwrap_or(J::Null),
        Some(Value::Bytes(b)) => b.map(|b| J::String(format!("\\x{}", hex::encode(b)))).unwrap_or(J::Null),
        Some(v) => sea_orm::sea_query::sea_value_to_json_value(&v),
    }
}

/// The row offset of a page, saturating instead of overflowing (a huge `page` from a URL must
/// not panic; the offset is bound as an i64).
pub fn offset(page: u64, per_page: u64) -> u64 {
    page.saturating_sub(1).saturating_mul(per_page).min(i64::MAX as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn chunks_are_powers_of_two() {
        let sizes = |n: usize| super::pow2_chunks((0..n).collect::<Vec<_>>()).iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), vec![1]);
        assert_eq!(sizes(11), vec![8, 2, 1]);
        assert_eq!(sizes(150), vec![64, 64, 16, 4, 2]);
    }

    #[test]
    fn a_bound_that_is_not_a_power_of_two_rounds_down() {
        // 32,766 parameters / 15 columns = 2,184 rows: statements of at most 2,048.
        let sizes = super::pow2_chunks_upto((0..5000).collect::<Vec<_>>(), 2184);
        assert_eq!(sizes.iter().map(Vec::len).collect::<Vec<_>>(), vec![2048, 2048, 512, 256, 128, 8]);
        assert_eq!(sizes.concat(), (0..5000).collect::<Vec<_>>(), "every row once, in order");
    }
}
