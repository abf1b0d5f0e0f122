//! Demo-only writes: the seed rows of the demo county that no use case writes in bulk
//! (backdated communities, published disclosures and statements, a closed survey's units and
//! answers).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::entities::{community, disclosure, revenue_statement, survey, survey_answer, survey_unit};

/// Dates every community's registration back to `created_at`.
pub async fn backdate_communities<C: ConnectionTrait>(db: &C, created_at: DateTime<Utc>) -> Result<(), DbErr> {
    community::Entity::update_many().col_expr(community::Column::CreatedAt, Expr::value(created_at)).exec(db).await?;
    Ok(())
}

/// A first version of a disclosure, published at `at`.
#[derive(Debug, Clone)]
pub struct SeedDisclosure {
    pub community_id: i64,
    pub company_id: Option<i64>,
    pub item_code: String,
    pub period: String,
    pub fields_json: String,
    pub published_by: i64,
    pub publisher_name: String,
    pub at: DateTime<Utc>,
}

/// Inserts first versions of disclosures (bulk).
pub async fn insert_disclosures<C: ConnectionTrait>(db: &C, rows: Vec<SeedDisclosure>) -> Result<u64, DbErr> {
    let rows: Vec<_> = rows
        .into_iter()
        .map(|d| disclosure::ActiveModel {
            community_id: Set(d.community_id),
            company_id: Set(d.company_id),
            item_code: Set(d.item_code),
            period: Set(d.period),
            version: Set(1),
            fields_json: Set(d.fields_json),
            correction_reason: Set(String::new()),
            published_by: Set(d.published_by),
            publisher_name: Set(d.publisher_name),
            created_at: Set(d.at),
            updated_at: Set(d.at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

/// An empty quarterly statement (all sums zero), published at `at` and not yet reviewed.
#[derive(Debug, Clone)]
pub struct SeedStatement {
    pub community_id: i64,
    pub year: i32,
    pub quarter: i32,
    pub published_by: i64,
    pub at: DateTime<Utc>,
}

/// Inserts published, unreviewed empty statements (bulk).
pub async fn insert_statements<C: ConnectionTrait>(db: &C, rows: Vec<SeedStatement>) -> Result<u64, DbErr> {
    let rows: Vec<_> = rows
        .into_iter()
        .map(|s| revenue_statement::ActiveModel {
            community_id: Set(s.community_id),
            year: Set(s.year),
            quarter: Set(s.quarter),
            opening_fen: Set(0),
            income_fen: Set(0),
            spending_fen: Set(0),
            closing_fen: Set(0),
            published_by: Set(s.published_by),
            published_at: Set(s.at),
            status: Set(crate::domain::revenue::StatementStatus::Published.as_str().into()),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            review_note: Set(String::new()),
            created_at: Set(s.at),
            updated_at: Set(s.at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

/// A township-wide survey, created at `at`.
#[derive(Debug, Clone)]
pub struct SeedSurvey {
    pub title: String,
    pub township_id: i64,
    pub period: String,
    pub questionnaire_id: i64,
    pub areas: String,
    pub standard_pct: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// Inserts a township-wide survey (no single community) and returns it.
pub async fn insert_survey<C: ConnectionTrait>(db: &C, s: SeedSurvey) -> Result<survey::Model, DbErr> {
    survey::ActiveModel {
        title: Set(s.title),
        township_id: Set(s.township_id),
        community_id: Set(None),
        period: Set(s.period),
        questionnaire_id: Set(s.questionnaire_id),
        areas: Set(s.areas),
        standard_pct: Set(s.standard_pct),
        opens_on: Set(s.opens_on),
        closes_on: Set(s.closes_on),
        created_by: Set(s.created_by),
        created_at: Set(s.at),
        updated_at: Set(s.at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A surveyed unit with its sealed code, created at `at`.
#[derive(Debug, Clone)]
pub struct SeedSurveyUnit {
    pub survey_id: i64,
    pub community_id: i64,
    pub unit: String,
    pub code_sealed: String,
    pub code_index: String,
    pub used: bool,
    pub at: DateTime<Utc>,
}

/// Inserts surveyed units (bulk).
pub async fn insert_survey_units<C: ConnectionTrait>(db: &C, rows: Vec<SeedSurveyUnit>) -> Result<u64, DbErr> {
    let rows: Vec<_> = rows
        .into_iter()
        .map(|u| survey_unit::ActiveModel {
            survey_id: Set(u.survey_id),
            community_id: Set(u.community_id),
            unit: Set(u.unit),
            code_sealed: Set(u.code_sealed),
            code_index: Set(u.code_index),
            used: Set(u.used),
            created_at: Set(u.at),
            updated_at: Set(u.at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}

/// An anonymous survey answer, stored at `at`.
#[derive(Debug, Clone)]
pub struct SeedSurveyAnswer {
    pub survey_id: i64,
    pub community_id: i64,
    pub overall: i32,
    /// Area scores as JSON.
    pub scores: String,
    pub answered_on: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Inserts survey answers (bulk).
pub async fn insert_survey_answers<C: ConnectionTrait>(db: &C, rows: Vec<SeedSurveyAnswer>) -> Result<u64, DbErr> {
    let rows: Vec<_> = rows
        .into_iter()
        .map(|a| survey_answer::ActiveModel {
            survey_id: Set(a.survey_id),
            community_id: Set(a.community_id),
            overall: Set(a.overall),
            scores: Set(a.scores),
            answered_on: Set(a.answered_on),
            created_at: Set(a.at),
            updated_at: Set(a.at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}
