//! Fuzzes a server message as a client reads it: `netcode::codec::decode_server` for snake's
//! state and delta. The checks are `snake::fuzz::decode_server`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::decode_server(data));
