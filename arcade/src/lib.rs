//! The runnable product around the toolkit: a native client for any game, and the load
//! generator built on it. The `server` and `loadgen` binaries live in `src/bin`.

pub mod client;
pub mod loadgen;
pub mod relay;
