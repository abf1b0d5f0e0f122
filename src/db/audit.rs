//! Audit trail storage: appending under the chain head's lock, reading for verification and
//! for the audit page.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::{audit_chain_head as head, audit_entry as entry};
use crate::domain::audit::{AuditRecord, StoredEntry};

/// Appends one entry. Must run inside the transaction of the state change it records.
/// Returns its sequence number.
pub async fn append<C: ConnectionTrait>(db: &C, record: AuditRecord) -> Result<i64, DbErr> {
    Ok(append_many(db, vec![record]).await?.pop().unwrap_or_default())
}

fn stored(m: entry::Model) -> StoredEntry {
    StoredEntry {
        record: AuditRecord {
            seq: m.seq,
            occurred_at: m.occurred_at,
            actor_user_id: m.actor_user_id,
            actor_name: m.actor_name,
            actor_role: m.actor_role,
            action: m.action,
            object_type: m.object_type,
            object_id: m.object_id,
            outcome: m.outcome,
            summary: m.summary,
            request_id: m.request_id,
            client_addr: m.client_addr,
        },
        prev_hash: m.prev_hash,
        hash: m.hash,
    }
}

/// The head (last seq, last hash).
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<(i64, String), DbErr> {
    let h =
        head::Entity::find_by_id(1).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("audit_chain_heads".into()))?;
    Ok((h.seq, h.hash))
}

/// Entries in sequence order, a page at a time (`after_seq` exclusive).
pub async fn chain_page<C: ConnectionTrait>(db: &C, after_seq: i64, limit: u64) -> Result<Vec<StoredEntry>, DbErr> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Seq.gt(after_seq))
        .order_by_asc(entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(stored)
        .collect())
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first, filtered, paged. Returns the page and the total count.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<entry::Model>, u64), DbErr> {
    let mut q = entry::Entity::find();
    if let Some(a) = &f.actor {
        q = q.filter(entry::Column::ActorName.contains(a));
    }
    if let Some(a) = &f.action {
        q = q.filter(entry::Column::Action.starts_with(a));
    }
    if let Some(t) = &f.object_type {
        q = q.filter(entry::Column::ObjectType.eq(t));
    }
    if let Some(id) = &f.object_id {
        q = q.filter(entry::Column::ObjectId.eq(id));
    }
    if let Some(t) = f.from {
        q = q.filter(entry::Column::OccurredAt.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(entry::Column::OccurredAt.lt(t));
    }
    let total = q.clone().count(db).await?;
    let rows =
        q.order_by_desc(entry::Column::Seq).offset(super::offset(page, per_page)).limit(per_page).all(db).await?;
    Ok((rows, total))
}

/// Appends entries in order and returns their sequence numbers. Must run inside the
/// transaction of the state change they record.
///
/// The head row is updated first: on PostgreSQL that takes its row lock, on SQLite the write
/// lock, so concurrent appenders queue and each sees the predecessor the other wrote. The
/// unique `seq` and `prev_hash` indexes make a double claim fail rather than fork the chain.
/// A group (the intake writer's) costs one head update and one multi-row insert.
pub async fn append_many<C: ConnectionTrait>(db: &C, mut records: Vec<AuditRecord>) -> Result<Vec<i64>, DbErr> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    // Always an i64 increment: one SQL text, one parameter type for PostgreSQL's statement cache.
    let n = records.len() as i64;
    head::Entity::update_many()
        .col_expr(head::Column::Seq, Expr::col(head::Column::Seq).add(n))
        .filter(head::Column::Id.eq(1))
        .exec(db)
        .await?;
    let h =
        head::Entity::find_by_id(1).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("audit_chain_heads".into()))?;
    // The head row held the previous hash until now; the sequence already moved by n.
    let mut prev = h.hash.clone();
    let first = h.seq - n + 1;
    let mut rows = Vec::with_capacity(records.len());
    let mut last_at = h.updated_at;
    for (i, record) in records.iter_mut().enumerate() {
        record.seq = first + i as i64;
        let hash = record.chain_hash(&prev);
        rows.push(entry::ActiveModel {
            seq: Set(record.seq),
            occurred_at: Set(record.occurred_at),
            actor_user_id: Set(record.actor_user_id),
            actor_name: Set(record.actor_name.clone()),
            actor_role: Set(record.actor_role.clone()),
            action: Set(record.action.clone()),
            object_type: Set(record.object_type.clone()),
            object_id: Set(record.object_id.clone()),
            outcome: Set(record.outcome.clone()),
            summary: Set(record.summary.clone()),
            request_id: Set(record.request_id.clone()),
            client_addr: Set(record.client_addr.clone()),
            prev_hash: Set(prev.clone()),
            hash: Set(hash.clone()),
            created_at: Set(record.occurred_at),
            ..Default::default()
        });
        prev = hash;
        last_at = record.occurred_at;
    }
    super::insert_bulk(db, rows, None).await?;
    head::Entity::update_many()
        .col_expr(head::Column::Hash, Expr::value(prev))
        .col_expr(head::Column::UpdatedAt, Expr::value(last_at))
        .filter(head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(records.iter().map(|r| r.seq).collect())
}
