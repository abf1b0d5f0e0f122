//! Benchmark of an owners' vote (业主共同决定): a 5,000-unit community with 4,001 owners by
//! 第9条 (the developer's 600 unsold units are one owner, 400 owners hold two units each, 3,600
//! one), 4,000 of whom cast electronic ballots through `service::decisions::cast` from 64
//! concurrent clients (sign-in with code and second factor, the holder's units, the sealed
//! ballot, the unique indexes, the audit entry: the whole use case, one transaction each).
//! Prints ballots/s and latency percentiles, the time to issue the 5,000 codes, the live
//! progress query, and the count (`close`: opening the 4,000 sealed ballots, the four
//! comparisons of each matter, and typesetting the announcement), and checks the figures.
//!
//! Usage: `bash bench/vote.sh` (PROPWATCH_BENCH_ONLY=sqlite|postgres for one backend).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use propwatch::service::decisions::{ConveneInput, MatterInput, VoterLogin};
use propwatch::service::{Ctx, Deps};
use sea_orm::{ConnectionTrait, TransactionTrait};

#[path = "common.rs"]
mod common;

const UNITS: usize = 5_000;
const DEVELOPER_UNITS: usize = 600;
const DOUBLE_OWNERS: usize = 400;
const CLIENTS: usize = 64;
/// Every unit's area: 95.37 m² (so the totals are checkable).
const AREA: i64 = 9_537;

/// Builds the roster: returns the units in order with the owner number holding each (None for
/// the developer's).
async fn roster(deps: &Deps, community_id: i64, now: DateTime<Utc>) -> Vec<(i64, Option<usize>)> {
    let tx = deps.db.begin().await.unwrap();
    propwatch::db::roster::delete_roster(&tx, community_id).await.unwrap();
    let mut out = Vec::with_capacity(UNITS);
    let mut owners = Vec::new();
    for k in 0..UNITS {
        let building = format!("{}号楼", k / 200 + 1);
        let room = format!("{}{:02}", (k % 200) / 4 + 1, k % 4 + 1);
        let developer = k >= UNITS - DEVELOPER_UNITS;
        let unit = propwatch::db::roster::insert_unit(
            &tx,
            propwatch::db::roster::NewRosterUnit {
                community_id,
                building,
                unit: String::new(),
                room,
                register_area_centi: Some(AREA),
                surveyed_area_centi: None,
                contract_area_centi: None,
                developer_held: developer,
            },
            now,
        )
        .await
        .unwrap();
        // Owners 0..400 hold units 2n and 2n+1; the rest one unit each.
        let owner = (!developer).then(|| if k < 2 * DOUBLE_OWNERS { k / 2 } else { k - DOUBLE_OWNERS });
        if let Some(n) = owner {
            let id = id_number(n);
            owners.push(propwatch::db::roster::NewRosterOwner {
                roster_unit_id: unit.id,
                name_sealed: deps.cipher.seal(&format!("业主{n}")),
                phone_sealed: Some(deps.cipher.seal(&format!("139{n:08}"))),
                id_number_sealed: Some(deps.cipher.seal(&id)),
                holder_index: deps.cipher.blind_index(&format!("id:{id}")),
            });
        }
        out.push((unit.id, owner));
    }
    for chunk in owners.chunks(500) {
        propwatch::db::roster::insert_owners(&tx, chunk.to_vec(), now).await.unwrap();
    }
    tx.commit().await.unwrap();
    out
}

fn id_number(n: usize) -> String {
    format!("1405221990{n:08}")
}

