//! Evidence inside the database: every stored file (photos, notice and letter PDFs, litigation
//! papers, disclosure attachments) becomes a content-addressed row of `blobs`, written in the
//! transaction of the record that refers to it. Rows are immutable (a trigger refuses UPDATE and
//! DELETE), so a digest once referred to always yields the same bytes.
//!
//! Files written under `data/` before this migration are moved in by
//! `db::blobs::adopt_files` right after the migrations run (a migration cannot know the data
//! directory): each file's SM3 digest is checked against its name before it is taken.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::n;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000017_blobs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("blobs"))
                .col(string_len(n("digest"), 64).primary_key())
                .col(string_len(n("media_type"), 100))
                .col(big_integer(n("size")))
                .col(blob(n("bytes")))
                .col(timestamp_with_time_zone(n("created_at")))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        match db.get_database_backend() {
            sea_orm::DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE TRIGGER tr_blobs_no_update BEFORE UPDATE ON blobs
                       BEGIN SELECT RAISE(ABORT, 'blobs are immutable'); END;
                     CREATE TRIGGER tr_blobs_no_delete BEFORE DELETE ON blobs
                       BEGIN SELECT RAISE(ABORT, 'blobs are immutable'); END;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE FUNCTION blobs_immutable() RETURNS trigger LANGUAGE plpgsql AS
                       $$ BEGIN RAISE EXCEPTION 'blobs are immutable'; END $$;
                     CREATE TRIGGER tr_blobs_no_change BEFORE UPDATE OR DELETE ON blobs
                       FOR EACH ROW EXECUTE FUNCTION blobs_immutable();",
                )
                .await?;
            }
        }
        Ok(())
    }
}
