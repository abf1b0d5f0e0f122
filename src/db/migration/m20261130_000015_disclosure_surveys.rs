//! Disclosure (信息公开), the public-revenue statements with the owners' resolutions behind them,
//! and satisfaction surveys (满意度测评).
//!
//! - `disclosure_items`: what a company must publish (民法典第943条), each with its frequency and
//!   due date rule; `disclosures`: one row per published version (never updated: a correction is
//!   the next version with its reason), unique per community, item, period and version;
//!   `disclosure_files`: a version's attachments, stored by SM3 digest.
//! - `revenue_resolutions`: the owners' assembly resolutions authorising business on common
//!   parts and saying how the income is shared; `revenue_statements`: a quarter published by the
//!   company, confirmed or disputed by the owners' committee.
//! - `questionnaires`, `surveys`, `survey_units` (one single-use code per unit, sealed, found by
//!   its blind index) and `survey_answers`, which name no unit and no code: nothing links an
//!   answer to the unit that gave it. A code's row is not touched beyond its `used` flag when it
//!   is used (no time of use), and an answer keeps only its day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000015_disclosure_surveys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("disclosure_items")
                .col(string_len(n("code"), 40))
                .col(string_len(n("title"), 100))
                .col(text(n("guidance")))
                .col(text(n("fields")))
                .col(string_len(n("frequency"), 20))
                .col(string_len(n("due_basis"), 10))
                .col(integer(n("due_days")))
                .col(string_len(n("catalog_code"), 20))
                .col(integer(n("sort")))
                .col(boolean(n("active")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_disclosure_items_code", "disclosure_items", &["code"], true)).await?;
        m.create_table(
            table("disclosures")
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(string_len(n("item_code"), 40))
                .col(string_len(n("period"), 20))
                .col(integer(n("version")))
                .col(text(n("fields_json")))
                .col(text(n("correction_reason")))
                .col(big_integer(n("published_by")))
                .col(string_len(n("publisher_name"), 100))
                .foreign_key(&mut fk("fk_disclosures_community", "disclosures", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_disclosures_version",
            "disclosures",
            &["community_id", "item_code", "period", "version"],
            true,
        ))
        .await?;
        m.create_table(
            table("disclosure_files")
                .col(big_integer(n("disclosure_id")))
                .col(string_len(n("name"), 200))
                .col(string_len(n("doc_type"), 10))
                .col(string_len(n("doc_sm3"), 64))
                .col(big_integer(n("bytes")))
                .foreign_key(&mut fk(
                    "fk_disclosure_files_disclosure",
                    "disclosure_files",
                    "disclosure_id",
                    "disclosures",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_disclosure_files_disclosure", "disclosure_files", &["disclosure_id"], false)).await?;
        m.create_table(
            table("revenue_resolutions")
                .col(big_integer(n("community_id")))
                .col(string_len(n("reference"), 200))
                .col(date(n("adopted_on")))
                .col(integer(n("fund_pct")))
                .col(integer(n("owners_pct")))
                .col(integer(n("expenses_pct")))
                .col(integer(n("company_pct")))
                .col(integer(n("settle_days")))
                .col(text(n("note")))
                .col(big_integer(n("created_by")))
                .foreign_key(&mut fk(
                    "fk_revenue_resolutions_community",
                    "revenue_resolutions",
                    "community_id",
                    "communities",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_revenue_resolutions_ref",
            "revenue_resolutions",
            &["community_id", "reference"],
            true,
        ))
        .await?;
        m.create_table(
            table("revenue_statements")
                .col(big_integer(n("community_id")))
                .col(integer(n("year")))
                .col(integer(n("quarter")))
                .col(big_integer(n("opening_fen")))
                .col(big_integer(n("income_fen")))
                .col(big_integer(n("spending_fen")))
                .col(big_integer(n("closing_fen")))
                .col(big_integer(n("published_by")))
                .col(timestamp_with_time_zone(n("published_at")))
                .col(string_len(n("status"), 20))
                .col(big_integer_null(n("reviewed_by")))
                .col(timestamp_with_time_zone_null(n("reviewed_at")))
                .col(text(n("review_note")))
                .foreign_key(&mut fk(
                    "fk_revenue_statements_community",
                    "revenue_statements",
                    "community_id",
                    "communities",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_revenue_statements_quarter",
            "revenue_statements",
            &["community_id", "year", "quarter"],
            true,
        ))
        .await?;
        m.create_table(
            table("questionnaires")
                .col(string_len(n("name"), 100))
                .col(text(n("areas")))
                .col(boolean(n("active")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            table("surveys")
                .col(string_len(n("title"), 200))
                .col(big_integer(n("township_id")))
                .col(big_integer_null(n("community_id")))
                .col(string_len(n("period"), 50))
                .col(big_integer(n("questionnaire_id")))
                .col(text(n("areas")))
                .col(integer(n("standard_pct")))
                .col(date(n("opens_on")))
                .col(date(n("closes_on")))
                .col(big_integer(n("created_by")))
                .foreign_key(&mut fk("fk_surveys_township", "surveys", "township_id", "jurisdictions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            table("survey_units")
                .col(big_integer(n("survey_id")))
                .col(big_integer(n("community_id")))
                .col(string_len(n("unit"), 100))
                .col(text(n("code_sealed")))
                .col(string_len(n("code_index"), 64))
                .col(boolean(n("used")))
                .foreign_key(&mut fk("fk_survey_units_survey", "survey_units", "survey_id", "surveys"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_survey_units_code", "survey_units", &["survey_id", "code_index"], true)).await?;
        m.create_index(index("uq_survey_units_unit", "survey_units", &["survey_id", "community_id", "unit"], true))
            .await?;
        m.create_table(
            table("survey_answers")
                .col(big_integer(n("survey_id")))
                .col(big_integer(n("community_id")))
                .col(integer(n("overall")))
                .col(text(n("scores")))
                .col(date(n("answered_on")))
                .foreign_key(&mut fk("fk_survey_answers_survey", "survey_answers", "survey_id", "surveys"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_survey_answers_survey", "survey_answers", &["survey_id", "community_id"], false))
            .await?;
        Ok(())
    }
}
