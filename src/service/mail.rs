//! Complaints by email: a message sent to the published mailbox becomes a clue. Subjects in
//! encoded words and bodies in GBK/GB18030 (common from Chinese mail clients) are decoded by
//! mail-parser; HTML-only messages are turned into text; image attachments become the clue's
//! photos. The Message-ID makes ingestion idempotent: the same message never becomes two clues.
//!
//! When SMTP is configured, the sender is answered with the tracking code: the reply is queued
//! in the outbox in the same transaction as the clue (so it is neither lost nor sent for a clue
//! that was not saved) and delivered by [`super::outbox`]. Automatic messages (RFC 3834
//! `Auto-Submitted`, `Precedence: bulk/junk/list`, bounces, our own address) are not clues and
//! are never answered, so two auto-responders cannot loop.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};

use super::complaints::{ComplaintForm, Receipt, submit_email};
use super::outbox::ReceiptMail;
use super::{Ctx, Deps, ServiceError};

/// What ingesting one message did.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub receipt: Receipt,
    /// The sender, to reply to with the tracking code.
    pub reply_to: Option<String>,
    pub subject: String,
    /// Whether a reply with the tracking code was queued.
    pub reply_queued: bool,
}

/// Turns one raw RFC 5322 message into a clue.
pub async fn ingest(deps: &Deps, ctx: &Ctx, raw: &[u8]) -> Result<Ingested, ServiceError> {
    let msg = MessageParser::default().parse(raw).ok_or_else(|| ServiceError::field("message", "无法解析该邮件"))?;
    let (name, email) = msg
        .from()
        .and_then(|a| a.first())
        .map(|a| (a.name().unwrap_or("").trim().to_string(), a.address().unwrap_or("").trim().to_string()))
        .unwrap_or_default();
    if let Some(why) = automatic(&msg, &email, deps) {
        return Err(ServiceError::field("message", format!("自动发送的邮件（{why}），不作为投诉登记")));
    }
    let subject = msg.subject().unwrap_or("").trim().to_string();
    let body = msg.body_text(0).map(|b| b.trim().to_string()).unwrap_or_default();
    let mut description = match (subject.is_empty(), body.is_empty()) {
        (false, false) => format!("【邮件主题】{subject}\n{body}"),
        (false, true) => subject.clone(),
        (true, _) => body.clone(),
    };
    if description.chars().count() > super::complaints::MAX_DESCRIPTION {
        description = description.chars().take(super::complaints::MAX_DESCRIPTION - 1).collect::<String>() + "…";
    }
    let photos: Vec<Vec<u8>> = msg
        .attachments()
        .filter(|p| {
            p.content_type().is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("image"))
                || image::guess_format(p.contents()).is_ok()
        })
        .take(super::photos::MAX_PHOTOS)
        .map(|p| p.contents().to_vec())
        .collect();
    let message_id = msg.message_id().map(|id| id.trim().to_string()).filter(|id| !id.is_empty());
    let external_ref = message_id.clone().unwrap_or_else(|| format!("sm3:{}", crate::crypto::sm3_hex(raw)));
    let reply_to = Some(email.clone()).filter(|e| plausible_address(e));
    let receipt_mail = (deps.settings.smtp_url.is_some() && reply_to.is_some()).then(|| ReceiptMail {
        in_reply_to: message_id.as_ref().map(|id| format!("<{id}>")),
        subject: subject.clone(),
        public_url: deps.settings.public_url.clone(),
        office: deps.settings.office_name.clone(),
        hotline: deps.settings.hotline.clone(),
    });
    let reply_queued = receipt_mail.is_some();
    let form = ComplaintForm {
        description,
        name: name.chars().take(50).collect(),
        email: reply_to.clone().unwrap_or_default(),
        ..Default::default()
    };
    let receipt = submit_email(deps, ctx, form, external_ref, photos, receipt_mail).await?;
    Ok(Ingested { receipt, reply_to, subject, reply_queued })
}

/// Why a message was sent by a machine rather than a person, if it was.
fn automatic(msg: &mail_parser::Message<'_>, from: &str, deps: &Deps) -> Option<&'static str> {
    let header = |name: &str| match msg.header(name) {
        Some(HeaderValue::Text(t)) => t.trim().to_ascii_lowercase(),
        _ => String::new(),
    };
    let auto = header("Auto-Submitted");
    if !auto.is_empty() && auto != "no" {
        return Some("Auto-Submitted");
    }
    if matches!(header("Precedence").as_str(), "bulk" | "junk" | "list") {
        return Some("Precedence");
    }
    let from = from.to_ascii_lowercase();
    let local = from.split('@').next().unwrap_or("");
    if from.is_empty() || local == "mailer-daemon" || local == "postmaster" {
        return Some("退信");
    }
    let own = [Some(deps.settings.mailbox.as_str()), deps.settings.smtp_from.as_deref()];
    if own.iter().flatten().any(|o| crate::service::outbox::address_of(o).eq_ignore_ascii_case(&from)) {
        return Some("本机构自己的地址");
    }
    None
}

/// An address worth answering: one @, something on each side, a dot in the domain, no spaces.
fn plausible_address(a: &str) -> bool {
    let mut parts = a.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(l), Some(d), None) => {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !a.contains(char::is_whitespace)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_addresses_are_answered() {
        assert!(plausible_address("liming@example.com"));
        assert!(!plausible_address("liming@localhost"));
        assert!(!plausible_address("a@b@c.com"));
        assert!(!plausible_address("@example.com"));
        assert!(!plausible_address("li ming@example.com"));
    }

    #[test]
    fn the_receipt_names_the_code_the_link_and_the_deadline() {
        let r = ReceiptMail {
            in_reply_to: Some("<x@y>".into()),
            subject: "楼道垃圾".into(),
            public_url: "https://wy.example.gov.cn/".into(),
            office: "阳城县物业管理中心".into(),
            hotline: "3200940".into(),
        };
        let due = chrono::DateTime::parse_from_rfc3339("2024-06-18T10:00:00+08:00").unwrap().to_utc();
        let (subject, body) = r.compose("ABCD-EFGH-JKMN-P", due);
        assert_eq!(subject, "Re: 楼道垃圾（已登记，查询码 ABCD-EFGH-JKMN-P）");
        assert!(body.contains("https://wy.example.gov.cn/track/ABCD-EFGH-JKMN-P"), "{body}");
        assert!(body.contains("2024年6月18日"), "{body}");
    }
}
