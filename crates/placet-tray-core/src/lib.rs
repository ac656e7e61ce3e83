//! Placet Tray without a GUI toolkit: everything the app does that is not drawing a tray
//! icon, a notification or a web page. The tray and the command line stand on it; the
//! shell (`src-tauri`) only renders what it publishes through four seams. It builds and
//! tests in seconds against the dev server, with a recording notifier and no display.
//!
//! # Where a review becomes a notification
//! The session ([`placet_client`]) fills the inbox; [`flows`] sees the new review,
//! checks the preferences and words it with [`text::review_notice`]; the
//! [`notify::NotificationCenter`] shows it or folds it into a summary, through the
//! platform's [`notify::Notifier`]. A click comes back as a [`notify::NoticeEvent`] and
//! becomes an answer through [`Core::answer`], which asks [`decide`] whether it may be
//! sent (a `danger` option opens the review's window instead).
//!
//! # Where an answer is decided
//! Every answer, wherever it starts (a window, the inbox, a notification, a program's
//! proposal through the [`door`]), goes through [`Core::answer`] and the one table of
//! rules in [`decide`]. A program's proposal is shown whole in a confirmation window
//! ([`proposal`], [`flows`]) and sent only on the person's Confirm.
//!
//! # Layout
//! - [`app`]: [`Core`]: the signed-in accounts, each with its session, inbox and outbox;
//!   sign-in and sign-out; answering.
//! - [`agents`]: agents and their sub-agents, grouped and muted together.
//! - [`decide`]: whether an answer may be sent, and how (the rules, in one place).
//! - [`flows`]: inbox, session and outbox changes to notifications, tray and windows;
//!   notification clicks and programs' proposals back to answers.
//! - [`proposal`]: programs' proposals waiting for the person, and their words.
//! - [`notify`]: the [`notify::Notifier`] seam, the notification center (bursts,
//!   floods, the summary), and what a freedesktop daemon is sent.
//! - [`attention`]: urgency, the desktop's Do Not Disturb (the [`attention::dnd::DndWatcher`]
//!   seam), snoozes and reminders, how long reviews have waited.
//! - [`history`]: the decided reviews, from the local decision log.
//! - [`shortcut`]: the global shortcut's keys in each platform's form, and what a press
//!   does (the inbox at the oldest waiting review).
//! - [`ipc`]: the command table, views and events of the web pages.
//! - [`tray`]: what the tray shows and what its menu does.
//! - [`window`]: the windows and the [`window::WindowHost`] seam; [`ui_line`]: the line
//!   between the tray and the window host (`placet-tray-ui`).
//! - [`text`]: every word shown outside the web pages; [`markdown`]: message text as
//!   safe HTML; [`icons`]: the tray icons, drawn.
//! - [`config`], [`paths`], [`secrets`] (the [`secrets::SecretStore`] seam and the OS
//!   keychain), [`autostart`] (its seam), [`links`], [`logging`].
//! - [`cli`]: the command line; [`door`]: the running tray's door for it (a second
//!   launch, answers from scripts to be confirmed by the person).

#[macro_use]
pub mod i18n;
pub mod agents;
pub mod app;
pub mod attention;
pub mod autostart;
pub mod cli;
pub mod config;
pub mod decide;
pub mod door;
pub mod flows;
pub mod history;
pub mod icons;
pub mod ipc;
pub mod links;
pub mod logging;
pub mod markdown;
pub mod notify;
pub mod paths;
pub mod proposal;
pub mod secrets;
pub mod shortcut;
pub mod text;
pub mod tray;
pub mod ui_line;
pub mod window;

pub use app::{Core, CoreError, CoreEvent, Live, Persist, QueuedOnSignOut};
