//! Exit and handover (退出与移交): the exits of companies whose contract ends, their handover
//! checklists with evidence and the three signatures of the handover record; the contract
//! periods of every community (the current one seeded from the community's registered contract);
//! litigation steps that attach to an exit as well as to a dismissal track.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000020_exits"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: the rebuild of `litigation_events` never stops halfway.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("exits")
                .col(big_integer(n("community_id")))
                .col(big_integer(n("company_id")))
                .col(big_integer(n("township_id")))
                .col(string_len(n("reason"), 20))
                .col(big_integer_null(n("track_id")))
                .col(string_len(n("receiver_kind"), 30))
                .col(string_len(n("receiver_name"), 200))
                .col(big_integer_null(n("incoming_company_id")))
                .col(date_null(n("notice_on")))
                .col(date(n("opened_on")))
                .col(date(n("contract_ends_on")))
                .col(integer(n("deadline_days")))
                .col(date(n("handover_deadline")))
                .col(string_len(n("status"), 20))
                .col(text(n("note")))
                .col(big_integer(n("opened_by")))
                .col(big_integer_null(n("case_id")))
                .col(date_null(n("completed_on")))
                .col(string_len(n("record_number"), 100))
                .col(string_len_null(n("record_sm3"), 64))
                .col(text(n("cancel_reason")))
                .foreign_key(&mut fk("fk_exits_community", "exits", "community_id", "communities"))
                .foreign_key(&mut fk("fk_exits_company", "exits", "company_id", "companies"))
                .foreign_key(&mut fk("fk_exits_track", "exits", "track_id", "dismissal_tracks"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_exits_community", "exits", &["community_id", "id"], false)).await?;
        m.create_index(index("ix_exits_company", "exits", &["company_id", "id"], false)).await?;
        m.create_index(index("ix_exits_status", "exits", &["status", "handover_deadline"], false)).await?;
        m.create_table(
            table("exit_items")
                .col(big_integer(n("exit_id")))
                .col(integer(n("position")))
                .col(string_len(n("code"), 30))
                .col(string_len(n("label"), 200))
                .col(string_len(n("basis"), 200))
                .col(string_len(n("state"), 20))
                .col(date_null(n("confirmed_on")))
                .col(big_integer_null(n("confirmed_by")))
                .col(string_len(n("confirmer_name"), 100))
                .col(big_integer_null(n("area_centi")))
                .col(big_integer_null(n("amount_fen")))
                .col(text(n("note")))
                .col(timestamp_with_time_zone_null(n("declared_at")))
                .col(text(n("declared_note")))
                .foreign_key(&mut fk("fk_exit_items_exit", "exit_items", "exit_id", "exits"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_exit_items_code", "exit_items", &["exit_id", "code"], true)).await?;
        m.create_table(
            table("exit_item_files")
                .col(big_integer(n("exit_id")))
                .col(big_integer(n("item_id")))
                .col(string_len(n("party"), 20))
                .col(string_len(n("digest"), 64))
                .col(string_len(n("kind"), 20))
                .col(string_len(n("name"), 200))
                .col(big_integer(n("uploaded_by")))
                .foreign_key(&mut fk("fk_exit_item_files_item", "exit_item_files", "item_id", "exit_items"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_exit_item_files_exit", "exit_item_files", &["exit_id", "item_id"], false)).await?;
        m.create_table(
            table("exit_signatures")
                .col(big_integer(n("exit_id")))
                .col(string_len(n("party"), 20))
                .col(big_integer(n("user_id")))
                .col(string_len(n("signer_name"), 100))
                .col(string_len(n("organisation"), 200))
                .foreign_key(&mut fk("fk_exit_signatures_exit", "exit_signatures", "exit_id", "exits"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_exit_signatures_party", "exit_signatures", &["exit_id", "party"], true)).await?;
        m.create_table(
            table("contracts")
                .col(big_integer(n("community_id")))
                .col(big_integer(n("company_id")))
                .col(date_null(n("starts_on")))
                .col(date_null(n("ends_on")))
                .col(string_len(n("service_grade"), 40))
                .col(big_integer_null(n("fee_fen")))
                .col(string_len(n("status"), 20))
                .col(big_integer_null(n("exit_id")))
                .col(big_integer_null(n("registered_by")))
                .col(date_null(n("in_force_on")))
                .col(date_null(n("ended_on")))
                .col(date_null(n("takeover_inspected_on")))
                .col(text(n("takeover_findings")))
                .col(string_len(n("takeover_inspector"), 100))
                .foreign_key(&mut fk("fk_contracts_community", "contracts", "community_id", "communities"))
                .foreign_key(&mut fk("fk_contracts_company", "contracts", "company_id", "companies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_contracts_community", "contracts", &["community_id", "id"], false)).await?;
        let conn = m.get_connection();
        // Every community under a company has its current contract period on record.
        conn.execute_unprepared(
            "INSERT INTO contracts (community_id, company_id, starts_on, ends_on, service_grade, fee_fen, status, \
             exit_id, registered_by, in_force_on, ended_on, takeover_inspected_on, takeover_findings, \
             takeover_inspector, created_at, updated_at) \
             SELECT id, company_id, contract_start, contract_end, service_grade, fee_fen, 'in_force', NULL, NULL, \
             contract_start, NULL, NULL, '', '', created_at, updated_at FROM communities WHERE company_id IS NOT NULL",
        )
        .await?;
        // Litigation steps attach to an exit as well: `track_id` becomes optional, `exit_id` is new.
        match m.get_database_backend() {
            DbBackend::Postgres => {
                conn.execute_unprepared("ALTER TABLE litigation_events ALTER COLUMN track_id DROP NOT NULL").await?;
                conn.execute_unprepared(
                    "ALTER TABLE litigation_events ADD COLUMN exit_id BIGINT NULL REFERENCES exits(id)",
                )
                .await?;
            }
            _ => {
                // SQLite cannot relax a NOT NULL: the table is rebuilt with its rows.
                m.create_table(
                    table("litigation_events_v2")
                        .col(big_integer_null(n("track_id")))
                        .col(big_integer_null(n("exit_id")))
                        .col(string_len(n("kind"), 30))
                        .col(date(n("happened_on")))
                        .col(string_len(n("reference"), 200))
                        .col(text(n("note")))
                        .col(string_len_null(n("doc_sm3"), 64))
                        .col(string_len(n("doc_type"), 20))
                        .col(string_len(n("doc_name"), 200))
                        .col(big_integer(n("actor_user_id")))
                        .col(string_len(n("actor_name"), 100))
                        .foreign_key(&mut fk(
                            "fk_litigation_events_track",
                            "litigation_events_v2",
                            "track_id",
                            "dismissal_tracks",
                        ))
                        .foreign_key(&mut fk("fk_litigation_events_exit", "litigation_events_v2", "exit_id", "exits"))
                        .to_owned(),
                )
                .await?;
                conn.execute_unprepared(
                    "INSERT INTO litigation_events_v2 (id, created_at, updated_at, track_id, exit_id, kind, happened_on, \
                     reference, note, doc_sm3, doc_type, doc_name, actor_user_id, actor_name) \
                     SELECT id, created_at, updated_at, track_id, NULL, kind, happened_on, reference, note, doc_sm3, \
                     doc_type, doc_name, actor_user_id, actor_name FROM litigation_events",
                )
                .await?;
                conn.execute_unprepared("DROP TABLE litigation_events").await?;
                conn.execute_unprepared("ALTER TABLE litigation_events_v2 RENAME TO litigation_events").await?;
                m.create_index(index("ix_litigation_events_track", "litigation_events", &["track_id", "id"], false))
                    .await?;
            }
        }
        m.create_index(index("ix_litigation_events_exit", "litigation_events", &["exit_id", "id"], false)).await?;
        Ok(())
    }
}
