//! Use cases shared by the HTML pages and the JSON API. Each public function authorizes the
//! actor, applies the domain rule, and writes the new state and its audit entry in one
//! transaction. A service never builds an HTTP response.

pub mod accounts;
pub mod audit;
pub mod ballot_box;
pub mod blobs;
pub mod campaigns;
pub mod cases;
pub mod catalog;
pub mod changes;
pub mod checks;
pub mod communities;
pub mod companies;
pub mod complaints;
pub mod decisions;
pub mod demo;
pub mod departments;
pub mod disclosures;
pub mod dismissals;
pub mod documents;
pub mod error;
pub mod escalations;
pub mod exits;
pub mod holidays;
pub mod imap;
pub mod inspections;
pub mod intake;
pub mod jurisdictions;
pub mod litigation;
pub mod mail;
pub mod notices;
pub mod notifications;
pub mod open311;
pub mod outbox;
pub mod photos;
pub mod public;
pub mod reassessments;
pub mod referrals;
pub mod registry;
pub mod registry_xlsx;
pub mod revenue;
pub mod roster;
pub mod rule_code;
pub mod scope;
pub mod sms;
pub mod surveys;
pub mod timeline;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

pub use error::ServiceError;

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::crypto::PersonalDataCipher;
use crate::domain::authz::Actor;

/// What every use case needs: the database, the clock, configuration and the cipher.
#[derive(Clone, Debug)]
pub struct Deps {
    pub db: DatabaseConnection,
    /// Reads only (see `db::connect_reader`); the same pool as `db` on PostgreSQL.
    pub read: DatabaseConnection,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    pub cipher: PersonalDataCipher,
    /// The group-commit writer of new clues.
    pub intake: intake::Intake,
    /// The group-commit writer of electronic ballots.
    pub ballots: ballot_box::BallotBox,
}

/// Who is asking and from where: the subject of authorization and of the audit entry.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The signed-in actor; `None` for the public and for login attempts.
    pub actor: Option<Actor>,
    /// The actor's display name (or the attempted username), as written to the audit trail.
    pub actor_name: String,
    pub request_id: String,
    pub client_addr: String,
    pub now: DateTime<Utc>,
}

impl Ctx {
    /// A context for command-line operations (no web request).
    pub fn system(now: DateTime<Utc>, what: &str) -> Ctx {
        Ctx {
            actor: None,
            actor_name: format!("系统({what})"),
            request_id: format!("cli-{}", uuid::Uuid::now_v7()),
            client_addr: "local".into(),
            now,
        }
    }

    /// The actor, or `Unauthenticated`.
    pub fn actor(&self) -> Result<&Actor, ServiceError> {
        self.actor.as_ref().ok_or(ServiceError::Unauthenticated)
    }
}

/// A page of results and the total number of matches.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    /// Number of pages (at least one).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
}
