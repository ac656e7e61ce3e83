//! Socket.IO `/ws`: handshake auth, rooms, subscriptions, ping/pong, and which room
//! each server event goes to.

use serde_json::{json, Value};

use crate::support::{approval, joined, server, Api, TestSocket};

/// A ws-ticket connects; a bad token, a bad API key or no auth at all gets
/// `connect_error` "unauthorized" and never `connect`.
#[tokio::test]
async fn handshake_auth() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.disconnect().await;

    let full_jwt = TestSocket::connect(&api.base, json!({ "token": jwt })).await;
    assert!(
        full_jwt.is_ok(),
        "the 7-day JWT is accepted as auth.token too"
    );

    for auth in [
        json!({ "token": "not-a-jwt" }),
        json!({ "apiKey": format!("hp_{}", "0".repeat(48)) }),
        json!({ "apiKey": "sk_wrong_prefix", "token": jwt }),
        json!({}),
    ] {
        let error = TestSocket::connect(&api.base, auth.clone())
            .await
            .err()
            .unwrap_or_else(|| panic!("{auth} must be refused"));
        assert!(
            error.contains("unauthorized"),
            "connect_error says unauthorized for {auth}: {error}"
        );
    }
}

/// A JWT socket is in its user room at once; an API-key socket is in no room and gets
/// no `message:created` until it subscribes.
#[tokio::test]
async fn api_key_socket_joins_no_room() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key_socket = TestSocket::with_api_key(&api, &seed.admin().api_key).await;
    let sockets = server.controls().sockets();
    assert_eq!(sockets.len(), 1, "one socket");
    assert!(sockets[0].api_key, "authenticated by API key");
    assert!(
        sockets[0]
            .rooms
            .iter()
            .all(|r| !r.starts_with("user:") && !r.starts_with("channel:")),
        "API-key socket joins no room: {:?}",
        sockets[0].rooms
    );

    let posted = api
        .post_message(
            &seed.admin().api_key,
            json!({ "channelId": seed.deploy_bot().id, "text": "hi" }),
        )
        .await;
    key_socket.fence().await;
    assert!(
        key_socket.received("message:created", |_| true).is_empty(),
        "no message:created without a subscription"
    );

    key_socket
        .emit("subscribe:channel", json!(seed.deploy_bot().id))
        .await;
    joined(
        &server,
        &seed.admin().id,
        &format!("channel:{}", seed.deploy_bot().id),
    )
    .await;
    let second = api
        .post_message(
            &seed.admin().api_key,
            json!({ "channelId": seed.deploy_bot().id, "text": "again" }),
        )
        .await;
    let event = key_socket
        .expect("message:created", |m| m["id"] == second["id"])
        .await;
    assert_eq!(
        event["agentName"], "Deploy Bot",
        "agent messages carry agentName"
    );
    assert_ne!(posted["id"], second["id"], "two messages");
}

/// Subscribing to another user's agent silently does nothing: no room, no events.
#[tokio::test]
async fn subscribe_to_foreign_agent_is_ignored() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let foreign = seed.others_agent();
    socket.emit("subscribe:channel", json!(foreign.id)).await;
    socket
        .emit("subscribe:channel", json!(seed.deploy_bot().id))
        .await;
    joined(
        &server,
        &seed.admin().id,
        &format!("channel:{}", seed.deploy_bot().id),
    )
    .await;
    let rooms = server.controls().sockets()[0].rooms.clone();
    assert!(
        !rooms.contains(&format!("channel:{}", foreign.id)),
        "no room for a foreign agent: {rooms:?}"
    );

    let foreign_message = api
        .post_message(
            &seed.other().api_key,
            json!({ "channelId": foreign.id, "text": "private" }),
        )
        .await;
    socket.fence().await;
    assert!(
        socket
            .received("message:created", |m| m["id"] == foreign_message["id"])
            .is_empty(),
        "a foreign channel's message never reaches this user"
    );
}

/// A JWT socket subscribed to a channel is in both rooms of `message:created` and still
/// gets it exactly once; `unsubscribe:channel` leaves only the channel room.
#[tokio::test]
async fn message_created_once_for_both_rooms() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let channel = &seed.deploy_bot().id;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let posted = api
        .post_message(&seed.admin().api_key, approval(channel))
        .await;
    let event = socket
        .expect("message:created", |m| m["id"] == posted["id"])
        .await;
    socket.fence().await;
    assert_eq!(
        socket
            .received("message:created", |m| m["id"] == posted["id"])
            .len(),
        1,
        "exactly one copy"
    );
    assert_eq!(event["review"]["status"], "pending", "the full message");
    assert_eq!(event["attachments"], json!([]), "with attachments");
    assert_eq!(event["agentName"], "Deploy Bot", "and agentName");
    assert!(
        event.get("agent").is_none(),
        "no agent row in message:created"
    );

    socket.emit("unsubscribe:channel", json!(channel)).await;
    let room = format!("channel:{channel}");
    crate::support::eventually("the socket to leave the channel room", || async {
        let sockets = server.controls().sockets();
        (!sockets[0].rooms.contains(&room)).then_some(())
    })
    .await;
    assert!(
        server.controls().sockets()[0]
            .rooms
            .contains(&format!("user:{}", seed.admin().id)),
        "still in the user room"
    );
}

