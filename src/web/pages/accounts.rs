//! Account administration pages (system administrators).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, Pager, flash, q};
use crate::domain::registry::FieldErrors;
use crate::domain::role::Role;
use crate::service::ServiceError;
use crate::service::accounts::{self, AccountForm, AccountView};
use crate::web::AppState;
use crate::web::auth::Auth;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/list.html")]
struct AccountsPage {
    c: Chrome,
    items: Vec<AccountView>,
    q: String,
    pager: Pager,
}

/// Search query.
#[derive(Deserialize)]
pub struct AccountQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    page: Option<i64>,
}

/// GET /admin/accounts
pub async fn list_accounts(
    State(s): State<AppState>,
    a: Auth,
    Query(aq): Query<AccountQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = accounts::list_accounts(&s.deps, &a.ctx, aq.q.as_deref(), aq.page.unwrap_or(1).max(1) as u64).await?;
    let text = aq.q.unwrap_or_default();
    Ok(AccountsPage {
        c: Chrome::new(&a.session, Some(&a.user), "账号管理").await,
        pager: Pager::of(&page, "/admin/accounts", &format!("q={}&", q(&text))),
        items: page.items,
        q: text,
    })
}

/// One option of the scope picker: value is "kind:id" is not needed because the role decides
/// the kind; each group lists the objects of one kind.
#[derive(Debug, Clone)]
pub struct ScopeGroup {
    pub label: &'static str,
    pub kind: &'static str,
    pub options: Vec<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/form.html")]
struct AccountFormPage {
    c: Chrome,
    action: String,
    is_new: bool,
    f: AccountForm,
    scope_id: i64,
    active: bool,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str, String)>,
    groups: Vec<ScopeGroup>,
}

async fn scope_groups(s: &AppState, a: &Auth) -> Result<Vec<ScopeGroup>, PageError> {
    let choices = crate::service::accounts::scope_choices(&s.deps, &a.ctx).await?;
    Ok(vec![
        ScopeGroup {
            label: "辖区（住建局、乡镇、纪检、管理员）",
            kind: "jurisdiction",
            options: choices.jurisdictions,
        },
        ScopeGroup { label: "物业服务企业", kind: "company", options: choices.companies },
        ScopeGroup { label: "小区（业委会/物管会）", kind: "community", options: choices.communities },
        ScopeGroup { label: "部门", kind: "department", options: choices.departments },
    ])
}

fn roles() -> Vec<(&'static str, &'static str, String)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label(), format!("{:?}", r.scope_kind()).to_lowercase())).collect()
}

async fn account_form(
    s: &AppState,
    a: &Auth,
    title: &str,
    action: String,
    is_new: bool,
    f: AccountForm,
    errors: FieldErrors,
) -> Result<AccountFormPage, PageError> {
    Ok(AccountFormPage {
        c: Chrome::new(&a.session, Some(&a.user), title).await,
        action,
        is_new,
        scope_id: f.scope_id.unwrap_or(0),
        active: is_new || matches!(f.active.as_deref(), Some("on" | "true" | "1")),
        f,
        errors,
        roles: roles(),
        groups: scope_groups(s, a).await?,
    })
}

/// GET /admin/accounts/new
pub async fn new_account(State(s): State<AppState>, a: Auth) -> Result<impl IntoResponse, PageError> {
    accounts::list_accounts(&s.deps, &a.ctx, None, 1).await?;
    account_form(
        &s,
        &a,
        "新建账号",
        "/admin/accounts".into(),
        true,
        AccountForm { role: "bureau_staff".into(), ..Default::default() },
        FieldErrors::new(),
    )
    .await
}

/// POST /admin/accounts
pub async fn create_account(
    State(s): State<AppState>,
    a: Auth,
    PageForm(f): PageForm<AccountForm>,
) -> Result<Response, PageError> {
    match accounts::create_account(&s.deps, &a.ctx, f.clone()).await {
        Ok(v) => {
            flash(&a.session, format!("已创建账号 {}，首次登录须修改密码", v.username)).await;
            Ok(Redirect::to("/admin/accounts").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let mut f = f;
            f.password.clear();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                account_form(&s, &a, "新建账号", "/admin/accounts".into(), true, f, errors).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /admin/accounts/{id}
pub async fn edit_account(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let v = accounts::get_account(&s.deps, &a.ctx, id).await?;
    let f = AccountForm {
        username: v.username.clone(),
        display_name: v.display_name,
        role: v.role.as_str().into(),
        scope_id: v.scope_id,
        phone: v.phone,
        email: v.email,
        password: String::new(),
        active: v.active.then(|| "on".into()),
    };
    let title =
        if v.locked { format!("账号 {}（已锁定）", v.username) } else { format!("账号 {}", v.username) };
    account_form(&s, &a, &title, format!("/admin/accounts/{id}"), false, f, FieldErrors::new()).await
}

/// POST /admin/accounts/{id}
pub async fn update_account(
    State(s): State<AppState>,
    a: Auth,
    Path(id): Path<i64>,
    PageForm(f): PageForm<AccountForm>,
) -> Result<Response, PageError> {
    match accounts::update_account(&s.deps, &a.ctx, id, f.clone()).await {
        Ok(v) => {
            flash(&a.session, format!("账号 {} 已保存", v.username)).await;
            Ok(Redirect::to("/admin/accounts").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let mut f = f;
            f.password.clear();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                account_form(&s, &a, "修改账号", format!("/admin/accounts/{id}"), false, f, errors).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
