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
use crate::domain::revenue::StatementReview;
use crate::service::ServiceError;
use crate::service::revenue::{self, EntryView, NewEntry, NewResolution, PublishedView, StatementView};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "revenue/show.html")]
struct RevenuePage {
    c: Chrome,
    community_id: i64,
    community: String,
    entries: Vec<EntryView>,
    statements: Vec<StatementView>,
    keeps: bool,
    categories: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    published: Vec<PublishedView>,
    resolutions: Vec<crate::db::entities::revenue_resolution::Model>,
    /// The community's counted votes on matter (八) a resolution may rest on: (id, title, passed).
    decisions: Vec<(i64, String, bool)>,
    /// Ended quarters not yet published: (key, label).
    publishable: Vec<(String, String)>,
    records_resolutions: bool,
    reviews: bool,
}

async fn page(s: &AppState, a: &Auth, id: i64, errors: FieldErrors) -> Result<RevenuePage, PageError> {
    let (c, entries, statements) = revenue::ledger(&s.deps, &a.ctx, id).await?;
    let (published, resolutions, publishable) = revenue::page_extras(&s.deps, &a.ctx, id).await?;
    let role = a.user.actor.role;
    let decisions =
        crate::service::decisions::counted_on(&s.deps, c.id, crate::domain::decision::Matter::CommonPartsUse).await?;
    Ok(RevenuePage {
        published,
        resolutions,
        decisions,
        publishable,
        records_resolutions: role_may(role, Action::RecordResolution),
        reviews: role_may(role, Action::ReviewRevenue),
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
        Err(e @ ServiceError::Rule(_)) => {
            let errors = FieldErrors::from([("reason".to_string(), e.message())]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &a, id, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn refused(e: &ServiceError) -> Option<FieldErrors> {
    match e {
        ServiceError::Invalid(f) => Some(f.clone()),
        ServiceError::Rule(_) | ServiceError::Conflict(_) => {
            Some(FieldErrors::from([("reason".to_string(), e.message())]))
        }
        _ => None,
    }
}

async fn done(s: &AppState, a: &Auth, id: i64, r: Result<&'static str, ServiceError>) -> Result<Response, PageError> {
    match r {
        Ok(msg) => {
            flash(&a.session, msg).await;
            Ok(Redirect::to(&format!("/communities/{id}/revenue")).into_response())
        }
        Err(e) => match refused(&e) {
            Some(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page(s, a, id, errors).await?).into_response()),
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct StatementForm {
    #[serde(default)]
    period: String,
}

/// POST /communities/{id}/revenue/statements: the company publishes a quarter's statement.
pub async fn publish_statement(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<StatementForm>,
) -> Result<Response, PageError> {
    let r = revenue::publish_statement(&s.deps, &a.ctx, id, &f.period).await.map(|_| "报表已公示，已通知业委会确认");
    done(&s, &a, id, r).await
}

#[derive(Deserialize)]
pub struct ResolutionForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    decision_id: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    fund_pct: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    owners_pct: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    expenses_pct: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    company_pct: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    settle_days: Option<i64>,
    #[serde(default)]
    note: String,
}

/// POST /communities/{id}/revenue/resolutions: the committee (or staff) records a resolution.
pub async fn add_resolution(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ResolutionForm>,
) -> Result<Response, PageError> {
    let int = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok());
    let r = revenue::add_resolution(
        &s.deps,
        &a.ctx,
        id,
        NewResolution {
            reference: f.reference,
            decision_id: f.decision_id.trim().parse().ok(),
            fund_pct: int(f.fund_pct),
            owners_pct: int(f.owners_pct),
            expenses_pct: int(f.expenses_pct),
            company_pct: int(f.company_pct),
            settle_days: int(f.settle_days),
            note: f.note,
        },
    )
    .await
    .map(|_| "决议已登记");
    done(&s, &a, id, r).await
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

impl TryFrom<&ReviewForm> for StatementReview {
    type Error = ServiceError;

    /// `decision`: confirm or dispute.
    fn try_from(f: &ReviewForm) -> Result<Self, ServiceError> {
        super::choice("decision", &f.decision, Self::parse, &Self::ALL, Self::label)
    }
}

/// POST /communities/{id}/revenue/statements/{statement_id}/review: the committee confirms or
/// disputes.
pub async fn review_statement(
    State(s): State<AppState>,
    a: Auth,
    Path((id, statement_id)): Path<(i64, i64)>,
    PageForm(f): PageForm<ReviewForm>,
) -> Result<Response, PageError> {
    let r = match StatementReview::try_from(&f) {
        Ok(review) => {
            let confirm = review == StatementReview::Confirm;
            revenue::review_statement(&s.deps, &a.ctx, statement_id, confirm, &f.note)
                .await
                .map(|_| if confirm { "已确认" } else { "已提出异议，已告知物业企业和主管部门" })
        }
        Err(e) => Err(e),
    };
    done(&s, &a, id, r).await
}
