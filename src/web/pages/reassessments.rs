//! Service-grade re-assessment pages: proposing one from a community, the leader's decision, the letters.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::{Redirect, Response};

use super::{Fields, NoteForm, PageForm, communities::community_page, escalations::escalations_page, flash};
use crate::domain::escalation::Verdict;
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::reassessments::NewReassessment;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// POST /communities/{id}/reassessments (staff)
pub async fn propose_reassessment(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(fields): PageForm<Fields>,
) -> Result<Response, PageError> {
    let (new, result) = match NewReassessment::try_from(&fields) {
        Ok(new) => (new.clone(), crate::service::reassessments::propose(&s.deps, &a.ctx, id, new).await),
        Err((new, errors)) => (new, Err(ServiceError::Invalid(errors))),
    };
    match result {
        Ok(_) => {
            flash(&a.session, "已提请重新核定服务等级，等待领导审批").await;
            Ok(Redirect::to(&format!("/communities/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, community_page(&s, &a, id, new, errors).await?).into_response())
        }
        Err(e @ ServiceError::Rule(_)) => {
            let mut errors = FieldErrors::new();
            errors.insert("new_grade".into(), e.message());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, community_page(&s, &a, id, new, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /reassessments/{id}/decision (leader: `decision` = approve | reject, `note`)
pub async fn decide_reassessment(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    let verdict = Verdict::try_from(&f);
    let approve = matches!(verdict, Ok(Verdict::Approve));
    let result = match verdict {
        Ok(_) => crate::service::reassessments::decide(&s.deps, &a.ctx, id, approve, &f.note).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&a.session, if approve { "已同意重新核定，函件已生成" } else { "已不同意重新核定" }).await;
            Ok(Redirect::to("/escalations").into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, escalations_page(&s, &a, super::step_errors(&e)).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /reassessments/{id}/letters/{which} (`company` or `departments`)
pub async fn show_reassessment_letter(
    State(s): State<AppState>,
    a: Auth,
    Path((id, which)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (number, bytes) = crate::service::reassessments::letter_pdf(&s.deps, &a.ctx, id, &which).await?;
    Ok(super::pdf_response(&number, &format!("reassessment-{id}-{which}"), bytes))
}

impl TryFrom<&NoteForm> for Verdict {
    type Error = ServiceError;

    /// `decision`: approve or reject (the re-assessment's buttons on the escalation list).
    fn try_from(f: &NoteForm) -> Result<Self, ServiceError> {
        super::choice("decision", &f.decision, Self::parse, &Self::ALL, Self::label)
    }
}

impl TryFrom<&Fields> for NewReassessment {
    /// The refused form comes back with its messages, to be shown again as typed.
    type Error = (NewReassessment, FieldErrors);

    /// new_grade, new_fee, effective_on, reasons, case_id (repeated: one per checked case).
    fn try_from(f: &Fields) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let new = NewReassessment {
            new_grade: f.raw("new_grade"),
            new_fee: f.raw("new_fee"),
            effective_on: f.date("effective_on", "生效日期", &mut errors),
            reasons: f.raw("reasons"),
            case_ids: f.ids("case_id", "案件", &mut errors),
        };
        if errors.is_empty() { Ok(new) } else { Err((new, errors)) }
    }
}
