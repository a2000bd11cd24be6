//! Checks on the source tree itself: the layering and conventions ARCHITECTURE.md promises.

use std::{fs, path::Path};

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn sources(crate_dir: &str) -> Vec<(std::path::PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&workspace().join(crate_dir), &mut files);
    files
        .into_iter()
        .map(|p| (p.clone(), fs::read_to_string(&p).unwrap()))
        .collect()
}

#[test]
fn every_module_opens_with_a_doc_comment_saying_why_it_exists() {
    let crates = ["crates", "games", "arcade", "bench", "tests"];
    let missing: Vec<String> = crates
        .iter()
        .flat_map(|c| sources(c))
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a //! line: {missing:#?}"
    );
}

/// The toolkit's library crates. Their own tests may drive them with a real game; their
/// library code may not name one.
const TOOLKIT: [&str; 5] = [
    "crates/proto/src",
    "crates/game/src",
    "crates/server/src",
    "crates/web/src",
    "crates/client/src",
];

#[test]
fn toolkit_crates_never_name_a_game() {
    for crate_dir in TOOLKIT {
        for (path, text) in sources(crate_dir) {
            let text = text.to_lowercase();
            // `pong::`, not `pong`: the protocol has its own ping and pong.
            for game in ["snake", "pong::"] {
                assert!(!text.contains(game), "{} names {game}", path.display());
            }
        }
    }
}

#[test]
fn the_wire_crate_depends_on_neither_bevy_tokio_nor_web_sys() {
    let manifest = fs::read_to_string(workspace().join("crates/proto/Cargo.toml")).unwrap();
    let dependencies = manifest
        .split("\n[")
        .filter(|section| section.contains("dependencies]"))
        .collect::<Vec<_>>()
        .join("\n");
    for heavy in ["bevy", "tokio", "web-sys", "js-sys", "wasm-bindgen"] {
        assert!(
            !dependencies.contains(heavy),
            "crates/proto depends on {heavy}"
        );
    }
    for (path, text) in sources("crates/proto/src") {
        for heavy in ["bevy_ecs::", "tokio::", "web_sys::", "js_sys::"] {
            assert!(!text.contains(heavy), "{} uses {heavy}", path.display());
        }
    }
}

#[test]
fn only_the_codec_names_bincode() {
    for crate_dir in ["crates", "games", "arcade", "bench"] {
        for (path, text) in sources(crate_dir) {
            if path.ends_with("crates/proto/src/codec.rs") {
                continue;
            }
            assert!(
                !text.contains("bincode::"),
                "{} uses bincode directly",
                path.display()
            );
        }
    }
}
