//! Timelines: what each line on a case's or a clue's timeline is called, in which order lines
//! come, what a complainant reads of the case that absorbed their clue, and how the deadline in
//! force is explained.
//!
//! Every kind of line the platform writes has exactly one Chinese label here, so a page never
//! shows a code such as `referral_proposed`. The string forms are stored in `case_events.kind`
//! and `complaint_events.kind` and never change. A clue's mirror of a case step is stored as
//! `case.<kind>` and reads like the case's line. Timelines are chronological, oldest first, by
//! the instant the line was written (the application clock), ties in the order of writing.
//!
//! The complainant's view follows 信访工作条例 第30条 and 第33条: the complainant is told how the
//! matter stands and how it ended, never who handled it internally.

use chrono::NaiveDate;

use super::case::{CaseEvent, CaseStatus};

/// Every kind of line written on a case's or a clue's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A case step of the state machine (`verify`, `issue_notice`, …).
    Step(CaseEvent),
    /// 列入台账 (a case opened from a problem)
    Opened,
    /// 企业申请延期
    ExtensionRequested,
    /// 不予延期
    ExtensionRefused,
    /// 提请升级
    EscalationProposed,
    /// 暂不升级
    EscalationDeclined,
    /// 企业签收整改通知书
    NoticeSigned,
    /// 整改通知书逾期未签收 (the scanner)
    NoticeUnsigned,
    /// 提请重新核定服务等级
    ReassessmentProposed,
    /// 重新核定服务等级 (approved)
    Reassessed,
    /// 不同意重新核定
    ReassessmentRejected,
    /// 提请移送
    ReferralProposed,
    /// 移送有关部门 (approved, letter sent)
    Referred,
    /// 不同意移送
    ReferralRejected,
    /// 部门签收移送函
    ReferralAcknowledged,
    /// 部门反馈处理结果
    ReferralAnswered,
    /// 开启引导解聘
    DismissalOpened,
    /// 引导解聘程序
    DismissalStep,
    /// 诉讼和失信
    Litigation,
    /// 收到投诉举报 (a clue's first line)
    Received,
    /// 受理 (triage: a new problem)
    Accepted,
    /// 并案办理 (triage: merged into a problem)
    Merged,
    /// 不予受理
    Rejected,
    /// 转有关部门办理
    Forwarded,
    /// 延长办理期限
    ClosureExtended,
}

impl EventKind {
    /// Every kind, case steps first.
    pub const ALL: [EventKind; 34] = [
        EventKind::Step(CaseEvent::ALL[0]),
        EventKind::Step(CaseEvent::ALL[1]),
        EventKind::Step(CaseEvent::ALL[2]),
        EventKind::Step(CaseEvent::ALL[3]),
        EventKind::Step(CaseEvent::ALL[4]),
        EventKind::Step(CaseEvent::ALL[5]),
        EventKind::Step(CaseEvent::ALL[6]),
        EventKind::Step(CaseEvent::ALL[7]),
        EventKind::Step(CaseEvent::ALL[8]),
        EventKind::Step(CaseEvent::ALL[9]),
        EventKind::Opened,
        EventKind::ExtensionRequested,
        EventKind::ExtensionRefused,
        EventKind::EscalationProposed,
        EventKind::EscalationDeclined,
        EventKind::NoticeSigned,
        EventKind::NoticeUnsigned,
        EventKind::ReassessmentProposed,
        EventKind::Reassessed,
        EventKind::ReassessmentRejected,
        EventKind::ReferralProposed,
        EventKind::Referred,
        EventKind::ReferralRejected,
        EventKind::ReferralAcknowledged,
        EventKind::ReferralAnswered,
        EventKind::DismissalOpened,
        EventKind::DismissalStep,
        EventKind::Litigation,
        EventKind::Received,
        EventKind::Accepted,
        EventKind::Merged,
        EventKind::Rejected,
        EventKind::Forwarded,
        EventKind::ClosureExtended,
    ];

