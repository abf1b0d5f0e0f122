//! Ledger benchmark at a provincial scale: 1,000,000 cases across 10,000 communities, on SQLite
//! and on PostgreSQL. For each backend it
//!
//! 1. prepares a fresh database in process (migrations, catalog, holidays, the demo seed for
//!    accounts, jurisdictions and companies), then generates communities and cases directly
//!    with multi-row INSERTs in big transactions (1–2 items per case, search text from a pool
//!    of jieba-segmented phrases, deadlines ± 60 days around today); exactly `--overdue` cases
//!    are `notice_issued` with a deadline in the past, no other case is due for the scanner;
//! 2. runs one scanner tick (`propwatch::jobs::scanner::run_once`) over them: cases/s,
//!    including the timeline lines, notifications, escalation proposals and audit entries;
//! 3. starts the release server on that database and measures the ledger page (HTML, a signed-in
//!    staff session per client) and its JSON twin (a bearer token per client) with several
//!    filters at `--clients` concurrent keep-alive clients: p50/p95 latency and requests/s;
//! 4. exports the cases the scanner marked overdue (`GET /cases/export.xlsx?status=overdue`):
//!    seconds and file size.
//!
//! It prints figures and never asserts times. Run with `bash bench/ledger.sh` (builds the
//! release binaries first); `PROPWATCH_BENCH_ONLY=sqlite|postgres` runs one backend.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use propwatch::service::Deps;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use tokio::process::Command;

#[path = "common.rs"]
mod common;
use common::{Conn, peak_rss_mb, percentile, wait_ready};

const PASSWORD: &str = "Ledger2024!bench";
const STAFF: &str = "zhangkaidong";

#[derive(Clone)]
struct Args {
    bin: PathBuf,
    pg: Option<String>,
    cases: usize,
    communities: usize,
    overdue: usize,
    clients: usize,
    seconds: f64,
    /// Measure the server on data kept from an earlier run (`PROPWATCH_BENCH_KEEP=1`): the
    /// SQLite data directory, or the PostgreSQL database name.
    reuse_sqlite: Option<PathBuf>,
    reuse_pg: Option<String>,
    /// Time the scanner again on a copy of generated data kept with `PROPWATCH_BENCH_SNAPSHOT=1`
    /// (the SQLite file, or the PostgreSQL database name): the copy is made, scanned and removed.
    rescan_sqlite: Option<PathBuf>,
    rescan_pg: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        bin: PathBuf::from("target/release/propwatch"),
        pg: None,
        cases: 1_000_000,
        communities: 10_000,
        overdue: 100_000,
        clients: 8,
        seconds: 5.0,
        reuse_sqlite: None,
        reuse_pg: None,
        rescan_sqlite: None,
        rescan_pg: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--bin" => a.bin = PathBuf::from(v),
            "--pg" => a.pg = Some(v).filter(|s| !s.is_empty()),
            "--cases" => a.cases = v.parse().expect("--cases N"),
            "--communities" => a.communities = v.parse().expect("--communities N"),
            "--overdue" => a.overdue = v.parse().expect("--overdue N"),
            "--clients" => a.clients = v.parse().expect("--clients N"),
            "--seconds" => a.seconds = v.parse().expect("--seconds S"),
            "--reuse-sqlite" => a.reuse_sqlite = Some(PathBuf::from(v)),
            "--reuse-pg" => a.reuse_pg = Some(v),
            "--rescan-sqlite" => a.rescan_sqlite = Some(PathBuf::from(v)),
            "--rescan-pg" => a.rescan_pg = Some(v),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(a.overdue <= a.cases, "--overdue must not exceed --cases");
    // The server runs in its own directory.
    a.bin = std::fs::canonicalize(&a.bin).unwrap_or(a.bin);
    a
}

// ---------------------------------------------------------------------------------------------
// Data generation
// ---------------------------------------------------------------------------------------------