async fn run(label: &str, database_url: &str, dir: &std::path::Path) {
    let settings = propwatch::config::Settings {
        database_url: database_url.into(),
        data_dir: dir.to_path_buf(),
        ..Default::default()
    };
    let deps = propwatch::app::prepare_system(settings).await.expect("prepare the database");
    propwatch::service::demo::seed(&deps, "Bench2024!pw").await.expect("demo seed").expect("an empty database");
    let community = propwatch::db::communities::community_by_code(&deps.db, "YC-FC-001").await.unwrap().unwrap();
    let t0 = Utc::now();
    let t = Instant::now();
    let units = roster(&deps, community.id, t0).await;
    println!("[{label}] roster: {UNITS} units written in {:.1} s", t.elapsed().as_secs_f64());
    let user = propwatch::db::accounts::user_by_username(&deps.db, "fchy_ywh").await.unwrap().unwrap();
    let user = propwatch::service::accounts::session_user(&deps.db, user).await.unwrap().unwrap();
    let committee = |at: DateTime<Utc>| Ctx {
        actor: Some(user.actor.clone()),
        actor_name: "业委会".into(),
        ..Ctx::system(at, "bench")
    };
    let today = propwatch::clock::today(t0);
    let id = propwatch::service::decisions::convene(
        &deps,
        &committee(t0),
        ConveneInput {
            community_id: community.id,
            title: "续聘物业服务企业".into(),
            interim: false,
            voting_starts_on: Some(today + chrono::Days::new(15)),
            voting_ends_on: Some(today + chrono::Days::new(30)),
            deem: false,
            matters: vec![
                MatterInput { item: "4".into(), title: "续聘物业服务企业".into(), body: String::new() },
                MatterInput { item: "8".into(), title: "地面停车位经营".into(), body: String::new() },
            ],
        },
        Vec::new(),
    )
    .await
    .expect("convene");
    let voting = t0 + chrono::Duration::days(16);
    let t = Instant::now();
    let codes = propwatch::service::decisions::issue_codes(&deps, &committee(voting), id, false).await.unwrap();
    println!("[{label}] codes: {} issued (sealed, blind-indexed) in {:.2} s", codes.made, t.elapsed().as_secs_f64());
    let mut code_of: HashMap<i64, String> = HashMap::new();
    for k in propwatch::db::decisions::codes(&deps.db, id).await.unwrap() {
        code_of.insert(k.roster_unit_id, deps.cipher.open(&k.code_sealed).unwrap());
    }
    let matters = propwatch::db::decisions::matters(&deps.db, id).await.unwrap();
    // One ballot per owner, with the code of their first unit: owner n votes yes on both matters
    // unless n % 10 == 0 (no) or n % 10 == 1 (abstain on the second).
    let mut ballots = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (unit_id, owner) in &units {
        let Some(n) = owner else { continue };
        if !seen.insert(*n) {
            continue;
        }
        let choice = match n % 10 {
            0 => ["no", "no"],
            1 => ["yes", "abstain"],
            _ => ["yes", "yes"],
        };
        let choices: HashMap<i64, String> = matters.iter().zip(choice).map(|(m, c)| (m.id, c.to_string())).collect();
        let id = id_number(*n);
        ballots.push((VoterLogin { code: code_of[unit_id].clone(), factor: id[id.len() - 4..].to_string() }, choices));
    }
    assert_eq!(ballots.len(), 4_000, "every owner but the developer");
    let queue = Arc::new(std::sync::Mutex::new(ballots));
    let deps = Arc::new(deps);
    let t = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CLIENTS {
        let (queue, deps) = (queue.clone(), deps.clone());
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let Some((login, choices)) = queue.lock().unwrap().pop() else { break };
                let s = Instant::now();
                let ctx = Ctx::system(voting, "bench");
                propwatch::service::decisions::cast(&deps, &ctx, &login, &choices).await.expect("cast");
                lat.push(s.elapsed());
            }
            lat
        }));
    }
    let mut lat: Vec<Duration> = Vec::new();
    for w in workers {
        lat.extend(w.await.unwrap());
    }
    let secs = t.elapsed().as_secs_f64();
    lat.sort();
    println!(
        "[{label}] ballots: {} cast by {CLIENTS} concurrent clients in {secs:.2} s = {:.0} ballots/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        lat.len() as f64 / secs,
        common::percentile(&lat, 0.5),
        common::percentile(&lat, 0.99),
        common::percentile(&lat, 1.0),
    );
    let t = Instant::now();
    let staff = propwatch::db::accounts::user_by_username(&deps.db, "zhangkaidong").await.unwrap().unwrap();
    let staff = propwatch::service::accounts::session_user(&deps.db, staff).await.unwrap().unwrap();
    let staff_ctx = Ctx { actor: Some(staff.actor.clone()), actor_name: "局".into(), ..Ctx::system(voting, "bench") };
    let p = propwatch::service::decisions::progress(&deps, &staff_ctx, id).await.unwrap();
    println!(
        "[{label}] live progress (by building, {} buildings): {:.1} ms; {} owners of {} and {} m² of {} m² took part",
        p.buildings.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        p.voted_owners,
        p.total_owners,
        p.voted_area,
        p.total_area
    );
    assert_eq!((p.voted_owners, p.total_owners), (4_000, 4_001));
    // The result itself: read the 4,000 sealed ballots, open them, tally, decide (what `close`
    // does before it typesets the announcement and writes).
    let t = Instant::now();
    let sealed = propwatch::db::decisions::ballots(&deps.db, id).await.unwrap();
    let mut tally = propwatch::domain::decision::Tally::default();
    for b in &sealed {
        let opened = deps.cipher.open(&b.choices_sealed).unwrap();
        let map: HashMap<String, String> = serde_json::from_str(&opened).unwrap();
        let choice = propwatch::domain::decision::Choice::parse(&map[&matters[0].id.to_string()]).unwrap();
        tally.add(choice, propwatch::domain::decision::Weight { area_centi: b.area_centi, owners: 1 });
    }
    let totals =
        propwatch::domain::roster::RosterTotals { units: UNITS as u64, area_centi: UNITS as i64 * AREA, owners: 4_001 };
    let r = propwatch::domain::decision::decide(propwatch::domain::decision::Matter::Manager, totals, tally);
    println!(
        "[{label}] result: {} sealed ballots read, opened, tallied and decided in {:.1} ms (passed: {})",
        sealed.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        r.passed
    );
    let after = t0 + chrono::Duration::days(31);
    let t = Instant::now();
    propwatch::service::decisions::close(&deps, &committee(after), id).await.expect("close");
    let close_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let v = propwatch::service::decisions::view(&deps, &committee(after), id).await.unwrap();
    let view_ms = t.elapsed().as_secs_f64() * 1000.0;
    let r = &v.matters[0];
    println!(
        "[{label}] count: close (open 4,000 sealed ballots, tally, decide, typeset the announcement) {close_ms:.0} ms; result page {view_ms:.1} ms"
    );
    for c in &r.comparisons {
        println!("[{label}]   {}：{} {}", c.rule, c.figures, if c.met { "✓" } else { "✗" });
    }
    // 4,400 units voted (400 owners with two), 600 the developer's did not.
    let voted_units = (UNITS - DEVELOPER_UNITS) as i64;
    assert_eq!(
        r.comparisons[0].figures,
        format!(
            "{} m² / {} m²",
            propwatch::domain::roster::format_area(voted_units * AREA),
            propwatch::domain::roster::format_area(UNITS as i64 * AREA)
        )
    );
    assert_eq!(r.comparisons[1].figures, "4000 人 / 4001 人");
    assert!(r.passed, "90 % said yes on (四)");
    let secret = deps
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            deps.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM decision_ballots WHERE choices_sealed LIKE '%\"%'".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(secret, 0, "no ballot's JSON readable in the database (sealed values are base64)");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let only = std::env::var("PROPWATCH_BENCH_ONLY").unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    if only != "postgres" {
        let d = dir.path().join("sqlite");
        std::fs::create_dir_all(&d).unwrap();
        run("sqlite", &format!("sqlite://{}/propwatch.db", d.display()), &d).await;
    }
    let base = std::env::var("PROPWATCH_BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    if only != "sqlite" {
        let name = format!("pw_bench_vote_{}", std::process::id());
        let Ok(admin) = sea_orm::Database::connect(format!("{base}/postgres")).await else {
            println!("[postgres] not reachable at {base}: skipped");
            return;
        };
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            ))
            .await
            .unwrap();
        let d = dir.path().join("pg");
        std::fs::create_dir_all(&d).unwrap();
        run("postgres", &format!("{base}/{name}"), &d).await;
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    }
}
