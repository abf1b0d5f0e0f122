//! The deadline scanner. One tick, at an instant `now`:
//!
//! 1. reminds the company and the responsible person before a case's deadline (the configured
//!    working days before, default 3 and 1, and on the day), the most urgent reminder due only;
//! 2. marks cases whose deadline has passed without a report overdue (逾期未整改), tells the
//!    company and the responsible person, and proposes escalation to the leaders;
//! 3. flags notices not signed for within the configured working days and proposes escalation;
//! 4. reminds departments of referrals past their feedback date, once;
//! 5. runs the system's own checks (`service::checks`): late disclosures and statements, public
//!    revenue without a resolution or not distributed as resolved, low satisfaction;
//! 6. counts owners' votes whose period ended; opens the A4 case of an exit past its handover
//!    deadline with items withheld and proposes litigation (`service::exits::scan`); puts
//!    registered contracts in force on their start day.
//!
//! Idempotent: reminders and notifications carry unique dedupe keys, cases move with a
//! compare-and-set on their status, notices are flagged once; a second tick at the same instant
//! changes nothing. Safe with several server processes on one PostgreSQL: overdue candidates are
//! claimed with `FOR UPDATE SKIP LOCKED`, so two processes never mark (and notify about) the same
//! case. Work is done in chunks, one transaction per chunk, with multi-row statements.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DbBackend, TransactionTrait};
use serde_json::json;

use crate::clock::today;
use crate::db;
use crate::db::cases::OverdueClaim;
use crate::db::notifications::NewNotification;
use crate::domain::audit_action::AuditAction;
use crate::domain::case::{CaseEvent, CaseStatus};
use crate::domain::escalation::{EscalationReason, EscalationStatus};
use crate::service::audit::{SUCCESS, entry};
use crate::service::holidays::calendar;
use crate::service::notifications::{to_company, to_user};
use crate::service::{Ctx, Deps, ServiceError};

/// Cases per transaction: big enough that the commit (and its checkpoint) is a small share of
/// marking them, small enough that a tick never holds the writer for long (about 0.2 s).
const CHUNK: u64 = 4000;

/// Chunks marked at the same time on PostgreSQL.
const PARALLEL_CHUNKS: usize = 2;

/// What one tick did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    pub reminders: u64,
    pub overdue: u64,
    pub escalations_proposed: u64,
    pub unsigned_flagged: u64,
    /// Referrals whose feedback date passed without a result (reminded once).
    pub referrals_reminded: u64,
    /// Problems the system's own checks proposed to staff (disclosure, public revenue,
    /// satisfaction).
    pub findings: u64,
    /// Owners' votes counted because their voting period ended (the preliminary result is out
    /// within a day of the close).
    pub votes_counted: u64,
    /// Exits past their handover deadline with items withheld: an A4 case opened and litigation
    /// proposed (once each).
    pub exits_overdue: u64,
    /// Registered contracts put in force on their start day.
    pub contracts_in_force: u64,
}