/// Case titles with their catalog item: the search text's pool. "电梯" occurs in two of 32.
const PHRASES: [(&str, &str); 32] = [
    ("三号楼楼道垃圾一周无人清理", "A1.1"),
    ("小区垃圾桶长期满溢保洁不按时清运", "A1.1"),
    ("单元门禁损坏三个月无人维修", "A1.2"),
    ("电梯频繁故障困人维修不及时", "A1.2"),
    ("地下车库照明灯大面积损坏", "A1.2"),
    ("开发商与物业互相推诿屋面漏水报修无人处理", "A1.3"),
    ("物业费按一级标准收取服务达不到三级", "A1.4"),
    ("物业人员态度恶劣多次反映无果", "A1.5"),
    ("未公示收费项目和收费标准", "A2.1"),
    ("专项维修资金使用情况未公开", "A2.1"),
    ("停车费收支情况从未公示", "A2.2"),
    ("未向业主委员会报告年度履职情况", "A2.3"),
    ("地下车库消防栓无水灭火器过期", "A3.1"),
    ("消防车通道被私家车长期占用物业劝阻不力", "A3.2"),
    ("合同到期后拒不退出小区", "A4.1"),
    ("未移交物业服务用房和图纸资料", "A4.2"),
    ("物业把小区广场出租给商户收入去向不明", "B1"),
    ("电梯广告收入从未公示", "B2"),
    ("公共收益被挪作他用", "B3"),
    ("绿化带长期无人修剪杂草丛生", "A1.1"),
    ("二次供水水箱未按期清洗", "A1.1"),
    ("消防设施年检过期仍未整改", "A3.1"),
    ("楼道堆放杂物堵塞安全出口", "A3.2"),
    ("小区路灯损坏晚上出行不安全", "A1.2"),
    ("外墙瓷砖脱落存在安全隐患", "A1.2"),
    ("雨污管道堵塞污水外溢", "A1.1"),
    ("监控设备长期损坏无人修复", "A1.2"),
    ("物业擅自提高停车收费标准", "A1.4"),
    ("夜间保安脱岗外来人员随意进出", "A1.5"),
    ("物业服务合同履行情况未公开", "A2.1"),
    ("新旧物业交接期间拒不移交钥匙", "A4.2"),
    ("利用共有部分经营收益未分配给业主", "B3"),
];

const LEAF_CODES: [&str; 15] =
    ["A1.1", "A1.2", "A1.3", "A1.4", "A1.5", "A2.1", "A2.2", "A2.3", "A3.1", "A3.2", "A4.1", "A4.2", "B1", "B2", "B3"];

const NAME_HEADS: [&str; 20] = [
    "锦绣", "阳光", "幸福", "和平", "金色", "紫荆", "翠竹", "丽景", "书香", "碧水", "龙城", "新华", "凤凰", "泰和",
    "康宁", "御景", "华府", "盛世", "东方", "明珠",
];
const NAME_TAILS: [&str; 10] = ["花园", "小区", "家园", "苑", "名都", "雅居", "新村", "公寓", "佳苑", "华庭"];

/// Status mix of the cases the scanner must leave alone (per mille of them).
const OTHER_STATUSES: [(&str, u32); 7] = [
    ("verifying", 56),
    ("filed", 89),
    ("reported", 67),
    ("reinspecting", 33),
    ("escalated", 22),
    ("closed", 622),
    ("unfounded", 111),
];

#[derive(Clone)]
struct Community {
    id: i64,
    township_id: i64,
    company_id: Option<i64>,
    words: String,
}

/// Placeholders for a multi-row INSERT of `rows` rows of `cols` values.
fn placeholders(backend: DbBackend, rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            n += 1;
            match backend {
                DbBackend::Postgres => s.push_str(&format!("${n}")),
                _ => s.push('?'),
            }
        }
        s.push(')');
    }
    s
}

/// Inserts `values` (`cols` per row) into `table (columns)`, `per_stmt` rows per statement.
async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &str,
    cols: usize,
    per_stmt: usize,
    values: Vec<Value>,
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let mut shapes: HashMap<usize, String> = HashMap::new();
    let mut it = values.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Value> = it.by_ref().take(per_stmt * cols).collect();
        let rows = chunk.len() / cols;
        let sql = shapes
            .entry(rows)
            .or_insert_with(|| format!("INSERT INTO {table} ({columns}) VALUES {}", placeholders(backend, rows, cols)));
        db.execute_raw(Statement::from_sql_and_values(backend, sql.as_str(), chunk)).await?;
    }
    Ok(())
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> i64 {
    let r = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    r.try_get_by_index::<i64>(0).unwrap()
}

