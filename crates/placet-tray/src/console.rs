//! The command line in the caller's console, for `placet-tray.exe`, which is a
//! GUI-subsystem program (a tray started from the Start menu or at login must not open
//! a console window).
//!
//! Windows gives a GUI program no console: a subcommand run from a terminal would print
//! nothing. So before a subcommand runs, [`attach_parent`] joins the console of the
//! process that started it (`AttachConsole(ATTACH_PARENT_PROCESS)`) and points every
//! standard handle that was not given (redirected) at it (`CONOUT$`, `CONIN$`).
//! Redirected handles (`placet-tray.exe status > out.txt`, a pipe) are kept as they
//! are. The terminal still does not wait for a GUI program, nor see its exit code, in
//! an interactive cmd or PowerShell: that is what the console front-end
//! `placet-tray.com` is for (`src/bin/placet-tray-cli.rs`); this is the fallback for
//! whoever calls `placet-tray.exe` itself (a batch file waits for it).
#![allow(unsafe_code)]

use std::ptr;

use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, GetFileType, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_TYPE_UNKNOWN, OPEN_EXISTING,
};
use windows_sys::Win32::System::Console::{
    AttachConsole, GetStdHandle, SetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE, STD_HANDLE,
    STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
};

/// True when the standard handle `which` leads somewhere (a file, a pipe, a console).
fn given(which: STD_HANDLE) -> bool {
    // SAFETY: plain call.
    let h = unsafe { GetStdHandle(which) };
    if h.is_null() || h == INVALID_HANDLE_VALUE {
        return false;
    }
    // SAFETY: `h` is this process's standard handle, open for its lifetime.
    unsafe { GetFileType(h) != FILE_TYPE_UNKNOWN }
}

/// Opens the attached console's `CONIN$` or `CONOUT$`.
fn open_console(name: &str) -> Option<HANDLE> {
    let wide: Vec<u16> = name.encode_utf16().chain(Some(0)).collect();
    // SAFETY: `wide` is NUL-terminated; no security attributes, no template.
    let h = unsafe {
        CreateFileW(
            wide.as_ptr(),
            GENERIC_READ | GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_WRITE,
            ptr::null(),
            OPEN_EXISTING,
            0,
            ptr::null_mut(),
        )
    };
    (h != INVALID_HANDLE_VALUE && !h.is_null()).then_some(h)
}

/// Joins the parent's console for whatever standard handle was not given. Nothing
/// happens when all three were given, or when the parent has no console (a double
/// click, the Run key, a protocol activation).
pub fn attach_parent() {
    let missing: Vec<STD_HANDLE> = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE]
        .into_iter()
        .filter(|&w| !given(w))
        .collect();
    if missing.is_empty() {
        return;
    }
    // SAFETY: plain call; it fails when the parent has no console or we have one.
    if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
        return;
    }
    for which in missing {
        let name = if which == STD_INPUT_HANDLE {
            "CONIN$"
        } else {
            "CONOUT$"
        };
        if let Some(h) = open_console(name) {
            // SAFETY: `h` is an open console handle that stays open for the process's
            // lifetime, as a standard handle should.
            unsafe { SetStdHandle(which, h) };
        }
    }
}
