//! Fuzzes snake's deltas: a baseline and a delta or a second state; applying never panics and
//! a diff applies back exactly. The checks are `tickwire::fuzz::apply_delta`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::run("apply_delta", data));
