//! The global shortcut that opens the inbox at the oldest waiting review: the keys as the
//! settings write them (`Ctrl+Alt+P`), in the forms each platform wants them (X11 keysyms,
//! the XDG shortcuts specification's triggers for the GlobalShortcuts portal), and what a
//! press does. Which keys are bound where is the tray's business (`crates/placet-tray`);
//! a press only ever opens a window.

use crate::ipc::Ctx;
use crate::window::WindowKind;

/// A key a shortcut may end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// `A`–`Z`.
    Letter(char),
    /// `0`–`9`.
    Digit(char),
    /// `F1`–`F24`.
    F(u8),
    Space,
    Enter,
    Tab,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
    Delete,
}

/// Modifiers and a key: a shortcut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Keys {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
    /// The Super (Windows, Command) key.
    pub super_key: bool,
    pub key: Key,
}

/// Why a shortcut cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadKeys {
    #[error("“{0}” is not a key this shortcut can use (a letter, a digit, F1–F24, Space, Enter, Tab, Home, End, PageUp, PageDown, Insert or Delete)")]
    UnknownKey(String),
    #[error("a shortcut needs Ctrl, Alt or Super with its key (Shift alone would take a character from every program)")]
    NoModifier,
    #[error("a shortcut names one key after its modifiers")]
    NoKey,
}

impl Keys {
    /// Reads `Ctrl+Alt+P` (any case, `+` between parts; `Cmd`, `Win`, `Meta` and `Logo` are
    /// Super). `Ok(None)` for an empty text: no shortcut.
    pub fn parse(text: &str) -> Result<Option<Keys>, BadKeys> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let (mut ctrl, mut alt, mut shift, mut super_key) = (false, false, false, false);
        let mut key = None;
        for part in text.split('+').map(str::trim) {
            match part.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => ctrl = true,
                "alt" | "option" => alt = true,
                "shift" => shift = true,
                "super" | "win" | "cmd" | "command" | "meta" | "logo" => super_key = true,
                _ if key.is_some() => return Err(BadKeys::NoKey),
                _ => key = Some(parse_key(part)?),
            }
        }
        let key = key.ok_or(BadKeys::NoKey)?;
        if !(ctrl || alt || super_key) {
            return Err(BadKeys::NoModifier);
        }
        Ok(Some(Keys {
            ctrl,
            alt,
            shift,
            super_key,
            key,
        }))
    }

    /// As the settings write it: `Ctrl+Alt+P`.
    pub fn display(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (on, name) in [
            (self.ctrl, "Ctrl"),
            (self.alt, "Alt"),
            (self.shift, "Shift"),
            (self.super_key, "Super"),
        ] {
            if on {
                parts.push(name.to_owned());
            }
        }
        parts.push(self.key.name());
        parts.join("+")
    }

    /// The XDG shortcuts specification's form, which the GlobalShortcuts portal takes as
    /// `preferred_trigger`: `CTRL+ALT+p`.
    pub fn portal_trigger(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (on, name) in [
            (self.ctrl, "CTRL"),
            (self.alt, "ALT"),
            (self.shift, "SHIFT"),
            (self.super_key, "LOGO"),
        ] {
            if on {
                parts.push(name.to_owned());
            }
        }
        parts.push(self.key.xkb_name());
        parts.join("+")
    }
}

fn parse_key(part: &str) -> Result<Key, BadKeys> {
    let lower = part.to_ascii_lowercase();
    let mut chars = part.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_ascii_alphabetic() {
            return Ok(Key::Letter(c.to_ascii_uppercase()));
        }
        if c.is_ascii_digit() {
            return Ok(Key::Digit(c));
        }
    }
    if let Some(n) = lower
        .strip_prefix('f')
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=24).contains(n))
    {
        return Ok(Key::F(n));
    }
    Ok(match lower.as_str() {
        "space" => Key::Space,
        "enter" | "return" => Key::Enter,
        "tab" => Key::Tab,
        "home" => Key::Home,
        "end" => Key::End,
        "pageup" | "page_up" | "prior" => Key::PageUp,
        "pagedown" | "page_down" | "next" => Key::PageDown,
        "insert" => Key::Insert,
        "delete" | "del" => Key::Delete,
        _ => return Err(BadKeys::UnknownKey(part.to_owned())),
    })
}

