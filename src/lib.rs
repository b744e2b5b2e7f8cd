//! mystaff: My Staff for the terminal. See README.md for the tour and docs/ for the rules.

pub mod audit;
pub mod cli;
pub mod fixture;
pub mod model;
pub mod ops;
pub mod password;
pub mod permissions;
pub mod phone;
pub mod roles;
pub mod search;
pub mod session;
pub mod storage;
