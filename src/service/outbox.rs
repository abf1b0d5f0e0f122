//! Delivering the outbox: messages queued in the transaction of whatever caused them are sent
//! here, after the commit, with retries. A message is claimed with a lease so several server
//! processes can share one outbox; success and giving up are audited (without the recipient).

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::TransactionTrait;
use serde_json::json;

use super::audit::{FAILURE, SUCCESS, record};
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::domain::audit_action::AuditAction;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 8;
/// Messages sent per round.
const BATCH: u64 = 50;
/// How long a sender holds a claimed message.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// An SMTP connection pool and the From address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// The mailer configured by `smtp_url`, if any.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = settings.smtp_url.as_deref() else { return Ok(None) };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("smtp_url 无效：{e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let address = settings.smtp_from.clone().unwrap_or_else(|| settings.mailbox.clone());
        let from: Mailbox = if address.contains('<') {
            address.parse()
        } else {
            format!("{} <{}>", settings.office_name, address.trim()).parse()
        }
        .map_err(|e| anyhow::anyhow!("发件地址 {address} 无效：{e}"))?;
        Ok(Some(Mailer { transport, from }))
    }

    async fn send(&self, to: &str, m: &crate::db::entities::outbox::Model) -> anyhow::Result<()> {
        let to: Mailbox = to.parse().map_err(|e| anyhow::anyhow!("收件地址无效：{e}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .header(AutoSubmitted);
        if let Some(id) = &m.in_reply_to {
            builder = builder.in_reply_to(id.clone()).references(id.clone());
        }
        let message = builder.body(m.body.clone())?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// `Auto-Submitted: auto-replied` (RFC 3834): mail systems must not answer our replies.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-replied".into())
    }
}

/// The bare address of `Name <a@b>` or `a@b`.
pub fn address_of(s: &str) -> &str {
    match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].trim(),
        _ => s.trim(),
    }
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time, to be retried.
    pub retrying: usize,
    /// Given up after the last attempt.
    pub failed: usize,
}

/// When a message that failed `attempts` times is tried again: 1, 2, 4 … minutes, at most 6 hours.
pub fn retry_at(now: DateTime<Utc>, attempts: i32) -> Option<DateTime<Utc>> {
    (attempts < MAX_ATTEMPTS).then(|| now + chrono::Duration::minutes((1i64 << attempts.clamp(0, 20)).min(360)))
}

/// The channels messages can go out through, as configured.
#[derive(Clone, Debug, Default)]
pub struct Channels {
    pub mailer: Option<Mailer>,
    pub sms: Option<std::sync::Arc<dyn super::sms::SmsSender>>,
}

impl Channels {
    /// The channels `smtp_url` and `sms_provider` configure.
    pub fn from_settings(s: &crate::config::Settings) -> anyhow::Result<Channels> {
        Ok(Channels { mailer: Mailer::from_settings(s)?, sms: super::sms::from_settings(s)? })
    }

    /// Email only.
    pub fn email(mailer: Mailer) -> Channels {
        Channels { mailer: Some(mailer), sms: None }
    }

    fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.mailer.is_some() {
            v.push("email");
        }
        if self.sms.is_some() {
            v.push("sms");
        }
        v
    }

    /// Whether any channel is configured.
    pub fn any(&self) -> bool {
        !self.names().is_empty()
    }
}

/// Notification kinds worth a text message.
const SMS_KINDS: [&str; 7] = [
    "notice_issued",
    "deadline_reminder",
    "case_overdue",
    "reinspection_result",
    "extension_decided",
    "notice_unsigned",
    "escalated",
];

/// Notifications older than this when first dispatched are not texted any more (e.g. when SMS
/// is switched on after a while): stale news by text helps no one.
const SMS_FRESH: chrono::Duration = chrono::Duration::hours(24);

