//! Builds the guide's game crate (`claim`, the blocks of `guide.md` marked
//! `file=claim/src/...`) into `$OUT_DIR/guide.rs`, which `src/lib.rs` includes: the guide's
//! code is compiled, and its tests run, like any crate's. `claim/src/sim.rs` becomes the
//! `sim` module where `claim/src/lib.rs` declares it. The web and server crates of the
//! guide are built outside the workspace by `scripts/guide`.

use std::{env, error::Error, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    let guide = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("guide.md");
    println!("cargo::rerun-if-changed={}", guide.display());
    let text = fs::read_to_string(&guide)?;
    let lib = file(&text, "claim/src/lib.rs")?;
    let sim = file(&text, "claim/src/sim.rs")?;
    let declaration = "pub mod sim;";
    if !lib.contains(declaration) {
        return Err("guide.md: claim/src/lib.rs never declares `pub mod sim;`".into());
    }
    // Inner doc comments open a file; inside `include!` they would be misplaced.
    let lib = lib
        .replace(declaration, &format!("pub mod sim {{\n{sim}\n}}"))
        .replace("//!", "//");
    fs::write(PathBuf::from(env::var("OUT_DIR")?).join("guide.rs"), lib)?;
    Ok(())
}

/// The code of every block marked `file=NAME`, in order, each headed by its line in the
/// guide.
fn file(text: &str, name: &str) -> Result<String, Box<dyn Error>> {
    let mut code = String::new();
    let mut inside: Option<(usize, bool)> = None;
    for (number, line) in text.lines().enumerate() {
        match inside {
            None if line.starts_with("```") && line.len() > 3 => {
                let wanted = line
                    .split_whitespace()
                    .any(|word| word == format!("file={name}"));
                inside = Some((number + 1, wanted));
                if wanted {
                    code.push_str(&format!("// guide.md line {}\n", number + 2));
                }
            }
            Some(_) if line.starts_with("```") => inside = None,
            Some((_, true)) => {
                code.push_str(line);
                code.push('\n');
            }
            Some((_, false)) | None => {}
        }
    }
    if let Some((start, _)) = inside {
        return Err(format!("guide.md: the block opened on line {start} is never closed").into());
    }
    Ok(code)
}
