//! Escalation pages: the leaders' list of proposals and their decisions.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, NoteForm, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::escalation::EscalationDecision;
use crate::domain::registry::FieldErrors;
use crate::service::cases::CaseRow;
use crate::service::{ServiceError, escalations};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "escalations/list.html")]
pub(super) struct EscalationsPage {
    c: Chrome,
    items: Vec<(i64, String, String, CaseRow)>,
    reassessments: Vec<crate::service::reassessments::ReassessmentView>,
    referrals: Vec<crate::service::referrals::ReferralView>,
    can_decide: bool,
    errors: FieldErrors,
}

pub(super) async fn escalations_page(
    s: &AppState,
    a: &Auth,
    errors: FieldErrors,
) -> Result<EscalationsPage, PageError> {
    Ok(EscalationsPage {
        c: Chrome::new(&a.session, Some(&a.user), "升级处理").await,
        items: escalations::pending_escalations(&s.deps, &a.ctx).await?,
        reassessments: crate::service::reassessments::pending(&s.deps, &a.ctx).await?,
        referrals: crate::service::referrals::list(&s.deps, &a.ctx, true).await?,
        can_decide: role_may(a.user.actor.role, Action::DecideEscalation),
        errors,
    })
}

/// GET /escalations
pub async fn list_escalations(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    escalations_page(&s, &a, FieldErrors::new()).await
}

/// POST /escalations/{id} (leader)
pub async fn decide_escalation(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    let decision = EscalationDecision::try_from(&f);
    let accept = matches!(decision, Ok(EscalationDecision::Accept));
    let result = match decision {
        Ok(_) => escalations::decide_escalation(&s.deps, &a.ctx, id, accept, &f.note).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&a.session, if accept { "已决定升级处理" } else { "已决定暂不升级" }).await;
            Ok(Redirect::to("/escalations").into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, escalations_page(&s, &a, super::step_errors(&e)).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

impl TryFrom<&NoteForm> for EscalationDecision {
    type Error = ServiceError;

    /// `decision`: accept or decline.
    fn try_from(f: &NoteForm) -> Result<Self, ServiceError> {
        super::choice("decision", &f.decision, Self::parse, &Self::ALL, Self::label)
    }
}
