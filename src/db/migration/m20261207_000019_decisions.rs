//! Owners' joint decisions (业主共同决定, 民法典第278条): a vote convened in a community, its
//! matters, the one-time voting codes, the ballots, objections and extensions.
//!
//! - `decisions`: one vote. Its schedule (notice, voting period, objection period), who convened
//!   it, the deeming clause of the community's rules where it applies, its status, and once
//!   closed the roster's totals at the close (the denominators stay as they were counted).
//! - `decision_matters`: the matters voted on, each with its 第278条 item; once closed, the tally
//!   (cast and deemed, by area and by owners) and whether it passed.
//! - `decision_files`: attachments (blobs by digest).
//! - `decision_codes`: one code per exclusive unit (never one per co-owner), stored sealed and as a
//!   blind index; how it was handed out (SMS or a printed slip signed for) and when it was used.
//! - `decision_ballots`: one per owner (第9条 holder; `holder_key` unique per decision), electronic
//!   or paper; the choices sealed (SM4-GCM) until the count, so nobody reads a choice while the
//!   vote is open, not even from the database.
//! - `decision_ballot_units`: the units a ballot covers, with their area at the moment it was cast
//!   (unique per decision: one vote per unit across channels, the first recorded stands).
//! - `decision_objections`, `decision_extensions`: objections in the objection period and requests
//!   to extend the voting period, each decided with a reason.
//! - `communities.deem_clause`: the clause of the community's registered rules (议事规则) that deems
//!   non-voters to follow the majority; empty (the default) where the rules say no such thing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000019_decisions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(n("communities")).add_column(text(n("deem_clause")).default("")).to_owned())
            .await?;
        m.create_table(
            table("decisions")
                .col(big_integer(n("community_id")))
                .col(big_integer(n("township_id")))
                .col(string_len(n("title"), 200))
                .col(string_len(n("convenor_role"), 20))
                .col(big_integer(n("convened_by")))
                .col(boolean(n("interim")))
                .col(date(n("notice_on")))
                .col(date(n("voting_starts_on")))
                .col(date(n("voting_ends_on")))
                .col(integer(n("objection_days")))
                .col(text(n("deem_clause")))
                .col(string_len(n("status"), 20))
                .col(timestamp_with_time_zone_null(n("closed_at")))
                .col(date_null(n("objection_ends_on")))
                .col(timestamp_with_time_zone_null(n("finalized_at")))
                .col(big_integer_null(n("total_units")))
                .col(big_integer_null(n("total_area_centi")))
                .col(big_integer_null(n("total_owners")))
                .col(string_len_null(n("announcement_digest"), 64))
                .foreign_key(&mut fk("fk_decisions_community", "decisions", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_decisions_community", "decisions", &["community_id"], false)).await?;
        m.create_table(
            table("decision_matters")
                .col(big_integer(n("decision_id")))
                .col(integer(n("position")))
                .col(string_len(n("item"), 2))
                .col(string_len(n("title"), 200))
                .col(text(n("body")))
                .col(big_integer_null(n("yes_area_centi")))
                .col(big_integer_null(n("yes_owners")))
                .col(big_integer_null(n("no_area_centi")))
                .col(big_integer_null(n("no_owners")))
                .col(big_integer_null(n("abstain_area_centi")))
                .col(big_integer_null(n("abstain_owners")))
                .col(big_integer_null(n("deemed_yes_area_centi")))
                .col(big_integer_null(n("deemed_yes_owners")))
                .col(big_integer_null(n("deemed_no_area_centi")))
                .col(big_integer_null(n("deemed_no_owners")))
                .col(boolean_null(n("passed")))
                .foreign_key(&mut fk("fk_decision_matters_decision", "decision_matters", "decision_id", "decisions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_decision_matters_decision", "decision_matters", &["decision_id"], false)).await?;
        m.create_table(
            table("decision_files")
                .col(big_integer(n("decision_id")))
                .col(string_len(n("name"), 200))
                .col(string_len(n("digest"), 64))
                .col(string_len(n("media_type"), 100))
                .foreign_key(&mut fk("fk_decision_files_decision", "decision_files", "decision_id", "decisions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_decision_files_decision", "decision_files", &["decision_id"], false)).await?;
        m.create_table(
            table("decision_codes")
                .col(big_integer(n("decision_id")))
                .col(big_integer(n("roster_unit_id")))
                .col(string_len(n("code_index"), 64))
                .col(text(n("code_sealed")))
                .col(string_len(n("channel"), 10))
                .col(timestamp_with_time_zone_null(n("handed_over_at")))
                .col(big_integer_null(n("handed_over_by")))
                .col(timestamp_with_time_zone_null(n("used_at")))
                .foreign_key(&mut fk("fk_decision_codes_decision", "decision_codes", "decision_id", "decisions"))
                .foreign_key(&mut fk("fk_decision_codes_unit", "decision_codes", "roster_unit_id", "roster_units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_decision_codes_unit", "decision_codes", &["decision_id", "roster_unit_id"], true))
            .await?;
        m.create_index(index("uq_decision_codes_index", "decision_codes", &["code_index"], true)).await?;
        m.create_table(
            table("decision_ballots")
                .col(big_integer(n("decision_id")))
                .col(string_len(n("holder_key"), 64))
                .col(big_integer(n("roster_unit_id")))
                .col(string_len(n("channel"), 10))
                .col(text(n("choices_sealed")))
                .col(big_integer(n("area_centi")))
                .col(string_len(n("building"), 50))
                .col(string_len_null(n("photo_digest"), 64))
                .col(text_null(n("voter_name_sealed")))
                .col(big_integer_null(n("entered_by")))
                .foreign_key(&mut fk("fk_decision_ballots_decision", "decision_ballots", "decision_id", "decisions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_decision_ballots_holder", "decision_ballots", &["decision_id", "holder_key"], true))
            .await?;
        m.create_table(
            table("decision_ballot_units")
                .col(big_integer(n("decision_id")))
                .col(big_integer(n("ballot_id")))
                .col(big_integer(n("roster_unit_id")))
                .col(big_integer(n("area_centi")))
                .foreign_key(&mut fk(
                    "fk_decision_ballot_units_ballot",
                    "decision_ballot_units",
                    "ballot_id",
                    "decision_ballots",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_decision_ballot_units_unit",
            "decision_ballot_units",
            &["decision_id", "roster_unit_id"],
            true,
        ))
        .await?;
        m.create_table(
            table("decision_objections")
                .col(big_integer(n("decision_id")))
                .col(big_integer(n("roster_unit_id")))
                .col(text(n("text")))
                .col(string_len(n("status"), 20))
                .col(text(n("reason")))
                .col(big_integer_null(n("decided_by")))
                .col(timestamp_with_time_zone_null(n("decided_at")))
                .foreign_key(&mut fk(
                    "fk_decision_objections_decision",
                    "decision_objections",
                    "decision_id",
                    "decisions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_decision_objections_decision", "decision_objections", &["decision_id"], false))
            .await?;
        m.create_table(
            table("decision_extensions")
                .col(big_integer(n("decision_id")))
                .col(date(n("new_ends_on")))
                .col(text(n("reason")))
                .col(big_integer(n("requested_by")))
                .col(string_len(n("status"), 20))
                .col(text(n("note")))
                .col(big_integer_null(n("decided_by")))
                .col(timestamp_with_time_zone_null(n("decided_at")))
                .foreign_key(&mut fk(
                    "fk_decision_extensions_decision",
                    "decision_extensions",
                    "decision_id",
                    "decisions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_decision_extensions_decision", "decision_extensions", &["decision_id"], false))
            .await?;
        // the wiring: a dismissal track's decision and a revenue resolution's vote
        m.alter_table(
            Table::alter().table(n("dismissal_tracks")).add_column(big_integer_null(n("decision_id"))).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table(n("revenue_resolutions")).add_column(big_integer_null(n("decision_id"))).to_owned(),
        )
        .await?;
        Ok(())
    }
}
