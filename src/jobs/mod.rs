//! Background work: the deadline scanner ([`scanner`]).

pub mod scanner;
