//! Complaints (投诉举报 / 问题线索): channels, triage states, deadlines and complainant
//! protection.
//!
//! Deadlines follow 信访工作条例 (2022): whether a clue is accepted is answered within 15 days of
//! receipt; an accepted clue is handled within 60 days of acceptance, extendable once by at most
//! 30 days with the reason told to the complainant. Days are calendar days (the regulation counts
//! 日).
//! Identities: 信访工作条例第三十条 — a complainant's report or identity is never revealed or
//! passed to the person or unit complained about; 个人信息保护法第五十一条 — restricted access,
//! encryption. Masking rules live here so every view applies the same ones.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::workdays::{Calendar, end_of_day, last_day, shanghai_date};

/// Days from receipt within which acceptance must be answered.
pub const ACCEPTANCE_DAYS: i64 = 15;
/// Days from receipt within which the clue must be closed.
pub const CLOSURE_DAYS: i64 = 60;
/// The one extension allowed, at most.
pub const EXTENSION_DAYS: i64 = 30;
/// Days before a deadline from which it shows as due soon.
pub const DUE_SOON_DAYS: i64 = 3;

/// How a clue reached the bureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 网上投诉 (the public form)
    Web,
    /// 小区二维码
    Qr,
    /// 电话 (hotline, entered by staff)
    Phone,
    /// 电子邮件
    Email,
    /// Open311 partner systems (12345 hotline, apps)
    Open311,
    /// JSON API
    Api,
    /// 系统核查: a problem the platform's own checks found (late disclosure, public revenue,
    /// satisfaction), proposed to staff with its evidence.
    System,
}

impl Channel {
    pub const ALL: [Channel; 7] =
        [Channel::Web, Channel::Qr, Channel::Phone, Channel::Email, Channel::Open311, Channel::Api, Channel::System];

    /// Stable string form.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Qr => "qr",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Open311 => "open311",
            Channel::Api => "api",
            Channel::System => "system",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Web => "网上投诉",
            Channel::Qr => "小区二维码",
            Channel::Phone => "电话",
            Channel::Email => "电子邮件",
            Channel::Open311 => "12345等平台",
            Channel::Api => "接口",
            Channel::System => "系统核查",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a clue stands in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// 待受理: received, not yet triaged.
    Received,
    /// 已受理: accepted as a new problem.
    Accepted,
    /// 已并案: merged into an existing problem.
    Merged,
    /// 不予受理: unfounded or outside the bureau's remit, with a reason the complainant reads.
    Rejected,
    /// 已转办: forwarded to a department.
    Forwarded,
    /// 已办结
    Closed,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 6] = [
        ComplaintStatus::Received,
        ComplaintStatus::Accepted,
        ComplaintStatus::Merged,
        ComplaintStatus::Rejected,
        ComplaintStatus::Forwarded,
        ComplaintStatus::Closed,
    ];

    /// Stable string form.
    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "received",
            ComplaintStatus::Accepted => "accepted",
            ComplaintStatus::Merged => "merged",
            ComplaintStatus::Rejected => "rejected",
            ComplaintStatus::Forwarded => "forwarded",
            ComplaintStatus::Closed => "closed",
        }
    }

    /// The Chinese label the complainant and staff read.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "待受理",
            ComplaintStatus::Accepted => "已受理",
            ComplaintStatus::Merged => "已受理（并案办理）",
            ComplaintStatus::Rejected => "不予受理",
            ComplaintStatus::Forwarded => "已转有关部门办理",
            ComplaintStatus::Closed => "已办结",
        }
    }

    /// Parses the string form.
    pub fn parse(s: &str) -> Option<ComplaintStatus> {
        ComplaintStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether acceptance has been answered (triage done).
    pub fn answered(self) -> bool {
        self != ComplaintStatus::Received
    }

    /// Whether the clue is finished (no closure deadline runs).
    pub fn finished(self) -> bool {
        matches!(self, ComplaintStatus::Rejected | ComplaintStatus::Closed)
    }
}

super::labelled_enum! {
    /// An accepted problem (one or several clues merged into it): open until its case is closed.
    pub enum ProblemStatus {
        /// 待办理: accepted, its case (if any) not closed yet.
        Open => ("open", "办理中"),
        /// 已办结: its case was closed (rectified or unfounded).
        Closed => ("closed", "已办结"),
    }
}

/// A triage decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triage {
    Accept,
    Merge,
    Reject,
    Forward,
}

