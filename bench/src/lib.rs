//! Benchmark support: game rooms stepped exactly as the server's sim thread steps them,
//! with bots steering between ticks, recorded states for codec and delta benches, derived
//! mirrors of the games' snapshots and what each way of sending them costs on the wire,
//! nearest-rank percentiles, and the hand-written SVG charts `benchplot` draws.

pub mod mirror;
pub mod plot;
pub mod rig;
pub mod stats;
pub mod wire_cost;
