//! Satisfaction survey pages: the list and opening form (`/surveys`), one survey's results and
//! code issuing (`/surveys/{id}`), the printable code slips, and the owners' answering page
//! (`/s/{id}`, public, phone-first).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, flash};
use crate::db::entities::questionnaire;
use crate::domain::authz::{Action, role_may};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::surveys::{self, Detail, NewSurvey, PublicSurvey, SurveyRow};
use crate::web::AppState;
use crate::web::auth::{Auth, Visitor};
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "surveys/list.html")]
struct ListPage {
    c: Chrome,
    surveys: Vec<SurveyRow>,
    runs: bool,
    configures: bool,
    questionnaires: Vec<questionnaire::Model>,
    townships: Vec<(i64, String)>,
    communities: Vec<(i64, String)>,
    errors: FieldErrors,
}

async fn list_page(s: &AppState, a: &Auth, errors: FieldErrors) -> Result<ListPage, PageError> {
    let actor = &a.user.actor;
    let runs = role_may(actor.role, Action::RunSurvey);
    let places = surveys::places(&s.deps, &a.ctx).await?;
    Ok(ListPage {
        c: Chrome::new(&a.session, Some(&a.user), "满意度测评").await,
        surveys: surveys::list(&s.deps, &a.ctx).await?,
        runs,
        configures: role_may(actor.role, Action::ConfigureChecks),
        questionnaires: surveys::questionnaires(&s.deps).await?,
        townships: places.townships,
        communities: places.communities,
        errors,
    })
}

/// GET /surveys
pub async fn list(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    list_page(&s, &a, FieldErrors::new()).await
}

#[derive(Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    period: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    community_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    questionnaire_id: Option<i64>,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
}

fn date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// POST /surveys
pub async fn create(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<SurveyForm>,
) -> Result<Response, PageError> {
    let new = NewSurvey {
        title: f.title,
        township_id: f.township_id,
        community_id: f.community_id,
        period: f.period,
        questionnaire_id: f.questionnaire_id,
        opens_on: date(&f.opens_on),
        closes_on: date(&f.closes_on),
    };
    match surveys::open(&s.deps, &a.ctx, new).await {
        Ok(id) => {
            flash(&a.session, "测评已开启，请发放测评码").await;
            Ok(Redirect::to(&format!("/surveys/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, list_page(&s, &a, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct QuestionnaireForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    areas: String,
}

/// POST /surveys/questionnaires
pub async fn add_questionnaire(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<QuestionnaireForm>,
) -> Result<Response, PageError> {
    match surveys::add_questionnaire(&s.deps, &a.ctx, &f.name, &f.areas).await {
        Ok(_) => {
            flash(&a.session, "问卷已添加").await;
            Ok(Redirect::to("/surveys").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, list_page(&s, &a, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/show.html")]
struct ShowPage {
    c: Chrome,
    d: Detail,
    answer_url: String,
    errors: FieldErrors,
}

async fn show_page(s: &AppState, a: &Auth, id: i64, errors: FieldErrors) -> Result<ShowPage, PageError> {
    let d = surveys::detail(&s.deps, &a.ctx, id).await?;
    Ok(ShowPage {
        c: Chrome::new(&a.session, Some(&a.user), &d.survey.title).await,
        answer_url: format!("{}/s/{id}", s.deps.settings.public_url.trim_end_matches('/')),
        d,
        errors,
    })
}

/// GET /surveys/{id}
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    show_page(&s, &a, id, FieldErrors::new()).await
}

#[derive(Deserialize)]
pub struct UnitsForm {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    community_id: Option<i64>,
    #[serde(default)]
    units: String,
}

/// POST /surveys/{id}/units
pub async fn add_units(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<UnitsForm>,
) -> Result<Response, PageError> {
    let Some(community) = f.community_id else {
        let errors = FieldErrors::from([("units".to_string(), "请选择小区".to_string())]);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, show_page(&s, &a, id, errors).await?).into_response());
    };
    match surveys::add_units(&s.deps, &a.ctx, id, community, &f.units).await {
        Ok(n) => {
            flash(&a.session, format!("已生成{n}个测评码")).await;
            Ok(Redirect::to(&format!("/surveys/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_))) => {
            let errors =
                FieldErrors::from([("units".to_string(), super::step_errors(&e).remove("step").unwrap_or_default())]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, show_page(&s, &a, id, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/codes.html")]
struct CodesPage {
    title: String,
    period: String,
    community: String,
    closes_on: chrono::NaiveDate,
    answer_url: String,
    qr_svg: String,
    codes: Vec<(String, String)>,
    used: usize,
}

/// GET /surveys/{id}/codes/{community_id}: the printable code slips.
pub async fn codes(
    State(s): State<AppState>,
    a: Auth,
    Path((id, community_id)): Path<(i64, i64)>,
) -> Result<impl IntoResponse, PageError> {
    let (survey, c, codes, used) = surveys::codes(&s.deps, &a.ctx, id, community_id).await?;
    let answer_url = format!("{}/s/{id}", s.deps.settings.public_url.trim_end_matches('/'));
    Ok(CodesPage {
        title: survey.title,
        period: survey.period,
        community: c.name,
        closes_on: survey.closes_on,
        qr_svg: super::posters::qr_svg(&answer_url)?,
        answer_url,
        codes,
        used,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/answer.html")]
struct AnswerPage {
    c: Chrome,
    s: PublicSurvey,
    levels: Vec<(i32, &'static str)>,
    /// What was chosen, kept across a refused submission.
    chosen: HashMap<String, String>,
    errors: FieldErrors,
    /// After a successful answer: the community it counted for.
    done: Option<String>,
}

impl AnswerPage {
    fn is(&self, field: &str, level: &i32) -> bool {
        self.chosen.get(field).is_some_and(|v| v == &level.to_string())
    }
}

async fn answer_page(
    v: &Visitor,
    s: &AppState,
    id: i64,
    chosen: HashMap<String, String>,
    errors: FieldErrors,
    done: Option<String>,
) -> Result<AnswerPage, PageError> {
    let survey = surveys::public(&s.deps, id, v.ctx.now).await?;
    Ok(AnswerPage {
        c: Chrome::new(&v.session, v.user.as_ref(), &survey.title).await,
        s: survey,
        levels: crate::domain::survey::LEVELS.to_vec(),
        chosen,
        errors,
        done,
    })
}

/// GET /s/{id}: the answering page (public).
pub async fn answer_form(v: Visitor, State(s): State<AppState>, Path(id): Path<i64>) -> Result<Response, PageError> {
    Ok(answer_page(&v, &s, id, HashMap::new(), FieldErrors::new(), None).await?.into_response())
}

/// POST /s/{id}: an owner's answer (public; the code is the only key).
pub async fn answer(
    v: Visitor,
    State(s): State<AppState>,
    Path(id): Path<i64>,
    PageForm(f): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let overall = f.get("overall").and_then(|x| x.parse().ok());
    let scores: BTreeMap<String, i32> =
        f.iter().filter_map(|(k, val)| Some((k.strip_prefix("area:")?.to_string(), val.parse().ok()?))).collect();
    let code = f.get("code").cloned().unwrap_or_default();
    match surveys::answer(&s.deps, &v.ctx, id, &code, overall, &scores).await {
        Ok(community) => {
            Ok(answer_page(&v, &s, id, HashMap::new(), FieldErrors::new(), Some(community)).await?.into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_))) => {
            let errors = match e {
                ServiceError::Invalid(f) => f,
                other => super::step_errors(&other),
            };
            let mut chosen = f;
            chosen.remove("_csrf");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, answer_page(&v, &s, id, chosen, errors, None).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
