//! Working days (工作日): Monday to Friday, except statutory holidays, plus the weekend days the
//! State Council's yearly notice turns into make-up workdays (调休上班). The holiday table is data
//! (editable, seeded for 2024–2026 from the State Council General Office's notices, 国办发明电);
//! the arithmetic here is pure.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

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
}

impl Calendar {
    /// A calendar from (date, kind) entries.
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Calendar {
        Calendar { days: entries.into_iter().collect() }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `from` (`n` = 0: `from` itself if it is a working day,
    /// else the next one).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        while !self.is_working_day(d) {
            d += Duration::days(1);
        }
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The `n`-th working day before `to` (`n` = 0: `to` itself if it is a working day, else the
    /// one before).
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
    fn adding_working_days_skips_holidays_and_counts_make_up_days() {
        let c = cal();
        let cases = [
            // (from, n, expected, why)
            (d(2024, 6, 3), 5, d(2024, 6, 11), "Mon + 5 skips the weekend and 端午节"),
            (d(2024, 9, 27), 1, d(2024, 9, 29), "Fri + 1 lands on the make-up Sunday"),
            (d(2024, 9, 29), 1, d(2024, 9, 30), "make-up Sunday + 1 is Monday"),
            (d(2024, 9, 30), 1, d(2024, 10, 8), "across the 国庆节 week"),
            (d(2024, 10, 5), 0, d(2024, 10, 8), "0 from a holiday is the next working day"),
            (d(2024, 6, 7), 0, d(2024, 6, 7), "0 from a working day is itself"),
            (d(2024, 2, 8), 2, d(2024, 2, 18), "春节: 8th (Thu) + 9th (Fri), then the make-up Sunday 18th"),
        ];
        for (from, n, want, why) in cases {
            assert_eq!(c.add_working_days(from, n), want, "{why}");
        }
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
