//! The make-your-own-game guide, compiled: `build.rs` joins the Rust blocks of
//! `docs/guide.md` into this crate, so the guide's game (claim) builds against the real
//! toolkit and `cargo test -p guide` runs the guide's tests, including one against a real
//! server over real sockets. Read the guide itself in `docs/guide.md`.

#![allow(missing_docs, clippy::missing_panics_doc)]

include!(concat!(env!("OUT_DIR"), "/guide.rs"));
