//! Anyone on the session bus can send a signal, and a notification daemon's own command
//! line presses buttons for any program: only the daemon that shows our notifications is
//! listened to, a forged `NameOwnerChanged` does not make another program that daemon,
//! and a daemon that restarts (and numbers its notifications from 1 again) never has its
//! ids taken for the old one's.

use placet_e2e::{wait_seeing, NotificationServer, World, CEILING as T, QUIET};
use zbus::Connection;

/// Another program on the session bus, forging signals.
struct Forger {
    conn: Connection,
}

impl Forger {
    async fn start(bus: &str) -> Forger {
        let conn = zbus::connection::Builder::address(bus)
            .build()
            .await
            .expect("the forger connects");
        Forger { conn }
    }

    fn name(&self) -> String {
        self.conn
            .unique_name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    }

    /// `ActionInvoked(id, key)`, to everyone (`to: None`) or to one connection.
    async fn action(&self, to: Option<&str>, id: u32, key: &str) {
        self.conn
            .emit_signal(
                to,
                "/org/freedesktop/Notifications",
                "org.freedesktop.Notifications",
                "ActionInvoked",
                &(id, key),
            )
            .await
            .expect("the forged signal is sent");
    }

    /// `NameOwnerChanged` saying the notifications name moved to `new`.
    async fn owner_changed(&self, to: Option<&str>, old: &str, new: &str) {
        self.conn
            .emit_signal(
                to,
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "NameOwnerChanged",
                &("org.freedesktop.Notifications", old, new),
            )
            .await
            .expect("the forged signal is sent");
    }
}

/// Forged `ActionInvoked` for a shown review, broadcast and sent straight to the tray,
/// before and after a forged `NameOwnerChanged` (broadcast and direct) that names the
/// forger the daemon, answers nothing; the real daemon's press then still answers.
#[tokio::test(flavor = "multi_thread")]
async fn forged_signals_answer_nothing() {
    let mut w = World::start().await;
    w.running().await;
    let id = w.approval("Forge me?").await;
    let n = w.notification("Forge me?").await;
    let tray = n.sender.clone();
    let daemon = w.desktop.notifications().unique_name();
    let forger = Forger::start(w.desktop.bus_address()).await;

    forger.action(None, n.id, "option:approve").await;
    forger.action(Some(&tray), n.id, "option:approve").await;
    forger.owner_changed(None, &daemon, &forger.name()).await;
    forger
        .owner_changed(Some(&tray), &daemon, &forger.name())
        .await;
    forger.action(None, n.id, "option:approve").await;
    forger.action(Some(&tray), n.id, "option:approve").await;
    wait_seeing("the forgeries to be logged as ignored", T, || {
        let log = w.app_log();
        let ignored = log.contains("not from the daemon was ignored")
            && log.contains("NameOwnerChanged not from the bus was ignored");
        async move { ignored.then_some(()).ok_or(log) }
    })
    .await;
    // An absence: an answer would leave as soon as a forged press was taken.
    tokio::time::sleep(QUIET).await;
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "forged signals answered the review\n{}",
        w.app_log()
    );

    w.desktop
        .notifications()
        .invoke_action(n.id, "option:approve")
        .await;
    let sent = w.wait_responses(&id, 1).await;
    assert_eq!(
        sent[0].body,
        serde_json::json!({"response": {"selectedOption": "approve"}}),
        "the real daemon is still heard"
    );
}

/// A daemon that takes over (as one that restarted) numbers its notifications from 1:
/// the tray shows the pending review again with it, and withdrawing one review never
/// closes another's notification that the new daemon gave the same id.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_daemon_gets_its_own_ids() {
    let mut w = World::start().await;
    w.running().await;
    let first = w.approval("First review").await;
    let old = w.notification("First review").await;
    assert_eq!(old.id, 1, "the first daemon's first notification");

    let new = NotificationServer::take_over(w.desktop.bus_address())
        .await
        .expect("a new daemon takes the name over");
    let again = new
        .wait_for_notify(|n| n.body.contains("First review"), T)
        .await;
    assert_eq!(
        again.id, 1,
        "shown again by the new daemon, which starts at 1"
    );
    let second = w.approval("Second review").await;
    let other = new
        .wait_for_notify(|n| n.body.contains("Second review"), T)
        .await;

    // The first review is answered elsewhere: its notification (the new daemon's 1) goes,
    // the second review's stays.
    w.answer_elsewhere(
        &first,
        serde_json::json!({"selectedOption": "approve"}),
        None,
    )
    .await;
    new.wait_closed(again.id, T).await;
    // An absence: closing the wrong notification would come with closing the right one.
    tokio::time::sleep(QUIET).await;
    assert!(
        new.is_open(other.id),
        "the second review's notification is still shown: closes {:?}",
        new.close_requests()
    );
    new.invoke_action(other.id, "option:approve").await;
    let sent = w.wait_responses(&second, 1).await;
    assert_eq!(
        sent[0].body,
        serde_json::json!({"response": {"selectedOption": "approve"}}),
        "the new daemon's button answers its own review"
    );
}