/// Copies new notifications to the outbox as text messages and emails to the accounts they
/// concern (those with a phone number or an address, for the channels configured), and marks
/// them dispatched, in one transaction per batch. Returns how
/// many messages were queued.
pub async fn dispatch_notifications(deps: &Deps, channels: &Channels) -> Result<usize, ServiceError> {
    if !channels.any() {
        return Ok(0);
    }
    let mut queued = 0;
    loop {
        let now = deps.clock.now();
        let tx = deps.db.begin().await?;
        let batch = db::mail::undispatched_notifications(&tx, 500).await?;
        if batch.is_empty() {
            tx.commit().await?;
            return Ok(queued);
        }
        let mut rows = Vec::new();
        for n in &batch {
            if !SMS_KINDS.contains(&n.kind.as_str()) || now - n.created_at > SMS_FRESH {
                continue;
            }
            let text: String =
                format!("【{}】{}。{}", deps.settings.office_name, n.title, n.body).chars().take(300).collect();
            let link = match (n.notice_id, n.case_id) {
                (Some(id), _) => format!("{}/notices/{id}", deps.settings.public_url.trim_end_matches('/')),
                (None, Some(id)) => format!("{}/cases/{id}", deps.settings.public_url.trim_end_matches('/')),
                _ => format!("{}/notifications", deps.settings.public_url.trim_end_matches('/')),
            };
            let mail_body = format!(
                "{}\n\n{}\n\n查看：{link}\n\n{}（本邮件由物业服务监管平台自动发送）\n",
                n.title, n.body, deps.settings.office_name
            );
            for u in db::mail::recipients_of(&tx, n.user_id, n.company_id).await? {
                let mut targets = Vec::new();
                if channels.sms.is_some()
                    && let Some(phone) = u.phone_sealed.clone()
                {
                    targets.push(("sms", phone, String::new(), text.clone()));
                }
                if channels.mailer.is_some()
                    && let Some(email) = u.email_sealed.clone()
                {
                    targets.push(("email", email, n.title.chars().take(200).collect(), mail_body.clone()));
                }
                for (channel, to, subject, body) in targets {
                    rows.push(db::mail::NewMessage {
                        dedupe_key: format!(
                            "{channel}:{}:{}",
                            n.dedupe_key.chars().take(150).collect::<String>(),
                            u.id
                        ),
                        channel,
                        kind: n.kind.clone(),
                        recipient_sealed: to,
                        subject,
                        body,
                        in_reply_to: None,
                        complaint_id: None,
                        at: now,
                    });
                }
            }
        }
        queued += rows.len();
        db::mail::enqueue(&tx, rows).await?;
        db::mail::mark_dispatched(&tx, batch.iter().map(|n| n.id).collect(), now).await?;
        tx.commit().await?;
    }
}

/// Sends every due message once (until none is left that is due), through the configured
/// channels; messages for a channel that is not configured wait.
pub async fn deliver_due(deps: &Deps, channels: &Channels) -> Result<Delivery, ServiceError> {
    let mut report = Delivery::default();
    let names = channels.names();
    if names.is_empty() {
        return Ok(report);
    }
    loop {
        let now = deps.clock.now();
        let claimed = db::mail::claim_due(&deps.db, &names, now, now + LEASE, BATCH).await?;
        if claimed.is_empty() {
            return Ok(report);
        }
        for m in claimed {
            let outcome = match deps.cipher.open(&m.recipient_sealed) {
                Ok(to) => match (m.channel.as_str(), &channels.mailer, &channels.sms) {
                    ("email", Some(mailer), _) => mailer.send(&to, &m).await,
                    ("sms", _, Some(sms)) => sms.send(&to, &m.body).await,
                    (other, _, _) => Err(anyhow::anyhow!("未配置发送渠道 {other}")),
                },
                Err(e) => Err(anyhow::anyhow!("无法解密收件地址：{e}")),
            };
            let now = deps.clock.now();
            let ctx = Ctx { actor_name: "发信服务".into(), ..Ctx::system(now, "outbox") };
            let tx = deps.db.begin().await?;
            match outcome {
                Ok(()) => {
                    db::mail::mark_sent(&tx, m.id, now).await?;
                    let summary = json!({"kind": m.kind, "complaint_id": m.complaint_id, "attempt": m.attempts + 1});
                    record(&tx, &ctx, AuditAction::OutboxSent, "outbox", m.id, SUCCESS, summary).await?;
                    report.sent += 1;
                }
                Err(e) => {
                    let error = e.to_string();
                    tracing::warn!(id = m.id, error = %error, "outbox: sending failed");
                    let retry = retry_at(now, m.attempts + 1);
                    db::mail::mark_attempt_failed(&tx, m.id, now, &error, retry).await?;
                    if retry.is_some() {
                        report.retrying += 1;
                    } else {
                        let summary = json!({"kind": m.kind, "complaint_id": m.complaint_id, "error": error});
                        record(&tx, &ctx, AuditAction::OutboxFailed, "outbox", m.id, FAILURE, summary).await?;
                        report.failed += 1;
                    }
                }
            }
            tx.commit().await?;
        }
    }
}