/// Generates the communities and cases.
async fn generate(deps: &Deps, a: &Args, label: &str) {
    let db = &deps.db;
    let backend = db.get_database_backend();
    let now = Utc::now();
    let today = propwatch::clock::today(now);
    let mut rng = StdRng::seed_from_u64(20_241_128);

    let t = Instant::now();
    propwatch::service::demo::seed(deps, PASSWORD).await.expect("demo seed").expect("an empty database");
    let staff = propwatch::db::accounts::user_by_username(db, STAFF).await.unwrap().expect("demo staff").id;
    let jurisdictions = propwatch::db::jurisdictions::jurisdictions(db).await.unwrap();
    let townships: Vec<(i64, String)> =
        jurisdictions.iter().filter(|j| j.level == "township").map(|j| (j.id, j.name.clone())).collect();
    let companies: Vec<i64> = db
        .query_all_raw(Statement::from_string(backend, "SELECT id FROM companies ORDER BY id"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let existing = scalar(db, "SELECT COUNT(*) FROM communities").await as usize;

    // Communities: the county seat (first township) holds about a quarter, the others share the
    // rest; 8 % have no property company.
    let mut values = Vec::new();
    for i in existing..a.communities {
        let ti = if rng.random_ratio(1, 4) { 0 } else { rng.random_range(0..townships.len()) };
        let (tid, tname) = &townships[ti];
        let name = format!(
            "{}{}{}",
            NAME_HEADS[rng.random_range(0..NAME_HEADS.len())],
            NAME_TAILS[rng.random_range(0..NAME_TAILS.len())],
            if rng.random_ratio(1, 3) { format!("{}期", rng.random_range(1..6)) } else { String::new() }
        );
        let company: Option<i64> = (!rng.random_ratio(2, 25)).then(|| companies[rng.random_range(0..companies.len())]);
        let start = NaiveDate::from_ymd_opt(2021 + (i % 4) as i32, 1 + (i % 12) as u32, 1).unwrap();
        values.extend::<[Value; 14]>([
            format!("BENCH-{i:06}").into(),
            name.into(),
            format!("{tname}{}路{}号", NAME_HEADS[i % NAME_HEADS.len()], 1 + i % 300).into(),
            (*tid).into(),
            company.into(),
            Some(start).into(),
            Some(start + chrono::Months::new(36)).into(),
            ["一级", "二级", "三级"][i % 3].into(),
            Some(80i64 + (i % 120) as i64).into(),
            Some(10_000i64 * (20_000 + (i % 200) as i64 * 1_000)).into(),
            Some(200i32 + (i % 1_000) as i32).into(),
            ["owners_committee", "management_committee", "none"][i % 3].into(),
            now.into(),
            now.into(),
        ]);
    }
    let tx = sea_orm::TransactionTrait::begin(db).await.unwrap();
    insert_rows(
        &tx,
        "communities",
        "code, name, address, township_id, company_id, contract_start, contract_end, service_grade, fee_fen, \
         building_area_cm2, unit_count, committee, created_at, updated_at",
        14,
        1000,
        values,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let communities: Vec<Community> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, name, township_id, company_id FROM communities ORDER BY id",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| Community {
            id: r.try_get("", "id").unwrap(),
            township_id: r.try_get("", "township_id").unwrap(),
            company_id: r.try_get("", "company_id").unwrap(),
            words: propwatch::search::segment(&r.try_get::<String>("", "name").unwrap()),
        })
        .collect();
    let seeded = t.elapsed();

    // Cases: statuses shuffled over the ids, exactly `overdue` due for the scanner.
    let t = Instant::now();
    let phrases: Vec<(String, String, &str)> =
        PHRASES.iter().map(|(p, code)| (p.to_string(), propwatch::search::segment(p), *code)).collect();
    let others = a.cases - a.overdue;
    let mut statuses: Vec<&str> = Vec::with_capacity(a.cases);
    statuses.extend(std::iter::repeat_n("notice_issued", a.overdue));
    let per_mille: u32 = OTHER_STATUSES.iter().map(|(_, w)| w).sum();
    for (s, w) in &OTHER_STATUSES[1..] {
        statuses.extend(std::iter::repeat_n(*s, others * *w as usize / per_mille as usize));
    }
    statuses.extend(std::iter::repeat_n(OTHER_STATUSES[0].0, a.cases - statuses.len()));
    statuses.shuffle(&mut rng);
    let sources = ["complaint", "inspection", "staff"];
    let per_tx = 20_000;
    let mut items_total = 0usize;
    for start in (0..a.cases).step_by(per_tx) {
        let end = (start + per_tx).min(a.cases);
        let mut cases = Vec::with_capacity((end - start) * 17);
        let mut items = Vec::with_capacity((end - start) * 8);
        for (i, status) in statuses.iter().enumerate().take(end).skip(start) {
            let id = i as i64 + 1;
            let c = &communities[rng.random_range(0..communities.len())];
            let (title, words, code) = &phrases[rng.random_range(0..phrases.len())];
            let created: DateTime<Utc> = now - chrono::Duration::minutes(rng.random_range(60..180 * 24 * 60));
            let deadline = match *status {
                "verifying" | "unfounded" => None,
                "notice_issued" | "escalated" => Some(today - chrono::Days::new(rng.random_range(1..=60))),
                _ => Some(today + chrono::Duration::days(rng.random_range(-60..=60))),
            };
            let closed_at: Option<DateTime<Utc>> = matches!(*status, "closed" | "unfounded")
                .then(|| (created + chrono::Duration::days(rng.random_range(1..40))).min(now));
            let facts = format!("经现场核查，{title}，反映情况属实，已拍照取证。");
            cases.extend::<[Value; 17]>([
                id.into(),
                Option::<i64>::None.into(),
                c.id.into(),
                c.company_id.into(),
                c.township_id.into(),
                title.clone().into(),
                facts.into(),
                (*status).into(),
                Some(staff).into(),
                deadline.into(),
                i32::from(rng.random_ratio(1, 20)).into(),
                sources[i % 3].into(),
                format!("{words} {}", c.words).into(),
                Some(staff).into(),
                closed_at.into(),
                created.into(),
                closed_at.unwrap_or(created).into(),
            ]);
            items.extend::<[Value; 4]>([id.into(), (*code).into(), created.into(), created.into()]);
            items_total += 1;
            if rng.random_ratio(1, 2) {
                let other = LEAF_CODES[rng.random_range(0..LEAF_CODES.len())];
                if other != *code {
                    items.extend::<[Value; 4]>([id.into(), other.into(), created.into(), created.into()]);
                    items_total += 1;
                }
            }
        }
        let tx = sea_orm::TransactionTrait::begin(db).await.unwrap();
        insert_rows(
            &tx,
            "cases",
            "id, problem_id, community_id, company_id, township_id, title, facts, status, responsible_user_id, \
             deadline, extensions, source, search_text, opened_by, closed_at, created_at, updated_at",
            17,
            1000,
            cases,
        )
        .await
        .unwrap();
        insert_rows(&tx, "case_items", "case_id, catalog_code, created_at, updated_at", 4, 4000, items).await.unwrap();
        tx.commit().await.unwrap();
        if end % 200_000 == 0 {
            eprintln!("{label:<10} … {end} cases ({:.0} s)", t.elapsed().as_secs_f64());
        }
    }
    if backend == DbBackend::Postgres {
        db.execute_unprepared("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))")
            .await
            .unwrap();
    }
    // The load's tally deltas are folded now, as the scanner does after each tick, so that
    // the measured tick folds only its own.
    propwatch::db::cases::compact_tallies(db).await.unwrap();
    let loaded = t.elapsed();
    println!(
        "{label:<10} generated {} communities ({} new, with the demo seed: {:.1} s) and {} cases with {} items in {:.1} s ({:.0} cases/s)",
        communities.len(),
        communities.len() - existing,
        seeded.as_secs_f64(),
        a.cases,
        items_total,
        loaded.as_secs_f64(),
        a.cases as f64 / loaded.as_secs_f64()
    );
    if backend == DbBackend::Postgres {
        // What autovacuum does after a bulk load (visibility map, planner statistics).
        let t = Instant::now();
        db.execute_unprepared("VACUUM ANALYZE").await.unwrap();
        println!("{label:<10} VACUUM ANALYZE after the load: {:.1} s", t.elapsed().as_secs_f64());
    }
}

// ---------------------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------------------

async fn scanner(deps: &Deps, a: &Args, label: &str) {
    let db = &deps.db;
    let count = |table: &'static str| async move { scalar(db, &format!("SELECT COUNT(*) FROM {table}")).await };
    let (n0, e0, p0, a0) = (
        count("notifications").await,
        count("case_events").await,
        count("escalation_proposals").await,
        count("audit_entries").await,
    );
    let t = Instant::now();
    let tick = propwatch::jobs::scanner::run_once(deps, Utc::now()).await.expect("scanner tick");
    let secs = t.elapsed().as_secs_f64();
    let (n1, e1, p1, a1) = (
        count("notifications").await,
        count("case_events").await,
        count("escalation_proposals").await,
        count("audit_entries").await,
    );
    println!(
        "{label:<10} scanner tick: {} cases marked overdue of {} due in {secs:.2} s = {:.0} cases/s (wrote {} timeline lines, {} notifications, {} escalation proposals, {} audit entries; tick {tick:?})",
        tick.overdue,
        a.overdue,
        tick.overdue as f64 / secs,
        e1 - e0,
        n1 - n0,
        p1 - p0,
        a1 - a0,
    );
    // The ledger's totals come from tallies kept by triggers: they must agree with the rows.
    let tallied = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT township_id, company_id, status, SUM(n) AS n FROM ( \
               SELECT township_id, COALESCE(company_id, 0) AS company_id, status, n FROM case_tallies \
               UNION ALL SELECT township_id, COALESCE(company_id, 0), status, -COUNT(*) FROM cases \
               GROUP BY township_id, COALESCE(company_id, 0), status) AS d \
             GROUP BY township_id, company_id, status HAVING SUM(n) <> 0",
        ))
        .await
        .map(|r| r.len());
    let tally_rows = count("case_tallies").await;
    println!("{label:<10} case tallies: {tally_rows} rows, keys differing from COUNT(*): {tallied:?}");
    let t = Instant::now();
    let again = propwatch::jobs::scanner::run_once(deps, Utc::now()).await.expect("second scanner tick");
    println!("{label:<10} second tick (nothing due): {:.2} s, {again:?}", t.elapsed().as_secs_f64());
    if db.get_database_backend() == DbBackend::Postgres {
        // What autovacuum does within the minute after a tick that rewrote 100,000 rows; the
        // ledger is measured after it, not beside it.
        let t = Instant::now();
        db.execute_unprepared("VACUUM (ANALYZE) cases").await.unwrap();
        println!("{label:<10} VACUUM ANALYZE cases after the tick: {:.1} s", t.elapsed().as_secs_f64());
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// Signs the staff account in over the login form: returns the session cookie.
async fn login(addr: SocketAddr) -> String {
    let mut c = Conn::open(addr).await.expect("connect");
    let r = c.send("GET", "/login", &[], b"").await.expect("login page");
    let mut cookie = r.cookies.iter().find(|c| c.starts_with("propwatch_session=")).cloned().expect("session cookie");
    let page = String::from_utf8_lossy(&r.body);
    let csrf = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("CSRF token on the login page")
        .to_string();
    let form =
        serde_urlencoded::to_string([("username", STAFF), ("password", PASSWORD), ("_csrf", csrf.as_str())]).unwrap();
    let r = c
        .send(
            "POST",
            "/login",
            &[("Cookie", &cookie), ("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        )
        .await
        .expect("login");
    assert_eq!(r.status, 303, "login failed: {}", String::from_utf8_lossy(&r.body));
    if let Some(c) = r.cookies.iter().find(|c| c.starts_with("propwatch_session=")) {
        cookie = c.clone();
    }
    cookie
}

/// A bearer token for the staff account.
async fn token(addr: SocketAddr) -> String {
    let mut c = Conn::open(addr).await.expect("connect");
    let body = serde_json::json!({"username": STAFF, "password": PASSWORD}).to_string();
    let r = c
        .send("POST", "/api/v1/auth/token", &[("Content-Type", "application/json")], body.as_bytes())
        .await
        .expect("token");
    assert_eq!(r.status, 201, "token: {}", String::from_utf8_lossy(&r.body));
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    v["token"].as_str().unwrap().to_string()
}

#[derive(Clone)]
enum Who {
    Session(String),
    Bearer(String),
}

impl Who {
    fn header(&self) -> (&'static str, String) {
        match self {
            Who::Session(c) => ("Cookie", c.clone()),
            Who::Bearer(t) => ("Authorization", format!("Bearer {t}")),
        }
    }
}

/// `clients` concurrent clients GET `path` for `seconds` (after two warm-up requests each).
/// Returns (latencies sorted, failures, elapsed seconds, the total of the first JSON answer).
async fn hammer(
    addr: SocketAddr,
    path: Arc<String>,
    who: &[Who],
    seconds: f64,
) -> (Vec<Duration>, u64, f64, Option<u64>, usize) {
    let mut conns = Vec::new();
    for w in who {
        let mut c = Conn::open(addr).await.expect("connect");
        let (k, v) = w.header();
        for _ in 0..2 {
            let r = c.send("GET", &path, &[(k, &v)], b"").await.expect("warm-up");
            assert_eq!(
                r.status,
                200,
                "{path}: {}",
                String::from_utf8_lossy(&r.body).chars().take(300).collect::<String>()
            );
        }
        conns.push((c, w.clone()));
    }
    let start = Instant::now();
    let stop = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for (mut c, w) in conns {
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let (k, v) = w.header();
            let (mut lat, mut failed, mut total, mut size) = (Vec::new(), 0u64, None, 0usize);
            while Instant::now() < stop {
                let t = Instant::now();
                match c.send("GET", &path, &[(k, &v)], b"").await {
                    Ok(r) if r.status == 200 => {
                        lat.push(t.elapsed());
                        size = r.body.len();
                        if total.is_none() && path.starts_with("/api/") {
                            total = serde_json::from_slice::<serde_json::Value>(&r.body)
                                .ok()
                                .and_then(|v| v["total"].as_u64());
                        }
                    }
                    Ok(_) => failed += 1,
                    Err(_) => {
                        failed += 1;
                        c = Conn::open(addr).await.expect("reconnect");
                    }
                }
            }
            (lat, failed, total, size)
        }));
    }
    let (mut all, mut failed, mut total, mut size) = (Vec::new(), 0, None, 0);
    for t in tasks {
        let (lat, f, tot, sz) = t.await.unwrap();
        all.extend(lat);
        failed += f;
        total = total.or(tot);
        size = size.max(sz);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    (all, failed, elapsed, total, size)
}

async fn serve_and_measure(a: &Args, label: &str, database_url: &str, dir: &Path, township: (i64, String)) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut server = Command::new(&a.bin)
        .arg("serve")
        .current_dir(dir)
        .env("PROPWATCH_DATABASE_URL", database_url)
        .env("PROPWATCH_DATA_DIR", dir)
        .env("PROPWATCH_LISTEN", addr.to_string())
        .env("PROPWATCH_PUBLIC_RATE_PER_MINUTE", "0")
        // The scanner was measured above; the server's own ticks stay out of the figures.
        .env("PROPWATCH_SCANNER_INTERVAL_SECONDS", "86400")
        // Nor does the dispatch of the tick's notifications to text messages run beside them.
        .env("PROPWATCH_SMS_PROVIDER", "none")
        .env("PROPWATCH_LOG", std::env::var("PROPWATCH_BENCH_LOG").unwrap_or_else(|_| "warn".into()))
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .stdout(std::fs::File::create(dir.join("server.log")).expect("server log"))
        .kill_on_drop(true)
        .spawn()
        .expect("start the release server");
    wait_ready(addr, Duration::from_secs(120)).await;
    let mut sessions = Vec::new();
    let mut tokens = Vec::new();
    for _ in 0..a.clients {
        sessions.push(Who::Session(login(addr).await));
        tokens.push(Who::Bearer(token(addr).await));
    }
    let text = serde_urlencoded::to_string([("q", "电梯")]).unwrap();
    let filters: [(String, String); 4] = [
        ("default (county, by deadline)".into(), String::new()),
        (format!("township {} + status=open", township.1), format!("township_id={}&status=open", township.0)),
        ("full text q=电梯".into(), text),
        ("page 500 of the default".into(), "page=500".into()),
    ];
    // PROPWATCH_BENCH_FILTER=text measures only the ledgers whose "kind name" contains it.
    let only = std::env::var("PROPWATCH_BENCH_FILTER").unwrap_or_default();
    for (name, query) in &filters {
        for (kind, base, who) in [("html", "/cases", &sessions), ("json", "/api/v1/cases", &tokens)] {
            if !format!("{kind} {name}").contains(&only) {
                continue;
            }
            let path = Arc::new(if query.is_empty() { base.to_string() } else { format!("{base}?{query}") });
            let (lat, failed, secs, total, size) = hammer(addr, path, who, a.seconds).await;
            println!(
                "{label:<10} ledger {kind:<4} {name:<34} p50 {:>7.1} ms  p95 {:>7.1} ms  {:>6.1} req/s  ({} requests, {failed} failed, {} KB/answer{})",
                percentile(&lat, 0.50),
                percentile(&lat, 0.95),
                lat.len() as f64 / secs,
                lat.len(),
                size / 1024,
                total.map(|t| format!(", {t} matching cases")).unwrap_or_default(),
            );
        }
    }

    // The export of the cases the scanner marked overdue.
    let Who::Session(cookie) = &sessions[0] else { unreachable!() };
    for round in (1..=2).filter(|_| "export".contains(&only)) {
        let mut c = Conn::open(addr).await.expect("connect");
        let t = Instant::now();
        let r = c.send("GET", "/cases/export.xlsx?status=overdue", &[("Cookie", cookie)], b"").await.expect("export");
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(r.status, 200, "export: {}", String::from_utf8_lossy(&r.body).chars().take(300).collect::<String>());
        let rows = if round == 1 {
            use calamine::Reader;
            let mut wb: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(r.body.clone())).expect("a workbook");
            let sheet = wb.worksheet_range_at(0).expect("a sheet").expect("readable");
            format!("{} data rows", sheet.height().saturating_sub(1))
        } else {
            "second run".into()
        };
        println!(
            "{label:<10} export xlsx status=overdue: {secs:.2} s, {:.1} MB ({rows})",
            r.body.len() as f64 / 1_048_576.0
        );
    }
    let rss = peak_rss_mb(server.id().unwrap_or(0));
    println!("{label:<10} server peak RSS {rss:.0} MB");
    let _ = server.start_kill();
    let _ = server.wait().await;
}

