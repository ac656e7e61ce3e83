//! A review becomes a notification; its buttons answer what a button may answer.

use placet_tray_core::notify::{NoticeEvent, NoticeKey, Response};
use placet_tray_core::window::WindowKind;
use serde_json::json;

use crate::support::{World, QUIET};

/// An approval's notification offers its options; the safe one's button sends exactly
/// `{"selectedOption": "approve"}`, and the notification is withdrawn.
#[tokio::test(flavor = "multi_thread")]
async fn a_button_answers_and_the_notification_goes() {
    let w = World::signed_in().await;
    let id = w.approval("Deploy v2?").await;
    let key = NoticeKey::Review(id.clone());
    let notice = w.shown(&key).await;
    let actions: Vec<&str> = notice.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        actions,
        ["option:approve", "option:reject", "snooze:15m", "snooze:1h"],
        "the options, then the snooze buttons"
    );
    w.respond(NoticeEvent {
        key: key.clone(),
        response: Response::Action("option:approve".into()),
    });
    let sent = w.responses(&id, 1).await;
    assert_eq!(
        sent[0].body,
        json!({"response": {"selectedOption": "approve"}})
    );
    w.withdrawn(&key).await;
}

/// A dangerous option's button sends nothing: it opens the review's window with the
/// option pointed out.
#[tokio::test(flavor = "multi_thread")]
async fn a_danger_button_opens_the_window() {
    let w = World::signed_in().await;
    let id = w.approval("Drop it?").await;
    let key = NoticeKey::Review(id.clone());
    w.shown(&key).await;
    w.respond(NoticeEvent {
        key,
        response: Response::Action("option:reject".into()),
    });
    crate::support::until("the review's window", || {
        w.windows
            .opened()
            .contains(&(WindowKind::review(&id), Some("reject".to_owned())))
            .then_some(())
    })
    .await;
    tokio::time::sleep(QUIET).await;
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "nothing sent"
    );
}

/// With "answer only in Placet Tray's windows", a review's notification has no answer
/// buttons, and a press of one anyway (a forged action) opens the window.
#[tokio::test(flavor = "multi_thread")]
async fn strict_mode_takes_the_buttons_off() {
    let w = World::signed_in().await;
    w.core
        .update_config(|c| c.answer_only_in_windows = true)
        .expect("saved");
    let id = w.approval("Strict?").await;
    let key = NoticeKey::Review(id.clone());
    let notice = w.shown(&key).await;
    assert!(
        notice.actions.iter().all(|a| a.id.starts_with("snooze:")),
        "no answer button, only snoozes: {:?}",
        notice.actions
    );
    assert!(notice.reply.is_none());
    w.respond(NoticeEvent {
        key,
        response: Response::Action("option:approve".into()),
    });
    crate::support::until("the review's window", || {
        w.windows
            .opened()
            .iter()
            .any(|(k, _)| *k == WindowKind::review(&id))
            .then_some(())
    })
    .await;
    tokio::time::sleep(QUIET).await;
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "nothing sent"
    );
}

/// A review answered elsewhere withdraws its notification; a button pressed after that
/// sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn answered_elsewhere_withdraws() {
    let w = World::signed_in().await;
    let id = w.approval("Elsewhere?").await;
    let key = NoticeKey::Review(id.clone());
    w.shown(&key).await;
    let live = w.core.lives().into_iter().next().expect("signed in");
    let response = placet_client::ValidResponse::from_stored(
        json!({"selectedOption": "reject"})
            .as_object()
            .cloned()
            .unwrap(),
    );
    live.rest
        .respond(&id, &response, None)
        .await
        .expect("answered elsewhere");
    w.withdrawn(&key).await;
    w.respond(NoticeEvent {
        key,
        response: Response::Action("option:approve".into()),
    });
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        w.server.controls().responses_for(&id).len(),
        1,
        "only the other answer"
    );
}
