//! Placet Tray: the tray icon with its menu, the notifications, and the command line,
//! around `placet-tray-core` (which does everything that is not drawing; see its crate
//! documentation for the layout and for where a review becomes a notification). The
//! windows live in a separate process, `placet-tray-ui`, that this one starts on
//! demand: this process never loads a web engine.
//!
//! # Layout
//! - [`app`]: start-up, single instance, the event loop, shutdown.
//! - [`tray`]: draws the core's tray view with tray-icon and muda.
//! - [`ui_host`]: the window host process (`placet-tray-ui`) and the line to it (the core's `WindowHost`).
//! - [`notifier`]: notifications (freedesktop D-Bus on Linux, WinRT toasts on Windows,
//!   UNUserNotificationCenter on macOS).
//! - [`shortcut`]: the global shortcut (X11 grab, the Wayland portal, global-hotkey on
//!   Windows and macOS); `dnd`: the desktop's Do Not Disturb, read (Linux).
//! - [`autostart`], [`system`] (sleep and network events), [`demo`].
//! - Windows: [`console`] (subcommands print in the caller's console); a
//!   `placet-tray:` URL (a toast's click, `notifier::toast`) opens a window and nothing
//!   else; [`quit`] (`--quit`: the running tray quits cleanly, with or without an
//!   icon). The console front-end is the `placet-tray-cli` binary (shipped as
//!   `placet-tray.com`).

// No console window on Windows, debug builds included, so that what is tested is what
// ships: the tray starts from the Start menu, at login and from toasts without one.
#![windows_subsystem = "windows"]

mod app;
mod autostart;
#[cfg(windows)]
mod console;
#[cfg(feature = "demo")]
mod demo;
#[cfg(target_os = "linux")]
mod dnd;
mod notifier;
#[cfg(windows)]
mod quit;
mod shortcut;
#[cfg(target_os = "linux")]
mod system;
mod tray;
mod ui_host;

use placet_tray_core::cli::{self, Run};

fn main() {
    // Every word outside the web pages in the person's language, from the OS's locale.
    placet_tray_core::i18n::init_from_os();
    #[cfg(windows)]
    {
        let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        // `placet-tray.exe "placet-tray:open?window=review:m1"`: the registered URL
        // handler. Only ever opens a window: in the running tray (through the door) or
        // in one started for it.
        if let [url] = args.as_slice() {
            let url = url.to_string_lossy();
            if url
                .get(..notifier::toast::SCHEME.len() + 1)
                .is_some_and(|s| s.eq_ignore_ascii_case(&format!("{}:", notifier::toast::SCHEME)))
            {
                let code = match notifier::toast::protocol_window(&url) {
                    Some(window) => app::run(app::Mode::Normal, Some(window.spec()), false),
                    None => 2,
                };
                std::process::exit(code);
            }
        }
        // `placet-tray.exe --quit` (the installer, scripts): the running tray quits
        // cleanly, icon or not. 0 when one was asked, 8 when none runs.
        if matches!(args.as_slice(), [a] if a == "--quit") {
            std::process::exit(if quit::ask() { 0 } else { 8 });
        }
        if runs_a_command(&args) {
            console::attach_parent();
        }
    }
    let code = match cli::dispatch() {
        Run::Done(code) => code,
        Run::Tray { open, ui_on_stdio } => app::run(app::Mode::Normal, open, ui_on_stdio),
        Run::Demo {
            interval,
            port,
            split,
            open,
            ui_on_stdio,
        } => app::run(
            app::Mode::Demo {
                interval,
                port,
                split,
            },
            open,
            ui_on_stdio,
        ),
    };
    std::process::exit(code);
}

/// True when the arguments name a subcommand (or ask for help, the version, or are
/// wrong): what prints and exits, as opposed to the tray (no subcommand, or `demo`).
#[cfg(any(windows, test))]
fn runs_a_command(args: &[std::ffi::OsString]) -> bool {
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        match arg.as_ref() {
            "--json" | "--ui-on-stdio" => {}
            "--open" => {
                args.next();
            }
            a if a.starts_with("--open=") => {}
            // Help, the version, or a flag clap will refuse: all print.
            a if a.starts_with('-') => return true,
            a => return a != "demo",
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::runs_a_command;

    fn runs(args: &[&str]) -> bool {
        let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        runs_a_command(&args)
    }

    /// Subcommands, help and mistakes print in the caller's console; the tray does not
    /// hold on to it.
    #[test]
    fn commands_print_the_tray_does_not() {
        assert!(runs(&["status"]));
        assert!(runs(&["--json", "reviews"]));
        assert!(runs(&["--version"]));
        assert!(runs(&["-h"]));
        assert!(runs(&["--bogus"]));
        assert!(runs(&["help"]));
        assert!(!runs(&[]));
        assert!(!runs(&["--open", "inbox"]));
        assert!(!runs(&["--open=review:m1"]));
        assert!(!runs(&["demo", "--interval", "5"]));
        assert!(!runs(&["--open", "status", "demo"]));
    }
}
