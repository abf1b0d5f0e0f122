//! Each catalog item keeps the full text of the bureau's notice (section 三 of 阳住建发〔2024〕118号)
//! beside its short name: the short names of tables had lost elements the law turns on (B1's
//! "未征得相关业主、业主大会同意", A4.1's "未在约定期限或者合理期限内" and its receiver). Catalogs seeded
//! before this migration get the seed's texts by code; an item the bureau added itself keeps an
//! empty text until it is edited.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::n;
use crate::domain::catalog::SEED_TEXTS;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000016_catalog_texts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(n("catalog_items")).add_column(text(n("description")).default("")).to_owned(),
        )
        .await?;
        for (code, description) in SEED_TEXTS {
            let update = Query::update()
                .table(n("catalog_items"))
                .value(n("description"), description)
                .and_where(Expr::col(n("code")).eq(code))
                .to_owned();
            m.exec_stmt(update).await?;
        }
        Ok(())
    }
}
