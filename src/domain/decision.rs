//! Owners' joint decisions (业主共同决定), 民法典第278条, counted exactly.
//!
//! - Quorum (第278条第二款): owners holding **at least two thirds** of the exclusive area AND
//!   **at least two thirds** of the owners by number take part.
//! - Passing: matters (六) raising the maintenance fund, (七) rebuilding, (八) changing the use of
//!   common parts or running a business on them need **at least three quarters** of the
//!   participating area AND of the participating owners; every other matter needs **more than
//!   half** of each. 第1259条: "以上" includes the number itself (≥); "过半数" is strictly more
//!   than half (>).
//! - Abstentions take part: they count in the participating area and owners, never as yes.
//! - Deemed votes (未参与表决的计入已表决的多数票) exist only where the community's registered
//!   rules say so; they are kept apart from cast votes and every figure shows both. They never make
//!   a quorum (第278条第二款 asks who *took part*): they only join the majority of the cast votes in
//!   the passing test.
//!
//! Every comparison is made on integers by cross-multiplication (`yes × 4 ≥ participating × 3`),
//! never on floats or rounded percentages: a 3,001-unit community must not flip on rounding.

use std::collections::{BTreeMap, BTreeSet};

use super::roster::{CountedUnit, Holder, RosterTotals};

super::labelled_enum! {
    /// The matters of 第278条第一款, in the article's words; the string form is the item's number.
    pub enum Matter {
        /// (一)
        AssemblyRules => ("1", "制定和修改业主大会议事规则"),
        /// (二)
        ManagementStatute => ("2", "制定和修改管理规约"),
        /// (三)
        Committee => ("3", "选举业主委员会或者更换业主委员会成员"),
        /// (四)
        Manager => ("4", "选聘和解聘物业服务企业或者其他管理人"),
        /// (五)
        UseMaintenanceFund => ("5", "使用建筑物及其附属设施的维修资金"),
        /// (六)
        RaiseMaintenanceFund => ("6", "筹集建筑物及其附属设施的维修资金"),
        /// (七)
        Rebuild => ("7", "改建、重建建筑物及其附属设施"),
        /// (八)
        CommonPartsUse => ("8", "改变共有部分的用途或者利用共有部分从事经营活动"),
        /// (九)
        Other => ("9", "有关共有和共同管理权利的其他重大事项"),
    }
}

impl Matter {
    /// The item as the article numbers it: `（四）`.
    pub fn item(self) -> &'static str {
        ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）"][self as usize]
    }

    /// The threshold the matter needs among those taking part.
    pub fn threshold(self) -> Threshold {
        match self {
            Matter::RaiseMaintenanceFund | Matter::Rebuild | Matter::CommonPartsUse => Threshold::ThreeQuarters,
            _ => Threshold::MoreThanHalf,
        }
    }
}

/// How many of those taking part must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// 过半数: strictly more than half.
    MoreThanHalf,
    /// 四分之三以上: at least three quarters.
    ThreeQuarters,
}

impl Threshold {
    /// Whether `part` of `whole` meets the threshold, exactly.
    pub fn met(self, part: u128, whole: u128) -> bool {
        match self {
            Threshold::MoreThanHalf => part * 2 > whole,
            Threshold::ThreeQuarters => part * 4 >= whole * 3,
        }
    }

    /// The words of the law.
    pub fn label(self) -> &'static str {
        match self {
            Threshold::MoreThanHalf => "过半数",
            Threshold::ThreeQuarters => "四分之三以上",
        }
    }
}

super::labelled_enum! {
    /// A choice on one matter.
    pub enum Choice {
        /// 同意
        Yes => ("yes", "同意"),
        /// 反对
        No => ("no", "反对"),
        /// 弃权 (takes part, never counts as yes)
        Abstain => ("abstain", "弃权"),
    }
}

/// Area (0.01 m²) and owners by number: one side of every comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weight {
    pub area_centi: i64,
    pub owners: u64,
}

impl Weight {
    fn add(self, other: Weight) -> Weight {
        Weight { area_centi: self.area_centi + other.area_centi, owners: self.owners + other.owners }
    }
}

