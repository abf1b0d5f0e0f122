//! Pure rules of the platform: no web framework, no database, no clock reads.
//!
//! Every function here takes "now" as a parameter where time matters, so tests
//! can drive it with fixed instants.

pub mod audit;
pub mod authz;
pub mod case;
pub mod catalog;
pub mod complaint;
pub mod credit_code;
pub mod disclosure;
pub mod dismissal;
pub mod escalation;
pub mod extension;
pub mod inspection;
pub mod money;
pub mod notice;
pub mod password;
pub mod rate;
pub mod reassessment;
pub mod referral;
pub mod registry;
pub mod revenue;
pub mod role;
pub mod survey;
pub mod timeline;
pub mod title;
pub mod tracking;
pub mod workdays;
