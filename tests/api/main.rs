//! The integration suite: one binary, every test against a fresh database on the backend
//! chosen by `PROPWATCH_TEST_PG` (unset: SQLite in a temp dir; set to a server URL such as
//! `postgres://postgres@127.0.0.1:5432`: a fresh PostgreSQL database per test, dropped after).

mod helpers;

mod audit;
mod auth;
mod authz;
mod cases;
mod complaints;
mod decision_pages;
mod decisions;
mod disclosure;
mod durability;
mod evidence;
mod exit_pages;
mod exits;
mod exits_api;
mod inspections;
mod mail;
mod mail_servers;
mod open311;
mod ops;
mod presentation;
mod registry;
mod roster;
mod timelines;
