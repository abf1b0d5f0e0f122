//! Queries of notifications (站内消息): the rows use cases write in their own transaction, each
//! with a unique dedupe key, and a reader's inbox.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::notification;

/// A notification to write: to one account (`user_id`) or to every account of a company
/// (`company_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: Option<i64>,
    pub company_id: Option<i64>,
    /// What it is about (`case_overdue`, `deadline_reminder`, `notice_issued`, …).
    pub kind: String,
    pub title: String,
    pub body: String,
    pub case_id: Option<i64>,
    pub notice_id: Option<i64>,
    /// What caused it: a second row with the same key is never written.
    pub dedupe_key: String,
    pub at: DateTime<Utc>,
}

/// Inserts notifications in multi-row statements (as `insert_bulk` says); one whose dedupe key
/// exists is skipped, so a repeated step never tells anyone twice. Returns how many were new.
pub async fn notify<C: ConnectionTrait>(db: &C, rows: Vec<NewNotification>) -> Result<u64, DbErr> {
    let rows: Vec<_> = rows
        .into_iter()
        .map(|n| notification::ActiveModel {
            user_id: Set(n.user_id),
            company_id: Set(n.company_id),
            kind: Set(n.kind),
            title: Set(n.title),
            body: Set(n.body),
            case_id: Set(n.case_id),
            notice_id: Set(n.notice_id),
            dedupe_key: Set(n.dedupe_key),
            read_at: Set(None),
            dispatched_at: Set(None),
            created_at: Set(n.at),
            updated_at: Set(n.at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, Some(notification::Column::DedupeKey)).await
}

/// A user's latest `limit` notifications (their own and their company's), oldest first like every
/// timeline: by the instant written, ties in the order of writing.
pub async fn latest_for<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    company_id: Option<i64>,
    limit: u64,
) -> Result<Vec<notification::Model>, DbErr> {
    let mut cond = Condition::any().add(notification::Column::UserId.eq(user_id));
    if let Some(c) = company_id {
        cond = cond.add(notification::Column::CompanyId.eq(c));
    }
    let mut rows = notification::Entity::find()
        .filter(cond)
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows.reverse();
    Ok(rows)
}
