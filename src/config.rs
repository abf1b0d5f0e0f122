//! Configuration: defaults, then an optional TOML file (`PROPWATCH_CONFIG`, or
//! `propwatch.toml` in the working directory), then `PROPWATCH_*` environment variables.

use std::path::PathBuf;

use serde::Deserialize;

/// Everything the platform reads from its environment.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://data/propwatch.db` (default) or `postgres://…`.
    pub database_url: String,
    /// Address to listen on.
    pub listen: String,
    /// Where the SQLite database, keys and uploaded files live.
    pub data_dir: PathBuf,
    /// The public base URL; cookies are marked Secure when it starts with https.
    pub public_url: String,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after login after which a session ends whatever the activity.
    pub session_absolute_hours: i64,
    /// Failed logins in a row that lock an account.
    pub lockout_threshold: i32,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// Hours an API bearer token stays valid.
    pub api_token_hours: i64,
    /// Hex SM4 key for personal data at rest; generated into the data directory when absent.
    pub personal_data_key: Option<String>,
    /// Public submissions (complaints, logins, tokens, Open311 posts) allowed per client
    /// address and minute; 0 turns the limit off.
    pub public_rate_per_minute: u32,
    /// The office published on posters and pages (the seed's 物业管理中心).
    pub office_name: String,
    /// Complaint hotline(s) published on posters.
    pub hotline: String,
    /// Complaint mailbox published on posters.
    pub mailbox: String,
    /// Where replies and notifications are sent through: `smtp://host:25` (plain),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    /// Unset: no mail is sent.
    pub smtp_url: Option<String>,
    /// The From address of outgoing mail; defaults to `mailbox`.
    pub smtp_from: Option<String>,
    /// The complaint mailbox to poll: `imaps://user:pass@host:993/INBOX` (TLS) or
    /// `imap://user:pass@host:143/INBOX` (plain, for a server on the same host). Unset: no polling.
    pub imap_url: Option<String>,
    /// Seconds between two polls of the mailbox.
    pub imap_poll_seconds: u64,
    /// Read-only SQLite connections for page views and exports beside the one writer (0: read
    /// through the writer). Ignored on PostgreSQL.
    pub sqlite_readers: u32,
    /// Rectification notice numbers: `{year}` and `{seq}` are replaced (sequential per year and
    /// issuing jurisdiction).
    pub notice_number_pattern: String,
    /// Numbers of the letters a service-grade re-assessment sends (`{year}`, `{seq}`).
    pub reassessment_number_pattern: String,
    /// Numbers of transfer letters (移送函).
    pub referral_number_pattern: String,
    /// Working days a department has to report its handling of a referral.
    pub referral_feedback_working_days: u32,
    /// Days past a disclosure's or a public-revenue statement's due date before the system
    /// proposes a problem (A2.1/A2.2, B2).
    pub disclosure_grace_days: u32,
    /// Days after a quarter's end by which its public-revenue statement is due.
    pub statement_due_days: u32,
    /// The satisfaction rate (percent of answers rating the overall service 满意 or better)
    /// below which a community's result proposes an A1.5 problem.
    pub satisfaction_standard_pct: u32,
    /// Working days before a deadline on which the company and the responsible person are
    /// reminded (and on the day itself), comma-separated.
    pub reminder_working_days: String,
    /// Working days after issue after which a notice not signed for is flagged and escalation
    /// proposed.
    pub notice_sign_working_days: u32,
    /// Seconds between two ticks of the deadline scanner.
    pub scanner_interval_seconds: u64,
    /// Text messages for notifications: `log` (written to the log, the default), `http` (POSTed
    /// as JSON `{"phone","text"}` to `sms_http_url`, the generic gateway provider) or `none`.
    pub sms_provider: String,
    /// The SMS gateway URL for `sms_provider = "http"` (http:// or https://).
    pub sms_http_url: Option<String>,
    /// Bearer token sent to the SMS gateway, if it needs one.
    pub sms_http_token: Option<String>,
    /// Days between publishing the notice of an owners' vote and the start of voting (the
    /// county's rule; 15 by default).
    pub decision_notice_days: u32,
    /// The same for an interim meeting (临时会议; 7 by default).
    pub decision_interim_notice_days: u32,
    /// The shortest and longest voting period, in days, both ends counted.
    pub decision_min_voting_days: u32,
    pub decision_max_voting_days: u32,
    /// Days after the count during which owners may object to the preliminary result.
    pub decision_objection_days: u32,
    /// Calendar days after a contract's end by which the leaving company hands over (北京 30,
    /// 杭州 15; counted as the law counts periods).
    pub handover_days: u32,
    /// The county's items added to the handover checklist, `;`-separated (empty: none).
    pub handover_extra_items: String,
    /// Numbers of handover records (移交清单): `{year}`, `{seq}`.
    pub handover_number_pattern: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "sqlite://data/propwatch.db".into(),
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            public_url: "http://127.0.0.1:8080".into(),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            lockout_threshold: 5,
            lockout_minutes: 15,
            api_token_hours: 8,
            personal_data_key: None,
            public_rate_per_minute: 30,
            office_name: "阳城县住房和城乡建设管理局物业管理中心".into(),
            hotline: "3200940 3200943".into(),
            mailbox: "wyzx20212021@163.com".into(),
            smtp_url: None,
            smtp_from: None,
            imap_url: None,
            imap_poll_seconds: 60,
            sqlite_readers: 4,
            notice_number_pattern: "阳住建物整〔{year}〕{seq}号".into(),
            reassessment_number_pattern: "阳住建物核〔{year}〕{seq}号".into(),
            referral_number_pattern: "阳住建物移〔{year}〕{seq}号".into(),
            referral_feedback_working_days: 15,
            disclosure_grace_days: 7,
            statement_due_days: 15,
            satisfaction_standard_pct: 80,
            reminder_working_days: "3,1".into(),
            notice_sign_working_days: 3,
            scanner_interval_seconds: 300,
            sms_provider: "log".into(),
            sms_http_url: None,
            sms_http_token: None,
            decision_notice_days: 15,
            decision_interim_notice_days: 7,
            decision_min_voting_days: 5,
            decision_max_voting_days: 60,
            decision_objection_days: 7,
            handover_days: 30,
            handover_extra_items: String::new(),
            handover_number_pattern: "阳住建物交〔{year}〕{seq}号".into(),
        }
    }
}

