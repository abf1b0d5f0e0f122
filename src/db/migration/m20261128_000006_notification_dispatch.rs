//! Notifications reach people beyond the in-app inbox: a dispatcher copies each notification
//! worth a message into the outbox (SMS, and email for accounts with an address) and marks it
//! dispatched, in one transaction, so the code that notifies needs to know nothing about
//! channels and nothing is sent twice. Accounts get an email address for that, sealed like
//! their phone number.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{index, n};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000006_notification_dispatch"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(n("notifications"))
                .add_column(timestamp_with_time_zone_null(n("dispatched_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_notifications_dispatch", "notifications", &["dispatched_at", "id"], false)).await?;
        m.alter_table(Table::alter().table(n("users")).add_column(text_null(n("email_sealed"))).to_owned()).await?;
        Ok(())
    }
}
