//! The ledger at a provincial scale (a million cases): its default order from an index, and its
//! totals from a tally instead of counting the rows on every page.
//!
//! Why:
//! - the default order is "deadline, earliest first, cases without a deadline last"
//!   (`ORDER BY deadline IS NULL, deadline, id`). `ix_cases_deadline (deadline, id)` cannot give
//!   it on either backend (SQLite sorts NULLs first, PostgreSQL last, and the page puts them
//!   last on both), so every page sorted the whole table: about a second at a million cases. An
//!   index on the order's own expressions gives the page in index order, and with the usual
//!   filter columns after them it answers "a township's open cases" without reading the rows
//!   it skips;
//! - the page shows the exact number of matching cases. Counting them is linear: 270 ms for a
//!   million rows on PostgreSQL (visibility checks), 2–8 ms on SQLite, on every page. The usual
//!   views (by scope, township, company, status) are summed from `case_tallies` instead: per
//!   (township, company, status), the number of cases, kept by triggers on `cases` in the
//!   writing transaction itself, so a total is exact and as current as the rows it counts.
//!   On PostgreSQL, triggers append signed deltas rather than update one row per key: writers
//!   never wait for each other on a tally row (nor deadlock on two of them), and the scanner
//!   compacts the deltas into one row per key (`db::cases::compact_tallies`). SQLite has one
//!   writer, and keeps one row per key. Other filters count rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000007_ledger_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // Same index SQL on both backends (SQLite has indexes on expressions since 3.9). The
        // columns after the order's are the usual filters: a walk along the order checks them in
        // the index and reads only the rows of the page (on PostgreSQL, an index-only scan).
        db.execute_unprepared(
            "CREATE INDEX ix_cases_deadline_order ON cases ((deadline IS NULL), deadline, id, township_id, company_id, status)",
        )
        .await?;
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                // One writer: one row per key, moved by upserts on a table small enough to stay
                // in the page cache (the company is 0 when there is none, so that the key is
                // unique). Appending deltas instead, as PostgreSQL does below, wrote two rows per
                // changed case and compacted them afterwards: a fifth of a scanner tick.
                db.execute_unprepared(
                    "CREATE TABLE case_tallies (
                       id INTEGER PRIMARY KEY,
                       township_id INTEGER NOT NULL,
                       company_id INTEGER NOT NULL,
                       status TEXT NOT NULL,
                       n INTEGER NOT NULL
                     );
                     CREATE UNIQUE INDEX uq_case_tallies_key ON case_tallies (township_id, company_id, status);
                     INSERT INTO case_tallies (township_id, company_id, status, n)
                       SELECT township_id, COALESCE(company_id, 0), status, COUNT(*) FROM cases
                       GROUP BY township_id, COALESCE(company_id, 0), status;
                     CREATE TRIGGER tr_case_tallies_insert AFTER INSERT ON cases BEGIN
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         VALUES (new.township_id, COALESCE(new.company_id, 0), new.status, 1)
                         ON CONFLICT (township_id, company_id, status) DO UPDATE SET n = n + 1;
                     END;
                     CREATE TRIGGER tr_case_tallies_update AFTER UPDATE OF township_id, company_id, status ON cases
                     WHEN old.township_id IS NOT new.township_id OR old.company_id IS NOT new.company_id
                       OR old.status IS NOT new.status BEGIN
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         VALUES (old.township_id, COALESCE(old.company_id, 0), old.status, -1)
                         ON CONFLICT (township_id, company_id, status) DO UPDATE SET n = n - 1;
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         VALUES (new.township_id, COALESCE(new.company_id, 0), new.status, 1)
                         ON CONFLICT (township_id, company_id, status) DO UPDATE SET n = n + 1;
                     END;
                     CREATE TRIGGER tr_case_tallies_delete AFTER DELETE ON cases BEGIN
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         VALUES (old.township_id, COALESCE(old.company_id, 0), old.status, -1)
                         ON CONFLICT (township_id, company_id, status) DO UPDATE SET n = n - 1;
                     END;",
                )
                .await?;
            }
            _ => {
                // Statement-level triggers with transition tables: one INSERT of the statement's
                // net change per key, however many rows it touched.
                db.execute_unprepared(
                    "CREATE TABLE case_tallies (
                       id BIGSERIAL PRIMARY KEY,
                       township_id BIGINT NOT NULL,
                       company_id BIGINT,
                       status VARCHAR(20) NOT NULL,
                       n BIGINT NOT NULL
                     );
                     INSERT INTO case_tallies (township_id, company_id, status, n)
                       SELECT township_id, company_id, status, COUNT(*) FROM cases GROUP BY township_id, company_id, status;
                     CREATE FUNCTION case_tallies_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         SELECT township_id, company_id, status, COUNT(*) FROM new_rows
                         GROUP BY township_id, company_id, status;
                       RETURN NULL;
                     END $$;
                     CREATE FUNCTION case_tallies_update() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         SELECT township_id, company_id, status, SUM(d) FROM (
                           SELECT township_id, company_id, status, 1 AS d FROM new_rows
                           UNION ALL
                           SELECT township_id, company_id, status, -1 AS d FROM old_rows
                         ) AS changes
                         GROUP BY township_id, company_id, status HAVING SUM(d) <> 0;
                       RETURN NULL;
                     END $$;
                     CREATE FUNCTION case_tallies_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       INSERT INTO case_tallies (township_id, company_id, status, n)
                         SELECT township_id, company_id, status, -COUNT(*) FROM old_rows
                         GROUP BY township_id, company_id, status;
                       RETURN NULL;
                     END $$;
                     CREATE TRIGGER tr_case_tallies_insert AFTER INSERT ON cases
                       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_insert();
                     CREATE TRIGGER tr_case_tallies_update AFTER UPDATE ON cases
                       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                       FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_update();
                     CREATE TRIGGER tr_case_tallies_delete AFTER DELETE ON cases
                       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_delete();",
                )
                .await?;
            }
        }
        Ok(())
    }
}
