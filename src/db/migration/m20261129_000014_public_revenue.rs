//! The public-revenue ledger (公共收益): one append-only ledger per community. A correction is a
//! reversing entry; `reverses_id` is unique, so an entry is reversed at most once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000014_public_revenue"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("revenue_entries")
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(string_len(n("category"), 30))
                .col(big_integer(n("amount_fen")))
                .col(date(n("occurred_on")))
                .col(string_len(n("counterparty"), 200))
                .col(string_len(n("contract_ref"), 200))
                .col(string_len(n("resolution_ref"), 200))
                .col(text(n("basis")))
                .col(big_integer_null(n("reverses_id")))
                .col(text(n("reason")))
                .col(big_integer(n("created_by")))
                .foreign_key(&mut fk("fk_revenue_entries_community", "revenue_entries", "community_id", "communities"))
                .foreign_key(&mut fk(
                    "fk_revenue_entries_reverses",
                    "revenue_entries",
                    "reverses_id",
                    "revenue_entries",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_revenue_entries_community",
            "revenue_entries",
            &["community_id", "occurred_on", "id"],
            false,
        ))
        .await?;
        m.create_index(index("uq_revenue_entries_reverses", "revenue_entries", &["reverses_id"], true)).await?;
        Ok(())
    }
}
