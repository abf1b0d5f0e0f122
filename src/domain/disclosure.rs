//! Disclosure (信息公开, 民法典第943条): what a company publishes, how often, and by when.
//!
//! Each item has a frequency (monthly, quarterly, half-yearly, yearly) and a due rule: standing
//! information (service items, staff, standards, fees) is due a number of days after its
//! period *starts*; reports (performance, maintenance-fund use, fee accounts, parking) a number
//! of days after it *ends*. The system's own check looks, per item, at the latest period whose
//! due date plus the grace has passed. A due date counted in days after a period's start or end is
//! a calendar-day period: when it lands on a rest day or holiday it moves to the next working day
//! (民法典第203条, as every such period in `workdays`).

use chrono::{Datelike, Duration, NaiveDate};

use super::workdays::Calendar;

/// How often an item is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] =
        [Frequency::Monthly, Frequency::Quarterly, Frequency::HalfYearly, Frequency::Yearly];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Monthly => "每月",
            Frequency::Quarterly => "每季度",
            Frequency::HalfYearly => "每半年",
            Frequency::Yearly => "每年",
        }
    }

    fn months(self) -> u32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::HalfYearly => 6,
            Frequency::Yearly => 12,
        }
    }
}

/// From which end of its period an item's due date counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueBasis {
    /// Standing information, published for the period ahead.
    Start,
    /// A report on the period behind.
    End,
}

impl DueBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            DueBasis::Start => "start",
            DueBasis::End => "end",
        }
    }

    pub fn parse(s: &str) -> Option<DueBasis> {
        match s {
            "start" => Some(DueBasis::Start),
            "end" => Some(DueBasis::End),
            _ => None,
        }
    }
}

/// One period of an item: the first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub frequency: Frequency,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The period of `frequency` containing `day`.
    pub fn containing(frequency: Frequency, day: NaiveDate) -> Period {
        let m = frequency.months();
        let first_month = (day.month0() / m) * m + 1;
        let start = NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("valid month start");
        let end = start + chrono::Months::new(m) - chrono::Days::new(1);
        Period { frequency, start, end }
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        Period::containing(self.frequency, self.start - Duration::days(1))
    }

    /// The stable key: `2026`, `2026H1`, `2026Q3`, `2026-11`.
    pub fn key(self) -> String {
        let y = self.start.year();
        match self.frequency {
            Frequency::Yearly => format!("{y}"),
            Frequency::HalfYearly => format!("{y}H{}", self.start.month0() / 6 + 1),
            Frequency::Quarterly => format!("{y}Q{}", self.start.month0() / 3 + 1),
            Frequency::Monthly => format!("{y}-{:02}", self.start.month()),
        }
    }

    /// Parses a key of the given frequency.
    pub fn parse(frequency: Frequency, key: &str) -> Option<Period> {
        let (y, rest) = (key.get(..4)?, key.get(4..)?);
        let y: i32 = y.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let month = match (frequency, rest) {
            (Frequency::Yearly, "") => 1,
            (Frequency::HalfYearly, "H1") => 1,
            (Frequency::HalfYearly, "H2") => 7,
            (Frequency::Quarterly, q) => {
                3 * q.strip_prefix('Q')?.parse::<u32>().ok().filter(|q| (1..=4).contains(q))? - 2
            }
            (Frequency::Monthly, m) => m.strip_prefix('-')?.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?,
            _ => return None,
        };
        let p = Period::containing(frequency, NaiveDate::from_ymd_opt(y, month, 1)?);
        (p.key() == key).then_some(p)
    }

    /// How people read it: `2026年`, `2026年上半年`, `2026年第3季度`, `2026年11月`.
    pub fn label(self) -> String {
        let y = self.start.year();
        match self.frequency {
            Frequency::Yearly => format!("{y}年"),
            Frequency::HalfYearly => format!("{y}年{}", if self.start.month() == 1 { "上半年" } else { "下半年" }),
            Frequency::Quarterly => format!("{y}年第{}季度", self.start.month0() / 3 + 1),
            Frequency::Monthly => format!("{y}年{}月", self.start.month()),
        }
    }

    /// The day by which the period's disclosure is due: `days` after the period's start or end,
    /// moved to the next working day when that is a rest day or holiday (第203条).
    pub fn due(self, basis: DueBasis, days: i64, cal: &Calendar) -> NaiveDate {
        match basis {
            DueBasis::Start => cal.calendar_period_end(self.start, days),
            DueBasis::End => cal.calendar_period_end(self.end, days),
        }
    }
}

/// The periods an item may be published for on `today`, newest first: the current one (when
/// its disclosure is due from its start) and the previous four.
pub fn publishable(frequency: Frequency, basis: DueBasis, today: NaiveDate) -> Vec<Period> {
    let mut p = Period::containing(frequency, today);
    if basis == DueBasis::End {
        // A report covers a period that has ended.
        p = p.previous();
    }
    let mut out = vec![p];
    for _ in 0..4 {
        p = p.previous();
        out.push(p);
    }
    out
}