impl Settings {
    /// Loads defaults, the optional TOML file, then environment variables.
    pub fn load() -> anyhow::Result<Settings> {
        let d = Settings::default();
        let file = std::env::var("PROPWATCH_CONFIG").unwrap_or_else(|_| "propwatch.toml".into());
        let builder = config::Config::builder()
            .set_default("database_url", d.database_url)?
            .set_default("listen", d.listen)?
            .set_default("data_dir", d.data_dir.to_string_lossy().to_string())?
            .set_default("public_url", d.public_url)?
            .set_default("session_idle_minutes", d.session_idle_minutes)?
            .set_default("session_absolute_hours", d.session_absolute_hours)?
            .set_default("lockout_threshold", d.lockout_threshold)?
            .set_default("lockout_minutes", d.lockout_minutes)?
            .set_default("api_token_hours", d.api_token_hours)?
            .set_default("public_rate_per_minute", d.public_rate_per_minute)?
            .set_default("office_name", d.office_name)?
            .set_default("hotline", d.hotline)?
            .set_default("mailbox", d.mailbox)?
            .set_default("imap_poll_seconds", d.imap_poll_seconds)?
            .set_default("sqlite_readers", d.sqlite_readers)?
            .set_default("notice_number_pattern", d.notice_number_pattern)?
            .set_default("reassessment_number_pattern", d.reassessment_number_pattern)?
            .set_default("referral_number_pattern", d.referral_number_pattern)?
            .set_default("referral_feedback_working_days", d.referral_feedback_working_days)?
            .set_default("disclosure_grace_days", d.disclosure_grace_days)?
            .set_default("statement_due_days", d.statement_due_days)?
            .set_default("satisfaction_standard_pct", d.satisfaction_standard_pct)?
            .set_default("reminder_working_days", d.reminder_working_days)?
            .set_default("notice_sign_working_days", d.notice_sign_working_days)?
            .set_default("scanner_interval_seconds", d.scanner_interval_seconds)?
            .set_default("sms_provider", d.sms_provider)?
            .set_default("decision_notice_days", d.decision_notice_days)?
            .set_default("decision_interim_notice_days", d.decision_interim_notice_days)?
            .set_default("decision_min_voting_days", d.decision_min_voting_days)?
            .set_default("decision_max_voting_days", d.decision_max_voting_days)?
            .set_default("decision_objection_days", d.decision_objection_days)?
            .set_default("handover_days", d.handover_days)?
            .set_default("handover_extra_items", d.handover_extra_items)?
            .set_default("handover_number_pattern", d.handover_number_pattern)?
            .add_source(config::File::with_name(&file).required(false))
            .add_source(config::Environment::with_prefix("PROPWATCH").try_parsing(true));
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        // Without an explicit public URL, links point at the listening address.
        if std::env::var("PROPWATCH_PUBLIC_URL").is_err() && settings.public_url == Settings::default().public_url {
            settings.public_url = format!("http://{}", settings.listen);
        }
        // When only the data directory is set, the default SQLite file follows it.
        if std::env::var("PROPWATCH_DATABASE_URL").is_err() && settings.database_url == Settings::default().database_url
        {
            settings.database_url = format!("sqlite://{}/propwatch.db", settings.data_dir.display());
        }
        Ok(settings)
    }

    /// Whether session cookies must carry the Secure attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The reminder offsets in working days, largest first (invalid entries are ignored).
    pub fn reminder_days(&self) -> Vec<u32> {
        let mut v: Vec<u32> =
            self.reminder_working_days.split([',', ' ', '，']).filter_map(|s| s.trim().parse().ok()).collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.dedup();
        v
    }

    /// Whether the database is SQLite.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}
