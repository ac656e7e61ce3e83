//! Re-syncs while connected: withdrawn reviews, failures that must not drop the socket,
//! the request budget, and agent status.

use std::time::Duration;

use placet_client::protocol::AgentStatus;
use placet_client::{Inbox, InboxChange, Session, SessionConfig, SessionState};
use placet_devserver::{DevServer, DevServerConfig, Throttle};
use serde_json::json;
use tokio::sync::{broadcast, watch};

use crate::support::{
    admin_without_login, agent_request, approval, assert_no_change, create_agent, fast,
    init_tracing, post, wait_added, wait_change, wait_state, Fixture,
};

/// A dev server that allows `limit` API requests per `window` from this machine.
async fn throttled(limit: u32, window: Duration) -> DevServer {
    init_tracing();
    DevServer::start(DevServerConfig {
        expiry_tick: Duration::from_millis(100),
        throttle: Some(Throttle { limit, window }),
        ..Default::default()
    })
    .await
    .expect("dev server starts")
}

/// Waits for `n` applied snapshots.
async fn synced(changes: &mut broadcast::Receiver<InboxChange>, n: usize) {
    for i in 0..n {
        wait_change(changes, &format!("snapshot {}", i + 1), |c| {
            matches!(c, InboxChange::Synced { .. })
        })
        .await;
    }
}

/// Records every state the session goes through.
fn record_states(
    mut rx: watch::Receiver<SessionState>,
) -> tokio::task::JoinHandle<Vec<SessionState>> {
    tokio::spawn(async move {
        let mut seen = vec![rx.borrow_and_update().clone()];
        while rx.changed().await.is_ok() {
            seen.push(rx.borrow_and_update().clone());
        }
        seen
    })
}

