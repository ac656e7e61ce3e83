//! The shortcut on Windows and macOS, through the `global-hotkey` crate (`RegisterHotKey`
//! on Windows, Carbon's `RegisterEventHotKey` on macOS). Both belong to the thread that
//! runs the event loop, so the manager lives there (`app`): the follow task asks it to
//! bind through the loop and waits for the answer.

use global_hotkey::hotkey::{Code, HotKey, Modifiers};
use global_hotkey::{GlobalHotKeyManager, HotKeyState};
use placet_tray_core::shortcut::{Key, Keys};

/// The manager and what it has registered; on the event loop's thread only.
#[derive(Default)]
pub struct Registered {
    manager: Option<GlobalHotKeyManager>,
    current: Option<HotKey>,
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered")
            .field("current", &self.current.map(|h| h.id()))
            .finish()
    }
}

/// The hotkey of `keys`.
fn hotkey(keys: &Keys) -> Option<HotKey> {
    let mut mods = Modifiers::empty();
    if keys.ctrl {
        mods |= Modifiers::CONTROL;
    }
    if keys.alt {
        mods |= Modifiers::ALT;
    }
    if keys.shift {
        mods |= Modifiers::SHIFT;
    }
    if keys.super_key {
        mods |= Modifiers::META;
    }
    let code = match keys.key {
        Key::Letter(c) => format!("Key{c}").parse().ok()?,
        Key::Digit(c) => format!("Digit{c}").parse().ok()?,
        Key::F(n) => format!("F{n}").parse().ok()?,
        Key::Space => Code::Space,
        Key::Enter => Code::Enter,
        Key::Tab => Code::Tab,
        Key::Home => Code::Home,
        Key::End => Code::End,
        Key::PageUp => Code::PageUp,
        Key::PageDown => Code::PageDown,
        Key::Insert => Code::Insert,
        Key::Delete => Code::Delete,
    };
    Some(HotKey::new(Some(mods), code))
}

impl Registered {
    /// Registers `keys` (or nothing), releasing what was registered. On the event loop's
    /// thread.
    pub fn bind(&mut self, keys: Option<Keys>) -> Result<Option<String>, String> {
        if self.manager.is_none() {
            self.manager = Some(GlobalHotKeyManager::new().map_err(|e| e.to_string())?);
        }
        let Some(manager) = self.manager.as_ref() else {
            return Err("no global shortcuts here".to_owned());
        };
        if let Some(old) = self.current.take() {
            let _ = manager.unregister(old);
        }
        let Some(keys) = keys else {
            return Ok(None);
        };
        let hk = hotkey(&keys).ok_or_else(|| format!("{} is not a key here", keys.display()))?;
        manager.register(hk).map_err(|e| match e {
            global_hotkey::Error::AlreadyRegistered(_) => format!(
                "another program already uses {} on this computer.",
                keys.display()
            ),
            other => format!("the system refused {}: {other}", keys.display()),
        })?;
        self.current = Some(hk);
        Ok(Some(keys.display()))
    }

    /// Whether an event of the crate is a press of the registered shortcut.
    pub fn is_press(&self, id: u32, state: HotKeyState) -> bool {
        state == HotKeyState::Pressed && self.current.is_some_and(|h| h.id() == id)
    }
}
