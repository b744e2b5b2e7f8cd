//! Microsoft Graph: the mapping of Graph's responses to a tenant fixture (`import.rs`). Reading a
//! `--save-raw` directory is `storage.rs`'s; talking to Graph will be the client's, the only code
//! that touches the network.

pub mod client;
pub mod import;
pub mod live;
pub mod pull;
pub mod signin;
