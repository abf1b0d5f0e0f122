//! Litigation steps on a dismissal track and their documents.

use super::dismissals::dismissal_page;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::{Redirect, Response};

use super::flash;
use crate::service::ServiceError;
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// POST /dismissals/{id}/litigation (multipart: kind, on, reference, note, document)
pub async fn record_litigation_step(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = super::read_parts(mp, |f| f == "document", ("document", "上传内容过大：文书不超过20MB")).await?;
    let (kind, reference, note) = (parts.text("kind"), parts.text("reference"), parts.text("note"));
    let on = chrono::NaiveDate::parse_from_str(parts.text("on").trim(), "%Y-%m-%d").ok();
    let document =
        parts.files("document").pop().map(|(name, bytes)| (if name.is_empty() { "文书".into() } else { name }, bytes));
    match crate::service::litigation::record_step(&s.deps, &a.ctx, id, &kind, on, &reference, &note, document).await {
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

/// GET /dismissals/{id}/documents/{event_id}
pub async fn show_litigation_document(
    State(s): State<AppState>,
    a: Auth,
    Path((id, event_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let doc = crate::service::litigation::document(&s.deps, &a.ctx, id, event_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Revalidate, None))
}
