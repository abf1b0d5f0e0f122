//! The first rung of the escalation ladder: re-assessing a community's service grade and fee
//! (重新核定服务等级).
//!
//! - `service_grades`: the configurable grade table (name, the service standard it requires, the
//!   fee range in fen per m² per month), seeded with 一级 to 五级.
//! - `reassessments`: proposed by staff with the reasons and linked cases, decided by a leader;
//!   an approved one carries its two numbered letters (to the company; to the price and
//!   market-supervision departments) with their PDFs' SM3 digests, and is the community's grade
//!   and fee history.
//! - `notice_counters.kind`: letters are numbered like notices, per kind, year and jurisdiction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000010_reassessments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("service_grades")
                .col(string_len(n("name"), 40))
                .col(text(n("standard")))
                .col(big_integer(n("fee_min_fen")))
                .col(big_integer(n("fee_max_fen")))
                .col(integer(n("position")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_service_grades_name", "service_grades", &["name"], true)).await?;
        m.create_table(
            table("reassessments")
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(string_len(n("old_grade"), 40))
                .col(string_len(n("new_grade"), 40))
                .col(big_integer_null(n("old_fee_fen")))
                .col(big_integer(n("new_fee_fen")))
                .col(date(n("effective_on")))
                .col(text(n("reasons")))
                .col(text(n("case_ids")))
                .col(string_len(n("status"), 20))
                .col(big_integer(n("proposed_by")))
                .col(big_integer_null(n("decided_by")))
                .col(timestamp_with_time_zone_null(n("decided_at")))
                .col(text(n("decision_note")))
                .col(string_len_null(n("company_letter_number"), 100))
                .col(string_len_null(n("company_letter_sm3"), 64))
                .col(string_len_null(n("department_letter_number"), 100))
                .col(string_len_null(n("department_letter_sm3"), 64))
                .foreign_key(&mut fk("fk_reassessments_community", "reassessments", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_reassessments_community", "reassessments", &["community_id", "id"], false)).await?;
        m.create_index(index("ix_reassessments_status", "reassessments", &["status"], false)).await?;
        m.create_index(index("uq_reassessments_company_letter", "reassessments", &["company_letter_number"], true))
            .await?;
        m.create_index(index(
            "uq_reassessments_department_letter",
            "reassessments",
            &["department_letter_number"],
            true,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(n("notice_counters"))
                .add_column(string_len(n("kind"), 20).default("notice"))
                .to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("uq_notice_counters").table(n("notice_counters")).to_owned()).await?;
        m.create_index(index("uq_notice_counters", "notice_counters", &["jurisdiction_id", "year", "kind"], true))
            .await?;
        Ok(())
    }
}
