//! The platform's notifications behind the core's `Notifier` seam: the freedesktop
//! D-Bus API on Linux, WinRT toasts on Windows, UNUserNotificationCenter on macOS.
//!
//! - `freedesktop` (Linux); `windows` with `toast` (what a toast is made of, pure and
//!   tested everywhere); `macos` with `apple` (what a notification request is made of,
//!   pure and tested everywhere). Each platform compiles only its own.

#[cfg(any(target_os = "macos", test))]
mod apple;
#[cfg(target_os = "linux")]
mod freedesktop;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(any(windows, test))]
pub mod toast;
#[cfg(windows)]
mod windows;

use std::sync::Arc;

use placet_tray_core::notify::{NoticeEvent, Notifier};
use tokio::sync::mpsc;

/// This platform's notifier; what the person does goes to `events`.
pub fn platform(events: mpsc::UnboundedSender<NoticeEvent>) -> Arc<dyn Notifier> {
    #[cfg(target_os = "linux")]
    {
        Arc::new(freedesktop::FreedesktopNotifier::spawn(events))
    }
    #[cfg(windows)]
    {
        Arc::new(windows::ToastNotifier::spawn(events))
    }
    #[cfg(target_os = "macos")]
    {
        macos::UserNotifications::start(events)
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        let _ = events;
        Arc::new(Unsupported)
    }
}

/// No notifications on this platform: they are logged.
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
#[derive(Debug)]
struct Unsupported;

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
impl Notifier for Unsupported {
    fn show(&self, notice: placet_tray_core::notify::Notice) {
        tracing::info!(title = %notice.title, "notification (not shown on this platform)");
    }
    fn withdraw(&self, _key: &placet_tray_core::notify::NoticeKey) {}
    fn withdraw_all(&self) {}
}