impl Key {
    /// As the settings write it.
    pub fn name(self) -> String {
        match self {
            Key::Letter(c) | Key::Digit(c) => c.to_string(),
            Key::F(n) => format!("F{n}"),
            other => other.xkb_name(),
        }
    }

    /// The xkb keysym name (`p`, `5`, `F5`, `space`, `Return`).
    pub fn xkb_name(self) -> String {
        match self {
            Key::Letter(c) => c.to_ascii_lowercase().to_string(),
            Key::Digit(c) => c.to_string(),
            Key::F(n) => format!("F{n}"),
            Key::Space => "space".into(),
            Key::Enter => "Return".into(),
            Key::Tab => "Tab".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::PageUp => "Prior".into(),
            Key::PageDown => "Next".into(),
            Key::Insert => "Insert".into(),
            Key::Delete => "Delete".into(),
        }
    }

    /// The X11 keysym.
    pub fn keysym(self) -> u32 {
        match self {
            Key::Letter(c) => u32::from(c.to_ascii_lowercase()),
            Key::Digit(c) => u32::from(c),
            Key::F(n) => 0xffbe + u32::from(n) - 1,
            Key::Space => 0x20,
            Key::Enter => 0xff0d,
            Key::Tab => 0xff09,
            Key::Home => 0xff50,
            Key::End => 0xff57,
            Key::PageUp => 0xff55,
            Key::PageDown => 0xff56,
            Key::Insert => 0xff63,
            Key::Delete => 0xffff,
        }
    }
}

/// The review the shortcut opens the inbox at: the oldest one waiting for the person.
pub fn oldest_waiting(ctx: &Ctx) -> Option<String> {
    ctx.core
        .lives()
        .iter()
        .flat_map(|l| l.inbox.awaiting())
        .min_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)))
        .map(|m| m.id.clone())
}

/// The shortcut was pressed: the inbox comes to the front, at the oldest waiting review
/// (the settings window when signed out).
pub fn pressed(ctx: &Ctx) {
    tracing::info!("the global shortcut was pressed");
    if !ctx.core.is_signed_in() {
        ctx.windows.open(WindowKind::Settings, None);
        return;
    }
    ctx.windows.open(WindowKind::Inbox, oldest_waiting(ctx));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings' form reads back, in every platform's form; odd ones are refused
    /// with a reason.
    #[test]
    fn keys_read_and_convert() {
        let k = Keys::parse("Ctrl+Alt+P").unwrap().unwrap();
        assert_eq!(k.display(), "Ctrl+Alt+P");
        assert_eq!(k.portal_trigger(), "CTRL+ALT+p");
        assert_eq!(k.key.keysym(), u32::from('p'));
        let f = Keys::parse(" super + shift + f12 ").unwrap().unwrap();
        assert_eq!(f.display(), "Shift+Super+F12");
        assert_eq!(f.portal_trigger(), "SHIFT+LOGO+F12");
        assert_eq!(f.key.keysym(), 0xffc9);
        assert_eq!(Keys::parse("").unwrap(), None);
        assert_eq!(Keys::parse("Shift+P"), Err(BadKeys::NoModifier));
        assert_eq!(Keys::parse("Ctrl+Alt"), Err(BadKeys::NoKey));
        assert_eq!(Keys::parse("Ctrl+P+Q"), Err(BadKeys::NoKey));
        assert!(matches!(Keys::parse("Ctrl+€"), Err(BadKeys::UnknownKey(_))));
        assert_eq!(
            Keys::parse("ctrl+pagedown")
                .unwrap()
                .unwrap()
                .portal_trigger(),
            "CTRL+Next"
        );
    }
}
