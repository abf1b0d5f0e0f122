//! HTML pages (askama templates under templates/<area>/).

pub mod accounts;
pub mod audit;
pub mod campaigns;
pub mod cases;
pub mod catalog;
pub mod communities;
pub mod companies;
pub mod complaints;
pub mod decisions;
pub mod departments;
pub mod disclosures;
pub mod dismissals;
pub mod escalations;
pub mod exits;
pub mod grades;
pub mod holidays;
pub mod home;
pub mod inspections;
pub mod jurisdictions;
pub mod litigation;
pub mod notices;
pub mod notifications;
pub mod posters;
pub mod reassessments;
pub mod referrals;
pub mod registry;
pub mod revenue;
pub mod roster;
pub mod session;
pub mod surveys;
pub mod vote;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::error::PageError;
use crate::domain::authz::{Action, role_may};
use crate::domain::registry::FieldErrors;
use crate::domain::role::{Role, Scope};
use crate::service::accounts::SessionUser;
use crate::service::{Page, ServiceError};

/// List query of the registry lists: text search, township filter, page.
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub page: Option<i64>,
}

/// Whether the signed-in user's role may take `action` (the pages show or hide its controls).
pub fn may(user: &SessionUser, action: Action) -> bool {
    role_may(user.actor.role, action)
}

/// `?edit=ID`
#[derive(serde::Deserialize)]
pub struct EditQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub edit: Option<i64>,
}

/// A note-only form.
#[derive(serde::Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub decision: String,
}

/// A choice a form's buttons post (`decision=approve`), read through its enum's `parse`; a missing
/// or unknown value is refused naming the field and the choices (`请选择同意或不同意`), never read
/// as one of them.
pub fn choice<T: Copy>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    label: fn(T) -> &'static str,
) -> Result<T, ServiceError> {
    parse(value).ok_or_else(|| {
        let choices: Vec<&str> = all.iter().map(|c| label(*c)).collect();
        ServiceError::field(field, format!("请选择{}", choices.join("或")))
    })
}

/// A posted form whose fields may repeat (one `case_id` per checked case), read by name. Each
/// use case's input is parsed from it with `TryFrom<Fields>` beside its handler: a value that is
/// present but malformed is refused with a Chinese message naming the field, never dropped.
#[derive(serde::Deserialize, Default, Debug, Clone)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, trimmed ("" when absent).
    pub fn text(&self, name: &str) -> String {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }

    /// The first value of `name` as it was typed (multi-line text keeps its inner spacing).
    pub fn raw(&self, name: &str) -> String {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Every value of `name` as ids; a value that is not an id is refused under the list's key
    /// (`case_id` → `case_ids`, the key the forms show their message under).
    pub fn ids(&self, name: &str, label: &str, errors: &mut FieldErrors) -> Vec<i64> {
        let mut ids = Vec::new();
        for (_, v) in self.0.iter().filter(|(n, _)| n == name) {
            match v.trim().parse::<i64>() {
                Ok(id) if id > 0 => ids.push(id),
                _ if v.trim().is_empty() => {}
                _ => {
                    errors.insert(format!("{name}s"), format!("{label}编号无效：{}", v.trim()));
                }
            }
        }
        ids
    }

    /// `name` as a date (年-月-日); empty is `None`, anything else that is not a date is refused.
    pub fn date(&self, name: &str, label: &str, errors: &mut FieldErrors) -> Option<chrono::NaiveDate> {
        let v = self.text(name);
        if v.is_empty() {
            return None;
        }
        let d = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
        if d.is_none() {
            errors.insert(name.into(), format!("{label}应为日期，格式为 年-月-日，例如 2026-12-31"));
        }
        d
    }

    /// `name` as a whole number; empty is `None`, anything else that is not one is refused.
    pub fn number<T: std::str::FromStr>(&self, name: &str, label: &str, errors: &mut FieldErrors) -> Option<T> {
        let v = self.text(name);
        if v.is_empty() {
            return None;
        }
        let n = v.parse().ok();
        if n.is_none() {
            errors.insert(name.into(), format!("{label}应为整数"));
        }
        n
    }
}

/// A link in the navigation bar.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

/// What every page's layout needs: title, the signed-in user, navigation, CSRF token, flash.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub title: String,
    pub user_name: String,
    pub role_label: String,
    pub nav: Vec<NavLink>,
    pub csrf: String,
    pub flash: String,
}

const FLASH: &str = "flash";

/// Shows `message` on the next page the user sees.
pub async fn flash(session: &Session, message: impl Into<String>) {
    let _ = session.insert(FLASH, message.into()).await;
}

