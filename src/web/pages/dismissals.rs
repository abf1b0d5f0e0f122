//! Dismissal-track pages: opening a track from a community, the track, its steps.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Fields, PageForm, communities::community_page, flash, may};
use crate::domain::authz::Action;
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::decisions::PaperFigures;
use crate::service::dismissals::AssemblyBasis;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// POST /communities/{id}/dismissals (leader: reasons, notice_days, several `case_id`)
pub async fn open_dismissal(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(fields): PageForm<Fields>,
) -> Result<Response, PageError> {
    // The community page has several forms: this one's messages carry their own keys.
    let refused = |errors: FieldErrors| -> FieldErrors {
        errors.into_iter().map(|(k, v)| (format!("dismissal_{k}"), v)).collect()
    };
    let result = match OpenDismissal::try_from(&fields) {
        Ok(o) => crate::service::dismissals::open(&s.deps, &a.ctx, id, &o.reasons, o.case_ids, o.notice_days).await,
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    let errors = match result {
        Ok(track) => {
            flash(&a.session, "已开启引导解聘，乡镇（街道）已收到指导任务").await;
            return Ok(Redirect::to(&format!("/dismissals/{track}")).into_response());
        }
        Err(ServiceError::Invalid(errors)) => refused(errors),
        Err(e @ ServiceError::Rule(_)) => refused(FieldErrors::from([("reasons".to_string(), e.message())])),
        Err(e) => return Err(e.into()),
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        community_page(&s, &a, id, crate::service::reassessments::NewReassessment::default(), errors).await?,
    )
        .into_response())
}

/// The leader's form opening a track: reasons, the cases it rests on, the notice period.
struct OpenDismissal {
    reasons: String,
    case_ids: Vec<i64>,
    notice_days: Option<u32>,
}

impl TryFrom<&Fields> for OpenDismissal {
    type Error = FieldErrors;

    /// reasons, notice_days, case_id (repeated).
    fn try_from(f: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let o = OpenDismissal {
            reasons: f.raw("reasons"),
            case_ids: f.ids("case_id", "案件", &mut errors),
            notice_days: f.number("notice_days", "书面通知期限（天）", &mut errors),
        };
        if errors.is_empty() { Ok(o) } else { Err(errors) }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dismissals/show.html")]
pub(super) struct DismissalPage {
    c: Chrome,
    t: crate::service::dismissals::TrackView,
    litigation: Vec<(i64, String, chrono::NaiveDate, String, String, bool, String)>,
    litigation_kinds: Vec<(&'static str, &'static str)>,
    records: bool,
    withdraws: bool,
    /// Whether the viewer opens exits (the link to the handover once the notice was served).
    opens_exit: bool,
    error: String,
}

pub(super) async fn dismissal_page(s: &AppState, a: &Auth, id: i64, error: String) -> Result<DismissalPage, PageError> {
    Ok(DismissalPage {
        c: Chrome::new(&a.session, Some(&a.user), "引导解聘").await,
        t: crate::service::dismissals::get(&s.deps, &a.ctx, id).await?,
        litigation: crate::service::litigation::steps(&s.deps, &a.ctx, id).await?,
        litigation_kinds: crate::domain::dismissal::Litigation::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        records: may(&a.user, Action::TrackDismissal),
        withdraws: may(&a.user, Action::DecideEscalation),
        opens_exit: may(&a.user, Action::ManageExit)
            && matches!(a.user.actor.scope, crate::domain::role::Scope::Jurisdiction(_)),
        error,
    })
}

/// GET /dismissals/{id}
pub async fn show_dismissal(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    dismissal_page(&s, &a, id, String::new()).await
}

/// One step of a track. The assembly's decision names its basis: `basis=decision` with
/// `decision_id`, or `basis=paper` with the meeting's figures (areas in m², owners by number).
#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    decision_id: String,
    #[serde(default)]
    total_area: String,
    #[serde(default)]
    total_owners: String,
    #[serde(default)]
    yes_area: String,
    #[serde(default)]
    yes_owners: String,
    #[serde(default)]
    no_area: String,
    #[serde(default)]
    no_owners: String,
    #[serde(default)]
    abstain_area: String,
    #[serde(default)]
    abstain_owners: String,
}

impl StepForm {
    /// The basis of an assembly step as typed; a malformed figure is refused naming it.
    fn basis(&self) -> Result<AssemblyBasis, ServiceError> {
        match self.basis.trim() {
            "decision" => self
                .decision_id
                .trim()
                .parse()
                .map(AssemblyBasis::Decision)
                .map_err(|_| ServiceError::field("decision_id", "请选择依据的业主共同决定")),
            "paper" => {
                let area = |v: &str, what: &str| {
                    let v = v.trim();
                    if v.is_empty() {
                        return Ok(0);
                    }
                    crate::domain::roster::parse_area(v).map_err(|m| ServiceError::field("paper", format!("{what}{m}")))
                };
                let owners = |v: &str, what: &str| {
                    let v = v.trim();
                    if v.is_empty() {
                        return Ok(0);
                    }
                    v.parse::<u64>()
                        .ok()
                        .filter(|n| *n <= 10_000_000)
                        .ok_or_else(|| ServiceError::field("paper", format!("{what}应为整数")))
                };
                Ok(AssemblyBasis::Paper(PaperFigures {
                    total_area_centi: area(&self.total_area, "总面积")?,
                    total_owners: owners(&self.total_owners, "业主总人数")?,
                    yes_area_centi: area(&self.yes_area, "同意面积")?,
                    yes_owners: owners(&self.yes_owners, "同意人数")?,
                    no_area_centi: area(&self.no_area, "反对面积")?,
                    no_owners: owners(&self.no_owners, "反对人数")?,
                    abstain_area_centi: area(&self.abstain_area, "弃权面积")?,
                    abstain_owners: owners(&self.abstain_owners, "弃权人数")?,
                }))
            }
            _ => Ok(AssemblyBasis::None),
        }
    }
}

/// POST /dismissals/{id}/steps
pub async fn record_dismissal_step(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<StepForm>,
) -> Result<Response, PageError> {
    let on = chrono::NaiveDate::parse_from_str(f.on.trim(), "%Y-%m-%d").ok();
    let result = match f.basis() {
        Ok(basis) => crate::service::dismissals::record_step(&s.deps, &a.ctx, id, &f.step, on, &f.note, basis).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&a.session, "已记录").await;
            Ok(Redirect::to(&format!("/dismissals/{id}")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let msg = super::step_errors(&e).remove("step").unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, dismissal_page(&s, &a, id, msg).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
