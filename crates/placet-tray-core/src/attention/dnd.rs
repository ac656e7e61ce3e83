//! The desktop's Do Not Disturb, as the platform reads it. The platform only reads (a
//! [`DndWatcher`] reports every change); the core decides what follows: no banners while
//! it is on (the tray's count still grows), a review about to expire breaks through once,
//! and what was held back is shown when it ends.

use tokio::sync::watch;

/// Whether the desktop asks for quiet, and who said so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DndState {
    /// No banners, please.
    pub on: bool,
    /// Which part of the desktop said so, for the log and the settings window
    /// ("GNOME", "KDE Plasma", "dunst", "XFCE", "mako").
    pub by: Option<String>,
}

impl DndState {
    /// Do Not Disturb is on, as `by` says.
    pub fn on(by: &str) -> Self {
        Self {
            on: true,
            by: Some(by.to_owned()),
        }
    }

    /// Do Not Disturb is off (or not known).
    pub fn off() -> Self {
        Self::default()
    }
}

/// Reads the desktop's Do Not Disturb. Started once; reports every change through
/// `report` for as long as the app runs (and nothing where the desktop has no such
/// state, or it cannot be read).
pub trait DndWatcher: Send + std::fmt::Debug {
    /// Starts following; returns at once.
    fn start(self: Box<Self>, report: watch::Sender<DndState>);
}

/// A watcher that never reports: platforms whose notification system applies Do Not
/// Disturb itself (macOS Focus, Windows Focus Assist), and tests.
#[derive(Debug, Default)]
pub struct NoDnd;

impl DndWatcher for NoDnd {
    fn start(self: Box<Self>, _report: watch::Sender<DndState>) {}
}
