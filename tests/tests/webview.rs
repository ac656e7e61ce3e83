//! End-to-end tests of the webview pages (review, inbox, sign-in and settings) through
//! WebDriver: the built app runs on a private desktop (`placet_e2e::Desktop`) against an
//! in-process dev server, and each test drives its windows with tauri-driver and
//! WebKitWebDriver, then checks what the dev server recorded.
//!
//! Run:
//!
//! ```text
//! cargo build -p placet-tray                      # the pages are embedded in the binary
//! cargo test -p placet-e2e --test webview
//! ```
//!
//! Needs `tauri-driver` (`cargo install tauri-driver@^2 --locked`) on `PATH` (or in
//! `TAURI_DRIVER`), Debian's `webkit2gtk-driver`, and the desktop packages of
//! `placet_e2e`. `PLACET_TRAY_BIN` overrides the app binary; `PLACET_UPDATE_SCREENSHOTS=1`
//! also copies the screenshots into `docs/screenshots/`.
//!
//! What we learned about tauri-driver 2.1 with WebKitWebDriver (details in
//! `placet_e2e::webdriver`):
//!
//! - `POST /session` starts the app and returns only once the app has created its first
//!   webview (a tray app with no window makes it wait; it attached fine to a window that
//!   appeared 8 s after start). So each test starts the app with `--open <window>`.
//! - Every window the app opens later (from the inbox, a notification action, a button)
//!   is one more window handle, in no particular order: find it by URL after switching.
//!   A window that closes itself leaves the handles; deleting the session kills the app.
//! - WebKitWebDriver clicks at the element's centre after scrolling the *page*: a row
//!   clipped by an inner `overflow: auto` list is "not interactable" until scrolled into
//!   view by script (`Session::click_on`); and a layout shift between mouse down and up
//!   (a message appearing as a field loses focus) makes a click miss.
//! - Keys are real key events: `<input type=date>` takes `06/03/2025` (its fields, in
//!   `LANG=C.UTF-8` order), `datetime-local` `06/03/2025, 14:30`, `time` `14:30`, a range
//!   moves with arrow keys.
//! - A screenshot is the webview's content; after `POST /window/rect` wait for the new
//!   size and two animation frames, or it shows the previous frame.
//!
//! Tests run one at a time (a WebKit app per test is heavy on two cores); each has its
//! own desktop, server and app process. A test sets up its desktop, server, tauri-driver
//! and sign-in while another runs, and waits for its turn only then.
//!
//! # Layout
//!
//! - `support`: `WebviewWorld`, the shared `placet_e2e::World` (desktop, dev server,
//!   helpers) with tauri-driver, one at a time; page helpers (banners, screenshots) and
//!   stand-ins (tripwire, a link recorder for the browser, a redirecting server).
//! - `sign_in`: sign-in errors, keychain fallback, watch-only, settings, sign-out.
//! - `account`: plain http to another computer and redirects, signing out with queued
//!   answers, the command-line and agent-error settings.
//! - `reviews`: answering each review type and the exact JSON the server records;
//!   validation errors; the schema hint; expiry; answered elsewhere; iterations and
//!   attachments.
//! - `external`: reviews only Placet's web app can answer (plugins, unknown types).
//! - `lifecycle`: a review withdrawn by its agent; our answer's way to the agent.
//! - `attachments`: download progress, saved path, failure.
//! - `inbox`: listing, filtering, live updates, keyboard answers, agent status, and
//!   reviews only Placet can answer.
//! - `hostile`: agent-supplied text never runs, never loads anything, shows as text.
//! - `confirm`: a program's proposal (through a pseudo-terminal, a script, the door) is
//!   shown whole in its confirmation window and sent only on the person's Confirm.
//! - `deployed`: an OAuth prompt, a forced password change, a failed delivery retried,
//!   sub-agents under their parent.
//! - `revisions`: request changes on every review type; a revision's earlier rounds.
//! - `history`: the inbox's Decided tab and `placet-tray history` (paths, search,
//!   passwords as dots); the global shortcut opening the inbox at the oldest review.
//! - `language`: the windows in the session's language (German), the agent's words as
//!   written.
//! - `conversation`: an agent's messages, live, and the person's message sent once from
//!   the conversation window.
//! - `a11y`: axe-core finds no serious or critical violation in any window (light, dark,
//!   and high contrast with its 7:1 rule), and every review type is answered with the
//!   keyboard alone.
//! - `window_process`: the shipped path, a window in its own process talking to the
//!   tray (the other tests drive windows inside the process tauri-driver started, which
//!   the app does under `TAURI_WEBVIEW_AUTOMATION`).

#[path = "webview/support.rs"]
mod support;

#[path = "webview/sign_in.rs"]
mod sign_in;

#[path = "webview/account.rs"]
mod account;

#[path = "webview/reviews.rs"]
mod reviews;

#[path = "webview/external.rs"]
mod external;

#[path = "webview/lifecycle.rs"]
mod lifecycle;

#[path = "webview/attachments.rs"]
mod attachments;

#[path = "webview/inbox.rs"]
mod inbox;

#[path = "webview/hostile.rs"]
mod hostile;

#[path = "webview/window_process.rs"]
mod window_process;

#[path = "webview/a11y.rs"]
mod a11y;

#[path = "webview/confirm.rs"]
mod confirm;

#[path = "webview/revisions.rs"]
mod revisions;

#[path = "webview/deployed.rs"]
mod deployed;
#[path = "webview/history.rs"]
mod history;

#[path = "webview/language.rs"]
mod language;

#[path = "webview/conversation.rs"]
mod conversation;
