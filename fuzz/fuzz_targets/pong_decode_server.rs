//! Fuzzes a server message as a client reads it, for pong's state and delta. The checks are
//! `tickwire::fuzz::decode_server`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pong::fuzz::run("decode_server", data));
