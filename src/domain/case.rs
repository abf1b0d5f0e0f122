//! Cases (案件) of the work ledger (工作台账): a verified problem with a responsible staff
//! member (责任人) and a deadline (完成时限), driven through rectification (整改) to closing (销号).
//!
//! The seed (阳住建发〔2024〕118号) asks for 建立工作台账，明确责任人和完成时限，下发整改通知督促整改,
//! and for escalation when a company does not comply. Every transition is explicit here; anything
//! else is refused with a message a person can act on. Who may fire which event is part of the
//! rule: companies report and ask for more time, bureau staff decide everything else, leaders
//! decide escalation, and only bureau staff close a case.

use chrono::NaiveDate;

use super::workdays::Calendar;
use serde::{Deserialize, Serialize};

use super::role::Role;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 待核实
    Verifying,
    /// 已立案
    Filed,
    /// 不属实 (closed with a reason)
    Unfounded,
    /// 已下发整改通知
    NoticeIssued,
    /// 企业已反馈
    Reported,
    /// 复查中
    Reinspecting,
    /// 逾期未整改
    Overdue,
    /// 已升级
    Escalated,
    /// 已整改销号
    Closed,
}

impl CaseStatus {
    /// Every status, in the order of the workflow.
    pub const ALL: [CaseStatus; 9] = [
        CaseStatus::Verifying,
        CaseStatus::Filed,
        CaseStatus::NoticeIssued,
        CaseStatus::Reported,
        CaseStatus::Reinspecting,
        CaseStatus::Overdue,
        CaseStatus::Escalated,
        CaseStatus::Closed,
        CaseStatus::Unfounded,
    ];

    /// The one string form (database, API, templates).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Verifying => "verifying",
            CaseStatus::Filed => "filed",
            CaseStatus::Unfounded => "unfounded",
            CaseStatus::NoticeIssued => "notice_issued",
            CaseStatus::Reported => "reported",
            CaseStatus::Reinspecting => "reinspecting",
            CaseStatus::Overdue => "overdue",
            CaseStatus::Escalated => "escalated",
            CaseStatus::Closed => "closed",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Verifying => "待核实",
            CaseStatus::Filed => "已立案",
            CaseStatus::Unfounded => "不属实",
            CaseStatus::NoticeIssued => "已下发整改通知",
            CaseStatus::Reported => "企业已反馈",
            CaseStatus::Reinspecting => "复查中",
            CaseStatus::Overdue => "逾期未整改",
            CaseStatus::Escalated => "已升级",
            CaseStatus::Closed => "已整改销号",
        }
    }

    /// Whether the case is over (no deadline runs any more).
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Closed | CaseStatus::Unfounded)
    }

    /// Whether the company is expected to act before the deadline (rectify and report).
    pub fn awaits_company(self) -> bool {
        matches!(self, CaseStatus::NoticeIssued | CaseStatus::Overdue | CaseStatus::Escalated)
    }
}

/// What happens to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseEvent {
    /// 核实属实，立案
    Verify,
    /// 核实不属实 (with a reason)
    Dismiss,
    /// 下发整改通知书
    IssueNotice,
    /// 企业反馈整改情况
    Report,
    /// 开始复查
    StartReinspection,
    /// 复查通过：销号
    PassReinspection,
    /// 复查未通过：重新整改（新的完成时限）
    FailReinspection,
    /// 批准延期 (a company's request, decided by staff)
    GrantExtension,
    /// 逾期 (the scanner, when the deadline has passed)
    MarkOverdue,
    /// 升级处理 (a leader, on the scanner's or staff's proposal)
    Escalate,
}

impl CaseEvent {
    /// Every event.
    pub const ALL: [CaseEvent; 10] = [
        CaseEvent::Verify,
        CaseEvent::Dismiss,
        CaseEvent::IssueNotice,
        CaseEvent::Report,
        CaseEvent::StartReinspection,
        CaseEvent::PassReinspection,
        CaseEvent::FailReinspection,
        CaseEvent::GrantExtension,
        CaseEvent::MarkOverdue,
        CaseEvent::Escalate,
    ];