/// The tally of one matter: cast votes and, apart, deemed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub yes: Weight,
    pub no: Weight,
    pub abstain: Weight,
    /// Non-voters deemed to follow the majority of those who voted (only where the community's
    /// rules say so), kept apart from the cast votes.
    pub deemed_yes: Weight,
    pub deemed_no: Weight,
}

impl Tally {
    /// Those who cast a vote on the matter (yes, no or abstain).
    pub fn cast(&self) -> Weight {
        self.yes.add(self.no).add(self.abstain)
    }

    /// The votes the passing test weighs: cast ones and deemed ones.
    pub fn counted(&self) -> Weight {
        self.cast().add(self.deemed_yes).add(self.deemed_no)
    }

    /// Deemed votes, either side.
    pub fn deemed(&self) -> Weight {
        self.deemed_yes.add(self.deemed_no)
    }

    /// Yes, cast and deemed.
    pub fn all_yes(&self) -> Weight {
        self.yes.add(self.deemed_yes)
    }

    /// Adds one cast vote.
    pub fn add(&mut self, choice: Choice, w: Weight) {
        let side = match choice {
            Choice::Yes => &mut self.yes,
            Choice::No => &mut self.no,
            Choice::Abstain => &mut self.abstain,
        };
        *side = side.add(w);
    }
}

/// Why ballots cannot be tallied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TallyError {
    /// A second ballot of one owner (第9条: an owner of several units, or the developer, votes
    /// once); the first recorded stands.
    SecondBallot,
    /// A ballot of somebody the roster does not list as an owner.
    NotOnRoster,
}

/// Tallies the ballots on one matter. A ballot is an owner's (a holder of 第9条: one person or
/// one set of co-owners, or the developer for all its unsold units), never a unit's: it carries
/// the area of all the holder's units and counts one owner. A unit whose owners are not entered
/// has nobody to vote for it.
pub fn tally(units: &[CountedUnit], ballots: &[(Holder, Choice)]) -> Result<Tally, TallyError> {
    let mut area: BTreeMap<&Holder, i64> = BTreeMap::new();
    for u in units {
        if !matches!(&u.holder, Holder::Owners(keys) if keys.is_empty()) {
            *area.entry(&u.holder).or_default() += u.area_centi;
        }
    }
    let mut seen = BTreeSet::new();
    let mut t = Tally::default();
    for (holder, choice) in ballots {
        let a = *area.get(holder).ok_or(TallyError::NotOnRoster)?;
        if !seen.insert(holder) {
            return Err(TallyError::SecondBallot);
        }
        t.add(*choice, Weight { area_centi: a, owners: 1 });
    }
    Ok(t)
}

/// One comparison of the legal test, with the figures that decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// What is compared, in Chinese (e.g. `参与表决专有部分面积 ≥ 总面积的三分之二`).
    pub rule: String,
    pub part: i128,
    pub whole: i128,
    /// How much of `part` and of `whole` are deemed votes (zero without them), shown apart.
    pub deemed_part: i128,
    pub deemed_whole: i128,
    pub met: bool,
}

/// Where the community's registered rules deem non-voters to follow the majority: everyone who
/// cast no vote (the roster's totals less the cast votes), on the side that won the cast yes and
/// no votes by area AND by headcount. None when the cast votes split (area one way, headcount the
/// other) or tie: there is no majority to follow. Returns the tally with its deemed votes set.
pub fn deem(totals: RosterTotals, tally: Tally) -> Tally {
    let cast = tally.cast();
    let rest = Weight {
        area_centi: (totals.area_centi - cast.area_centi).max(0),
        owners: totals.owners.saturating_sub(cast.owners),
    };
    let (yes, no) = (tally.yes, tally.no);
    let mut t = Tally { deemed_yes: Weight::default(), deemed_no: Weight::default(), ..tally };
    if yes.area_centi > no.area_centi && yes.owners > no.owners {
        t.deemed_yes = rest;
    } else if no.area_centi > yes.area_centi && no.owners > yes.owners {
        t.deemed_no = rest;
    }
    t
}

/// The result of one matter: the four comparisons and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterResult {
    pub matter: Matter,
    pub tally: Tally,
    /// Quorum by area, quorum by owners, threshold by area, threshold by owners.
    pub comparisons: [Comparison; 4],
    pub quorum: bool,
    pub passed: bool,
}

