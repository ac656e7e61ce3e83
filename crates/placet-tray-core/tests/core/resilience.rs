//! Reconnects and restarts lose nothing and double nothing.

use placet_tray_core::notify::NoticeKey;

use crate::support::World;

/// A review posted while the socket was kicked out is found by the re-sync after the
/// reconnect, and notified.
#[tokio::test(flavor = "multi_thread")]
async fn a_review_missed_while_away_is_notified_after_the_reconnect() {
    let w = World::signed_in().await;
    let controls = w.server.controls();
    controls.refuse_handshakes(std::time::Duration::from_secs(2));
    controls.kick_all().await;
    let id = w.approval("While away").await;
    w.shown(&NoticeKey::Review(id)).await;
}

/// An answer given while the server is down stays queued through a restart of the tray
/// and is delivered exactly once when the server is back.
#[tokio::test(flavor = "multi_thread")]
async fn a_queued_answer_survives_a_restart() {
    let w = World::signed_in().await;
    let id = w.approval("Queued").await;
    w.shown(&NoticeKey::Review(id.clone())).await;
    w.answer_while_away(&id).await;
    let (server, dir, secrets) = w.quit().await;

    let w = World::on(server, dir, secrets).await;
    w.queued_answer_delivered_once(&id).await;
}
