//! The holiday table (法定节假日与调休上班日) that working-day deadlines and reminders are
//! counted on: listed by year, edited by administrators and bureau staff, each change audited.
//! The State Council publishes each year's arrangement in November or December; the table is
//! seeded for 2024–2026 and extended here.

use chrono::{DateTime, Utc};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, role_may};
use crate::domain::workdays::Calendar;
use crate::domain::workdays::DayKind;

/// One entry of the table.
#[derive(Debug, Clone, Serialize)]
pub struct HolidayView {
    pub day: NaiveDate,
    pub weekday: String,
    pub kind: String,
    pub kind_label: String,
    pub name: String,
}

fn weekday(d: NaiveDate) -> String {
    ["一", "二", "三", "四", "五", "六", "日"][d.weekday().num_days_from_monday() as usize].to_string()
}

/// The entries of one year, in date order, and the years the table covers.
pub async fn list(deps: &Deps, year: Option<i32>) -> Result<(i32, Vec<i32>, Vec<HolidayView>), ServiceError> {
    let all = db::cases::holidays(&deps.db).await?;
    let mut years: Vec<i32> = all.iter().map(|h| h.day.year()).collect();
    years.sort_unstable();
    years.dedup();
    let year = year.or(years.last().copied()).unwrap_or(2026);
    let items = all
        .into_iter()
        .filter(|h| h.day.year() == year)
        .map(|h| HolidayView {
            day: h.day,
            weekday: weekday(h.day),
            kind_label: if h.kind == "workday" { "调休上班" } else { "放假" }.into(),
            kind: h.kind,
            name: h.name,
        })
        .collect();
    Ok((year, years, items))
}

/// The years the table lacks, up to the current one, and from November on (when the State
/// Council publishes the next year's arrangement) the next one too: dates in them are counted
/// with weekends only.
pub async fn missing_years(deps: &Deps) -> Result<Vec<i32>, ServiceError> {
    let today = crate::clock::today(deps.clock.now());
    let up_to = today.year() + i32::from(today.month() >= 11);
    Ok(super::holidays::calendar(&deps.db).await?.missing_years(up_to))
}

fn check(ctx: &Ctx) -> Result<(), ServiceError> {
    if role_may(ctx.actor()?.role, Action::EditHolidays) { Ok(()) } else { Err(ServiceError::Forbidden(Denied::Role)) }
}

/// Sets what a date is (adds it, or changes an existing entry).
pub async fn save(deps: &Deps, ctx: &Ctx, day: Option<NaiveDate>, kind: &str, name: &str) -> Result<(), ServiceError> {
    check(ctx)?;
    let day = day.ok_or_else(|| ServiceError::field("day", "请填写日期（如 2027-01-01）"))?;
    let kind = DayKind::parse(kind).ok_or_else(|| ServiceError::field("kind", "请选择放假或调休上班"))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(ServiceError::field("name", "请填写节日名称（不超过50字）"));
    }
    let tx = deps.db.begin().await?;
    let existing = db::holidays::find_by_day(&tx, day).await?;
    match &existing {
        Some(h) => db::holidays::update(&tx, h.id, kind.as_str(), name, ctx.now).await?,
        None => db::holidays::insert(&tx, day, kind.as_str(), name, ctx.now).await?,
    }
    let before = existing.map(|h| json!({"kind": h.kind, "name": h.name}));
    record(
        &tx,
        ctx,
        AuditAction::HolidaySave,
        "holiday",
        day,
        SUCCESS,
        json!({"before": before, "kind": kind.as_str(), "name": name}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a date from the table (it becomes an ordinary weekday or weekend day).
pub async fn delete(deps: &Deps, ctx: &Ctx, day: Option<NaiveDate>) -> Result<(), ServiceError> {
    check(ctx)?;
    let day = day.ok_or_else(|| ServiceError::field("day", "请填写日期"))?;
    let tx = deps.db.begin().await?;
    if db::holidays::delete_by_day(&tx, day).await? == 0 {
        return Err(ServiceError::NotFound("节假日"));
    }
    record(&tx, ctx, AuditAction::HolidayDelete, "holiday", day, SUCCESS, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The holiday table as a calendar.
pub async fn calendar<C: ConnectionTrait>(db: &C) -> Result<Calendar, ServiceError> {
    Ok(Calendar::new(
        db::cases::holidays(db).await?.into_iter().filter_map(|h| DayKind::parse(&h.kind).map(|k| (h.day, k))),
    ))
}

/// The deadline the forms offer (15 days, moved off a rest day).
pub async fn default_deadline(deps: &Deps, now: DateTime<Utc>) -> Result<NaiveDate, ServiceError> {
    Ok(crate::domain::case::default_deadline(today(now), &calendar(&deps.db).await?))
}

/// The warning beside a deadline picked on a form, if any.
pub async fn deadline_warning(deps: &Deps, d: NaiveDate) -> Result<Option<String>, ServiceError> {
    Ok(crate::domain::case::deadline_warning(d, &calendar(&deps.db).await?))
}

/// Seeds the holiday table (2024–2026) when it is empty.
pub async fn ensure_holidays(deps: &Deps) -> Result<(), ServiceError> {
    if !db::cases::holidays(&deps.db).await?.is_empty() {
        return Ok(());
    }
    let now = deps.clock.now();
    let tx = deps.db.begin().await?;
    let rows: Vec<_> =
        crate::domain::workdays::seed().into_iter().map(|(day, kind, name)| (day, kind.as_str(), name)).collect();
    let count = rows.len();
    db::holidays::insert_many(&tx, rows, now).await?;
    record(
        &tx,
        &Ctx::system(now, "初始化"),
        AuditAction::HolidaysSeed,
        "holiday",
        "all",
        SUCCESS,
        json!({"days": count}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