/// Decides one matter against the roster's totals (第278条), exactly. The quorum counts cast
/// votes only; the passing test weighs the cast votes and, where the tally has them, the deemed
/// ones (see [`deem`]).
pub fn decide(matter: Matter, totals: RosterTotals, tally: Tally) -> MatterResult {
    let n = |x: i64| u128::try_from(x).unwrap_or(0); // areas are positive (roster::parse_area)
    let cast = tally.cast();
    let counted = tally.counted();
    let yes = tally.all_yes();
    let deemed = tally.deemed();
    let threshold = matter.threshold();
    let two_thirds = |part: u128, whole: u128| whole > 0 && part * 3 >= whole * 2;
    let quorum_area = two_thirds(n(cast.area_centi), n(totals.area_centi));
    let quorum_owners = two_thirds(cast.owners as u128, totals.owners as u128);
    let yes_area = counted.area_centi > 0 && threshold.met(n(yes.area_centi), n(counted.area_centi));
    let yes_owners = counted.owners > 0 && threshold.met(yes.owners as u128, counted.owners as u128);
    let compare = |rule: String, part: u128, whole: u128, deemed_part: u128, deemed_whole: u128, met: bool| {
        let i = |x: u128| x as i128;
        Comparison {
            rule,
            part: i(part),
            whole: i(whole),
            deemed_part: i(deemed_part),
            deemed_whole: i(deemed_whole),
            met,
        }
    };
    let comparisons = [
        compare(
            "参与表决的专有部分面积 ≥ 总面积的三分之二".into(),
            n(cast.area_centi),
            n(totals.area_centi),
            0,
            0,
            quorum_area,
        ),
        compare(
            "参与表决的业主人数 ≥ 总人数的三分之二".into(),
            cast.owners.into(),
            totals.owners.into(),
            0,
            0,
            quorum_owners,
        ),
        compare(
            format!("同意的专有部分面积占参与表决面积{}", threshold.label()),
            n(yes.area_centi),
            n(counted.area_centi),
            n(tally.deemed_yes.area_centi),
            n(deemed.area_centi),
            yes_area,
        ),
        compare(
            format!("同意的业主人数占参与表决人数{}", threshold.label()),
            yes.owners.into(),
            counted.owners.into(),
            tally.deemed_yes.owners.into(),
            deemed.owners.into(),
            yes_owners,
        ),
    ];
    let quorum = quorum_area && quorum_owners;
    MatterResult { matter, tally, comparisons, quorum, passed: quorum && yes_area && yes_owners }
}

super::labelled_enum! {
    /// Where a vote stands, as stored. The phase people see (notice, voting, counting) follows
    /// from it and the dates: see [`phase`].
    pub enum DecisionStatus {
        /// Convened: the notice is published; voting opens and closes by the dates.
        Convened => ("convened", "已召集"),
        /// Counted: the preliminary result is published and the objection period runs.
        Closed => ("closed", "已计票"),
        /// The final result, objections decided.
        Final => ("final", "结果已公告"),
        /// Called off before any ballot was cast.
        Cancelled => ("cancelled", "已撤销"),
    }
}

/// The phase of a vote on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// 公告期: the notice is out, voting has not started.
    Notice,
    /// 投票中.
    Voting,
    /// 待计票: the voting period is over, the count has not been made.
    Counting,
    /// 异议期: the preliminary result is out, objections may be made.
    Objection,
    /// 异议期已满: the convenor may publish the final result.
    AwaitingFinal,
    /// 结果已公告.
    Final,
    /// 已撤销.
    Cancelled,
}

impl Phase {
    /// The phase's label.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Notice => "公告期",
            Phase::Voting => "投票中",
            Phase::Counting => "投票结束，待计票",
            Phase::Objection => "初步结果公示（异议期）",
            Phase::AwaitingFinal => "异议期已满，待公告最终结果",
            Phase::Final => "最终结果已公告",
            Phase::Cancelled => "已撤销",
        }
    }
}

