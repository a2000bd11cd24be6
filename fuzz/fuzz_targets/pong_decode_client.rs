//! Fuzzes a client message as the server reads it, for pong's input. The checks are
//! `tickwire::fuzz::decode_client`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pong::fuzz::run("decode_client", data));
