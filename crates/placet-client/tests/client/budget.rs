//! A good citizen of a shared rate limit: `Retry-After` is honoured by the REST client,
//! the outbox and the session; a healthy session polls less and less; a watch-only
//! session learns agent statuses from the agent list.

use std::time::{Duration, Instant};

use placet_client::outbox::{AnswerSource, Delivery, NewAnswer, Outbox, OutboxKey};
use placet_client::protocol::{AgentStatus, ServerEvent};
use placet_client::{
    Answer, ApiError, Credential, Inbox, InboxChange, Message, RestClient, Secret, Session,
    SessionConfig, SessionState,
};
use placet_devserver::{DevServer, DevServerConfig, Throttle};
use serde_json::json;

use crate::support::{
    admin_without_login, approval, fast, post, server, server_with, url, wait_change, wait_state,
    within,
};

/// A dev server that allows `limit` API requests per route and `secs` from this machine.
async fn throttled(limit: u32, secs: u64) -> DevServer {
    server_with(DevServerConfig {
        throttle: Some(Throttle {
            limit,
            window: Duration::from_secs(secs),
        }),
        ..Default::default()
    })
    .await
}

/// The requests the backend got on `route` (as its rate limit counts them) since the
/// log was last cleared, with their statuses.
fn statuses(server: &DevServer, route: &str) -> Vec<u16> {
    server
        .controls()
        .requests()
        .into_iter()
        .filter(|r| r.route.as_deref() == Some(route))
        .map(|r| r.status.as_u16())
        .collect()
}

/// After a 429 with `Retry-After`, the client does not ask that route again until the
/// wait is over (the refusal comes back at once, with the time left); other routes,
/// which have their own budgets, are still asked.
#[tokio::test]
async fn a_429_blocks_its_route_until_retry_after() {
    let server = throttled(1, 2).await;
    let rest = admin_without_login(&server);
    rest.pending_reviews().await.expect("within the budget");
    let refused = rest.pending_reviews().await.expect_err("over the budget");
    let wait = refused.retry_after().expect("the server said how long");
    assert!(matches!(refused, ApiError::RateLimited { .. }));
    assert!(
        wait <= Duration::from_secs(2) && wait > Duration::ZERO,
        "{wait:?}"
    );
    let started = Instant::now();
    let again = rest.pending_reviews().await.expect_err("still blocked");
    assert!(
        again.retry_after().unwrap() <= wait,
        "the time left: {again:?}"
    );
    assert_eq!(
        statuses(&server, "GET /api/messages/reviews"),
        [200, 429],
        "the third request was not sent"
    );
    rest.agents().await.expect("another route is still asked");
    tokio::time::sleep(wait.saturating_sub(started.elapsed())).await;
    rest.pending_reviews()
        .await
        .expect("asked again after the wait");
    assert_eq!(
        statuses(&server, "GET /api/messages/reviews"),
        [200, 429, 200]
    );
}

fn queue(outbox: &Outbox, inbox: &Inbox, id: &str) {
    let message = inbox.get(id).expect("pending");
    let review = message.review.as_ref().unwrap();
    let answer = Answer::Approval {
        option_id: "approve".into(),
        comment: None,
    };
    let response = review.validate(&answer).unwrap();
    outbox
        .enqueue(&NewAnswer {
            message_id: id,
            response: &response,
            feedback: None,
            source: AnswerSource::CliConfirmedAtTerminal,
            agent: "Deploy Bot",
            review: &review.kind,
            summary: &answer.summary(),
            title: None,
        })
        .unwrap();
    inbox.mark_sending(id, &response);
}

/// Answers refused with 429 wait for `Retry-After`: the answers queued behind the
/// refused one are not sent into the block, and all go out once it is over.
#[tokio::test]
async fn the_outbox_waits_out_retry_after() {
    let server = throttled(2, 2).await;
    let rest = admin_without_login(&server);
    let agent = server.seed().deploy_bot().id.clone();
    let inbox = Inbox::new();
    let mut ids = Vec::new();
    for i in 0..4 {
        let body = approval(&agent, &format!("answer {i}"));
        let (status, raw) = server
            .post_agent_message(&server.seed().admin().api_key, body)
            .await;
        assert_eq!(status.as_u16(), 201);
        let message: Message = serde_json::from_value(raw).unwrap();
        ids.push(message.id.clone());
        inbox.apply(&ServerEvent::MessageCreated(message));
    }
    let outbox = Outbox::in_memory(
        &url(&server),
        &server.seed().admin().id,
        OutboxKey::generate(),
    )
    .unwrap();
    for id in &ids {
        queue(&outbox, &inbox, id);
    }
    let mut events = outbox.subscribe();
    let first = outbox.deliver_due(&rest, Some(&inbox)).await;
    assert!(
        matches!(
            &first[..],
            [
                Delivery::Sent { .. },
                Delivery::Sent { .. },
                Delivery::WillRetry { .. },
                Delivery::WillRetry { .. }
            ]
        ),
        "two within the budget, two waiting: {first:?}"
    );
    let respond = "POST /api/messages/{id}/respond";
    assert_eq!(
        statuses(&server, respond),
        [201, 201, 429],
        "the fourth answer was not sent into the block"
    );
    let Delivery::WillRetry { at, .. } = &first[2] else {
        unreachable!()
    };
    let wait = (*at - chrono::Utc::now()).to_std().unwrap_or_default();
    assert!(
        wait <= Duration::from_secs(2),
        "after Retry-After: {wait:?}"
    );
    while events.try_recv().is_ok() {}

    let runner = tokio::spawn(outbox.clone().run(rest.clone(), Some(inbox.clone())));
    let mut sent = 0;
    within("the two answers after the wait", async {
        while sent < 2 {
            if let Ok(Delivery::Sent { .. }) = events.recv().await {
                sent += 1;
            }
        }
    })
    .await;
    runner.abort();
    assert_eq!(statuses(&server, respond), [201, 201, 429, 201, 201]);
    assert!(outbox.queued().unwrap().is_empty());
}

