//! Benchmark of the system's own checks (`service::checks`), run by every scanner tick.
//!
//! Per backend, on a fresh database: the demo registry plus generated communities (default
//! 5,000, all under supervision for two years); 80 % of them published every disclosure item's
//! latest due period and the last quarter's public-revenue statement; every tenth keeps a
//! public-revenue ledger with a registered resolution, one income without a resolution and the
//! fund share unpaid. Times the first run (which files every finding into the inbox) and a
//! second one (nothing new: the cost of every later tick), and checks the counts.
//!
//! Usage: `bash bench/checks.sh [COMMUNITIES]` (PROPWATCH_BENCH_ONLY=sqlite|postgres for one).

use std::time::Instant;

use chrono::{Duration, Utc};
use propwatch::db::entities::{community, complaint, disclosure, revenue_entry, revenue_resolution, revenue_statement};
use propwatch::domain::disclosure::{DueBasis, Frequency, latest_overdue};
use propwatch::service::{Ctx, Deps};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn generate(deps: &Deps, n: usize) -> (u64, u64) {
    let db = &deps.db;
    let now = Utc::now();
    let today = propwatch::clock::today(now);
    let since = today - Duration::days(730);
    propwatch::service::demo::seed(deps, "Bench2024!pw").await.expect("demo seed").expect("an empty database");
    let template = community::Entity::find().one(db).await.unwrap().unwrap();
    let staff = propwatch::db::accounts::user_by_username(db, "zhangkaidong").await.unwrap().unwrap().id;
    let rows: Vec<community::ActiveModel> = (0..n)
        .map(|i| community::ActiveModel {
            code: Set(format!("BENCH-{i:06}")),
            name: Set(format!("测试小区{i}")),
            address: Set(template.address.clone()),
            township_id: Set(template.township_id),
            company_id: Set(template.company_id),
            contract_start: Set(template.contract_start),
            contract_end: Set(template.contract_end),
            service_grade: Set(template.service_grade.clone()),
            fee_fen: Set(template.fee_fen),
            building_area_cm2: Set(template.building_area_cm2),
            unit_count: Set(template.unit_count),
            committee: Set(template.committee.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        propwatch::db::insert_bulk(db, chunk.to_vec(), None).await.unwrap();
    }
    community::Entity::update_many()
        .col_expr(community::Column::CreatedAt, sea_orm::sea_query::Expr::value(now - Duration::days(730)))
        .exec(db)
        .await
        .unwrap();
    let all = community::Entity::find().filter(community::Column::CompanyId.is_not_null()).all(db).await.unwrap();
    let items = propwatch::service::disclosures::items(db, false).await.unwrap();
    let grace = i64::from(deps.settings.disclosure_grace_days);
    let cal = propwatch::service::holidays::calendar(db).await.unwrap();
    let (mut expected_disclosures, mut expected_statements) = (0u64, 0u64);
    let statement = latest_overdue(Frequency::Quarterly, DueBasis::End, 15, grace, today, since, &cal).unwrap();
    let (y, q) = propwatch::domain::revenue::quarter_of(statement.start);
    let mut published = Vec::new();
    let mut statements = Vec::new();
    let mut entries = Vec::new();
    let mut resolutions = Vec::new();
    for (k, c) in all.iter().enumerate() {
        let publishes = k % 5 != 0;
        for item in &items {
            let Some(p) =
                latest_overdue(item.frequency, item.basis, i64::from(item.model.due_days), grace, today, since, &cal)
            else {
                continue;
            };
            if !publishes {
                expected_disclosures += 1;
                continue;
            }
            published.push(disclosure::ActiveModel {
                community_id: Set(c.id),
                company_id: Set(c.company_id),
                item_code: Set(item.model.code.clone()),
                period: Set(p.key()),
                version: Set(1),
                fields_json: Set("{}".into()),
                correction_reason: Set(String::new()),
                published_by: Set(staff),
                publisher_name: Set("bench".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        if publishes {
            statements.push(revenue_statement::ActiveModel {
                community_id: Set(c.id),
                year: Set(y),
                quarter: Set(q as i32),
                opening_fen: Set(0),
                income_fen: Set(0),
                spending_fen: Set(0),
                closing_fen: Set(0),
                published_by: Set(staff),
                published_at: Set(now),
                status: Set("published".into()),
                reviewed_by: Set(None),
                reviewed_at: Set(None),
                review_note: Set(String::new()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        } else {
            expected_statements += 1;
        }
        if k % 10 == 1 {
            resolutions.push(revenue_resolution::ActiveModel {
                community_id: Set(c.id),
                reference: Set("决议一".into()),
                adopted_on: Set(since),
                fund_pct: Set(50),
                owners_pct: Set(20),
                expenses_pct: Set(0),
                company_pct: Set(30),
                settle_days: Set(30),
                note: Set(String::new()),
                created_by: Set(staff),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
            for (category, fen, on, resolution) in [
                ("elevator_ads", 1_000_000, statement.start, "决议一"),
                ("parking", 300_000, statement.start, ""),
                ("to_maintenance_fund", 100_000, statement.end, ""),
            ] {
                entries.push(revenue_entry::ActiveModel {
                    community_id: Set(c.id),
                    company_id: Set(c.company_id),
                    category: Set(category.into()),
                    amount_fen: Set(fen),
                    occurred_on: Set(on),
                    counterparty: Set(String::new()),
                    contract_ref: Set(String::new()),
                    resolution_ref: Set(resolution.into()),
                    basis: Set("bench".into()),
                    reverses_id: Set(None),
                    reason: Set(String::new()),
                    created_by: Set(staff),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    for chunk in published.chunks(1000) {
        propwatch::db::insert_bulk(db, chunk.to_vec(), None).await.unwrap();
    }
    for chunk in statements.chunks(1000) {
        propwatch::db::insert_bulk(db, chunk.to_vec(), None).await.unwrap();
    }
    for chunk in resolutions.chunks(1000) {
        propwatch::db::insert_bulk(db, chunk.to_vec(), None).await.unwrap();
    }
    for chunk in entries.chunks(1000) {
        propwatch::db::insert_bulk(db, chunk.to_vec(), None).await.unwrap();
    }
    (expected_disclosures, expected_statements)
}

async fn run(label: &str, database_url: &str, dir: &std::path::Path, n: usize) {
    let settings = propwatch::config::Settings {
        database_url: database_url.into(),
        data_dir: dir.to_path_buf(),
        ..Default::default()
    };
    let deps = propwatch::app::prepare_system(settings).await.expect("prepare the database");
    let t = Instant::now();
    let (disclosures, statements) = generate(&deps, n).await;
    let communities = community::Entity::find().count(&deps.db).await.unwrap();
    println!("[{label}] generated {communities} communities in {:.1} s", t.elapsed().as_secs_f64());
    let ctx = Ctx { actor_name: "期限巡检".into(), ..Ctx::system(Utc::now(), "scanner") };
    let t = Instant::now();
    let first = propwatch::service::checks::run(&deps, &ctx).await.unwrap();
    let first_s = t.elapsed().as_secs_f64();
    println!(
        "[{label}] first run: {} findings ({} disclosures, {} statements, {} B1, {} B3) in {first_s:.2} s ({:.0} findings/s)",
        first.total(),
        first.disclosures,
        first.statements,
        first.unauthorised_income,
        first.undistributed,
        first.total() as f64 / first_s
    );
    assert_eq!((first.disclosures, first.statements), (disclosures, statements), "every missed period found once");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let again = propwatch::service::checks::run(&deps, &ctx).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(again.total(), 0, "nothing new");
    }
    times.sort_by(f64::total_cmp);
    let filed =
        complaint::Entity::find().filter(complaint::Column::Channel.eq("system")).count(&deps.db).await.unwrap();
    assert_eq!(filed, first.total());
    println!(
        "[{label}] later runs (nothing new), {communities} communities: median {:.0} ms, max {:.0} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let _ = deps.db.clone().close().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let only = std::env::var("PROPWATCH_BENCH_ONLY").unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    if only != "postgres" {
        let d = dir.path().join("sqlite");
        std::fs::create_dir_all(&d).unwrap();
        run("sqlite", &format!("sqlite://{}/propwatch.db", d.display()), &d, n).await;
    }
    let base = std::env::var("PROPWATCH_BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    if only != "sqlite" {
        let name = format!("pw_bench_checks_{}", std::process::id());
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
        run("postgres", &format!("{base}/{name}"), &d, n).await;
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    }
}
