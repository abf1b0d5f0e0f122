//! Working days (工作日) and how periods are counted.
//!
//! Working days are Monday to Friday, except statutory holidays, plus the weekend days the State
//! Council's yearly notice turns into make-up workdays (调休上班). The holiday table is data
//! (editable, seeded for 2024–2026 from the State Council General Office's notices, 国办发明电);
//! the arithmetic here is pure.
//!
//! **One convention for every period the platform computes** (民法典第201条、第203条):
//!
//! - A period starts on the day after the event: the event's own day is not counted, whatever
//!   kind of day it is (第201条). `add_working_days(Saturday, 15)` counts the first working day
//!   after that Saturday as day 1; a rest-day start is never first moved to a working day.
//! - A period ends at 24:00 (Asia/Shanghai) of its last day, never at the clock time of the
//!   event (第203条第二款); [`end_of_day`] is that instant.
//! - When the last day of a **calendar-day** period is a rest day or statutory holiday, the period
//!   ends on the first working day after it (第203条第一款); [`Calendar::calendar_period_end`].
//!   It applies to the 信访 periods (15 days to accept, 60 to conclude, the extension of up to
//!   30), the written-notice period of 民法典第946条 (60 days unless the contract says otherwise),
//!   the disclosure and public-revenue due dates counted in days after a period, and the default
//!   rectification deadline (15 days).
//! - It does not apply to **working-day** periods (referral feedback, the notice signing period,
//!   reminders): they only ever end on a working day. Nor to a **date someone chose** (a
//!   rectification deadline picked by staff, a survey's closing day, a resolution's date): that is
//!   an agreed date, not a period; a deadline picked on a rest day gets a warning on the form.
//! - Beyond the last year of the holiday table the calendar knows weekends only; [`Calendar::covers`]
//!   says so, and the pages showing such a date say it.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The instant a period whose last day is `day` ends: 24:00 of that day in Asia/Shanghai (that is,
/// 00:00 of the next day, UTC+8), 民法典第203条第二款.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = (day + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight");
    // Asia/Shanghai is UTC+8 all year (no daylight saving).
    DateTime::<Utc>::from_naive_utc_and_offset(next - Duration::hours(8), Utc)
}

/// The day in Asia/Shanghai an instant falls on.
pub fn shanghai_date(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(8)).date_naive()
}

/// The last day of a period that ends at `end` (an instant made by [`end_of_day`]): the day
/// before the Shanghai date of `end` when `end` is a midnight, else its own day.
pub fn last_day(end: DateTime<Utc>) -> NaiveDate {
    shanghai_date(end - Duration::seconds(1))
}

/// What a date in the table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 法定节假日 (or a day off of its block)
    Holiday,
    /// 调休上班: a weekend day that is worked
    Workday,
}