impl Triage {
    /// Every decision.
    pub const ALL: [Triage; 4] = [Triage::Accept, Triage::Merge, Triage::Reject, Triage::Forward];

    /// The one string form (forms, API, audit trail).
    pub fn as_str(self) -> &'static str {
        match self {
            Triage::Accept => "accept",
            Triage::Merge => "merge",
            Triage::Reject => "reject",
            Triage::Forward => "forward",
        }
    }

    /// The decision a string form names.
    pub fn parse(s: &str) -> Option<Triage> {
        Triage::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The Chinese name of the decision.
    pub fn label(self) -> &'static str {
        match self {
            Triage::Accept => "受理",
            Triage::Merge => "合并",
            Triage::Reject => "不予受理",
            Triage::Forward => "转办",
        }
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError(pub String);

/// The status after a triage decision; only clues still waiting for triage can be triaged.
pub fn triage(from: ComplaintStatus, decision: Triage) -> Result<ComplaintStatus, TransitionError> {
    if from != ComplaintStatus::Received {
        return Err(TransitionError(format!("该线索当前状态为“{}”，不能再次分办", from.label())));
    }
    Ok(match decision {
        Triage::Accept => ComplaintStatus::Accepted,
        Triage::Merge => ComplaintStatus::Merged,
        Triage::Reject => ComplaintStatus::Rejected,
        Triage::Forward => ComplaintStatus::Forwarded,
    })
}

/// The acceptance deadline of a clue received at `received_at` (信访工作条例: 15 days): the period
/// starts the day after receipt (民法典第201条), ends at 24:00 Asia/Shanghai of its last day, and
/// a last day on a rest day or holiday moves to the next working day (第203条).
pub fn acceptance_due(received_at: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    end_of_day(cal.calendar_period_end(shanghai_date(received_at), ACCEPTANCE_DAYS))
}

/// The closure deadline of a clue accepted (or forwarded) at `accepted_at` (60 days), counted as
/// [`acceptance_due`] is.
pub fn closure_due(accepted_at: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
    end_of_day(cal.calendar_period_end(shanghai_date(accepted_at), CLOSURE_DAYS))
}

/// The closure deadline after the one allowed extension of `days` (1..=30), counted from the last
/// day of the running deadline, with 第203条 applied to the new last day.
pub fn extend(
    closure_due: DateTime<Utc>,
    already_extended: bool,
    days: i64,
    cal: &Calendar,
) -> Result<DateTime<Utc>, TransitionError> {
    if already_extended {
        return Err(TransitionError("办理期限只能延长一次".into()));
    }
    if !(1..=EXTENSION_DAYS).contains(&days) {
        return Err(TransitionError(format!("延长期限为1至{EXTENSION_DAYS}日")));
    }
    Ok(end_of_day(cal.calendar_period_end(last_day(closure_due), days)))
}

/// How a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// Nothing runs (met or not applicable).
    None,
    /// Runs, more than [`DUE_SOON_DAYS`] left.
    Running,
    /// Runs, due within [`DUE_SOON_DAYS`].
    Soon,
    /// Passed.
    Overdue,
}

impl Due {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Due::None => "",
            Due::Running => "办理中",
            Due::Soon => "即将到期",
            Due::Overdue => "已逾期",
        }
    }
}

fn due(now: DateTime<Utc>, at: DateTime<Utc>) -> Due {
    if now > at {
        Due::Overdue
    } else if at - now <= Duration::days(DUE_SOON_DAYS) {
        Due::Soon
    } else {
        Due::Running
    }
}

/// The state of the deadline that currently runs: acceptance until triage, then closure until
/// the clue is finished.
pub fn due_state(
    now: DateTime<Utc>,
    status: ComplaintStatus,
    acceptance_due: DateTime<Utc>,
    closure_due: Option<DateTime<Utc>>,
) -> Due {
    if status.finished() {
        Due::None
    } else if !status.answered() {
        due(now, acceptance_due)
    } else {
        closure_due.map_or(Due::None, |c| due(now, c))
    }
}

/// 138****1234: the first three and last four digits of a phone number.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let keep_head = if chars.len() >= 11 { 3 } else { 1 };
    let head: String = chars[..keep_head].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - keep_head - 4))
}