    /// The event a string form names.
    pub fn parse(s: &str) -> Option<CaseEvent> {
        CaseEvent::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The one string form, as written on the timeline.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseEvent::Verify => "verify",
            CaseEvent::Dismiss => "dismiss",
            CaseEvent::IssueNotice => "issue_notice",
            CaseEvent::Report => "report",
            CaseEvent::StartReinspection => "start_reinspection",
            CaseEvent::PassReinspection => "pass_reinspection",
            CaseEvent::FailReinspection => "fail_reinspection",
            CaseEvent::GrantExtension => "grant_extension",
            CaseEvent::MarkOverdue => "mark_overdue",
            CaseEvent::Escalate => "escalate",
        }
    }

    /// The Chinese name of the step.
    pub fn label(self) -> &'static str {
        match self {
            CaseEvent::Verify => "核实立案",
            CaseEvent::Dismiss => "核实不属实",
            CaseEvent::IssueNotice => "下发整改通知书",
            CaseEvent::Report => "企业反馈整改情况",
            CaseEvent::StartReinspection => "开始复查",
            CaseEvent::PassReinspection => "复查通过，销号",
            CaseEvent::FailReinspection => "复查未通过，重新整改",
            CaseEvent::GrantExtension => "批准延期",
            CaseEvent::MarkOverdue => "逾期未整改",
            CaseEvent::Escalate => "升级处理",
        }
    }

    /// Who may fire the event. `None` is the scanner (system).
    pub fn allowed(self, role: Option<Role>) -> bool {
        match self {
            CaseEvent::MarkOverdue => role.is_none(),
            CaseEvent::Report => role == Some(Role::CompanyUser),
            CaseEvent::Escalate => role == Some(Role::BureauLeader),
            _ => role == Some(Role::BureauStaff),
        }
    }

    /// Whether the event needs a new deadline.
    pub fn sets_deadline(self) -> bool {
        matches!(self, CaseEvent::Verify | CaseEvent::FailReinspection | CaseEvent::GrantExtension)
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not possible from the current status.
    State { status: CaseStatus, event: CaseEvent },
    /// Not this role's step.
    Role { event: CaseEvent },
    /// A new deadline is required and must lie after today.
    Deadline,
    /// A reason is required.
    Reason,
}

impl Refusal {
    /// The message shown to people.
    pub fn message(&self) -> String {
        match self {
            Refusal::State { status, event } => {
                format!("案件当前状态为“{}”，不能{}", status.label(), event.label())
            }
            Refusal::Role { event } => format!("您的角色不能{}", event.label()),
            Refusal::Deadline => "请填写晚于今天的完成时限".into(),
            Refusal::Reason => "请填写理由".into(),
        }
    }
}

/// The status after `event`, or why not.
pub fn next(status: CaseStatus, event: CaseEvent) -> Result<CaseStatus, Refusal> {
    use CaseEvent as E;
    use CaseStatus as S;
    let to = match (status, event) {
        (S::Verifying, E::Verify) => S::Filed,
        (S::Verifying, E::Dismiss) => S::Unfounded,
        (S::Filed, E::IssueNotice) => S::NoticeIssued,
        (S::NoticeIssued | S::Overdue | S::Escalated, E::Report) => S::Reported,
        (S::Reported, E::StartReinspection) => S::Reinspecting,
        (S::Reinspecting, E::PassReinspection) => S::Closed,
        (S::Reinspecting, E::FailReinspection) => S::NoticeIssued,
        (S::NoticeIssued | S::Overdue, E::GrantExtension) => S::NoticeIssued,
        (S::NoticeIssued, E::MarkOverdue) => S::Overdue,
        (S::NoticeIssued | S::Overdue | S::Reinspecting, E::Escalate) => S::Escalated,
        _ => return Err(Refusal::State { status, event }),
    };
    Ok(to)
}

/// A requested transition, checked whole: the state, the role, the new deadline, the reason.
pub fn decide(
    status: CaseStatus,
    event: CaseEvent,
    role: Option<Role>,
    today: NaiveDate,
    deadline: Option<NaiveDate>,
    reason: &str,
) -> Result<CaseStatus, Refusal> {
    let to = next(status, event)?;
    if !event.allowed(role) {
        return Err(Refusal::Role { event });
    }
    if event.sets_deadline() && deadline.is_none_or(|d| d <= today) {
        return Err(Refusal::Deadline);
    }
    let needs_reason =
        matches!(event, CaseEvent::Dismiss | CaseEvent::FailReinspection | CaseEvent::Escalate | CaseEvent::Report);
    if needs_reason && reason.trim().is_empty() {
        return Err(Refusal::Reason);
    }
    Ok(to)
}

/// How a deadline looks on the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineState {
    /// No deadline runs (closed, unfounded, or waiting for staff).
    None,
    /// Working days left.
    Running(i64),
    /// Within the reminder window: working days left (0 = today).
    DueSoon(i64),
    /// Working days overdue.
    Overdue(i64),
}

