//! The runnable product around the toolkit: a native client for any game, the load
//! generator built on it for any game with bots, and the games the binaries can run. The
//! `server` and `loadgen` binaries live in `src/bin`.

pub mod client;
pub mod games;
pub mod loadgen;
pub mod relay;
