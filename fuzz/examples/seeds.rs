//! Writes each fuzz target's seed corpus (`snake::fuzz::seeds`, valid messages and deltas
//! from a real room) into `corpus/<target>/`, where `cargo fuzz run` starts from it.

use std::{fs, io, path::Path};

fn main() -> io::Result<()> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (i, (target, bytes)) in snake::fuzz::seeds().into_iter().enumerate() {
        let dir = corpus.join(target);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(format!("seed-{i:03}")), bytes)?;
    }
    Ok(())
}
