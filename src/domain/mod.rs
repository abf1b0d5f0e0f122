//! Pure rules of the platform: no web framework, no database, no clock reads.
//!
//! Every function here takes "now" as a parameter where time matters, so tests
//! can drive it with fixed instants.

/// A status or kind with one string form (stored in the database, used by the API and the
/// templates) and a Chinese label, declared as one table: `Variant => ("string", "标签")`.
/// Generates `ALL`, `as_str`, `parse` and `label`.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($string:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The one string form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $string),+ }
            }

            /// The value a string form names.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($string => Some($name::$variant),)+ _ => None }
            }

            /// The Chinese label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}
pub(crate) use labelled_enum;

pub mod audit;
pub mod audit_action;
pub mod authz;
pub mod case;
pub mod catalog;
pub mod complaint;
pub mod credit_code;
pub mod decision;
pub mod disclosure;
pub mod dismissal;
pub mod escalation;
pub mod exit;
pub mod extension;
pub mod inspection;
pub mod money;
pub mod notice;
pub mod outbox;
pub mod password;
pub mod rate;
pub mod reassessment;
pub mod referral;
pub mod registry;
pub mod revenue;
pub mod role;
pub mod roster;
pub mod survey;
pub mod timeline;
pub mod title;
pub mod tracking;
pub mod workdays;
