//! Intake benchmark: starts the release server on a fresh database, loads it with concurrent
//! public submissions (POST /api/v1/complaints over keep-alive connections) for a fixed time, and
//! prints acknowledged submissions/s, latency p50/p95/p99 and the server's peak RSS, on SQLite
//! and on PostgreSQL; plus the raw durable single-row insert rate of the same SQLite settings
//! (WAL, synchronous=FULL, one row per transaction), measured in the same run, as the physical
//! reference for what group commit buys.
//!
//! Run with `bash bench/intake.sh` (builds the release binaries first).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use tokio::process::Command;

#[path = "common.rs"]
mod common;
use common::{Conn, peak_rss_mb, percentile, rss_split_mb, wait_ready};

/// The header of a JSON submission.
const JSON: &[(&str, &str)] = &[("Content-Type", "application/json")];

struct Args {
    bin: PathBuf,
    seconds: u64,
    clients: usize,
    pg: Option<String>,
}

fn args() -> Args {
    let mut a = Args { bin: PathBuf::from("target/release/propwatch"), seconds: 10, clients: 64, pg: None };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--bin" => a.bin = PathBuf::from(v),
            "--seconds" => a.seconds = v.parse().expect("--seconds N"),
            "--clients" => a.clients = v.parse().expect("--clients N"),
            "--pg" => a.pg = Some(v).filter(|s| !s.is_empty()),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

async fn run(a: &Args, label: &str, database_url: &str, dir: &std::path::Path) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut server = Command::new(&a.bin)
        .arg("demo")
        .current_dir(dir)
        .env("PROPWATCH_DATABASE_URL", database_url)
        .env("PROPWATCH_DATA_DIR", dir)
        .env("PROPWATCH_LISTEN", addr.to_string())
        .env("PROPWATCH_DEMO_PASSWORD", "Bench2024!pw")
        .env("PROPWATCH_PUBLIC_RATE_PER_MINUTE", "0")
        .env("PROPWATCH_LOG", std::env::var("PROPWATCH_BENCH_LOG").unwrap_or_else(|_| "warn".into()))
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .stdout(std::fs::File::create(dir.join("server.log")).expect("server log"))
        .kill_on_drop(true)
        .spawn()
        .expect("start the release server");
    wait_ready(addr, Duration::from_secs(60)).await;
    let body = r#"{"community_id":1,"catalog_code":"A1.1","description":"三号楼楼道垃圾一周无人清理（压力测试）","consent":"true"}"#;
    let stop = Instant::now() + Duration::from_secs(a.seconds);
    let mut tasks = Vec::new();
    for _ in 0..a.clients {
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut failed = 0u64;
            let mut conn = Conn::open(addr).await.expect("connect");
            while Instant::now() < stop {
                let t = Instant::now();
                match conn.send("POST", "/api/v1/complaints", JSON, body.as_bytes()).await.map(|r| r.status) {
                    Ok(201) => lat.push(t.elapsed()),
                    Ok(_) => failed += 1,
                    Err(_) => {
                        failed += 1;
                        conn = Conn::open(addr).await.expect("reconnect");
                    }
                }
            }
            (lat, failed)
        }));
    }
    let start = Instant::now();
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (lat, f) = t.await.unwrap();
        all.extend(lat);
        failed += f;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let rss = peak_rss_mb(server.id().unwrap_or(0));
    let (anon, file) = rss_split_mb(server.id().unwrap_or(0));
    let _ = server.start_kill();
    let _ = server.wait().await;
    println!(
        "{label:<10} {} clients, {:.1} s: {} acknowledged ({:.0}/s), {} failed; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; server peak RSS {:.0} MB (at the end: {:.0} MB anonymous, {:.0} MB file-backed)",
        a.clients,
        elapsed,
        all.len(),
        all.len() as f64 / elapsed,
        failed,
        percentile(&all, 0.50),
        percentile(&all, 0.95),
        percentile(&all, 0.99),
        rss,
        anon,
        file
    );
}

/// One row per transaction, WAL + synchronous=FULL: the rate the disk allows without grouping.
async fn raw_sqlite_rate(dir: &std::path::Path) {
    let db = propwatch::db::connect(&format!("sqlite://{}/raw.db", dir.display())).await.unwrap();
    db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").await.unwrap();
    let stop = Instant::now() + Duration::from_secs(3);
    let mut n = 0u64;
    let start = Instant::now();
    while Instant::now() < stop {
        db.execute_unprepared("BEGIN; INSERT INTO t (v) VALUES ('三号楼楼道垃圾一周无人清理'); COMMIT;").await.unwrap();
        n += 1;
    }
    println!(
        "{:<10} raw durable single-row inserts (WAL, synchronous=FULL, one per transaction): {:.0}/s",
        "sqlite-raw",
        n as f64 / start.elapsed().as_secs_f64()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    assert!(a.bin.exists(), "no server binary at {} (build with cargo build --release)", a.bin.display());
    let dir = match std::env::var("PROPWATCH_BENCH_DIR") {
        Ok(d) => tempfile::Builder::new().tempdir_in(d).unwrap(),
        Err(_) => tempfile::tempdir().unwrap(),
    };
    let only = std::env::var("PROPWATCH_BENCH_ONLY").unwrap_or_default();
    if only != "postgres" {
        raw_sqlite_rate(dir.path()).await;
        let sqlite_dir = dir.path().join("sqlite");
        std::fs::create_dir_all(&sqlite_dir).unwrap();
        run(&a, "sqlite", &format!("sqlite://{}/propwatch.db", sqlite_dir.display()), &sqlite_dir).await;
    }
    if let Some(base) = a.pg.as_ref().filter(|_| only != "sqlite") {
        let name = format!("pw_bench_{}", std::process::id());
        let admin = sea_orm::Database::connect(format!("{base}/postgres")).await.expect("PostgreSQL reachable");
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            ))
            .await
            .unwrap();
        let pg_dir = dir.path().join("pg");
        std::fs::create_dir_all(&pg_dir).unwrap();
        run(&a, "postgres", &format!("{base}/{name}"), &pg_dir).await;
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    }
}
