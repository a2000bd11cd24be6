//! Benchmark support: snake rooms stepped exactly as the server's sim thread steps them,
//! with bots steering between ticks, recorded states for codec and delta benches, nearest-
//! rank percentiles, and the hand-written SVG charts `benchplot` draws.

pub mod plot;
pub mod rig;
pub mod stats;
