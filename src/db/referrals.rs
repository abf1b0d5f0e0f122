//! Referral queries: the referrals of cases to a department, their compare-and-set steps
//! (decision, receipt, result, reminder) and the department accounts that receive them.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::entities::{referral, user};
use crate::domain::referral::ReferralStatus;
use crate::domain::role::Role;

/// A proposed referral.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub department_id: i64,
    /// The cases referred, comma-separated ids.
    pub case_ids: String,
    pub reasons: String,
    pub proposed_by: i64,
}

/// Inserts a referral as proposed (no letter, no decision yet) and returns it.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewReferral,
    now: DateTime<Utc>,
) -> Result<referral::Model, DbErr> {
    referral::ActiveModel {
        department_id: Set(new.department_id),
        case_ids: Set(new.case_ids),
        reasons: Set(new.reasons),
        status: Set(ReferralStatus::Proposed.as_str().into()),
        feedback_due: Set(None),
        letter_number: Set(None),
        letter_sm3: Set(None),
        proposed_by: Set(new.proposed_by),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
        result: Set(String::new()),
        handled_at: Set(None),
        handled_by: Set(None),
        reminded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One referral.
pub async fn referral<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<referral::Model>, DbErr> {
    referral::Entity::find_by_id(id).one(db).await
}

/// The numbered transfer letter of an approved referral.
#[derive(Debug, Clone)]
pub struct TransferLetter {
    pub number: String,
    /// SM3 of the letter's PDF (a blob).
    pub sm3: String,
    /// The department's feedback is due by this date.
    pub feedback_due: NaiveDate,
}

/// A leader's decision on a proposal.
#[derive(Debug, Clone)]
pub struct Decision {
    /// `Sent` (with its letter) or `Rejected`.
    pub status: ReferralStatus,
    pub by: i64,
    pub at: DateTime<Utc>,
    pub note: String,
    pub letter: Option<TransferLetter>,
}

/// Records the decision only if the referral is still proposed: a second leader deciding at
/// the same time changes nothing. Returns whether this call decided it.
pub async fn decide_if_proposed<C: ConnectionTrait>(db: &C, id: i64, d: Decision) -> Result<bool, DbErr> {
    let mut q = referral::Entity::update_many()
        .col_expr(referral::Column::Status, Expr::value(d.status.as_str()))
        .col_expr(referral::Column::DecidedBy, Expr::value(d.by))
        .col_expr(referral::Column::DecidedAt, Expr::value(d.at))
        .col_expr(referral::Column::DecisionNote, Expr::value(d.note))
        .col_expr(referral::Column::UpdatedAt, Expr::value(d.at));
    if let Some(l) = d.letter {
        q = q
            .col_expr(referral::Column::FeedbackDue, Expr::value(l.feedback_due))
            .col_expr(referral::Column::LetterNumber, Expr::value(l.number))
            .col_expr(referral::Column::LetterSm3, Expr::value(l.sm3));
    }
    let r = q
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Status.eq(ReferralStatus::Proposed.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The department signs for the referral, only if it is in one of `from`. Returns whether this
/// call moved it.
pub async fn acknowledge_if_in<C: ConnectionTrait>(
    db: &C,
    id: i64,
    from: &[ReferralStatus],
    by: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = referral::Entity::update_many()
        .col_expr(referral::Column::Status, Expr::value(ReferralStatus::Acknowledged.as_str()))
        .col_expr(referral::Column::UpdatedAt, Expr::value(at))
        .col_expr(referral::Column::AcknowledgedAt, Expr::value(at))
        .col_expr(referral::Column::AcknowledgedBy, Expr::value(by))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The department's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub result: String,
    pub by: i64,
    pub at: DateTime<Utc>,
    /// When it was signed for: the earlier receipt, or now (answering also signs).
    pub acknowledged_at: DateTime<Utc>,
}

/// Records the department's result, only if the referral is in one of `from`. Returns whether
/// this call moved it.
pub async fn answer_if_in<C: ConnectionTrait>(
    db: &C,
    id: i64,
    from: &[ReferralStatus],
    a: Answer,
) -> Result<bool, DbErr> {
    let r = referral::Entity::update_many()
        .col_expr(referral::Column::Status, Expr::value(ReferralStatus::Handled.as_str()))
        .col_expr(referral::Column::UpdatedAt, Expr::value(a.at))
        .col_expr(referral::Column::Result, Expr::value(a.result))
        .col_expr(referral::Column::HandledAt, Expr::value(a.at))
        .col_expr(referral::Column::HandledBy, Expr::value(a.by))
        .col_expr(referral::Column::AcknowledgedAt, Expr::value(a.acknowledged_at))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks the referral reminded, only if it was not yet. Returns whether this call marked it
/// (a concurrent tick that marked it first makes this one a no-op).
pub async fn mark_reminded_if_not<C: ConnectionTrait>(db: &C, id: i64, at: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = referral::Entity::update_many()
        .col_expr(referral::Column::RemindedAt, Expr::value(at))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::RemindedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Referrals newest first: of one department when given, in one of `statuses` when given.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    department_id: Option<i64>,
    statuses: Option<&[ReferralStatus]>,
) -> Result<Vec<referral::Model>, DbErr> {
    let mut q = referral::Entity::find().order_by_desc(referral::Column::Id);
    if let Some(d) = department_id {
        q = q.filter(referral::Column::DepartmentId.eq(d));
    }
    if let Some(s) = statuses {
        q = q.filter(referral::Column::Status.is_in(s.iter().map(|s| s.as_str())));
    }
    q.all(db).await
}

/// The referrals whose id list may name `case_id`, newest first, found by the database instead
/// of reading every referral on every case page. The caller checks the parsed list: the
/// patterns match the id as a whole list element, but the database compares text.
pub async fn naming_case<C: ConnectionTrait>(db: &C, case_id: i64) -> Result<Vec<referral::Model>, DbErr> {
    let id = case_id.to_string();
    let names = Condition::any()
        .add(referral::Column::CaseIds.eq(id.clone()))
        .add(referral::Column::CaseIds.starts_with(format!("{id},")))
        .add(referral::Column::CaseIds.ends_with(format!(",{id}")))
        .add(referral::Column::CaseIds.contains(format!(",{id},")));
    referral::Entity::find().filter(names).order_by_desc(referral::Column::Id).all(db).await
}

/// Referrals the department still owes an answer on whose feedback date lies before `today`
/// and that were not reminded yet (the scanner's reminder).
pub async fn overdue_unreminded<C: ConnectionTrait>(db: &C, today: NaiveDate) -> Result<Vec<referral::Model>, DbErr> {
    let awaiting = ReferralStatus::ALL.into_iter().filter(|s| s.awaits_department()).map(|s| s.as_str());
    referral::Entity::find()
        .filter(referral::Column::Status.is_in(awaiting))
        .filter(referral::Column::FeedbackDue.lt(today))
        .filter(referral::Column::RemindedAt.is_null())
        .all(db)
        .await
}

/// The active department accounts of a department: who receives its referrals.
pub async fn department_users<C: ConnectionTrait>(db: &C, department_id: i64) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::DepartmentId.eq(department_id))
        .filter(user::Column::Role.eq(Role::DepartmentUser.as_str()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await
}
