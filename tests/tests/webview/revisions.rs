//! Request changes, and the revision that answers it: "Request changes" on every review
//! type sends the web UI's dismissal with the person's feedback beside it; a revision
//! shows its earlier rounds, their answers (passwords as dots, though the server sends
//! them raw) and the feedback.

use placet_client::{Credential, RestClient, Secret, ServerUrl, ValidResponse};
use serde_json::{json, Value};

use placet_e2e::{ADMIN_EMAIL as EMAIL, ADMIN_PASSWORD as PASSWORD};

use crate::support::{text_of, wait_review_ready, WebviewWorld, T};

/// Each review type's window sends a request for changes: `{"_dismissed": true}` and the
/// feedback, exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_changes_on_each_review_type() {
    let world = WebviewWorld::signed_in().await;
    let reviews: [(&str, Value); 5] = [
        (
            "an approval",
            json!({"type": "approval", "payload": {"options": [{"id": "go", "label": "Go"}]}}),
        ),
        (
            "a selection",
            json!({"type": "selection", "payload": {"items": [{"id": "a", "label": "A"}]}}),
        ),
        (
            "a form",
            json!({"type": "form", "payload": {"fields": [{"name": "n", "type": "text", "label": "N"}]}}),
        ),
        ("a text input", json!({"type": "text-input", "payload": {}})),
        (
            "a freeform review",
            json!({"type": "freeform", "payload": {}}),
        ),
    ];
    let mut ids = Vec::new();
    for (text, review) in &reviews {
        ids.push(
            world
                .post_review(&format!("Changes to {text}?"), review.clone())
                .await,
        );
    }
    let s = world.open("inbox").await;
    let mut seen = vec![s.window_handle().await.expect("the inbox")];
    let inbox = seen[0].clone();
    for (id, (text, _)) in ids.iter().zip(&reviews) {
        s.switch_to(&inbox).await.expect("the inbox");
        s.execute(
            "window.__TAURI__.core.invoke('review_open', {id: arguments[0]})",
            json!([id]),
        )
        .await;
        let handle = s
            .wait_for_window("review", &seen, |u| u.contains(id.as_str()), T)
            .await;
        seen.push(handle);
        wait_review_ready(&s).await;
        s.wait_for("#request-changes summary", T)
            .await
            .click()
            .await;
        let feedback = format!("Please redo {text}: smaller steps.");
        s.wait_for("#feedback-text", T)
            .await
            .send_keys(&feedback)
            .await;
        s.wait_for("#send-feedback", T).await.click().await;
        assert_eq!(
            world.wait_response(id).await,
            json!({"response": {"_dismissed": true}, "feedback": feedback}),
            "{text}"
        );
    }
    s.quit().await;
}

/// A revision shows "Revision N" and every earlier round, folded but the latest: its
/// answer with the password as dots (the server's iterations carry it raw) and the
/// feedback that asked for the change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_shows_its_history_with_passwords_as_dots() {
    let world = WebviewWorld::signed_in().await;
    let form = json!({"type": "form", "payload": {"fields": [
        {"name": "host", "type": "text", "label": "Host"},
        {"name": "pw", "type": "password", "label": "Password"}
    ]}});
    let first = world
        .post_review("Credentials (round 1)?", form.clone())
        .await;
    let rest = RestClient::new(ServerUrl::parse(&world.server.base_url()).expect("a URL"));
    let (_, token) = rest
        .login(EMAIL, &Secret::new(PASSWORD))
        .await
        .expect("REST login");
    let rest = rest.authenticated(Credential::Jwt(token));
    let answer = json!({"host": "db-1", "pw": "hunter2"});
    rest.respond(
        &first,
        &ValidResponse::from_stored(answer.as_object().cloned().unwrap()),
        Some("Use the replica, not the primary."),
    )
    .await
    .expect("round 1 answered");
    let (status, second) = world
        .server
        .post_agent_message(
            &world.api_key(),
            json!({"channelId": world.deploy_bot(), "text": "Credentials (round 2)?",
                   "iterationOf": first, "review": form}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{second}");
    let second = second["id"].as_str().expect("an id").to_owned();

    let s = world.open_review(&second).await;
    assert!(
        text_of(&s, "#previous-title")
            .await
            .starts_with("Revision 2"),
        "the revision"
    );
    assert_eq!(
        text_of(&s, "#previous-feedback").await,
        "Use the replica, not the primary.",
        "the feedback that asked for it"
    );
    let shown: Value =
        serde_json::from_str(&text_of(&s, "#previous-response").await).expect("JSON");
    assert_eq!(
        shown,
        json!({"host": "db-1", "pw": "••••••••"}),
        "the password as dots"
    );
    let page = s
        .execute("return document.body.textContent", json!([]))
        .await;
    assert!(
        !page.as_str().unwrap_or_default().contains("hunter2"),
        "the password is nowhere on the page"
    );
    s.quit().await;
}
