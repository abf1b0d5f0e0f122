//! The IMAP poller and the emailed reply, against real servers on loopback: Debian's dovecot
//! (dovecot-imapd) and python3-aiosmtpd, started per test in a temporary directory.
//! `.ci/run` installs both and sets `PROPWATCH_REQUIRE_MAIL_SERVERS=1`, so there a missing
//! server fails the test instead of skipping it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::TryStreamExt;
use propwatch::service::imap::{ImapSource, Poll, poll_once};
use propwatch::service::outbox::{Channels, Delivery, Mailer, deliver_due};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use crate::helpers::TestApp;
use crate::mail::gbk_message;

const IMAP_USER: &str = "intake";
const IMAP_PASSWORD: &str = "s3cret-pw";

/// Whether the servers are installed; when they are not, the test is skipped with a note
/// unless `PROPWATCH_REQUIRE_MAIL_SERVERS` demands them.
pub(crate) fn servers_available() -> bool {
    let ok = Path::new("/usr/sbin/dovecot").exists()
        && Command::new("/usr/bin/python3").args(["-c", "import aiosmtpd"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("PROPWATCH_REQUIRE_MAIL_SERVERS").is_err(),
            "dovecot-imapd and python3-aiosmtpd are required (apt-get install dovecot-imapd python3-aiosmtpd)"
        );
        eprintln!("skipped: install dovecot-imapd and python3-aiosmtpd to run the mail-server tests");
    }
    ok
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn wait_for(port: u16, what: &str) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not start on port {port}");
}

/// A dovecot IMAP server on loopback with one account, its mail in a temporary directory.
struct Dovecot {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dovecot {
    async fn start() -> Dovecot {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let port = free_port();
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
        let user = if root {
            "dovecot".to_string()
        } else {
            String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap().trim().to_string()
        };
        std::fs::create_dir_all(d.join("mail")).unwrap();
        // The mail processes run as `user`: they must reach the mail directory.
        Command::new("chmod").args(["755", d.to_str().unwrap()]).status().unwrap();
        if root {
            Command::new("chown").args(["-R", "dovecot:dovecot", d.join("mail").to_str().unwrap()]).status().unwrap();
        }
        std::fs::write(d.join("passwd"), format!("{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}:::::\n")).unwrap();
        let internal =
            if root { String::new() } else { format!("default_internal_user = {user}\ndefault_login_user = {user}\n") };
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nmail_location = maildir:{d}/mail/%u\n\
             first_valid_uid = 0\n{internal}\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={user} gid={user} home={d}/mail/%u\n}}\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n",
            d = d.display()
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let child = Command::new("/usr/sbin/dovecot")
            .args(["-F", "-c", d.join("dovecot.conf").to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot starts");
        wait_for(port, "dovecot").await;
        Dovecot { child, port, _dir: dir }
    }

    fn url(&self) -> String {
        format!("imap://{IMAP_USER}:{IMAP_PASSWORD}@127.0.0.1:{}/INBOX", self.port)
    }

    async fn session(&self) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().unwrap();
        client.login(IMAP_USER, IMAP_PASSWORD).await.map_err(|(e, _)| e).unwrap()
    }

    /// Delivers a message into the INBOX the way a mail server would (IMAP APPEND).
    async fn deliver(&self, raw: &[u8]) {
        let mut s = self.session().await;
        s.append("INBOX", None, None, raw).await.unwrap();
        s.logout().await.unwrap();
    }

    /// The flags of every message, by UID.
    async fn flags(&self) -> Vec<(u32, String)> {
        let mut s = self.session().await;
        s.select("INBOX").await.unwrap();
        let mut out: Vec<(u32, String)> = s
            .uid_fetch("1:*", "(UID FLAGS)")
            .await
            .unwrap()
            .map_ok(|f| (f.uid.unwrap(), f.flags().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(" ")))
            .try_collect()
            .await
            .unwrap();
        s.logout().await.unwrap();
        out.sort();
        out
    }
}

