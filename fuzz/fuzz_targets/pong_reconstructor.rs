//! Fuzzes a client's `tickwire::Reconstructor` for pong with a stream of server messages. The
//! checks are `tickwire::fuzz::reconstructor`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pong::fuzz::run("reconstructor", data));
