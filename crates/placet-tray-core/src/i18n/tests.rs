use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::*;

/// Each message (and attribute) of a catalogue, with the variables it uses.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("a catalogue does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            if let Some(value) = &m.value {
                out.insert(m.id.name.to_owned(), variables(value));
            }
            for a in &m.attributes {
                out.insert(format!("{}.{}", m.id.name, a.id.name), variables(&a.value));
            }
        }
    }
    out
}

fn variables(pattern: &ast::Pattern<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_pattern(pattern, &mut out);
    out
}

fn collect_pattern(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            collect_expression(expression, out);
        }
    }
}

fn collect_expression(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            collect_inline(selector, out);
            for v in variants {
                collect_pattern(&v.value, out);
            }
        }
        ast::Expression::Inline(inline) => collect_inline(inline, out),
    }
}

fn collect_inline(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => collect_expression(expression, out),
        _ => {}
    }
}

/// Every language has every message English has, no message English lacks, and each
/// message uses the same variables (a translation that drops `$count` would hide it).
#[test]
fn every_language_has_every_message_with_the_same_variables() {
    let english = messages(CATALOGUES[0].1);
    assert!(english.len() > 50, "the English catalogue is read");
    for (tag, source) in &CATALOGUES[1..] {
        let other = messages(source);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "the {tag} catalogue lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "the {tag} catalogue has unknown messages {extra:?}"
        );
        for (id, vars) in &english {
            assert_eq!(
                &other[id], vars,
                "{tag}'s {id} uses other variables than English's"
            );
        }
    }
}

/// The ids a source file's `tr!` calls ask for (a string literal first).
fn ids_asked_for(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("tr!(") {
        // `include_str!(` and the like end the same way.
        let whole_word = !rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = rest[at + 4..].trim_start();
        if !whole_word {
            continue;
        }
        if let Some(quoted) = rest.strip_prefix('"') {
            if let Some(end) = quoted.find('"') {
                out.push(quoted[..end].to_owned());
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reading the sources") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            // The macro's own module names it in examples.
            if !path.ends_with("i18n") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every message the code asks for is in the English catalogue.
#[test]
fn the_code_asks_only_for_messages_that_exist() {
    let english = messages(CATALOGUES[0].1);
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut asked = 0;
    for file in files {
        let source = std::fs::read_to_string(&file).expect("reading a source file");
        for id in ids_asked_for(&source) {
            asked += 1;
            assert!(
                english.contains_key(&id),
                "{} asks for {id:?}, which the English catalogue lacks",
                file.display()
            );
        }
    }
    assert!(asked > 50, "the code's messages are found ({asked})");
}

/// The desktop entry and the AppStream summary say, in each language, what the
/// catalogue says.
#[test]
fn the_desktop_entry_and_appstream_summary_match_the_catalogues() {
    let packaging = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging");
    let desktop = std::fs::read_to_string(packaging.join("io.placet.tray.desktop"))
        .expect("the desktop file");
    let metainfo = std::fs::read_to_string(packaging.join("io.placet.tray.metainfo.xml"))
        .expect("the AppStream metadata");
    for language in languages() {
        with_language(language, || {
            let key = |k: &str| match language {
                "en" => k.to_owned(),
                l => format!("{k}[{l}]"),
            };
            let lines: Vec<&str> = desktop.lines().collect();
            for (k, id) in [
                ("GenericName", "app-generic-name"),
                ("Comment", "app-comment"),
                ("Keywords", "app-keywords"),
            ] {
                let line = format!("{}={}", key(k), format(id, None));
                assert!(
                    lines.contains(&line.as_str()),
                    "the desktop file lacks {line}"
                );
            }
            for (section, id) in [
                ("inbox", "app-action-inbox"),
                ("settings", "app-action-settings"),
            ] {
                let at = desktop
                    .find(&format!("[Desktop Action {section}]"))
                    .expect("the desktop action");
                let line = format!("{}={}", key("Name"), format(id, None));
                assert!(
                    desktop[at..].lines().any(|l| l == line),
                    "the {section} action lacks {line}"
                );
            }
            let summary = match language {
                "en" => format!("<summary>{}</summary>", format("app-comment", None)),
                l => format!(
                    "<summary xml:lang=\"{l}\">{}</summary>",
                    format("app-comment", None)
                ),
            };
            assert!(
                metainfo.contains(&summary),
                "the AppStream metadata lacks {summary}"
            );
        });
    }
}

#[test]
fn plurals_follow_the_language() {
    let (en_one, _) = crate::text::summary_notice(1, 0, &[]);
    let (en_two, _) = crate::text::summary_notice(2, 3, &[]);
    assert_eq!(en_one, "1 review needs you");
    assert_eq!(en_two, "2 reviews need you, 3 new messages");
    with_language("de", || {
        let (one, _) = crate::text::summary_notice(1, 0, &[]);
        let (two, _) = crate::text::summary_notice(2, 1, &[]);
        assert_eq!(one, "1 Prüfung braucht dich");
        assert_eq!(two, "2 Prüfungen brauchen dich, 1 neue Nachricht");
        assert_eq!(crate::text::wait(chrono::Duration::days(1)), "1 Tag");
        assert_eq!(crate::text::wait(chrono::Duration::days(3)), "3 Tage");
        assert_eq!(current(), "de");
    });
    assert_eq!(current(), "en", "the language is back after with_language");
}

#[test]
fn the_os_locale_chooses_the_language() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let pick = |pairs: &'static [(&'static str, &'static str)]| {
        best_language(&requested_from_env(env(pairs)))
    };
    assert_eq!(pick(&[("LANG", "de_DE.UTF-8")]), "de");
    assert_eq!(pick(&[("LANG", "de_AT.UTF-8@euro")]), "de");
    assert_eq!(pick(&[("LANG", "en_GB.UTF-8")]), "en");
    assert_eq!(
        pick(&[("LANG", "fr_FR.UTF-8")]),
        "en",
        "a language we lack: English"
    );
    assert_eq!(pick(&[]), "en");
    assert_eq!(
        pick(&[("LANG", "C.UTF-8"), ("LANGUAGE", "de")]),
        "en",
        "C ignores LANGUAGE"
    );
    assert_eq!(
        pick(&[("LANG", "en_US.UTF-8"), ("LANGUAGE", "fr:de")]),
        "de",
        "LANGUAGE's list first, its first language we have"
    );
    assert_eq!(
        pick(&[("LC_ALL", "de_CH.UTF-8"), ("LANG", "en_US.UTF-8")]),
        "de",
        "LC_ALL over LANG"
    );
    assert_eq!(
        pick(&[("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "de_DE.UTF-8")]),
        "en",
        "LC_MESSAGES over LANG"
    );
    assert_eq!(
        best_language(&["de-DE".to_owned()]),
        "de",
        "BCP 47 tags as well"
    );
}
