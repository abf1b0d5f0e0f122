//! The work ledger (工作台账): cases with their items, timeline and photos; rectification
//! notices (整改通知书) with their per-year, per-jurisdiction numbering; extension requests,
//! escalation proposals; the holiday table for working-day deadlines; in-app notifications.
//!
//! Why some choices:
//! - a case's deadline is a date (完成时限 is a day, counted in Asia/Shanghai), not an instant;
//! - notice numbers come from a counter row per (jurisdiction, year), incremented in the issuing
//!   transaction (a row lock on PostgreSQL, the single writer on SQLite), and the number itself is
//!   unique: a number is never reused nor given twice, even under concurrent issuing;
//! - the notice's PDF is rendered once and kept with its SM3 digest: what the company signed for
//!   can be proven unchanged;
//! - notifications carry a unique `dedupe_key`, which makes the scanner idempotent: a second tick
//!   at the same instant (or a second server process) cannot remind twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_ledger"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("holidays")
                .col(date(n("day")))
                .col(string_len(n("kind"), 10))
                .col(string_len(n("name"), 50))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_holidays_day", "holidays", &["day"], true)).await?;

        m.create_table(
            table("cases")
                .col(big_integer_null(n("problem_id")))
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(big_integer(n("township_id")))
                .col(string_len(n("title"), 200))
                .col(text(n("facts")))
                .col(string_len(n("status"), 20))
                .col(big_integer_null(n("responsible_user_id")))
                .col(date_null(n("deadline")))
                .col(integer(n("extensions")))
                .col(string_len(n("source"), 20))
                .col(text(n("search_text")))
                .col(big_integer_null(n("opened_by")))
                .col(timestamp_with_time_zone_null(n("closed_at")))
                .foreign_key(&mut fk("fk_cases_problem", "cases", "problem_id", "problems"))
                .foreign_key(&mut fk("fk_cases_community", "cases", "community_id", "communities"))
                .foreign_key(&mut fk("fk_cases_company", "cases", "company_id", "companies"))
                .foreign_key(&mut fk("fk_cases_township", "cases", "township_id", "jurisdictions"))
                .foreign_key(&mut fk("fk_cases_responsible", "cases", "responsible_user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_cases_problem", "cases", &["problem_id"], true)).await?;
        m.create_index(index("ix_cases_status_deadline", "cases", &["status", "deadline"], false)).await?;
        m.create_index(index("ix_cases_deadline", "cases", &["deadline", "id"], false)).await?;
        m.create_index(index("ix_cases_company", "cases", &["company_id", "status"], false)).await?;
        m.create_index(index("ix_cases_township", "cases", &["township_id", "status"], false)).await?;
        m.create_index(index("ix_cases_community", "cases", &["community_id"], false)).await?;
        m.create_index(index("ix_cases_responsible", "cases", &["responsible_user_id", "status"], false)).await?;

        m.create_table(
            table("case_items")
                .col(big_integer(n("case_id")))
                .col(string_len(n("catalog_code"), 16))
                .foreign_key(&mut fk("fk_case_items_case", "case_items", "case_id", "cases"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_case_items", "case_items", &["case_id", "catalog_code"], true)).await?;
        m.create_index(index("ix_case_items_code", "case_items", &["catalog_code", "case_id"], false)).await?;

        // The timeline: `public_text` reaches the complainants of the merged clues; `note` is
        // for the bureau and the company.
        m.create_table(
            table("case_events")
                .col(big_integer(n("case_id")))
                .col(string_len(n("kind"), 30))
                .col(string_len(n("from_status"), 20))
                .col(string_len(n("to_status"), 20))
                .col(text(n("note")))
                .col(text(n("public_text")))
                .col(date_null(n("deadline")))
                .col(big_integer_null(n("actor_user_id")))
                .col(string_len(n("actor_name"), 100))
                .foreign_key(&mut fk("fk_case_events_case", "case_events", "case_id", "cases"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_case_events_case", "case_events", &["case_id", "id"], false)).await?;

        m.create_table(
            table("case_photos")
                .col(big_integer(n("case_id")))
                .col(big_integer_null(n("case_event_id")))
                .col(string_len(n("digest"), 64))
                .col(big_integer(n("byte_size")))
                .col(integer(n("width")))
                .col(integer(n("height")))
                .foreign_key(&mut fk("fk_case_photos_case", "case_photos", "case_id", "cases"))
                .foreign_key(&mut fk("fk_case_photos_event", "case_photos", "case_event_id", "case_events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_case_photos_case", "case_photos", &["case_id"], false)).await?;

        m.create_table(
            table("notice_counters")
                .col(big_integer(n("jurisdiction_id")))
                .col(integer(n("year")))
                .col(integer(n("last_seq")))
                .foreign_key(&mut fk(
                    "fk_notice_counters_jurisdiction",
                    "notice_counters",
                    "jurisdiction_id",
                    "jurisdictions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_notice_counters", "notice_counters", &["jurisdiction_id", "year"], true)).await?;

        m.create_table(
            table("notices")
                .col(string_len(n("number"), 100))
                .col(big_integer(n("jurisdiction_id")))
                .col(integer(n("year")))
                .col(integer(n("seq")))
                .col(big_integer(n("company_id")))
                .col(date(n("deadline")))
                .col(text(n("body")))
                .col(string_len(n("contact"), 200))
                .col(string_len(n("status"), 20))
                .col(big_integer(n("issued_by")))
                .col(timestamp_with_time_zone(n("issued_at")))
                .col(timestamp_with_time_zone_null(n("signed_at")))
                .col(big_integer_null(n("signed_by")))
                .col(timestamp_with_time_zone_null(n("unsigned_flagged_at")))
                .col(string_len(n("pdf_digest"), 64))
                .col(big_integer(n("pdf_bytes")))
                .foreign_key(&mut fk("fk_notices_jurisdiction", "notices", "jurisdiction_id", "jurisdictions"))
                .foreign_key(&mut fk("fk_notices_company", "notices", "company_id", "companies"))
                .foreign_key(&mut fk("fk_notices_issued_by", "notices", "issued_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_notices_number", "notices", &["number"], true)).await?;
        m.create_index(index("uq_notices_seq", "notices", &["jurisdiction_id", "year", "seq"], true)).await?;
        m.create_index(index("ix_notices_company", "notices", &["company_id", "status"], false)).await?;

        m.create_table(
            table("notice_cases")
                .col(big_integer(n("notice_id")))
                .col(big_integer(n("case_id")))
                .foreign_key(&mut fk("fk_notice_cases_notice", "notice_cases", "notice_id", "notices"))
                .foreign_key(&mut fk("fk_notice_cases_case", "notice_cases", "case_id", "cases"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_notice_cases", "notice_cases", &["notice_id", "case_id"], true)).await?;
        m.create_index(index("ix_notice_cases_case", "notice_cases", &["case_id"], false)).await?;

        m.create_table(
            table("extension_requests")
                .col(big_integer(n("case_id")))
                .col(big_integer(n("requested_by")))
                .col(text(n("reason")))
                .col(date(n("requested_deadline")))
                .col(string_len(n("status"), 20))
                .col(big_integer_null(n("decided_by")))
                .col(timestamp_with_time_zone_null(n("decided_at")))
                .col(text(n("decision_note")))
                .foreign_key(&mut fk("fk_extension_requests_case", "extension_requests", "case_id", "cases"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_extension_requests_case", "extension_requests", &["case_id", "status"], false))
            .await?;

        m.create_table(
            table("escalation_proposals")
                .col(big_integer(n("case_id")))
                .col(string_len(n("reason"), 20))
                .col(text(n("note")))
                .col(string_len(n("status"), 20))
                .col(big_integer_null(n("decided_by")))
                .col(timestamp_with_time_zone_null(n("decided_at")))
                .col(text(n("decision_note")))
                .foreign_key(&mut fk("fk_escalation_proposals_case", "escalation_proposals", "case_id", "cases"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_escalation_proposals_case", "escalation_proposals", &["case_id", "status"], false))
            .await?;
        m.create_index(index("ix_escalation_proposals_status", "escalation_proposals", &["status"], false)).await?;

        // In-app notifications, to one account or to every account of a company.
        m.create_table(
            table("notifications")
                .col(big_integer_null(n("user_id")))
                .col(big_integer_null(n("company_id")))
                .col(string_len(n("kind"), 40))
                .col(string_len(n("title"), 200))
                .col(text(n("body")))
                .col(big_integer_null(n("case_id")))
                .col(big_integer_null(n("notice_id")))
                .col(string_len(n("dedupe_key"), 200))
                .col(timestamp_with_time_zone_null(n("read_at")))
                .foreign_key(&mut fk("fk_notifications_user", "notifications", "user_id", "users"))
                .foreign_key(&mut fk("fk_notifications_company", "notifications", "company_id", "companies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_notifications_dedupe", "notifications", &["dedupe_key"], true)).await?;
        m.create_index(index("ix_notifications_user", "notifications", &["user_id", "id"], false)).await?;
        m.create_index(index("ix_notifications_company", "notifications", &["company_id", "id"], false)).await?;

        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, content='cases', content_rowid='id', tokenize='unicode61');
                     CREATE TRIGGER tr_cases_fts_insert AFTER INSERT ON cases BEGIN
                       INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text);
                     END;
                     CREATE TRIGGER tr_cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN
                       INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                       INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text);
                     END;
                     CREATE TRIGGER tr_cases_fts_delete AFTER DELETE ON cases BEGIN
                       INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                     END;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE INDEX ix_cases_search ON cases USING GIN (to_tsvector('simple', search_text))",
                )
                .await?;
            }
        }
        Ok(())
    }
}
