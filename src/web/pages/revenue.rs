//! The public-revenue ledger page of a community (`/communities/{id}/revenue`): the company
//! enters income and spending and corrects with reversing entries; the bureau, the township and
//! the owners' committee read it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::revenue::{self, EntryView, NewEntry, StatementView};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "registry/revenue.html")]
struct RevenuePage {
    c: Chrome,
    community_id: i64,
    community: String,
    entries: Vec<EntryView>,
    statements: Vec<StatementView>,
    keeps: bool,
    categories: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
}

async fn page(s: &AppState, a: &Auth, id: i64, errors: FieldErrors) -> Result<RevenuePage, PageError> {
    let (c, entries, statements) = revenue::ledger(&s.deps, &a.ctx, id).await?;
    Ok(RevenuePage {
        c: Chrome::new(&a.session, Some(&a.user), "公共收益").await,
        community_id: c.id,
        community: c.name,
        entries,
        statements,
        keeps: role_may(a.user.actor.role, Action::KeepRevenueLedger),
        categories: crate::domain::revenue::Category::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        errors,
    })
}

/// GET /communities/{id}/revenue
pub async fn show(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    page(&s, &a, id, FieldErrors::new()).await
}

/// An entry, or a reversal (`reverse` = the entry's id, with `reason`).
#[derive(Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    counterparty: String,
    #[serde(default)]
    contract_ref: String,
    #[serde(default)]
    resolution_ref: String,
    #[serde(default)]
    basis: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    reverse: Option<i64>,
    #[serde(default)]
    reason: String,
}

/// POST /communities/{id}/revenue
pub async fn add(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<EntryForm>,
) -> Result<Response, PageError> {
    let r = match f.reverse {
        Some(entry) => revenue::reverse(&s.deps, &a.ctx, entry, &f.reason).await.map(|_| "已冲销"),
        None => revenue::add_entry(
            &s.deps,
            &a.ctx,
            id,
            NewEntry {
                category: f.category,
                amount: f.amount,
                occurred_on: chrono::NaiveDate::parse_from_str(f.occurred_on.trim(), "%Y-%m-%d").ok(),
                counterparty: f.counterparty,
                contract_ref: f.contract_ref,
                resolution_ref: f.resolution_ref,
                basis: f.basis,
            },
        )
        .await
        .map(|_| "已记账"),
    };
    match r {
        Ok(msg) => {
            flash(&a.session, msg).await;
            Ok(Redirect::to(&format!("/communities/{id}/revenue")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &a, id, errors).await?).into_response())
        }
        Err(e @ ServiceError::Rule { .. }) => {
            let errors = FieldErrors::from([("reason".to_string(), e.message())]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &a, id, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
