//! Login, logout and changing one's own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, PageForm, flash};
use crate::domain::registry::FieldErrors;
use crate::service::{ServiceError, accounts};
use crate::web::AppState;
use crate::web::auth::{Auth, LOGIN_AT, Visitor};
use crate::web::error::{PageError, status};

#[derive(Template, WebTemplate)]
#[template(path = "session/login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    error: String,
    notice: String,
}

/// Query of the login page.
#[derive(Deserialize)]
pub struct LoginQuery {
    expired: Option<String>,
}

/// GET /login
pub async fn login_form(v: Visitor, Query(q): Query<LoginQuery>) -> Response {
    if v.user.is_some() {
        return Redirect::to("/").into_response();
    }
    let notice = if q.expired.is_some() { "会话已超时，请重新登录" } else { "" };
    LoginPage {
        c: Chrome::new(&v.session, None, "登录").await,
        username: String::new(),
        error: String::new(),
        notice: notice.into(),
    }
    .into_response()
}

/// Login form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// POST /login
pub async fn login(
    State(state): State<AppState>,
    mut v: Visitor,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    match accounts::login(&state.deps, &v.ctx, &form.username, &form.password).await {
        Ok(user) => {
            v.auth.login(&user).await.map_err(|e| anyhow::anyhow!("session: {e}"))?;
            v.session.insert(LOGIN_AT, v.ctx.now).await.map_err(|e| anyhow::anyhow!("session: {e}"))?;
            // A fresh CSRF token for the signed-in session.
            let _ = v.session.remove::<String>("csrf").await;
            let to = if user.must_change_password { "/account/password" } else { "/" };
            Ok(Redirect::to(to).into_response())
        }
        Err(e @ (ServiceError::InvalidCredentials | ServiceError::Locked(_) | ServiceError::AccountDisabled)) => {
            let page = LoginPage {
                c: Chrome::new(&v.session, None, "登录").await,
                username: form.username,
                error: e.message(),
                notice: String::new(),
            };
            Ok((status(&e), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /logout
pub async fn logout(State(state): State<AppState>, mut v: Visitor) -> Result<Response, PageError> {
    if v.user.is_some() {
        accounts::logout(&state.deps, &v.ctx).await?;
        v.auth.logout().await.map_err(|e| anyhow::anyhow!("session: {e}"))?;
    }
    Ok(Redirect::to("/login").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "session/password.html")]
struct PasswordPage {
    c: Chrome,
    forced: bool,
    errors: FieldErrors,
}

/// GET /account/password
pub async fn password_form(a: Auth) -> impl IntoResponse {
    PasswordPage {
        c: Chrome::new(&a.session, Some(&a.user), "修改密码").await,
        forced: a.user.must_change_password,
        errors: FieldErrors::new(),
    }
}

/// Change-password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// POST /account/password
pub async fn change_password(
    State(state): State<AppState>,
    a: Auth,
    v: Visitor,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    match accounts::change_password(&state.deps, &a.ctx, &f.current_password, &f.new_password, &f.confirm_password)
        .await
    {
        Ok(user) => {
            // Re-login with the new auth hash keeps this session and ends all others.
            let mut auth = v.auth;
            auth.login(&user).await.map_err(|e| anyhow::anyhow!("session: {e}"))?;
            flash(&a.session, "密码已修改").await;
            Ok(Redirect::to("/").into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let page = PasswordPage {
                c: Chrome::new(&a.session, Some(&a.user), "修改密码").await,
                forced: a.user.must_change_password,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