/// The navigation a role sees, derived from the authorization table.
pub fn nav_for(user: &SessionUser) -> Vec<NavLink> {
    let role = user.actor.role;
    let mut nav = vec![NavLink { href: "/", label: "首页" }];
    if role_may(role, Action::ReadCaseContent) && matches!(user.actor.scope, Scope::Jurisdiction(_)) {
        nav.push(NavLink { href: "/inbox", label: "投诉线索" });
    }
    let reads_cases = (role_may(role, Action::ReadCaseContent) && matches!(user.actor.scope, Scope::Jurisdiction(_)))
        || role_may(role, Action::ReadCompanyCases);
    if reads_cases {
        nav.push(NavLink { href: "/cases", label: "工作台账" });
        nav.push(NavLink { href: "/notices", label: "整改通知书" });
    }
    if (role_may(role, Action::ReadCaseContent) || role_may(role, Action::Inspect))
        && matches!(user.actor.scope, Scope::Jurisdiction(_))
    {
        nav.push(NavLink { href: "/inspections", label: "全面排查" });
    }
    if role_may(role, Action::DecideEscalation) || role_may(role, Action::ManageCase) {
        nav.push(NavLink { href: "/escalations", label: "升级处理" });
    }
    if role_may(role, Action::EditHolidays) || role_may(role, Action::ReadCaseContent) {
        nav.push(NavLink { href: "/holidays", label: "节假日" });
    }
    if role_may(role, Action::AnswerReferral)
        || (role_may(role, Action::ReadCaseContent) && matches!(user.actor.scope, Scope::Jurisdiction(_)))
    {
        nav.push(NavLink { href: "/referrals", label: "移送" });
    }
    if role_may(role, Action::ReadCaseContent) && matches!(user.actor.scope, Scope::Jurisdiction(_)) {
        nav.push(NavLink { href: "/disclosures", label: "信息公开" });
    }
    if role_may(role, Action::RunSurvey)
        || role_may(role, Action::IssueSurveyCodes)
        || (role_may(role, Action::ReadCaseContent) && matches!(user.actor.scope, Scope::Jurisdiction(_)))
    {
        nav.push(NavLink { href: "/surveys", label: "满意度测评" });
    }
    if role_may(role, Action::ReadDecision) {
        nav.push(NavLink { href: "/decisions", label: "业主表决" });
    }
    if role_may(role, Action::ReadExit) {
        nav.push(NavLink { href: "/exits", label: "退出交接" });
    }
    nav.push(NavLink { href: "/notifications", label: "消息" });
    let sees_registry = role_may(role, Action::ViewRegistry) && !matches!(user.actor.scope, Scope::Department(_));
    if sees_registry {
        nav.push(NavLink { href: "/communities", label: "小区" });
        nav.push(NavLink { href: "/companies", label: "物业企业" });
    }
    if matches!(user.actor.scope, Scope::Jurisdiction(_)) {
        nav.push(NavLink { href: "/campaigns", label: "专项行动" });
    }
    nav.push(NavLink { href: "/catalog", label: "整治事项" });
    if role_may(role, Action::EditCatalog) {
        nav.push(NavLink { href: "/grades", label: "服务等级" });
    }
    if role_may(role, Action::ImportRegistry) {
        nav.push(NavLink { href: "/registry/import", label: "导入导出" });
    }
    if role_may(role, Action::EditJurisdiction)
        || (matches!(user.actor.scope, Scope::Jurisdiction(_)) && role != Role::TownshipOfficer)
    {
        nav.push(NavLink { href: "/jurisdictions", label: "辖区" });
    }
    if matches!(user.actor.scope, Scope::Jurisdiction(_) | Scope::Department(_)) {
        nav.push(NavLink { href: "/departments", label: "部门" });
    }
    if role_may(role, Action::ManageAccounts) {
        nav.push(NavLink { href: "/admin/accounts", label: "账号管理" });
    }
    if role_may(role, Action::ReadAudit) {
        nav.push(NavLink { href: "/audit", label: "审计日志" });
    }
    nav
}

impl Chrome {
    /// Layout data without a session (error pages rendered outside a request's session).
    pub fn bare(title: &str) -> Chrome {
        Chrome { title: title.into(), ..Default::default() }
    }

    /// Layout data for a request; takes the pending flash message.
    pub async fn new(session: &Session, user: Option<&SessionUser>, title: &str) -> Chrome {
        let flash = session.remove::<String>(FLASH).await.ok().flatten().unwrap_or_default();
        Chrome {
            title: title.into(),
            user_name: user.map(|u| u.display_name.clone()).unwrap_or_default(),
            role_label: user.map(|u| u.actor.role.label().to_string()).unwrap_or_default(),
            nav: user.map(nav_for).unwrap_or_default(),
            csrf: super::csrf::token(session).await,
            flash,
        }
    }
}