/// python3-aiosmtpd on loopback, storing what it receives in a maildir.
pub(crate) struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpSink {
    pub(crate) async fn start() -> SmtpSink {
        Self::start_on(free_port()).await
    }

    async fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        wait_for(port, "aiosmtpd").await;
        SmtpSink { child, port, dir }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, raw.
    pub(crate) fn received(&self) -> Vec<Vec<u8>> {
        let new: PathBuf = self.dir.path().join("maildir/new");
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&new).map(|r| r.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
        files.sort();
        files.into_iter().map(|f| std::fs::read(f).unwrap()).collect()
    }
}

fn auto_reply() -> Vec<u8> {
    b"From: someone@example.net\r\nTo: wyzx@example.gov.cn\r\nSubject: =?UTF-8?B?5LiN5Zyo5Yqe5YWs5a6k?=\r\n\
      Message-ID: <ooo-1@example.net>\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
      I am out of the office.\r\n"
        .to_vec()
}

async fn email_clues(app: &TestApp) -> u64 {
    use sea_orm::{ColumnTrait, QueryFilter};
    propwatch::db::entities::complaint::Entity::find()
        .filter(propwatch::db::entities::complaint::Column::Channel.eq("email"))
        .count(&app.deps.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_poller_imports_each_message_once_and_the_sender_gets_the_tracking_code() {
    if !servers_available() {
        return;
    }
    let imap = Dovecot::start().await;
    let smtp = SmtpSink::start().await;
    let (imap_url, smtp_url) = (imap.url(), smtp.url());
    let app = TestApp::with_settings(|s| {
        s.public_rate_per_minute = 0;
        s.imap_url = Some(imap_url);
        s.smtp_url = Some(smtp_url);
        s.mailbox = "wyzx@example.gov.cn".into();
        s.public_url = "https://wy.example.gov.cn".into();
    })
    .await;
    let source = ImapSource::parse(app.deps.settings.imap_url.as_deref().unwrap()).unwrap();

    imap.deliver(&gbk_message("imap-1")).await;
    imap.deliver(&auto_reply()).await;
    assert_eq!(poll_once(&app.deps, &source).await.unwrap(), Poll { ingested: 1, skipped: 1 });
    assert_eq!(email_clues(&app).await, 1);
    // Nothing new: nothing happens.
    assert_eq!(poll_once(&app.deps, &source).await.unwrap(), Poll::default());
    let flags = imap.flags().await;
    assert_eq!(flags.len(), 2);
    assert!(flags[0].1.contains("Seen") && !flags[0].1.contains("Flagged"), "{flags:?}");
    assert!(flags[1].1.contains("Seen") && flags[1].1.contains("Flagged"), "the auto-reply is flagged: {flags:?}");

    imap.deliver(&gbk_message("imap-2")).await;
    assert_eq!(poll_once(&app.deps, &source).await.unwrap(), Poll { ingested: 1, skipped: 0 });
    assert_eq!(email_clues(&app).await, 2);

    // A lost cursor (or a renumbered folder) re-reads the mailbox without importing twice.
    app.deps.db.execute_unprepared("DELETE FROM mail_cursors").await.unwrap();
    assert_eq!(poll_once(&app.deps, &source).await.unwrap(), Poll { ingested: 2, skipped: 1 });
    assert_eq!(email_clues(&app).await, 2);

    // The replies were queued with the clues; nothing has been sent yet.
    assert!(smtp.received().is_empty());
    let mailer = Channels::email(Mailer::from_settings(&app.deps.settings).unwrap().unwrap());
    assert_eq!(deliver_due(&app.deps, &mailer).await.unwrap(), Delivery { sent: 2, retrying: 0, failed: 0 });
    assert_eq!(deliver_due(&app.deps, &mailer).await.unwrap(), Delivery::default(), "never sent twice");
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    let parser = mail_parser::MessageParser::default();
    let mut codes = Vec::new();
    for raw in &received {
        let m = parser.parse(raw).unwrap();
        assert_eq!(m.to().unwrap().first().unwrap().address(), Some("liming@example.com"));
        assert_eq!(m.from().unwrap().first().unwrap().address(), Some("wyzx@example.gov.cn"));
        let subject = m.subject().unwrap().to_string();
        assert!(subject.starts_with("Re: 凤城花园楼道垃圾无人清理（已登记，查询码 "), "{subject}");
        let code = subject.split("查询码 ").nth(1).unwrap().trim_end_matches('）').to_string();
        let body = m.body_text(0).unwrap().to_string();
        assert!(body.contains(&format!("https://wy.example.gov.cn/track/{code}")), "{body}");
        assert!(
            matches!(m.header("Auto-Submitted"), Some(mail_parser::HeaderValue::Text(t)) if t.trim() == "auto-replied")
        );
        let in_reply_to = m.in_reply_to().as_text().unwrap().to_string();
        assert!(in_reply_to.starts_with("imap-") && in_reply_to.ends_with("@example.com"), "{in_reply_to}");
        let clue = propwatch::db::complaints::by_tracking_code(&app.deps.db, &code).await.unwrap().unwrap();
        assert_eq!(clue.external_ref.as_deref(), Some(in_reply_to.as_str()), "the reply answers its own message");
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 2);
    // The recipient is sealed at rest, and the audit trail records the sending without it.
    let rows = propwatch::db::entities::outbox::Entity::find().all(&app.deps.db).await.unwrap();
    assert!(rows.iter().all(|r| r.status == "sent" && !r.recipient_sealed.contains("liming")));
    let audit = propwatch::db::entities::audit_entry::Entity::find().all(&app.deps.db).await.unwrap();
    let sent: Vec<_> = audit.iter().filter(|e| e.action == "outbox.sent").collect();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|e| !e.summary.contains("liming")));
}