/// 张*明 / 张*: the family name and, for long names, the last character.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// z***@example.com
pub fn mask_email(email: &str) -> String {
    match email.trim().split_once('@') {
        Some((user, domain)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, d, 2, 0, 0).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::new(crate::domain::workdays::seed().into_iter().map(|(d, k, _)| (d, k)))
    }

    fn shanghai(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - Duration::hours(8)
    }

    #[test]
    fn deadlines_end_at_24_00_of_the_last_day() {
        let c = cal();
        // Received Monday 2024-06-03 10:00: 15 days from the 4th, due at the end of the 18th.
        assert_eq!(acceptance_due(shanghai(2024, 6, 3, 10), &c), shanghai(2024, 6, 19, 0));
        // Received at 23:30 on the 3rd: the same day, the same deadline.
        assert_eq!(acceptance_due(shanghai(2024, 6, 3, 23), &c), shanghai(2024, 6, 19, 0));
        // Received 00:30 on the 4th (16:30 UTC on the 3rd): one day later.
        assert_eq!(acceptance_due(Utc.with_ymd_and_hms(2024, 6, 3, 16, 30, 0).unwrap(), &c), shanghai(2024, 6, 20, 0));
        // Accepted 2024-06-10: day 60 is Friday 2024-08-09.
        assert_eq!(closure_due(shanghai(2024, 6, 10, 9), &c), shanghai(2024, 8, 10, 0));
    }

    #[test]
    fn a_last_day_on_a_rest_day_moves_to_the_next_working_day() {
        let c = cal();
        // Received Friday 2024-06-07: day 15 is Saturday the 22nd, so Monday the 24th.
        assert_eq!(acceptance_due(shanghai(2024, 6, 7, 9), &c), shanghai(2024, 6, 25, 0));
        // Received 2024-09-16: day 15 is 10-01, 国庆节: 10-08.
        assert_eq!(acceptance_due(shanghai(2024, 9, 16, 9), &c), shanghai(2024, 10, 9, 0));
        // Accepted 2024-12-02: day 60 is Friday 2025-01-31, in 春节 2025: 02-05.
        assert_eq!(closure_due(shanghai(2024, 12, 2, 9), &c), shanghai(2025, 2, 6, 0));
    }

    #[test]
    fn the_running_deadline_and_its_state() {
        let a = acceptance_due(t(1), &Calendar::default());
        let c = closure_due(t(1), &Calendar::default());
        let cases = [
            (t(2), ComplaintStatus::Received, Due::Running),
            (t(14), ComplaintStatus::Received, Due::Running),
            (t(15), ComplaintStatus::Received, Due::Soon),
            (t(17), ComplaintStatus::Received, Due::Soon),
            (t(18), ComplaintStatus::Received, Due::Overdue),
            (t(17), ComplaintStatus::Accepted, Due::Running),
            (t(17), ComplaintStatus::Rejected, Due::None),
            (c + Duration::hours(1), ComplaintStatus::Forwarded, Due::Overdue),
            (c + Duration::hours(1), ComplaintStatus::Closed, Due::None),
        ];
        for (now, status, want) in cases {
            assert_eq!(due_state(now, status, a, Some(c)), want, "{now} {status:?}");
        }
    }

    #[test]
    fn one_extension_of_at_most_30_days() {
        let cal = cal();
        // Due at the end of Friday 2024-08-09; +30 days is Sunday 09-08, so Monday 09-09.
        let c = shanghai(2024, 8, 10, 0);
        assert_eq!(extend(c, false, 30, &cal).unwrap(), shanghai(2024, 9, 10, 0));
        assert_eq!(extend(c, false, 3, &cal).unwrap(), shanghai(2024, 8, 13, 0), "Monday 08-12");
        assert!(extend(c, false, 31, &cal).is_err());
        assert!(extend(c, false, 0, &cal).is_err());
        assert!(extend(c, true, 10, &cal).is_err());
    }

    #[test]
    fn only_waiting_clues_can_be_triaged() {
        assert_eq!(triage(ComplaintStatus::Received, Triage::Merge), Ok(ComplaintStatus::Merged));
        assert!(triage(ComplaintStatus::Accepted, Triage::Reject).is_err());
        assert!(triage(ComplaintStatus::Rejected, Triage::Accept).is_err());
    }

    #[test]
    fn masking() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("3200940"), "3**0940");
        assert_eq!(mask_phone("123"), "***");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳明月"), "欧**月");
        assert_eq!(mask_email("zhang@example.com"), "z***@example.com");
    }
}