/// `ping` is answered with `pong` to the same socket only.
#[tokio::test]
async fn ping_pong() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let a = TestSocket::with_jwt(&api, &jwt).await;
    let b = TestSocket::with_jwt(&api, &jwt).await;
    a.fence().await;
    b.fence().await;
    a.fence().await;
    assert_eq!(a.received("pong", |_| true).len(), 2, "a got its two pongs");
    assert_eq!(b.received("pong", |_| true).len(), 1, "b only its own");
    assert_eq!(
        a.received("pong", |_| true)[0],
        Value::Null,
        "pong has no payload"
    );
}

/// A status ping is 201 with the masked agent; `agent:status` goes to the owner's user
/// room on every ping; `statusSince` moves only on a change, `lastActiveAt` every time;
/// another user's agent is 404 "Agent not found".
#[tokio::test]
async fn status_ping_and_agent_status() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let agent = &seed.agent("Research Assistant").unwrap().id;
    let jwt = api.login_user(server.seed().admin()).await;
    let user_socket = TestSocket::with_jwt(&api, &jwt).await;
    let key_socket = TestSocket::with_api_key(&api, key).await;
    key_socket.emit("subscribe:channel", json!(agent)).await;
    joined(&server, &seed.admin().id, &format!("channel:{agent}")).await;

    let (status, first) = api
        .agent_post(
            "/api/v1/status/ping",
            key,
            json!({ "agentId": agent, "status": "busy", "message": "Reading" }),
        )
        .await;
    assert_eq!(status, 201, "ping is 201 (no @HttpCode): {first}");
    assert!(first.get("ownerId").is_none(), "the masked agent");
    assert_eq!(first["status"], "busy", "status stored");
    assert_eq!(first["statusMessage"], "Reading", "message stored");
    let event = user_socket
        .expect("agent:status", |e| e["status"] == "busy")
        .await;
    assert_eq!(
        event,
        json!({ "agentId": agent, "status": "busy", "statusMessage": "Reading", "statusSince": first["statusSince"] }),
        "agent:status payload"
    );

    let (_, second) = api
        .agent_post(
            "/api/v1/status/ping",
            key,
            json!({ "agentId": agent, "status": "busy" }),
        )
        .await;
    assert_eq!(
        second["statusSince"], first["statusSince"],
        "same status keeps statusSince"
    );
    assert!(
        second["lastActiveAt"].as_str() >= first["lastActiveAt"].as_str(),
        "lastActiveAt moves on"
    );
    user_socket
        .expect("agent:status", |e| {
            e["status"] == "busy" && e["statusMessage"].is_null()
        })
        .await;

    let (_, third) = api
        .agent_post(
            "/api/v1/status/ping",
            key,
            json!({ "agentId": agent, "status": "active" }),
        )
        .await;
    assert_ne!(third["statusSince"], Value::Null, "statusSince set");
    user_socket
        .expect("agent:status", |e| e["status"] == "active")
        .await;
    key_socket.fence().await;
    assert!(
        key_socket.received("agent:status", |_| true).is_empty(),
        "agent:status goes to the user room only"
    );

    let (status, body) = api
        .agent_post(
            "/api/v1/status/ping",
            key,
            json!({ "agentId": agent, "status": "sleeping" }),
        )
        .await;
    assert_eq!(status, 400, "unknown status: {body}");
    let (status, body) = api
        .agent_post(
            "/api/v1/status/ping",
            key,
            json!({ "agentId": seed.others_agent().id, "status": "busy" }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["message"].clone()),
        (404, json!("Agent not found")),
        "foreign agent"
    );
}

/// `message:delta` from an agent socket is relayed unchanged to the channel room.
#[tokio::test]
async fn streaming_delta_is_relayed() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;
    let viewer = TestSocket::with_jwt(&api, &jwt).await;
    viewer.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;
    let agent = TestSocket::with_api_key(&api, &seed.admin().api_key).await;
    let delta = json!({ "channelId": channel, "delta": "Hel", "streamId": "s1" });
    agent.emit("message:delta", delta.clone()).await;
    let received = viewer.expect("message:delta", |_| true).await;
    assert_eq!(received, delta, "relayed unchanged");
}
