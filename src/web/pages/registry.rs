//! Registry import and export as Excel (companies, communities, jurisdictions in one workbook).

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Chrome, may};
use crate::domain::authz::Action;
use crate::service::registry_xlsx::ImportReport;
use crate::service::{ServiceError, registry};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "registry/import.html")]
struct ImportPage {
    c: Chrome,
    report: Option<ImportReport>,
    error: String,
}

/// GET /registry/import
pub async fn new_import(a: Auth) -> Result<impl IntoResponse, PageError> {
    if !may(&a.user, Action::ImportRegistry) {
        return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role).into());
    }
    Ok(ImportPage {
        c: Chrome::new(&a.session, Some(&a.user), "导入导出").await, report: None, error: String::new()
    })
}

/// POST /registry/import (multipart, field `file`)
pub async fn import_registry(State(s): State<AppState>, a: Auth, mut mp: Multipart) -> Result<Response, PageError> {
    let mut bytes: Option<Bytes> = None;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let result = match bytes.filter(|b| !b.is_empty()) {
        Some(b) => registry::import_registry(&s.deps, &a.ctx, b.to_vec()).await,
        None => Err(ServiceError::field("file", "请选择要导入的 Excel 文件")),
    };
    let c = Chrome::new(&a.session, Some(&a.user), "导入导出").await;
    match result {
        Ok(report) => {
            let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            Ok((status, ImportPage { c, report: Some(report), error: String::new() }).into_response())
        }
        Err(ServiceError::Invalid(f)) => {
            let error = f.values().cloned().collect::<Vec<_>>().join("；");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, ImportPage { c, report: None, error }).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /registry/export.xlsx
pub async fn export_registry(State(s): State<AppState>, a: Auth) -> Result<Response, PageError> {
    let bytes = registry::export_registry(&s.deps, &a.ctx).await?;
    Ok(xlsx_response(bytes))
}

/// An .xlsx download.
pub fn xlsx_response(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"registry.xlsx\"; filename*=UTF-8''%E7%99%BB%E8%AE%B0%E5%90%8D%E5%BD%95.xlsx",
            ),
        ],
        bytes,
    )
        .into_response()
}
