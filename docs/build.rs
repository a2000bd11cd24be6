//! Joins the Rust blocks of `guide.md` into one file, `$OUT_DIR/guide.rs`, which `src/lib.rs`
//! includes: the guide's code is compiled, and its tests run, like any crate's.

use std::{env, error::Error, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    let guide = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("guide.md");
    println!("cargo::rerun-if-changed={}", guide.display());
    let text = fs::read_to_string(&guide)?;
    let mut code = String::new();
    let mut inside = None;
    for (number, line) in text.lines().enumerate() {
        match inside {
            None if line.starts_with("```rust") => {
                inside = Some(number + 1);
                code.push_str(&format!("// guide.md line {}\n", number + 2));
            }
            Some(_) if line.starts_with("```") => {
                inside = None;
                code.push('\n');
            }
            Some(_) => {
                code.push_str(line);
                code.push('\n');
            }
            None => {}
        }
    }
    if let Some(start) = inside {
        return Err(
            format!("guide.md: the Rust block opened on line {start} is never closed").into(),
        );
    }
    fs::write(PathBuf::from(env::var("OUT_DIR")?).join("guide.rs"), code)?;
    Ok(())
}
