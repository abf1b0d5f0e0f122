//! SeaORM entities, one module per table.

pub mod api_token;
pub mod audit_chain_head;
pub mod audit_entry;
pub mod campaign;
pub mod campaign_phase;
pub mod catalog_item;
pub mod community;
pub mod company;
pub mod complaint;
pub mod complaint_event;
pub mod complaint_photo;
pub mod department;
pub mod jurisdiction;
pub mod mail_cursor;
pub mod open311_partner;
pub mod outbox;
pub mod problem;
pub mod session;
pub mod user;
