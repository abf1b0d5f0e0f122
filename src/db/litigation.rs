//! Litigation queries: the litigation and credit steps recorded on a dismissal track or an exit,
//! with the digest of their document.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::litigation_event;

/// A litigation step as recorded.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub track_id: Option<i64>,
    pub exit_id: Option<i64>,
    /// See `domain::dismissal::Litigation`.
    pub kind: String,
    pub happened_on: NaiveDate,
    pub reference: String,
    pub note: String,
    /// The document's SM3 (a blob), its type (`pdf`, `jpeg`) and file name, when one came with it.
    pub doc_sm3: Option<String>,
    pub doc_type: String,
    pub doc_name: String,
    pub actor_user_id: i64,
    pub actor_name: String,
}

/// Inserts a litigation step and returns it.
pub async fn insert_event<C: ConnectionTrait>(
    db: &C,
    new: NewEvent,
    now: DateTime<Utc>,
) -> Result<litigation_event::Model, DbErr> {
    litigation_event::ActiveModel {
        track_id: Set(new.track_id),
        exit_id: Set(new.exit_id),
        kind: Set(new.kind),
        happened_on: Set(new.happened_on),
        reference: Set(new.reference),
        note: Set(new.note),
        doc_sm3: Set(new.doc_sm3),
        doc_type: Set(new.doc_type),
        doc_name: Set(new.doc_name),
        actor_user_id: Set(new.actor_user_id),
        actor_name: Set(new.actor_name),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A track's litigation steps in the order they happened (their date, ties in the order recorded).
pub async fn events_of_track<C: ConnectionTrait>(db: &C, track_id: i64) -> Result<Vec<litigation_event::Model>, DbErr> {
    litigation_event::Entity::find()
        .filter(litigation_event::Column::TrackId.eq(track_id))
        .order_by_asc(litigation_event::Column::HappenedOn)
        .order_by_asc(litigation_event::Column::Id)
        .all(db)
        .await
}

/// An exit's litigation steps, with those of the dismissal track it follows, in the order they
/// happened.
pub async fn events_of_exit<C: ConnectionTrait>(
    db: &C,
    exit_id: i64,
    track_id: Option<i64>,
) -> Result<Vec<litigation_event::Model>, DbErr> {
    let mut on = sea_orm::Condition::any().add(litigation_event::Column::ExitId.eq(exit_id));
    if let Some(t) = track_id {
        on = on.add(litigation_event::Column::TrackId.eq(t));
    }
    litigation_event::Entity::find()
        .filter(on)
        .order_by_asc(litigation_event::Column::HappenedOn)
        .order_by_asc(litigation_event::Column::Id)
        .all(db)
        .await
}

/// One litigation step.
pub async fn event<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<litigation_event::Model>, DbErr> {
    litigation_event::Entity::find_by_id(id).one(db).await
}
