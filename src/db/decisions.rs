//! Owners' joint decisions: votes, matters, attachments, codes, ballots, objections and
//! extensions. Every change of a vote's status is a compare-and-set on the status it had.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{
    decision, decision_ballot, decision_ballot_unit, decision_code, decision_extension, decision_file, decision_matter,
    decision_objection,
};
use crate::domain::decision::{DecisionStatus, Tally};

/// A vote as convened.
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub community_id: i64,
    pub township_id: i64,
    pub title: String,
    /// `committee` or `township`.
    pub convenor_role: &'static str,
    pub convened_by: i64,
    pub interim: bool,
    pub notice_on: NaiveDate,
    pub voting_starts_on: NaiveDate,
    pub voting_ends_on: NaiveDate,
    pub objection_days: i32,
    pub deem_clause: String,
}

/// A matter as convened.
#[derive(Debug, Clone)]
pub struct NewMatter {
    pub item: String,
    pub title: String,
    pub body: String,
}

/// Inserts a convened vote with its matters and attachments (name, digest, media type).
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewDecision,
    matters: Vec<NewMatter>,
    files: Vec<(String, String, String)>,
    now: DateTime<Utc>,
) -> Result<decision::Model, DbErr> {
    let d = decision::ActiveModel {
        community_id: Set(new.community_id),
        township_id: Set(new.township_id),
        title: Set(new.title),
        convenor_role: Set(new.convenor_role.into()),
        convened_by: Set(new.convened_by),
        interim: Set(new.interim),
        notice_on: Set(new.notice_on),
        voting_starts_on: Set(new.voting_starts_on),
        voting_ends_on: Set(new.voting_ends_on),
        objection_days: Set(new.objection_days),
        deem_clause: Set(new.deem_clause),
        status: Set(DecisionStatus::Convened.as_str().into()),
        closed_at: Set(None),
        objection_ends_on: Set(None),
        finalized_at: Set(None),
        total_units: Set(None),
        total_area_centi: Set(None),
        total_owners: Set(None),
        announcement_digest: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (i, m) in matters.into_iter().enumerate() {
        decision_matter::ActiveModel {
            decision_id: Set(d.id),
            position: Set(i as i32 + 1),
            item: Set(m.item),
            title: Set(m.title),
            body: Set(m.body),
            yes_area_centi: Set(None),
            yes_owners: Set(None),
            no_area_centi: Set(None),
            no_owners: Set(None),
            abstain_area_centi: Set(None),
            abstain_owners: Set(None),
            deemed_yes_area_centi: Set(None),
            deemed_yes_owners: Set(None),
            deemed_no_area_centi: Set(None),
            deemed_no_owners: Set(None),
            passed: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (name, digest, media_type) in files {
        decision_file::ActiveModel {
            decision_id: Set(d.id),
            name: Set(name),
            digest: Set(digest),
            media_type: Set(media_type),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(d)
}

/// One vote.
pub async fn decision<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<decision::Model>, DbErr> {
    decision::Entity::find_by_id(id).one(db).await
}

/// Every vote, newest first (lists filter them by the reader's reach).
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<decision::Model>, DbErr> {
    decision::Entity::find().order_by_desc(decision::Column::Id).all(db).await
}

/// A community's votes, newest first.
pub async fn of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<decision::Model>, DbErr> {
    decision::Entity::find()
        .filter(decision::Column::CommunityId.eq(community_id))
        .order_by_desc(decision::Column::Id)
        .all(db)
        .await
}

/// Votes still open (convened) whose voting period ended before `today`: the scanner counts them.
pub async fn due_for_count<C: ConnectionTrait>(db: &C, today: NaiveDate) -> Result<Vec<decision::Model>, DbErr> {
    decision::Entity::find()
        .filter(decision::Column::Status.eq(DecisionStatus::Convened.as_str()))
        .filter(decision::Column::VotingEndsOn.lt(today))
        .order_by_asc(decision::Column::Id)
        .all(db)
        .await
}

/// A vote's matters in their order.
pub async fn matters<C: ConnectionTrait>(db: &C, decision_id: i64) -> Result<Vec<decision_matter::Model>, DbErr> {
    decision_matter::Entity::find()
        .filter(decision_matter::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_matter::Column::Position)
        .all(db)
        .await
}

/// One matter.
pub async fn matter<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<decision_matter::Model>, DbErr> {
    decision_matter::Entity::find_by_id(id).one(db).await
}

/// A vote's attachments.
pub async fn files<C: ConnectionTrait>(db: &C, decision_id: i64) -> Result<Vec<decision_file::Model>, DbErr> {
    decision_file::Entity::find()
        .filter(decision_file::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_file::Column::Id)
        .all(db)
        .await
}

/// The figures of a count: the totals of the roster and the tally of each matter.
#[derive(Debug, Clone)]
pub struct Count {
    pub total_units: i64,
    pub total_area_centi: i64,
    pub total_owners: i64,
    pub objection_ends_on: NaiveDate,
    /// (matter id, tally, passed)
    pub matters: Vec<(i64, Tally, bool)>,
}

/// Records a count on a vote still convened; false when it is not (counted or cancelled meanwhile).
pub async fn close_if_convened<C: ConnectionTrait>(
    db: &C,
    id: i64,
    count: Count,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = decision::Entity::update_many()
        .col_expr(decision::Column::Status, Expr::value(DecisionStatus::Closed.as_str()))
        .col_expr(decision::Column::ClosedAt, Expr::value(now))
        .col_expr(decision::Column::ObjectionEndsOn, Expr::value(count.objection_ends_on))
        .col_expr(decision::Column::TotalUnits, Expr::value(count.total_units))
        .col_expr(decision::Column::TotalAreaCenti, Expr::value(count.total_area_centi))
        .col_expr(decision::Column::TotalOwners, Expr::value(count.total_owners))
        .col_expr(decision::Column::UpdatedAt, Expr::value(now))
        .filter(decision::Column::Id.eq(id))
        .filter(decision::Column::Status.eq(DecisionStatus::Convened.as_str()))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    set_results(db, count.matters, now).await?;
    Ok(true)
}

/// Writes matters' tallies and verdicts: (matter id, tally, passed).
pub async fn set_results<C: ConnectionTrait>(
    db: &C,
    results: Vec<(i64, Tally, bool)>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for (matter_id, t, passed) in results {
        let o = |x: u64| Expr::value(x as i64);
        decision_matter::Entity::update_many()
            .col_expr(decision_matter::Column::YesAreaCenti, Expr::value(t.yes.area_centi))
            .col_expr(decision_matter::Column::YesOwners, o(t.yes.owners))
            .col_expr(decision_matter::Column::NoAreaCenti, Expr::value(t.no.area_centi))
            .col_expr(decision_matter::Column::NoOwners, o(t.no.owners))
            .col_expr(decision_matter::Column::AbstainAreaCenti, Expr::value(t.abstain.area_centi))
            .col_expr(decision_matter::Column::AbstainOwners, o(t.abstain.owners))
            .col_expr(decision_matter::Column::DeemedYesAreaCenti, Expr::value(t.deemed_yes.area_centi))
            .col_expr(decision_matter::Column::DeemedYesOwners, o(t.deemed_yes.owners))
            .col_expr(decision_matter::Column::DeemedNoAreaCenti, Expr::value(t.deemed_no.area_centi))
            .col_expr(decision_matter::Column::DeemedNoOwners, o(t.deemed_no.owners))
            .col_expr(decision_matter::Column::Passed, Expr::value(passed))
            .col_expr(decision_matter::Column::UpdatedAt, Expr::value(now))
            .filter(decision_matter::Column::Id.eq(matter_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Replaces a ballot's sealed choices (a paper ballot corrected on an upheld objection).
pub async fn set_ballot_choices<C: ConnectionTrait>(
    db: &C,
    ballot_id: i64,
    sealed: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    decision_ballot::Entity::update_many()
        .col_expr(decision_ballot::Column::ChoicesSealed, Expr::value(sealed))
        .col_expr(decision_ballot::Column::UpdatedAt, Expr::value(now))
        .filter(decision_ballot::Column::Id.eq(ballot_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves a vote from `from` to `to`; false when it was not in `from` any more.
pub async fn set_status_if<C: ConnectionTrait>(
    db: &C,
    id: i64,
    from: DecisionStatus,
    to: DecisionStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = decision::Entity::update_many()
        .col_expr(decision::Column::Status, Expr::value(to.as_str()))
        .col_expr(decision::Column::UpdatedAt, Expr::value(now));
    if to == DecisionStatus::Final {
        q = q.col_expr(decision::Column::FinalizedAt, Expr::value(now));
    }
    let r = q.filter(decision::Column::Id.eq(id)).filter(decision::Column::Status.eq(from.as_str())).exec(db).await?;
    Ok(r.rows_affected == 1)
}

/// Keeps the digest of a vote's latest announcement (公告).
pub async fn set_announcement<C: ConnectionTrait>(
    db: &C,
    id: i64,
    digest: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    decision::Entity::update_many()
        .col_expr(decision::Column::AnnouncementDigest, Expr::value(digest))
        .col_expr(decision::Column::UpdatedAt, Expr::value(now))
        .filter(decision::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves the end of the voting period of a vote still convened; false when it is not.
pub async fn extend_if_convened<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new_ends: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = decision::Entity::update_many()
        .col_expr(decision::Column::VotingEndsOn, Expr::value(new_ends))
        .col_expr(decision::Column::UpdatedAt, Expr::value(now))
        .filter(decision::Column::Id.eq(id))
        .filter(decision::Column::Status.eq(DecisionStatus::Convened.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

// ---- codes

/// A code to store (sealed, with its blind index).
#[derive(Debug, Clone)]
pub struct NewCode {
    pub decision_id: i64,
    pub roster_unit_id: i64,
    pub code_index: String,
    pub code_sealed: String,
    /// `sms` or `slip`.
    pub channel: &'static str,
}

/// Inserts codes (the unique indexes refuse a second code for a unit).
pub async fn insert_codes<C: ConnectionTrait>(db: &C, codes: Vec<NewCode>, now: DateTime<Utc>) -> Result<(), DbErr> {
    let rows: Vec<_> = codes
        .into_iter()
        .map(|c| decision_code::ActiveModel {
            decision_id: Set(c.decision_id),
            roster_unit_id: Set(c.roster_unit_id),
            code_index: Set(c.code_index),
            code_sealed: Set(c.code_sealed),
            channel: Set(c.channel.into()),
            handed_over_at: Set(None),
            handed_over_by: Set(None),
            used_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in super::pow2_chunks(rows) {
        decision_code::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// A vote's codes, by unit.
pub async fn codes<C: ConnectionTrait>(db: &C, decision_id: i64) -> Result<Vec<decision_code::Model>, DbErr> {
    decision_code::Entity::find()
        .filter(decision_code::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_code::Column::Id)
        .all(db)
        .await
}

/// The code with this blind index.
pub async fn code_by_index<C: ConnectionTrait>(db: &C, index: &str) -> Result<Option<decision_code::Model>, DbErr> {
    decision_code::Entity::find().filter(decision_code::Column::CodeIndex.eq(index)).one(db).await
}

/// Marks a code used; false when it was used already.
pub async fn use_code_if_unused<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = decision_code::Entity::update_many()
        .col_expr(decision_code::Column::UsedAt, Expr::value(now))
        .col_expr(decision_code::Column::UpdatedAt, Expr::value(now))
        .filter(decision_code::Column::Id.eq(id))
        .filter(decision_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a unit's printed slip handed over (signed for); false when it was already, or the unit has
/// no slip.
pub async fn hand_over_if_not<C: ConnectionTrait>(
    db: &C,
    decision_id: i64,
    unit_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = decision_code::Entity::update_many()
        .col_expr(decision_code::Column::HandedOverAt, Expr::value(now))
        .col_expr(decision_code::Column::HandedOverBy, Expr::value(by))
        .col_expr(decision_code::Column::UpdatedAt, Expr::value(now))
        .filter(decision_code::Column::DecisionId.eq(decision_id))
        .filter(decision_code::Column::RosterUnitId.eq(unit_id))
        .filter(decision_code::Column::Channel.eq("slip"))
        .filter(decision_code::Column::HandedOverAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

// ---- ballots

/// A ballot to record.
#[derive(Debug, Clone)]
pub struct NewBallot {
    pub decision_id: i64,
    pub holder_key: String,
    pub roster_unit_id: i64,
    /// `online` or `paper`.
    pub channel: &'static str,
    pub choices_sealed: String,
    pub building: String,
    pub photo_digest: Option<String>,
    pub voter_name_sealed: Option<String>,
    pub entered_by: Option<i64>,
    /// The units it covers with their area now.
    pub units: Vec<(i64, i64)>,
}

/// Records a ballot and the units it covers. The unique indexes refuse a second ballot of the
/// holder (`uq_decision_ballots_holder`) and a unit covered already (`uq_decision_ballot_units_unit`).
pub async fn insert_ballot<C: ConnectionTrait>(
    db: &C,
    b: NewBallot,
    now: DateTime<Utc>,
) -> Result<decision_ballot::Model, DbErr> {
    let area: i64 = b.units.iter().map(|(_, a)| a).sum();
    let row = decision_ballot::ActiveModel {
        decision_id: Set(b.decision_id),
        holder_key: Set(b.holder_key),
        roster_unit_id: Set(b.roster_unit_id),
        channel: Set(b.channel.into()),
        choices_sealed: Set(b.choices_sealed),
        area_centi: Set(area),
        building: Set(b.building),
        photo_digest: Set(b.photo_digest),
        voter_name_sealed: Set(b.voter_name_sealed),
        entered_by: Set(b.entered_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let units: Vec<_> = b
        .units
        .into_iter()
        .map(|(unit_id, area_centi)| decision_ballot_unit::ActiveModel {
            decision_id: Set(row.decision_id),
            ballot_id: Set(row.id),
            roster_unit_id: Set(unit_id),
            area_centi: Set(area_centi),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in super::pow2_chunks(units) {
        decision_ballot_unit::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(row)
}

/// A vote's ballots in the order recorded.
pub async fn ballots<C: ConnectionTrait>(db: &C, decision_id: i64) -> Result<Vec<decision_ballot::Model>, DbErr> {
    decision_ballot::Entity::find()
        .filter(decision_ballot::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_ballot::Column::Id)
        .all(db)
        .await
}

/// The units a vote's ballots cover.
pub async fn ballot_units<C: ConnectionTrait>(
    db: &C,
    decision_id: i64,
) -> Result<Vec<decision_ballot_unit::Model>, DbErr> {
    decision_ballot_unit::Entity::find()
        .filter(decision_ballot_unit::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_ballot_unit::Column::Id)
        .all(db)
        .await
}

/// The ballot covering a unit, if any.
pub async fn ballot_of_unit<C: ConnectionTrait>(
    db: &C,
    decision_id: i64,
    unit_id: i64,
) -> Result<Option<decision_ballot_unit::Model>, DbErr> {
    decision_ballot_unit::Entity::find()
        .filter(decision_ballot_unit::Column::DecisionId.eq(decision_id))
        .filter(decision_ballot_unit::Column::RosterUnitId.eq(unit_id))
        .one(db)
        .await
}

/// One ballot.
pub async fn ballot<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<decision_ballot::Model>, DbErr> {
    decision_ballot::Entity::find_by_id(id).one(db).await
}

// ---- objections and extensions

/// Records an objection (pending).
pub async fn insert_objection<C: ConnectionTrait>(
    db: &C,
    decision_id: i64,
    unit_id: i64,
    text: String,
    now: DateTime<Utc>,
) -> Result<decision_objection::Model, DbErr> {
    decision_objection::ActiveModel {
        decision_id: Set(decision_id),
        roster_unit_id: Set(unit_id),
        text: Set(text),
        status: Set("pending".into()),
        reason: Set(String::new()),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A vote's objections in the order made.
pub async fn objections<C: ConnectionTrait>(db: &C, decision_id: i64) -> Result<Vec<decision_objection::Model>, DbErr> {
    decision_objection::Entity::find()
        .filter(decision_objection::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_objection::Column::Id)
        .all(db)
        .await
}

/// One objection.
pub async fn objection<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<decision_objection::Model>, DbErr> {
    decision_objection::Entity::find_by_id(id).one(db).await
}

/// Decides a pending objection (`upheld` or `dismissed`); false when it was decided already.
pub async fn decide_objection_if_pending<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: &str,
    reason: String,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = decision_objection::Entity::update_many()
        .col_expr(decision_objection::Column::Status, Expr::value(status))
        .col_expr(decision_objection::Column::Reason, Expr::value(reason))
        .col_expr(decision_objection::Column::DecidedBy, Expr::value(by))
        .col_expr(decision_objection::Column::DecidedAt, Expr::value(now))
        .col_expr(decision_objection::Column::UpdatedAt, Expr::value(now))
        .filter(decision_objection::Column::Id.eq(id))
        .filter(decision_objection::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records a request to extend the voting period (pending).
pub async fn insert_extension<C: ConnectionTrait>(
    db: &C,
    decision_id: i64,
    new_ends_on: NaiveDate,
    reason: String,
    by: i64,
    now: DateTime<Utc>,
) -> Result<decision_extension::Model, DbErr> {
    decision_extension::ActiveModel {
        decision_id: Set(decision_id),
        new_ends_on: Set(new_ends_on),
        reason: Set(reason),
        requested_by: Set(by),
        status: Set("pending".into()),
        note: Set(String::new()),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A vote's extension requests in the order made.
pub async fn extensions<C: ConnectionTrait>(db: &C, decision_id: i64) -> Result<Vec<decision_extension::Model>, DbErr> {
    decision_extension::Entity::find()
        .filter(decision_extension::Column::DecisionId.eq(decision_id))
        .order_by_asc(decision_extension::Column::Id)
        .all(db)
        .await
}

/// One extension request.
pub async fn extension<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<decision_extension::Model>, DbErr> {
    decision_extension::Entity::find_by_id(id).one(db).await
}

/// Decides a pending extension (`approved` or `refused`); false when it was decided already.
pub async fn decide_extension_if_pending<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: &str,
    note: String,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = decision_extension::Entity::update_many()
        .col_expr(decision_extension::Column::Status, Expr::value(status))
        .col_expr(decision_extension::Column::Note, Expr::value(note))
        .col_expr(decision_extension::Column::DecidedBy, Expr::value(by))
        .col_expr(decision_extension::Column::DecidedAt, Expr::value(now))
        .col_expr(decision_extension::Column::UpdatedAt, Expr::value(now))
        .filter(decision_extension::Column::Id.eq(id))
        .filter(decision_extension::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The units of a community that a vote has given a code (they stay on the roster: the vote's
/// record refers to them).
pub async fn units_with_codes<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<i64>, DbErr> {
    let ids: Vec<i64> = decision::Entity::find()
        .filter(decision::Column::CommunityId.eq(community_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    Ok(decision_code::Entity::find()
        .filter(decision_code::Column::DecisionId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|k| k.roster_unit_id)
        .collect())
}
