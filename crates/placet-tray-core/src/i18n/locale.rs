//! The person's languages, as the operating system says them.

/// The locales the person asked for, most wanted first: on Linux and the BSDs from the
/// environment as gettext reads it, elsewhere from the system's settings.
pub fn os_locales() -> Vec<String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        requested_from_env(|name| std::env::var(name).ok())
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        sys_locale::get_locales().collect()
    }
}

/// gettext's reading of the environment: the messages locale is the first of
/// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set; `C` or `POSIX` (or none) means no
/// translation, and `LANGUAGE` is then ignored; otherwise `LANGUAGE`'s colon-separated
/// list comes first, then the messages locale.
pub fn requested_from_env(env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()));
    let Some(locale) = locale else {
        return Vec::new();
    };
    if language_subtag(&locale).is_none() {
        return Vec::new();
    }
    let mut out: Vec<String> = env("LANGUAGE")
        .unwrap_or_default()
        .split(':')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    out.push(locale);
    out
}

/// The language of a BCP 47 tag or a POSIX locale ("de_AT.UTF-8@euro" → "de"); none
/// for `C` and `POSIX`.
pub fn language_subtag(locale: &str) -> Option<String> {
    let base = locale.split(['.', '@']).next().unwrap_or_default();
    let lang = base.split(['_', '-']).next().unwrap_or_default();
    if lang.eq_ignore_ascii_case("c") || lang.eq_ignore_ascii_case("posix") {
        return None;
    }
    let lang = lang.to_ascii_lowercase();
    (2..=3).contains(&lang.len()).then_some(lang)
}