/// The latest period whose due date plus `grace_days` lies before `today`, if that due date
/// is on or after `since` (the day the community came under supervision: periods before it are
/// not checked).
pub fn latest_overdue(
    frequency: Frequency,
    basis: DueBasis,
    due_days: i64,
    grace_days: i64,
    today: NaiveDate,
    since: NaiveDate,
    cal: &Calendar,
) -> Option<Period> {
    let mut p = Period::containing(frequency, today);
    // At most a year and a half back: due days are bounded by the form (≤ 180).
    for _ in 0..20 {
        let due = p.due(basis, due_days, cal);
        if due + Duration::days(grace_days) < today {
            return (due >= since).then_some(p);
        }
        p = p.previous();
    }
    None
}

/// The structured fields of an item: one label per line of its configuration.
pub fn field_labels(fields: &str) -> Vec<String> {
    fields.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.chars().take(50).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> Calendar {
        Calendar::new(crate::domain::workdays::seed().into_iter().map(|(d, k, _)| (d, k)))
    }

    #[test]
    fn periods_have_keys_labels_and_due_dates() {
        let q = Period::containing(Frequency::Quarterly, d("2026-08-15"));
        assert_eq!(
            (q.start, q.end, q.key(), q.label()),
            (d("2026-07-01"), d("2026-09-30"), "2026Q3".into(), "2026年第3季度".into())
        );
        let c = cal();
        assert_eq!(q.due(DueBasis::End, 15, &c), d("2026-10-15"));
        assert_eq!(q.due(DueBasis::End, 10, &c), d("2026-10-10"), "a make-up Saturday is a working day");
        assert_eq!(q.due(DueBasis::End, 5, &c), d("2026-10-08"), "10-05 is 国庆节");
        assert_eq!(q.previous().key(), "2026Q2");
        assert_eq!(Period::containing(Frequency::Quarterly, d("2026-01-01")).previous().key(), "2025Q4");
        let h = Period::containing(Frequency::HalfYearly, d("2026-12-31"));
        assert_eq!((h.key(), h.label(), h.start), ("2026H2".into(), "2026年下半年".into(), d("2026-07-01")));
        let y = Period::containing(Frequency::Yearly, d("2026-03-03"));
        assert_eq!(
            (y.key(), y.end, y.due(DueBasis::Start, 30, &c)),
            ("2026".into(), d("2026-12-31"), d("2026-02-02")),
            "01-31 is a Saturday: Monday"
        );
        let q2 = Period::containing(Frequency::Quarterly, d("2024-08-01"));
        assert_eq!(q2.due(DueBasis::End, 1, &c), d("2024-10-08"), "10-01 is 国庆节");
        assert_eq!(Period::containing(Frequency::Monthly, d("2026-02-10")).end, d("2026-02-28"));
        for p in [q, h, y, Period::containing(Frequency::Monthly, d("2026-11-30"))] {
            assert_eq!(Period::parse(p.frequency, &p.key()), Some(p), "{} round-trips", p.key());
        }
        assert_eq!(Period::parse(Frequency::Quarterly, "2026Q5"), None);
        assert_eq!(Period::parse(Frequency::Yearly, "2026Q1"), None);
        // Whatever a form sends: no panic on characters wider than a byte.
        for odd in ["２０２６Q1", "202", "", "2026年", "20２6"] {
            assert_eq!(Period::parse(Frequency::Quarterly, odd), None, "{odd}");
        }
    }

    #[test]
    fn the_latest_overdue_period_counts_the_grace_and_the_start_of_supervision() {
        let since = d("2020-01-01");
        let c = cal();
        // Q3 is due 10-15; with 7 days' grace it is overdue from 10-23.
        let late =
            |today| latest_overdue(Frequency::Quarterly, DueBasis::End, 15, 7, d(today), since, &c).map(Period::key);
        assert_eq!(late("2026-10-22"), Some("2026Q2".into()));
        assert_eq!(late("2026-10-23"), Some("2026Q3".into()));
        // Standing information for 2026 was due on 01-31, a Saturday: Monday 02-02.
        let yearly =
            |today| latest_overdue(Frequency::Yearly, DueBasis::Start, 30, 0, d(today), since, &c).map(Period::key);
        assert_eq!(yearly("2026-02-02"), Some("2025".into()));
        assert_eq!(yearly("2026-02-03"), Some("2026".into()));
        // A period due before the community came under supervision is not checked.
        assert_eq!(
            latest_overdue(Frequency::Quarterly, DueBasis::End, 15, 7, d("2026-10-23"), d("2026-10-16"), &c),
            None
        );
        assert_eq!(publishable(Frequency::Quarterly, DueBasis::End, d("2026-11-27"))[0].key(), "2026Q3");
        assert_eq!(publishable(Frequency::Yearly, DueBasis::Start, d("2026-11-27"))[0].key(), "2026");
    }
}
