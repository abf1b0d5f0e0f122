//! The one migration set, run on SQLite and PostgreSQL alike. Forward-only: a landed
//! migration is never edited; changes come as new migrations.

use sea_orm_migration::prelude::*;

mod m20261126_000001_foundation;
mod m20261127_000002_complaints;

/// Applies every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261126_000001_foundation::Migration), Box::new(m20261127_000002_complaints::Migration)]
    }
}
