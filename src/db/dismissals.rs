//! Dismissal-track queries: the tracks of guided dismissal, their recorded steps (written with
//! a compare-and-set on what the step's check saw) and the township officers assigned to them.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{dismissal_step, dismissal_track, user};
use crate::domain::dismissal::TrackStatus;
use crate::domain::role::Role;

/// A track as a leader opens it.
#[derive(Debug, Clone)]
pub struct NewTrack {
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub township_id: i64,
    pub reasons: String,
    /// The cases it rests on, comma-separated ids.
    pub case_ids: String,
    pub notice_days: i32,
    pub opened_on: NaiveDate,
    pub opened_by: i64,
}

/// Inserts an open track (no step yet) and returns it.
pub async fn insert_track<C: ConnectionTrait>(
    db: &C,
    new: NewTrack,
    now: DateTime<Utc>,
) -> Result<dismissal_track::Model, DbErr> {
    dismissal_track::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        township_id: Set(new.township_id),
        reasons: Set(new.reasons),
        case_ids: Set(new.case_ids),
        notice_days: Set(new.notice_days),
        opened_on: Set(new.opened_on),
        opened_by: Set(new.opened_by),
        called_on: Set(None),
        decided_on: Set(None),
        dismissed: Set(false),
        served_on: Set(None),
        contract_ends_on: Set(None),
        status: Set(TrackStatus::Open.as_str().into()),
        decision_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One track.
pub async fn track<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<dismissal_track::Model>, DbErr> {
    dismissal_track::Entity::find_by_id(id).one(db).await
}

/// A community's open track, if any.
pub async fn open_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Option<dismissal_track::Model>, DbErr> {
    dismissal_track::Entity::find()
        .filter(dismissal_track::Column::CommunityId.eq(community_id))
        .filter(dismissal_track::Column::Status.eq(TrackStatus::Open.as_str()))
        .one(db)
        .await
}

/// A community's tracks, newest first.
pub async fn of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<dismissal_track::Model>, DbErr> {
    dismissal_track::Entity::find()
        .filter(dismissal_track::Column::CommunityId.eq(community_id))
        .order_by_desc(dismissal_track::Column::Id)
        .all(db)
        .await
}

/// A company's tracks, newest first.
pub async fn of_company<C: ConnectionTrait>(db: &C, company_id: i64) -> Result<Vec<dismissal_track::Model>, DbErr> {
    dismissal_track::Entity::find()
        .filter(dismissal_track::Column::CompanyId.eq(company_id))
        .order_by_desc(dismissal_track::Column::Id)
        .all(db)
        .await
}

/// What a step writes on the track row (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct TrackChange {
    pub called_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    /// `Some(true)`: the owners dismissed the company.
    pub dismissed: Option<bool>,
    /// (served on, the contract ends on).
    pub served: Option<(NaiveDate, NaiveDate)>,
    pub status: Option<TrackStatus>,
    /// The owners' decision the assembly step took its result from.
    pub decision_id: Option<i64>,
}

/// Writes a step's change only if the track is still open and unchanged since the step's check
/// read it (`seen_updated_at`): a step recorded meanwhile refuses this one. Returns whether this
/// call wrote it.
pub async fn change_if_unchanged<C: ConnectionTrait>(
    db: &C,
    id: i64,
    seen_updated_at: DateTime<Utc>,
    change: TrackChange,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = dismissal_track::Entity::update_many().col_expr(dismissal_track::Column::UpdatedAt, Expr::value(now));
    if let Some(d) = change.called_on {
        q = q.col_expr(dismissal_track::Column::CalledOn, Expr::value(d));
    }
    if let Some(d) = change.decided_on {
        q = q.col_expr(dismissal_track::Column::DecidedOn, Expr::value(d));
    }
    if let Some(b) = change.dismissed {
        q = q.col_expr(dismissal_track::Column::Dismissed, Expr::value(b));
    }
    if let Some((served, ends)) = change.served {
        q = q
            .col_expr(dismissal_track::Column::ServedOn, Expr::value(served))
            .col_expr(dismissal_track::Column::ContractEndsOn, Expr::value(ends));
    }
    if let Some(s) = change.status {
        q = q.col_expr(dismissal_track::Column::Status, Expr::value(s.as_str()));
    }
    if let Some(d) = change.decision_id {
        q = q.col_expr(dismissal_track::Column::DecisionId, Expr::value(d));
    }
    let r = q
        .filter(dismissal_track::Column::Id.eq(id))
        .filter(dismissal_track::Column::UpdatedAt.eq(seen_updated_at))
        .filter(dismissal_track::Column::Status.eq(TrackStatus::Open.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// A step recorded on a track.
#[derive(Debug, Clone)]
pub struct NewStep {
    pub track_id: i64,
    /// See `domain::dismissal::Step`.
    pub step: String,
    pub happened_on: NaiveDate,
    pub note: String,
    pub actor_user_id: i64,
    pub actor_name: String,
}

/// Inserts a step line.
pub async fn insert_step<C: ConnectionTrait>(
    db: &C,
    new: NewStep,
    now: DateTime<Utc>,
) -> Result<dismissal_step::Model, DbErr> {
    dismissal_step::ActiveModel {
        track_id: Set(new.track_id),
        step: Set(new.step),
        happened_on: Set(new.happened_on),
        note: Set(new.note),
        actor_user_id: Set(new.actor_user_id),
        actor_name: Set(new.actor_name),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A track's steps in the order they happened (their date, ties in the order recorded).
pub async fn steps<C: ConnectionTrait>(db: &C, track_id: i64) -> Result<Vec<dismissal_step::Model>, DbErr> {
    dismissal_step::Entity::find()
        .filter(dismissal_step::Column::TrackId.eq(track_id))
        .order_by_asc(dismissal_step::Column::HappenedOn)
        .order_by_asc(dismissal_step::Column::Id)
        .all(db)
        .await
}

/// The active township officers of a township: who guides the owners on its tracks.
pub async fn township_officers<C: ConnectionTrait>(db: &C, township_id: i64) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::TownshipOfficer.as_str()))
        .filter(user::Column::JurisdictionId.eq(township_id))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await
}
