//! Mail in and out: the outbox of messages to send (written in the same transaction as what
//! caused them, delivered by a background sender with retries) and the IMAP poller's cursor.
//!
//! Why some choices:
//! - the recipient is personal data and is stored sealed (SM4-GCM), like the complainant's own
//!   address on the clue;
//! - `dedupe_key` is unique: whatever causes a message can be retried without sending it twice;
//! - `lease_until` lets several server processes share one outbox: a sender claims a row by
//!   moving its lease forward with a conditional UPDATE, so no message is sent by two of them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000003_mail"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("outbox")
                .col(string_len(n("dedupe_key"), 200))
                .col(string_len(n("channel"), 10))
                .col(string_len(n("kind"), 40))
                .col(text(n("recipient_sealed")))
                .col(string_len(n("subject"), 300))
                .col(text(n("body")))
                .col(string_len_null(n("in_reply_to"), 300))
                .col(big_integer_null(n("complaint_id")))
                .col(string_len(n("status"), 10))
                .col(integer(n("attempts")))
                .col(text(n("last_error")))
                .col(timestamp_with_time_zone(n("next_attempt_at")))
                .col(timestamp_with_time_zone_null(n("lease_until")))
                .col(timestamp_with_time_zone_null(n("sent_at")))
                .foreign_key(&mut fk("fk_outbox_complaint", "outbox", "complaint_id", "complaints"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_outbox_dedupe", "outbox", &["dedupe_key"], true)).await?;
        m.create_index(index("ix_outbox_due", "outbox", &["status", "next_attempt_at"], false)).await?;

        // One row per polled mailbox (server, user and folder): the UIDVALIDITY seen and the
        // highest UID imported under it.
        m.create_table(
            table("mail_cursors")
                .col(string_len(n("mailbox"), 300))
                .col(big_integer(n("uid_validity")))
                .col(big_integer(n("last_uid")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_mail_cursors_mailbox", "mail_cursors", &["mailbox"], true)).await?;
        Ok(())
    }
}
