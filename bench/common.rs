//! What the benchmarks share: a keep-alive HTTP/1.1 client, waiting for the server to be ready,
//! latency percentiles and the server's peak memory. Each benchmark uses part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The `p` quantile of sorted latencies, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// A process's peak resident memory (VmHWM), in MB.
pub fn peak_rss_mb(pid: u32) -> f64 {
    status_mb(pid, "VmHWM:")
}

/// A process's resident memory now, split into anonymous pages (heap, stacks: what the process
/// needs) and file-backed ones (the binary, mapped fonts: the kernel drops and re-reads them
/// under pressure), in MB.
pub fn rss_split_mb(pid: u32) -> (f64, f64) {
    (status_mb(pid, "RssAnon:"), status_mb(pid, "RssFile:"))
}

fn status_mb(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// An answer: its status, the cookies it sets and its body.
pub struct Resp {
    pub status: u16,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

/// A keep-alive HTTP/1.1 connection (Content-Length and chunked answers).
pub struct Conn {
    r: BufReader<TcpStream>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn { r: BufReader::with_capacity(64 * 1024, s) })
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: bench\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.r.get_mut().write_all(&bytes).await?;
        let mut line = String::new();
        self.r.read_line(&mut line).await?;
        let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
        let (mut len, mut chunked, mut cookies) = (0usize, false, Vec::new());
        loop {
            line.clear();
            self.r.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(':').unwrap_or((&line, ""));
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "content-length" => len = v.parse().unwrap_or(0),
                "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                "set-cookie" => cookies.push(v.split(';').next().unwrap_or("").to_string()),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.r.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                    .map_err(|_| std::io::ErrorKind::InvalidData)?;
                let at = body.len();
                body.resize(at + size, 0);
                self.r.read_exact(&mut body[at..]).await?;
                line.clear();
                self.r.read_line(&mut line).await?;
                if size == 0 {
                    break;
                }
            }
        } else {
            body.resize(len, 0);
            self.r.read_exact(&mut body).await?;
        }
        Ok(Resp { status, cookies, body })
    }
}

/// The status of one GET on a fresh connection, if the server answers.
pub async fn get_status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut c = Conn::open(addr).await.ok()?;
    c.send("GET", path, &[], b"").await.ok().map(|r| r.status)
}

/// Waits until the server answers `/readyz`; panics after `limit`.
pub async fn wait_ready(addr: SocketAddr, limit: Duration) {
    let deadline = Instant::now() + limit;
    while get_status(addr, "/readyz").await != Some(200) {
        assert!(Instant::now() < deadline, "server not ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
