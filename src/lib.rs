//! mystaff: My Staff for the terminal. See README.md for the tour and docs/ for the rules.

pub mod fixture;
pub mod model;
pub mod password;
pub mod permissions;
pub mod phone;
pub mod roles;
pub mod storage;
