//! The fourth rung: litigation and credit (诉讼、失信) on a dismissal track, when the dismissed
//! company refuses to leave or withholds premises, facilities or records. Each event has its
//! date, a reference (the court's case number, the platform's record) and optionally a document
//! (PDF, or a photo re-encoded without EXIF), stored content-addressed with its SM3 digest.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000013_litigation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("litigation_events")
                .col(big_integer(n("track_id")))
                .col(string_len(n("kind"), 30))
                .col(date(n("happened_on")))
                .col(string_len(n("reference"), 200))
                .col(text(n("note")))
                .col(string_len_null(n("doc_sm3"), 64))
                .col(string_len(n("doc_type"), 20))
                .col(string_len(n("doc_name"), 200))
                .col(big_integer(n("actor_user_id")))
                .col(string_len(n("actor_name"), 100))
                .foreign_key(&mut fk("fk_litigation_events_track", "litigation_events", "track_id", "dismissal_tracks"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_litigation_events_track", "litigation_events", &["track_id", "id"], false)).await?;
        Ok(())
    }
}
