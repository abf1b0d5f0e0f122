//! The owner roster page of a community (`/communities/{id}/roster`): the units with the area in
//! force and its source, the owners masked, the totals by 第9条; the owners' committee and the
//! township add, change, delete, import and export; the bureau reads and exports (masked).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, Fields, PageForm, flash, read_parts};
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::roster::{self, OwnerInput, RosterImportReport, RosterView, UnitInput};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

/// Owner slots on the unit form: co-owners beyond these are added by editing again or by import.
const OWNER_SLOTS: usize = 3;

#[derive(Template, WebTemplate)]
#[template(path = "roster/show.html")]
struct RosterPage {
    c: Chrome,
    r: RosterView,
    /// The form that was refused (`0` the new unit's), with its messages.
    errors: FieldErrors,
    failed_unit: Option<i64>,
    report: Option<RosterImportReport>,
    slots: Vec<usize>,
    /// The clause of the community's rules deeming non-voters to follow the majority (业主表决).
    deem_clause: String,
}

impl RosterPage {
    /// Whether the unit's own form was the one refused.
    fn is_failed(&self, unit_id: &i64) -> bool {
        self.failed_unit == Some(*unit_id)
    }
}

async fn page(
    s: &AppState,
    a: &Auth,
    id: i64,
    errors: FieldErrors,
    failed_unit: Option<i64>,
    report: Option<RosterImportReport>,
) -> Result<RosterPage, PageError> {
    let r = roster::roster(&s.deps, &a.ctx, id).await?;
    let (community, _) =
        crate::service::scope::community_in_reach(&s.deps, &a.ctx, id, crate::domain::authz::Action::ReadRoster)
            .await?;
    Ok(RosterPage {
        c: Chrome::new(&a.session, Some(&a.user), &format!("业主名册：{}", r.community)).await,
        r,
        errors,
        failed_unit,
        report,
        slots: (0..OWNER_SLOTS).collect(),
        deem_clause: community.deem_clause,
    })
}

/// GET /communities/{id}/roster
pub async fn show_roster(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    page(&s, &a, id, FieldErrors::new(), None, None).await
}

/// The unit form: building, unit, room, the three areas, developer_held (a checkbox), and
/// owner slots `owner_name_N`, `owner_phone_N`, `owner_id_number_N`. On an edit, owner slots left
/// all empty keep the owners recorded.
struct UnitForm(UnitInput);

impl UnitForm {
    fn parse(f: &Fields, editing: bool) -> UnitForm {
        let owners: Vec<OwnerInput> = (0..OWNER_SLOTS)
            .map(|i| OwnerInput {
                name: f.text(&format!("owner_name_{i}")),
                phone: f.text(&format!("owner_phone_{i}")),
                id_number: f.text(&format!("owner_id_number_{i}")),
            })
            .filter(|o| !(o.name.is_empty() && o.phone.is_empty() && o.id_number.is_empty()))
            .collect();
        UnitForm(UnitInput {
            building: f.text("building"),
            unit: f.text("unit"),
            room: f.text("room"),
            register_area: f.text("register_area"),
            surveyed_area: f.text("surveyed_area"),
            contract_area: f.text("contract_area"),
            developer_held: !f.text("developer_held").is_empty(),
            owners: (!editing || !owners.is_empty()).then_some(owners),
        })
    }
}

async fn saved(
    s: &AppState,
    a: &Auth,
    id: i64,
    unit_id: Option<i64>,
    r: Result<(), ServiceError>,
    done: &str,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => {
            flash(&a.session, done).await;
            Ok(Redirect::to(&format!("/communities/{id}/roster")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(s, a, id, errors, Some(unit_id.unwrap_or(0)), None).await?)
                .into_response())
        }
        Err(e @ (ServiceError::Rule(_) | ServiceError::Conflict(_))) => {
            let errors = FieldErrors::from([("unit_form".to_string(), e.message())]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(s, a, id, errors, Some(unit_id.unwrap_or(0)), None).await?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /communities/{id}/roster/units
pub async fn create_roster_unit(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, PageError> {
    let UnitForm(input) = UnitForm::parse(&f, false);
    let r = roster::save_unit(&s.deps, &a.ctx, id, None, input).await.map(|_| ());
    saved(&s, &a, id, None, r, "已加入业主名册").await
}

/// POST /communities/{id}/roster/units/{unit_id}
pub async fn update_roster_unit(
    State(s): State<AppState>,
    a: Auth,
    Path((id, unit_id)): Path<(i64, i64)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, PageError> {
    let UnitForm(input) = UnitForm::parse(&f, true);
    let r = roster::save_unit(&s.deps, &a.ctx, id, Some(unit_id), input).await.map(|_| ());
    saved(&s, &a, id, Some(unit_id), r, "已保存").await
}

/// POST /communities/{id}/roster/units/{unit_id}/delete
pub async fn delete_roster_unit(
    State(s): State<AppState>,
    a: Auth,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let r = roster::delete_unit(&s.deps, &a.ctx, id, unit_id).await;
    saved(&s, &a, id, Some(unit_id), r, "已从业主名册删除").await
}

/// POST /communities/{id}/roster/import (multipart, field `file`)
pub async fn import_roster(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let parts = read_parts(mp, |f| f == "file", ("file", "文件过大，无法导入")).await?;
    let result = match parts.files("file").into_iter().next() {
        Some((_, bytes)) => roster::import_roster(&s.deps, &a.ctx, id, bytes).await,
        None => Err(ServiceError::field("file", "请选择要导入的 Excel 文件")),
    };
    match result {
        Ok(report) if report.errors.is_empty() => {
            flash(&a.session, format!("已导入：房屋 {} 套，业主 {} 人次", report.units, report.owners)).await;
            Ok(Redirect::to(&format!("/communities/{id}/roster")).into_response())
        }
        Ok(report) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &a, id, FieldErrors::new(), None, Some(report)).await?)
                .into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &a, id, errors, None, None).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The deeming clause form.
#[derive(serde::Deserialize)]
pub struct DeemClauseForm {
    #[serde(default)]
    deem_clause: String,
}

/// POST /communities/{id}/roster/deem-clause: registers (or, empty, clears) the clause of the
/// community's rules that deems non-voters to follow the majority of an owners' vote.
pub async fn register_deem_clause(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<DeemClauseForm>,
) -> Result<Response, PageError> {
    match crate::service::decisions::register_deem_clause(&s.deps, &a.ctx, id, &f.deem_clause).await {
        Ok(()) => {
            let done = if f.deem_clause.trim().is_empty() {
                "已清除议事规则条款"
            } else {
                "已登记议事规则条款"
            };
            flash(&a.session, done).await;
            Ok(Redirect::to(&format!("/communities/{id}/roster")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &a, id, errors, None, None).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /communities/{id}/roster/export.xlsx
pub async fn export_roster(State(s): State<AppState>, a: Auth, Path(id): Path<i64>) -> Result<Response, PageError> {
    Ok(roster_xlsx(roster::export_roster(&s.deps, &a.ctx, id).await?))
}

/// The roster workbook as a download.
pub fn roster_xlsx(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"roster.xlsx\"; filename*=UTF-8''%E4%B8%9A%E4%B8%BB%E5%90%8D%E5%86%8C.xlsx",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response()
}
