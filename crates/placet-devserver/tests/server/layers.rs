//! The crate's modules form layers, and a module only reaches down: for every
//! `crate::X` path in a file of layer L, `X` is in a lower layer or is the file's own
//! top-level module. The table below is the crate's layout (see the `//!` docs of
//! `src/lib.rs`); a new top-level module must be placed in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first. The crate root (`lib.rs`) is above all.
const LAYERS: &[(&str, u8)] = &[
    ("util", 0),
    ("net", 0),
    ("config", 1),
    ("error", 1),
    ("model", 1),
    ("credentials", 1),
    ("validate", 2),
    ("wire", 2),
    ("store", 3),
    ("state", 4),
    ("service", 5),
    ("routes", 6),
    ("socket", 6),
    ("demo", 6),
    ("controls", 7),
    ("lifecycle", 8),
];

/// The layer of the crate root; anything not in [`LAYERS`] (an item of `lib.rs`) is here.
const ROOT: u8 = u8::MAX;

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .map_or(ROOT, |(_, l)| *l)
}

/// The source without comments, so doc links such as `[x](crate::DevServer)` do not count.
fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while !rest.is_empty() {
        let line_comment = rest.find("//");
        let block_comment = rest.find("/*");
        match (line_comment, block_comment) {
            (Some(l), b) if b.is_none_or(|b| l < b) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map_or("", |end| &rest[l + end..]);
            }
            (_, Some(b)) => {
                out.push_str(&rest[..b]);
                rest = rest[b + 2..]
                    .find("*/")
                    .map_or("", |end| &rest[b + 2 + end + 2..]);
            }
            _ => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every top-level name reached through `crate::`: `crate::a::b` gives `a`, and
/// `crate::{a::b, c}` gives `a` and `c`.
fn crate_paths(source: &str) -> Vec<String> {
    let code = without_comments(source);
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident_char(c) || c == '$');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ if depth == 0 => item.push(c),
                    _ => {}
                }
            }
            items.push(item);
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| is_ident_char(*c))
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| is_ident_char(*c)).collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// The top-level module a source file belongs to (`None` for `lib.rs`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_owned();
    (name != "lib").then_some(name)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The imports that break the rule, as `file: module (layer) -> target (layer)`.
fn violations(module: &str, file: &str, source: &str) -> Vec<String> {
    let own = layer(module);
    crate_paths(source)
        .into_iter()
        .filter(|target| target != module && layer(target) >= own)
        .map(|target| {
            format!(
                "{file}: {module} (layer {own}) uses crate::{target} (layer {})",
                layer(&target)
            )
        })
        .collect()
}

/// No module of the library imports one of its own or a higher layer: the crate has no
/// import cycle, and none can come back unnoticed.
#[test]
fn imports_only_go_down() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut modules = BTreeMap::new();
    for file in &files {
        // The binary is a separate crate that uses the library's public API.
        if file.file_name().is_some_and(|n| n == "main.rs") && file.parent() == Some(&*src) {
            continue;
        }
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        modules.insert(module.clone(), ());
        let source = std::fs::read_to_string(file).expect("readable source file");
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        problems.extend(violations(&module, &name, &source));
    }
    let unplaced: Vec<&String> = modules.keys().filter(|m| layer(m) == ROOT).collect();
    assert!(
        unplaced.is_empty(),
        "top-level modules missing from the layer table: {unplaced:?}"
    );
    assert!(
        problems.is_empty(),
        "imports that reach up or sideways:\n{}",
        problems.join("\n")
    );
}

/// The checker itself sees grouped, nested and inline paths, ignores comments, and
/// flags an upward and a sideways import.
#[test]
fn checker_catches_violations() {
    let source = "
        use crate::{error::ApiError, model::{AgentRow, MessageRow}};
        // use crate::lifecycle::Lifecycle;  (a comment: ignored)
        /// [`Controls`](crate::Controls)
        fn f() { crate::state::App::handle(); my_crate::x(); }
        use crate::service::render;
    ";
    assert_eq!(
        crate_paths(source),
        ["error", "model", "state", "service"],
        "paths found"
    );
    let problems = violations("state", "state/x.rs", source);
    assert_eq!(problems.len(), 1, "only the upward import: {problems:?}");
    assert!(problems[0].contains("crate::service"), "{problems:?}");
    let sideways = violations("routes", "routes/x.rs", "use crate::socket::layer;");
    assert_eq!(
        sideways.len(),
        1,
        "a same-layer neighbour is refused: {sideways:?}"
    );
    assert!(
        violations(
            "routes",
            "routes/x.rs",
            "use crate::routes::extract::PathId;"
        )
        .is_empty(),
        "the own subtree is allowed"
    );
    assert_eq!(
        violations("lifecycle", "lifecycle/x.rs", "use crate::DevServerError;").len(),
        1,
        "an item of the crate root counts as the top layer"
    );
}
