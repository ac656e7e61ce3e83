//! The core on its own, against the dev server on loopback: reviews to notifications,
//! notification buttons and programs' proposals back to answers, reconnects and
//! restarts. No display: a recording notifier and fake window and tray hosts stand in
//! for the platform (`support`). Runs with `cargo test -p placet-tray-core`.

mod support;

mod accounts;
mod answers;
mod attention;
mod deployed;
mod layouts;
mod proposals;
mod replies;
mod resilience;
