//! A company answers a rectification notice item by item: for each catalog item of the case,
//! what it did (text) and the photos that show it. The text goes to `case_item_reports`, one row
//! per item of a report step; a photo carries the item it shows (`case_photos.item_code`, empty
//! for a photo of the step as a whole, as re-inspection photos are).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000008_item_reports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("case_item_reports")
                .col(big_integer(n("case_id")))
                .col(big_integer(n("case_event_id")))
                .col(string_len(n("item_code"), 16))
                .col(text(n("note")))
                .foreign_key(&mut fk("fk_case_item_reports_case", "case_item_reports", "case_id", "cases"))
                .foreign_key(&mut fk("fk_case_item_reports_event", "case_item_reports", "case_event_id", "case_events"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_case_item_reports_case", "case_item_reports", &["case_id", "id"], false)).await?;
        m.alter_table(
            Table::alter().table(n("case_photos")).add_column(string_len_null(n("item_code"), 16)).to_owned(),
        )
        .await?;
        Ok(())
    }
}