/// The phase on `today` of a vote in `status` with its voting period and objection deadline.
pub fn phase(
    status: DecisionStatus,
    today: chrono::NaiveDate,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
    objection_ends: Option<chrono::NaiveDate>,
) -> Phase {
    match status {
        DecisionStatus::Convened if today < starts => Phase::Notice,
        DecisionStatus::Convened if today <= ends => Phase::Voting,
        DecisionStatus::Convened => Phase::Counting,
        DecisionStatus::Closed if objection_ends.is_some_and(|e| today <= e) => Phase::Objection,
        DecisionStatus::Closed => Phase::AwaitingFinal,
        DecisionStatus::Final => Phase::Final,
        DecisionStatus::Cancelled => Phase::Cancelled,
    }
}

/// The county's periods for owners' votes (configurable; see `Settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// Days from the notice to the start of voting (15 by default).
    pub notice_days: u32,
    /// The same for an interim meeting (7 by default).
    pub interim_notice_days: u32,
    /// Bounds of the voting period, both ends counted (5–60 by default).
    pub min_voting_days: u32,
    pub max_voting_days: u32,
}

impl Default for Periods {
    fn default() -> Self {
        Periods { notice_days: 15, interim_notice_days: 7, min_voting_days: 5, max_voting_days: 60 }
    }
}

/// Days of a voting period, both ends counted.
pub fn voting_days(starts: chrono::NaiveDate, ends: chrono::NaiveDate) -> i64 {
    (ends - starts).num_days() + 1
}

/// Checks a vote's schedule when it is convened on `notice_on`: voting starts at least the
/// notice period later and lasts within the bounds. Errors name the field and say why.
pub fn check_schedule(
    p: Periods,
    interim: bool,
    notice_on: chrono::NaiveDate,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
) -> Result<(), (&'static str, String)> {
    let notice = if interim { p.interim_notice_days } else { p.notice_days };
    let earliest = notice_on + chrono::Days::new(notice.into());
    if starts < earliest {
        let kind = if interim { "临时会议" } else { "业主大会会议" };
        return Err(("voting_starts_on", format!("{kind}应于表决开始{notice}日前公告，投票最早于 {earliest} 开始")));
    }
    let days = voting_days(starts, ends);
    if days < i64::from(p.min_voting_days) || days > i64::from(p.max_voting_days) {
        return Err((
            "voting_ends_on",
            format!("投票期应为{}至{}日（首尾两日都计入），现为{days}日", p.min_voting_days, p.max_voting_days),
        ));
    }
    Ok(())
}

/// Checks an extension of the voting period to `new_ends` (it must move the end later, and the
/// whole period stays within the bounds).
pub fn check_extension(
    p: Periods,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
    new_ends: chrono::NaiveDate,
) -> Result<(), String> {
    if new_ends <= ends {
        return Err(format!("延长后的截止日期应晚于现截止日期 {ends}"));
    }
    let days = voting_days(starts, new_ends);
    if days > i64::from(p.max_voting_days) {
        return Err(format!("延长后投票期为{days}日，超过{}日的上限", p.max_voting_days));
    }
    Ok(())
}

/// Whether `given` is the second factor of a unit's owners: the last four characters of an
/// owner's ID number (X in any case) or, where the roster holds no ID number for the unit, the
/// last four digits of an owner's phone.
pub fn second_factor_matches(given: &str, id_numbers: &[String], phones: &[String]) -> bool {
    let given: String = given.trim().to_ascii_uppercase();
    if given.chars().count() != 4 {
        return false;
    }
    let last4 = |s: &String| {
        let s = s.trim().to_ascii_uppercase();
        let n = s.chars().count();
        (n >= 4).then(|| s.chars().skip(n - 4).collect::<String>())
    };
    let ids: Vec<String> = id_numbers.iter().filter_map(last4).collect();
    if !ids.is_empty() {
        return ids.contains(&given);
    }
    phones.iter().filter_map(last4).any(|p| p == given)
}

