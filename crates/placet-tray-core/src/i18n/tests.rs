use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::TimeZone;
use fluent_syntax::ast;

use super::*;

/// Each message (and attribute) of a catalogue's files, with the variables it uses.
fn messages(sources: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for source in sources {
        read_messages(source, &mut out);
    }
    out
}

fn read_messages(source: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("a catalogue does not parse: {errors:?}"));
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            // A message with only attributes (an input's placeholder) is asked for by
            // its id all the same.
            let value = m.value.as_ref().map(variables).unwrap_or_default();
            out.insert(m.id.name.to_owned(), value);
            for a in &m.attributes {
                out.insert(format!("{}.{}", m.id.name, a.id.name), variables(&a.value));
            }
        }
    }
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

/// The string literals that follow `call` (a whole word) in `source`: the ids asked for.
fn ids_after(source: &str, call: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(call) {
        // `include_str!(` and `format(` end the same way as `tr!(` and `t(`.
        let whole_word = !rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$');
        rest = rest[at + call.len()..].trim_start();
        if !whole_word {
            continue;
        }
        let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            let id = &rest[1..1 + end];
            // A template (i18n.js's own `${id}.${attribute}`) is not an id.
            if !id.contains("${") {
                out.push(id.to_owned());
            }
        }
    }
    out
}

/// The files under `dir` whose names end in `extension`, leaving out `skip` folders.
fn files(dir: &Path, extension: &str, skip: &[&str], out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reading the sources") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            if !skip.iter().any(|s| path.ends_with(s)) {
                files(&path, extension, skip, out);
            }
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// Every message the code asks for is in the English catalogue: the `tr!` calls of the
/// core, the tray and the window host,
/// the pages' `t(…)` calls and their HTML's `data-l10n-id`s.
#[test]
fn the_code_asks_only_for_messages_that_exist() {
    let english = messages(CATALOGUES[0].1);
    // The pages only get their own files (`page_catalogue`).
    let pages = messages(&CATALOGUES[0].1[..PAGE_FILES]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ui = root.join("../../ui/app");
    let mut asked = Vec::new();
    // The macro's own module names it in examples; vendored code is not ours.
    let mut rust = Vec::new();
    files(&root.join("src"), "rs", &["i18n"], &mut rust);
    files(&root.join("../placet-tray/src"), "rs", &[], &mut rust);
    files(&root.join("../../src-tauri/src"), "rs", &[], &mut rust);
    for file in rust {
        let source = std::fs::read_to_string(&file).expect("reading a source file");
        asked.extend(
            ids_after(&source, "tr!(")
                .into_iter()
                .map(|id| (file.clone(), id)),
        );
    }
    let mut js = Vec::new();
    files(&ui.join("js"), "js", &["vendor"], &mut js);
    for file in js {
        let source = std::fs::read_to_string(&file).expect("reading a page's script");
        asked.extend(
            ids_after(&source, "t(")
                .into_iter()
                .map(|id| (file.clone(), id)),
        );
    }
    let mut html = Vec::new();
    files(&ui, "html", &["js"], &mut html);
    for file in html {
        let source = std::fs::read_to_string(&file).expect("reading a page");
        asked.extend(
            ids_after(&source, "data-l10n-id=")
                .into_iter()
                .map(|id| (file.clone(), id)),
        );
    }
    for (file, id) in &asked {
        let page = file.extension().is_none_or(|e| e != "rs");
        let known = if page { &pages } else { &english };
        assert!(
            known.contains_key(id),
            "{} asks for {id:?}, which the English catalogue {} lacks",
            file.display(),
            if page { "the pages get" } else { "" }
        );
    }
    assert!(
        asked.len() > 50,
        "the code's messages are found ({})",
        asked.len()
    );
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

/// A time on another day names the weekday in the language.
#[test]
fn weekdays_follow_the_language() {
    use chrono::Datelike;
    let day = chrono::Local::now().date_naive() - chrono::Duration::days(3);
    let local = chrono::Local
        .from_local_datetime(&day.and_hms_opt(8, 0, 0).expect("08:00"))
        .earliest()
        .expect("a local time");
    let at = local.with_timezone(&chrono::Utc);
    let english = local.format("%a 08:00").to_string();
    assert_eq!(crate::text::local_time_of(at), english);
    let german = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]
        [local.weekday().num_days_from_monday() as usize];
    with_language("de", || {
        assert_eq!(crate::text::local_time_of(at), format!("{german} 08:00"));
    });
}

/// The pages get their files, not the command line's, and English only once.
#[test]
fn the_pages_get_their_files() {
    let english = page_catalogue();
    assert_eq!(english.language, "en");
    assert!(english.fallback.is_empty());
    assert!(
        english.sources.iter().any(|s| s.contains("\nrw-")),
        "the review window's"
    );
    assert!(
        !english.sources.iter().any(|s| s.contains("\ncli-")),
        "no command line's"
    );
    with_language("de", || {
        let german = page_catalogue();
        assert_eq!(german.language, "de");
        assert_eq!(german.sources.len(), german.fallback.len());
        assert!(german.sources[0].contains("braucht deine Entscheidung"));
        assert!(german.fallback[0].contains("needs your review"));
    });
}

/// Every language's files load into one bundle: no message is defined twice.
#[test]
fn every_catalogue_loads_without_a_repeated_message() {
    for (index, (tag, _)) in CATALOGUES.iter().enumerate() {
        assert_eq!(language(index).tag, *tag);
    }
}
