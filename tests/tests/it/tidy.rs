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

/// The top-level module (`src/NAME.rs` or `src/NAME/…`) a source file belongs to.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first
        .as_os_str()
        .to_str()?
        .trim_end_matches(".rs")
        .to_owned();
    (name != "lib" && name != "main").then_some(name)
}

/// The top-level modules of the crate that `text` names as `crate::NAME`.
fn crate_paths(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if at > 0 && text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `tickwire_crate::`, not `crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c}`: each top-level name in the group.
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.insert(name);
        }
    }
    names
}

#[test]
fn no_toolkit_crate_has_an_import_circle_between_its_modules() {
    for crate_dir in TOOLKIT {
        let src = workspace().join(crate_dir);
        let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for (path, text) in sources(crate_dir) {
            let Some(from) = module_of(&src, &path) else {
                continue;
            };
            let modules: Vec<String> = fs::read_dir(&src)
                .unwrap()
                .filter_map(|e| module_of(&src, &e.unwrap().path()))
                .collect();
            // Code only: a doc link to another module is not an import.
            let code: String = text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for to in crate_paths(&code) {
                if to != from && modules.contains(&to) {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
        // Depth-first search for a back edge.
        fn visit(
            node: &str,
            edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut std::collections::BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(start) = path.iter().position(|n| n == node) {
                return Some(path[start..].to_vec());
            }
            if done.contains(node) {
                return None;
            }
            path.push(node.to_owned());
            for next in edges.get(node).into_iter().flatten() {
                if let Some(circle) = visit(next, edges, path, done) {
                    return Some(circle);
                }
            }
            path.pop();
            done.insert(node.to_owned());
            None
        }
        let mut done = Default::default();
        for node in edges.keys() {
            if let Some(circle) = visit(node, &edges, &mut Vec::new(), &mut done) {
                panic!("{crate_dir}: modules import each other in a circle: {circle:?}");
            }
        }
    }
}

#[test]
fn the_circle_check_sees_crate_paths() {
    let names =
        crate_paths("use crate::{a::B, c};\nlet x = crate::d::e();\nuse tickwire_crate::f;");
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["a", "c", "d"]);
}
