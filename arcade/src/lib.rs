//! This project's binaries over the toolkit: the games `server --game` and
//! `loadgen --game` can run. The binaries live in `src/bin`.

pub mod games;
