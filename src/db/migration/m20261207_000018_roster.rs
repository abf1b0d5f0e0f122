//! The owner roster (业主名册) of a community, the denominators of every owners' joint decision
//! (民法典第278条; 建筑物区分所有权司法解释第8条、第9条).
//!
//! - `roster_units`: one row per exclusive unit (专有部分: building, unit, room), unique within its
//!   community. All three areas the law names are kept (register, surveyed, contract; 0.01 m²,
//!   NULL when not recorded), because 第8条 takes them in order and the page shows which one
//!   counts; `developer_held` marks the developer's unsold or undelivered units, which count as
//!   one owner together (第9条).
//! - `roster_owners`: the owners of a unit (co-owners: several rows). Names, phones and ID numbers
//!   are personal data (个人信息保护法第51条): sealed with SM4-GCM; `holder_index` is the HMAC-SM3
//!   blind index of the ID number (or of the name where none is known), so the 第9条 count of one
//!   owner holding several units needs no decryption.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000018_roster"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("roster_units")
                .col(big_integer(n("community_id")))
                .col(string_len(n("building"), 50))
                .col(string_len(n("unit"), 50))
                .col(string_len(n("room"), 50))
                .col(big_integer_null(n("register_area_centi")))
                .col(big_integer_null(n("surveyed_area_centi")))
                .col(big_integer_null(n("contract_area_centi")))
                .col(boolean(n("developer_held")))
                .foreign_key(&mut fk("fk_roster_units_community", "roster_units", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_roster_units_room",
            "roster_units",
            &["community_id", "building", "unit", "room"],
            true,
        ))
        .await?;
        m.create_table(
            table("roster_owners")
                .col(big_integer(n("roster_unit_id")))
                .col(text(n("name_sealed")))
                .col(text_null(n("phone_sealed")))
                .col(text_null(n("id_number_sealed")))
                .col(string_len(n("holder_index"), 64))
                .foreign_key(&mut fk("fk_roster_owners_unit", "roster_owners", "roster_unit_id", "roster_units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_roster_owners_unit", "roster_owners", &["roster_unit_id"], false)).await?;
        m.create_index(index("ix_roster_owners_holder", "roster_owners", &["holder_index"], false)).await?;
        Ok(())
    }
}
