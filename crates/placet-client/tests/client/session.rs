use std::time::Duration;

use placet_client::inbox::{AnsweredBy, InboxChange};
use placet_client::{Answer, Credential, Inbox, RestClient, Secret, Session, SessionState};
use serde_json::json;

use crate::support::{
    admin, approval, assert_no_change, choose, connected, create_agent, fast, post, server, url,
    wait_added, wait_change, wait_state, Fixture,
};

/// Connecting with a fresh ticket lists pending reviews and receives new ones, once.
#[tokio::test]
async fn connects_syncs_and_gets_each_review_once() {
    let server = server().await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let before = post(&server, approval(&agent, "waiting before connect")).await;
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = connected(&rest, &inbox).await;
    assert!(
        inbox.get(&before).is_some(),
        "the re-sync found the earlier review"
    );
    assert_eq!(
        inbox.agents().len(),
        server.seed().agents_of(&server.seed().admin().id).len()
    );

    let id = post(&server, approval(&agent, "Deploy v3?")).await;
    let added = wait_change(
        &mut changes,
        "added",
        |c| matches!(c, InboxChange::Added(m) if m.id == id),
    )
    .await;
    let InboxChange::Added(m) = added else {
        unreachable!()
    };
    assert_eq!(m.agent_name.as_deref(), Some("Deploy Bot"));
    assert_no_change(
        &mut changes,
        Duration::from_millis(600),
        "second Added",
        |c| matches!(c, InboxChange::Added(m) if m.id == id),
    )
    .await;
    session.shutdown().await;
}

/// Responding over REST brings `review:responded` (channel room): we were subscribed.
#[tokio::test]
async fn respond_then_review_responded() {
    let mut f = Fixture::start().await;
    let id = f.review("Approve?").await;

    // Another client (the web UI) answers.
    let other_client = admin(&f.server).await;
    let review = f.inbox.get(&id).unwrap().review.clone().unwrap();
    let response = review
        .validate(&Answer::Approval {
            option_id: "reject".into(),
            comment: None,
        })
        .unwrap();
    other_client.respond(&id, &response, None).await.unwrap();
    let change = wait_change(
        &mut f.changes,
        "answered",
        |c| matches!(c, InboxChange::Answered { message_id, .. } if *message_id == id),
    )
    .await;
    assert_eq!(
        change,
        InboxChange::Answered {
            message_id: id.clone(),
            by: AnsweredBy::Elsewhere,
            response: Some(json!({"selectedOption": "reject"}))
        }
    );
    assert!(f.inbox.get(&id).is_none());
    f.session.shutdown().await;
}

/// The server's expiry job sends `review:expired` and the review leaves the inbox.
#[tokio::test]
async fn expiry_gives_review_expired() {
    let mut f = Fixture::start().await;
    let mut body = approval(&f.agent, "short-lived");
    body["review"]["expiresInSeconds"] = json!(1);
    let id = post(&f.server, body).await;
    wait_added(&mut f.changes, &id).await;
    wait_change(
        &mut f.changes,
        "expired",
        |c| matches!(c, InboxChange::Expired { message_id } if *message_id == id),
    )
    .await;
    assert!(f.inbox.is_finished(&id));
    f.session.shutdown().await;
}

/// After every socket is kicked and handshakes are refused for a while, the session
/// reconnects, re-subscribes, and finds the review created while it was down.
#[tokio::test]
async fn reconnects_after_a_kick_and_resyncs() {
    let mut f = Fixture::start().await;
    let mut state = f.session.watch();

    f.server
        .controls()
        .refuse_handshakes(Duration::from_millis(1500));
    f.server.controls().kick_all().await;
    wait_state(&mut state, "reconnecting", |s| {
        matches!(
            s,
            SessionState::Reconnecting { .. } | SessionState::Offline { .. }
        )
    })
    .await;
    let while_down = post(&f.server, approval(&f.agent, "posted while disconnected")).await;
    let added = wait_change(
        &mut f.changes,
        "review from while down",
        |c| matches!(c, InboxChange::Added(m) if m.id == while_down),
    )
    .await;
    assert!(matches!(added, InboxChange::Added(_)));
    wait_state(&mut state, "connected again", SessionState::is_connected).await;

    // Re-subscribed: a channel-only event arrives on the new socket.
    admin(&f.server)
        .await
        .respond(&while_down, &choose("approve"), None)
        .await
        .unwrap();
    wait_change(
        &mut f.changes,
        "review:responded after reconnect",
        |c| matches!(c, InboxChange::Answered { message_id, .. } if *message_id == while_down),
    )
    .await;
    f.session.shutdown().await;
}

/// The server going away and coming back on the same port is survived.
#[tokio::test]
async fn survives_a_server_restart() {
    let mut f = Fixture::start().await;
    let mut state = f.session.watch();
    f.server.stop().await;
    let down = wait_state(&mut state, "offline", |s| !s.is_connected()).await;
    assert!(!matches!(down, SessionState::AuthExpired), "{down:?}");
    f.server.restart().await.expect("restart on the same port");
    wait_state(&mut state, "connected again", SessionState::is_connected).await;
    let id = post(&f.server, approval(&f.agent, "after restart")).await;
    wait_change(
        &mut f.changes,
        "review after restart",
        |c| matches!(c, InboxChange::Added(m) if m.id == id),
    )
    .await;
    f.session.shutdown().await;
}