/// The township of the filtered ledger: the second one, mid-sized.
async fn township_of(deps_db: &sea_orm::DatabaseConnection) -> (i64, String) {
    let t: Vec<(i64, String)> = propwatch::db::jurisdictions::jurisdictions(deps_db)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.level == "township")
        .map(|j| (j.id, j.name))
        .collect();
    t.get(1).cloned().unwrap_or_else(|| t[0].clone())
}

/// Measures the server on data kept from an earlier run.
async fn rerun(a: &Args, label: &str, database_url: &str, dir: &Path) {
    let db = propwatch::db::connect(database_url).await.expect("the kept database");
    let township = township_of(&db).await;
    let _ = db.close().await;
    serve_and_measure(a, label, database_url, dir, township).await;
}

async fn run(a: &Args, label: &str, database_url: &str, dir: &Path) {
    let settings = propwatch::config::Settings {
        database_url: database_url.into(),
        data_dir: dir.to_path_buf(),
        ..Default::default()
    };
    let deps = propwatch::app::prepare_system(settings).await.expect("prepare the database");
    generate(&deps, a, label).await;
    let township = township_of(&deps.db).await;
    let deps = if std::env::var("PROPWATCH_BENCH_SNAPSHOT").is_ok_and(|v| v == "1") {
        snapshot(deps, label, database_url, dir).await
    } else {
        deps
    };
    scanner(&deps, a, label).await;
    let _ = deps.db.clone().close().await;
    drop(deps);
    serve_and_measure(a, label, database_url, dir, township).await;
}

