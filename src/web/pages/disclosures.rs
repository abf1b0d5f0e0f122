//! Disclosure pages: a community's items and periods for the company to publish and everyone
//! within reach to read (`/communities/{id}/disclosures`), a period's versions and attachments
//! for the public (`/disclosures/{id}`), and the items' configuration for staff
//! (`/disclosure-items`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, flash};
use crate::domain::authz::{Action, role_may};
use crate::domain::disclosure::Frequency;
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::disclosures::{self, Item, ItemRow, Publication, VersionView};
use crate::web::AppState;
use crate::web::auth::{Auth, Visitor};
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "disclosures/index.html")]
struct IndexPage {
    c: Chrome,
    community_id: i64,
    community: String,
    rows: Vec<ItemRow>,
    publishes: bool,
    errors: FieldErrors,
    /// The item and period a refused form was for, to reopen it.
    open_form: (String, String),
}

async fn index_page(
    s: &AppState,
    a: &Auth,
    id: i64,
    errors: FieldErrors,
    open_form: (String, String),
) -> Result<IndexPage, PageError> {
    let (c, rows) = disclosures::overview(&s.deps, &a.ctx, id).await?;
    Ok(IndexPage {
        c: Chrome::new(&a.session, Some(&a.user), "信息公开").await,
        community_id: c.id,
        community: c.name,
        rows,
        publishes: role_may(a.user.actor.role, Action::PublishDisclosure),
        errors,
        open_form,
    })
}

/// GET /communities/{id}/disclosures
pub async fn index(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    index_page(&s, &a, id, FieldErrors::new(), Default::default()).await
}

/// POST /communities/{id}/disclosures (multipart: item_code, period, f0, f1, … (the item's
/// fields in order), correction_reason, files)
pub async fn publish(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = super::read_parts(mp, |f| f == "files", ("files", "上传内容过大：每个附件不超过20MB")).await?;
    let mut p = Publication {
        item_code: parts.text("item_code"),
        period: parts.text("period"),
        correction_reason: parts.text("correction_reason"),
        ..Default::default()
    };
    // Field values come as f0, f1, … in the item's order (labels stay out of the wire format).
    for (name, value) in parts.texts() {
        if let Some(i) = name.strip_prefix('f').and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < 50) {
            if p.values.len() <= i {
                p.values.resize(i + 1, String::new());
            }
            p.values[i] = value;
        }
    }
    p.files = parts
        .files("files")
        .into_iter()
        .map(|(name, b)| (if name.is_empty() { "附件".into() } else { name }, b))
        .collect();
    let open_form = (p.item_code.clone(), p.period.clone());
    match disclosures::publish(&s.deps, &a.ctx, id, p).await {
        Ok(_) => {
            flash(&a.session, "已公开").await;
            Ok(Redirect::to(&format!("/communities/{id}/disclosures")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, index_page(&s, &a, id, errors, open_form).await?).into_response())
        }
        Err(e @ ServiceError::Rule(_)) => {
            let errors = super::step_errors(&e);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, index_page(&s, &a, id, errors, open_form).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "disclosures/history.html")]
struct HistoryPage {
    c: Chrome,
    community_id: i64,
    community: String,
    versions: Vec<VersionView>,
}

/// GET /disclosures/{id}: every version of a period (public).
pub async fn history(v: Visitor, State(s): State<AppState>, Path(id): Path<i64>) -> Result<Response, PageError> {
    let (c, versions) = disclosures::history(&s.deps, id).await?;
    let title = versions.first().map(|v| format!("{}（{}）", v.item_title, v.period_label)).unwrap_or_default();
    Ok(HistoryPage {
        c: Chrome::new(&v.session, v.user.as_ref(), &title).await,
        community_id: c.id,
        community: c.name,
        versions,
    }
    .into_response())
}

/// GET /disclosures/{id}/files/{file_id}: an attachment (public).
pub async fn file(State(s): State<AppState>, Path((id, file_id)): Path<(i64, i64)>) -> Result<Response, PageError> {
    let doc = disclosures::file(&s.deps, id, file_id).await?;
    Ok(crate::web::download::respond(doc, crate::web::download::Cache::Public, None))
}

#[derive(Template, WebTemplate)]
#[template(path = "disclosures/items.html")]
struct ItemsPage {
    c: Chrome,
    items: Vec<Item>,
    frequencies: Vec<(&'static str, &'static str)>,
    configures: bool,
    errors: FieldErrors,
}

async fn items_page(s: &AppState, a: &Auth, errors: FieldErrors) -> Result<ItemsPage, PageError> {
    Ok(ItemsPage {
        c: Chrome::new(&a.session, Some(&a.user), "信息公开事项").await,
        items: disclosures::list_items(&s.deps, &a.ctx).await?,
        frequencies: Frequency::ALL.iter().map(|f| (f.as_str(), f.label())).collect(),
        configures: role_may(a.user.actor.role, Action::ConfigureChecks),
        errors,
    })
}

/// GET /disclosure-items
pub async fn items(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    items_page(&s, &a, FieldErrors::new()).await
}

#[derive(Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    due_basis: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    due_days: Option<i64>,
    #[serde(default)]
    active: Option<String>,
}

/// POST /disclosure-items/{code}
pub async fn configure(
    State(s): State<AppState>,
    a: Auth,
    Path(code): Path<String>,
    PageForm(f): PageForm<ItemForm>,
) -> Result<Response, PageError> {
    let days = f.due_days.and_then(|d| i32::try_from(d).ok());
    match disclosures::configure_item(&s.deps, &a.ctx, &code, &f.frequency, &f.due_basis, days, f.active.is_some())
        .await
    {
        Ok(()) => {
            flash(&a.session, "已保存").await;
            Ok(Redirect::to("/disclosure-items").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, items_page(&s, &a, errors).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "disclosures/compliance.html")]
struct CompliancePage {
    c: Chrome,
    columns: Vec<(String, String)>,
    quarter: String,
    rows: Vec<disclosures::ComplianceRow>,
    townships: Vec<(i64, String)>,
    township: Option<i64>,
    only_late: bool,
    configures: bool,
}

#[derive(Deserialize)]
pub struct ComplianceQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    township: Option<i64>,
    #[serde(default)]
    late: Option<String>,
}

/// GET /disclosures: every community's disclosure and statement status (bureau and township).
pub async fn compliance(
    State(s): State<AppState>,
    a: Auth,
    axum::extract::Query(q): axum::extract::Query<ComplianceQuery>,
) -> Result<impl IntoResponse, PageError> {
    let only_late = q.late.is_some();
    let (columns, quarter, rows) = disclosures::compliance(&s.deps, &a.ctx, q.township, only_late).await?;
    let townships = disclosures::compliance_townships(&s.deps, &a.ctx).await?;
    Ok(CompliancePage {
        c: Chrome::new(&a.session, Some(&a.user), "信息公开情况").await,
        columns,
        quarter,
        rows,
        townships,
        township: q.township,
        only_late,
        configures: role_may(a.user.actor.role, Action::ConfigureChecks),
    })
}
