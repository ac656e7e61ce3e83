//! Windows: a clean quit asked from outside, for a tray that may have no icon to click and
//! no console to get Ctrl+C (a GUI program never has one): the installer before it
//! replaces or removes the files, a script, a session without a tray host. The tray
//! creates a named event, `Local\placet-tray-quit-<user>` (per session, so only this
//! session's programs can set it, and quitting is all it can do); `placet-tray.exe
//! --quit` sets it. Windows API: `CreateEventW`, `WaitForSingleObject`, `OpenEventW`
//! (`EVENT_MODIFY_STATE`), `SetEvent`.
#![allow(unsafe_code)]

use std::ptr;

use windows_sys::Win32::Foundation::CloseHandle;
use windows_sys::Win32::System::Threading::{
    CreateEventW, OpenEventW, SetEvent, WaitForSingleObject, EVENT_MODIFY_STATE, INFINITE,
};

/// The event's name, NUL-terminated UTF-16.
fn name() -> Vec<u16> {
    let user: String = std::env::var("USERNAME")
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("Local\\placet-tray-quit-{user}")
        .encode_utf16()
        .chain(Some(0))
        .collect()
}

/// The tray: resolves once someone asks it to quit (never, if the event cannot be made).
pub async fn asked() {
    let name = name();
    // SAFETY: `name` is NUL-terminated; default security; manual reset, not set.
    let event = unsafe { CreateEventW(ptr::null(), 1, 0, name.as_ptr()) };
    if event.is_null() {
        tracing::debug!(error = %std::io::Error::last_os_error(), "no quit event");
        return std::future::pending().await;
    }
    // The handle stays open for the process's lifetime (the event lives as long).
    let event = event as usize;
    let _ = tokio::task::spawn_blocking(move || {
        // SAFETY: `event` is the open event handle made above, never closed.
        unsafe { WaitForSingleObject(event as _, INFINITE) }
    })
    .await;
}

/// `placet-tray.exe --quit`: asks the running tray to quit; false when none runs.
pub fn ask() -> bool {
    let name = name();
    // SAFETY: `name` is NUL-terminated; a null handle is an error.
    let event = unsafe { OpenEventW(EVENT_MODIFY_STATE, 0, name.as_ptr()) };
    if event.is_null() {
        return false;
    }
    // SAFETY: `event` is the handle just opened with EVENT_MODIFY_STATE, closed once.
    let set = unsafe { SetEvent(event) } != 0;
    // SAFETY: as above.
    unsafe { CloseHandle(event) };
    set
}
