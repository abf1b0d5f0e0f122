//! Lines on a case's timeline that change no status (requests, refusals, signatures, steps of
//! the escalation ladder); their Chinese labels live in `domain::timeline`.

use sea_orm::ConnectionTrait;

use super::{Ctx, ServiceError};
use crate::db;
use crate::db::cases::NewCaseEvent;
use crate::db::entities::case;
use crate::domain::timeline::EventKind;

/// A line on the case's timeline that changes no status (requests, refusals, signatures).
pub(crate) async fn timeline_note<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    c: &case::Model,
    kind: &str,
    note: &str,
) -> Result<(), ServiceError> {
    // Every kind written has its label in the one table (a page never shows a code).
    debug_assert!(EventKind::parse(kind).is_some(), "timeline kind {kind} has no label in domain::timeline");
    db::cases::insert_event(
        tx,
        NewCaseEvent {
            case_id: c.id,
            kind: kind.into(),
            from_status: c.status.clone(),
            to_status: c.status.clone(),
            note: note.into(),
            public_text: String::new(),
            deadline: None,
            actor_user_id: ctx.actor.as_ref().map(|a| a.user_id),
            actor_name: ctx.actor_name.chars().take(100).collect(),
        },
        ctx.now,
    )
    .await?;
    Ok(())
}
