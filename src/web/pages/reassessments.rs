//! Service-grade re-assessment pages: proposing one from a community, the leader's decision, the letters.

use super::NoteForm;
use super::communities::community_page;
use super::escalations::escalations_page;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::{Redirect, Response};

use super::{PageForm, flash};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// POST /communities/{id}/reassessments (staff)
pub async fn propose_reassessment(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // Several `case_id` fields, one per checked case.
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let new = crate::service::reassessments::NewReassessment {
        new_grade: get("new_grade"),
        new_fee: get("new_fee"),
        effective_on: chrono::NaiveDate::parse_from_str(get("effective_on").trim(), "%Y-%m-%d").ok(),
        reasons: get("reasons"),
        case_ids: fields.iter().filter(|(n, _)| n == "case_id").filter_map(|(_, v)| v.trim().parse().ok()).collect(),
    };
    match crate::service::reassessments::propose(&s.deps, &a.ctx, id, new.clone()).await {
        Ok(_) => {
            flash(&a.session, "已提请重新核定服务等级，等待领导审批").await;
            Ok(Redirect::to(&format!("/communities/{id}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, community_page(&s, &a, id, new, errors).await?).into_response())
        }
        Err(e @ ServiceError::Rule { .. }) => {
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
    let approve = f.decision == "approve";
    match crate::service::reassessments::decide(&s.deps, &a.ctx, id, approve, &f.note).await {
        Ok(()) => {
            flash(&a.session, if approve { "已同意重新核定，函件已生成" } else { "已不同意重新核定" }).await;
            Ok(Redirect::to("/escalations").into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Rule { .. } | ServiceError::Conflict(_))) => {
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
