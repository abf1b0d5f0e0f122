//! The one error type at the service boundary, with stable codes and the Chinese messages
//! people read (one table, here).

use chrono::{DateTime, Utc};

use super::rule_code::RuleCode;
use crate::domain::authz::Denied;
use crate::domain::registry::FieldErrors;

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("forbidden: {0:?}")]
    Forbidden(Denied),
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account locked until {0}")]
    Locked(DateTime<Utc>),
    #[error("account disabled")]
    AccountDisabled,
    #[error("password change required")]
    PasswordChangeRequired,
    /// A business rule refuses the request (422).
    #[error("rule: {0:?}")]
    Rule(RuleCode),
    /// Another request got there first (409).
    #[error("conflict: {0:?}")]
    Conflict(RuleCode),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        // A text longer than its column (PostgreSQL enforces VARCHAR lengths, SQLite does not)
        // is the submitter's to shorten, not an internal error: forms check their own fields'
        // lengths with a message naming the field, and this catches whatever one forgot.
        if sqlstate(&e).as_deref() == Some("22001") {
            return ServiceError::from(RuleCode::TooLong);
        }
        ServiceError::Internal(e.into())
    }
}

/// The SQLSTATE of a database's refusal, if the error is one.
fn sqlstate(e: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::{DbErr, RuntimeErr};
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(x)) | DbErr::Query(RuntimeErr::SqlxError(x)) => {
            x.as_database_error().and_then(|d| d.code()).map(|c| c.into_owned())
        }
        _ => None,
    }
}

impl From<RuleCode> for ServiceError {
    /// A conflict (another request got there first) answers 409, any other refusal 422.
    fn from(r: RuleCode) -> Self {
        if r.is_conflict() { ServiceError::Conflict(r) } else { ServiceError::Rule(r) }
    }
}

impl From<Denied> for ServiceError {
    fn from(d: Denied) -> Self {
        ServiceError::Forbidden(d)
    }
}

impl ServiceError {
    /// For `map_err` on an insert or update: a violation of one of the named unique indexes
    /// (another request got there first) becomes `refusal`; any other database error stays one.
    pub fn unique_or(
        indexes: &'static [&'static str],
        refusal: impl FnOnce() -> ServiceError,
    ) -> impl FnOnce(sea_orm::DbErr) -> ServiceError {
        move |e| if indexes.iter().any(|i| crate::db::violates(&e, i)) { refusal() } else { e.into() }
    }

    /// One invalid field.
    pub fn field(field: &str, message: impl Into<String>) -> ServiceError {
        let mut f = FieldErrors::new();
        f.insert(field.into(), message.into());
        ServiceError::Invalid(f)
    }

    /// The stable snake_case code used by the API.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::Invalid(_) => "invalid_input",
            ServiceError::InvalidCredentials => "invalid_credentials",
            ServiceError::Locked(_) => "account_locked",
            ServiceError::AccountDisabled => "account_disabled",
            ServiceError::PasswordChangeRequired => "password_change_required",
            ServiceError::Rule(r) => r.code(),
            ServiceError::Conflict(_) => "conflict",
            ServiceError::Internal(_) => "internal",
        }
    }

    /// The Chinese message shown to people (never internal details).
    pub fn message(&self) -> String {
        match self {
            ServiceError::NotFound(what) => format!("{what}不存在或已被删除"),
            ServiceError::Forbidden(Denied::Role) => "您的角色无权进行此操作".into(),
            ServiceError::Forbidden(Denied::OutOfScope) => "该对象不在您的管辖或授权范围内".into(),
            ServiceError::Unauthenticated => "请先登录".into(),
            ServiceError::Invalid(_) => "提交的内容有误，请按提示修改".into(),
            ServiceError::InvalidCredentials => "用户名或密码错误".into(),
            ServiceError::Locked(until) => {
                format!("登录失败次数过多，账号已锁定至 {}", crate::clock::display(*until))
            }
            ServiceError::AccountDisabled => "账号已停用，请联系系统管理员".into(),
            ServiceError::PasswordChangeRequired => "首次登录须先修改密码".into(),
            ServiceError::Rule(r) | ServiceError::Conflict(r) => r.message(),
            ServiceError::Internal(_) => "系统内部错误，请稍后重试；如持续出现请联系管理员".into(),
        }
    }
}