impl DayKind {
    /// The one string form (database, API, templates).
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<DayKind> {
        match s {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// The holiday table.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days: HashMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
}

impl Calendar {
    /// A calendar from (date, kind) entries.
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Calendar {
        let days: HashMap<NaiveDate, DayKind> = entries.into_iter().collect();
        let years = days.keys().map(|d| d.year()).collect();
        Calendar { days, years }
    }

    /// Whether the holiday table has `d`'s year: beyond it, only weekends are rest days.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.years.contains(&d.year())
    }

    /// The years the table has.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// The years from the table's first year up to `up_to` that the table lacks (the State
    /// Council publishes each year's arrangement in November or December of the year before).
    pub fn missing_years(&self, up_to: i32) -> Vec<i32> {
        let Some(first) = self.years.first().copied() else { return (up_to..=up_to).collect() };
        (first..=up_to).filter(|y| !self.years.contains(y)).collect()
    }

    /// What a page says beside a date the table does not cover, or `None`.
    pub fn coverage_note(&self, d: NaiveDate) -> Option<String> {
        (!self.covers(d)).then(|| format!("{}年节假日安排尚未录入，此日期仅按周末推算", d.year()))
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The first working day on or after `d`.
    pub fn working_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        while !self.is_working_day(d) {
            d += Duration::days(1);
        }
        d
    }

    /// The last day of a period of `n` working days that starts after `from` (第201条: `from`'s
    /// own day is not counted, whatever kind of day it is): the `n`-th working day after `from`.
    /// `n` = 0 is `from` itself.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The latest event day whose `n`-working-day period has ended before `today` began: a
    /// period started on that day or earlier is over (its last day, `add_working_days(day, n)`,
    /// lies before `today`).
    pub fn latest_start_ended_before(&self, today: NaiveDate, n: u32) -> NaiveDate {
        let mut d = today - Duration::days(1);
        while self.add_working_days(d, n) >= today {
            d -= Duration::days(1);
        }
        d
    }

    /// The `n`-th working day before `to` (`n` = 0: `to` itself if it is a working day, else the
    /// one before): the day a reminder `n` working days before a deadline is sent.
    pub fn sub_working_days(&self, to: NaiveDate, n: u32) -> NaiveDate {
        let mut d = to;
        while !self.is_working_day(d) {
            d -= Duration::days(1);
        }
        let mut left = n;
        while left > 0 {
            d -= Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The last day of a period of `days` calendar days after `from` (第201条: `from` not
    /// counted), moved to the first working day after it when it is a rest day or a statutory
    /// holiday (第203条第一款).
    pub fn calendar_period_end(&self, from: NaiveDate, days: i64) -> NaiveDate {
        self.working_day_on_or_after(from + Duration::days(days))
    }

    /// Working days after `from` up to and including `to` (negative when `to` is earlier):
    /// how many working days are left until a deadline, or how many it is overdue by.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let mut n = 0;
        let mut d = a + Duration::days(1);
        while d <= b {
            if self.is_working_day(d) {
                n += 1;
            }
            d += Duration::days(1);
        }
        sign * n
    }
}

/// The statutory holidays and make-up workdays of 2024–2026 (国务院办公厅关于节假日安排的通知).
pub fn seed() -> Vec<(NaiveDate, DayKind, &'static str)> {
    use DayKind::*;
    let mut out = Vec::new();
    let mut range = |y: i32, m1: u32, d1: u32, m2: u32, d2: u32, name: &'static str| {
        let mut d = NaiveDate::from_ymd_opt(y, m1, d1).expect("valid date");
        let end = NaiveDate::from_ymd_opt(y, m2, d2).expect("valid date");
        while d <= end {
            out.push((d, Holiday, name));
            d += Duration::days(1);
        }
    };
    // 2024 (国办发明电〔2023〕7号)
    range(2024, 1, 1, 1, 1, "元旦");
    range(2024, 2, 10, 2, 17, "春节");
    range(2024, 4, 4, 4, 6, "清明节");
    range(2024, 5, 1, 5, 5, "劳动节");
    range(2024, 6, 10, 6, 10, "端午节");
    range(2024, 9, 15, 9, 17, "中秋节");
    range(2024, 10, 1, 10, 7, "国庆节");
    // 2025 (国办发明电〔2024〕12号)
    range(2025, 1, 1, 1, 1, "元旦");
    range(2025, 1, 28, 2, 4, "春节");
    range(2025, 4, 4, 4, 6, "清明节");
    range(2025, 5, 1, 5, 5, "劳动节");
    range(2025, 5, 31, 6, 2, "端午节");
    range(2025, 10, 1, 10, 8, "国庆节、中秋节");
    // 2026 (国办发明电〔2025〕7号)
    range(2026, 1, 1, 1, 3, "元旦");
    range(2026, 2, 15, 2, 23, "春节");
    range(2026, 4, 4, 4, 6, "清明节");
    range(2026, 5, 1, 5, 5, "劳动节");
    range(2026, 6, 19, 6, 21, "端午节");
    range(2026, 9, 25, 9, 27, "中秋节");
    range(2026, 10, 1, 10, 7, "国庆节");
    let workdays: [(i32, u32, u32, &str); 17] = [
        (2024, 2, 4, "春节调休"),
        (2024, 2, 18, "春节调休"),
        (2024, 4, 7, "清明节调休"),
        (2024, 4, 28, "劳动节调休"),
        (2024, 5, 11, "劳动节调休"),
        (2024, 9, 14, "中秋节调休"),
        (2024, 9, 29, "国庆节调休"),
        (2024, 10, 12, "国庆节调休"),
        (2025, 1, 26, "春节调休"),
        (2025, 2, 8, "春节调休"),
        (2025, 4, 27, "劳动节调休"),
        (2025, 9, 28, "国庆节调休"),
        (2025, 10, 11, "国庆节调休"),
        (2026, 1, 4, "元旦调休"),
        (2026, 2, 14, "春节调休"),
        (2026, 2, 28, "春节调休"),
        (2026, 5, 9, "劳动节调休"),
    ];
    for (y, m, d, name) in workdays {
        out.push((NaiveDate::from_ymd_opt(y, m, d).expect("valid date"), Workday, name));
    }
    for (y, m, d) in [(2026, 9, 20), (2026, 10, 10)] {
        out.push((NaiveDate::from_ymd_opt(y, m, d).expect("valid date"), Workday, "国庆节调休"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::new(seed().into_iter().map(|(d, k, _)| (d, k)))
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let c = cal();
        let cases = [
            (d(2024, 6, 7), true, "an ordinary Friday"),
            (d(2024, 6, 8), false, "an ordinary Saturday"),
            (d(2024, 6, 10), false, "端午节 on a Monday"),
            (d(2024, 10, 3), false, "国庆节 on a Thursday"),
            (d(2024, 9, 29), true, "a Sunday worked before 国庆节"),
            (d(2024, 10, 12), true, "a Saturday worked after 国庆节"),
            (d(2025, 1, 26), true, "a Sunday worked before 春节"),
            (d(2026, 2, 23), false, "the last day of 春节 2026, a Monday"),
            (d(2026, 1, 4), true, "a Sunday worked after 元旦 2026"),
            (d(2027, 1, 1), true, "no table for 2027: a Friday is a working day"),
        ];
        for (date, working, why) in cases {
            assert_eq!(c.is_working_day(date), working, "{date}: {why}");
        }
    }

    #[test]
    fn adding_working_days_starts_the_day_after_the_event() {
        let c = cal();
        let cases = [
            // (from, n, expected, why)
            (d(2024, 6, 3), 5, d(2024, 6, 11), "Mon + 5 skips the weekend and 端午节"),
            (d(2024, 6, 8), 15, d(2024, 7, 1), "a Saturday start is not first moved to Monday (第201条)"),
            (d(2024, 6, 9), 1, d(2024, 6, 11), "a Sunday before 端午节: day 1 is Tuesday"),
            (d(2024, 10, 5), 1, d(2024, 10, 8), "a holiday start: day 1 is the first working day after"),
            (d(2024, 9, 27), 1, d(2024, 9, 29), "Fri + 1 lands on the make-up Sunday"),
            (d(2024, 9, 29), 1, d(2024, 9, 30), "a make-up Sunday start: day 1 is Monday"),
            (d(2024, 9, 30), 1, d(2024, 10, 8), "across the 国庆节 week 2024"),
            (d(2025, 9, 30), 1, d(2025, 10, 9), "across the 8 days of 国庆节、中秋节 2025"),
            (d(2025, 9, 27), 1, d(2025, 9, 28), "Sat + 1 is the make-up Sunday before 国庆节 2025"),
            (d(2025, 1, 24), 3, d(2025, 2, 5), "春节 2025: make-up Sunday 26th, Monday 27th, then 5 Feb"),
            (d(2026, 2, 13), 2, d(2026, 2, 24), "春节 2026: make-up Saturday 14th, then 24 Feb"),
            (d(2025, 12, 31), 1, d(2026, 1, 4), "across the year: 元旦 2026, then the make-up Sunday"),
            (d(2026, 12, 31), 1, d(2027, 1, 1), "no table for 2027: weekends only"),
            (d(2024, 6, 7), 0, d(2024, 6, 7), "0 is the day itself"),
        ];
        for (from, n, want, why) in cases {
            assert_eq!(c.add_working_days(from, n), want, "{from} + {n}: {why}");
        }
    }

    #[test]
    fn a_calendar_day_period_ending_on_a_rest_day_ends_on_the_next_working_day() {
        let c = cal();
        let cases = [
            // (event day, days, last day, why)
            (d(2024, 6, 3), 15, d(2024, 6, 18), "信访 acceptance, ends on a Tuesday"),
            (d(2024, 6, 7), 15, d(2024, 6, 24), "ends on a Saturday: Monday"),
            (d(2024, 6, 8), 15, d(2024, 6, 24), "a Saturday start counts from Sunday; ends on Sunday: Monday"),
            (d(2024, 8, 2), 60, d(2024, 10, 8), "第946条 notice lands on 国庆节 2024"),
            (d(2024, 9, 14), 15, d(2024, 9, 29), "ends on a make-up Sunday, a working day"),
            (d(2025, 9, 16), 15, d(2025, 10, 9), "lands in the 8 days of 国庆节 2025"),
            (d(2025, 1, 13), 15, d(2025, 2, 5), "lands in 春节 2025"),
            (d(2026, 2, 1), 15, d(2026, 2, 24), "lands in 春节 2026"),
            (d(2025, 12, 17), 15, d(2026, 1, 4), "lands on 元旦 2026: the make-up Sunday after it"),
            (d(2026, 12, 18), 15, d(2027, 1, 4), "2027 not in the table: a Saturday moves to Monday"),
            (d(2024, 6, 3), 60, d(2024, 8, 2), "信访 conclusion, a Friday"),
        ];
        for (from, days, want, why) in cases {
            assert_eq!(c.calendar_period_end(from, days), want, "{from} + {days} days: {why}");
        }
    }

    #[test]
    fn a_period_ends_at_24_00_shanghai_of_its_last_day() {
        let end = end_of_day(d(2024, 6, 18));
        assert_eq!(end.to_rfc3339(), "2024-06-18T16:00:00+00:00");
        assert_eq!(last_day(end), d(2024, 6, 18));
        assert_eq!(shanghai_date("2024-06-18T15:59:59Z".parse().unwrap()), d(2024, 6, 18));
        assert_eq!(shanghai_date("2024-06-18T16:00:00Z".parse().unwrap()), d(2024, 6, 19));
    }

    #[test]
    fn a_working_day_period_is_over_only_after_its_last_day() {
        let c = cal();
        // Issued Monday 2024-06-03 with 3 working days: the period is 4, 5 and 6 June.
        let issued = d(2024, 6, 3);
        assert!(c.latest_start_ended_before(d(2024, 6, 6), 3) < issued, "not yet over on the 6th");
        assert!(c.latest_start_ended_before(d(2024, 6, 7), 3) >= issued, "over on the 7th");
        // Issued Friday 2024-06-07: 11, 12, 13 June (端午节 on the 10th).
        let issued = d(2024, 6, 7);
        assert!(c.latest_start_ended_before(d(2024, 6, 13), 3) < issued);
        assert!(c.latest_start_ended_before(d(2024, 6, 14), 3) >= issued);
        // Issued on the make-up Sunday 2024-09-29: 30 Sep, 8 and 9 Oct.
        let issued = d(2024, 9, 29);
        assert!(c.latest_start_ended_before(d(2024, 10, 9), 3) < issued);
        assert!(c.latest_start_ended_before(d(2024, 10, 10), 3) >= issued);
    }

    #[test]
    fn the_table_says_which_years_it_lacks() {
        let c = cal();
        assert!(c.covers(d(2026, 12, 31)));
        assert!(!c.covers(d(2027, 1, 1)));
        assert_eq!(c.missing_years(2027), vec![2027]);
        assert_eq!(c.missing_years(2026), Vec::<i32>::new());
        assert!(c.coverage_note(d(2027, 3, 1)).unwrap().contains("2027年"));
        assert_eq!(c.coverage_note(d(2026, 3, 1)), None);
    }

    #[test]
    fn subtracting_working_days_finds_reminder_dates() {
        let c = cal();
        // A deadline on Tuesday 2024-10-08: 1 working day before is Sunday 09-29 (make-up),
        // not the holidays in between; 3 before is Thursday 09-26.
        assert_eq!(c.sub_working_days(d(2024, 10, 8), 1), d(2024, 9, 30));
        assert_eq!(c.sub_working_days(d(2024, 10, 8), 2), d(2024, 9, 29));
        assert_eq!(c.sub_working_days(d(2024, 10, 8), 3), d(2024, 9, 27));
        assert_eq!(c.sub_working_days(d(2024, 6, 10), 0), d(2024, 6, 7), "a holiday deadline falls back");
    }

    #[test]
    fn days_left_and_days_overdue() {
        let c = cal();
        assert_eq!(c.working_days_between(d(2024, 6, 7), d(2024, 6, 11)), 1, "Sat, Sun, 端午 skipped");
        assert_eq!(c.working_days_between(d(2024, 6, 11), d(2024, 6, 7)), -1);
        assert_eq!(c.working_days_between(d(2024, 6, 7), d(2024, 6, 7)), 0);
        assert_eq!(c.working_days_between(d(2024, 9, 28), d(2024, 10, 8)), 3, "29th, 30th, 8th");
    }

    #[test]
    fn the_seed_has_no_date_twice() {
        let s = seed();
        let mut dates: Vec<_> = s.iter().map(|(d, _, _)| *d).collect();
        dates.sort();
        dates.dedup();
        assert_eq!(dates.len(), s.len());
        assert!(
            s.iter()
                .filter(|(_, k, _)| *k == DayKind::Workday)
                .all(|(d, _, _)| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        );
    }
}
