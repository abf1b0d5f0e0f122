//! The public-revenue ledger (公共收益): income the company earns from the owners' common parts
//! and its spending or distribution, in integer fen. Entries are never changed or deleted; a
//! correction is a reversing entry (same direction and amount, pointing at the entry it
//! reverses) whose effect is the opposite. Statements are per calendar quarter, each opening
//! with the previous one's closing balance.

use chrono::{Datelike, NaiveDate};

super::labelled_enum! {
    /// Where a published quarterly statement stands with the owners' committee.
    pub enum StatementStatus {
        /// 已公示, waiting for the committee.
        Published => ("published", "待业委会确认"),
        /// 业委会已确认.
        Confirmed => ("confirmed", "业委会已确认"),
        /// 业委会有异议 (with its reason).
        Disputed => ("disputed", "业委会有异议"),
    }
}

impl StatementStatus {
    /// The committee's verdict on a published statement: only a published one can be reviewed.
    pub fn review(self, confirm: bool) -> Option<StatementStatus> {
        match self {
            StatementStatus::Published => {
                Some(if confirm { StatementStatus::Confirmed } else { StatementStatus::Disputed })
            }
            StatementStatus::Confirmed | StatementStatus::Disputed => None,
        }
    }
}

super::labelled_enum! {
    /// The committee's answer to a published statement, as the revenue page's two buttons post it.
    pub enum StatementReview {
        /// The statement matches the committee's records.
        Confirm => ("confirm", "确认"),
        /// It does not (with a reason).
        Dispute => ("dispute", "提出异议"),
    }
}

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

/// An owners' assembly resolution authorising business on common parts (民法典第278条(八)) and
/// saying how its income is shared, in whole percent summing to 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub reference: String,
    pub adopted_on: NaiveDate,
    pub fund_pct: i32,
    pub owners_pct: i32,
    pub expenses_pct: i32,
    /// What the company may keep (its cost of running the business).
    pub company_pct: i32,
    /// Days after a quarter's end by which its income must be distributed.
    pub settle_days: i32,
    /// The owners' decision (第278条(八)) that adopted it, where recorded on the platform.
    pub decision_id: Option<i64>,
}

/// Checks a resolution's shares: each 0–100, together 100.
pub fn check_shares(fund: i32, owners: i32, expenses: i32, company: i32) -> Result<(), &'static str> {
    let all = [fund, owners, expenses, company];
    if all.iter().any(|p| !(0..=100).contains(p)) {
        return Err("各项比例应在0至100之间");
    }
    if all.iter().sum::<i32>() != 100 {
        return Err("维修资金、业主分配、公共支出和企业提取的比例合计应为100%");
    }
    Ok(())
}

/// An entry as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub category: Category,
    pub amount_fen: i64,
    pub on: NaiveDate,
    pub reversing: bool,
    /// Another entry reverses this one.
    pub reversed: bool,
    pub resolution_ref: String,
}

/// B1 (擅自利用共有部分经营): income entries, standing (neither reversing nor reversed), that
/// name no resolution of the community adopted on or before the day of the income.
pub fn unauthorised_income(entries: &[Entry], resolutions: &[Resolution]) -> Vec<i64> {
    entries
        .iter()
        .filter(|e| e.category.direction() == Direction::Income && !e.reversing && !e.reversed)
        .filter(|e| {
            let named = e.resolution_ref.trim();
            !resolutions.iter().any(|r| r.reference == named && r.adopted_on <= e.on)
        })
        .map(|e| e.id)
        .collect()
}

/// What the resolutions say is owed from income up to a day, and what was paid by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Distribution {
    pub fund_owed: i64,
    pub fund_paid: i64,
    pub owners_owed: i64,
    pub owners_paid: i64,
    /// Everything but the company's share.
    pub total_owed: i64,
    /// Paid to the fund, to owners and spent on approved expenses.
    pub total_paid: i64,
}

impl Distribution {
    /// B3 (未按决议分配使用): something owed was not paid.
    pub fn short(&self) -> bool {
        self.fund_paid < self.fund_owed || self.owners_paid < self.owners_owed || self.total_paid < self.total_owed
    }
}

