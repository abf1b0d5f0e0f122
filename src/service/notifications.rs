//! Notifications (站内消息): the rows a use case writes in its own transaction, one per account or
//! one per company, each with a dedupe key so a repeated step never tells anyone twice.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;

use crate::db::entities::notification;

/// A notification to one account.
pub(crate) fn to_user(
    user_id: i64,
    kind: &str,
    title: String,
    body: String,
    case_id: Option<i64>,
    key: String,
    now: DateTime<Utc>,
) -> notification::ActiveModel {
    notification::ActiveModel {
        user_id: Set(Some(user_id)),
        company_id: Set(None),
        kind: Set(kind.into()),
        title: Set(title.chars().take(200).collect()),
        body: Set(body),
        case_id: Set(case_id),
        notice_id: Set(None),
        dedupe_key: Set(key),
        read_at: Set(None),
        dispatched_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
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
) -> notification::ActiveModel {
    notification::ActiveModel {
        user_id: Set(None),
        company_id: Set(Some(company_id)),
        ..to_user(0, kind, title, body, case_id, key, now)
    }
}