/// The deadline state of a case, given the working days from today to its deadline.
pub fn deadline_state(status: CaseStatus, working_days_left: Option<i64>, soon: i64) -> DeadlineState {
    if status.is_final() || matches!(status, CaseStatus::Reported | CaseStatus::Reinspecting) {
        return DeadlineState::None;
    }
    match working_days_left {
        None => DeadlineState::None,
        Some(n) if n < 0 => DeadlineState::Overdue(-n),
        Some(n) if n <= soon => DeadlineState::DueSoon(n),
        Some(n) => DeadlineState::Running(n),
    }
}

/// Calendar days of the default rectification deadline offered on the forms.
pub const DEFAULT_DEADLINE_DAYS: i64 = 15;

/// The deadline the forms offer: 15 days after today, moved off a rest day (民法典第203条, as
/// every calendar-day period the platform computes).
pub fn default_deadline(today: NaiveDate, cal: &Calendar) -> NaiveDate {
    cal.calendar_period_end(today, DEFAULT_DEADLINE_DAYS)
}

/// The warning beside a deadline that staff picked: on a rest day or holiday (kept if staff keep
/// it: a chosen date is not a period, 第203条 does not move it), or in a year the holiday table
/// lacks.
pub fn deadline_warning(d: NaiveDate, cal: &Calendar) -> Option<String> {
    let mut parts = Vec::new();
    if !cal.is_working_day(d) {
        let weekday =
            ["一", "二", "三", "四", "五", "六", "日"][chrono::Datelike::weekday(&d).num_days_from_monday() as usize];
        parts.push(format!(
            "{d}（星期{weekday}）是休息日或法定节假日；如确需以该日为完成时限可保留，否则建议改为下一个工作日{}",
            cal.working_day_on_or_after(d)
        ));
    }
    if let Some(note) = cal.coverage_note(d) {
        parts.push(note);
    }
    (!parts.is_empty()).then(|| parts.join("。"))
}

