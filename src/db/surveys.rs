//! Satisfaction-survey storage: questionnaires, surveys, their units (single-use codes) and answers.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::entities::{questionnaire, survey, survey_answer, survey_unit};

/// Whether any questionnaire exists (active or not).
pub async fn any_questionnaire<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(questionnaire::Entity::find().one(db).await?.is_some())
}

/// The active questionnaires, by id.
pub async fn active_questionnaires<C: ConnectionTrait>(db: &C) -> Result<Vec<questionnaire::Model>, DbErr> {
    questionnaire::Entity::find()
        .filter(questionnaire::Column::Active.eq(true))
        .order_by_asc(questionnaire::Column::Id)
        .all(db)
        .await
}

/// One questionnaire.
pub async fn questionnaire<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<questionnaire::Model>, DbErr> {
    questionnaire::Entity::find_by_id(id).one(db).await
}

/// Inserts an active questionnaire (`areas` as `code|label` lines) and returns it.
pub async fn insert_questionnaire<C: ConnectionTrait>(
    db: &C,
    name: &str,
    areas: &str,
    at: DateTime<Utc>,
) -> Result<questionnaire::Model, DbErr> {
    questionnaire::ActiveModel {
        name: Set(name.into()),
        areas: Set(areas.into()),
        active: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A new survey.
#[derive(Debug, Clone)]
pub struct NewSurvey {
    pub title: String,
    pub township_id: i64,
    pub community_id: Option<i64>,
    pub period: String,
    pub questionnaire_id: i64,
    /// The questionnaire's areas, copied so later edits of it do not change this survey.
    pub areas: String,
    pub standard_pct: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub created_by: i64,
}

/// Inserts a survey and returns it.
pub async fn insert_survey<C: ConnectionTrait>(
    db: &C,
    new: NewSurvey,
    at: DateTime<Utc>,
) -> Result<survey::Model, DbErr> {
    survey::ActiveModel {
        title: Set(new.title),
        township_id: Set(new.township_id),
        community_id: Set(new.community_id),
        period: Set(new.period),
        questionnaire_id: Set(new.questionnaire_id),
        areas: Set(new.areas),
        standard_pct: Set(new.standard_pct),
        opens_on: Set(new.opens_on),
        closes_on: Set(new.closes_on),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One survey.
pub async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<survey::Model>, DbErr> {
    survey::Entity::find_by_id(id).one(db).await
}

/// Every survey, newest first.
pub async fn list_newest_first<C: ConnectionTrait>(db: &C) -> Result<Vec<survey::Model>, DbErr> {
    survey::Entity::find().order_by_desc(survey::Column::Id).all(db).await
}

/// The surveys covering a community (its own, or its township's whole-township ones), latest
/// closing first.
pub async fn covering_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    township_id: i64,
) -> Result<Vec<survey::Model>, DbErr> {
    survey::Entity::find()
        .filter(covering(community_id, township_id))
        .order_by_desc(survey::Column::ClosesOn)
        .all(db)
        .await
}

/// The surveys covering a community that closed before `day`, latest closing first.
pub async fn covering_community_closed_before<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    township_id: i64,
    day: NaiveDate,
) -> Result<Vec<survey::Model>, DbErr> {
    survey::Entity::find()
        .filter(survey::Column::ClosesOn.lt(day))
        .filter(covering(community_id, township_id))
        .order_by_desc(survey::Column::ClosesOn)
        .all(db)
        .await
}

fn covering(community_id: i64, township_id: i64) -> Condition {
    Condition::any().add(survey::Column::CommunityId.eq(community_id)).add(
        Condition::all().add(survey::Column::CommunityId.is_null()).add(survey::Column::TownshipId.eq(township_id)),
    )
}

/// Surveys that closed before `today` and on or after `since`.
pub async fn closed_between<C: ConnectionTrait>(
    db: &C,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<survey::Model>, DbErr> {
    survey::Entity::find()
        .filter(survey::Column::ClosesOn.lt(today))
        .filter(survey::Column::ClosesOn.gte(since))
        .all(db)
        .await
}

/// How many units (codes) a survey issued in a community.
pub async fn count_units<C: ConnectionTrait>(db: &C, survey_id: i64, community_id: i64) -> Result<u64, DbErr> {
    survey_unit::Entity::find()
        .filter(survey_unit::Column::SurveyId.eq(survey_id))
        .filter(survey_unit::Column::CommunityId.eq(community_id))
        .count(db)
        .await
}

/// The units of a survey in a community, by id.
pub async fn units<C: ConnectionTrait>(
    db: &C,
    survey_id: i64,
    community_id: i64,
) -> Result<Vec<survey_unit::Model>, DbErr> {
    survey_unit::Entity::find()
        .filter(survey_unit::Column::SurveyId.eq(survey_id))
        .filter(survey_unit::Column::CommunityId.eq(community_id))
        .order_by_asc(survey_unit::Column::Id)
        .all(db)
        .await
}

/// The unit names already registered for a survey in a community.
pub async fn unit_names<C: ConnectionTrait>(db: &C, survey_id: i64, community_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(survey_unit::Entity::find()
        .filter(survey_unit::Column::SurveyId.eq(survey_id))
        .filter(survey_unit::Column::CommunityId.eq(community_id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.unit)
        .collect())
}

/// A unit to register, with its code sealed and blind-indexed.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub unit: String,
    pub code_sealed: String,
    pub code_index: String,
}

/// Inserts unused units of a survey in a community, 500 rows per statement.
pub async fn insert_units<C: ConnectionTrait>(
    db: &C,
    survey_id: i64,
    community_id: i64,
    units: &[NewUnit],
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows: Vec<survey_unit::ActiveModel> = units
        .iter()
        .map(|u| survey_unit::ActiveModel {
            survey_id: Set(survey_id),
            community_id: Set(community_id),
            unit: Set(u.unit.clone()),
            code_sealed: Set(u.code_sealed.clone()),
            code_index: Set(u.code_index.clone()),
            used: Set(false),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        super::insert_bulk(db, chunk.to_vec(), None).await?;
    }
    Ok(())
}

/// The unit of a survey holding the code with this blind index.
pub async fn unit_by_code_index<C: ConnectionTrait>(
    db: &C,
    survey_id: i64,
    code_index: &str,
) -> Result<Option<survey_unit::Model>, DbErr> {
    survey_unit::Entity::find()
        .filter(survey_unit::Column::SurveyId.eq(survey_id))
        .filter(survey_unit::Column::CodeIndex.eq(code_index))
        .one(db)
        .await
}

/// Marks a unit's code used if it was unused (compare-and-set); false when it was used already.
/// Nothing else of the row changes.
pub async fn mark_unit_used_if_unused<C: ConnectionTrait>(db: &C, unit_id: i64) -> Result<bool, DbErr> {
    let moved = survey_unit::Entity::update_many()
        .col_expr(survey_unit::Column::Used, sea_orm::sea_query::Expr::value(true))
        .filter(survey_unit::Column::Id.eq(unit_id))
        .filter(survey_unit::Column::Used.eq(false))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// A new answer: it names neither unit nor code.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub survey_id: i64,
    pub community_id: i64,
    pub overall: i32,
    /// The per-area scores as JSON.
    pub scores: String,
    pub answered_on: NaiveDate,
}

/// Inserts an answer; its timestamps are the answering day's midnight (UTC), never the instant.
pub async fn insert_answer<C: ConnectionTrait>(db: &C, new: NewAnswer) -> Result<(), DbErr> {
    let midnight = new.answered_on.and_hms_opt(0, 0, 0).expect("valid").and_utc();
    survey_answer::ActiveModel {
        survey_id: Set(new.survey_id),
        community_id: Set(new.community_id),
        overall: Set(new.overall),
        scores: Set(new.scores),
        answered_on: Set(new.answered_on),
        created_at: Set(midnight),
        updated_at: Set(midnight),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The answers of a survey in a community.
pub async fn answers<C: ConnectionTrait>(
    db: &C,
    survey_id: i64,
    community_id: i64,
) -> Result<Vec<survey_answer::Model>, DbErr> {
    survey_answer::Entity::find()
        .filter(survey_answer::Column::SurveyId.eq(survey_id))
        .filter(survey_answer::Column::CommunityId.eq(community_id))
        .all(db)
        .await
}
