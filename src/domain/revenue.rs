//! The public-revenue ledger (公共收益): income the company earns from the owners' common parts
//! and its spending or distribution, in integer fen. Entries are never changed or deleted; a
//! correction is a reversing entry (same direction and amount, pointing at the entry it
//! reverses) whose effect is the opposite. Statements are per calendar quarter, each opening
//! with the previous one's closing balance.

use chrono::{Datelike, NaiveDate};

/// Money in or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Income,
    Spending,
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    ElevatorAds,
    Parking,
    VenueRental,
    OtherIncome,
    ToMaintenanceFund,
    ToOwners,
    ApprovedExpense,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::ElevatorAds,
        Category::Parking,
        Category::VenueRental,
        Category::OtherIncome,
        Category::ToMaintenanceFund,
        Category::ToOwners,
        Category::ApprovedExpense,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::ElevatorAds => "elevator_ads",
            Category::Parking => "parking",
            Category::VenueRental => "venue_rental",
            Category::OtherIncome => "other_income",
            Category::ToMaintenanceFund => "to_maintenance_fund",
            Category::ToOwners => "to_owners",
            Category::ApprovedExpense => "approved_expense",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::ElevatorAds => "电梯广告收入",
            Category::Parking => "停车收入",
            Category::VenueRental => "场地租赁收入",
            Category::OtherIncome => "其他公共收益",
            Category::ToMaintenanceFund => "转入专项维修资金",
            Category::ToOwners => "分配给业主",
            Category::ApprovedExpense => "经业主大会同意的支出",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Category::ElevatorAds | Category::Parking | Category::VenueRental | Category::OtherIncome => {
                Direction::Income
            }
            _ => Direction::Spending,
        }
    }
}

/// One entry as the arithmetic sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub direction: Direction,
    /// Always positive.
    pub amount_fen: i64,
    pub on: NaiveDate,
    /// A reversing entry: its effect is the opposite of the entry it reverses.
    pub reversing: bool,
}

impl Line {
    /// The entry's effect on the income and spending totals: (income, spending).
    pub fn effect(&self) -> (i64, i64) {
        let a = if self.reversing { -self.amount_fen } else { self.amount_fen };
        match self.direction {
            Direction::Income => (a, 0),
            Direction::Spending => (0, a),
        }
    }
}

/// A quarter of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    pub year: i32,
    pub quarter: u32,
    pub opening_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
}

/// The calendar quarter of a day: (year, 1..=4).
pub fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

/// The quarterly statements of a ledger, oldest first, from the first quarter with an entry to
/// the last (quarters without entries in between carry the balance).
pub fn statements(lines: &[Line]) -> Vec<Statement> {
    let Some(first) = lines.iter().map(|l| quarter_of(l.on)).min() else { return Vec::new() };
    let last = lines.iter().map(|l| quarter_of(l.on)).max().expect("not empty");
    let mut out = Vec::new();
    let (mut y, mut q) = first;
    let mut balance = 0i64;
    loop {
        let (mut income, mut spending) = (0i64, 0i64);
        for l in lines.iter().filter(|l| quarter_of(l.on) == (y, q)) {
            let (i, s) = l.effect();
            income += i;
            spending += s;
        }
        let closing = balance + income - spending;
        out.push(Statement {
            year: y,
            quarter: q,
            opening_fen: balance,
            income_fen: income,
            spending_fen: spending,
            closing_fen: closing,
        });
        balance = closing;
        if (y, q) == last {
            return out;
        }
        (y, q) = if q == 4 { (y + 1, 1) } else { (y, q + 1) };
    }
}

/// Fen as yuan with two decimals, negative amounts with a minus sign: -1205 → "-12.05".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Parses yuan with up to two decimals into positive fen (at most 100 million yuan).
pub fn parse_yuan(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', "");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() || int.len() > 9 || frac.len() > 2 || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let fen = int.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    (fen > 0).then_some(fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn line(direction: Direction, amount_fen: i64, on: &str, reversing: bool) -> Line {
        Line { direction, amount_fen, on: d(on), reversing }
    }

    #[test]
    fn statements_carry_the_balance_and_reversals_undo_entries_in_integer_fen() {
        let lines = [
            line(Direction::Income, 120_000, "2024-02-10", false),
            line(Direction::Spending, 50_001, "2024-03-31", false),
            // A wrong income entered in Q2 and reversed in Q3.
            line(Direction::Income, 9_999, "2024-04-01", false),
            line(Direction::Income, 9_999, "2024-08-15", true),
            line(Direction::Spending, 3, "2024-12-31", false),
        ];
        let s = statements(&lines);
        assert_eq!(s.len(), 4);
        assert_eq!((s[0].year, s[0].quarter, s[0].opening_fen, s[0].closing_fen), (2024, 1, 0, 69_999));
        assert_eq!((s[1].income_fen, s[1].closing_fen), (9_999, 79_998));
        assert_eq!((s[2].income_fen, s[2].closing_fen), (-9_999, 69_999), "the reversal undoes the wrong entry");
        assert_eq!((s[3].spending_fen, s[3].closing_fen), (3, 69_996));
        assert!(statements(&[]).is_empty());
        // A quarter without entries carries the balance.
        let gap = statements(&[
            line(Direction::Income, 100, "2024-01-05", false),
            line(Direction::Income, 1, "2024-10-05", false),
        ]);
        assert_eq!(gap.iter().map(|s| s.closing_fen).collect::<Vec<_>>(), vec![100, 100, 100, 101]);
    }

    #[test]
    fn amounts_parse_and_print_as_yuan() {
        assert_eq!(parse_yuan("1,200.5"), Some(120_050));
        assert_eq!(parse_yuan("0.07"), Some(7));
        assert_eq!(parse_yuan("0"), None);
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-3"), None);
        assert_eq!(yuan(-1205), "-12.05");
        assert_eq!(yuan(69_996), "699.96");
        assert_eq!(quarter_of(d("2024-10-01")), (2024, 4));
        assert_eq!(Category::parse("parking").map(Category::direction), Some(Direction::Income));
    }
}
