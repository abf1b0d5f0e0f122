//! The states of a referral (移送) of cases to another department: proposed by staff, decided
//! by a leader (sent or rejected), then acknowledged and answered by the department.

super::labelled_enum! {
    /// Where a referral stands. One string form shared by the database, the API and the templates.
    pub enum ReferralStatus {
        /// Proposed by staff, waiting for a leader.
        Proposed => ("proposed", "待领导审批"),
        /// The leader refused it.
        Rejected => ("rejected", "领导未同意"),
        /// Approved and sent with its letter; the department has not signed for it yet.
        Sent => ("sent", "已移送，待签收"),
        /// Signed for by the department, being handled.
        Acknowledged => ("acknowledged", "已签收，办理中"),
        /// The department answered with its result.
        Handled => ("handled", "已反馈处理结果"),
    }
}

impl ReferralStatus {
    /// The label of a stored form ("未知" for a form this build does not know).
    pub fn label_of(s: &str) -> &'static str {
        Self::parse(s).map(Self::label).unwrap_or("未知")
    }

    /// The leader's decision: only a proposal is decided.
    pub fn decide(self, approve: bool) -> Option<Self> {
        (self == Self::Proposed).then_some(if approve { Self::Sent } else { Self::Rejected })
    }

    /// The department signs for a sent referral.
    pub fn acknowledge(self) -> Option<Self> {
        (self == Self::Sent).then_some(Self::Acknowledged)
    }

    /// The department answers: from sent (answering also signs) or acknowledged.
    pub fn answer(self) -> Option<Self> {
        matches!(self, Self::Sent | Self::Acknowledged).then_some(Self::Handled)
    }

    /// Whether the department still owes its answer (the scanner watches these for the feedback deadline).
    pub fn awaits_department(self) -> bool {
        matches!(self, Self::Sent | Self::Acknowledged)
    }
}

#[cfg(test)]
mod tests {
    use super::ReferralStatus::{self, *};

    #[test]
    fn every_status_round_trips_through_its_string_form() {
        for s in ReferralStatus::ALL {
            assert_eq!(ReferralStatus::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(ReferralStatus::parse("approved"), None);
        assert_eq!(ReferralStatus::label_of("approved"), "未知");
    }

    #[test]
    fn transitions_follow_the_referral_ladder() {
        let table = [
            (Proposed, Some(Sent), Some(Rejected), None, None),
            (Rejected, None, None, None, None),
            (Sent, None, None, Some(Acknowledged), Some(Handled)),
            (Acknowledged, None, None, None, Some(Handled)),
            (Handled, None, None, None, None),
        ];
        for (from, approved, refused, acknowledged, answered) in table {
            assert_eq!(from.decide(true), approved, "{from:?} approved");
            assert_eq!(from.decide(false), refused, "{from:?} refused");
            assert_eq!(from.acknowledge(), acknowledged, "{from:?} acknowledged");
            assert_eq!(from.answer(), answered, "{from:?} answered");
        }
        assert!(Sent.awaits_department() && Acknowledged.awaits_department());
        assert!(!Proposed.awaits_department() && !Handled.awaits_department() && !Rejected.awaits_department());
    }
}
