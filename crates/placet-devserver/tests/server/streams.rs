//! Streaming drafts: PATCH, status steps, the re-POST rule and the stale-stream job.

use std::time::Duration;

use placet_devserver::DevServerConfig;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{joined, server, server_with, Api, TestSocket};

fn draft(channel: &str, stream: &str, text: &str) -> Value {
    json!({ "channelId": channel, "text": text, "streamId": stream, "streamState": "streaming" })
}

async fn patch(api: &Api, key: &str, stream: &str, body: Value) -> (StatusCode, Value) {
    api.send(
        Method::PATCH,
        &format!("/api/v1/messages/streams/{stream}"),
        None,
        Some(key),
        Some(body),
    )
    .await
}

/// A draft is created by POST, its text replaced by each PATCH (`message:updated` with
/// `agentName` to both the channel and the owner room, once each), finished by
/// `complete: true`; a PATCH for an unknown stream is 404, for another user's channel 403.
#[tokio::test]
async fn patch_replaces_and_completes() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;
    let user = TestSocket::with_jwt(&api, &jwt).await;
    let subscriber = TestSocket::with_api_key(&api, key).await;
    subscriber.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let created = api.post_message(key, draft(channel, "s-1", "Hel")).await;
    assert_eq!(created["streamId"], "s-1", "streamId stored");
    assert_eq!(created["streamState"], "streaming", "streamState stored");

    let (status, updated) = patch(
        &api,
        key,
        "s-1",
        json!({ "channelId": channel, "text": "Hello, wor" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "PATCH is 200: {updated}");
    assert_eq!(updated["id"], created["id"], "same draft");
    assert_eq!(updated["text"], "Hello, wor", "text replaced, not appended");
    assert_eq!(updated["streamState"], "streaming", "still streaming");
    for socket in [&user, &subscriber] {
        let event = socket
            .expect("message:updated", |m| m["text"] == "Hello, wor")
            .await;
        assert_eq!(event["agentName"], "Deploy Bot", "with agentName");
        assert_eq!(event["id"], created["id"], "the draft");
    }

    let (_, done) = patch(
        &api,
        key,
        "s-1",
        json!({ "channelId": channel, "text": "Hello, world", "complete": true }),
    )
    .await;
    assert_eq!(done["streamState"], "complete", "complete: true finishes");
    let (_, ignored) = patch(
        &api,
        key,
        "s-1",
        json!({ "channelId": channel, "text": "Hello, world!", "streamState": "streaming" }),
    )
    .await;
    assert_eq!(
        (ignored["text"].clone(), ignored["streamState"].clone()),
        (json!("Hello, world!"), json!("complete")),
        "a streamState other than aborted is ignored, the text still replaced"
    );
    user.expect("message:updated", |m| m["text"] == "Hello, world!")
        .await;
    user.fence().await;
    subscriber.fence().await;
    for socket in [&user, &subscriber] {
        assert_eq!(
            socket
                .received("message:updated", |m| m["text"] == "Hello, wor")
                .len(),
            1,
            "one copy per socket"
        );
    }

    let (status, body) = patch(
        &api,
        key,
        "nope",
        json!({ "channelId": channel, "text": "x" }),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            StatusCode::NOT_FOUND,
            json!("No streaming draft for this (channelId, streamId)")
        ),
        "unknown stream"
    );
    let (status, _) = patch(
        &api,
        key,
        "s-1",
        json!({ "channelId": seed.others_agent().id, "text": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "foreign channel");
    let (status, body) = patch(&api, key, "s-1", json!({ "channelId": channel })).await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("Validation failed")),
        "text is required"
    );
}

/// A re-POST with an existing `streamId` returns the draft unchanged and emits nothing;
/// only `streamState: "aborted"` on a `streaming` draft aborts it (text replaced,
/// `message:updated`); an abort of a finished draft changes nothing. The same holds for
/// a `clientId` replay.
#[tokio::test]
async fn repost_returns_the_draft_unless_it_aborts() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;
    let user = TestSocket::with_jwt(&api, &jwt).await;

    let created = api.post_message(key, draft(channel, "s-2", "first")).await;
    let (status, replay) = api
        .agent_post("/api/v1/messages", key, draft(channel, "s-2", "second"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "a replay is still 201");
    assert_eq!(replay, created, "the existing draft, unchanged");

    let mut abort = draft(channel, "s-2", "cut short");
    abort["streamState"] = json!("aborted");
    let (_, aborted) = api.agent_post("/api/v1/messages", key, abort.clone()).await;
    assert_eq!(aborted["id"], created["id"], "same row");
    assert_eq!(aborted["streamState"], "aborted", "aborted");
    assert_eq!(aborted["text"], "cut short", "text replaced");
    let event = user
        .expect("message:updated", |m| m["streamState"] == "aborted")
        .await;
    assert_eq!(event["agentName"], "Deploy Bot", "agentName");

    let (_, again) = api.agent_post("/api/v1/messages", key, abort).await;
    assert_eq!(again, aborted, "aborting an aborted draft changes nothing");

    let mut by_client = json!({ "channelId": channel, "text": "typing", "clientId": "c-9",
        "streamState": "streaming" });
    let first = api.post_message(key, by_client.clone()).await;
    by_client["streamState"] = json!("aborted");
    by_client["text"] = json!("stopped");
    let (_, aborted) = api.agent_post("/api/v1/messages", key, by_client).await;
    assert_eq!(
        (aborted["id"].clone(), aborted["streamState"].clone()),
        (first["id"].clone(), json!("aborted")),
        "a clientId replay can abort a streaming message too"
    );

    user.fence().await;
    assert_eq!(
        user.received("message:created", |m| m["id"] == created["id"])
            .len(),
        1,
        "replays create nothing"
    );
    assert_eq!(
        user.received("message:updated", |m| m["id"] == created["id"])
            .len(),
        1,
        "only the abort emitted"
    );
}