/// Income up to `income_until` under each resolution it names, shared by the resolution's
/// percentages (each share rounded down to the fen, in the company's favour by under a fen),
/// against distributions and approved spending up to `paid_until`. Cumulative from the first
/// entry, so a late payment makes up for an earlier shortfall. A corrected entry and its
/// reversal count for nothing, whenever each is dated (a wrong income reversed in a later
/// quarter was never owed).
pub fn distribution(
    entries: &[Entry],
    resolutions: &[Resolution],
    income_until: NaiveDate,
    paid_until: NaiveDate,
) -> Distribution {
    let mut d = Distribution::default();
    for r in resolutions {
        let income: i64 = entries
            .iter()
            .filter(|e| e.category.direction() == Direction::Income && e.on <= income_until)
            .filter(|e| !e.reversing && !e.reversed)
            .filter(|e| e.resolution_ref.trim() == r.reference)
            .map(|e| e.amount_fen)
            .sum();
        let share = |pct: i32| income.max(0) * i64::from(pct) / 100;
        d.fund_owed += share(r.fund_pct);
        d.owners_owed += share(r.owners_pct);
        d.total_owed += share(100 - r.company_pct);
    }
    for e in entries
        .iter()
        .filter(|e| e.category.direction() == Direction::Spending && e.on <= paid_until && !e.reversing && !e.reversed)
    {
        let a = e.amount_fen;
        match e.category {
            Category::ToMaintenanceFund => d.fund_paid += a,
            Category::ToOwners => d.owners_paid += a,
            _ => {}
        }
        d.total_paid += a;
    }
    d
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_review_is_confirm_or_dispute_and_nothing_else() {
        for r in StatementReview::ALL {
            assert_eq!(StatementReview::parse(r.as_str()), Some(r));
        }
        assert_eq!(StatementReview::parse("confirm"), Some(StatementReview::Confirm));
        assert_eq!(StatementReview::parse("dispute"), Some(StatementReview::Dispute));
        assert_eq!(StatementReview::parse(""), None);
        assert_eq!(StatementReview::parse("approve"), None);
    }

    #[test]
    fn statement_statuses_read_back_and_only_a_published_statement_is_reviewed() {
        for s in StatementStatus::ALL {
            assert_eq!(StatementStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(StatementStatus::parse("draft"), None);
        for (from, confirm, to) in [
            (StatementStatus::Published, true, Some(StatementStatus::Confirmed)),
            (StatementStatus::Published, false, Some(StatementStatus::Disputed)),
            (StatementStatus::Confirmed, false, None),
            (StatementStatus::Disputed, true, None),
        ] {
            assert_eq!(from.review(confirm), to, "{from:?} confirm={confirm}");
        }
        assert_eq!(StatementStatus::Disputed.label(), "业委会有异议");
    }
    use super::*;
    use crate::domain::money::yuan;

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

    fn entry(id: i64, category: Category, amount_fen: i64, on: &str, resolution: &str) -> Entry {
        Entry {
            id,
            category,
            amount_fen,
            on: d(on),
            reversing: false,
            reversed: false,
            resolution_ref: resolution.into(),
        }
    }

    fn resolution(reference: &str, adopted: &str) -> Resolution {
        Resolution {
            reference: reference.into(),
            adopted_on: d(adopted),
            fund_pct: 50,
            owners_pct: 20,
            expenses_pct: 0,
            company_pct: 30,
            settle_days: 30,
            decision_id: None,
        }
    }

    #[test]
    fn income_without_an_adopted_resolution_is_flagged_b1() {
        let rs = [resolution("业主大会决议〔2024〕1号", "2024-03-01")];
        let mut reversed = entry(4, Category::Parking, 500, "2024-05-01", "");
        reversed.reversed = true;
        let entries = [
            entry(1, Category::ElevatorAds, 10_000, "2024-04-01", "业主大会决议〔2024〕1号"),
            entry(2, Category::Parking, 5_000, "2024-04-02", ""),
            // Named, but the resolution was adopted later.
            entry(3, Category::VenueRental, 700, "2024-02-01", "业主大会决议〔2024〕1号"),
            reversed,
            entry(5, Category::ToOwners, 100, "2024-05-01", ""),
        ];
        assert_eq!(unauthorised_income(&entries, &rs), vec![2, 3]);
        assert!(check_shares(50, 20, 0, 30).is_ok());
        assert!(check_shares(50, 20, 0, 31).is_err());
        assert!(check_shares(-1, 71, 0, 30).is_err());
    }

    #[test]
    fn income_not_distributed_as_resolved_is_short_b3_in_integer_fen() {
        let rs = [resolution("决议1", "2024-01-01")];
        let mut entries = vec![
            entry(1, Category::ElevatorAds, 10_001, "2024-02-01", "决议1"),
            entry(2, Category::ToMaintenanceFund, 5_000, "2024-04-15", ""),
            entry(3, Category::ToOwners, 2_000, "2024-04-20", ""),
        ];
        let q1 = distribution(&entries, &rs, d("2024-03-31"), d("2024-04-30"));
        // 50% of 100.01 yuan = 50.005 → 5,000 fen; 20% → 2,000; 70% → 7,000.
        assert_eq!((q1.fund_owed, q1.owners_owed, q1.total_owed), (5_000, 2_000, 7_000));
        assert_eq!((q1.fund_paid, q1.owners_paid, q1.total_paid), (5_000, 2_000, 7_000));
        assert!(!q1.short());
        // Owners paid one fen short.
        entries[2].amount_fen = 1_999;
        assert!(distribution(&entries, &rs, d("2024-03-31"), d("2024-04-30")).short());
        // Paid after the settlement day: short at the day, made up later.
        entries[2] = entry(3, Category::ToOwners, 2_000, "2024-05-20", "");
        assert!(distribution(&entries, &rs, d("2024-03-31"), d("2024-04-30")).short());
        assert!(!distribution(&entries, &rs, d("2024-06-30"), d("2024-07-30")).short());
        // A wrong income reversed in the next quarter was never owed, in either quarter.
        let mut wrong = entries[0].clone();
        wrong.reversed = true;
        let mut reversal = entry(9, Category::ElevatorAds, 10_001, "2024-05-05", "决议1");
        reversal.reversing = true;
        let none = distribution(&[wrong, reversal.clone()], &rs, d("2024-03-31"), d("2024-04-30"));
        assert_eq!(none.total_owed, 0);
        assert!(!none.short());
        // A reversed payment was never paid.
        let mut paid = entry(10, Category::ToMaintenanceFund, 5_000, "2024-04-15", "");
        paid.reversed = true;
        let mut undone = entry(11, Category::ToMaintenanceFund, 5_000, "2024-06-01", "");
        undone.reversing = true;
        let d2 = distribution(&[entries[0].clone(), paid, undone], &rs, d("2024-03-31"), d("2024-04-30"));
        assert_eq!(d2.fund_paid, 0);
        assert!(d2.short());
    }
}
