//! Notifications (站内消息): the rows a use case writes in its own transaction, one per account or
//! one per company, each with a dedupe key so a repeated step never tells anyone twice; and the
//! reader's inbox. A leaf: it uses no feature module.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::notifications::NewNotification;
use crate::domain::role::Scope;

/// A notification to one account.
pub(crate) fn to_user(
    user_id: i64,
    kind: &str,
    title: String,
    body: String,
    case_id: Option<i64>,
    key: String,
    now: DateTime<Utc>,
) -> NewNotification {
    NewNotification {
        user_id: Some(user_id),
        company_id: None,
        kind: kind.into(),
        title: title.chars().take(200).collect(),
        body,
        case_id,
        notice_id: None,
        dedupe_key: key,
        at: now,
    }
}

/// A notification to every account of a company.
pub(crate) fn to_company(
    company_id: i64,
    kind: &str,
    title: String,
    body: String,
    case_id: Option<i64>,
    key: String,
    now: DateTime<Utc>,
) -> NewNotification {
    NewNotification { user_id: None, company_id: Some(company_id), ..to_user(0, kind, title, body, case_id, key, now) }
}

/// One notification for its reader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// What it is about (`case_overdue`, `deadline_reminder`, `new_notice`, …).
    pub kind: String,
    pub title: String,
    pub body: String,
    pub case_id: Option<i64>,
    pub notice_id: Option<i64>,
    pub at_display: String,
    pub read: bool,
}

/// The actor's latest 200 in-app notifications, oldest first (the order of every timeline).
pub async fn list_notifications(deps: &Deps, ctx: &Ctx) -> Result<Vec<NotificationView>, ServiceError> {
    let actor = ctx.actor()?;
    let company = match actor.scope {
        Scope::Company(c) => Some(c),
        _ => None,
    };
    Ok(db::notifications::latest_for(&deps.db, actor.user_id, company, 200)
        .await?
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            case_id: n.case_id,
            notice_id: n.notice_id,
            at_display: crate::clock::display(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect())
}
