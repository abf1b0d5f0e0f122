//! The `exit_signatures` table: who signed the handover record for each party, once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exit_signatures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub exit_id: i64,
    /// See `domain::exit::Party`.
    pub party: String,
    pub user_id: i64,
    pub signer_name: String,
    /// The organisation signed for (the company, the committee, the township).
    pub organisation: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
