//! Top-level X11 windows of the desktop: list them with their titles, and close one the
//! way a window manager does (a `WM_DELETE_WINDOW` message), so the app sees the same
//! request as when a person clicks the close button. Xvfb runs no window manager.

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, MapState, Window,
};
use x11rb::rust_connection::RustConnection;

/// A top-level window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct X11Window {
    pub id: u32,
    /// `_NET_WM_NAME`, or `WM_NAME`.
    pub title: String,
    /// `_NET_WM_PID`, when set.
    pub pid: Option<u32>,
    /// Mapped (shown).
    pub visible: bool,
}

fn connect(display: &str) -> Option<RustConnection> {
    x11rb::connect(Some(display)).ok().map(|(c, _)| c)
}

fn atom(conn: &RustConnection, name: &str) -> Option<u32> {
    Some(
        conn.intern_atom(false, name.as_bytes())
            .ok()?
            .reply()
            .ok()?
            .atom,
    )
}

fn text_property(conn: &RustConnection, w: Window, property: u32, kind: u32) -> Option<String> {
    let reply = conn
        .get_property(false, w, property, kind, 0, 4096)
        .ok()?
        .reply()
        .ok()?;
    (!reply.value.is_empty()).then(|| String::from_utf8_lossy(&reply.value).into_owned())
}

/// The top-level windows on `display`.
pub fn windows(display: &str) -> Vec<X11Window> {
    let Some(conn) = connect(display) else {
        return Vec::new();
    };
    let root = conn.setup().roots[0].root;
    let Some(tree) = conn.query_tree(root).ok().and_then(|c| c.reply().ok()) else {
        return Vec::new();
    };
    let net_wm_name = atom(&conn, "_NET_WM_NAME");
    let utf8 = atom(&conn, "UTF8_STRING");
    let net_wm_pid = atom(&conn, "_NET_WM_PID");
    // A window manager reparents each client window into a frame of its own: look one
    // level below the root's children too.
    let mut candidates = Vec::new();
    for w in tree.children {
        candidates.push(w);
        if let Some(inner) = conn.query_tree(w).ok().and_then(|c| c.reply().ok()) {
            candidates.extend(inner.children);
        }
    }
    candidates
        .into_iter()
        .filter_map(|w| {
            let title = net_wm_name
                .zip(utf8)
                .and_then(|(p, t)| text_property(&conn, w, p, t))
                .or_else(|| {
                    text_property(&conn, w, AtomEnum::WM_NAME.into(), AtomEnum::STRING.into())
                })?;
            let pid = net_wm_pid.and_then(|p| {
                let r = conn
                    .get_property(false, w, p, AtomEnum::CARDINAL, 0, 1)
                    .ok()?
                    .reply()
                    .ok()?;
                let pid = r.value32()?.next();
                pid
            });
            let visible = conn
                .get_window_attributes(w)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|a| a.map_state == MapState::VIEWABLE);
            Some(X11Window {
                id: w,
                title,
                pid,
                visible,
            })
        })
        .collect()
}

/// Asks window `id` to close, as a window manager does. Returns false when the display
/// or the atoms are unavailable.
pub fn close(display: &str, id: u32) -> bool {
    let Some(conn) = connect(display) else {
        return false;
    };
    let (Some(protocols), Some(delete)) =
        (atom(&conn, "WM_PROTOCOLS"), atom(&conn, "WM_DELETE_WINDOW"))
    else {
        return false;
    };
    let event = ClientMessageEvent::new(32, id, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
    conn.send_event(false, id, EventMask::NO_EVENT, event)
        .is_ok()
        && conn.flush().is_ok()
}
