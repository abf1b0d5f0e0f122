//! The one migration set, run on SQLite and PostgreSQL alike. Forward-only: a landed
//! migration is never edited; changes come as new migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod m20261126_000001_foundation;
mod m20261127_000002_complaints;
mod m20261127_000003_mail;
mod m20261128_000004_ledger;
mod m20261128_000006_notification_dispatch;
mod m20261128_000007_ledger_indexes;
mod m20261128_000008_item_reports;
mod m20261129_000009_inspections;
mod m20261129_000010_reassessments;
mod m20261129_000011_referrals;
mod m20261129_000012_dismissal_tracks;
mod m20261129_000013_litigation;
mod m20261129_000014_public_revenue;
mod m20261130_000015_disclosure_surveys;
mod m20261202_000016_catalog_texts;
mod m20261202_000017_blobs;
mod m20261207_000018_roster;
mod m20261207_000019_decisions;
mod m20261208_000020_exits;

/// Applies every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_foundation::Migration),
            Box::new(m20261127_000002_complaints::Migration),
            Box::new(m20261127_000003_mail::Migration),
            Box::new(m20261128_000004_ledger::Migration),
            Box::new(m20261128_000006_notification_dispatch::Migration),
            Box::new(m20261128_000007_ledger_indexes::Migration),
            Box::new(m20261128_000008_item_reports::Migration),
            Box::new(m20261129_000009_inspections::Migration),
            Box::new(m20261129_000010_reassessments::Migration),
            Box::new(m20261129_000011_referrals::Migration),
            Box::new(m20261129_000012_dismissal_tracks::Migration),
            Box::new(m20261129_000013_litigation::Migration),
            Box::new(m20261129_000014_public_revenue::Migration),
            Box::new(m20261130_000015_disclosure_surveys::Migration),
            Box::new(m20261202_000016_catalog_texts::Migration),
            Box::new(m20261202_000017_blobs::Migration),
            Box::new(m20261207_000018_roster::Migration),
            Box::new(m20261207_000019_decisions::Migration),
            Box::new(m20261208_000020_exits::Migration),
        ]
    }
}

/// An identifier.
pub(crate) fn n(s: &str) -> Alias {
    Alias::new(s)
}

/// A table with a 64-bit auto-increment id and the created_at/updated_at pair.
pub(crate) fn table(name: &str) -> TableCreateStatement {
    Table::create()
        .table(n(name))
        .col(big_pk_auto(n("id")))
        .col(timestamp_with_time_zone(n("created_at")))
        .col(timestamp_with_time_zone(n("updated_at")))
        .to_owned()
}

/// A named foreign key to `to.id` that refuses deleting the referenced row.
pub(crate) fn fk(name: &str, from: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(n(from), n(col))
        .to(n(to), n("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A named index.
pub(crate) fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(n(table));
    for c in cols {
        i.col(n(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}
