//! The make-your-own-game guide's game crate, compiled: `build.rs` joins the blocks of
//! `docs/guide.md` that make up the game crate (`claim/src/lib.rs` and `claim/src/sim.rs`)
//! into this crate, so the guide's game builds against the real toolkit and
//! `cargo test -p guide` runs the guide's tests. `scripts/guide` builds all three of the
//! guide's crates outside the workspace. Read the guide itself in `docs/guide.md`.

#![allow(missing_docs, clippy::missing_panics_doc)]

include!(concat!(env!("OUT_DIR"), "/guide.rs"));