/// What the ledger and the reminder say when no working day is left before a deadline that has
/// not passed: on the deadline itself 今天到期; on the last working day before a deadline that
/// falls on a rest day, that this is the last working day (the same day the scanner's "today"
/// reminder goes out, `Calendar::sub_working_days(deadline, 0)`).
pub fn due_today_text(today: NaiveDate, deadline: NaiveDate) -> String {
    if deadline == today {
        "今天到期".to_string()
    } else {
        format!("{}到期（休息日），今天是最后一个工作日", deadline.format("%-m月%-d日"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseEvent as E;

    #[test]
    fn the_default_deadline_and_the_warning_beside_a_chosen_one() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let cal = Calendar::new(crate::domain::workdays::seed().into_iter().map(|(d, k, _)| (d, k)));
        assert_eq!(default_deadline(d("2024-06-03"), &cal), d("2024-06-18"));
        assert_eq!(default_deadline(d("2024-09-16"), &cal), d("2024-10-08"), "10-01 moves past 国庆节");
        assert_eq!(deadline_warning(d("2024-06-07"), &cal), None, "a Friday");
        let w = deadline_warning(d("2024-06-08"), &cal).unwrap();
        assert!(w.contains("星期六") && w.contains("2024-06-11"), "{w}");
        assert!(deadline_warning(d("2024-10-03"), &cal).unwrap().contains("2024-10-08"));
        assert_eq!(deadline_warning(d("2024-09-29"), &cal), None, "a make-up Sunday is a working day");
        assert!(deadline_warning(d("2027-03-01"), &cal).unwrap().contains("2027年节假日安排尚未录入"));
    }

    #[test]
    fn the_last_working_day_before_a_rest_day_deadline_says_so() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(due_today_text(d("2024-06-07"), d("2024-06-07")), "今天到期");
        assert_eq!(due_today_text(d("2024-06-07"), d("2024-06-08")), "6月8日到期（休息日），今天是最后一个工作日");
    }
    use CaseStatus as S;

    const EVENTS: [CaseEvent; 10] = [
        E::Verify,
        E::Dismiss,
        E::IssueNotice,
        E::Report,
        E::StartReinspection,
        E::PassReinspection,
        E::FailReinspection,
        E::GrantExtension,
        E::MarkOverdue,
        E::Escalate,
    ];

    /// The whole table: every (status, event) pair not listed is refused.
    #[test]
    fn every_transition_and_every_refusal() {
        let allowed = [
            (S::Verifying, E::Verify, S::Filed),
            (S::Verifying, E::Dismiss, S::Unfounded),
            (S::Filed, E::IssueNotice, S::NoticeIssued),
            (S::NoticeIssued, E::Report, S::Reported),
            (S::Overdue, E::Report, S::Reported),
            (S::Escalated, E::Report, S::Reported),
            (S::Reported, E::StartReinspection, S::Reinspecting),
            (S::Reinspecting, E::PassReinspection, S::Closed),
            (S::Reinspecting, E::FailReinspection, S::NoticeIssued),
            (S::NoticeIssued, E::GrantExtension, S::NoticeIssued),
            (S::Overdue, E::GrantExtension, S::NoticeIssued),
            (S::NoticeIssued, E::MarkOverdue, S::Overdue),
            (S::NoticeIssued, E::Escalate, S::Escalated),
            (S::Overdue, E::Escalate, S::Escalated),
            (S::Reinspecting, E::Escalate, S::Escalated),
        ];
        let mut refused = 0;
        for status in S::ALL {
            for event in EVENTS {
                let expected = allowed.iter().find(|(s, e, _)| *s == status && *e == event).map(|(_, _, to)| *to);
                match (next(status, event), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{status:?} + {event:?}"),
                    (Err(Refusal::State { .. }), None) => refused += 1,
                    (got, want) => panic!("{status:?} + {event:?}: got {got:?}, expected {want:?}"),
                }
            }
        }
        assert_eq!(refused, 9 * 10 - allowed.len());
    }

    #[test]
    fn final_cases_accept_nothing() {
        for event in EVENTS {
            assert!(next(S::Closed, event).is_err());
            assert!(next(S::Unfounded, event).is_err());
        }
    }

    #[test]
    fn each_step_belongs_to_one_role() {
        let today = NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
        let later = Some(NaiveDate::from_ymd_opt(2024, 6, 20).unwrap());
        // Only staff close a case, only a company reports, only a leader escalates, only the
        // scanner marks a case overdue.
        let cases = [
            (S::Reinspecting, E::PassReinspection, Some(Role::CompanyUser), false),
            (S::Reinspecting, E::PassReinspection, Some(Role::BureauLeader), false),
            (S::Reinspecting, E::PassReinspection, Some(Role::BureauStaff), true),
            (S::NoticeIssued, E::Report, Some(Role::BureauStaff), false),
            (S::NoticeIssued, E::Report, Some(Role::CompanyUser), true),
            (S::Overdue, E::Escalate, Some(Role::BureauStaff), false),
            (S::Overdue, E::Escalate, Some(Role::BureauLeader), true),
            (S::NoticeIssued, E::MarkOverdue, Some(Role::BureauStaff), false),
            (S::NoticeIssued, E::MarkOverdue, None, true),
            (S::Verifying, E::Verify, Some(Role::TownshipOfficer), false),
            (S::Verifying, E::Verify, Some(Role::DisciplineInspector), false),
        ];
        for (status, event, role, ok) in cases {
            let r = decide(status, event, role, today, later, "理由");
            assert_eq!(r.is_ok(), ok, "{status:?} + {event:?} by {role:?}: {r:?}");
            if !ok {
                assert_eq!(r.unwrap_err(), Refusal::Role { event });
            }
        }
    }

    #[test]
    fn deadlines_and_reasons_are_required_where_they_matter() {
        let today = NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
        let staff = Some(Role::BureauStaff);
        assert_eq!(decide(S::Verifying, E::Verify, staff, today, None, ""), Err(Refusal::Deadline));
        assert_eq!(decide(S::Verifying, E::Verify, staff, today, Some(today), ""), Err(Refusal::Deadline));
        assert_eq!(
            decide(S::Verifying, E::Verify, staff, today, today.succ_opt(), ""),
            Ok(S::Filed),
            "a deadline after today"
        );
        assert_eq!(decide(S::Verifying, E::Dismiss, staff, today, None, "  "), Err(Refusal::Reason));
        assert_eq!(
            decide(S::Reinspecting, E::FailReinspection, staff, today, today.succ_opt(), ""),
            Err(Refusal::Reason)
        );
        assert_eq!(
            decide(S::Closed, E::Verify, staff, today, None, "").unwrap_err().message(),
            "案件当前状态为“已整改销号”，不能核实立案"
        );
    }

    #[test]
    fn deadline_states() {
        assert_eq!(deadline_state(S::NoticeIssued, Some(10), 3), DeadlineState::Running(10));
        assert_eq!(deadline_state(S::NoticeIssued, Some(3), 3), DeadlineState::DueSoon(3));
        assert_eq!(deadline_state(S::NoticeIssued, Some(0), 3), DeadlineState::DueSoon(0));
        assert_eq!(deadline_state(S::Overdue, Some(-2), 3), DeadlineState::Overdue(2));
        assert_eq!(deadline_state(S::Reported, Some(-2), 3), DeadlineState::None, "the company has answered");
        assert_eq!(deadline_state(S::Closed, Some(-2), 3), DeadlineState::None);
    }

    #[test]
    fn string_forms_round_trip() {
        for s in S::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CaseStatus::parse("fixed"), None);
    }
}