/// Runs one tick at `now`.
pub async fn run_once(deps: &Deps, now: DateTime<Utc>) -> Result<Tick, ServiceError> {
    let ctx = Ctx { actor_name: "期限巡检".into(), ..Ctx::system(now, "scanner") };
    let mut tick = Tick { reminders: remind(deps, &ctx).await?, ..Default::default() };
    // PostgreSQL: chunks in parallel transactions, which claim disjoint cases (`SKIP LOCKED`)
    // and queue only for the audit chain's head at their end; a chunk is mostly the server's
    // work, so a second worker keeps the second core busy. SQLite has one writer.
    let workers = if deps.db.get_database_backend() == DbBackend::Postgres { PARALLEL_CHUNKS } else { 1 };
    let marked = futures_util::future::try_join_all((0..workers).map(|_| mark_overdue(deps, &ctx))).await?;
    for (m, p) in marked {
        tick.overdue += m;
        tick.escalations_proposed += p;
    }
    let (flagged, proposed) = flag_unsigned(deps, &ctx).await?;
    tick.unsigned_flagged = flagged;
    tick.escalations_proposed += proposed;
    tick.referrals_reminded = crate::service::referrals::remind_overdue(deps, &ctx).await?;
    tick.findings = crate::service::checks::run(deps, &ctx).await?.total();
    tick.votes_counted = crate::service::decisions::close_due(deps, now).await? as u64;
    let exits = crate::service::exits::scan(deps, &ctx).await?;
    tick.exits_overdue = exits.overdue;
    tick.contracts_in_force = exits.contracts;
    // Upkeep of the ledger's totals; a failure costs only speed, never a wrong total.
    if let Err(e) = db::cases::compact_tallies(&deps.db).await {
        tracing::warn!(error = %e, "compacting the case tallies failed");
    }
    if tick != Tick::default() {
        let tx = deps.db.begin().await?;
        crate::service::audit::record(
            &tx,
            &ctx,
            AuditAction::ScannerTick,
            "scanner",
            "deadlines",
            SUCCESS,
            json!({
                "reminders": tick.reminders, "overdue": tick.overdue,
                "escalations_proposed": tick.escalations_proposed, "unsigned_flagged": tick.unsigned_flagged,
                "referrals_reminded": tick.referrals_reminded, "findings": tick.findings,
                "votes_counted": tick.votes_counted, "exits_overdue": tick.exits_overdue,
                "contracts_in_force": tick.contracts_in_force,
            }),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(tick)
}

/// Reminders before deadlines: for each running case, the most urgent reminder whose date has
/// come (N working days before, … , the day itself), once per case, deadline and offset.
async fn remind(deps: &Deps, ctx: &Ctx) -> Result<u64, ServiceError> {
    let cal = calendar(&deps.db).await?;
    let today = today(ctx.now);
    let offsets = deps.settings.reminder_days();
    let mut offsets_with_day: Vec<u32> = offsets.clone();
    offsets_with_day.push(0);
    offsets_with_day.sort_unstable();
    offsets_with_day.dedup();
    // Enough calendar days to cover the largest offset across a holiday week.
    let horizon = today + Duration::days(i64::from(offsets.first().copied().unwrap_or(3)) * 2 + 14);
    let mut sent = 0;
    let mut last_id = 0i64;
    loop {
        let cases = db::cases::with_deadline_between(
            &deps.db,
            CaseStatus::NoticeIssued.as_str(),
            today,
            horizon,
            last_id,
            CHUNK,
        )
        .await?;
        let Some(last) = cases.last() else { break };
        last_id = last.id;
        let mut notes = Vec::new();
        for c in &cases {
            let Some(deadline) = c.deadline else { continue };
            // The smallest offset whose reminder date has come is the most urgent one.
            let Some(n) = offsets_with_day.iter().copied().find(|n| cal.sub_working_days(deadline, *n) <= today) else {
                continue;
            };
            let when = if n == 0 {
                crate::domain::case::due_today_text(today, deadline)
            } else {
                format!("{n}个工作日后到期")
            };
            let title = format!("整改期限提醒：{}（{when}）", c.title);
            let body = format!("完成时限：{deadline}。请按期完成整改并报送整改情况。");
            if let Some(company) = c.company_id {
                notes.push(to_company(
                    company,
                    "deadline_reminder",
                    title.clone(),
                    body.clone(),
                    Some(c.id),
                    format!("reminder:{}:{deadline}:{n}:company", c.id),
                    ctx.now,
                ));
            }
            if let Some(user) = c.responsible_user_id {
                notes.push(to_user(
                    user,
                    "deadline_reminder",
                    title,
                    body,
                    Some(c.id),
                    format!("reminder:{}:{deadline}:{n}:user", c.id),
                    ctx.now,
                ));
            }
        }
        if !notes.is_empty() {
            let tx = deps.db.begin().await?;
            sent += db::notifications::notify(&tx, notes).await?;
            tx.commit().await?;
        }
        if (cases.len() as u64) < CHUNK {
            break;
        }
    }
    Ok(sent)
}

/// Marks chunks until none is left. Returns (cases marked, escalations proposed).
async fn mark_overdue(deps: &Deps, ctx: &Ctx) -> Result<(u64, u64), ServiceError> {
    let (mut marked, mut proposed) = (0, 0);
    loop {
        let (m, p) = mark_overdue_chunk(deps, ctx).await?;
        marked += m;
        proposed += p;
        if m < CHUNK {
            return Ok((marked, proposed));
        }
    }
}

/// Marks one chunk of cases overdue. Returns (cases marked, escalations proposed).
async fn mark_overdue_chunk(deps: &Deps, ctx: &Ctx) -> Result<(u64, u64), ServiceError> {
    let today = today(ctx.now);
    let started = std::time::Instant::now();
    let tx = deps.db.begin().await?;
    // Claimed with the row locks and in the order `db::cases::claim_overdue` explains.
    let cases = db::cases::claim_overdue(&tx, CaseStatus::NoticeIssued.as_str(), today, CHUNK).await?;
    let claimed = started.elapsed();
    if cases.is_empty() {
        tx.commit().await?;
        return Ok((0, 0));
    }
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    // Ids in lists of up to 1024; rows as `db::insert_bulk` says.
    // By id only: the claimed rows are this transaction's (locked on PostgreSQL; SQLite's one
    // writer fails the transaction if another committed since the claim), so they are still
    // `notice_issued`. A status condition here would let PostgreSQL, with statistics from before
    // the cases fell due ("hardly any notice_issued"), read every candidate through the status
    // index for each statement instead of looking up the chunk's ids.
    let t = std::time::Instant::now();
    db::cases::set_status_of_claimed(&tx, ids.clone(), CaseStatus::Overdue.as_str(), ctx.now).await?;
    let updated = t.elapsed();
    let public = "物业服务企业未在期限内完成整改，住建部门将依法进一步处理。";
    // The status is checked here, not in SQL, for the same reason.
    let pending: HashSet<i64> = db::escalations::of_cases(&tx, ids)
        .await?
        .into_iter()
        .filter(|p| p.status == EscalationStatus::Pending.as_str())
        .map(|p| p.case_id)
        .collect();
    let problems: Vec<i64> = cases.iter().filter_map(|c| c.problem_id).collect();
    let mut clues: HashMap<i64, Vec<i64>> = HashMap::new();
    for c in db::complaints::of_problems(&tx, problems).await? {
        if let Some(p) = c.problem_id {
            clues.entry(p).or_default().push(c.id);
        }
    }
    let mut events = Vec::with_capacity(cases.len());
    let mut clue_events = Vec::new();
    let mut proposals = Vec::new();
    let mut audit = Vec::with_capacity(cases.len());
    for c in &cases {
        events.push(db::cases::NewCaseEvent {
            case_id: c.id,
            kind: CaseEvent::MarkOverdue.as_str().into(),
            from_status: CaseStatus::NoticeIssued.as_str().into(),
            to_status: CaseStatus::Overdue.as_str().into(),
            note: format!(
                "完成时限 {} 已过，企业未报送整改情况",
                c.deadline.map(|d| d.to_string()).unwrap_or_default()
            ),
            public_text: public.into(),
            deadline: None,
            actor_user_id: None,
            actor_name: ctx.actor_name.clone(),
        });
        for clue in c.problem_id.and_then(|p| clues.get(&p)).into_iter().flatten() {
            clue_events.push(db::complaints::BulkClueEvent {
                complaint_id: *clue,
                kind: "case.mark_overdue".into(),
                public_text: public.into(),
                internal_note: String::new(),
                actor_user_id: None,
            });
        }
        let deadline = c.deadline.map(|d| d.to_string()).unwrap_or_default();
        let propose = !pending.contains(&c.id);
        if propose {
            proposals.push(db::escalations::NewProposal {
                case_id: c.id,
                reason: EscalationReason::Overdue,
                note: format!("完成时限 {deadline} 已过，企业未报送整改情况"),
            });
        }
        audit.push(entry(
            ctx,
            AuditAction::CaseStep(CaseEvent::MarkOverdue),
            "case",
            c.id,
            SUCCESS,
            json!({"from": "notice_issued", "to": "overdue", "deadline": c.deadline, "escalation_proposed": propose}),
        )?);
    }
    let notes = overdue_digests(&cases, ctx);
    let proposed = proposals.len() as u64;
    let prepared = started.elapsed();
    db::cases::insert_events_bulk(&tx, events, ctx.now).await?;
    db::complaints::insert_events_bulk(&tx, clue_events, ctx.now).await?;
    db::escalations::insert_pending_bulk(&tx, proposals, ctx.now).await?;
    db::notifications::notify(&tx, notes).await?;
    let inserted = started.elapsed();
    db::audit::append_many(&tx, audit).await?;
    let audited = started.elapsed();
    tx.commit().await?;
    tracing::debug!(
        cases = cases.len(),
        claim_ms = claimed.as_millis() as u64,
        update_ms = updated.as_millis() as u64,
        lookups_ms = (prepared - claimed - updated).as_millis() as u64,
        insert_ms = (inserted - prepared).as_millis() as u64,
        audit_ms = (audited - inserted).as_millis() as u64,
        commit_ms = (started.elapsed() - audited).as_millis() as u64,
        "scanner chunk marked overdue"
    );
    Ok((cases.len() as u64, proposed))
}

/// How many case titles a digest lists before "等N件".
const DIGEST_TITLES: usize = 10;

/// The overdue notices of a chunk: one per recipient (each company, each responsible person),
/// naming its cases, not one per case. A tick that finds 300 of a company's cases overdue sends
/// it one message (and one text message), not 300. A single case keeps its own notice, linked
/// to the case. Keys: a case falls overdue once per deadline, so a chunk's cases never recur.
fn overdue_digests(cases: &[OverdueClaim], ctx: &Ctx) -> Vec<NewNotification> {
    use std::collections::BTreeMap;
    let mut by_company: BTreeMap<i64, Vec<&OverdueClaim>> = BTreeMap::new();
    let mut by_user: BTreeMap<i64, Vec<&OverdueClaim>> = BTreeMap::new();
    for c in cases {
        if let Some(company) = c.company_id {
            by_company.entry(company).or_default().push(c);
        }
        if let Some(user) = c.responsible_user_id {
            by_user.entry(user).or_default().push(c);
        }
    }
    let deadline = |c: &OverdueClaim| c.deadline.map(|d| d.to_string()).unwrap_or_default();
    let listing = |cs: &[&OverdueClaim]| {
        let mut s = cs
            .iter()
            .take(DIGEST_TITLES)
            .map(|c| format!("{}（完成时限 {}）", c.title, deadline(c)))
            .collect::<Vec<_>>()
            .join("；");
        if cs.len() > DIGEST_TITLES {
            s.push_str(&format!("等{}件", cs.len()));
        }
        s
    };
    let key = |cs: &[&OverdueClaim], who: &str| match cs {
        [c] => format!("overdue:{}:{}:{who}", c.id, deadline(c)),
        _ => format!(
            "overdue:{}-{}:{}:{who}:{}",
            cs.first().map_or(0, |c| c.id),
            cs.last().map_or(0, |c| c.id),
            cs.len(),
            ctx.now.timestamp()
        ),
    };
    let mut notes = Vec::with_capacity(by_company.len() + by_user.len());
    for (company, cs) in by_company {
        let who = format!("company:{company}");
        notes.push(match cs.as_slice() {
            [c] => to_company(
                company,
                "case_overdue",
                format!("已逾期未整改：{}", c.title),
                format!("完成时限 {} 已过。", deadline(c)),
                Some(c.id),
                key(&cs, "company"),
                ctx.now,
            ),
            _ => to_company(
                company,
                "case_overdue",
                format!("{}件案件已逾期未整改", cs.len()),
                format!("以下案件完成时限已过，未报送整改情况：{}。", listing(&cs)),
                None,
                key(&cs, &who),
                ctx.now,
            ),
        });
    }
    for (user, cs) in by_user {
        let who = format!("user:{user}");
        notes.push(match cs.as_slice() {
            [c] => to_user(
                user,
                "case_overdue",
                format!("案件逾期未整改：{}", c.title),
                "已提请领导决定是否升级处理。".into(),
                Some(c.id),
                key(&cs, "user"),
                ctx.now,
            ),
            _ => to_user(
                user,
                "case_overdue",
                format!("{}件案件逾期未整改", cs.len()),
                format!("{}。已提请领导决定是否升级处理。", listing(&cs)),
                None,
                key(&cs, &who),
                ctx.now,
            ),
        });
    }
    notes
}

/// Flags notices not signed for within the configured working days. Returns (flagged,
/// escalations proposed).
async fn flag_unsigned(deps: &Deps, ctx: &Ctx) -> Result<(u64, u64), ServiceError> {
    let cal = calendar(&deps.db).await?;
    let today = today(ctx.now);
    let days = deps.settings.notice_sign_working_days;
    // Issued on or before this day, the signing period (counted from the day after issue,
    // 民法典第201条) ended before today began: a notice issued Monday with 3 working days is
    // first flagged on Friday.
    let cutoff = cal.latest_start_ended_before(today, days);
    let before = crate::domain::workdays::end_of_day(cutoff);
    let candidates = db::cases::unsigned_notices(&deps.db, before.min(ctx.now)).await?;
    let (mut flagged, mut proposed) = (0, 0);
    for n in candidates {
        let tx = deps.db.begin().await?;
        if !db::notices::flag_unsigned_if_issued(&tx, n.id, ctx.now).await? {
            tx.commit().await?;
            continue;
        }
        flagged += 1;
        for c in db::cases::cases_by_ids(&tx, db::cases::notice_case_ids(&tx, n.id).await?).await? {
            crate::service::timeline::timeline_note(
                &tx,
                ctx,
                &c,
                "notice_unsigned",
                &format!("整改通知书 {} 下发后{days}个工作日内未签收", n.number),
            )
            .await?;
            if matches!(CaseStatus::parse(&c.status), Some(CaseStatus::NoticeIssued | CaseStatus::Overdue))
                && crate::service::escalations::propose(
                    &tx,
                    ctx,
                    &c,
                    EscalationReason::Unsigned,
                    &format!("整改通知书 {} 逾期未签收", n.number),
                )
                .await?
            {
                proposed += 1;
            }
        }
        let note = to_user(
            n.issued_by,
            "notice_unsigned",
            format!("整改通知书逾期未签收：{}", n.number),
            "已提请领导决定是否升级处理。".into(),
            None,
            format!("unsigned:{}", n.id),
            ctx.now,
        );
        db::notifications::notify(&tx, vec![NewNotification { notice_id: Some(n.id), ..note }]).await?;
        crate::service::audit::record(
            &tx,
            ctx,
            AuditAction::NoticeFlagUnsigned,
            "notice",
            n.id,
            SUCCESS,
            json!({"number": n.number}),
        )
        .await?;
        tx.commit().await?;
    }
    Ok((flagged, proposed))
}

/// Ticks every `scanner_interval_seconds`, for as long as the server runs.
pub async fn run(deps: Deps) {
    let mut tick =
        tokio::time::interval(std::time::Duration::from_secs(deps.settings.scanner_interval_seconds.max(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match run_once(&deps, deps.clock.now()).await {
            Ok(t) if t != Tick::default() => tracing::info!(?t, "scanner tick"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "scanner tick failed"),
        }
    }
}
