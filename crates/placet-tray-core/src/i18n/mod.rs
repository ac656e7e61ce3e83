//! The words a person reads, in their language: one Fluent catalogue per language
//! (`locales/<language>/*.ftl`, by area, built into the binary; see `locales/README.md`),
//! chosen once from the operating system's locale when the app starts.
//!
//! Fluent, not gettext: its messages carry their own plural and select rules per
//! language (CLDR plural categories, so German says "1 Prüfung", "2 Prüfungen" and
//! Polish its three forms without code knowing the rule), a translation may reword a
//! message around its variables, and the same `.ftl` files are read by the web pages with
//! `@fluent/bundle` (the window host hands them over), rather than a second format.
//!
//! Code asks for a message with [`tr!`] by its id; a message missing in the chosen
//! language falls back to English (logged), and the catalogue test fails on any id or
//! variable that one language has and another lacks, or that code asks for and English
//! lacks.

use std::cell::Cell;
use std::sync::{LazyLock, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

mod locale;

pub use fluent_bundle::FluentArgs as Args;
pub use locale::{os_locales, requested_from_env};

/// The files of a language's catalogue: the tray's and the command line's words (read
/// here), and the web pages' (read by the pages, `ui/app/js/i18n.js`). The pages get the
/// first [`PAGE_FILES`]; the command line's come last.
macro_rules! catalogue {
    ($lang:literal) => {
        &[
            include_str!(concat!("../../locales/", $lang, "/placet-tray.ftl")),
            include_str!(concat!("../../locales/", $lang, "/review.ftl")),
            include_str!(concat!("../../locales/", $lang, "/inbox.ftl")),
            include_str!(concat!("../../locales/", $lang, "/settings.ftl")),
            include_str!(concat!("../../locales/", $lang, "/cli.ftl")),
        ]
    };
}

/// How many of a language's files the pages read: all but the command line's.
const PAGE_FILES: usize = 4;

/// The built-in catalogues: (language, its Fluent files). English first: it is the
/// fallback.
const CATALOGUES: &[(&str, &[&str])] = &[("en", catalogue!("en")), ("de", catalogue!("de"))];

/// The languages Placet Tray speaks.
pub fn languages() -> impl Iterator<Item = &'static str> {
    CATALOGUES.iter().map(|(lang, _)| *lang)
}

/// What the web pages need to speak the language in use: its tag, its catalogue's
/// page files and English's (the fallback; none when the language is English).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageCatalogue {
    pub language: &'static str,
    pub sources: &'static [&'static str],
    pub fallback: &'static [&'static str],
}

/// The pages' catalogue for the language in use.
pub fn page_catalogue() -> PageCatalogue {
    let index = current_index();
    let (language, sources) = CATALOGUES[index];
    PageCatalogue {
        language,
        sources: &sources[..PAGE_FILES],
        fallback: if index == 0 {
            &[]
        } else {
            &CATALOGUES[0].1[..PAGE_FILES]
        },
    }
}

struct Language {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

impl Language {
    fn load(tag: &'static str, sources: &[&'static str]) -> Language {
        let id: LanguageIdentifier = tag.parse().expect("a built-in language tag");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Agent names are cleaned of direction controls before they get here, and the
        // isolation marks Fluent would add show as boxes in some notification daemons.
        bundle.set_use_isolating(false);
        for source in sources {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(_, e)| panic!("the {tag} catalogue does not parse: {e:?}"));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|e| panic!("the {tag} catalogue repeats a message: {e:?}"));
        }
        Language { tag, bundle }
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let (message, attribute) = match id.split_once('.') {
            Some((m, a)) => (m, Some(a)),
            None => (id, None),
        };
        let message = self.bundle.get_message(message)?;
        let pattern = match attribute {
            Some(a) => message.get_attribute(a)?.value(),
            None => message.value()?,
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                language = self.tag,
                id,
                ?errors,
                "a message did not format cleanly"
            );
        }
        Some(text.into_owned())
    }
}

/// Each language's bundle, parsed when first used (the one in use at start, English
/// only when a message is missing).
static LANGUAGES: LazyLock<Vec<OnceLock<Language>>> =
    LazyLock::new(|| CATALOGUES.iter().map(|_| OnceLock::new()).collect());

fn language(index: usize) -> &'static Language {
    LANGUAGES[index].get_or_init(|| {
        let (tag, sources) = CATALOGUES[index];
        Language::load(tag, sources)
    })
}

/// The language chosen for this process (index into `LANGUAGES`).
static CHOSEN: OnceLock<usize> = OnceLock::new();

thread_local! {
    /// A language for this thread only (tests that check a translation).
    // Already const: the lint misfires with the Windows check's clippy (Debian's 1.96).
    #[allow(clippy::missing_const_for_thread_local)]
    static OVERRIDE: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The built-in language that best serves `requested` (BCP 47 tags or POSIX locales,
/// most wanted first): the first whose language subtag is one we have; English when
/// none is.
pub fn best_language(requested: &[String]) -> &'static str {
    CATALOGUES[best_index(requested)].0
}

fn best_index(requested: &[String]) -> usize {
    requested
        .iter()
        .filter_map(|r| locale::language_subtag(r))
        .find_map(|lang| CATALOGUES.iter().position(|(tag, _)| *tag == lang))
        .unwrap_or(0)
}

/// Chooses the language for this process from the operating system's locale, once, and
/// returns it. Before this is called (as in the core's own tests), English is used.
pub fn init_from_os() -> &'static str {
    let index = *CHOSEN.get_or_init(|| best_index(&os_locales()));
    // Parsed now, not on the way to the first notification.
    language(index);
    CATALOGUES[index].0
}

/// The language in use.
pub fn current() -> &'static str {
    CATALOGUES[current_index()].0
}

fn current_index() -> usize {
    OVERRIDE
        .with(Cell::get)
        .or_else(|| CHOSEN.get().copied())
        .unwrap_or(0)
}

/// Runs `f` with `language` on this thread (for tests of a translation).
pub fn with_language<R>(language: &str, f: impl FnOnce() -> R) -> R {
    let index = CATALOGUES
        .iter()
        .position(|(tag, _)| *tag == language)
        .unwrap_or_else(|| panic!("no {language} catalogue"));
    let before = OVERRIDE.with(|o| o.replace(Some(index)));
    let result = f();
    OVERRIDE.with(|o| o.set(before));
    result
}

/// The message `id` (`message` or `message.attribute`) in the language in use, with
/// `args`; English when the language lacks it; the id itself when English does too.
pub fn format(id: &str, args: Option<&FluentArgs>) -> String {
    let chosen = language(current_index());
    if let Some(text) = chosen.format(id, args) {
        return text;
    }
    tracing::warn!(
        language = chosen.tag,
        id,
        "a message is missing: English instead"
    );
    language(0).format(id, args).unwrap_or_else(|| {
        tracing::error!(id, "a message is missing in English");
        id.to_owned()
    })
}

/// A message in the person's language: `tr!("id")`, or with variables
/// `tr!("id", count = n, agent = name)` (`$count`, `$agent` in the catalogue).
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::i18n::format($id, None)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $(args.set(stringify!($name), $value);)+
        $crate::i18n::format($id, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
