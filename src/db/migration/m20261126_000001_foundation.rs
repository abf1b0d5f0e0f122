//! The foundation: registry (jurisdictions, companies, communities, departments, the violation
//! catalog, campaigns), accounts with their sessions and API tokens, and the audit trail.
//!
//! Why some choices:
//! - ids are 64-bit; money is integer fen and area integer cm², never floats, because they
//!   are compared with legal thresholds (民法典第278条);
//! - constraint names are explicit so the service can turn a violated one into a field error;
//! - audit entries are append-only: `seq` is unique so no two entries can claim the same
//!   predecessor, and triggers refuse UPDATE and DELETE at the database itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("jurisdictions")
                .col(string_len(n("code"), 32))
                .col(string_len(n("name"), 100))
                .col(string_len(n("level"), 20))
                .col(big_integer_null(n("parent_id")))
                .foreign_key(&mut fk("fk_jurisdictions_parent", "jurisdictions", "parent_id", "jurisdictions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_jurisdictions_code", "jurisdictions", &["code"], true)).await?;

        m.create_table(
            table("companies")
                .col(big_integer(n("jurisdiction_id")))
                .col(string_len(n("name"), 200))
                .col(string_len(n("credit_code"), 18))
                .col(string_len(n("legal_representative"), 100))
                .col(string_len(n("contact_person"), 100))
                .col(string_len(n("contact_phone"), 40))
                .col(string_len(n("address"), 400))
                .col(string_len(n("status"), 20))
                .foreign_key(&mut fk("fk_companies_jurisdiction", "companies", "jurisdiction_id", "jurisdictions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_companies_credit_code", "companies", &["credit_code"], true)).await?;

        m.create_table(
            table("communities")
                .col(string_len(n("code"), 32))
                .col(string_len(n("name"), 200))
                .col(string_len(n("address"), 400))
                .col(big_integer(n("township_id")))
                .col(big_integer_null(n("company_id")))
                .col(date_null(n("contract_start")))
                .col(date_null(n("contract_end")))
                .col(string_len(n("service_grade"), 40))
                .col(big_integer_null(n("fee_fen")))
                .col(big_integer_null(n("building_area_cm2")))
                .col(integer_null(n("unit_count")))
                .col(string_len(n("committee"), 30))
                .foreign_key(&mut fk("fk_communities_township", "communities", "township_id", "jurisdictions"))
                .foreign_key(&mut fk("fk_communities_company", "communities", "company_id", "companies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_communities_code", "communities", &["code"], true)).await?;
        m.create_index(index("ix_communities_township", "communities", &["township_id"], false)).await?;
        m.create_index(index("ix_communities_company", "communities", &["company_id"], false)).await?;

        m.create_table(
            table("departments")
                .col(big_integer(n("jurisdiction_id")))
                .col(string_len(n("name"), 100))
                .col(string_len(n("kind"), 30))
                .col(string_len(n("contact_phone"), 40))
                .foreign_key(&mut fk("fk_departments_jurisdiction", "departments", "jurisdiction_id", "jurisdictions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_departments_name", "departments", &["jurisdiction_id", "name"], true)).await?;

        m.create_table(
            table("catalog_items")
                .col(string_len(n("code"), 16))
                .col(string_len_null(n("parent_code"), 16))
                .col(string_len(n("category"), 1))
                .col(text(n("title")))
                .col(text(n("legal_basis")))
                .col(integer(n("position")))
                .col(boolean(n("active")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_catalog_items_code", "catalog_items", &["code"], true)).await?;

        m.create_table(
            table("campaigns")
                .col(big_integer(n("jurisdiction_id")))
                .col(string_len(n("name"), 200))
                .col(string_len(n("document_no"), 100))
                .col(date(n("starts_on")))
                .col(date(n("ends_on")))
                .foreign_key(&mut fk("fk_campaigns_jurisdiction", "campaigns", "jurisdiction_id", "jurisdictions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            table("campaign_phases")
                .col(big_integer(n("campaign_id")))
                .col(integer(n("position")))
                .col(string_len(n("name"), 100))
                .col(date(n("starts_on")))
                .col(date(n("ends_on")))
                .foreign_key(&mut fk("fk_campaign_phases_campaign", "campaign_phases", "campaign_id", "campaigns"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_campaign_phases_position", "campaign_phases", &["campaign_id", "position"], true))
            .await?;

        m.create_table(
            table("users")
                .col(string_len(n("username"), 64))
                .col(string_len(n("display_name"), 100))
                .col(text_null(n("phone_sealed")))
                .col(string_len(n("password_hash"), 200))
                .col(string_len(n("role"), 40))
                .col(big_integer_null(n("jurisdiction_id")))
                .col(big_integer_null(n("company_id")))
                .col(big_integer_null(n("community_id")))
                .col(big_integer_null(n("department_id")))
                .col(boolean(n("must_change_password")))
                .col(integer(n("failed_logins")))
                .col(timestamp_with_time_zone_null(n("locked_until")))
                .col(boolean(n("active")))
                .col(timestamp_with_time_zone_null(n("last_login_at")))
                .col(timestamp_with_time_zone(n("password_changed_at")))
                .foreign_key(&mut fk("fk_users_jurisdiction", "users", "jurisdiction_id", "jurisdictions"))
                .foreign_key(&mut fk("fk_users_company", "users", "company_id", "companies"))
                .foreign_key(&mut fk("fk_users_community", "users", "community_id", "communities"))
                .foreign_key(&mut fk("fk_users_department", "users", "department_id", "departments"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_users_username", "users", &["username"], true)).await?;

        m.create_table(
            table("api_tokens")
                .col(big_integer(n("user_id")))
                .col(string_len(n("token_hash"), 64))
                .col(timestamp_with_time_zone(n("expires_at")))
                .col(timestamp_with_time_zone_null(n("revoked_at")))
                .foreign_key(&mut fk("fk_api_tokens_user", "api_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_api_tokens_hash", "api_tokens", &["token_hash"], true)).await?;

        // Sessions of tower-sessions, stored in our own database.
        m.create_table(
            Table::create()
                .table(n("sessions"))
                .col(string_len(n("id"), 64).primary_key())
                .col(text(n("data")))
                .col(timestamp_with_time_zone(n("expiry_date")))
                .col(timestamp_with_time_zone(n("updated_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_sessions_expiry", "sessions", &["expiry_date"], false)).await?;

        m.create_table(
            Table::create()
                .table(n("audit_entries"))
                .col(big_pk_auto(n("id")))
                .col(big_integer(n("seq")))
                .col(timestamp_with_time_zone(n("occurred_at")))
                .col(big_integer_null(n("actor_user_id")))
                .col(string_len(n("actor_name"), 100))
                .col(string_len(n("actor_role"), 40))
                .col(string_len(n("action"), 100))
                .col(string_len(n("object_type"), 60))
                .col(string_len(n("object_id"), 100))
                .col(string_len(n("outcome"), 20))
                .col(text(n("summary")))
                .col(string_len(n("request_id"), 64))
                .col(string_len(n("client_addr"), 64))
                .col(string_len(n("prev_hash"), 64))
                .col(string_len(n("hash"), 64))
                .col(timestamp_with_time_zone(n("created_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_audit_entries_seq", "audit_entries", &["seq"], true)).await?;
        m.create_index(index("uq_audit_entries_prev_hash", "audit_entries", &["prev_hash"], true)).await?;
        m.create_index(index("ix_audit_entries_occurred", "audit_entries", &["occurred_at"], false)).await?;
        m.create_index(index("ix_audit_entries_object", "audit_entries", &["object_type", "object_id"], false)).await?;

        // One row: the last sequence number and hash. Appending updates it first, which
        // serializes appenders on both backends (row lock on PostgreSQL, write lock on SQLite).
        m.create_table(
            Table::create()
                .table(n("audit_chain_heads"))
                .col(big_integer(n("id")).primary_key())
                .col(big_integer(n("seq")))
                .col(string_len(n("hash"), 64))
                .col(timestamp_with_time_zone(n("updated_at")))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let genesis = crate::domain::audit::GENESIS_HASH;
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(&format!(
                    "INSERT INTO audit_chain_heads (id, seq, hash, updated_at) VALUES (1, 0, '{genesis}', '1970-01-01T00:00:00+00:00');
                     CREATE TRIGGER tr_audit_entries_no_update BEFORE UPDATE ON audit_entries
                       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
                     CREATE TRIGGER tr_audit_entries_no_delete BEFORE DELETE ON audit_entries
                       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared(&format!(
                    "INSERT INTO audit_chain_heads (id, seq, hash, updated_at) VALUES (1, 0, '{genesis}', '1970-01-01T00:00:00Z');
                     CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS
                       $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$;
                     CREATE TRIGGER tr_audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
                       FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();"
                ))
                .await?;
            }
        }
        Ok(())
    }
}