#[tokio::test]
async fn a_reply_that_cannot_be_sent_is_kept_and_retried_later() {
    if !servers_available() {
        return;
    }
    let port = free_port();
    let app = TestApp::with_settings(|s| {
        s.public_rate_per_minute = 0;
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    })
    .await;
    let ctx = propwatch::service::Ctx {
        actor_name: "电子邮件".into(),
        ..propwatch::service::Ctx::system(app.deps.clock.now(), "test")
    };
    let i = propwatch::service::mail::ingest(&app.deps, &ctx, &gbk_message("retry-1")).await.unwrap();
    assert!(i.reply_queued);
    let mailer = Channels::email(Mailer::from_settings(&app.deps.settings).unwrap().unwrap());
    // The SMTP server is down.
    assert_eq!(deliver_due(&app.deps, &mailer).await.unwrap(), Delivery { sent: 0, retrying: 1, failed: 0 });
    let row = propwatch::db::mail::for_complaint(&app.deps.db, i.receipt.id).await.unwrap().remove(0);
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert!(!row.last_error.is_empty());
    assert!(row.next_attempt_at > app.deps.clock.now());
    // Not due yet: not tried again.
    let smtp = SmtpSink::start_on(port).await;
    assert_eq!(deliver_due(&app.deps, &mailer).await.unwrap(), Delivery::default());
    app.clock.advance(chrono::Duration::minutes(3));
    assert_eq!(deliver_due(&app.deps, &mailer).await.unwrap(), Delivery { sent: 1, retrying: 0, failed: 0 });
    assert_eq!(smtp.received().len(), 1);
    let row = propwatch::db::mail::for_complaint(&app.deps.db, i.receipt.id).await.unwrap().remove(0);
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 2));
}

#[tokio::test]
async fn the_poll_mail_command_reads_the_configured_mailbox_and_sends_the_replies() {
    if !servers_available() {
        return;
    }
    let imap = Dovecot::start().await;
    let smtp = SmtpSink::start().await;
    let app = TestApp::new().await;
    imap.deliver(&gbk_message("cli-poll-1")).await;
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_propwatch"))
            .arg("poll-mail")
            .env("PROPWATCH_DATABASE_URL", &app.database_url)
            .env("PROPWATCH_DATA_DIR", app.data_dir())
            .env("PROPWATCH_CONFIG", "/nonexistent.toml")
            .env("PROPWATCH_IMAP_URL", imap.url())
            .env("PROPWATCH_SMTP_URL", smtp.url())
            .output()
            .unwrap()
    };
    let out = run();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("登记 1 封") && stdout.contains("发信：成功 1"), "{stdout}");
    let again = String::from_utf8_lossy(&run().stdout).to_string();
    assert!(again.contains("登记 0 封") && again.contains("发信：成功 0"), "{again}");
    assert_eq!(email_clues(&app).await, 1);
    assert_eq!(smtp.received().len(), 1);
}
