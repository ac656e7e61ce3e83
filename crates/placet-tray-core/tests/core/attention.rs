//! Never miss a decision, never nag: snoozes that come back (and survive a restart),
//! reminders that stop once the review is answered elsewhere, the desktop's Do Not
//! Disturb followed with one breakthrough for a review about to expire. Time is the
//! world's manual clock.

use chrono::Duration;
use placet_tray_core::attention::dnd::DndState;
use placet_tray_core::notify::{NoticeEvent, NoticeKey, NoticeKind, Response, Urgency};
use serde_json::json;

use crate::support::{until, World, QUIET, T};

/// How many times `key` was shown so far.
fn times_shown(w: &World, key: &NoticeKey) -> usize {
    let tag = key.tag();
    w.notifier
        .shown_keys()
        .iter()
        .filter(|k| **k == tag)
        .count()
}

/// Waits until `key` was shown `n` times.
async fn shown_times(w: &World, key: &NoticeKey, n: usize) {
    until(&format!("{key:?} shown {n} times"), || {
        (times_shown(w, key) >= n && w.notifier.is_open(key)).then_some(())
    })
    .await;
}

/// "Remind me in 15 min" withdraws the notification; it is listed as snoozed, stays away
/// through a restart of the tray, and comes back (with its sound, saying why) when the
/// clock reaches its time.
#[tokio::test(flavor = "multi_thread")]
async fn a_snoozed_review_comes_back_after_its_time_and_survives_a_restart() {
    let w = World::signed_in().await;
    let id = w.approval("Snooze me").await;
    let key = NoticeKey::Review(id.clone());
    let first = w.shown(&key).await;
    assert!(
        first.actions.iter().any(|a| a.id == "snooze:15m"),
        "{first:?}"
    );
    w.respond(NoticeEvent {
        key: key.clone(),
        response: Response::Action("snooze:15m".into()),
    });
    w.withdrawn(&key).await;
    let listed = w.attention.snoozes().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].message_id, id);
    assert_eq!(listed[0].agent, "Deploy Bot");
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "a snooze answers nothing"
    );

    let (server, dir, secrets) = w.quit().await;
    let w = World::on(server, dir, secrets).await;
    w.resume().await;
    w.wait_subscribed().await;
    let listed = tokio::time::timeout(T, async {
        loop {
            let list = w.attention.snoozes().await;
            if !list.is_empty() {
                return list;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the snooze after the restart");
    assert_eq!(listed[0].message_id, id, "kept across the restart");
    w.clock.advance(Duration::minutes(14));
    tokio::time::sleep(QUIET).await;
    assert_eq!(times_shown(&w, &key), 0, "not before its time");
    w.clock.advance(Duration::minutes(1));
    let back = w.shown(&key).await;
    assert!(back.sound, "it comes back with its sound");
    assert!(
        back.body.starts_with("You asked to be reminded."),
        "{}",
        back.body
    );
    assert!(w.attention.snoozes().await.is_empty());
}

/// A review left unanswered is raised again after thirty minutes ("Reminder: …"); once
/// answered elsewhere, no reminder comes any more.
#[tokio::test(flavor = "multi_thread")]
async fn a_reminder_comes_and_stops_after_an_answer_elsewhere() {
    let w = World::signed_in().await;
    let id = w.approval("Remind me").await;
    let key = NoticeKey::Review(id.clone());
    w.shown(&key).await;
    w.clock.advance(Duration::minutes(30));
    shown_times(&w, &key, 2).await;
    let reminder = w.notifier.last_shown(&key).expect("shown");
    assert!(
        reminder.title.starts_with("Reminder: "),
        "{}",
        reminder.title
    );
    assert!(
        reminder.body.starts_with("Still waiting for you"),
        "{}",
        reminder.body
    );

    let live = w.core.lives().into_iter().next().expect("signed in");
    let response = placet_client::ValidResponse::from_stored(
        json!({"selectedOption": "approve"})
            .as_object()
            .cloned()
            .unwrap(),
    );
    live.rest
        .respond(&id, &response, None)
        .await
        .expect("answered elsewhere");
    w.withdrawn(&key).await;
    w.clock.advance(Duration::minutes(30));
    tokio::time::sleep(QUIET).await;
    w.clock.advance(Duration::minutes(30));
    tokio::time::sleep(QUIET).await;
    assert_eq!(times_shown(&w, &key), 2, "no reminder after the answer");
    assert!(!w.notifier.is_open(&key));
}

/// While the desktop says Do Not Disturb, a new review shows no banner (the inbox still
/// has it); a review expiring within ten minutes breaks through at once, critical, once,
/// and says so; when Do Not Disturb ends, the held review is shown.
#[tokio::test(flavor = "multi_thread")]
async fn do_not_disturb_holds_reviews_and_an_expiring_one_breaks_through_once() {
    let w = World::signed_in().await;
    w.attention
        .dnd_reporter()
        .send_replace(DndState::on("a test desktop"));
    let held = w.approval("Held in DND").await;
    let held_key = NoticeKey::Review(held.clone());
    until("the review in the inbox", || {
        w.core
            .lives()
            .into_iter()
            .next()?
            .inbox
            .get(&held)
            .map(|_| ())
    })
    .await;
    let soon = w
        .post(
            "Expiring in DND",
            json!({"type": "approval", "expiresInSeconds": 300, "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"}
            ]}}),
        )
        .await;
    let soon_key = NoticeKey::Review(soon.clone());
    let broke = w.shown(&soon_key).await;
    assert_eq!(broke.urgency, Urgency::Critical);
    assert_eq!(broke.kind, NoticeKind::Decision);
    assert!(
        broke.body.contains("shown despite Do Not Disturb"),
        "{}",
        broke.body
    );
    tokio::time::sleep(QUIET).await;
    assert_eq!(times_shown(&w, &held_key), 0, "no banner in DND");
    w.clock.advance(Duration::minutes(2));
    tokio::time::sleep(QUIET).await;
    assert_eq!(times_shown(&w, &soon_key), 1, "it broke through once");

    w.attention.dnd_reporter().send_replace(DndState::off());
    let shown = w.shown(&held_key).await;
    assert_eq!(shown.urgency, Urgency::Normal);
    assert!(shown.sound);
}

/// A review its agent marks urgent (`status: "error"`) is critical; an ordinary one is
/// normal; an agent's message is a message.
#[tokio::test(flavor = "multi_thread")]
async fn urgency_follows_the_review() {
    let w = World::signed_in().await;
    let normal = w.approval("Ordinary").await;
    let n = w.shown(&NoticeKey::Review(normal)).await;
    assert_eq!((n.urgency, n.kind), (Urgency::Normal, NoticeKind::Decision));
    let (status, m) = w
        .server
        .post_agent_message(
            &w.server.seed().admin().api_key,
            json!({"channelId": w.server.seed().deploy_bot().id, "text": "Stuck: the migration failed",
                   "status": "error",
                   "review": {"type": "approval", "payload": {"options": [
                       {"id": "retry", "label": "Retry", "style": "primary"}]}}}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    let id = m["id"].as_str().expect("an id").to_owned();
    let u = w.shown(&NoticeKey::Review(id)).await;
    assert_eq!(u.urgency, Urgency::Critical);
    assert!(
        u.body.starts_with("Marked urgent by the agent."),
        "{}",
        u.body
    );
}
