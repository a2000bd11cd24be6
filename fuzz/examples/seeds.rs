//! Writes each fuzz target's seed corpus (`snake::fuzz::seeds` and `pong::fuzz::seeds`:
//! valid messages and deltas from real rooms) into `corpus/<target>/`, where `cargo fuzz
//! run` starts from it.

use std::{fs, io, path::Path};

fn main() -> io::Result<()> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let snake = snake::fuzz::seeds().into_iter().map(|(t, b)| (t.to_owned(), b));
    let pong = pong::fuzz::seeds()
        .into_iter()
        .map(|(t, b)| (format!("pong_{t}"), b));
    for (i, (target, bytes)) in snake.chain(pong).enumerate() {
        let dir = corpus.join(target);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(format!("seed-{i:03}")), bytes)?;
    }
    Ok(())
}
