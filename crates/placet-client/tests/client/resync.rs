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
    // ws-ticket and agents fit; the pending list is refused until the window ends.
    let server = throttled(2, Duration::from_secs(2)).await;
    let agent = server.seed().deploy_bot().id.clone();
    let before = post(&server, approval(&agent, "waiting before connect")).await;
    let rest = admin_without_login(&server);
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
/// closes the subscribe gap), and a reconnect four more: with a limit of nine, the
/// ninth request of the test passes and the tenth is refused.
#[tokio::test]
async fn a_connect_costs_four_requests() {
    let server = throttled(9, Duration::from_secs(120)).await;
    let rest = admin_without_login(&server);
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = Session::start(rest.clone(), inbox.clone(), fast());
    synced(&mut changes, 2).await;
    let mut state = session.watch();
    server.controls().kick_all().await;
    wait_state(&mut state, "reconnecting", |s| !s.is_connected()).await;
    synced(&mut changes, 2).await;
    assert_no_change(
        &mut changes,
        Duration::from_millis(500),
        "another snapshot",
        |c| matches!(c, InboxChange::Synced { .. }),
    )
    .await;
    rest.me().await.expect("request 9 of 9 is allowed");
    let refused = rest.me().await.expect_err("request 10 is over the limit");
    assert_eq!(refused.code(), "rateLimited", "{refused}");
    assert!(
        session.state().is_connected(),
        "still connected: {:?}",
        session.state()
    );
    session.shutdown().await;
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
    assert_eq!(status.as_u16(), 200);
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
