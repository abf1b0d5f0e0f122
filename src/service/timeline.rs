//! Lines on a case's timeline that change no status (requests, refusals, signatures, steps of
//! the escalation ladder); their Chinese labels live in `domain::timeline`.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::{Ctx, ServiceError};
use crate::db::entities::{case, case_event};
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
    case_event::ActiveModel {
        case_id: Set(c.id),
        kind: Set(kind.into()),
        from_status: Set(c.status.clone()),
        to_status: Set(c.status.clone()),
        note: Set(note.into()),
        public_text: Set(String::new()),
        deadline: Set(None),
        actor_user_id: Set(ctx.actor.as_ref().map(|a| a.user_id)),
        actor_name: Set(ctx.actor_name.chars().take(100).collect()),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}
