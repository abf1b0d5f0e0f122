//! The third rung of the escalation ladder: a guided dismissal track (引导解聘) for one community.
//! Leaders open it, the township is assigned, and the legal steps are recorded in order: the
//! owners' assembly is called, then held (the vote itself attaches in a later issue; here its
//! outcome), then, when the owners dismiss the company, the written notice is served. 民法典
//! 第946条: the contract ends no earlier than 60 days after the written notice, unless the contract
//! provides otherwise (the track's `notice_days`). Exit and handover attach to the track later.

use chrono::NaiveDate;

use super::workdays::Calendar;

/// A step recorded on a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 召集业主大会 (on the given date).
    AssemblyCalled,
    /// 业主大会作出解聘决定.
    AssemblyDismissed,
    /// 业主大会决定续聘（不解聘）: the track ends.
    AssemblyRetained,
    /// 书面通知物业服务企业解聘.
    NoticeServed,
    /// 撤销引导解聘 (leaders): the track ends.
    Withdrawn,
}

impl Step {
    pub const ALL: [Step; 5] =
        [Step::AssemblyCalled, Step::AssemblyDismissed, Step::AssemblyRetained, Step::NoticeServed, Step::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::AssemblyCalled => "assembly_called",
            Step::AssemblyDismissed => "assembly_dismissed",
            Step::AssemblyRetained => "assembly_retained",
            Step::NoticeServed => "notice_served",
            Step::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::AssemblyCalled => "召集业主大会",
            Step::AssemblyDismissed => "业主大会决定解聘",
            Step::AssemblyRetained => "业主大会决定不解聘",
            Step::NoticeServed => "书面通知企业解聘",
            Step::Withdrawn => "撤销引导解聘",
        }
    }
}

super::labelled_enum! {
    /// Whether a track is running. One string form shared by the database, the API and the templates.
    pub enum TrackStatus {
        /// Opened by a leader; steps are being recorded.
        Open => ("open", "进行中"),
        /// Ended: the owners kept the company, or a leader withdrew the track.
        Closed => ("closed", "已结束"),
    }
}

impl TrackStatus {
    /// Whether a stored form is a running track (a form this build does not know reads as
    /// ended, so no step is recorded on it).
    pub fn is_open(s: &str) -> bool {
        Self::parse(s) == Some(Self::Open)
    }

    /// The status after recording `step`: only an open track takes steps; the owners keeping
    /// the company and a withdrawal end it, every other step leaves it open.
    pub fn after(self, step: Step) -> Option<Self> {
        match (self, step) {
            (Self::Closed, _) => None,
            (Self::Open, Step::AssemblyRetained | Step::Withdrawn) => Some(Self::Closed),
            (Self::Open, _) => Some(Self::Open),
        }
    }
}

/// Where a track stands: the dates of the steps taken so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackState {
    pub opened_on: Option<NaiveDate>,
    pub called_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub dismissed: bool,
    pub served_on: Option<NaiveDate>,
    pub closed: bool,
}

/// The earliest day the contract may end after the written notice (民法典第946条: 60 days unless
/// the contract provides otherwise), counted from the day after service (第201条) and moved to
/// the next working day when it lands on a rest day or holiday (第203条).
pub fn contract_ends_on(served_on: NaiveDate, notice_days: u32, cal: &Calendar) -> NaiveDate {
    cal.calendar_period_end(served_on, i64::from(notice_days))
}

/// Checks a step against the track: the order of the legal steps and their dates. Returns the
/// refusal in Chinese.
pub fn check(state: &TrackState, step: Step, on: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if state.closed {
        return Err("该引导解聘已结束".into());
    }
    if on > today && step != Step::AssemblyCalled {
        return Err("日期不能晚于今天".into());
    }
    let not_before = |d: Option<NaiveDate>, what: &str| match d {
        Some(d) if on < d => Err(format!("日期不能早于{what}（{d}）")),
        _ => Ok(()),
    };
    match step {
        Step::AssemblyCalled => {
            if state.called_on.is_some() {
                return Err("已记录召集业主大会".into());
            }
            not_before(state.opened_on, "开启引导解聘的日期")
        }
        Step::AssemblyDismissed | Step::AssemblyRetained => {
            if state.called_on.is_none() {
                return Err("请先记录召集业主大会".into());
            }
            if state.decided_on.is_some() {
                return Err("已记录业主大会的决定".into());
            }
            not_before(state.called_on, "召集业主大会的日期")
        }
        Step::NoticeServed => {
            if !state.dismissed {
                return Err("业主大会作出解聘决定后，才能书面通知企业".into());
            }
            if state.served_on.is_some() {
                return Err("已记录书面通知".into());
            }
            not_before(state.decided_on, "业主大会作出决定的日期")
        }
        Step::Withdrawn => Ok(()),
    }
}