/// Paging links under a list.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// The total is an estimate ("约").
    pub approximate: bool,
    pub prev: String,
    pub next: String,
}

impl Pager {
    /// Links for `page` of `p`, keeping the other query parameters in `base` ("q=…&").
    pub fn of<T>(p: &Page<T>, path: &str, base: &str) -> Pager {
        let link = |n: u64| format!("{path}?{base}page={n}");
        Pager {
            page: p.page,
            pages: p.pages(),
            total: p.total,
            approximate: false,
            prev: if p.page > 1 { link(p.page - 1) } else { String::new() },
            next: if p.page < p.pages() { link(p.page + 1) } else { String::new() },
        }
    }
}

/// Percent-encodes a query value.
pub fn q(v: &str) -> String {
    serde_urlencoded::to_string([("v", v)]).unwrap_or_default().trim_start_matches("v=").to_string()
}

/// A form body; a malformed one is answered with a Chinese error page, not a plain-text 4xx.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| PageForm(f.0))
            .map_err(|e| PageError(crate::web::error::page_rejection(&e.body_text())))
    }
}

/// A stored PDF (notice, letter) shown in the browser, saved under its document number
/// (`ascii_name` for clients that do not read RFC 5987 names).
pub fn pdf_response(number: &str, ascii_name: &str, pdf: crate::service::blobs::Download) -> axum::response::Response {
    let encoded = q(&format!("{number}.pdf")).replace('+', "%20");
    let disposition = format!("inline; filename=\"{ascii_name}.pdf\"; filename*=UTF-8''{encoded}");
    crate::web::download::respond(pdf, crate::web::download::Cache::Revalidate, Some(disposition))
}

/// A stored photo (re-encoded JPEG), cached privately by the browser.
pub fn jpeg_response(photo: crate::service::blobs::Download) -> axum::response::Response {
    crate::web::download::respond(photo, crate::web::download::Cache::Photo, None)
}

/// The message of a refused step (invalid input, a rule, a conflict) as the page's `step` error.
pub fn step_errors(e: &crate::service::ServiceError) -> crate::domain::registry::FieldErrors {
    let mut errors = crate::domain::registry::FieldErrors::new();
    errors.insert(
        "step".into(),
        match e {
            crate::service::ServiceError::Invalid(f) => f.values().cloned().collect::<Vec<_>>().join("；"),
            other => other.message(),
        },
    );
    errors
}

/// One part of a multipart form.
#[derive(Debug)]
pub enum Part {
    Text {
        name: String,
        value: String,
    },
    /// A file as sent (possibly empty: an empty file input).
    File {
        name: String,
        file_name: String,
        bytes: Vec<u8>,
    },
}

/// A multipart form read whole, its parts in form order.
#[derive(Debug, Default)]
pub struct Parts(pub Vec<Part>);

impl Parts {
    /// The last value of a text field, or empty.
    pub fn text(&self, field: &str) -> String {
        self.0
            .iter()
            .rev()
            .find_map(|p| match p {
                Part::Text { name, value } if name == field => Some(value.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The text fields, in order.
    pub fn texts(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|p| match p {
                Part::Text { name, value } => Some((name.clone(), value.clone())),
                Part::File { .. } => None,
            })
            .collect()
    }

    /// The non-empty files of a field: (file name, bytes).
    pub fn files(self, field: &str) -> Vec<(String, Vec<u8>)> {
        self.0
            .into_iter()
            .filter_map(|p| match p {
                Part::File { name, file_name, bytes } if name == field && !bytes.is_empty() => Some((file_name, bytes)),
                _ => None,
            })
            .collect()
    }
}

/// Reads a multipart form; `is_file` names its file fields. A body cut off by the size limit
/// (or otherwise unreadable) is refused with `too_large` = (field, Chinese message).
pub async fn read_parts(
    mut mp: axum::extract::Multipart,
    is_file: impl Fn(&str) -> bool,
    too_large: (&str, &str),
) -> Result<Parts, crate::service::ServiceError> {
    let refuse = || ServiceError::field(too_large.0, too_large.1);
    let mut parts = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|_| refuse())? {
        let name = field.name().unwrap_or_default().to_string();
        if is_file(&name) {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| refuse())?.to_vec();
            parts.push(Part::File { name, file_name, bytes });
        } else {
            let value = field.text().await.map_err(|_| ServiceError::field(&name, "内容无法识别"))?;
            parts.push(Part::Text { name, value });
        }
    }
    Ok(Parts(parts))
}
