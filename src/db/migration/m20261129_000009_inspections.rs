//! Full inspection (全面排查): plans covering a set of communities, one inspection per community
//! and plan, the checklist answered item by item (each answer its own row, saved as it is given,
//! so a dropped connection loses at most the answer in flight), photos per item.
//!
//! - `inspection_plans` belong to a campaign phase; `scope` is `county`, `township` or `company`
//!   with `scope_id`; `checklist` lists the catalog codes the plan asks about (the catalog's
//!   leaf items unless tailored); `responsible_user_id` becomes the responsible person of the
//!   cases its findings open.
//! - `inspections`: unique per (plan, community); `status` assigned → submitted.
//! - `inspection_answers`: unique per (inspection, catalog code); `answer` is `compliant`,
//!   `problem` or `not_applicable`.
//! - `inspection_photos`: content-addressed like case photos.
//! - `cases.inspection_id`: the inspection a case came from (its source and evidence).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, n, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000009_inspections"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table("inspection_plans")
                .col(big_integer(n("campaign_phase_id")))
                .col(string_len(n("name"), 200))
                .col(string_len(n("scope"), 20))
                .col(big_integer_null(n("scope_id")))
                .col(text(n("checklist")))
                .col(date(n("due_on")))
                .col(big_integer(n("responsible_user_id")))
                .col(big_integer(n("created_by")))
                .foreign_key(&mut fk(
                    "fk_inspection_plans_phase",
                    "inspection_plans",
                    "campaign_phase_id",
                    "campaign_phases",
                ))
                .foreign_key(&mut fk(
                    "fk_inspection_plans_responsible",
                    "inspection_plans",
                    "responsible_user_id",
                    "users",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            table("inspections")
                .col(big_integer(n("plan_id")))
                .col(big_integer(n("community_id")))
                .col(big_integer_null(n("company_id")))
                .col(big_integer(n("township_id")))
                .col(big_integer_null(n("assignee_user_id")))
                .col(string_len(n("status"), 20))
                .col(timestamp_with_time_zone_null(n("submitted_at")))
                .col(big_integer_null(n("submitted_by")))
                .foreign_key(&mut fk("fk_inspections_plan", "inspections", "plan_id", "inspection_plans"))
                .foreign_key(&mut fk("fk_inspections_community", "inspections", "community_id", "communities"))
                .foreign_key(&mut fk("fk_inspections_assignee", "inspections", "assignee_user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uq_inspections_plan_community", "inspections", &["plan_id", "community_id"], true))
            .await?;
        m.create_index(index(
            "ix_inspections_plan_township",
            "inspections",
            &["plan_id", "township_id", "status"],
            false,
        ))
        .await?;
        m.create_index(index("ix_inspections_assignee", "inspections", &["assignee_user_id", "status"], false)).await?;
        m.create_table(
            table("inspection_answers")
                .col(big_integer(n("inspection_id")))
                .col(string_len(n("catalog_code"), 16))
                .col(string_len(n("answer"), 20))
                .col(text(n("note")))
                .col(big_integer(n("answered_by")))
                .foreign_key(&mut fk(
                    "fk_inspection_answers_inspection",
                    "inspection_answers",
                    "inspection_id",
                    "inspections",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "uq_inspection_answers_item",
            "inspection_answers",
            &["inspection_id", "catalog_code"],
            true,
        ))
        .await?;
        m.create_table(
            table("inspection_photos")
                .col(big_integer(n("inspection_id")))
                .col(string_len(n("catalog_code"), 16))
                .col(string_len(n("digest"), 64))
                .col(big_integer(n("byte_size")))
                .col(integer(n("width")))
                .col(integer(n("height")))
                .foreign_key(&mut fk(
                    "fk_inspection_photos_inspection",
                    "inspection_photos",
                    "inspection_id",
                    "inspections",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_inspection_photos_item",
            "inspection_photos",
            &["inspection_id", "catalog_code"],
            false,
        ))
        .await?;
        m.alter_table(Table::alter().table(n("cases")).add_column(big_integer_null(n("inspection_id"))).to_owned())
            .await?;
        m.create_index(index("ix_cases_inspection", "cases", &["inspection_id"], false)).await?;
        Ok(())
    }
}
