//! Text messages (短信): a provider interface, a logging provider (the default: messages are
//! written to the log with the number masked, for installations without a gateway) and a
//! generic HTTP provider that POSTs `{"phone": "...", "text": "..."}` as JSON to a gateway URL
//! (with an optional bearer token), which is how most SMS gateways and government messaging
//! platforms are fronted. Delivery runs through the outbox, with its retries.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::config::Settings;

/// Sends one text message.
#[async_trait::async_trait]
pub trait SmsSender: Send + Sync + std::fmt::Debug {
    /// Sends `text` to `phone`; an error means it should be tried again later.
    async fn send(&self, phone: &str, text: &str) -> anyhow::Result<()>;
}

/// Writes messages to the log (number masked) instead of sending them.
#[derive(Debug)]
pub struct LogSms;

#[async_trait::async_trait]
impl SmsSender for LogSms {
    async fn send(&self, phone: &str, text: &str) -> anyhow::Result<()> {
        let text = mask_codes(text);
        tracing::info!(phone = %crate::domain::complaint::mask_phone(phone), text, "SMS (log provider)");
        Ok(())
    }
}

/// A text with its one-time codes (`ABCD-EFGH`: voting and survey codes) masked, for the log:
/// a code is a credential, and the log is read by people who must never hold one.
pub fn mask_codes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let code_char = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let window = chars.get(i..i + 9);
        let is_code = window.is_some_and(|w| {
            w[..4].iter().all(|c| code_char(*c)) && w[4] == '-' && w[5..].iter().all(|c| code_char(*c))
        }) && (i == 0 || !code_char(chars[i - 1]))
            && chars.get(i + 9).is_none_or(|c| !code_char(*c));
        if is_code {
            out.push_str("****-****");
            i += 9;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// POSTs messages as JSON to a gateway.
#[derive(Debug)]
pub struct HttpSms {
    url: url::Url,
    token: Option<String>,
}

impl HttpSms {
    /// A provider for `url` (http:// or https://).
    pub fn new(url: &str, token: Option<String>) -> anyhow::Result<HttpSms> {
        let url = url::Url::parse(url).map_err(|e| anyhow::anyhow!("sms_http_url 无效：{e}"))?;
        anyhow::ensure!(matches!(url.scheme(), "http" | "https"), "sms_http_url 须以 http:// 或 https:// 开头");
        anyhow::ensure!(url.host_str().is_some(), "sms_http_url 缺少主机名");
        Ok(HttpSms { url, token })
    }
}

#[async_trait::async_trait]
impl SmsSender for HttpSms {
    async fn send(&self, phone: &str, text: &str) -> anyhow::Result<()> {
        let body = serde_json::json!({"phone": phone, "text": text}).to_string();
        let host = self.url.host_str().unwrap_or_default().to_string();
        let port = self.url.port_or_known_default().unwrap_or(80);
        let path = match self.url.query() {
            Some(q) => format!("{}?{q}", self.url.path()),
            None => self.url.path().to_string(),
        };
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        if let Some(t) = &self.token {
            request.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        let tcp = tokio::time::timeout(Duration::from_secs(15), TcpStream::connect((host.as_str(), port)))
            .await
            .map_err(|_| anyhow::anyhow!("连接短信网关超时"))??;
        let status = if self.url.scheme() == "https" {
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
                tokio_rustls::rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.clone())?;
            let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await?;
            exchange(tls, request.as_bytes()).await?
        } else {
            exchange(tcp, request.as_bytes()).await?
        };
        anyhow::ensure!((200..300).contains(&status), "短信网关答复 HTTP {status}");
        Ok(())
    }
}

/// Writes the request and reads the status code of the answer.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, request: &[u8]) -> anyhow::Result<u16> {
    tokio::time::timeout(Duration::from_secs(30), async {
        s.write_all(request).await?;
        s.flush().await?;
        let mut buf = Vec::with_capacity(256);
        let mut chunk = [0u8; 256];
        while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 8192 {
            let n = s.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let line = String::from_utf8_lossy(&buf);
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| anyhow::anyhow!("短信网关答复无法识别"))?;
        Ok::<u16, anyhow::Error>(status)
    })
    .await
    .map_err(|_| anyhow::anyhow!("短信网关答复超时"))?
}

/// The provider configured by `sms_provider`, if any.
pub fn from_settings(s: &Settings) -> anyhow::Result<Option<Arc<dyn SmsSender>>> {
    Ok(match s.sms_provider.as_str() {
        "none" | "" => None,
        "log" => Some(Arc::new(LogSms)),
        "http" => {
            let url =
                s.sms_http_url.as_deref().ok_or_else(|| anyhow::anyhow!("sms_provider = http 需要 sms_http_url"))?;
            Some(Arc::new(HttpSms::new(url, s.sms_http_token.clone())?))
        }
        other => anyhow::bail!("未知的 sms_provider：{other}（可选 log、http、none）"),
    })
}

#[cfg(test)]
mod code_mask_tests {
    #[test]
    fn codes_are_masked_in_the_log() {
        assert_eq!(
            super::mask_codes("表决码：44R3-VYD3（2号楼-2单元-401），投票期 2026-12-03 至 2026-12-18"),
            "表决码：****-****（2号楼-2单元-401），投票期 2026-12-03 至 2026-12-18"
        );
    }
}