    /// The one string form, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Step(e) => e.as_str(),
            EventKind::Opened => "open",
            EventKind::ExtensionRequested => "extension_request",
            EventKind::ExtensionRefused => "extension_refused",
            EventKind::EscalationProposed => "escalation_proposed",
            EventKind::EscalationDeclined => "escalation_declined",
            EventKind::NoticeSigned => "notice_signed",
            EventKind::NoticeUnsigned => "notice_unsigned",
            EventKind::ReassessmentProposed => "reassessment_proposed",
            EventKind::Reassessed => "reassessed",
            EventKind::ReassessmentRejected => "reassessment_rejected",
            EventKind::ReferralProposed => "referral_proposed",
            EventKind::Referred => "referred",
            EventKind::ReferralRejected => "referral_rejected",
            // Stored with the audit action's name since referrals were first written.
            EventKind::ReferralAcknowledged => "referral.acknowledge",
            EventKind::ReferralAnswered => "referral.result",
            EventKind::DismissalOpened => "dismissal_opened",
            EventKind::DismissalStep => "dismissal_step",
            EventKind::Litigation => "litigation",
            EventKind::Received => "received",
            EventKind::Accepted => "triage.accept",
            EventKind::Merged => "triage.merge",
            EventKind::Rejected => "triage.reject",
            EventKind::Forwarded => "triage.forward",
            EventKind::ClosureExtended => "extend",
        }
    }

    /// The Chinese label shown on timelines.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Step(e) => e.label(),
            EventKind::Opened => "列入台账",
            EventKind::ExtensionRequested => "企业申请延期",
            EventKind::ExtensionRefused => "不予延期",
            EventKind::EscalationProposed => "提请升级",
            EventKind::EscalationDeclined => "暂不升级",
            EventKind::NoticeSigned => "企业签收整改通知书",
            EventKind::NoticeUnsigned => "整改通知书逾期未签收",
            EventKind::ReassessmentProposed => "提请重新核定服务等级",
            EventKind::Reassessed => "重新核定服务等级",
            EventKind::ReassessmentRejected => "领导未同意重新核定",
            EventKind::ReferralProposed => "提请移送有关部门",
            EventKind::Referred => "移送有关部门",
            EventKind::ReferralRejected => "领导未同意移送",
            EventKind::ReferralAcknowledged => "部门签收移送函",
            EventKind::ReferralAnswered => "部门反馈处理结果",
            EventKind::DismissalOpened => "开启引导解聘",
            EventKind::DismissalStep => "引导解聘程序",
            EventKind::Litigation => "诉讼和失信记录",
            EventKind::Received => "收到投诉举报",
            EventKind::Accepted => "受理",
            EventKind::Merged => "并案办理",
            EventKind::Rejected => "不予受理",
            EventKind::Forwarded => "转有关部门办理",
            EventKind::ClosureExtended => "延长办理期限",
        }
    }

    /// Parses a stored kind; a clue's `case.<kind>` mirror parses as the case's kind.
    pub fn parse(s: &str) -> Option<EventKind> {
        let s = match s.strip_prefix("case.") {
            Some(rest) if !rest.starts_with("case.") => rest,
            _ => s,
        };
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The label of a stored kind. A kind this table does not know (an old row) reads as a neutral
/// 办理记录, never as its code.
pub fn label_of(kind: &str) -> &'static str {
    EventKind::parse(kind).map(EventKind::label).unwrap_or("办理记录")
}

/// What a complainant reads as the state of the case that absorbed their clue.
pub fn public_status(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Verifying => "已受理，正在核实",
        CaseStatus::Filed => "已立案督办",
        CaseStatus::NoticeIssued => "已责令整改，整改中",
        CaseStatus::Reported => "企业已反馈整改情况，待复查",
        CaseStatus::Reinspecting => "正在复查",
        CaseStatus::Overdue => "逾期未整改，依法进一步处理中",
        CaseStatus::Escalated => "已升级处理",
        CaseStatus::Closed => "已办结",
        CaseStatus::Unfounded => "已办结（经核实不属实）",
    }
}

