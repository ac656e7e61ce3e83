//! Reconnects and restarts lose nothing and double nothing.

use placet_tray_core::ipc::dispatch;
use placet_tray_core::notify::NoticeKey;
use placet_tray_core::window::WindowKind;
use serde_json::json;

use crate::support::{World, T};

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
    w.server.stop().await;
    let mut deliveries = w.core.live().expect("signed in").outbox.subscribe();
    dispatch(
        &w.ctx,
        &WindowKind::review(&id),
        "review_respond",
        json!({"id": id, "answer": {"kind": "approval", "optionId": "approve"}}),
    )
    .await
    .expect("queued");
    assert_eq!(w.core.queued_answers().await.expect("the outbox"), 1);
    // Quit once the first attempt has failed (the server is away): a tray killed in the
    // middle of an attempt leaves its claim on the answer, which a later tray waits out
    // (a minute) so that no answer is ever sent twice; that wait is not this test's.
    tokio::time::timeout(T, async {
        loop {
            if let Ok(placet_client::Delivery::WillRetry { .. }) = deliveries.recv().await {
                return;
            }
        }
    })
    .await
    .expect("the first attempt fails while the server is away");
    let (server, dir, secrets) = w.quit().await;

    let w = World::on(server, dir, secrets).await;
    w.core
        .resume()
        .await
        .expect("resumed")
        .expect("signed in again");
    w.server.restart().await.expect("the server is back");
    let sent = w.responses(&id, 1).await;
    assert_eq!(
        sent[0].body,
        json!({"response": {"selectedOption": "approve"}})
    );
    tokio::time::timeout(T, async {
        while w.core.queued_answers().await.unwrap_or(1) > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the outbox empties");
    assert_eq!(
        w.server.controls().responses_for(&id).len(),
        1,
        "exactly once"
    );
}