/// Keeps a copy of the generated data, before any scanner tick, for `--rescan-…`. Returns the
/// dependencies reconnected to the original.
async fn snapshot(deps: Deps, label: &str, database_url: &str, dir: &Path) -> Deps {
    let settings = (*deps.settings).clone();
    let backend = deps.db.get_database_backend();
    if backend == DbBackend::Sqlite {
        deps.db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap();
    }
    let _ = deps.db.clone().close().await;
    let _ = deps.read.clone().close().await;
    drop(deps);
    match backend {
        DbBackend::Postgres => {
            let (base, name) = database_url.rsplit_once('/').expect("a database name");
            let admin = sea_orm::Database::connect(format!("{base}/postgres")).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}_gen\" TEMPLATE \"{name}\"")).await.unwrap();
            println!("{label:<10} generated data kept: --rescan-pg {name}_gen");
        }
        _ => {
            let kept = dir.parent().unwrap_or(dir).join(format!("{label}_gen.db"));
            std::fs::copy(dir.join("propwatch.db"), &kept).unwrap();
            println!("{label:<10} generated data kept: --rescan-sqlite {}", kept.display());
        }
    }
    propwatch::app::prepare_system(settings).await.expect("reconnect")
}

/// Times the scanner on a fresh copy of kept generated data.
async fn rescan(a: &Args, label: &str, database_url: &str, dir: &Path) {
    let settings = propwatch::config::Settings {
        database_url: database_url.into(),
        data_dir: dir.to_path_buf(),
        ..Default::default()
    };
    let deps = propwatch::app::prepare_system(settings).await.expect("the copied database");
    scanner(&deps, a, label).await;
    let _ = deps.db.clone().close().await;
    let _ = deps.read.clone().close().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // PROPWATCH_BENCH_TRACE=propwatch=debug shows what the in-process parts log (the scanner's
    // time per chunk and phase).
    if let Ok(filter) = std::env::var("PROPWATCH_BENCH_TRACE") {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let a = args();
    assert!(a.bin.exists(), "no server binary at {} (build with cargo build --release)", a.bin.display());
    let dir = match std::env::var("PROPWATCH_BENCH_DIR") {
        Ok(d) => tempfile::Builder::new().tempdir_in(d).unwrap(),
        Err(_) => tempfile::tempdir().unwrap(),
    };
    let only = std::env::var("PROPWATCH_BENCH_ONLY").unwrap_or_default();
    let keep = std::env::var("PROPWATCH_BENCH_KEEP").is_ok_and(|v| v == "1");
    if let Some(file) = &a.rescan_sqlite {
        let copy = dir.path().join("sqlite");
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::copy(file, copy.join("propwatch.db")).expect("the kept SQLite file");
        rescan(&a, "sqlite", &format!("sqlite://{}/propwatch.db", copy.display()), &copy).await;
    }
    if let (Some(base), Some(snap)) = (&a.pg, &a.rescan_pg) {
        let name = format!("pw_rescan_{}", std::process::id());
        let admin = sea_orm::Database::connect(format!("{base}/postgres")).await.expect("PostgreSQL reachable");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{snap}\"")).await.unwrap();
        let (args, url, d) = (a.clone(), format!("{base}/{name}"), dir.path().to_path_buf());
        let outcome = tokio::spawn(async move { rescan(&args, "postgres", &url, &d).await }).await;
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    if a.rescan_sqlite.is_some() || a.rescan_pg.is_some() {
        return;
    }
    if a.reuse_sqlite.is_some() || a.reuse_pg.is_some() {
        if let Some(d) = &a.reuse_sqlite {
            rerun(&a, "sqlite", &format!("sqlite://{}/propwatch.db", d.display()), d).await;
        }
        if let (Some(base), Some(name)) = (&a.pg, &a.reuse_pg) {
            rerun(&a, "postgres", &format!("{base}/{name}"), dir.path()).await;
        }
        return;
    }
    println!(
        "ledger benchmark: {} cases, {} communities, {} due for the scanner, {} clients, {} s per measurement",
        a.cases, a.communities, a.overdue, a.clients, a.seconds
    );
    if only != "postgres" {
        let sqlite_dir = dir.path().join("sqlite");
        std::fs::create_dir_all(&sqlite_dir).unwrap();
        run(&a, "sqlite", &format!("sqlite://{}/propwatch.db", sqlite_dir.display()), &sqlite_dir).await;
        if keep {
            println!("sqlite     data kept in {} (--reuse-sqlite)", sqlite_dir.display());
        }
    }
    if let Some(base) = a.pg.as_ref().filter(|_| only != "sqlite") {
        let name = format!("pw_ledger_{}", std::process::id());
        let admin = sea_orm::Database::connect(format!("{base}/postgres")).await.expect("PostgreSQL reachable");
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            ))
            .await
            .unwrap();
        let pg_dir = dir.path().join("pg");
        std::fs::create_dir_all(&pg_dir).unwrap();
        // In a task, so that the database is dropped even when the run panics.
        let (args, url) = (a.clone(), format!("{base}/{name}"));
        let outcome = tokio::spawn(async move { run(&args, "postgres", &url, &pg_dir).await }).await;
        if keep {
            println!("postgres   database kept: {name} (--reuse-pg)");
        } else {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        }
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    if keep || std::env::var("PROPWATCH_BENCH_SNAPSHOT").is_ok_and(|v| v == "1") {
        let _ = dir.keep();
    }
}