/// A line of a case's timeline that set a deadline, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineSet {
    pub kind: EventKind,
    pub deadline: NaiveDate,
    /// Why, in the words of the line (the extension's reason, the re-inspection's finding);
    /// may be empty.
    pub reason: String,
}

/// Why a deadline was set, as the sentence after 因.
fn cause(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Step(CaseEvent::GrantExtension) => "批准延期",
        EventKind::Step(CaseEvent::FailReinspection) => "复查未通过、重新整改",
        EventKind::Step(CaseEvent::IssueNotice) => "下发整改通知书",
        EventKind::Step(CaseEvent::Verify) => "核实立案",
        other => other.label(),
    }
}

/// The one deadline in force, and, when it was changed, from what and why:
/// `2024-07-01（原2024-06-20，因批准延期：设备采购周期长）`. `since_notice`: the reader is the
/// company, for whom the deadline starts with the rectification notice (the bureau's earlier
/// ledger deadline was never addressed to it). `未定` when no deadline runs.
pub fn deadline_in_force(current: Option<NaiveDate>, sets: &[DeadlineSet], since_notice: bool) -> String {
    let Some(current) = current.or_else(|| sets.last().map(|s| s.deadline)) else {
        return "未定".into();
    };
    let start = if since_notice {
        sets.iter().position(|s| s.kind == EventKind::Step(CaseEvent::IssueNotice)).unwrap_or(0)
    } else {
        0
    };
    let sets = &sets[start..];
    let mut change = None;
    for pair in sets.windows(2) {
        if pair[0].deadline != pair[1].deadline {
            change = Some((pair[0].deadline, &pair[1]));
        }
    }
    match change {
        Some((from, set)) if set.deadline == current && sets.last().is_some_and(|l| l.deadline == current) => {
            let reason = set.reason.trim();
            if reason.is_empty() {
                format!("{current}（原{from}，因{}）", cause(set.kind))
            } else {
                format!("{current}（原{from}，因{}：{reason}）", cause(set.kind))
            }
        }
        _ => current.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind the code writes, by the string it writes: the case steps through
    /// `service::cases::write_step` and the scanner's `mark_overdue`; `open` from
    /// `insert_case`; the notes through `service::timeline::timeline_note` (cases, notices,
    /// reassessments, referrals, dismissals, the scanner's `notice_unsigned`); a clue's lines
    /// from intake (`received`), triage (`triage.<decision>`), `extend`, and the mirrors of case
    /// steps (`case.<kind>`, the scanner's `case.mark_overdue`).
    const WRITTEN: &[&str] = &[
        "verify",
        "dismiss",
        "issue_notice",
        "report",
        "start_reinspection",
        "pass_reinspection",
        "fail_reinspection",
        "grant_extension",
        "mark_overdue",
        "escalate",
        "open",
        "extension_request",
        "extension_refused",
        "escalation_proposed",
        "escalation_declined",
        "notice_signed",
        "notice_unsigned",
        "reassessment_proposed",
        "reassessed",
        "reassessment_rejected",
        "referral_proposed",
        "referred",
        "referral_rejected",
        "referral.acknowledge",
        "referral.result",
        "dismissal_opened",
        "dismissal_step",
        "litigation",
        "received",
        "triage.accept",
        "triage.merge",
        "triage.reject",
        "triage.forward",
        "extend",
        "case.open",
        "case.verify",
        "case.dismiss",
        "case.issue_notice",
        "case.report",
        "case.start_reinspection",
        "case.pass_reinspection",
        "case.fail_reinspection",
        "case.grant_extension",
        "case.mark_overdue",
        "case.escalate",
    ];

    fn is_chinese(label: &str) -> bool {
        !label.is_empty() && label.chars().all(|c| !c.is_ascii())
    }

    #[test]
    fn every_kind_the_code_writes_has_a_chinese_label_that_is_not_its_code() {
        for code in WRITTEN {
            let kind = EventKind::parse(code).unwrap_or_else(|| panic!("{code} has no entry in the table"));
            let label = kind.label();
            assert_ne!(label, *code);
            assert!(is_chinese(label), "{code} → {label}");
            assert_eq!(label_of(code), label);
        }
        for kind in EventKind::ALL {
            assert!(WRITTEN.contains(&kind.as_str()), "{kind:?} is in the table but listed as never written");
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind), "round trip of {kind:?}");
            assert!(is_chinese(kind.label()), "{kind:?}");
        }
        let mut codes: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EventKind::ALL.len(), "one string form per kind");
        assert_eq!(label_of("something_new"), "办理记录", "an unknown code never shows as itself");
        assert_eq!(EventKind::parse("case.case.open"), None);
    }

    #[test]
    fn a_complainant_reads_every_case_state_in_chinese_and_a_final_one_as_finished() {
        for s in CaseStatus::ALL {
            assert!(is_chinese(public_status(s)), "{s:?}");
            assert_eq!(s.is_final(), public_status(s).starts_with("已办结"), "{s:?}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn set(kind: CaseEvent, deadline: &str, reason: &str) -> DeadlineSet {
        DeadlineSet { kind: EventKind::Step(kind), deadline: d(deadline), reason: reason.into() }
    }

    #[test]
    fn the_deadline_in_force_says_from_what_and_why_it_changed() {
        use CaseEvent as E;
        let verify = set(E::Verify, "2024-07-10", "");
        let notice = set(E::IssueNotice, "2024-06-20", "");
        let extended = set(E::GrantExtension, "2024-07-01", "设备采购周期长");
        let failed = set(E::FailReinspection, "2024-07-15", "4号楼仍有垃圾堆放");
        let cases: [(Option<&str>, Vec<DeadlineSet>, bool, &str); 9] = [
            (None, vec![], false, "未定"),
            (Some("2024-07-10"), vec![verify.clone()], true, "2024-07-10"),
            // The company's deadline starts with the notice: the ledger's earlier one is no change.
            (Some("2024-06-20"), vec![verify.clone(), notice.clone()], true, "2024-06-20"),
            (
                Some("2024-06-20"),
                vec![verify.clone(), notice.clone()],
                false,
                "2024-06-20（原2024-07-10，因下发整改通知书）",
            ),
            (
                Some("2024-07-01"),
                vec![verify.clone(), notice.clone(), extended.clone()],
                true,
                "2024-07-01（原2024-06-20，因批准延期：设备采购周期长）",
            ),
            (
                Some("2024-07-15"),
                vec![notice.clone(), extended.clone(), failed.clone()],
                true,
                "2024-07-15（原2024-07-01，因复查未通过、重新整改：4号楼仍有垃圾堆放）",
            ),
            // A re-inspection that keeps the date changes nothing; the last real change stays.
            (
                Some("2024-07-01"),
                vec![notice.clone(), extended.clone(), set(E::FailReinspection, "2024-07-01", "")],
                true,
                "2024-07-01（原2024-06-20，因批准延期：设备采购周期长）",
            ),
            (Some("2024-06-20"), vec![notice.clone(), set(E::GrantExtension, "2024-07-01", " ")], true, "2024-06-20"),
            (
                Some("2024-07-01"),
                vec![notice.clone(), set(E::GrantExtension, "2024-07-01", " ")],
                true,
                "2024-07-01（原2024-06-20，因批准延期）",
            ),
        ];
        for (current, sets, since_notice, want) in cases {
            assert_eq!(deadline_in_force(current.map(d), &sets, since_notice), want, "{sets:?}");
        }
    }
}