/// A litigation and credit step (the fourth rung), once the company has been served notice.
/// Only a court lists dishonest debtors: the bureau records the listing, it does not make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Litigation {
    /// 引导业主委员会起诉.
    Guidance,
    /// 法院立案 (the case number is the reference).
    Filed,
    /// 判决、裁定.
    Judgment,
    /// 申请强制执行.
    Enforcement,
    /// 推送省信用平台.
    CreditPush,
    /// 法院列入失信被执行人名单.
    DishonestListing,
}

impl Litigation {
    pub const ALL: [Litigation; 6] = [
        Litigation::Guidance,
        Litigation::Filed,
        Litigation::Judgment,
        Litigation::Enforcement,
        Litigation::CreditPush,
        Litigation::DishonestListing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Litigation::Guidance => "guidance",
            Litigation::Filed => "filed",
            Litigation::Judgment => "judgment",
            Litigation::Enforcement => "enforcement",
            Litigation::CreditPush => "credit_push",
            Litigation::DishonestListing => "dishonest_listing",
        }
    }

    pub fn parse(s: &str) -> Option<Litigation> {
        Litigation::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Litigation::Guidance => "引导业主委员会提起诉讼",
            Litigation::Filed => "法院立案",
            Litigation::Judgment => "法院判决、裁定",
            Litigation::Enforcement => "申请强制执行",
            Litigation::CreditPush => "推送省信用平台",
            Litigation::DishonestListing => "法院列入失信被执行人名单",
        }
    }

    /// What the reference field holds for this step ("" when none is needed).
    pub fn reference_label(self) -> &'static str {
        match self {
            Litigation::Filed | Litigation::Judgment | Litigation::Enforcement => "案号",
            Litigation::CreditPush => "平台记录编号",
            Litigation::DishonestListing => "失信被执行人名单文号",
            Litigation::Guidance => "",
        }
    }
}

