//! The second rung of the escalation ladder: referral (移送) of cases to a competent department
//! with a numbered transfer letter. Staff propose, a leader approves (the letter is numbered and
//! typeset then), the department acknowledges receipt and records its handling and result; the
//! scanner reminds it once the feedback date has passed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000011_referrals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("referrals")
                .col(big_integer(n("department_id")))
                .col(text(n("case_ids")))
                .col(text(n("reasons")))
                .col(string_len(n("status"), 20))
                .col(date_null(n("feedback_due")))
                .col(string_len_null(n("letter_number"), 100))
                .col(string_len_null(n("letter_sm3"), 64))
                .col(big_integer(n("proposed_by")))
                .col(big_integer_null(n("decided_by")))
                .col(timestamp_with_time_zone_null(n("decided_at")))
                .col(text(n("decision_note")))
                .col(timestamp_with_time_zone_null(n("acknowledged_at")))
                .col(big_integer_null(n("acknowledged_by")))
                .col(text(n("result")))
                .col(timestamp_with_time_zone_null(n("handled_at")))
                .col(big_integer_null(n("handled_by")))
                .col(timestamp_with_time_zone_null(n("reminded_at")))
                .foreign_key(&mut fk("fk_referrals_department", "referrals", "department_id", "departments"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_referrals_department", "referrals", &["department_id", "status"], false)).await?;
        m.create_index(index("ix_referrals_status_due", "referrals", &["status", "feedback_due"], false)).await?;
        m.create_index(index("uq_referrals_letter", "referrals", &["letter_number"], true)).await?;
        Ok(())
    }
}