/// Dispatches notifications and delivers the outbox every few seconds, for as long as the
/// server runs.
pub async fn run(deps: Deps, channels: Channels) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = dispatch_notifications(&deps, &channels).await {
            tracing::warn!(error = %e, "dispatching notifications failed");
        }
        match deliver_due(&deps, &channels).await {
            Ok(d) if d != Delivery::default() => tracing::info!(?d, "outbox delivered"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox round failed"),
        }
    }
}

/// The reply a sender gets with the tracking code (composed when the code is known).
#[derive(Debug, Clone)]
pub struct ReceiptMail {
    /// The Message-ID of the complaint, for threading.
    pub in_reply_to: Option<String>,
    /// The complaint's subject.
    pub subject: String,
    pub public_url: String,
    pub office: String,
    pub hotline: String,
}

impl ReceiptMail {
    /// The reply's subject and plain-text body.
    pub fn compose(&self, code: &str, acceptance_due: DateTime<Utc>) -> (String, String) {
        let subject = if self.subject.is_empty() {
            format!("您的投诉举报已登记（查询码 {code}）")
        } else {
            let s: String = self.subject.chars().take(120).collect();
            format!("Re: {s}（已登记，查询码 {code}）")
        };
        let body = format!(
            "您好：\n\n\
             您发送至{office}的投诉举报已收到并登记。\n\n\
             查询码：{code}\n\
             查询办理进度：{url}/track/{code}\n\n\
             我们将在{due}前告知是否受理；受理后60日内办结，办理情况可凭查询码随时查看。\n\
             如需补充情况或照片，请回复本邮件或再次来信，并在主题中注明查询码。\n\n\
             您的姓名和联系方式仅用于办理本件投诉，不会告知被投诉的物业服务企业。\n\n\
             {office}\n咨询电话：{hotline}\n（本邮件由系统自动发送）\n",
            office = self.office,
            url = self.public_url.trim_end_matches('/'),
            due = crate::clock::display_deadline_date(acceptance_due),
            hotline = self.hotline,
        );
        (subject, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_give_up() {
        let now = Utc::now();
        assert_eq!(retry_at(now, 1), Some(now + chrono::Duration::minutes(2)));
        assert_eq!(retry_at(now, 7), Some(now + chrono::Duration::minutes(128)));
        assert_eq!(retry_at(now, MAX_ATTEMPTS), None);
    }

    #[test]
    fn addresses_are_taken_out_of_display_names() {
        assert_eq!(address_of("阳城县物业管理中心 <wyzx@example.gov.cn>"), "wyzx@example.gov.cn");
        assert_eq!(address_of(" wyzx@example.gov.cn "), "wyzx@example.gov.cn");
    }
}
