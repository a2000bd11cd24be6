//! Fuzzes a server message as a client reads it: `netcode::codec::decode_server` for snake's
//! state and delta. The checks are `netcode::fuzz::decode_server`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::run("decode_server", data));
