//! Placet Tray's shell: the Tauri app that draws the tray, hosts the windows and puts
//! notifications on the desktop, around `placet-tray-core`, which does everything else
//! (see its crate documentation for the layout and for where a review becomes a
//! notification).
//!
//! # Layout
//! - [`shell`]: the tray, the windows (window processes and their line to the tray),
//!   sleep and network events; it implements the core's seams.
//! - [`notifier`]: notifications on the freedesktop D-Bus API.
//! - [`demo`]: the embedded dev server and demo agent.

pub mod demo;
pub mod notifier;
pub mod shell;

use placet_tray_core::cli;

/// The program: a subcommand, or the tray.
pub fn main() -> i32 {
    match cli::dispatch() {
        cli::Run::Done(code) => code,
        cli::Run::Tray { open } => shell::run(shell::Mode::Normal, open),
        cli::Run::Demo {
            interval,
            port,
            open,
        } => shell::run(shell::Mode::Demo { interval, port }, open),
        cli::Run::Window { target, option } => shell::run_window(&target, option),
    }
}

#[cfg(test)]
mod contract {
    //! The core's command table is the one list of commands: the build script's list
    //! (which makes each one a permission) and the capability files (which grant them
    //! to windows) must say the same.

    use std::collections::BTreeSet;

    use placet_tray_core::ipc::CommandName;
    use placet_tray_core::windows::{WindowClass, WindowKind};

    fn file(path: &str) -> String {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    #[test]
    fn the_build_script_declares_every_command() {
        let script = file("build.rs");
        let list = script
            .split_once(".commands(&[")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map(|(list, _)| list)
            .expect("build.rs has a .commands(&[...]) list");
        let declared: BTreeSet<String> = list
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let table: BTreeSet<String> = CommandName::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        assert_eq!(declared, table, "build.rs and the command table differ");
    }

    #[test]
    fn capabilities_grant_what_the_table_grants() {
        for class in WindowClass::ALL {
            let text = file(&format!("capabilities/{}.json", class.name()));
            let cap: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let granted: BTreeSet<String> = cap["permissions"]
                .as_array()
                .expect("permissions")
                .iter()
                .filter_map(|p| p.as_str())
                .filter(|p| p.starts_with("allow-"))
                .map(str::to_owned)
                .collect();
            let table: BTreeSet<String> = CommandName::ALL
                .iter()
                .filter(|c| c.granted_to().contains(&class))
                .map(|c| c.permission())
                .collect();
            assert_eq!(granted, table, "capabilities/{}.json", class.name());
            let windows: Vec<&str> = cap["windows"]
                .as_array()
                .expect("windows")
                .iter()
                .filter_map(|w| w.as_str())
                .collect();
            let label = match class {
                WindowClass::Review => WindowKind::review("m1").label(),
                WindowClass::Inbox => WindowKind::Inbox.label(),
                WindowClass::Settings => WindowKind::Settings.label(),
            };
            assert!(
                windows.iter().any(|w| match w.strip_suffix('*') {
                    Some(prefix) => label.starts_with(prefix),
                    None => *w == label,
                }),
                "capabilities/{}.json does not cover the window {label}",
                class.name()
            );
        }
    }
}
