//! The states of a service-grade and fee re-assessment (重新核定服务等级和收费标准): proposed
//! by staff from a community's cases, approved or refused by a leader.

super::labelled_enum! {
    /// Where a re-assessment stands. One string form shared by the database, the API and the templates.
    pub enum ReassessmentStatus {
        /// Proposed by staff, waiting for a leader.
        Proposed => ("proposed", "待领导审批"),
        /// Approved: the new grade and fee take effect on the chosen day; letters go out.
        Approved => ("approved", "已核定"),
        /// The leader refused it.
        Rejected => ("rejected", "未同意"),
    }
}

impl ReassessmentStatus {
    /// The label of a stored form (an unknown form reads as refused, as the history always showed it).
    pub fn label_of(s: &str) -> &'static str {
        Self::parse(s).unwrap_or(Self::Rejected).label()
    }

    /// The leader's decision: only a proposal is decided.
    pub fn decide(self, approve: bool) -> Option<Self> {
        (self == Self::Proposed).then_some(if approve { Self::Approved } else { Self::Rejected })
    }
}

#[cfg(test)]
mod tests {
    use super::ReassessmentStatus::{self, *};

    #[test]
    fn every_status_round_trips_and_only_a_proposal_is_decided() {
        for s in ReassessmentStatus::ALL {
            assert_eq!(ReassessmentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(Proposed.decide(true), Some(Approved));
        assert_eq!(Proposed.decide(false), Some(Rejected));
        for decided in [Approved, Rejected] {
            assert_eq!(decided.decide(true), None);
            assert_eq!(decided.decide(false), None);
        }
        assert_eq!(ReassessmentStatus::label_of("approved"), "已核定");
        assert_eq!(ReassessmentStatus::label_of("withdrawn"), "未同意");
    }
}
