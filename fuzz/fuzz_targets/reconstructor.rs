//! Fuzzes a client's `tickwire::Reconstructor` with a stream of server messages. The checks
//! are `snake::fuzz::reconstructor`'s.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| snake::fuzz::run("reconstructor", data));
