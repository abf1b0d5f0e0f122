//! Complaint intake: clues from every channel, their timeline, and the problem list they feed.
//!
//! Why some choices:
//! - complainants' names, phones and emails are stored only sealed (SM4-GCM, key id inside the
//!   value) with a keyed SM3 index of the phone for finding repeat callers without decrypting;
//! - the township is copied onto the clue so scope filters need no join;
//! - deadlines are stored, not recomputed, so a later change of the rule does not move the
//!   deadlines of clues already received.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000002_complaints"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Partner systems (the 12345 hotline, apps) that post clues over Open311; the key is
        // stored only as its SM3 digest.
        m.create_table(
            table("open311_partners")
                .col(string_len(n("name"), 100))
                .col(string_len(n("api_key_hash"), 64))
                .col(boolean(n("active")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_open311_partners_key", "open311_partners", &["api_key_hash"], true)).await?;

        m.create_table(
            table("problems")
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(big_integer(n("township_id")))
                .col(string_len(n("catalog_code"), 16))
                .col(string_len(n("title"), 200))
                .col(text(n("description")))
                .col(string_len(n("status"), 20))
                .col(string_len(n("source"), 20))
                .col(big_integer_null(n("created_by")))
                .foreign_key(&mut fk("fk_problems_community", "problems", "community_id", "communities"))
                .foreign_key(&mut fk("fk_problems_company", "problems", "company_id", "companies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_problems_community", "problems", &["community_id", "catalog_code"], false)).await?;

        m.create_table(
            table("complaints")
                .col(string_len(n("tracking_code"), 20))
                .col(string_len(n("channel"), 20))
                .col(string_len(n("status"), 20))
                .col(big_integer_null(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(big_integer_null(n("township_id")))
                .col(string_len_null(n("catalog_code"), 16))
                .col(text(n("description")))
                .col(boolean(n("anonymous")))
                .col(text_null(n("name_sealed")))
                .col(text_null(n("phone_sealed")))
                .col(text_null(n("email_sealed")))
                .col(string_len_null(n("phone_index"), 64))
                .col(big_integer_null(n("operator_user_id")))
                .col(big_integer_null(n("partner_id")))
                .col(string_len_null(n("external_ref"), 200))
                .col(big_integer_null(n("problem_id")))
                .col(big_integer_null(n("department_id")))
                .col(text(n("public_answer")))
                .col(text(n("search_text")))
                .col(timestamp_with_time_zone(n("received_at")))
                .col(timestamp_with_time_zone(n("acceptance_due")))
                .col(timestamp_with_time_zone_null(n("triaged_at")))
                .col(timestamp_with_time_zone_null(n("closure_due")))
                .col(boolean(n("extended")))
                .col(timestamp_with_time_zone_null(n("closed_at")))
                .foreign_key(&mut fk("fk_complaints_community", "complaints", "community_id", "communities"))
                .foreign_key(&mut fk("fk_complaints_company", "complaints", "company_id", "companies"))
                .foreign_key(&mut fk("fk_complaints_problem", "complaints", "problem_id", "problems"))
                .foreign_key(&mut fk("fk_complaints_department", "complaints", "department_id", "departments"))
                .foreign_key(&mut fk("fk_complaints_operator", "complaints", "operator_user_id", "users"))
                .foreign_key(&mut fk("fk_complaints_partner", "complaints", "partner_id", "open311_partners"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_complaints_tracking_code", "complaints", &["tracking_code"], true)).await?;
        m.create_index(index("uq_complaints_external_ref", "complaints", &["channel", "external_ref"], true)).await?;
        m.create_index(index("ix_complaints_status", "complaints", &["status", "received_at"], false)).await?;
        m.create_index(index("ix_complaints_township", "complaints", &["township_id"], false)).await?;
        m.create_index(index("ix_complaints_phone_index", "complaints", &["phone_index"], false)).await?;

        // Chinese full-text search: `search_text` holds jieba's segmentation (words separated
        // by spaces), which both backends' simple tokenizers then index.
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE complaints_fts USING fts5(search_text, content='complaints', content_rowid='id', tokenize='unicode61');
                     CREATE TRIGGER tr_complaints_fts_insert AFTER INSERT ON complaints BEGIN
                       INSERT INTO complaints_fts(rowid, search_text) VALUES (new.id, new.search_text);
                     END;
                     CREATE TRIGGER tr_complaints_fts_update AFTER UPDATE OF search_text ON complaints BEGIN
                       INSERT INTO complaints_fts(complaints_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                       INSERT INTO complaints_fts(rowid, search_text) VALUES (new.id, new.search_text);
                     END;
                     CREATE TRIGGER tr_complaints_fts_delete AFTER DELETE ON complaints BEGIN
                       INSERT INTO complaints_fts(complaints_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                     END;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE INDEX ix_complaints_search ON complaints USING GIN (to_tsvector('simple', search_text))",
                )
                .await?;
            }
        }

        // The timeline: `public_text` is what the complainant reads on the tracking page;
        // `internal_note` is for staff only.
        m.create_table(
            Table::create()
                .table(n("complaint_events"))
                .col(big_pk_auto(n("id")))
                .col(big_integer(n("complaint_id")))
                .col(string_len(n("kind"), 40))
                .col(text(n("public_text")))
                .col(text(n("internal_note")))
                .col(big_integer_null(n("actor_user_id")))
                .col(timestamp_with_time_zone(n("created_at")))
                .foreign_key(&mut fk("fk_complaint_events_complaint", "complaint_events", "complaint_id", "complaints"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_complaint_events_complaint", "complaint_events", &["complaint_id", "id"], false))
            .await?;

        // Photos are re-encoded (which drops EXIF and location) and stored content-addressed
        // under the data directory by their SM3 digest; the table links them to clues.
        m.create_table(
            Table::create()
                .table(n("complaint_photos"))
                .col(big_pk_auto(n("id")))
                .col(big_integer(n("complaint_id")))
                .col(string_len(n("digest"), 64))
                .col(big_integer(n("byte_size")))
                .col(integer(n("width")))
                .col(integer(n("height")))
                .col(timestamp_with_time_zone(n("created_at")))
                .foreign_key(&mut fk("fk_complaint_photos_complaint", "complaint_photos", "complaint_id", "complaints"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_complaint_photos_complaint", "complaint_photos", &["complaint_id"], false)).await?;
        Ok(())
    }
}
