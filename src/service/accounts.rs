//! Accounts: login with lockout, password changes, API tokens, and account administration.
//! (等保2.0 二级: unique accounts, password complexity, lockout, least privilege.)

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use chrono::Duration;
use rand::RngCore;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{FAILURE, SUCCESS, record};
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, Page, ServiceError};
use crate::crypto::sm3_hex;
use crate::db;
use crate::db::accounts::{NewUser, UserChange};
use crate::db::entities::user;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Actor, Object, authorize};
use crate::domain::password;
use crate::domain::registry::FieldErrors;
use crate::domain::registry::JurisdictionLevel;
use crate::domain::role::{Role, Scope, ScopeKind};

/// A signed-in account as the web layer keeps it for one request.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub actor: Actor,
    /// Changes when the password changes, which ends the account's other sessions.
    pub auth_hash: Vec<u8>,
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    let h = Argon2::default().hash_password(password.as_bytes()).map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(h.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A valid argon2id hash of nothing anyone knows, verified against when the username does
/// not exist so that response times do not reveal which usernames exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wq2bGLNWxgkCSM9hV1N4ZyQ84U+kxFmKdYVJgyEVLGg";

/// The scope stored on an account row.
pub fn scope_of(u: &user::Model) -> Option<Scope> {
    let role = Role::parse(&u.role)?;
    match role.scope_kind() {
        ScopeKind::Jurisdiction => u.jurisdiction_id.map(Scope::Jurisdiction),
        ScopeKind::Company => u.company_id.map(Scope::Company),
        ScopeKind::Community => u.community_id.map(Scope::Community),
        ScopeKind::Department => u.department_id.map(Scope::Department),
    }
}

/// The jurisdiction path of a scope: the jurisdiction's own path, or that of the county the
/// company, community or department belongs to.
pub async fn scope_path<C: ConnectionTrait>(
    db: &C,
    tree: &JurisdictionTree,
    scope: Scope,
) -> Result<Vec<i64>, ServiceError> {
    let jurisdiction = match scope {
        Scope::Jurisdiction(id) => Some(id),
        Scope::Company(id) => db::companies::company(db, id).await?.map(|c| c.jurisdiction_id),
        Scope::Community(id) => db::communities::community(db, id).await?.map(|c| c.township_id),
        Scope::Department(id) => db::departments::department(db, id).await?.map(|d| d.jurisdiction_id),
    };
    Ok(jurisdiction.map(|j| tree.path(j)).unwrap_or_default())
}

/// Builds the session user for an account row; `None` when the row is unusable.
pub async fn session_user<C: ConnectionTrait>(db: &C, u: user::Model) -> Result<Option<SessionUser>, ServiceError> {
    if !u.active {
        return Ok(None);
    }
    let (Some(role), Some(scope)) = (Role::parse(&u.role), scope_of(&u)) else {
        return Ok(None);
    };
    let tree = JurisdictionTree::load(db).await?;
    let jurisdiction_path = scope_path(db, &tree, scope).await?;
    Ok(Some(SessionUser {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        must_change_password: u.must_change_password,
        actor: Actor { user_id: u.id, role, scope, jurisdiction_path },
        auth_hash: sm3_hex(u.password_hash.as_bytes()).into_bytes(),
    }))
}

/// Loads the session user by id.
pub async fn load_session_user(deps: &Deps, id: i64) -> Result<Option<SessionUser>, ServiceError> {
    // Every signed-in request loads its user: from the readers.
    match db::accounts::user(&deps.read, id).await? {
        Some(u) => session_user(&deps.read, u).await,
        None => Ok(None),
    }
}

/// Checks a username and password, applying the lockout rule, and audits the attempt.
/// Failed attempts are committed even though the call returns an error.
pub async fn login(deps: &Deps, ctx: &Ctx, username: &str, password: &str) -> Result<SessionUser, ServiceError> {
    // Audit columns are bounded; an absurd username is cut, not a 500.
    let username: String = username.trim().chars().take(64).collect();
    let username = username.as_str();
    let now = ctx.now;
    let tx = deps.db.begin().await?;
    let mut ctx = ctx.clone();
    ctx.actor_name = username.to_string();
    // Locked: two attempts at once must not both count from the same number of failures.
    let Some(u) = db::accounts::user_by_username_locked(&tx, username).await? else {
        let _ = verify_password(password, DUMMY_HASH);
        record(&tx, &ctx, AuditAction::Login, "user", username, FAILURE, json!({"reason": "unknown_user"})).await?;
        tx.commit().await?;
        return Err(ServiceError::InvalidCredentials);
    };
    ctx.actor_name = u.display_name.clone();
    if !u.active {
        record(&tx, &ctx, AuditAction::Login, "user", u.id, FAILURE, json!({"reason": "disabled"})).await?;
        tx.commit().await?;
        return Err(ServiceError::AccountDisabled);
    }
    if let Some(until) = u.locked_until
        && until > now
    {
        record(&tx, &ctx, AuditAction::Login, "user", u.id, FAILURE, json!({"reason": "locked"})).await?;
        tx.commit().await?;
        return Err(ServiceError::Locked(until));
    }
    if !verify_password(password, &u.password_hash) {
        let failures = u.failed_logins + 1;
        let locked = failures >= deps.settings.lockout_threshold;
        if locked {
            let until = now + Duration::minutes(deps.settings.lockout_minutes);
            db::accounts::lock_user(&tx, u.id, until, now).await?;
            record(
                &tx,
                &ctx,
                AuditAction::Login,
                "user",
                u.id,
                FAILURE,
                json!({"reason": "bad_password", "failures": failures}),
            )
            .await?;
            record(
                &tx,
                &ctx,
                AuditAction::UserLock,
                "user",
                u.id,
                SUCCESS,
                json!({"until": until, "after_failures": failures}),
            )
            .await?;
            tx.commit().await?;
            return Err(ServiceError::Locked(until));
        }
        db::accounts::set_failed_logins(&tx, u.id, failures, now).await?;
        record(
            &tx,
            &ctx,
            AuditAction::Login,
            "user",
            u.id,
            FAILURE,
            json!({"reason": "bad_password", "failures": failures}),
        )
        .await?;
        tx.commit().await?;
        return Err(ServiceError::InvalidCredentials);
    }
    let u = db::accounts::record_login(&tx, u.id, now).await?;
    let su = session_user(&tx, u.clone()).await?.ok_or(ServiceError::AccountDisabled)?;
    ctx.actor = Some(su.actor.clone());
    record(&tx, &ctx, AuditAction::Login, "user", u.id, SUCCESS, json!({})).await?;
    tx.commit().await?;
    Ok(su)
}

/// Records a logout.
pub async fn logout(deps: &Deps, ctx: &Ctx) -> Result<(), ServiceError> {
    let actor = ctx.actor()?;
    let tx = deps.db.begin().await?;
    record(&tx, ctx, AuditAction::Logout, "user", actor.user_id, SUCCESS, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the signed-in user's own password.
pub async fn change_password(
    deps: &Deps,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<SessionUser, ServiceError> {
    let actor = ctx.actor()?;
    let tx = deps.db.begin().await?;
    let u = db::accounts::user(&tx, actor.user_id).await?.ok_or(ServiceError::NotFound("账号"))?;
    let mut errors = FieldErrors::new();
    if !verify_password(current, &u.password_hash) {
        errors.insert("current_password".into(), "当前密码不正确".into());
    }
    if let Err(e) = password::check(&u.username, new) {
        errors.insert("new_password".into(), e.message().into());
    } else if new == current {
        errors.insert("new_password".into(), "新密码不能与当前密码相同".into());
    }
    if new != confirm {
        errors.insert("confirm_password".into(), "两次输入的新密码不一致".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let u = db::accounts::set_own_password(&tx, u.id, hash_password(new)?, ctx.now).await?;
    record(&tx, ctx, AuditAction::UserChangePassword, "user", u.id, SUCCESS, json!({})).await?;
    let su = session_user(&tx, u).await?.ok_or(ServiceError::AccountDisabled)?;
    tx.commit().await?;
    Ok(su)
}

/// An issued API token: the secret is shown once and stored only as its SM3 digest.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Issues a bearer token after the same checks as a login.
pub async fn issue_token(deps: &Deps, ctx: &Ctx, username: &str, password: &str) -> Result<IssuedToken, ServiceError> {
    let su = login(deps, ctx, username, password).await?;
    if su.must_change_password {
        return Err(ServiceError::PasswordChangeRequired);
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!("pw_{}", hex::encode(secret));
    let expires_at = ctx.now + Duration::hours(deps.settings.api_token_hours);
    let tx = deps.db.begin().await?;
    let row = db::accounts::insert_token(&tx, su.id, sm3_hex(token.as_bytes()), expires_at, ctx.now).await?;
    let mut ctx = ctx.clone();
    ctx.actor = Some(su.actor.clone());
    ctx.actor_name = su.display_name.clone();
    record(&tx, &ctx, AuditAction::ApiTokenIssue, "api_token", row.id, SUCCESS, json!({"expires_at": expires_at}))
        .await?;
    tx.commit().await?;
    Ok(IssuedToken { token, expires_at })
}

/// The account behind a bearer token, if the token is valid now.
pub async fn authenticate_token(deps: &Deps, token: &str) -> Result<Option<(SessionUser, i64)>, ServiceError> {
    let Some(t) = db::accounts::token_by_hash(&deps.db, &sm3_hex(token.as_bytes())).await? else {
        return Ok(None);
    };
    if t.revoked_at.is_some() || t.expires_at <= deps.clock.now() {
        return Ok(None);
    }
    let Some(u) = db::accounts::user(&deps.db, t.user_id).await? else {
        return Ok(None);
    };
    if u.locked_until.is_some_and(|until| until > deps.clock.now()) || u.password_changed_at > t.created_at {
        return Ok(None);
    }
    Ok(session_user(&deps.db, u).await?.map(|su| (su, t.id)))
}

/// Revokes the token used for this request.
pub async fn revoke_token(deps: &Deps, ctx: &Ctx, token_id: i64) -> Result<(), ServiceError> {
    let actor = ctx.actor()?;
    let tx = deps.db.begin().await?;
    let Some(t) = db::accounts::token(&tx, token_id).await? else {
        return Err(ServiceError::NotFound("令牌"));
    };
    if t.user_id != actor.user_id {
        return Err(ServiceError::NotFound("令牌"));
    }
    db::accounts::revoke_token(&tx, t.id, ctx.now).await?;
    record(&tx, ctx, AuditAction::ApiTokenRevoke, "api_token", token_id, SUCCESS, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Input for creating or changing an account (administrators).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AccountForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    /// The id of the jurisdiction, company, community or department the role is scoped to.
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub scope_id: Option<i64>,
    #[serde(default)]
    pub phone: String,
    /// For notifications by email (optional).
    #[serde(default)]
    pub email: String,
    /// Initial password when creating; a new password when resetting. Empty when editing.
    #[serde(default)]
    pub password: String,
    /// "on"/"true" keeps the account usable.
    #[serde(default)]
    pub active: Option<String>,
}

/// An account as administrators see it (phone decrypted for them only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: String,
    pub scope_kind: String,
    pub scope_id: Option<i64>,
    pub scope_name: String,
    pub phone: String,
    pub email: String,
    pub active: bool,
    pub locked: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Last login in Asia/Shanghai, for people.
    pub last_login: String,
}

fn parse_scope(role: Role, id: Option<i64>, errors: &mut FieldErrors) -> Option<Scope> {
    let Some(id) = id else {
        errors.insert("scope_id".into(), "请选择账号的管辖或所属对象".into());
        return None;
    };
    Some(match role.scope_kind() {
        ScopeKind::Jurisdiction => Scope::Jurisdiction(id),
        ScopeKind::Company => Scope::Company(id),
        ScopeKind::Community => Scope::Community(id),
        ScopeKind::Department => Scope::Department(id),
    })
}

async fn check_scope_exists<C: ConnectionTrait>(db: &C, scope: Scope) -> Result<bool, ServiceError> {
    Ok(match scope {
        Scope::Jurisdiction(id) => db::jurisdictions::jurisdiction(db, id).await?.is_some(),
        Scope::Company(id) => db::companies::company(db, id).await?.is_some(),
        Scope::Community(id) => db::communities::community(db, id).await?.is_some(),
        Scope::Department(id) => db::departments::department(db, id).await?.is_some(),
    })
}

async fn view<C: ConnectionTrait>(
    db: &C,
    deps: &Deps,
    u: &user::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<AccountView, ServiceError> {
    let role = Role::parse(&u.role).unwrap_or(Role::BureauStaff);
    let scope = scope_of(u);
    let scope_name = match scope {
        Some(Scope::Jurisdiction(id)) => db::jurisdictions::jurisdiction(db, id).await?.map(|j| j.name),
        Some(Scope::Company(id)) => db::companies::company(db, id).await?.map(|c| c.name),
        Some(Scope::Community(id)) => db::communities::community(db, id).await?.map(|c| c.name),
        Some(Scope::Department(id)) => db::departments::department(db, id).await?.map(|d| d.name),
        None => None,
    };
    let phone = match &u.phone_sealed {
        Some(s) => deps.cipher.open(s).unwrap_or_else(|_| "（无法解密）".into()),
        None => String::new(),
    };
    Ok(AccountView {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role,
        role_label: role.label().into(),
        scope_kind: format!("{:?}", role.scope_kind()).to_lowercase(),
        scope_id: scope.map(|s| match s {
            Scope::Jurisdiction(i) | Scope::Company(i) | Scope::Community(i) | Scope::Department(i) => i,
        }),
        scope_name: scope_name.unwrap_or_default(),
        phone,
        email: match &u.email_sealed {
            Some(s) => deps.cipher.open(s).unwrap_or_else(|_| "（无法解密）".into()),
            None => String::new(),
        },
        active: u.active,
        locked: u.locked_until.is_some_and(|t| t > now),
        must_change_password: u.must_change_password,
        last_login_at: u.last_login_at,
        last_login: u.last_login_at.map(crate::clock::display).unwrap_or_default(),
    })
}

async fn admin_check<C: ConnectionTrait>(
    db: &C,
    ctx: &Ctx,
    scope: Option<Scope>,
    account_id: i64,
) -> Result<(), ServiceError> {
    let actor = ctx.actor()?;
    let path = match scope {
        Some(s) => {
            let tree = JurisdictionTree::load(db).await?;
            scope_path(db, &tree, s).await?
        }
        None => actor.jurisdiction_path.clone(),
    };
    authorize(actor, Action::ManageAccounts, &Object::Account { id: account_id, path })?;
    Ok(())
}

/// What an account's scope may be set to, by kind: (id, name) pairs.
#[derive(Debug, Clone, Default)]
pub struct ScopeChoices {
    /// The county and its townships within the administrator's reach (not neighbourhoods).
    pub jurisdictions: Vec<(i64, String)>,
    pub companies: Vec<(i64, String)>,
    pub communities: Vec<(i64, String)>,
    pub departments: Vec<(i64, String)>,
}

/// The scopes an administrator may give an account. Administrators read no case content, but
/// the registry's names are configuration.
pub async fn scope_choices(deps: &Deps, ctx: &Ctx) -> Result<ScopeChoices, ServiceError> {
    admin_check(&deps.db, ctx, None, 0).await?;
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let root = actor.jurisdiction_path.first().copied();
    let jurisdictions = tree
        .all()
        .into_iter()
        .filter(|j| {
            root.is_none_or(|r| tree.path(j.id).contains(&r)) && j.level != JurisdictionLevel::Neighbourhood.as_str()
        })
        .map(|j| (j.id, j.name.clone()))
        .collect();
    let companies =
        db::companies::companies(&deps.db, &Default::default(), 1, 10_000).await?.0.into_iter().map(|c| (c.id, c.name));
    let communities = db::communities::communities(&deps.db, &Default::default(), 1, 10_000)
        .await?
        .0
        .into_iter()
        .map(|c| (c.id, c.name));
    let departments = db::departments::departments(&deps.db, None).await?.into_iter().map(|d| (d.id, d.name));
    Ok(ScopeChoices {
        jurisdictions,
        companies: companies.collect(),
        communities: communities.collect(),
        departments: departments.collect(),
    })
}

/// Lists accounts (administrators).
pub async fn list_accounts(
    deps: &Deps,
    ctx: &Ctx,
    q: Option<&str>,
    page: u64,
) -> Result<Page<AccountView>, ServiceError> {
    admin_check(&deps.db, ctx, None, 0).await?;
    let per_page = 50;
    let (rows, total) = db::accounts::users(&deps.db, q, None, page.max(1), per_page).await?;
    let mut items = Vec::with_capacity(rows.len());
    for u in &rows {
        items.push(view(&deps.db, deps, u, ctx.now).await?);
    }
    Ok(Page { items, total, page: page.max(1), per_page })
}

/// One account (administrators).
pub async fn get_account(deps: &Deps, ctx: &Ctx, id: i64) -> Result<AccountView, ServiceError> {
    let u = db::accounts::user(&deps.db, id).await?.ok_or(ServiceError::NotFound("账号"))?;
    admin_check(&deps.db, ctx, scope_of(&u), id).await?;
    view(&deps.db, deps, &u, ctx.now).await
}

fn valid_username(s: &str) -> bool {
    (3..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
}

/// Creates an account with an administrator-set password, to be changed at first login.
pub async fn create_account(deps: &Deps, ctx: &Ctx, form: AccountForm) -> Result<AccountView, ServiceError> {
    let mut errors = FieldErrors::new();
    let username = form.username.trim().to_string();
    if !valid_username(&username) {
        errors.insert("username".into(), "用户名为3-32位字母、数字、下划线、点或连字符".into());
    }
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        errors.insert("display_name".into(), "请填写姓名（不超过50字）".into());
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.insert("role".into(), "请选择角色".into());
    }
    let scope = role.and_then(|r| parse_scope(r, form.scope_id, &mut errors));
    if let Err(e) = password::check(&username, &form.password) {
        errors.insert("password".into(), e.message().into());
    }
    let phone = form.phone.trim().to_string();
    if !phone.is_empty() && !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        errors.insert("phone".into(), "手机号码只能包含数字".into());
    }
    let email = form.email.trim().to_string();
    if !email.is_empty()
        && (email.len() > 200 || email.matches('@').count() != 1 || email.contains(char::is_whitespace))
    {
        errors.insert("email".into(), "电子邮箱格式不正确".into());
    }
    let tx = deps.db.begin().await?;
    if let Some(s) = scope
        && !check_scope_exists(&tx, s).await?
    {
        errors.insert("scope_id".into(), "所选的管辖或所属对象不存在".into());
    }
    if db::accounts::user_by_username(&tx, &username).await?.is_some() {
        errors.insert("username".into(), "该用户名已被使用".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (role, scope) = (role.expect("checked"), scope.expect("checked"));
    admin_check(&tx, ctx, Some(scope), 0).await?;
    let new = NewUser {
        username: username.clone(),
        display_name: display_name.clone(),
        phone_sealed: (!phone.is_empty()).then(|| deps.cipher.seal(&phone)),
        email_sealed: (!email.is_empty()).then(|| deps.cipher.seal(&email)),
        password_hash: hash_password(&form.password)?,
        role,
        scope,
        must_change_password: true,
        now: ctx.now,
    };
    let u =
        db::accounts::insert_user(&tx, new).await.map_err(ServiceError::unique_or(&["uq_users_username"], || {
            ServiceError::field("username", "该用户名已被使用")
        }))?;
    record(
        &tx,
        ctx,
        AuditAction::UserCreate,
        "user",
        u.id,
        SUCCESS,
        json!({"username": username, "role": role.as_str(), "scope": scope}),
    )
    .await?;
    let v = view(&tx, deps, &u, ctx.now).await?;
    tx.commit().await?;
    Ok(v)
}

/// Changes an account's name, role, scope, phone and active flag; a non-empty password
/// resets it (the user must change it at next login). Also unlocks a locked account.
pub async fn update_account(deps: &Deps, ctx: &Ctx, id: i64, form: AccountForm) -> Result<AccountView, ServiceError> {
    let actor = ctx.actor()?.clone();
    let tx = deps.db.begin().await?;
    let u = db::accounts::user(&tx, id).await?.ok_or(ServiceError::NotFound("账号"))?;
    admin_check(&tx, ctx, scope_of(&u), id).await?;
    let mut errors = FieldErrors::new();
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        errors.insert("display_name".into(), "请填写姓名（不超过50字）".into());
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.insert("role".into(), "请选择角色".into());
    }
    let scope = role.and_then(|r| parse_scope(r, form.scope_id, &mut errors));
    if let Some(s) = scope
        && !check_scope_exists(&tx, s).await?
    {
        errors.insert("scope_id".into(), "所选的管辖或所属对象不存在".into());
    }
    let active = matches!(form.active.as_deref(), Some("on" | "true" | "1"));
    if id == actor.user_id && (role != Some(actor.role) || !active) {
        errors.insert("role".into(), "不能修改或停用自己的管理员账号".into());
    }
    if !form.password.is_empty()
        && let Err(e) = password::check(&u.username, &form.password)
    {
        errors.insert("password".into(), e.message().into());
    }
    let phone = form.phone.trim().to_string();
    if !phone.is_empty() && !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        errors.insert("phone".into(), "手机号码只能包含数字".into());
    }
    let email = form.email.trim().to_string();
    if !email.is_empty()
        && (email.len() > 200 || email.matches('@').count() != 1 || email.contains(char::is_whitespace))
    {
        errors.insert("email".into(), "电子邮箱格式不正确".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (role, scope) = (role.expect("checked"), scope.expect("checked"));
    admin_check(&tx, ctx, Some(scope), id).await?;
    let before = json!({"role": u.role, "scope": scope_of(&u), "active": u.active, "display_name": u.display_name});
    let reset = !form.password.is_empty();
    let change = UserChange {
        display_name,
        role,
        scope,
        active,
        phone_sealed: (!phone.is_empty()).then(|| deps.cipher.seal(&phone)),
        email_sealed: (!email.is_empty()).then(|| deps.cipher.seal(&email)),
        reset_password_hash: if reset { Some(hash_password(&form.password)?) } else { None },
        now: ctx.now,
    };
    let u = db::accounts::update_user(&tx, u.id, change).await?;
    let after = json!({"role": u.role, "scope": scope, "active": u.active, "display_name": u.display_name, "password_reset": reset});
    record(&tx, ctx, AuditAction::UserUpdate, "user", id, SUCCESS, json!({"before": before, "after": after})).await?;
    let v = view(&tx, deps, &u, ctx.now).await?;
    tx.commit().await?;
    Ok(v)
}

/// Creates an account from the command line (`propwatch user create`), e.g. the first
/// administrator. The password must satisfy the policy; it must be changed at first login.
pub async fn create_account_cli(
    deps: &Deps,
    username: &str,
    display_name: &str,
    role: Role,
    scope: Scope,
    password: &str,
    must_change: bool,
) -> Result<i64, ServiceError> {
    if !valid_username(username) {
        return Err(ServiceError::field("username", "用户名为3-32位字母、数字、下划线、点或连字符"));
    }
    password::check(username, password).map_err(|e| ServiceError::field("password", e.message()))?;
    let ctx = Ctx::system(deps.clock.now(), "user create");
    let tx = deps.db.begin().await?;
    if !check_scope_exists(&tx, scope).await? {
        return Err(ServiceError::field("scope_id", "所选的管辖或所属对象不存在"));
    }
    let new = NewUser {
        username: username.into(),
        display_name: display_name.into(),
        phone_sealed: None,
        email_sealed: None,
        password_hash: hash_password(password)?,
        role,
        scope,
        must_change_password: must_change,
        now: ctx.now,
    };
    let u =
        db::accounts::insert_user(&tx, new).await.map_err(ServiceError::unique_or(&["uq_users_username"], || {
            ServiceError::field("username", "该用户名已被使用")
        }))?;
    record(
        &tx,
        &ctx,
        AuditAction::UserCreate,
        "user",
        u.id,
        SUCCESS,
        json!({"username": username, "role": role.as_str(), "scope": scope}),
    )
    .await?;
    tx.commit().await?;
    Ok(u.id)
}
