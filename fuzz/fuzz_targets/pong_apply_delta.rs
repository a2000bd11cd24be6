//! Fuzzes pong's deltas: a baseline and a delta or a second state. The checks are
//! `tickwire::fuzz::apply_delta`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pong::fuzz::run("apply_delta", data));
