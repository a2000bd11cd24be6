//! Native clients for any tickwire game: [`client::Client`], a tokio WebSocket client for
//! bots and tests; [`loadgen`], bots of any game with a [`tickwire::Bot`] that measure a
//! server; and [`relay::Relay`], a TCP relay that makes a real link slow, jittery or
//! stalling. Nothing here names a game.

pub mod client;
pub mod loadgen;
pub mod relay;
