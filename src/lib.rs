//! mystaff: My Staff for the terminal. See README.md for the tour and docs/ for the rules.
//!
//! Layers: `model` + `fixture` (the tenant), `roles` + `permissions` (the engine: who may do what),
//! `ops` (operations that plan a change and its audit record), `storage` (the only disk access),
//! `session` (ties them together durably), `search`, `cli`, and `tui` (state machine, render, driver).

pub mod access;
pub mod alloc;
pub mod audit;
pub mod cli;
pub mod delegation;
pub mod fields;
pub mod fixture;
pub mod generate;
pub mod graph;
pub mod model;
pub mod natural;
pub mod ops;
pub mod password;
pub mod permissions;
pub mod phone;
pub mod phone_plan;
pub mod pim;
pub mod replay;
pub mod roles;
pub mod sanitize;
pub mod search;
pub mod secret;
pub mod session;
pub mod storage;
pub mod tui;
pub mod when;

#[global_allocator]
static GLOBAL: alloc::HugeAlloc = alloc::HugeAlloc;