/// Status steps: 201 with `{id, channelId, streamId, index, text, toolHint, createdAt}`,
/// indexes from 0 per stream, also before the draft exists; `message:status` to the
/// channel and owner rooms; both message lists show them as `statusEvents`.
#[tokio::test]
async fn status_steps() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;
    let user = TestSocket::with_jwt(&api, &jwt).await;
    let step = |text: &str| json!({ "channelId": channel, "text": text });

    let (status, first) = api
        .agent_post(
            "/api/v1/messages/streams/s-3/status",
            key,
            step("Reading foo.rs"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "201: {first}");
    assert_eq!(first["index"], 0, "first index");
    assert_eq!(first["toolHint"], false, "toolHint defaults to false");
    assert_eq!(first["streamId"], "s-3", "streamId");
    let mut second = step("Searching");
    second["toolHint"] = json!(true);
    let (_, second) = api
        .agent_post("/api/v1/messages/streams/s-3/status", key, second)
        .await;
    assert_eq!(second["index"], 1, "next index");
    let event = user.expect("message:status", |e| e["index"] == 1).await;
    assert_eq!(event, second, "message:status carries the event");

    let (status, body) = api
        .agent_post("/api/v1/messages/streams/s-3/status", key, step(""))
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("Validation failed")),
        "text min 1"
    );

    let created = api.post_message(key, draft(channel, "s-3", "Done")).await;
    let (_, page) = api
        .agent_get(&format!("/api/v1/messages?channel={channel}"), key)
        .await;
    let listed = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == created["id"])
        .unwrap();
    assert_eq!(
        listed["statusEvents"],
        json!([first, second]),
        "agent list joins the steps by streamId"
    );
    let (_, page) = api
        .get(&format!("/api/messages?channel={channel}"), &jwt)
        .await;
    assert_eq!(
        page["data"][0]["statusEvents"].as_array().unwrap().len(),
        2,
        "human list too"
    );
}

/// The stale-stream job aborts drafts silent for longer than `stale_stream_after`, with
/// `message:updated` (no `agentName`) to the channel room only; finished drafts and
/// fresh ones stay. The control runs it at once; the job runs on its own tick.
#[tokio::test]
async fn stale_streams_are_aborted() {
    let server = server_with(DevServerConfig {
        stream_cleanup_tick: Duration::from_secs(3600),
        stale_stream_after: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;
    let user_only = TestSocket::with_jwt(&api, &jwt).await;
    let subscriber = TestSocket::with_api_key(&api, key).await;
    subscriber.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let stale = api.post_message(key, draft(channel, "old", "half")).await;
    let mut finished = draft(channel, "done", "all");
    finished["streamState"] = json!("complete");
    api.post_message(key, finished).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let fresh = api.post_message(key, draft(channel, "new", "just")).await;

    let aborted = server.controls().abort_stale_streams().await;
    assert_eq!(
        aborted,
        vec![stale["id"].as_str().unwrap().to_owned()],
        "only the stale draft"
    );
    let event = subscriber
        .expect("message:updated", |m| m["id"] == stale["id"])
        .await;
    assert_eq!(event["streamState"], "aborted", "aborted");
    assert!(
        event.get("agentName").is_none(),
        "no agentName from the job"
    );
    user_only.fence().await;
    assert!(
        user_only.received("message:updated", |_| true).is_empty(),
        "the owner room is not told"
    );
    assert_eq!(
        server.message(fresh["id"].as_str().unwrap()).unwrap()["streamState"],
        "streaming",
        "a fresh draft stays"
    );
    server.shutdown().await;

    let server = server_with(DevServerConfig {
        stream_cleanup_tick: Duration::from_millis(100),
        stale_stream_after: Duration::from_millis(200),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let seed = server.seed();
    let draft = api
        .post_message(
            &seed.admin().api_key,
            draft(&seed.deploy_bot().id, "t", "x"),
        )
        .await;
    let id = draft["id"].as_str().unwrap().to_owned();
    crate::support::eventually("the job to abort the draft", || async {
        (server.message(&id).unwrap()["streamState"] == "aborted").then_some(())
    })
    .await;
}

/// A review can be streamed like any message: PATCHing its text emits `message:updated`
/// and leaves the review pending, answerable as before.
#[tokio::test]
async fn streamed_review_text_edit() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;
    let user = TestSocket::with_jwt(&api, &jwt).await;
    let mut body = crate::support::approval(channel);
    body["streamId"] = json!("r-1");
    body["streamState"] = json!("streaming");
    let review = api.post_message(key, body).await;
    let (_, edited) = patch(
        &api,
        key,
        "r-1",
        json!({ "channelId": channel, "text": "Deploy v2?", "complete": true }),
    )
    .await;
    assert_eq!(edited["review"]["status"], "pending", "still pending");
    let event = user
        .expect("message:updated", |m| m["id"] == review["id"])
        .await;
    assert_eq!(event["text"], "Deploy v2?", "new text announced");
    let (status, _) = api
        .post(
            &format!("/api/messages/{}/respond", review["id"].as_str().unwrap()),
            &jwt,
            json!({ "response": { "selectedOption": "approve" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "answerable after the edit");
}
