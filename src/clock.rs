//! The injected clock: the system clock in production, a settable one in tests, so a test can
//! move time forward (idle timeouts, lockouts, deadlines) without sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, DurationRound, Utc};

/// A source of "now".
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, truncated to microseconds (the precision both databases keep).
    fn now(&self) -> DateTime<Utc>;
}

/// Shared handle to the application's clock.
pub type SharedClock = Arc<dyn Clock>;

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        micros(Utc::now())
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(micros(start)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().expect("clock lock");
        *t += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = micros(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// Asia/Shanghai (UTC+8, no daylight saving), in which instants are shown.
pub fn shanghai() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// Formats an instant for people, in Asia/Shanghai.
pub fn display(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// Formats a deadline for people: one that ends at the end of a day (24:00 Asia/Shanghai, 民法典
/// 第203条) reads `2024-06-18 24:00`, not as 00:00 of the next day.
pub fn display_deadline(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&shanghai());
    if local.time() == chrono::NaiveTime::MIN {
        format!("{} 24:00", crate::domain::workdays::last_day(t))
    } else {
        display(t)
    }
}

/// Formats a deadline's last day for letters and messages (`2024年6月18日`): the day before when
/// it ends at 24:00.
pub fn display_deadline_date(t: DateTime<Utc>) -> String {
    let d = crate::domain::workdays::last_day(t);
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Formats an instant's date for letters and messages, in Asia/Shanghai: `2024年6月18日`.
pub fn display_date(t: DateTime<Utc>) -> String {
    let d = t.with_timezone(&shanghai()).date_naive();
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Today in Asia/Shanghai.
pub fn today(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&crate::clock::shanghai()).date_naive()
}