/// A connection ticket refused with 429 is asked for again only after `Retry-After`,
/// not at the reconnect backoff's pace (here 100 to 400 ms).
#[tokio::test]
async fn a_rate_limited_ticket_is_waited_out() {
    let server = throttled(1, 3).await;
    let inbox = Inbox::new();
    let session = Session::start(admin_without_login(&server), inbox.clone(), fast());
    let mut state = session.watch();
    wait_state(&mut state, "connected", SessionState::is_connected).await;
    // Another client on this machine spends the ticket route's budget.
    let neighbour = admin_without_login(&server);
    let _ = neighbour.ws_ticket().await;
    server.controls().clear_requests();
    server.controls().kick_all().await;
    let waiting = wait_state(
        &mut state,
        "a refused ticket",
        |s| matches!(s, SessionState::Reconnecting { reason, .. } if reason.contains("ticket")),
    )
    .await;
    let refused_at = chrono::Utc::now();
    let SessionState::Reconnecting {
        retry_at, reason, ..
    } = waiting
    else {
        unreachable!()
    };
    assert!(
        retry_at - refused_at > chrono::Duration::milliseconds(1000),
        "the next attempt waits for Retry-After ({reason}): {retry_at} vs {refused_at}"
    );
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(8), async {
        wait_state(&mut state, "connected again", SessionState::is_connected).await
    })
    .await
    .expect("reconnected after the wait");
    let tickets = statuses(&server, "POST /api/auth/ws-ticket");
    assert_eq!(
        tickets.iter().filter(|s| **s == 429).count(),
        1,
        "one refusal, then the wait: {tickets:?} in {:?}",
        started.elapsed()
    );
    assert_eq!(tickets.last(), Some(&200));
    session.shutdown().await;
}

/// While the socket answers its pings and snapshots bring nothing new, the pending
/// list is asked less and less often (here from every 200 ms towards 800 ms).
#[tokio::test]
async fn a_healthy_session_polls_less_and_less() {
    let server = server().await;
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let config = SessionConfig {
        ping_interval: Duration::from_millis(100),
        resync_interval: Duration::from_millis(200),
        resync_interval_max: Duration::from_millis(800),
        settle_delay: Duration::from_millis(100),
        ..fast()
    };
    server.controls().clear_requests();
    let session = Session::start(admin_without_login(&server), inbox.clone(), config);
    for n in 0..6 {
        wait_change(&mut changes, &format!("snapshot {n}"), |c| {
            matches!(c, InboxChange::Synced { .. })
        })
        .await;
    }
    let times: Vec<std::time::SystemTime> = server
        .controls()
        .requests()
        .into_iter()
        .filter(|r| r.route.as_deref() == Some("GET /api/messages/reviews"))
        .map(|r| r.at)
        .collect();
    let gaps: Vec<Duration> = times
        .windows(2)
        .map(|w| w[1].duration_since(w[0]).unwrap_or_default())
        .collect();
    println!("pending-list gaps: {gaps:?}");
    assert!(gaps.len() >= 5, "{gaps:?}");
    let last = gaps[gaps.len() - 1];
    assert!(
        last >= Duration::from_millis(700),
        "slowed to the ceiling: {gaps:?}"
    );
    assert!(last > gaps[1], "and slower than at first: {gaps:?}");
    session.shutdown().await;
}

/// A watch-only (API key) session, which hears no `agent:status`, shows an agent's
/// status from the agent list it fetches on its own cadence.
#[tokio::test]
async fn a_watch_only_session_shows_agent_status() {
    let server = server().await;
    let key = server.seed().admin().api_key.clone();
    let rest =
        RestClient::new(url(&server)).authenticated(Credential::ApiKey(Secret::new(key.clone())));
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let config = SessionConfig {
        watch_status_interval: Duration::from_millis(300),
        ..fast()
    };
    let session = Session::start(rest, inbox.clone(), config);
    wait_state(
        &mut session.watch(),
        "connected",
        SessionState::is_connected,
    )
    .await;
    let agent = server.seed().deploy_bot().id.clone();
    let (status, body) = server
        .ping_status(
            &key,
            json!({"agentId": agent, "status": "busy", "message": "compiling"}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let change = wait_change(
        &mut changes,
        "agent status",
        |c| matches!(c, InboxChange::AgentStatus(s) if s.agent_id == agent),
    )
    .await;
    let InboxChange::AgentStatus(s) = change else {
        unreachable!()
    };
    assert_eq!(s.status, AgentStatus::Busy);
    assert_eq!(s.status_message.as_deref(), Some("compiling"));
    let shown = inbox.agent(&agent).expect("listed");
    assert_eq!(
        (shown.status, shown.status_message.as_deref()),
        (AgentStatus::Busy, Some("compiling"))
    );
    let id = post(&server, approval(&agent, "watched")).await;
    crate::support::wait_added(&mut changes, &id).await;
    session.shutdown().await;
}
