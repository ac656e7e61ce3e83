//! Placet Tray: a desktop tray app that tells you the moment an AI agent needs your
//! review, and lets you answer from the notification, a small window, or the command
//! line.
//!
//! # Layout
//! - [`cli`]: argument parsing; the subcommands that run without a display.
//! - [`core`]: the signed-in account (session, inbox, outbox), sign-in and answering,
//!   free of any GUI.
//! - [`shell`]: the Tauri app: tray, notifications, windows, IPC commands.
//! - [`notifier`], [`present`], [`icons`], [`markdown`]: what the person sees.
//! - [`config`], [`keychain`], [`paths`], [`logging`]: storage and plumbing.
//! - [`demo`]: the embedded dev server and demo agent.

pub mod cli;
pub mod config;
pub mod core;
pub mod demo;
pub mod icons;
pub mod keychain;
pub mod logging;
pub mod markdown;
pub mod notifier;
pub mod paths;
pub mod present;
pub mod shell;

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
