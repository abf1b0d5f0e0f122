//! The owners' voting pages (`/vote`, public, phone-first): sign in with the unit's code and the
//! second factor, the ballot with one choice per matter, the receipt; during the objection period
//! the attributed ballots and the objection form. Refusals (a wrong code, outside the voting
//! period, already voted) are shown on the form in Chinese with a 4xx status.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Chrome, Fields, PageForm, step_errors};
use crate::domain::decision::Choice;
use crate::domain::registry::FieldErrors;
use crate::service::ServiceError;
use crate::service::decisions::{self, Receipt, VoterLogin, VoterView};
use crate::web::AppState;
use crate::web::auth::Visitor;
use crate::web::error::PageError;

#[derive(Template, WebTemplate)]
#[template(path = "vote/login.html")]
struct LoginPage {
    c: Chrome,
    code: String,
    errors: FieldErrors,
}

async fn login_page(v: &Visitor, code: String, errors: FieldErrors) -> LoginPage {
    LoginPage { c: Chrome::new(&v.session, v.user.as_ref(), "业主表决").await, code, errors }
}

/// GET /vote: the sign-in form.
pub async fn login_form(v: Visitor) -> Result<Response, PageError> {
    Ok(login_page(&v, String::new(), FieldErrors::new()).await.into_response())
}

fn login_of(f: &Fields) -> VoterLogin {
    VoterLogin { code: f.text("code"), factor: f.text("factor") }
}

/// A refusal as the messages of a form.
fn messages(e: ServiceError) -> FieldErrors {
    match e {
        ServiceError::Invalid(f) => f,
        other => step_errors(&other),
    }
}

fn refusal(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Invalid(_) | ServiceError::Rule(_) | ServiceError::Conflict(_))
}

#[derive(Template, WebTemplate)]
#[template(path = "vote/ballot.html")]
struct BallotPage {
    c: Chrome,
    v: VoterView,
    login: VoterLogin,
    choices: Vec<(&'static str, &'static str)>,
    /// What was chosen, kept across a refused ballot: `choice_{matter_id}` → value.
    chosen: HashMap<String, String>,
    errors: FieldErrors,
    /// A step done (an objection recorded).
    done: String,
    objection: String,
}

impl BallotPage {
    fn chose(&self, matter_id: &i64, value: &str) -> bool {
        self.chosen.get(&format!("choice_{matter_id}")).is_some_and(|v| v == value)
    }
}

/// What the ballot page shows besides the vote: what was typed, a refusal or a step done.
struct Shown {
    status: StatusCode,
    chosen: HashMap<String, String>,
    errors: FieldErrors,
    done: String,
    objection: String,
}

impl Shown {
    fn ok() -> Shown {
        Shown {
            status: StatusCode::OK,
            chosen: HashMap::new(),
            errors: FieldErrors::new(),
            done: String::new(),
            objection: String::new(),
        }
    }

    fn refused(e: ServiceError) -> Shown {
        Shown { status: crate::web::error::status(&e), errors: messages(e), ..Shown::ok() }
    }
}

/// The ballot page of a signed-in owner, or the sign-in form with the refusal.
async fn ballot_or_login(v: &Visitor, s: &AppState, login: VoterLogin, shown: Shown) -> Result<Response, PageError> {
    let Shown { status, chosen, errors, done, objection } = shown;
    match decisions::voter_view(&s.deps, &v.ctx, &login).await {
        Ok(view) => Ok((
            status,
            BallotPage {
                c: Chrome::new(&v.session, v.user.as_ref(), &view.title).await,
                v: view,
                login,
                choices: Choice::ALL.iter().map(|c| (c.as_str(), c.label())).collect(),
                chosen,
                errors,
                done,
                objection,
            },
        )
            .into_response()),
        Err(e) if refusal(&e) => {
            let status = crate::web::error::status(&e);
            Ok((status, login_page(v, login.code, messages(e)).await).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /vote (code, factor): the owner's page.
pub async fn sign_in(
    v: Visitor,
    State(s): State<AppState>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, PageError> {
    let login = login_of(&f);
    ballot_or_login(&v, &s, login, Shown::ok()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "vote/receipt.html")]
struct ReceiptPage {
    c: Chrome,
    r: Receipt,
    title: String,
    community: String,
}

/// POST /vote/cast (code, factor, `choice_{matter_id}`): a ballot, final once cast.
pub async fn cast(v: Visitor, State(s): State<AppState>, PageForm(f): PageForm<Fields>) -> Result<Response, PageError> {
    let login = login_of(&f);
    let chosen: HashMap<String, String> =
        f.0.iter()
            .filter(|(k, _)| k.starts_with("choice_"))
            .map(|(k, val)| (k.clone(), val.trim().to_string()))
            .collect();
    let choices: HashMap<i64, String> =
        chosen.iter().filter_map(|(k, val)| Some((k.strip_prefix("choice_")?.parse().ok()?, val.clone()))).collect();
    match decisions::cast(&s.deps, &v.ctx, &login, &choices).await {
        Ok(r) => {
            let (title, community) = match decisions::voter_view(&s.deps, &v.ctx, &login).await {
                Ok(view) => (view.title, view.community),
                Err(_) => (String::new(), String::new()),
            };
            Ok(ReceiptPage { c: Chrome::new(&v.session, v.user.as_ref(), "表决成功").await, r, title, community }
                .into_response())
        }
        Err(e) if refusal(&e) => ballot_or_login(&v, &s, login, Shown { chosen, ..Shown::refused(e) }).await,
        Err(e) => Err(e.into()),
    }
}

/// POST /vote/objections (code, factor, text): an objection to the preliminary result.
pub async fn object(
    v: Visitor,
    State(s): State<AppState>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, PageError> {
    let login = login_of(&f);
    let text = f.raw("text");
    match decisions::object(&s.deps, &v.ctx, &login, &text).await {
        Ok(_) => {
            let done = "异议已提交，召集人将逐件答复，答复结果在表决页面公示。".to_string();
            ballot_or_login(&v, &s, login, Shown { done, ..Shown::ok() }).await
        }
        Err(e) if refusal(&e) => ballot_or_login(&v, &s, login, Shown { objection: text, ..Shown::refused(e) }).await,
        Err(e) => Err(e.into()),
    }
}
