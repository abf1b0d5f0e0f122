//! Re-assessment queries: the service-grade table, the re-assessments of a community's grade
//! and fee with their leader's decision (a compare-and-set), and the grade and fee they set on
//! the community.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};

use super::entities::{community, reassessment, service_grade};
use crate::domain::reassessment::ReassessmentStatus;

/// A grade of the table.
#[derive(Debug, Clone)]
pub struct NewGrade {
    pub name: String,
    pub standard: String,
    pub fee_min_fen: i64,
    pub fee_max_fen: i64,
    /// 1 for the best grade.
    pub position: i32,
}

/// Whether the grade table has any row.
pub async fn has_grades<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(service_grade::Entity::find().one(db).await?.is_some())
}

/// Inserts grades; returns how many.
pub async fn insert_grades<C: ConnectionTrait>(
    db: &C,
    grades: Vec<NewGrade>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = grades
        .into_iter()
        .map(|g| service_grade::ActiveModel {
            name: Set(g.name),
            standard: Set(g.standard),
            fee_min_fen: Set(g.fee_min_fen),
            fee_max_fen: Set(g.fee_max_fen),
            position: Set(g.position),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

/// The grade table, best first.
pub async fn grades<C: ConnectionTrait>(db: &C) -> Result<Vec<service_grade::Model>, DbErr> {
    service_grade::Entity::find().order_by_asc(service_grade::Column::Position).all(db).await
}

/// One grade.
pub async fn grade<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<service_grade::Model>, DbErr> {
    service_grade::Entity::find_by_id(id).one(db).await
}

/// What a grade's edit changes.
#[derive(Debug, Clone)]
pub struct GradeChange {
    pub standard: String,
    pub fee_min_fen: i64,
    pub fee_max_fen: i64,
}

/// Rewrites a grade's standard and fee range; returns the row.
pub async fn update_grade<C: ConnectionTrait>(
    db: &C,
    g: service_grade::Model,
    change: GradeChange,
    now: DateTime<Utc>,
) -> Result<service_grade::Model, DbErr> {
    let mut am = g.into_active_model();
    am.standard = Set(change.standard);
    am.fee_min_fen = Set(change.fee_min_fen);
    am.fee_max_fen = Set(change.fee_max_fen);
    am.updated_at = Set(now);
    am.update(db).await
}

/// A proposed re-assessment.
#[derive(Debug, Clone)]
pub struct NewReassessment {
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub old_grade: String,
    pub new_grade: String,
    pub old_fee_fen: Option<i64>,
    pub new_fee_fen: i64,
    pub effective_on: NaiveDate,
    pub reasons: String,
    /// The cases it rests on, comma-separated ids.
    pub case_ids: String,
    pub proposed_by: i64,
}

/// Inserts a re-assessment as proposed (no decision, no letters) and returns it.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewReassessment,
    now: DateTime<Utc>,
) -> Result<reassessment::Model, DbErr> {
    reassessment::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        old_grade: Set(new.old_grade),
        new_grade: Set(new.new_grade),
        old_fee_fen: Set(new.old_fee_fen),
        new_fee_fen: Set(new.new_fee_fen),
        effective_on: Set(new.effective_on),
        reasons: Set(new.reasons),
        case_ids: Set(new.case_ids),
        status: Set(ReassessmentStatus::Proposed.as_str().into()),
        proposed_by: Set(new.proposed_by),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One re-assessment.
pub async fn reassessment<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<reassessment::Model>, DbErr> {
    reassessment::Entity::find_by_id(id).one(db).await
}

/// A community's re-assessment waiting for a leader, if any.
pub async fn proposed_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Option<reassessment::Model>, DbErr> {
    reassessment::Entity::find()
        .filter(reassessment::Column::CommunityId.eq(community_id))
        .filter(reassessment::Column::Status.eq(ReassessmentStatus::Proposed.as_str()))
        .one(db)
        .await
}

/// The two numbered letters of an approved re-assessment: (number, SM3 of the PDF) each.
#[derive(Debug, Clone)]
pub struct Letters {
    pub company: (String, String),
    pub departments: (String, String),
}

/// A leader's decision on a proposal.
#[derive(Debug, Clone)]
pub struct Decision {
    /// `Approved` (with its letters) or `Rejected`.
    pub status: ReassessmentStatus,
    pub by: i64,
    pub at: DateTime<Utc>,
    pub note: String,
    pub letters: Option<Letters>,
}

/// Records the decision only if the re-assessment is still proposed: a second leader deciding
/// at the same time changes nothing. Returns whether this call decided it.
pub async fn decide_if_proposed<C: ConnectionTrait>(db: &C, id: i64, d: Decision) -> Result<bool, DbErr> {
    let mut q = reassessment::Entity::update_many()
        .col_expr(reassessment::Column::Status, Expr::value(d.status.as_str()))
        .col_expr(reassessment::Column::DecidedBy, Expr::value(d.by))
        .col_expr(reassessment::Column::DecidedAt, Expr::value(d.at))
        .col_expr(reassessment::Column::DecisionNote, Expr::value(d.note))
        .col_expr(reassessment::Column::UpdatedAt, Expr::value(d.at));
    if let Some(l) = d.letters {
        q = q
            .col_expr(reassessment::Column::CompanyLetterNumber, Expr::value(l.company.0))
            .col_expr(reassessment::Column::CompanyLetterSm3, Expr::value(l.company.1))
            .col_expr(reassessment::Column::DepartmentLetterNumber, Expr::value(l.departments.0))
            .col_expr(reassessment::Column::DepartmentLetterSm3, Expr::value(l.departments.1));
    }
    let r = q
        .filter(reassessment::Column::Id.eq(id))
        .filter(reassessment::Column::Status.eq(ReassessmentStatus::Proposed.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets the grade and fee an approved re-assessment gives the community.
pub async fn set_community_grade<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    grade: &str,
    fee_fen: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    community::Entity::update_many()
        .col_expr(community::Column::ServiceGrade, Expr::value(grade))
        .col_expr(community::Column::FeeFen, Expr::value(fee_fen))
        .col_expr(community::Column::UpdatedAt, Expr::value(now))
        .filter(community::Column::Id.eq(community_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A community's re-assessments, newest first.
pub async fn of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<reassessment::Model>, DbErr> {
    reassessment::Entity::find()
        .filter(reassessment::Column::CommunityId.eq(community_id))
        .order_by_desc(reassessment::Column::Id)
        .all(db)
        .await
}

/// Re-assessments in one status, oldest first.
pub async fn with_status<C: ConnectionTrait>(
    db: &C,
    status: ReassessmentStatus,
) -> Result<Vec<reassessment::Model>, DbErr> {
    reassessment::Entity::find()
        .filter(reassessment::Column::Status.eq(status.as_str()))
        .order_by_asc(reassessment::Column::Id)
        .all(db)
        .await
}

/// A company's re-assessments, newest first.
pub async fn of_company<C: ConnectionTrait>(db: &C, company_id: i64) -> Result<Vec<reassessment::Model>, DbErr> {
    reassessment::Entity::find()
        .filter(reassessment::Column::CompanyId.eq(company_id))
        .order_by_desc(reassessment::Column::Id)
        .all(db)
        .await
}
