//! The working-day calendar: holidays and adjusted working days, and the deadline check
//! beside every deadline field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Chrome, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// `?deadline=YYYY-MM-DD`
#[derive(Deserialize)]
pub struct DeadlineQuery {
    #[serde(default)]
    deadline: String,
}

/// GET /deadlines/check: the warning beside a deadline field (htmx fragment; empty when the
/// date is an ordinary working day or not a date).
pub async fn check_deadline(
    State(s): State<AppState>,
    _a: Auth,
    Query(q): Query<DeadlineQuery>,
) -> Result<Response, PageError> {
    let warning = match date(&q.deadline) {
        Some(d) => crate::service::holidays::deadline_warning(&s.deps, d).await?,
        None => None,
    };
    let html = match warning {
        Some(w) => format!(
            "<span class=\"warn\">{}</span>",
            askama::filters::escape(&w, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default()
        ),
        None => String::new(),
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "holidays/list.html")]
struct HolidaysPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    /// Years the table lacks (dates in them count weekends only).
    missing: Vec<i32>,
    items: Vec<crate::service::holidays::HolidayView>,
    can_edit: bool,
    errors: FieldErrors,
}

/// `?year=YYYY`
#[derive(Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    year: Option<i64>,
}

async fn holidays_page(
    s: &AppState,
    a: &Auth,
    year: Option<i32>,
    errors: FieldErrors,
) -> Result<HolidaysPage, PageError> {
    let (year, years, items) = crate::service::holidays::list(&s.deps, year).await?;
    Ok(HolidaysPage {
        c: Chrome::new(&a.session, Some(&a.user), "节假日").await,
        year,
        years,
        missing: crate::service::holidays::missing_years(&s.deps).await?,
        items,
        can_edit: role_may(a.user.actor.role, Action::EditHolidays),
        errors,
    })
}

/// GET /holidays
pub async fn list_holidays(
    State(s): State<AppState>,
    a: Auth,
    Query(yq): Query<YearQuery>,
) -> Result<impl IntoResponse, PageError> {
    holidays_page(&s, &a, yq.year.map(|y| y as i32), FieldErrors::new()).await
}

/// The holiday form.
#[derive(Deserialize)]
pub struct HolidayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// `delete` removes the date; the add form posts none (save).
    #[serde(default)]
    action: String,
}

crate::domain::labelled_enum! {
    /// What a post to the holiday table does.
    pub enum HolidayAction {
        /// Add or change the date (the add form).
        Save => ("save", "保存"),
        /// Remove the date (a row's button).
        Delete => ("delete", "删除"),
    }
}

impl TryFrom<&HolidayForm> for HolidayAction {
    type Error = ServiceError;

    /// `action`: none or `save` saves, `delete` deletes; anything else is refused, never saved.
    fn try_from(f: &HolidayForm) -> Result<Self, ServiceError> {
        if f.action.is_empty() {
            return Ok(HolidayAction::Save);
        }
        super::choice("action", &f.action, Self::parse, &Self::ALL, Self::label)
    }
}

/// POST /holidays
pub async fn save_holiday(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<HolidayForm>,
) -> Result<Response, PageError> {
    let day = date(&f.day);
    let result = match HolidayAction::try_from(&f) {
        Ok(HolidayAction::Delete) => crate::service::holidays::delete(&s.deps, &a.ctx, day).await,
        Ok(HolidayAction::Save) => crate::service::holidays::save(&s.deps, &a.ctx, day, &f.kind, &f.name).await,
        Err(e) => Err(e),
    };
    let year = day.map(|d| chrono::Datelike::year(&d));
    match result {
        Ok(()) => {
            flash(&a.session, "节假日表已更新").await;
            Ok(Redirect::to(&format!("/holidays?year={}", year.unwrap_or(2026))).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, holidays_page(&s, &a, year, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
