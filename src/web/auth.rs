//! Who is asking: the session login (axum-login on tower-sessions, stored in our database),
//! bearer tokens for the API, and the session policy (absolute lifetime, forced password
//! change).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use tower_sessions::Session;

use super::error::{ApiError, PageError};
use super::{AppState, RequestMeta};
use crate::service::accounts::SessionUser;
use crate::service::{Ctx, Deps, ServiceError, accounts};

/// The axum-login backend: loads the session user on every request, so a disabled account or
/// a changed password takes effect at once.
#[derive(Clone, Debug)]
pub struct Backend {
    pub deps: Deps,
}

impl axum_login::AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

impl axum_login::AuthnBackend for Backend {
    type User = SessionUser;
    /// Credentials are checked by `service::accounts::login` (lockout, audit); this backend
    /// only loads users.
    type Credentials = ();
    type Error = ServiceError;

    async fn authenticate(&self, _: ()) -> Result<Option<SessionUser>, ServiceError> {
        Ok(None)
    }

    async fn get_user(&self, id: &i64) -> Result<Option<SessionUser>, ServiceError> {
        accounts::load_session_user(&self.deps, *id).await
    }
}

/// The axum-login session of a request.
pub type AuthSession = axum_login::AuthSession<Backend>;

/// Session key of the login instant (absolute lifetime).
pub const LOGIN_AT: &str = "login_at";

fn meta(parts: &Parts) -> RequestMeta {
    parts
        .extensions
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or(RequestMeta { request_id: String::new(), client_addr: String::new() })
}

/// Builds the service context of a request.
pub fn ctx_for(state: &AppState, user: Option<&SessionUser>, meta: &RequestMeta) -> Ctx {
    Ctx {
        actor: user.map(|u| u.actor.clone()),
        actor_name: user.map(|u| u.display_name.clone()).unwrap_or_else(|| "公众".into()),
        request_id: meta.request_id.clone(),
        client_addr: meta.client_addr.clone(),
        now: state.clock.now(),
    }
}

/// A signed-in page visitor: the user, the service context and the session.
pub struct Auth {
    pub user: SessionUser,
    pub ctx: Ctx,
    pub session: Session,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let auth = parts.extensions.get::<AuthSession>().cloned().ok_or(ServiceError::Unauthenticated)?;
        let user = auth.user.ok_or(ServiceError::Unauthenticated)?;
        let ctx = ctx_for(state, Some(&user), &meta(parts));
        Ok(Auth { user, ctx, session: auth.session })
    }
}

/// Any page visitor, signed in or not.
pub struct Visitor {
    pub user: Option<SessionUser>,
    pub ctx: Ctx,
    pub session: Session,
    pub auth: AuthSession,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let auth = parts
            .extensions
            .get::<AuthSession>()
            .cloned()
            .ok_or(ServiceError::Internal(anyhow::anyhow!("auth layer missing")))?;
        let ctx = ctx_for(state, auth.user.as_ref(), &meta(parts));
        Ok(Visitor { user: auth.user.clone(), ctx, session: auth.session.clone(), auth })
    }
}

/// An API caller authenticated by `Authorization: Bearer <token>`.
pub struct ApiAuth {
    pub user: SessionUser,
    pub ctx: Ctx,
    pub token_id: i64,
}

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ServiceError::Unauthenticated)?;
        let (user, token_id) =
            accounts::authenticate_token(&state.deps, token.trim()).await?.ok_or(ServiceError::Unauthenticated)?;
        let ctx = ctx_for(state, Some(&user), &meta(parts));
        Ok(ApiAuth { user, ctx, token_id })
    }
}

/// Request context for public API calls (no account).
pub struct Public {
    pub ctx: Ctx,
}

impl FromRequestParts<AppState> for Public {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Public { ctx: ctx_for(state, None, &meta(parts)) })
    }
}

/// Paths a user who must change the password may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    path == "/account/password"
        || path == "/logout"
        || path.starts_with("/static/")
        || path == "/healthz"
        || path == "/readyz"
}

/// Ends sessions older than the absolute lifetime and sends users with an administrator-set
/// password to the change-password page.
pub async fn session_policy(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(mut auth) = req.extensions().get::<AuthSession>().cloned() else {
        return next.run(req).await;
    };
    if let Some(user) = &auth.user {
        let login_at: Option<DateTime<Utc>> = auth.session.get(LOGIN_AT).await.ok().flatten();
        let limit = Duration::hours(state.settings.session_absolute_hours);
        if login_at.is_none_or(|t| state.clock.now() - t > limit) {
            let _ = auth.logout().await;
            return Redirect::to("/login?expired=1").into_response();
        }
        if user.must_change_password && !allowed_before_password_change(req.uri().path()) {
            return Redirect::to("/account/password").into_response();
        }
    }
    next.run(req).await
}
