//! Fuzzes a server message as a client reads it: `tickwire::codec::decode_server` for snake's
//! state and delta. The checks are `tickwire::fuzz::decode_server`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::run("decode_server", data));
