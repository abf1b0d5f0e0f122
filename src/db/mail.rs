//! Outbox and mail-cursor queries.

use crate::domain::outbox::OutboxStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{mail_cursor, outbox};

/// A message to queue, due at once.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// One message per key: queuing the same key again is a no-op.
    pub dedupe_key: String,
    /// `email` or `sms`.
    pub channel: &'static str,
    pub kind: String,
    pub recipient_sealed: String,
    pub subject: String,
    pub body: String,
    pub in_reply_to: Option<String>,
    pub complaint_id: Option<i64>,
    /// When it is queued (and first due).
    pub at: DateTime<Utc>,
}

/// Queues messages (pending, no attempt yet); a message whose dedupe key is already queued is
/// left as it is.
pub async fn enqueue<C: ConnectionTrait>(db: &C, messages: Vec<NewMessage>) -> Result<(), DbErr> {
    let rows: Vec<_> = messages
        .into_iter()
        .map(|m| outbox::ActiveModel {
            dedupe_key: Set(m.dedupe_key),
            channel: Set(m.channel.into()),
            kind: Set(m.kind),
            recipient_sealed: Set(m.recipient_sealed),
            subject: Set(m.subject),
            body: Set(m.body),
            in_reply_to: Set(m.in_reply_to),
            complaint_id: Set(m.complaint_id),
            status: Set(OutboxStatus::Pending.as_str().into()),
            attempts: Set(0),
            last_error: Set(String::new()),
            next_attempt_at: Set(m.at),
            lease_until: Set(None),
            sent_at: Set(None),
            created_at: Set(m.at),
            updated_at: Set(m.at),
            ..Default::default()
        })
        .collect();
    for chunk in super::pow2_chunks(rows) {
        outbox::Entity::insert_many(chunk)
            .on_conflict(OnConflict::column(outbox::Column::DedupeKey).do_nothing().to_owned())
            .try_insert()
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Claims up to `limit` messages that are due and not held by another sender, holding each
/// until `lease_until`. The claim is a conditional UPDATE per row, so two senders (on one
/// PostgreSQL) never claim the same message.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    channels: &[&str],
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let channels: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
    let free = || {
        Condition::all()
            .add(outbox::Column::Channel.is_in(channels.clone()))
            .add(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
            .add(outbox::Column::NextAttemptAt.lte(now))
            .add(Condition::any().add(outbox::Column::LeaseUntil.is_null()).add(outbox::Column::LeaseUntil.lt(now)))
    };
    let due = outbox::Entity::find().filter(free()).order_by_asc(outbox::Column::Id).limit(limit).all(db).await?;
    let mut claimed = Vec::with_capacity(due.len());
    for m in due {
        let r = outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseUntil, Expr::value(lease_until))
            .filter(outbox::Column::Id.eq(m.id))
            .filter(free())
            .exec(db)
            .await?;
        if r.rows_affected == 1 {
            claimed.push(m);
        }
    }
    Ok(claimed)
}

/// Records a delivered message.
pub async fn mark_sent<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Sent.as_str()))
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up (`failed`) when `None`.
pub async fn mark_attempt_failed<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut q = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::after_failure(retry_at.is_some()).as_str()))
        .col_expr(outbox::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now));
    if let Some(at) = retry_at {
        q = q.col_expr(outbox::Column::NextAttemptAt, Expr::value(at));
    }
    q.filter(outbox::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// The messages queued about one clue, oldest first.
pub async fn for_complaint<C: ConnectionTrait>(db: &C, complaint_id: i64) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::ComplaintId.eq(complaint_id))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await
}

/// How far a mailbox has been read.
pub async fn cursor<C: ConnectionTrait>(db: &C, mailbox: &str) -> Result<Option<mail_cursor::Model>, DbErr> {
    mail_cursor::Entity::find().filter(mail_cursor::Column::Mailbox.eq(mailbox)).one(db).await
}

/// Moves a mailbox's cursor (creating it on first use).
pub async fn save_cursor<C: ConnectionTrait>(
    db: &C,
    mailbox: &str,
    uid_validity: i64,
    last_uid: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    mail_cursor::Entity::insert(mail_cursor::ActiveModel {
        mailbox: Set(mailbox.to_string()),
        uid_validity: Set(uid_validity),
        last_uid: Set(last_uid),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(mail_cursor::Column::Mailbox)
            .update_columns([
                mail_cursor::Column::UidValidity,
                mail_cursor::Column::LastUid,
                mail_cursor::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Notifications not yet dispatched to other channels, oldest first.
pub async fn undispatched_notifications<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<super::entities::notification::Model>, DbErr> {
    use super::entities::notification;
    notification::Entity::find()
        .filter(notification::Column::DispatchedAt.is_null())
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Marks notifications dispatched.
pub async fn mark_dispatched<C: ConnectionTrait>(db: &C, ids: Vec<i64>, now: DateTime<Utc>) -> Result<(), DbErr> {
    use super::entities::notification;
    for chunk in super::pow2_chunks(ids) {
        notification::Entity::update_many()
            .col_expr(notification::Column::DispatchedAt, Expr::value(now))
            .filter(notification::Column::Id.is_in(chunk))
            .filter(notification::Column::DispatchedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Active accounts with a phone number or an email address: one account, or every account of
/// a company.
pub async fn recipients_of<C: ConnectionTrait>(
    db: &C,
    user_id: Option<i64>,
    company_id: Option<i64>,
) -> Result<Vec<super::entities::user::Model>, DbErr> {
    use super::entities::user;
    let mut q =
        user::Entity::find().filter(user::Column::Active.eq(true)).filter(user::Column::PhoneSealed.is_not_null());
    q = match (user_id, company_id) {
        (Some(u), _) => q.filter(user::Column::Id.eq(u)),
        (None, Some(c)) => q.filter(user::Column::CompanyId.eq(c)).filter(user::Column::Role.eq("company_user")),
        (None, None) => return Ok(Vec::new()),
    };
    q.all(db).await
}
