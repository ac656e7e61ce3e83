//! What happens to a review after it arrived: the agent withdraws it, or our answer goes
//! out and reaches the agent; the open window follows.

use serde_json::json;

use crate::support::{
    artifact_screenshot, controls_disabled, text_of, wait_banner, wait_review_ready, WebviewWorld,
    T,
};

/// A review the agent deletes while its window is open: after the app's next re-sync
/// (here forced by dropping its socket), the window says "Withdrawn by the agent",
/// disables its controls, and nothing can be sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_review_says_so_and_sends_nothing() {
    let world = WebviewWorld::signed_in().await;
    let bot = world.deploy_bot();
    let id = world
        .post_review(
            "Rotate the database password (to be withdrawn)?",
            json!({
                "type": "approval",
                "payload": { "options": [{ "id": "rotate", "label": "Rotate" }], "allowComment": true },
                "expiresInSeconds": 3600
            }),
        )
        .await;
    let s = world.open_review(&id).await;
    assert!(!controls_disabled(&s).await, "pending: the controls work");
    s.wait_for("textarea", T)
        .await
        .send_keys("half a thought")
        .await;

    world.delete_as_agent(&id, &bot).await;
    // The server tells no one about a deletion; the app notices at its next re-sync,
    // which a reconnect brings at once.
    world.server.controls().kick_all().await;

    let text = wait_banner(&s, "Withdrawn by the agent").await;
    assert!(
        text.contains("can no longer be answered"),
        "the banner explains: {text}"
    );
    assert!(controls_disabled(&s).await, "the controls are disabled");
    assert_eq!(
        text_of(&s, "#expiry").await,
        "Withdrawn",
        "the header says so instead of a countdown"
    );
    assert_eq!(
        s.execute("return document.body.dataset.state", json!([]))
            .await,
        json!("withdrawn"),
        "the page's state"
    );
    let rotate = s.wait_for("[data-option='rotate']", T).await;
    assert!(!rotate.is_enabled().await, "the option cannot be clicked");
    artifact_screenshot(&s, "withdrawn").await;
    assert!(world.responses(&id).is_empty(), "nothing was sent");
    s.quit().await;
}

/// Our own answer is remembered: reopening an answered review shows where and when it
/// was answered and that it was sent; when the agent acknowledges it, the open window
/// says "delivered to the agent" without being reloaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decision_line_follows_the_answer_to_the_agent() {
    let mut world = WebviewWorld::signed_in().await;
    let bot = world.deploy_bot();
    let id = world
        .post_review(
            "Publish the release notes?",
            json!({
                "type": "approval",
                "payload": { "options": [{ "id": "publish", "label": "Publish" }, { "id": "hold", "label": "Hold" }] },
                "expiresInSeconds": 3600
            }),
        )
        .await;
    let s = world.open_review(&id).await;
    assert!(
        s.execute(
            "return document.getElementById('decision').hidden",
            json!([])
        )
        .await
            == json!(true),
        "no decision line before an answer"
    );
    let handle = s.window_handle().await.expect("the review window");
    s.wait_for("[data-option='publish']", T).await.click().await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "selectedOption": "publish" } }),
        "the answer reached the server"
    );
    s.wait_window_closed(&handle, T).await;
    s.quit().await;

    let s = world.reopen(&format!("review:{id}")).await;
    wait_review_ready(&s).await;
    let line = s
        .wait_script(
            "the decision line",
            "const d = document.getElementById('decision'); \
             return !d.hidden && d.dataset.outcome === 'sent' ? d.textContent : null",
            json!([]),
            T,
        )
        .await;
    let line = line.as_str().unwrap_or_default().to_owned();
    assert!(
        line.starts_with("Answered in the review window at ") && line.ends_with(" · sent"),
        "where, when and what became of it: {line}"
    );

    world.ack_as_agent(&id, &bot).await;
    let line = s
        .wait_script(
            "the decision line to say the agent has it",
            "const d = document.getElementById('decision'); \
             return d.textContent.endsWith('delivered to the agent') ? d.textContent : null",
            json!([]),
            T,
        )
        .await;
    assert!(
        line.as_str()
            .unwrap_or_default()
            .starts_with("Answered in the review window at "),
        "the same decision, now delivered: {line}"
    );
    assert_eq!(world.responses(&id).len(), 1, "reopening sent nothing more");
    artifact_screenshot(&s, "decision").await;
    s.quit().await;
}