/// When the JWT stops being accepted (ws-ticket 401), the state is `AuthExpired`.
#[tokio::test]
async fn invalid_sign_in_is_auth_expired() {
    let server = server().await;
    let rest = admin(&server).await;
    let inbox = Inbox::new();
    let session = connected(&rest, &inbox).await;
    let mut state = session.watch();
    server.controls().invalidate_tokens();
    server.controls().kick_all().await;
    wait_state(&mut state, "auth expired", |s| {
        *s == SessionState::AuthExpired
    })
    .await;
    session.shutdown().await;
}

/// A refused API key in the handshake (`connect_error "unauthorized"`) is `AuthExpired`.
#[tokio::test]
async fn bad_api_key_gets_connect_error() {
    let server = server().await;
    let rest = RestClient::new(url(&server)).authenticated(Credential::ApiKey(Secret::new(
        format!("hp_{}", "0".repeat(48)),
    )));
    let session = Session::start(rest, Inbox::new(), fast());
    wait_state(&mut session.watch(), "auth expired", |s| {
        *s == SessionState::AuthExpired
    })
    .await;
    session.shutdown().await;
}

/// Watch-only mode with an API key connects, subscribes and receives reviews.
#[tokio::test]
async fn api_key_session_watches() {
    let server = server().await;
    let key = server.seed().admin().api_key.clone();
    let agent = server.seed().deploy_bot().id.clone();
    let rest = RestClient::new(url(&server)).authenticated(Credential::ApiKey(Secret::new(key)));
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = connected(&rest, &inbox).await;
    let id = post(&server, approval(&agent, "watch me")).await;
    wait_change(
        &mut changes,
        "added by key",
        |c| matches!(c, InboxChange::Added(m) if m.id == id),
    )
    .await;
    session.shutdown().await;
}

/// Another user's reviews never reach us, even if we try to subscribe to their agent.
#[tokio::test]
async fn another_users_agent_cannot_be_subscribed() {
    use futures_util::FutureExt;
    let server = server().await;
    let rest = admin(&server).await;
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = connected(&rest, &inbox).await;

    // A raw socket of ours that asks to join the other user's channel.
    let others = server.seed().others_agent().id.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let ticket = rest.ws_ticket().await.unwrap();
    let joined = tokio::sync::mpsc::unbounded_channel::<()>();
    let (jtx, mut jrx) = joined;
    let others_for_cb = others.clone();
    let socket =
        rust_socketio::asynchronous::ClientBuilder::new(url(&server).join("socket.io/").as_str())
            .namespace("/ws")
            .transport_type(rust_socketio::TransportType::Websocket)
            .reconnect(false)
            .auth(json!({"token": ticket.expose()}))
            .on(rust_socketio::Event::Connect, move |_, c| {
                let others = others_for_cb.clone();
                let jtx = jtx.clone();
                async move {
                    let _ = c.emit("subscribe:channel", json!(others)).await;
                    let _ = jtx.send(());
                }
                .boxed()
            })
            .on_any(move |event, _, _| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send(event.to_string());
                }
                .boxed()
            })
            .connect()
            .await
            .expect("raw socket connects");
    crate::support::within("raw socket connect", jrx.recv()).await;

    let other_key = server.seed().other().api_key.clone();
    let (status, msg) = server
        .post_agent_message(&other_key, approval(&others, "not yours"))
        .await;
    assert_eq!(status.as_u16(), 201);
    let id = msg["id"].as_str().unwrap().to_owned();
    // Answer it as its owner: `review:responded` goes to its channel room only.
    let owner = RestClient::new(url(&server));
    let other = server.seed().other();
    let (_, token) = owner
        .login(&other.email, &Secret::new(other.password.clone()))
        .await
        .unwrap();
    owner
        .authenticated(Credential::Jwt(token))
        .respond(&id, &choose("approve"), None)
        .await
        .unwrap();
    assert_no_change(
        &mut changes,
        Duration::from_millis(800),
        "another user's review",
        |c| matches!(c, InboxChange::Added(m) if m.id == id),
    )
    .await;
    while let Ok(event) = rx.try_recv() {
        assert!(
            event != "message:created" && event != "review:responded",
            "the raw socket received {event} from another user's channel"
        );
    }
    let _ = socket.disconnect().await;
    session.shutdown().await;
}

/// A review from an agent created after connecting: the session subscribes to its
/// channel (its `review:responded` then reaches us) and refreshes the agent list.
#[tokio::test]
async fn a_new_agent_is_adopted() {
    let server = server().await;
    let rest = admin(&server).await;
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = connected(&rest, &inbox).await;
    let created = create_agent(&server, "Fresh Agent").await;
    let id = post(&server, approval(&created, "from a brand-new agent")).await;
    // The agent list is refreshed before the review is applied.
    wait_change(&mut changes, "agents refreshed", |c| {
        matches!(c, InboxChange::AgentsChanged)
    })
    .await;
    wait_added(&mut changes, &id).await;
    assert!(inbox.knows_agent(&created));
    let m = inbox.get(&id).unwrap();
    assert_eq!(inbox.agent_name(&m), "Fresh Agent");
    admin(&server)
        .await
        .respond(&id, &choose("approve"), None)
        .await
        .unwrap();
    wait_change(
        &mut changes,
        "review:responded from the new channel",
        |c| matches!(c, InboxChange::Answered { message_id, .. } if *message_id == id),
    )
    .await;
    session.shutdown().await;
}
