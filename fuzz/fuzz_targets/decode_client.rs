//! Fuzzes a client message as the server reads it: `netcode::codec::decode_client` for snake's
//! input. The checks are `snake::fuzz::decode_client`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::decode_client(data));
