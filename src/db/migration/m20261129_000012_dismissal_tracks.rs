//! The third rung of the escalation ladder: guided dismissal tracks (引导解聘), one per
//! community at a time, with their steps. The owners' vote and the exit and handover of a later
//! issue attach to `dismissal_tracks.id`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000012_dismissal_tracks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("dismissal_tracks")
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(big_integer(n("township_id")))
                .col(text(n("reasons")))
                .col(text(n("case_ids")))
                .col(integer(n("notice_days")))
                .col(date(n("opened_on")))
                .col(big_integer(n("opened_by")))
                .col(date_null(n("called_on")))
                .col(date_null(n("decided_on")))
                .col(boolean(n("dismissed")).default(false))
                .col(date_null(n("served_on")))
                .col(date_null(n("contract_ends_on")))
                .col(string_len(n("status"), 20))
                .foreign_key(&mut fk(
                    "fk_dismissal_tracks_community",
                    "dismissal_tracks",
                    "community_id",
                    "communities",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_dismissal_tracks_community", "dismissal_tracks", &["community_id", "status"], false))
            .await?;
        m.create_table(
            table("dismissal_steps")
                .col(big_integer(n("track_id")))
                .col(string_len(n("step"), 30))
                .col(date(n("happened_on")))
                .col(text(n("note")))
                .col(big_integer(n("actor_user_id")))
                .col(string_len(n("actor_name"), 100))
                .foreign_key(&mut fk("fk_dismissal_steps_track", "dismissal_steps", "track_id", "dismissal_tracks"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_dismissal_steps_track", "dismissal_steps", &["track_id", "id"], false)).await?;
        Ok(())
    }
}