/// Checks a litigation step: the company must have been served notice; the court's steps
/// follow the filing and carry a case number; enforcement and listing follow a judgment.
/// `done`: the steps already recorded.
pub fn check_litigation(served: bool, done: &[Litigation], step: Litigation, reference: &str) -> Result<(), String> {
    if !served {
        return Err("书面通知企业解聘后，企业拒不退出或拒不移交时，才记录诉讼和失信".into());
    }
    let has = |s: Litigation| done.contains(&s);
    let needs = |s: Litigation| if has(s) { Ok(()) } else { Err(format!("请先记录“{}”", s.label())) };
    match step {
        Litigation::Guidance | Litigation::CreditPush => {}
        Litigation::Filed => needs(Litigation::Guidance)?,
        Litigation::Judgment => needs(Litigation::Filed)?,
        Litigation::Enforcement => needs(Litigation::Judgment)?,
        Litigation::DishonestListing => needs(Litigation::Enforcement)?,
    }
    if !step.reference_label().is_empty() && reference.trim().chars().count() < 4 {
        return Err(format!("请填写{}", step.reference_label()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_track_status_round_trips_through_its_string_form() {
        for s in TrackStatus::ALL {
            assert_eq!(TrackStatus::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(TrackStatus::parse("withdrawn"), None);
        assert!(TrackStatus::is_open("open"));
        assert!(!TrackStatus::is_open("closed") && !TrackStatus::is_open("withdrawn"));
    }

    #[test]
    fn only_retaining_the_company_or_withdrawing_ends_a_track() {
        use TrackStatus::{Closed, Open};
        let table = [
            (Open, Step::AssemblyCalled, Some(Open)),
            (Open, Step::AssemblyDismissed, Some(Open)),
            (Open, Step::AssemblyRetained, Some(Closed)),
            (Open, Step::NoticeServed, Some(Open)),
            (Open, Step::Withdrawn, Some(Closed)),
            (Closed, Step::AssemblyCalled, None),
            (Closed, Step::AssemblyDismissed, None),
            (Closed, Step::AssemblyRetained, None),
            (Closed, Step::NoticeServed, None),
            (Closed, Step::Withdrawn, None),
        ];
        for (from, step, to) in table {
            assert_eq!(from.after(step), to, "{from:?} then {step:?}");
        }
    }

    #[test]
    fn the_steps_come_in_their_legal_order() {
        let today = d("2024-08-01");
        let mut s = TrackState { opened_on: Some(d("2024-06-01")), ..Default::default() };
        assert_eq!(check(&s, Step::AssemblyDismissed, d("2024-06-10"), today).unwrap_err(), "请先记录召集业主大会");
        assert!(check(&s, Step::NoticeServed, d("2024-06-10"), today).unwrap_err().contains("作出解聘决定后"));
        assert!(
            check(&s, Step::AssemblyCalled, d("2024-05-30"), today).unwrap_err().contains("不能早于开启引导解聘的日期")
        );
        assert!(
            check(&s, Step::AssemblyCalled, d("2024-08-20"), today).is_ok(),
            "an assembly may be called for a later day"
        );
        s.called_on = Some(d("2024-06-15"));
        assert_eq!(check(&s, Step::AssemblyCalled, d("2024-06-16"), today).unwrap_err(), "已记录召集业主大会");
        assert!(check(&s, Step::AssemblyDismissed, d("2024-06-14"), today).is_err());
        assert_eq!(check(&s, Step::AssemblyDismissed, d("2024-08-02"), today).unwrap_err(), "日期不能晚于今天");
        assert!(check(&s, Step::AssemblyDismissed, d("2024-06-30"), today).is_ok());
        s.decided_on = Some(d("2024-06-30"));
        s.dismissed = true;
        assert!(check(&s, Step::AssemblyRetained, d("2024-07-01"), today).is_err());
        assert!(check(&s, Step::NoticeServed, d("2024-07-02"), today).is_ok());
        s.closed = true;
        assert_eq!(check(&s, Step::Withdrawn, d("2024-07-02"), today).unwrap_err(), "该引导解聘已结束");
    }

    #[test]
    fn litigation_follows_the_notice_and_the_courts_order() {
        use Litigation::*;
        assert!(check_litigation(false, &[], Guidance, "").unwrap_err().contains("书面通知企业解聘后"));
        assert!(check_litigation(true, &[], Guidance, "").is_ok());
        assert_eq!(
            check_litigation(true, &[], Filed, "(2024)晋0522民初1号").unwrap_err(),
            "请先记录“引导业主委员会提起诉讼”"
        );
        assert_eq!(check_litigation(true, &[Guidance], Filed, "").unwrap_err(), "请填写案号");
        assert!(check_litigation(true, &[Guidance], Filed, "(2024)晋0522民初1号").is_ok());
        assert!(check_litigation(true, &[Guidance, Filed], DishonestListing, "(2024)晋0522执1号").is_err());
        assert!(
            check_litigation(true, &[Guidance, Filed, Judgment, Enforcement], DishonestListing, "(2024)晋0522执1号")
                .is_ok()
        );
        assert!(check_litigation(true, &[], CreditPush, "XY2024-0001").is_ok());
    }

    #[test]
    fn the_contract_ends_sixty_days_after_the_written_notice_unless_agreed_otherwise() {
        let cal = Calendar::new(crate::domain::workdays::seed().into_iter().map(|(d, k, _)| (d, k)));
        assert_eq!(contract_ends_on(d("2024-07-02"), 60, &cal), d("2024-09-02"), "08-31 is a Saturday");
        assert_eq!(contract_ends_on(d("2024-12-31"), 90, &cal), d("2025-03-31"));
        assert_eq!(contract_ends_on(d("2024-08-02"), 60, &cal), d("2024-10-08"), "10-01 is 国庆节");
        assert_eq!(Step::parse("notice_served"), Some(Step::NoticeServed));
    }
}
