//! Escalation proposals (提请升级处理): staff, or the scanner for an overdue case or an unsigned
//! notice, propose to escalate a case; a leader accepts or declines. At most one proposal of a
//! case is pending at a time.

/// Where a proposal stands. One string form shared by the database, the API and the templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EscalationStatus {
    /// Waiting for a leader.
    Pending,
    /// The leader decided to escalate the case.
    Accepted,
    /// The leader decided not to escalate for now.
    Declined,
}

impl EscalationStatus {
    pub const ALL: [EscalationStatus; 3] = [Self::Pending, Self::Accepted, Self::Declined];

    /// The one string form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }

    /// The status of a string form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The label users read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待领导决定",
            Self::Accepted => "已决定升级处理",
            Self::Declined => "暂不升级",
        }
    }

    /// The leader's decision: only a pending proposal is decided.
    pub fn decide(self, accept: bool) -> Option<Self> {
        (self == Self::Pending).then_some(if accept { Self::Accepted } else { Self::Declined })
    }
}

/// Why a case is proposed for escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EscalationReason {
    /// The deadline passed without a report (the scanner).
    Overdue,
    /// The notice was not signed for in time (the scanner).
    Unsigned,
    /// Staff: the company refuses to rectify.
    Refused,
    /// A re-inspection failed.
    Reinspection,
}

impl EscalationReason {
    pub const ALL: [EscalationReason; 4] = [Self::Overdue, Self::Unsigned, Self::Refused, Self::Reinspection];

    /// The one string form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::Unsigned => "unsigned",
            Self::Refused => "refused",
            Self::Reinspection => "reinspection",
        }
    }

    /// The reason of a string form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The label users read: the one table for the case page and the leaders' list.
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "逾期未整改",
            Self::Unsigned => "整改通知书逾期未签收",
            Self::Refused => "拒不整改",
            Self::Reinspection => "复查未通过",
        }
    }

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
