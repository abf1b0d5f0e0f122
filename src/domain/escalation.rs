//! Escalation proposals (提请升级处理): staff, or the scanner for an overdue case or an unsigned
//! notice, propose to escalate a case; a leader accepts or declines. At most one proposal of a
//! case is pending at a time.

super::labelled_enum! {
    /// Where a proposal stands. One string form shared by the database, the API and the templates.
    pub enum EscalationStatus {
        /// Waiting for a leader.
        Pending => ("pending", "待领导决定"),
        /// The leader decided to escalate the case.
        Accepted => ("accepted", "已决定升级处理"),
        /// The leader decided not to escalate for now.
        Declined => ("declined", "暂不升级"),
    }
}

impl EscalationStatus {
    /// The leader's decision: only a pending proposal is decided.
    pub fn decide(self, accept: bool) -> Option<Self> {
        (self == Self::Pending).then_some(if accept { Self::Accepted } else { Self::Declined })
    }
}

super::labelled_enum! {
    /// The leader's answer to a proposal, as the escalation list's two buttons post it.
    pub enum EscalationDecision {
        /// Escalate the case.
        Accept => ("accept", "升级处理"),
        /// Not now.
        Decline => ("decline", "暂不升级"),
    }
}

super::labelled_enum! {
    /// A leader's verdict on a proposal further up the ladder (a grade re-assessment, a referral
    /// to a department), as their pages' two buttons post it.
    pub enum Verdict {
        /// Approve: the letters go out.
        Approve => ("approve", "同意"),
        /// Reject.
        Reject => ("reject", "不同意"),
    }
}

super::labelled_enum! {
    /// Why a case is proposed for escalation.
    pub enum EscalationReason {
        /// The deadline passed without a report (the scanner).
        Overdue => ("overdue", "逾期未整改"),
        /// The notice was not signed for in time (the scanner).
        Unsigned => ("unsigned", "整改通知书逾期未签收"),
        /// Staff: the company refuses to rectify.
        Refused => ("refused", "拒不整改"),
        /// A re-inspection failed.
        Reinspection => ("reinspection", "复查未通过"),
        /// The handover deadline passed with items withheld (the scanner): the litigation rung.
        HandoverWithheld => ("handover_withheld", "逾期拒不移交，提请引导诉讼"),
    }
}

impl EscalationReason {
    /// The label of a stored form; a form this build does not know reads as staff's reason
    /// (拒不整改), as the pages always showed it.
    pub fn label_of(s: &str) -> &'static str {
        Self::parse(s).unwrap_or(Self::Refused).label()
    }
}

#[cfg(test)]
mod tests {
    use super::EscalationReason::{self, *};
    use super::EscalationStatus::{self, *};

    #[test]
    fn decisions_and_verdicts_are_the_strings_the_buttons_post() {
        use super::{EscalationDecision, Verdict};
        for d in EscalationDecision::ALL {
            assert_eq!(EscalationDecision::parse(d.as_str()), Some(d));
        }
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        assert_eq!(EscalationDecision::parse("accept"), Some(EscalationDecision::Accept));
        assert_eq!(EscalationDecision::parse("approve"), None);
        assert_eq!(Verdict::parse("approve"), Some(Verdict::Approve));
        assert_eq!(Verdict::parse("accept"), None);
        assert_eq!(Verdict::parse(""), None);
    }

    #[test]
    fn every_status_and_reason_round_trips_through_its_string_form() {
        for s in EscalationStatus::ALL {
            assert_eq!(EscalationStatus::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        for r in EscalationReason::ALL {
            assert_eq!(EscalationReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(EscalationStatus::parse("approved"), None);
        assert_eq!(EscalationReason::parse("late"), None);
    }

    #[test]
    fn only_a_pending_proposal_is_decided() {
        let table = [(Pending, Some(Accepted), Some(Declined)), (Accepted, None, None), (Declined, None, None)];
        for (from, accepted, declined) in table {
            assert_eq!(from.decide(true), accepted, "{from:?} accepted");
            assert_eq!(from.decide(false), declined, "{from:?} declined");
        }
    }

    #[test]
    fn reasons_have_one_label_each() {
        let table = [
            ("overdue", "逾期未整改"),
            ("unsigned", "整改通知书逾期未签收"),
            ("refused", "拒不整改"),
            ("reinspection", "复查未通过"),
            ("something_else", "拒不整改"),
        ];
        for (form, label) in table {
            assert_eq!(EscalationReason::label_of(form), label, "{form}");
        }
        assert_eq!(Reinspection.label(), "复查未通过");
        assert_eq!(Overdue.as_str(), "overdue");
    }
}
