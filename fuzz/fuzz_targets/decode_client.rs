//! Fuzzes a client message as the server reads it: `tickwire::codec::decode_client` for snake's
//! input. The checks are `tickwire::fuzz::decode_client`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::run("decode_client", data));