/// One choice per matter, in the matters' order, from what a form gave (`None` for a matter
/// not answered). The error names the first matter left without a choice (1-based).
pub fn choices_for<'a>(matters: usize, given: impl Fn(usize) -> Option<&'a str>) -> Result<Vec<Choice>, usize> {
    (0..matters).map(|i| given(i).and_then(Choice::parse).ok_or(i + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(area_centi: i64, owners: u64) -> Weight {
        Weight { area_centi, owners }
    }

    fn totals(area_centi: i64, owners: u64) -> RosterTotals {
        RosterTotals { units: owners, area_centi, owners }
    }

    fn tally(yes: Weight, no: Weight, abstain: Weight) -> Tally {
        Tally { yes, no, abstain, ..Default::default() }
    }

    #[test]
    fn matters_carry_their_item_words_and_threshold() {
        assert_eq!(Matter::Manager.item(), "（四）");
        assert_eq!(Matter::CommonPartsUse.as_str(), "8");
        assert_eq!(Matter::parse("6"), Some(Matter::RaiseMaintenanceFund));
        assert_eq!(Matter::parse("10"), None);
        for m in Matter::ALL {
            let expected = matches!(m, Matter::RaiseMaintenanceFund | Matter::Rebuild | Matter::CommonPartsUse);
            assert_eq!(m.threshold() == Threshold::ThreeQuarters, expected, "{m:?}");
            assert_eq!(Matter::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn quorum_is_two_thirds_of_area_and_of_owners_inclusive() {
        // 300 owners of 1.00 m² each: exactly 200 taking part is two thirds (以上 includes it).
        for (taking_part, quorum) in [(200, true), (199, false), (201, true)] {
            let t = tally(w(taking_part * 100, taking_part as u64), w(0, 0), w(0, 0));
            let r = decide(Matter::Manager, totals(30_000, 300), t);
            assert_eq!(r.quorum, quorum, "{taking_part} of 300");
            assert_eq!(r.comparisons[0].met, quorum);
            assert_eq!(r.comparisons[1].met, quorum);
        }
        // area alone or owners alone is not enough
        let r = decide(Matter::Manager, totals(30_000, 300), tally(w(20_000, 150), w(0, 0), w(0, 0)));
        assert!(r.comparisons[0].met && !r.comparisons[1].met && !r.quorum);
    }

    #[test]
    fn more_than_half_is_strict_and_three_quarters_inclusive() {
        // 300 taking part out of 300 (quorum met); yes by both area and owners.
        let all = totals(30_000, 300);
        let with_yes = |yes: u64| tally(w(yes as i64 * 100, yes), w((300 - yes) as i64 * 100, 300 - yes), w(0, 0));
        // exactly half is not 过半数
        assert!(!decide(Matter::Manager, all, with_yes(150)).passed);
        assert!(decide(Matter::Manager, all, with_yes(151)).passed);
        // exactly three quarters is 四分之三以上
        assert!(decide(Matter::CommonPartsUse, all, with_yes(225)).passed);
        assert!(!decide(Matter::CommonPartsUse, all, with_yes(224)).passed);
        // abstentions take part and are not yes
        let t = tally(w(15_100, 151), w(0, 0), w(14_900, 149));
        assert!(decide(Matter::Manager, all, t).passed);
        let t = tally(w(15_000, 150), w(0, 0), w(15_000, 150));
        assert!(!decide(Matter::Manager, all, t).passed, "half yes, half abstaining");
    }

    #[test]
    fn a_3001_unit_community_does_not_flip_on_rounding() {
        // 3,001 owners: two thirds is 2,000.67, so 2,000 taking part is short and 2,001 is enough
        // (a float 2000/3001 = 0.66644… rounded to 0.67 would wrongly pass).
        let all = totals(3_001 * 9_000, 3_001);
        let r = decide(Matter::Manager, all, tally(w(2_000 * 9_000, 2_000), w(0, 0), w(0, 0)));
        assert!(!r.quorum);
        let r = decide(Matter::Manager, all, tally(w(2_001 * 9_000, 2_001), w(0, 0), w(0, 0)));
        assert!(r.quorum && r.passed);
        // three quarters of 3,001 taking part is 2,250.75: 2,250 yes fails, 2,251 passes
        let part = |yes: u64| tally(w(yes as i64 * 9_000, yes), w((3_001 - yes) as i64 * 9_000, 3_001 - yes), w(0, 0));
        assert!(!decide(Matter::Rebuild, all, part(2_250)).passed);
        assert!(decide(Matter::Rebuild, all, part(2_251)).passed);
        // more than half of 3,001 is 1,501
        assert!(!decide(Matter::UseMaintenanceFund, all, part(1_500)).passed);
        assert!(decide(Matter::UseMaintenanceFund, all, part(1_501)).passed);
    }

    #[test]
    fn area_and_owners_are_tested_apart() {
        // Many owners of small flats say yes, one owner of a large area says no.
        let all = totals(100_000, 101);
        let t = tally(w(40_000, 100), w(60_000, 1), w(0, 0));
        let r = decide(Matter::Manager, all, t);
        assert!(r.quorum);
        assert!(!r.comparisons[2].met && r.comparisons[3].met && !r.passed);
        assert_eq!((r.comparisons[2].part, r.comparisons[2].whole), (40_000, 100_000));
    }

    #[test]
    fn deemed_votes_never_make_a_quorum_and_join_only_a_clear_majority() {
        let all = totals(30_000, 300);
        // 180 of 300 cast (60 %): no quorum, whatever the deemed votes
        let cast = tally(w(12_000, 120), w(6_000, 60), w(0, 0));
        let r = decide(Matter::Manager, all, deem(all, cast));
        assert!(!r.quorum && !r.passed);
        // 200 cast, 90 yes and 80 no, 30 abstaining: 90/200 is not more than half …
        let cast = tally(w(9_000, 90), w(8_000, 80), w(3_000, 30));
        assert!(!decide(Matter::Manager, all, cast).passed);
        // … but where the rules deem the 100 non-voters to follow the majority (yes by area and
        // headcount), 190 of 300 say yes, shown apart
        let deemed = deem(all, cast);
        assert_eq!(deemed.deemed_yes, w(10_000, 100));
        assert_eq!(deemed.deemed_no, w(0, 0));
        let r = decide(Matter::Manager, all, deemed);
        assert!(r.quorum && r.passed);
        assert_eq!(r.tally.cast(), w(20_000, 200));
        assert_eq!((r.comparisons[3].part, r.comparisons[3].whole), (190, 300));
        assert_eq!((r.comparisons[3].deemed_part, r.comparisons[3].deemed_whole), (100, 100));
        assert_eq!((r.comparisons[1].part, r.comparisons[1].deemed_part), (200, 0));
        // a split majority (area yes, headcount no) is no majority to follow
        let split = tally(w(12_000, 90), w(8_000, 110), w(0, 0));
        assert_eq!(deem(all, split).deemed(), w(0, 0));
    }

    #[test]
    fn an_empty_roster_decides_nothing() {
        let r = decide(Matter::Manager, RosterTotals::default(), Tally::default());
        assert!(!r.quorum && !r.passed);
    }

    #[test]
    fn ballots_are_an_owners_with_the_area_of_all_their_units() {
        use crate::domain::roster::{CountedUnit, Holder, totals};
        let owner = |k: &[&str]| Holder::Owners(k.iter().map(|x| x.to_string()).collect());
        let unit = |id, area, holder| CountedUnit { unit_id: id, area_centi: area, holder };
        let units = vec![
            unit(1, 10_000, Holder::Developer),
            unit(2, 10_000, Holder::Developer),
            unit(3, 9_000, owner(&["张"])),
            unit(4, 9_000, owner(&["张"])),
            unit(5, 12_000, owner(&["李", "王"])),
            unit(6, 8_000, owner(&[])),
        ];
        let t = super::tally(&units, &[(owner(&["张"]), Choice::Yes), (Holder::Developer, Choice::No)]).unwrap();
        assert_eq!(t.yes, w(18_000, 1), "two flats, one owner");
        assert_eq!(t.no, w(20_000, 1), "the developer's units together");
        assert_eq!(
            super::tally(&units, &[(owner(&["王", "李"]), Choice::Abstain)]).unwrap().abstain,
            w(12_000, 1),
            "co-owners once"
        );
        assert_eq!(
            super::tally(&units, &[(owner(&["张"]), Choice::Yes), (owner(&["张"]), Choice::No)]),
            Err(TallyError::SecondBallot)
        );
        assert_eq!(super::tally(&units, &[(owner(&["李"]), Choice::Yes)]), Err(TallyError::NotOnRoster));
        assert_eq!(super::tally(&units, &[(owner(&[]), Choice::Yes)]), Err(TallyError::NotOnRoster));
        // the numerator counts owners as the denominator does
        let all = totals(&units);
        let every =
            [(owner(&["张"]), Choice::Yes), (Holder::Developer, Choice::Yes), (owner(&["李", "王"]), Choice::Yes)];
        let t = super::tally(&units, &every).unwrap();
        assert_eq!(
            (t.cast().owners, all.owners),
            (3, 4),
            "the unit without owners entered is an owner who did not vote"
        );
        assert_eq!((t.cast().area_centi, all.area_centi), (50_000, 58_000));
    }

    #[test]
    fn the_schedule_keeps_the_notice_and_voting_periods() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = Periods::default();
        // 15 days' notice: convened on 1 March, voting may start on 16 March, not the 15th
        assert!(check_schedule(p, false, d("2026-03-01"), d("2026-03-16"), d("2026-03-20")).is_ok());
        let e = check_schedule(p, false, d("2026-03-01"), d("2026-03-15"), d("2026-03-20")).unwrap_err();
        assert_eq!(e.0, "voting_starts_on");
        assert!(e.1.contains("15日前公告") && e.1.contains("2026-03-16"), "{}", e.1);
        // an interim meeting needs 7
        assert!(check_schedule(p, true, d("2026-03-01"), d("2026-03-08"), d("2026-03-12")).is_ok());
        assert!(check_schedule(p, true, d("2026-03-01"), d("2026-03-07"), d("2026-03-12")).is_err());
        // 5 to 60 days, both ends counted
        assert!(check_schedule(p, false, d("2026-03-01"), d("2026-03-16"), d("2026-03-19")).is_err(), "4 days");
        assert!(check_schedule(p, false, d("2026-03-01"), d("2026-03-16"), d("2026-05-14")).is_ok(), "60 days");
        assert_eq!(
            check_schedule(p, false, d("2026-03-01"), d("2026-03-16"), d("2026-05-15")).unwrap_err().1,
            "投票期应为5至60日（首尾两日都计入），现为61日"
        );
        // extensions move the end later, within the bounds
        assert!(check_extension(p, d("2026-03-16"), d("2026-03-20"), d("2026-03-20")).is_err());
        assert!(check_extension(p, d("2026-03-16"), d("2026-03-20"), d("2026-04-30")).is_ok());
        assert!(check_extension(p, d("2026-03-16"), d("2026-03-20"), d("2026-05-15")).is_err());
    }

    #[test]
    fn the_phase_follows_the_status_and_the_dates() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (s, e) = (d("2026-03-16"), d("2026-03-20"));
        let at = |status, today| phase(status, d(today), s, e, Some(d("2026-03-28")));
        assert_eq!(at(DecisionStatus::Convened, "2026-03-15"), Phase::Notice);
        assert_eq!(at(DecisionStatus::Convened, "2026-03-16"), Phase::Voting);
        assert_eq!(at(DecisionStatus::Convened, "2026-03-20"), Phase::Voting, "the last day counts");
        assert_eq!(at(DecisionStatus::Convened, "2026-03-21"), Phase::Counting);
        assert_eq!(at(DecisionStatus::Closed, "2026-03-28"), Phase::Objection);
        assert_eq!(at(DecisionStatus::Closed, "2026-03-29"), Phase::AwaitingFinal);
        assert_eq!(at(DecisionStatus::Final, "2026-03-29"), Phase::Final);
    }

    #[test]
    fn the_second_factor_is_the_id_numbers_last_four_else_the_phones() {
        let ids = vec!["11010519491231002X".to_string()];
        let phones = vec!["13800138000".to_string()];
        assert!(second_factor_matches("002x", &ids, &phones));
        assert!(second_factor_matches(" 002X ", &ids, &phones));
        assert!(!second_factor_matches("8000", &ids, &phones), "the phone does not stand in for a known ID");
        assert!(second_factor_matches("8000", &[], &phones));
        assert!(!second_factor_matches("800", &[], &phones));
        assert!(!second_factor_matches("0000", &[], &[]), "nothing on the roster: no electronic vote");
    }

    #[test]
    fn every_matter_needs_a_choice() {
        let given = ["yes", "abstain", "no"];
        assert_eq!(choices_for(3, |i| given.get(i).copied()), Ok(vec![Choice::Yes, Choice::Abstain, Choice::No]));
        assert_eq!(choices_for(3, |i| if i == 1 { None } else { Some("yes") }), Err(2));
        assert_eq!(choices_for(1, |_| Some("maybe")), Err(1));
    }
}
