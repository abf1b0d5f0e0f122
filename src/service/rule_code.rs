//! Why a use case refuses what it was asked (a business rule, or a conflict with what another
//! request did first): one variant per refusal, its stable API code and its Chinese message, in
//! one table. A refusal the domain explains (an illegal step of a state machine, an incomplete
//! inspection) carries the domain's own message, written where the rule is.

use crate::domain::case::CaseStatus;

/// A refusal of a use case, rendered as `422` (a rule) or `409` (a conflict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleCode {
    // rules (422)
    /// A step the state machine does not allow from the current status; the domain's message.
    InvalidTransition(String),
    /// The case moved under the request (its compare-and-set found another status).
    CaseChangedMeanwhile,
    /// A case step that has its own page (issuing a notice, deciding an extension, escalating).
    StepHasItsOwnPage,
    /// An extension asked for a case not waiting for rectification.
    ExtensionNotNow(CaseStatus),
    /// A notice for a case that is not filed.
    NoticeForUnfiledCase { title: String, status_label: &'static str },
    /// A clue's deadline extended before it was accepted.
    ClueNotAccepted,
    /// A clue triaged by someone else under the request.
    ClueTriagedMeanwhile,
    /// A clue's deadline extended a second time (under a concurrent request).
    ClueAlreadyExtended,
    /// Two corrections of one disclosure period at once.
    DisclosureVersionRace,
    /// A second open dismissal track for one community.
    DismissalTrackOpen,
    /// A dismissal step out of order; the domain's message.
    DismissalStep(String),
    /// A litigation step out of order; the domain's message.
    LitigationStep(String),
    /// A text longer than its column.
    TooLong,
    /// An inspection changed after it was submitted.
    InspectionSubmitted,
    /// An inspection re-assigned after it was submitted.
    InspectionSubmittedNoAssign,
    /// An inspection submitted with items unanswered or problems undescribed; the domain's message.
    InspectionIncomplete(String),
    /// The plan's responsible person is disabled, so no case can be opened.
    NoResponsiblePerson,
    /// A second re-assessment proposed while one waits for a leader.
    ReassessmentPending,
    /// A re-assessment decided twice.
    ReassessmentDecided,
    /// A referral decided twice.
    ReferralDecided,
    /// A referral step its status does not allow; the status's label.
    ReferralNotNow(&'static str),
    /// A reversing entry reversed.
    ReversalOfReversal,
    /// An entry reversed twice.
    AlreadyReversed,
    /// A quarter's statement published twice.
    StatementPublished { year: i32, quarter: u32 },
    /// A statement confirmed or disputed twice.
    StatementReviewed,
    /// Codes issued for a closed survey.
    SurveyClosedForCodes,
    /// Two registrations of one unit at once.
    SurveyUnitRace,
    /// An answer outside the survey's days.
    SurveyNotOpen,
    /// A vote refused or out of its time; the message says why.
    Decision(String),
    /// An exit's step refused; the message says why.
    Exit(String),
    /// A second exit of a community while one is open.
    ExitOpen,
    /// A form the framework could not read; what it could not read, named in Chinese.
    BadForm(String),
    // conflicts (409)
    /// A case opened twice from one problem.
    CaseAlreadyOpened,
    /// A second extension request while one waits.
    ExtensionPending,
    /// An extension request decided twice.
    ExtensionDecided,
    /// A second escalation proposal while one waits.
    EscalationPending,
    /// An escalation proposal decided twice.
    EscalationDecided,
    /// A dismissal track changed under the request.
    DismissalChangedMeanwhile,
    /// An inspection submitted twice at once.
    InspectionSubmittedMeanwhile,
    /// A notice signed for twice.
    NoticeSigned,
    /// A roster unit deleted by someone else while it was being changed or deleted.
    RosterUnitGone,
    /// A unit or owner that has already voted (the first ballot recorded stands); which one.
    AlreadyVoted(String),
    /// A vote changed under the request (counted, cancelled, decided).
    DecisionChangedMeanwhile,
    /// An exit changed under the request (an item confirmed, a signature, completed, withdrawn).
    ExitChangedMeanwhile,
}

impl RuleCode {
    /// The stable snake_case code the API returns (a conflict's is `conflict`).
    pub fn code(&self) -> &'static str {
        use RuleCode::*;
        match self {
            InvalidTransition(_) | CaseChangedMeanwhile | StepHasItsOwnPage | ExtensionNotNow(_)
            | ClueTriagedMeanwhile | ClueAlreadyExtended => "invalid_transition",
            NoticeForUnfiledCase { .. } => "invalid_transition",
            ClueNotAccepted => "not_accepted",
            DisclosureVersionRace => "disclosure_version",
            DismissalTrackOpen => "track_open",
            DismissalStep(_) => "dismissal_step",
            LitigationStep(_) => "litigation_step",
            TooLong => "too_long",
            InspectionSubmitted | InspectionSubmittedNoAssign => "inspection_submitted",
            InspectionIncomplete(_) => "inspection_incomplete",
            NoResponsiblePerson => "no_responsible",
            ReassessmentPending => "pending_reassessment",
            ReassessmentDecided | ReferralDecided => "decided",
            ReferralNotNow(_) => "referral_state",
            ReversalOfReversal | AlreadyReversed => "reversal",
            StatementPublished { .. } => "statement",
            StatementReviewed => "statement_review",
            SurveyClosedForCodes | SurveyNotOpen => "survey_closed",
            SurveyUnitRace => "survey_units",
            BadForm(_) => "bad_form",
            Decision(_) => "decision",
            Exit(_) => "exit",
            ExitOpen => "exit_open",
            CaseAlreadyOpened
            | ExtensionPending
            | ExtensionDecided
            | EscalationPending
            | EscalationDecided
            | DismissalChangedMeanwhile
            | InspectionSubmittedMeanwhile
            | NoticeSigned
            | RosterUnitGone
            | AlreadyVoted(_)
            | DecisionChangedMeanwhile
            | ExitChangedMeanwhile => "conflict",
        }
    }

    /// Whether another request got there first (409) rather than a rule refusing the request (422).
    pub fn is_conflict(&self) -> bool {
        self.code() == "conflict"
    }

    /// The Chinese message people read.
    pub fn message(&self) -> String {
        use RuleCode::*;
        match self {
            InvalidTransition(m)
            | DismissalStep(m)
            | LitigationStep(m)
            | InspectionIncomplete(m)
            | Decision(m)
            | Exit(m) => m.clone(),
            AlreadyVoted(who) => format!("{who}已表决，以先记录的表决为准，不能重复表决"),
            DecisionChangedMeanwhile => "该表决刚由他人办理，请刷新后查看".into(),
            ExitOpen => "该小区已有进行中的退出交接".into(),
            ExitChangedMeanwhile => "该退出交接刚由他人办理，请刷新后查看".into(),
            BadForm(what) => format!("表单内容无法识别：{what}"),
            CaseChangedMeanwhile => "案件已被他人处理，请刷新后查看".into(),
            StepHasItsOwnPage => "此操作请在对应页面办理".into(),
            ExtensionNotNow(status) => format!("案件当前状态为“{}”，不能申请延期", status.label()),
            NoticeForUnfiledCase { title, status_label } => {
                format!("案件“{title}”状态为“{status_label}”，只有已立案的案件才能下发整改通知")
            }
            ClueNotAccepted => "线索尚未受理，无办理期限可延长".into(),
            ClueTriagedMeanwhile => "该线索已由他人分办，请刷新后查看".into(),
            ClueAlreadyExtended => "办理期限只能延长一次".into(),
            DisclosureVersionRace => "同一期间正在被他人更正，请刷新后重试".into(),
            DismissalTrackOpen => "该小区已有进行中的引导解聘".into(),
            TooLong => "填写的内容超出长度限制，请精简后再提交".into(),
            InspectionSubmitted => "该排查表已提交，不能再修改".into(),
            InspectionSubmittedNoAssign => "该排查表已提交，不能再分派".into(),
            NoResponsiblePerson => "排查计划的责任人已停用，请先更换责任人".into(),
            ReassessmentPending => "该小区已有待领导审批的重新核定".into(),
            ReassessmentDecided => "该重新核定已审批".into(),
            ReferralDecided => "该移送已审批".into(),
            ReferralNotNow(status) => format!("移送当前状态为“{status}”，不能办理此项"),
            ReversalOfReversal => "冲销记录不能再冲销，请重新录入正确的收支".into(),
            AlreadyReversed => "该记录已冲销".into(),
            StatementPublished { year, quarter } => format!("{year}年第{quarter}季度的报表已公示"),
            StatementReviewed => "该报表已确认或已提出异议".into(),
            SurveyClosedForCodes => "测评已结束，不能再发放测评码".into(),
            SurveyUnitRace => "同一房号正在被他人登记，请刷新后重试".into(),
            SurveyNotOpen => "本次测评不在答题时间内".into(),
            CaseAlreadyOpened => "该问题已立案，请在工作台账中查看".into(),
            ExtensionPending => "已有待审批的延期申请".into(),
            ExtensionDecided => "该申请已被他人审批".into(),
            EscalationPending => "该案件已有待领导决定的升级提请".into(),
            EscalationDecided => "该提请已有决定".into(),
            DismissalChangedMeanwhile => "该引导解聘刚由他人办理，请刷新后再试".into(),
            InspectionSubmittedMeanwhile => "该排查表已由他人提交".into(),
            NoticeSigned => "该整改通知书已签收".into(),
            RosterUnitGone => "该房屋刚被他人从业主名册中删除，请刷新后查看".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_answer_conflict_and_rules_their_own_code() {
        assert_eq!(RuleCode::NoticeSigned.code(), "conflict");
        assert!(RuleCode::NoticeSigned.is_conflict());
        assert_eq!(RuleCode::AlreadyReversed.code(), "reversal");
        assert!(!RuleCode::AlreadyReversed.is_conflict());
        assert_eq!(RuleCode::StatementPublished { year: 2024, quarter: 3 }.message(), "2024年第3季度的报表已公示");
        assert_eq!(
            RuleCode::ExtensionNotNow(CaseStatus::Closed).message(),
            format!("案件当前状态为“{}”，不能申请延期", CaseStatus::Closed.label())
        );
        assert_eq!(RuleCode::BadForm("“x”缺少必填项".into()).message(), "表单内容无法识别：“x”缺少必填项");
    }
}
