//! Extension requests (延期申请): a company with a notice asks for a later deadline; staff grant
//! it (the case's deadline moves, `domain::case`'s `GrantExtension`) or refuse it with a reason.
//! A case has at most one pending request.

super::labelled_enum! {
    /// Where an extension request stands. One string form shared by the database, the API and the
    /// templates.
    pub enum ExtensionStatus {
        /// Waiting for staff.
        Pending => ("pending", "待审批"),
        /// Granted: the case's deadline was moved.
        Granted => ("granted", "已批准延期"),
        /// Refused with a reason.
        Refused => ("refused", "不予延期"),
    }
}

impl ExtensionStatus {
    /// Staff's decision: only a pending request is decided.
    pub fn decide(self, grant: bool) -> Option<Self> {
        (self == Self::Pending).then_some(if grant { Self::Granted } else { Self::Refused })
    }
}

super::labelled_enum! {
    /// Staff's answer to a request, as the case page's two buttons post it.
    pub enum ExtensionDecision {
        /// Move the deadline.
        Grant => ("grant", "批准延期"),
        /// Keep the deadline.
        Refuse => ("refuse", "不予延期"),
    }
}

#[cfg(test)]
mod tests {
    use super::ExtensionStatus::{self, *};

    #[test]
    fn every_status_round_trips_through_its_string_form() {
        for s in ExtensionStatus::ALL {
            assert_eq!(ExtensionStatus::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        assert_eq!(ExtensionStatus::parse("approved"), None);
        assert_eq!(ExtensionStatus::parse("rejected"), None);
    }

    #[test]
    fn a_decision_is_grant_or_refuse_and_nothing_else() {
        use super::ExtensionDecision;
        for d in ExtensionDecision::ALL {
            assert_eq!(ExtensionDecision::parse(d.as_str()), Some(d));
        }
        assert_eq!(ExtensionDecision::parse("grant"), Some(ExtensionDecision::Grant));
        assert_eq!(ExtensionDecision::parse("refuse"), Some(ExtensionDecision::Refuse));
        assert_eq!(ExtensionDecision::parse(""), None);
        assert_eq!(ExtensionDecision::parse("yes"), None);
    }

    #[test]
    fn only_a_pending_request_is_decided() {
        let table = [(Pending, Some(Granted), Some(Refused)), (Granted, None, None), (Refused, None, None)];
        for (from, granted, refused) in table {
            assert_eq!(from.decide(true), granted, "{from:?} granted");
            assert_eq!(from.decide(false), refused, "{from:?} refused");
        }
    }
}
