//! The IMAP poller: reads new messages from the complaint mailbox and ingests each as a clue.
//!
//! Never twice: the poller remembers per mailbox the UIDVALIDITY and the highest UID it has
//! handled (`mail_cursors`), fetches only newer UIDs with `BODY.PEEK[]`, and moves the cursor
//! after each message; and ingestion itself is idempotent by Message-ID, so a crash between the
//! clue's commit and the cursor's leaves one message that is recognised the next time. Handled
//! messages are flagged `\Seen`; messages that are not complaints (auto-replies, unreadable)
//! are also flagged `\Flagged` for a person to look at, and skipped.

use std::time::Duration;

use async_imap::Client;
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::{Ctx, Deps, ServiceError};

/// Where to poll, from `imap_url`.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapSource {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: String,
    pub folder: String,
}

impl std::fmt::Debug for ImapSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.key())
    }
}

impl ImapSource {
    /// Parses `imaps://user:pass@host:993/INBOX` or `imap://…` (user and password percent-encoded).
    pub fn parse(s: &str) -> anyhow::Result<ImapSource> {
        let url = url::Url::parse(s).map_err(|e| anyhow::anyhow!("imap_url 无效：{e}"))?;
        let tls = match url.scheme() {
            "imaps" => true,
            "imap" => false,
            other => anyhow::bail!("imap_url 须以 imaps:// 或 imap:// 开头，而不是 {other}://"),
        };
        let decode = |v: &str| percent_decode(v);
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| anyhow::anyhow!("imap_url 缺少主机名"))?;
        anyhow::ensure!(!url.username().is_empty(), "imap_url 缺少用户名");
        let folder = decode(url.path().trim_start_matches('/'));
        Ok(ImapSource {
            host: host.trim_matches(['[', ']']).to_string(),
            port: url.port().unwrap_or(if tls { 993 } else { 143 }),
            tls,
            user: decode(url.username()),
            password: decode(url.password().unwrap_or("")),
            folder: if folder.is_empty() { "INBOX".into() } else { folder },
        })
    }

    /// The cursor's key: `user@host:port/folder`.
    pub fn key(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// What one poll did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Poll {
    /// Messages that became clues (or were recognised as already imported).
    pub ingested: usize,
    /// Messages that are not complaints, flagged for a person and skipped.
    pub skipped: usize,
}

const TIMEOUT: Duration = Duration::from_secs(60);

/// Reads the mailbox once.
pub async fn poll_once(deps: &Deps, source: &ImapSource) -> anyhow::Result<Poll> {
    let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect((source.host.as_str(), source.port)))
        .await
        .map_err(|_| anyhow::anyhow!("连接 {}:{} 超时", source.host, source.port))??;
    if source.tls {
        let mut roots = tokio_rustls::rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(source.host.clone())?;
        let stream = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)).connect(name, tcp).await?;
        poll_stream(deps, source, stream).await
    } else {
        poll_stream(deps, source, tcp).await
    }
}

async fn poll_stream<S>(deps: &Deps, source: &ImapSource, stream: S) -> anyhow::Result<Poll>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut client = Client::new(stream);
    client.read_response().await?.ok_or_else(|| anyhow::anyhow!("IMAP 服务器未发送问候"))?;
    let mut session = client.login(&source.user, &source.password).await.map_err(|(e, _)| e)?;
    let result = poll_session(deps, source, &mut session).await;
    let _ = session.logout().await;
    result
}

async fn poll_session<S>(deps: &Deps, source: &ImapSource, session: &mut async_imap::Session<S>) -> anyhow::Result<Poll>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mailbox = tokio::time::timeout(TIMEOUT, session.select(&source.folder)).await??;
    let validity = i64::from(mailbox.uid_validity.unwrap_or(0));
    let key = source.key();
    let last = match crate::db::mail::cursor(&deps.db, &key).await? {
        Some(c) if c.uid_validity == validity => c.last_uid,
        // First poll, or the server renumbered the folder: read it all again (Message-IDs
        // keep what was imported from being imported twice).
        _ => 0,
    };
    let mut report = Poll::default();
    if mailbox.exists == 0 {
        return Ok(report);
    }
    // `N:*` always includes the highest UID, even below N: filter on our side.
    let mut fetched: Vec<(u32, Vec<u8>)> = tokio::time::timeout(TIMEOUT * 5, async {
        let stream = session.uid_fetch(format!("{}:*", last + 1), "(UID BODY.PEEK[])").await?;
        stream
            .try_filter_map(|f| async move { Ok(f.uid.map(|uid| (uid, f.body().unwrap_or_default().to_vec()))) })
            .try_collect::<Vec<_>>()
            .await
    })
    .await??;
    fetched.retain(|(uid, _)| i64::from(*uid) > last);
    fetched.sort_by_key(|(uid, _)| *uid);
    for (uid, raw) in fetched {
        let ctx = Ctx { actor_name: "电子邮件".into(), ..Ctx::system(deps.clock.now(), "imap") };
        let flags = match super::mail::ingest(deps, &ctx, &raw).await {
            Ok(_) => {
                report.ingested += 1;
                "+FLAGS.SILENT (\\Seen)"
            }
            Err(ServiceError::Invalid(errors)) => {
                tracing::warn!(uid, mailbox = %key, ?errors, "imap: message is not a complaint; flagged and skipped");
                report.skipped += 1;
                "+FLAGS.SILENT (\\Seen \\Flagged)"
            }
            // The database or the disk failed: stop here, the message is read again next time.
            Err(e) => return Err(anyhow::anyhow!("导入邮件（UID {uid}）失败：{e}")),
        };
        session.uid_store(uid.to_string(), flags).await?.try_collect::<Vec<_>>().await?;
        crate::db::mail::save_cursor(&deps.db, &key, validity, i64::from(uid), deps.clock.now()).await?;
    }
    Ok(report)
}

/// Polls the mailbox every `imap_poll_seconds`, for as long as the server runs; delivers the
/// replies the poll queued right away when a mailer is configured.
pub async fn run(deps: Deps, source: ImapSource, channels: super::outbox::Channels) {
    let mut tick = tokio::time::interval(Duration::from_secs(deps.settings.imap_poll_seconds.max(5)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match poll_once(&deps, &source).await {
            Ok(p) => {
                if p != Poll::default() {
                    tracing::info!(?p, mailbox = ?source, "imap polled");
                    if let Err(e) = super::outbox::deliver_due(&deps, &channels).await {
                        tracing::warn!(error = %e, "outbox round failed");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, mailbox = ?source, "imap poll failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imap_urls_name_server_account_and_folder() {
        let s = ImapSource::parse("imaps://wyzx%40163.com:p%2Fw@imap.163.com/INBOX").unwrap();
        assert_eq!((s.host.as_str(), s.port, s.tls), ("imap.163.com", 993, true));
        assert_eq!((s.user.as_str(), s.password.as_str(), s.folder.as_str()), ("wyzx@163.com", "p/w", "INBOX"));
        let s = ImapSource::parse("imap://intake:pw@127.0.0.1:1143").unwrap();
        assert_eq!((s.port, s.tls, s.folder.as_str()), (1143, false, "INBOX"));
        assert_eq!(s.key(), "intake@127.0.0.1:1143/INBOX");
        assert!(ImapSource::parse("pop3://a:b@c").is_err());
        assert!(ImapSource::parse("imap://host/INBOX").is_err());
        assert!(format!("{s:?}").find("pw").is_none(), "the password never reaches logs");
    }
}
