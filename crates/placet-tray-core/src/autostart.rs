//! Start at login, behind a seam: an XDG autostart entry on Linux, a LaunchAgent on
//! macOS, the Run registry key on Windows.

/// Turns start at login on or off.
pub trait Autostart: Send + Sync + std::fmt::Debug {
    /// Enables or disables starting at login; the error says why it could not.
    fn set(&self, enabled: bool) -> Result<(), String>;
}
