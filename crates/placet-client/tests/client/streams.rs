//! An agent's stream does not hold up reviews: `message:delta` by the thousand on the
//! socket, reviews arriving meanwhile, each in the inbox promptly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use placet_client::{Inbox, InboxChange};
use placet_devserver::DevServer;
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::support::{approval, connected, within, Fixture};

/// Deltas the agent streams.
const DELTAS: u64 = 10_000;
/// Deltas sent each 10 ms: 2,500 a second, far above any model's token rate.
const BURST: u64 = 25;
/// The longest a review may take from its post to the inbox while the stream runs.
const CEILING: Duration = Duration::from_secs(1);

/// An agent's socket, authenticated with its API key, as an agent SDK connects.
async fn agent_socket(server: &DevServer) -> Client {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let socket = ClientBuilder::new(format!("{}/socket.io/", server.api_url()))
        .namespace("/ws")
        .transport_type(TransportType::Websocket)
        .auth(json!({"apiKey": server.seed().admin().api_key}))
        .on(Event::Connect, move |_, _| {
            let _ = tx.send(());
            async {}.boxed()
        })
        .connect()
        .await
        .expect("the agent connects");
    within("the agent's socket", rx.recv()).await;
    socket
}

/// While an agent socket streams 10,000 `message:delta` events to a channel the session
/// is subscribed to, every review posted meanwhile reaches the inbox within a second;
/// the deltas all arrive and are dropped unread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_are_not_held_up_by_a_stream() {
    let f = Fixture::start().await;
    f.session.shutdown().await;
    let inbox = Inbox::new();
    let session = Arc::new(connected(&f.rest, &inbox).await);
    let room = format!("channel:{}", f.agent);
    within("the session in the agent's channel", async {
        while !f
            .server
            .controls()
            .sockets()
            .iter()
            .any(|s| !s.api_key && s.rooms.contains(&room))
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let agent = agent_socket(&f.server).await;

    // When each review reached the inbox, and how far the stream was then.
    let seen: Arc<Mutex<HashMap<String, (Instant, u64)>>> = Arc::default();
    let mut changes = inbox.subscribe();
    let watcher = {
        let seen = seen.clone();
        let session = session.clone();
        tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(InboxChange::Added(m)) => {
                        let progress = session.stream_events_skipped();
                        seen.lock()
                            .unwrap()
                            .insert(m.id.clone(), (Instant::now(), progress));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        })
    };

    let channel = f.agent.clone();
    let stream_started = Instant::now();
    let streamer = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(10));
        for i in 0..DELTAS {
            if i % BURST == 0 {
                tick.tick().await;
            }
            let delta = json!({"channelId": channel, "streamId": "turn-1",
                               "delta": format!("token {i} "), "streamBaseId": "base-1"});
            agent
                .emit("message:delta", Payload::Text(vec![delta]))
                .await
                .expect("delta sent");
        }
        let elapsed = stream_started.elapsed();
        (agent, elapsed)
    });

    let key = f.server.seed().admin().api_key.clone();
    let mut posted: Vec<(String, Instant)> = Vec::new();
    while !streamer.is_finished() || posted.len() < 5 {
        let at = Instant::now();
        let (status, msg) = f
            .server
            .post_agent_message(
                &key,
                approval(&f.agent, &format!("review {}", posted.len())),
            )
            .await;
        assert_eq!(status.as_u16(), 201, "{msg}");
        posted.push((msg["id"].as_str().unwrap().to_owned(), at));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (agent, stream_time) = streamer.await.unwrap();
    within("every delta at the session", async {
        while session.stream_events_skipped() < DELTAS {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    within("every review in the inbox", async {
        while posted
            .iter()
            .any(|(id, _)| !seen.lock().unwrap().contains_key(id))
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;

    let seen = seen.lock().unwrap().clone();
    let mut latencies: Vec<Duration> = posted
        .iter()
        .map(|(id, at)| seen[id].0.duration_since(*at))
        .collect();
    let during = posted
        .iter()
        .filter(|(id, _)| (1..DELTAS).contains(&seen[id].1))
        .count();
    latencies.sort();
    let max = *latencies.last().unwrap();
    println!(
        "{DELTAS} deltas streamed in {stream_time:?}; {} reviews, {during} of them seen mid-stream; \
         post-to-inbox median {:?}, max {max:?}",
        posted.len(),
        latencies[latencies.len() / 2],
    );
    assert!(
        during >= 1,
        "reviews arrived while the stream ran ({during})"
    );
    assert!(max < CEILING, "a review took {max:?} (ceiling {CEILING:?})");
    assert_eq!(
        session.stream_events_skipped(),
        DELTAS,
        "every delta, dropped unread"
    );
    assert_eq!(
        inbox.pending().len(),
        posted.len(),
        "and nothing else came of them"
    );
    let _ = agent.disconnect().await;
    watcher.abort();
    let _ = watcher.await;
    let session = Arc::try_unwrap(session).expect("the watcher is gone");
    session.shutdown().await;
}
