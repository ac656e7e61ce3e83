//! The shortcut on X11: a passive key grab on the root window (`XGrabKey`), with x11rb's
//! own connection. One thread waits for the X server's events, blocked: nothing runs
//! while no key is pressed (global-hotkey's X11 backend looks for events twenty times a
//! second, which would multiply the idle tray's CPU; see the module above). The grab is
//! taken four times, with and without Num Lock and Caps Lock, as X11 counts them as
//! modifiers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use placet_tray_core::shortcut::Keys;
use tokio::sync::mpsc;
use x11rb::connection::Connection;
use x11rb::errors::ReplyError;
use x11rb::protocol::xproto::{ConnectionExt, GrabMode, Keycode, ModMask, Window};
use x11rb::protocol::{ErrorKind, Event};
use x11rb::rust_connection::RustConnection;

/// A press this soon after the last one is the key repeating.
const REPEAT: Duration = Duration::from_millis(400);

/// The X11 grab of one shortcut at a time.
pub struct X11 {
    conn: Arc<RustConnection>,
    root: Window,
    /// What is grabbed now.
    grabbed: Arc<Mutex<Option<(Keycode, ModMask)>>>,
}

impl std::fmt::Debug for X11 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X11").field("root", &self.root).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The lock modifiers a grab must not depend on: none, Num Lock, Caps Lock, both.
fn lock_variants() -> [ModMask; 4] {
    [
        ModMask::from(0u16),
        ModMask::M2,
        ModMask::LOCK,
        ModMask::M2 | ModMask::LOCK,
    ]
}

fn mods_of(keys: &Keys) -> ModMask {
    let mut m = ModMask::from(0u16);
    if keys.ctrl {
        m |= ModMask::CONTROL;
    }
    if keys.alt {
        m |= ModMask::M1;
    }
    if keys.shift {
        m |= ModMask::SHIFT;
    }
    if keys.super_key {
        m |= ModMask::M4;
    }
    m
}

impl X11 {
    /// Connects to the display; presses go to `pressed`.
    pub fn connect(pressed: mpsc::UnboundedSender<()>) -> Result<Self, String> {
        let (conn, screen) = RustConnection::connect(None)
            .map_err(|e| format!("cannot reach the X display: {e}"))?;
        let root = conn
            .setup()
            .roots
            .get(screen)
            .map(|s| s.root)
            .ok_or("the X display has no screen")?;
        let conn = Arc::new(conn);
        let grabbed = Arc::new(Mutex::new(None));
        let (events, wanted) = (conn.clone(), grabbed.clone());
        std::thread::Builder::new()
            .name("placet-shortcut".into())
            .spawn(move || listen(&events, &wanted, &pressed))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            conn,
            root,
            grabbed,
        })
    }

    /// Grabs `keys` (releasing what was grabbed before).
    pub fn bind(&self, keys: &Keys) -> Result<String, String> {
        self.unbind();
        let keycode = self
            .keycode(keys.key.keysym())?
            .ok_or_else(|| format!("the keyboard has no key {}", keys.key.name()))?;
        let mods = mods_of(keys);
        for extra in lock_variants() {
            let grab = self
                .conn
                .grab_key(
                    false,
                    self.root,
                    mods | extra,
                    keycode,
                    GrabMode::ASYNC,
                    GrabMode::ASYNC,
                )
                .map_err(|e| e.to_string())?;
            if let Err(e) = grab.check() {
                self.ungrab(keycode, mods);
                return Err(match e {
                    ReplyError::X11Error(x) if x.error_kind == ErrorKind::Access => format!(
                        "another program already uses {} on this desktop.",
                        keys.display()
                    ),
                    other => format!("the X server refused {}: {other}", keys.display()),
                });
            }
        }
        let _ = self.conn.flush();
        *lock(&self.grabbed) = Some((keycode, mods));
        Ok(keys.display())
    }

    /// Releases the grab, if any.
    pub fn unbind(&self) {
        if let Some((keycode, mods)) = lock(&self.grabbed).take() {
            self.ungrab(keycode, mods);
        }
    }

    fn ungrab(&self, keycode: Keycode, mods: ModMask) {
        for extra in lock_variants() {
            if let Ok(c) = self.conn.ungrab_key(keycode, self.root, mods | extra) {
                c.ignore_error();
            }
        }
        let _ = self.conn.flush();
    }

    /// The keycode that types `keysym` on this keyboard.
    fn keycode(&self, keysym: u32) -> Result<Option<Keycode>, String> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        let per = usize::from(map.keysyms_per_keycode.max(1));
        Ok(map
            .keysyms
            .chunks(per)
            .position(|syms| syms.contains(&keysym))
            .and_then(|i| u8::try_from(i).ok())
            .map(|i| min + i))
    }
}

impl Drop for X11 {
    fn drop(&mut self) {
        self.unbind();
    }
}

/// The event thread: reports a press of the grabbed keys (not the key's repeats).
fn listen(
    conn: &RustConnection,
    grabbed: &Mutex<Option<(Keycode, ModMask)>>,
    pressed: &mpsc::UnboundedSender<()>,
) {
    let relevant = ModMask::CONTROL | ModMask::M1 | ModMask::SHIFT | ModMask::M4;
    let mut last: Option<Instant> = None;
    loop {
        let event = match conn.wait_for_event() {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "the X display went away: no shortcut");
                return;
            }
        };
        let Event::KeyPress(k) = event else {
            continue;
        };
        let state = ModMask::from(u16::from(k.state)) & relevant;
        if *lock(grabbed) != Some((k.detail, state)) {
            continue;
        }
        // A key held down repeats: only its first press counts.
        let repeat = last.is_some_and(|t| t.elapsed() < REPEAT);
        last = Some(Instant::now());
        if repeat {
            continue;
        }
        if pressed.send(()).is_err() {
            return;
        }
    }
}
