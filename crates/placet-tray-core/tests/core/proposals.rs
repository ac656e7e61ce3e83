//! A program's proposal is shown in its confirmation window and sent only on the
//! person's Confirm there, whatever the settings file says.

use placet_tray_core::door::Outcome;
use placet_tray_core::ipc::dispatch;
use placet_tray_core::notify::{InfoKey, NoticeKey};
use placet_tray_core::window::WindowKind;
use serde_json::json;

use crate::support::{outcome, World, QUIET};

/// The proposal opens its window and a notice that only opens it; nothing is sent until
/// the confirmation window's `proposal_decide`; then exactly the answer is.
#[tokio::test(flavor = "multi_thread")]
async fn only_the_window_s_confirm_sends() {
    let w = World::signed_in().await;
    let id = w
        .post("Name it", json!({"type": "text-input", "payload": {}}))
        .await;
    let reply = w
        .propose(&id, json!({"kind": "text", "text": " Aurora "}))
        .await;
    let n = w.confirmation_window().await;
    let notice = w.shown(&NoticeKey::Info(InfoKey::Confirm(n))).await;
    assert!(notice.actions.is_empty(), "{:?}", notice.actions);
    tokio::time::sleep(QUIET).await;
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "nothing before Confirm"
    );

    let confirm = WindowKind::Confirm { proposal: n };
    let view = dispatch(&w.ctx, &confirm, "proposal_get", json!({"id": n}))
        .await
        .expect("the window reads its proposal");
    assert_eq!(view["rows"][0]["value"], "Aurora", "{view}");
    assert!(
        view["proposer"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("pid {}", std::process::id())),
        "{view}"
    );
    let other = WindowKind::Confirm { proposal: n + 1 };
    assert!(
        dispatch(
            &w.ctx,
            &other,
            "proposal_decide",
            json!({"id": n, "confirm": true})
        )
        .await
        .is_err(),
        "another window cannot decide it"
    );
    dispatch(
        &w.ctx,
        &confirm,
        "proposal_decide",
        json!({"id": n, "confirm": true}),
    )
    .await
    .expect("the person confirms");
    assert!(matches!(outcome(reply).await, Outcome::Sent { .. }));
    let sent = w.responses(&id, 1).await;
    assert_eq!(sent[0].body, json!({"response": {"text": "Aurora"}}));
}

/// Closing the confirmation window cancels; a settings file that asks for unattended
/// answers changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_cancels_and_the_settings_file_cannot_skip_it() {
    let w = World::signed_in().await;
    let config = w.dir.join("config/config.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config).expect("saved settings")).unwrap();
    settings["cliUnattended"] = json!(true);
    std::fs::write(&config, settings.to_string()).unwrap();
    let id = w.approval("Close me").await;
    let reply = w
        .propose(&id, json!({"kind": "approval", "optionId": "approve"}))
        .await;
    let n = w.confirmation_window().await;
    tokio::time::sleep(QUIET).await;
    assert!(w.server.controls().responses_for(&id).is_empty());
    w.windows
        .close_by_person(WindowKind::Confirm { proposal: n });
    assert_eq!(outcome(reply).await, Outcome::Cancelled);
    assert!(w.server.controls().responses_for(&id).is_empty());
}

/// A dangerous option is refused at once (and shown); strict mode refuses any proposal;
/// a window that cannot be shown says so at once.
#[tokio::test(flavor = "multi_thread")]
async fn refusals_come_at_once() {
    let w = World::signed_in().await;
    let id = w.approval("Risky").await;
    let reply = w
        .propose(&id, json!({"kind": "approval", "optionId": "reject"}))
        .await;
    assert!(matches!(outcome(reply).await, Outcome::Opened { .. }));
    w.confirmation_window().await;

    *w.windows.fail_with.lock().unwrap() = Some("no web engine".into());
    let reply = w
        .propose(&id, json!({"kind": "approval", "optionId": "approve"}))
        .await;
    let o = outcome(reply).await;
    assert!(matches!(o, Outcome::CannotShow { .. }), "{o:?}");

    w.core
        .update_config(|c| c.answer_only_in_windows = true)
        .expect("saved");
    let reply = w
        .propose(&id, json!({"kind": "approval", "optionId": "approve"}))
        .await;
    assert!(matches!(outcome(reply).await, Outcome::Refused { .. }));
    tokio::time::sleep(QUIET).await;
    assert!(w.server.controls().responses_for(&id).is_empty());
}

/// A review answered elsewhere while its proposal waits ends the proposal.
#[tokio::test(flavor = "multi_thread")]
async fn a_review_answered_meanwhile_ends_the_proposal() {
    let w = World::signed_in().await;
    let id = w.approval("Meanwhile").await;
    let reply = w
        .propose(&id, json!({"kind": "approval", "optionId": "approve"}))
        .await;
    w.confirmation_window().await;
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
    assert!(matches!(outcome(reply).await, Outcome::Gone { .. }));
}
