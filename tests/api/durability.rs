//! Killing the server with SIGKILL at any moment loses no acknowledged complaint: a submission
//! is answered only after its group commit is durable.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::helpers::TestApp;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One HTTP/1.1 request on a fresh connection; (status, body).
async fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr).await?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

async fn start(app: &TestApp, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_propwatch"))
        .arg("serve")
        .env("PROPWATCH_DATABASE_URL", &app.database_url)
        .env("PROPWATCH_DATA_DIR", app.data_dir())
        .env("PROPWATCH_LISTEN", format!("127.0.0.1:{port}"))
        .env("PROPWATCH_PUBLIC_RATE_PER_MINUTE", "0")
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .env("PROPWATCH_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok((200, _)) = http(addr, "GET", "/readyz", "").await {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not become ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_complaint() {
    let app = TestApp::new().await;
    let community = propwatch::db::communities::community_by_code(&app.deps.db, "YC-FC-001").await.unwrap().unwrap().id;
    let body = serde_json::json!({"community_id": community, "catalog_code": "A1.1", "description": "楼道垃圾无人清理（耐久性测试）", "consent": "true"}).to_string();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..3u64 {
        let port = free_port();
        let mut server = start(&app, port).await;
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let stop = Instant::now() + Duration::from_secs(30);
        let mut clients = Vec::new();
        let acks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for _ in 0..16 {
            let body = body.clone();
            let acks = acks.clone();
            clients.push(tokio::spawn(async move {
                let mut codes = Vec::new();
                while Instant::now() < stop {
                    match http(addr, "POST", "/api/v1/complaints", &body).await {
                        Ok((201, b)) => {
                            let v: serde_json::Value = serde_json::from_str(&b).expect("a complete 201 carries JSON");
                            codes.push(v["tracking_code"].as_str().unwrap().to_string());
                            acks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        Ok((status, b)) => panic!("unexpected {status}: {b}"),
                        Err(_) => break, // the server is gone
                    }
                }
                codes
            }));
        }
        // Kill under load: once the server is answering (a slow machine may take a while to
        // warm up), then a little later each round, at a different point of a group commit.
        let warm = Instant::now() + Duration::from_secs(15);
        while acks.load(std::sync::atomic::Ordering::SeqCst) < 10 && Instant::now() < warm {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(50 + 120 * round)).await;
        server.start_kill().expect("SIGKILL");
        server.wait().await.unwrap();
        for c in clients {
            acknowledged.extend(c.await.unwrap());
        }
    }
    assert!(acknowledged.len() >= 30, "the load acknowledged only {} submissions", acknowledged.len());
    // A restarted server finds every acknowledged clue, and the audit chain is whole.
    let port = free_port();
    let mut server = start(&app, port).await;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    for code in &acknowledged {
        let (status, _) = http(addr, "GET", &format!("/api/v1/complaints/track/{code}"), "").await.unwrap();
        assert_eq!(status, 200, "acknowledged {code} was lost");
    }
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let verdict = propwatch::service::audit::verify_chain(&app.deps).await.unwrap();
    assert!(verdict.broken.is_none(), "{:?}", verdict.broken);
    let created = app.audit_entries().await.iter().filter(|e| e.action == "complaint.create").count();
    assert!(created >= acknowledged.len(), "every committed clue has its audit entry");
}
