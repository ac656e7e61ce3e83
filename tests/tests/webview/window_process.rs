//! The line between the windows and the tray: every command arrives with the window
//! that sent it, and the tray answers a window only what that window is for.

use serde_json::{json, Value};

use crate::support::{WebviewWorld, T};

/// Calls a command from the page, as a script in it could; returns `{ok}` or `{err}`.
async fn invoke(s: &placet_e2e::webdriver::Session, cmd: &str, args: Value) -> Value {
    s.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI__.core.invoke(arguments[0], arguments[1])
           .then((ok) => done({ ok: ok === undefined ? null : ok }), (err) => done({ err }));",
        json!([cmd, args]),
    )
    .await
}

/// A script in a review window that asks for another review, answers another review
/// (even its safe option), signs out or changes settings is refused, and nothing
/// reaches the server; the window's own review still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_window_may_only_touch_its_own_review() {
    let world = WebviewWorld::signed_in().await;
    let options = json!([
        { "id": "ship", "label": "Ship", "style": "primary" },
        { "id": "drop", "label": "Drop it", "style": "danger" }
    ]);
    let review =
        json!({"type": "approval", "payload": {"options": options}, "expiresInSeconds": 3600});
    let own = world.post_review("Mine to answer?", review.clone()).await;
    let other = world
        .post_review("Drop the production database?", review)
        .await;
    let s = world.open_review(&own).await;

    let got = invoke(&s, "review_get", json!({ "id": other })).await;
    assert_eq!(got["err"]["code"], "notAllowed", "another review: {got}");
    for option in ["ship", "drop"] {
        let got = invoke(
            &s,
            "review_respond",
            json!({ "id": other, "answer": { "kind": "approval", "optionId": option } }),
        )
        .await;
        assert_eq!(
            got["err"]["code"], "notAllowed",
            "answering another review: {got}"
        );
    }
    for (cmd, args) in [
        ("sign_out", json!({ "queued": "discard" })),
        ("settings_set", json!({ "settings": {} })),
        (
            "sign_in",
            json!({ "server": "http://127.0.0.1:9", "email": "x", "password": "y" }),
        ),
    ] {
        let got = invoke(&s, cmd, args).await;
        assert!(
            got.get("err").is_some() && got.get("ok").is_none(),
            "{cmd} from a review window: {got}"
        );
    }
    assert!(
        world.responses(&other).is_empty(),
        "nothing reached the server for the other review"
    );

    let got = invoke(&s, "review_get", json!({ "id": own })).await;
    assert_eq!(got["ok"]["id"], own.as_str(), "its own review: {got}");
    let admin = world.server.seed().admin().id.clone();
    let controls = world.server.controls();
    placet_e2e::wait_for("the tray to stay signed in", T, || {
        let connected = controls
            .sockets()
            .iter()
            .any(|s| s.user_id == admin && !s.api_key);
        async move { connected.then_some(()) }
    })
    .await;
    s.quit().await;
}
