//! Complaints by email: a message sent to the published mailbox becomes a clue. Subjects in
//! encoded words and bodies in GBK/GB18030 (common from Chinese mail clients) are decoded by
//! mail-parser; HTML-only messages are turned into text; image attachments become the clue's
//! photos. The Message-ID makes ingestion idempotent: the same message never becomes two clues.

use mail_parser::{MessageParser, MimeHeaders};

use super::complaints::{ComplaintForm, Receipt, submit_with_photos};
use super::{Ctx, Deps, ServiceError};
use crate::domain::complaint::Channel;

/// What ingesting one message did.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub receipt: Receipt,
    /// The sender, to reply to with the tracking code.
    pub reply_to: Option<String>,
    pub subject: String,
}

/// Turns one raw RFC 5322 message into a clue.
pub async fn ingest(deps: &Deps, ctx: &Ctx, raw: &[u8]) -> Result<Ingested, ServiceError> {
    let msg = MessageParser::default().parse(raw).ok_or_else(|| ServiceError::field("message", "无法解析该邮件"))?;
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
    let (name, email) = msg
        .from()
        .and_then(|a| a.first())
        .map(|a| (a.name().unwrap_or("").trim().to_string(), a.address().unwrap_or("").trim().to_string()))
        .unwrap_or_default();
    let photos: Vec<Vec<u8>> = msg
        .attachments()
        .filter(|p| {
            p.content_type().is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("image"))
                || image::guess_format(p.contents()).is_ok()
        })
        .take(super::photos::MAX_PHOTOS)
        .map(|p| p.contents().to_vec())
        .collect();
    let external_ref = msg
        .message_id()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| format!("sm3:{}", crate::crypto::sm3_hex(raw)));
    let form = ComplaintForm {
        description,
        name: name.chars().take(50).collect(),
        email: email.clone(),
        ..Default::default()
    };
    let receipt = submit_with_photos(deps, ctx, Channel::Email, form, Some(external_ref), photos).await?;
    Ok(Ingested { receipt, reply_to: Some(email).filter(|e| e.contains('@')), subject })
}