/// A review its agent deletes (no event says so) leaves the inbox as withdrawn at the
/// next re-sync, after the server confirmed it is gone.
#[tokio::test]
async fn a_deleted_review_is_withdrawn() {
    let f = Fixture::start().await;
    f.session.shutdown().await;
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = Session::start(
        f.rest.clone(),
        inbox.clone(),
        SessionConfig {
            resync_interval: Duration::from_millis(300),
            ..fast()
        },
    );
    let id = post(&f.server, approval(&f.agent, "delete me")).await;
    wait_added(&mut changes, &id).await;
    let (status, _) = agent_request(
        &f.server,
        &f.agent,
        "DELETE",
        &format!("api/v1/messages/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "the agent deleted its review");
    let change = wait_change(&mut changes, "withdrawn or answered", |c| {
        matches!(c, InboxChange::Withdrawn { message_id } | InboxChange::Answered { message_id, .. } | InboxChange::Expired { message_id } if *message_id == id)
    })
    .await;
    assert_eq!(
        change,
        InboxChange::Withdrawn {
            message_id: id.clone()
        },
        "withdrawn, not answered elsewhere"
    );
    assert!(inbox.get(&id).is_none() && inbox.is_finished(&id));
    session.shutdown().await;
}

/// A re-sync refused with 429 keeps the socket: the session stays connected on the same
/// socket, waits out `Retry-After`, and the retried re-sync brings the review in.
#[tokio::test]
async fn a_rate_limited_resync_keeps_the_socket() {
    // One request per route and 2 s, as upstream counts (per route and IP): the test
    // spends the pending list's budget, so the session's first snapshot is refused.
    let server = throttled(1, Duration::from_secs(2)).await;
    let agent = server.seed().deploy_bot().id.clone();
    let before = post(&server, approval(&agent, "waiting before connect")).await;
    let rest = admin_without_login(&server);
    rest.pending_reviews()
        .await
        .expect("the test's own request fits");
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = Session::start(rest, inbox.clone(), fast());
    let states = record_states(session.watch());
    wait_state(
        &mut session.watch(),
        "connected",
        SessionState::is_connected,
    )
    .await;
    assert!(
        inbox.get(&before).is_none(),
        "the first pending snapshot was refused"
    );
    let socket_ids = || -> Vec<String> {
        server
            .controls()
            .sockets()
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    let sockets = socket_ids();
    assert_eq!(sockets.len(), 1, "one socket: {sockets:?}");

    wait_added(&mut changes, &before).await;
    assert_eq!(
        socket_ids(),
        sockets,
        "the same socket after the retried re-sync"
    );
    session.shutdown().await;
    let seen = states.await.unwrap();
    assert!(
        seen.iter()
            .all(|s| matches!(s, SessionState::Connecting | SessionState::Connected { .. })),
        "never reconnecting: {seen:?}"
    );
    assert_eq!(
        seen.iter().filter(|s| s.is_connected()).count(),
        1,
        "connected once: {seen:?}"
    );
}

/// A 401 during a re-sync still means the sign-in expired.
#[tokio::test]
async fn a_401_during_resync_is_auth_expired() {
    let f = Fixture::start().await;
    let mut state = f.session.watch();
    f.server.controls().invalidate_tokens();
    f.session.resync_now();
    wait_state(&mut state, "auth expired", |s| {
        *s == SessionState::AuthExpired
    })
    .await;
    f.session.shutdown().await;
}

/// A connect costs four requests (ticket, agents, pending, and the pending re-sync that
/// closes the subscribe gap), a reconnect four more, and nothing else is asked while
/// idle: counted in the server's request log.
#[tokio::test]
async fn a_connect_costs_four_requests() {
    let server = crate::support::server().await;
    let rest = admin_without_login(&server);
    server.controls().clear_requests();
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = Session::start(rest.clone(), inbox.clone(), fast());
    synced(&mut changes, 2).await;
    let expected = [
        "POST /api/auth/ws-ticket",
        "GET /api/agents",
        "GET /api/messages/reviews",
        "GET /api/messages/reviews",
    ];
    assert_eq!(api_requests(&server), expected, "one connect");

    let mut state = session.watch();
    server.controls().kick_all().await;
    wait_state(&mut state, "reconnecting", |s| !s.is_connected()).await;
    synced(&mut changes, 2).await;
    assert_no_change(
        &mut changes,
        Duration::from_millis(800),
        "another snapshot",
        |c| matches!(c, InboxChange::Synced { .. }),
    )
    .await;
    assert_eq!(
        api_requests(&server),
        expected,
        "one reconnect, and quiet after"
    );
    assert!(session.state().is_connected(), "{:?}", session.state());
    session.shutdown().await;
}

/// The rate-limited API requests logged since the last call (Socket.IO excluded).
fn api_requests(server: &DevServer) -> Vec<String> {
    server
        .controls()
        .take_requests()
        .into_iter()
        .filter_map(|r| r.route)
        .collect()
}

/// `agent:status` updates the agent the inbox shows ("busy since 14:00").
#[tokio::test]
async fn agent_status_updates_the_agent() {
    let mut f = Fixture::start().await;
    let key = f.server.seed().admin().api_key.clone();
    let (status, _) = f
        .server
        .ping_status(
            &key,
            json!({"agentId": f.agent, "status": "busy", "message": "compiling"}),
        )
        .await;
    assert!(status.is_success(), "ping accepted: {status}");
    wait_change(
        &mut f.changes,
        "agent status",
        |c| matches!(c, InboxChange::AgentStatus(s) if s.agent_id == f.agent),
    )
    .await;
    let agent = f.inbox.agent(&f.agent).expect("known agent");
    assert_eq!(agent.status, AgentStatus::Busy);
    assert_eq!(agent.status_message.as_deref(), Some("compiling"));
    assert!(agent.status_since.is_some(), "busy since when");
    assert!(agent.last_active_at.is_some());
    f.session.shutdown().await;
}

/// A status from an agent not yet listed adopts it: the list is refreshed first.
#[tokio::test]
async fn a_status_from_a_new_agent_adopts_it() {
    let mut f = Fixture::start().await;
    let created = create_agent(&f.server, "Status Agent").await;
    let key = f.server.seed().admin().api_key.clone();
    f.server
        .ping_status(&key, json!({"agentId": created, "status": "active"}))
        .await;
    wait_change(&mut f.changes, "agents refreshed", |c| {
        matches!(c, InboxChange::AgentsChanged)
    })
    .await;
    wait_change(
        &mut f.changes,
        "its status",
        |c| matches!(c, InboxChange::AgentStatus(s) if s.agent_id == created),
    )
    .await;
    assert_eq!(
        f.inbox.agent(&created).map(|a| a.status),
        Some(AgentStatus::Active)
    );
    f.session.shutdown().await;
}

/// Over the wire: a streamed message is not announced while the agent writes it
/// (`POST` with `streamState: "streaming"`, then `PATCH`es), is announced once when the
/// `PATCH` completes it, and an aborted stream shows nothing.
#[tokio::test]
async fn streamed_messages_over_the_wire() {
    let mut f = Fixture::start().await;
    let stream = |id: &str, state: &str, text: &str| json!({"channelId": f.agent, "text": text, "streamId": id, "streamState": state});
    let draft = post(&f.server, stream("turn-1", "streaming", "Hel")).await;
    for (text, complete) in [("Hello wor", false), ("Hello world", true)] {
        let (status, _) = agent_request(
            &f.server,
            &f.agent,
            "PATCH",
            "api/v1/messages/streams/turn-1",
            Some(json!({"channelId": f.agent, "text": text, "complete": complete})),
        )
        .await;
        assert_eq!(status, 200, "PATCH accepted");
    }
    let announced = wait_change(&mut f.changes, "the final message", |c| {
        matches!(c, InboxChange::AgentMessage(_))
    })
    .await;
    let InboxChange::AgentMessage(m) = announced else {
        unreachable!()
    };
    assert_eq!(m.id, draft);
    assert_eq!(
        m.text.as_deref(),
        Some("Hello world"),
        "announced with its final text, not a draft's"
    );

    post(&f.server, stream("turn-2", "streaming", "Thinking")).await;
    let (status, _) = agent_request(
        &f.server,
        &f.agent,
        "PATCH",
        "api/v1/messages/streams/turn-2",
        Some(json!({"channelId": f.agent, "text": "Thinking", "streamState": "aborted"})),
    )
    .await;
    assert_eq!(status, 200, "abort accepted");
    assert_no_change(
        &mut f.changes,
        Duration::from_millis(800),
        "anything user-visible",
        |c| matches!(c, InboxChange::AgentMessage(_) | InboxChange::Added(_)),
    )
    .await;
    f.session.shutdown().await;
}
