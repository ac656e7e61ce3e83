//! The platform's notifications behind the core's `Notifier` seam: the freedesktop
//! D-Bus API on Linux.

#[cfg(target_os = "linux")]
mod freedesktop;

use std::sync::Arc;

use placet_tray_core::notify::{NoticeEvent, Notifier};
use tokio::sync::mpsc;

/// This platform's notifier; what the person does goes to `events`.
pub fn platform(events: mpsc::UnboundedSender<NoticeEvent>) -> Arc<dyn Notifier> {
    #[cfg(target_os = "linux")]
    {
        Arc::new(freedesktop::FreedesktopNotifier::spawn(events))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = events;
        Arc::new(Unsupported)
    }
}

/// No notifications on this platform yet: they are logged.
#[cfg(not(target_os = "linux"))]
#[derive(Debug)]
struct Unsupported;

#[cfg(not(target_os = "linux"))]
impl Notifier for Unsupported {
    fn show(&self, notice: placet_tray_core::notify::Notice) {
        tracing::info!(title = %notice.title, "notification (not shown on this platform)");
    }
    fn withdraw(&self, _key: &placet_tray_core::notify::NoticeKey) {}
    fn withdraw_all(&self) {}
}
