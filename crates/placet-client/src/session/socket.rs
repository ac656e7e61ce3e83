//! The rust_socketio side of the session: the client builder whose callbacks only
//! forward to the session task, and the decoding of what they forward.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client as SocketClient, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::Value;
use tokio::sync::mpsc;

use super::SocketSignal;

/// The message of a Socket.IO `CONNECT_ERROR` as rust_socketio reports it
/// (`Received an ConnectError frame: {"message":"unauthorized"}`).
pub(super) fn connect_error_message(text: &str) -> Option<String> {
    let (_, data) = text.split_once("ConnectError frame:")?;
    let data = data.trim();
    match serde_json::from_str::<Value>(data) {
        Ok(Value::Object(o)) => o
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| Some(data.to_owned())),
        Ok(Value::String(s)) => Some(s),
        _ => Some(data.trim_matches('"').to_owned()),
    }
}

pub(super) fn short(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Events of an agent's stream: relayed by the server as the agent emits them, up to
/// thousands per message, and of no use to the inbox, which waits for the streamed
/// message's final text (`message:updated`).
const STREAM_EVENTS: [&str; 3] = ["message:delta", "message:progress", "agent:commands"];

/// True for an event the callback drops unread (see [`STREAM_EVENTS`]).
pub(super) fn is_stream_event(event: &Event) -> bool {
    matches!(event, Event::Custom(name) if STREAM_EVENTS.contains(&name.as_str()))
}

/// A rust_socketio client whose callbacks only forward to the session task: they run
/// under the library's lock and must return quickly. Stream events are counted in
/// `skipped` and dropped there: forwarding them would have the socket's reader wait on
/// the session task (a full channel) and queue reviews behind thousands of deltas.
pub(super) fn socket_builder(
    address: &str,
    auth: Value,
    tx: mpsc::Sender<(u64, SocketSignal)>,
    generation: u64,
    skipped: Arc<AtomicU64>,
) -> ClientBuilder {
    let forward = |tx: mpsc::Sender<(u64, SocketSignal)>, make: fn(Payload) -> SocketSignal| {
        move |payload: Payload, _client: SocketClient| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((generation, make(payload))).await;
            }
            .boxed()
        }
    };
    let any_tx = tx.clone();
    ClientBuilder::new(address)
        .namespace("/ws")
        .transport_type(TransportType::Websocket)
        .reconnect(false)
        .auth(auth)
        .on(
            Event::Connect,
            forward(tx.clone(), |_| SocketSignal::Connected),
        )
        .on(Event::Close, forward(tx.clone(), |_| SocketSignal::Closed))
        .on(
            Event::Error,
            forward(tx, |p| SocketSignal::Error(payload_text(&p))),
        )
        .on_any(move |event, payload, _client| {
            if is_stream_event(&event) {
                skipped.fetch_add(1, Ordering::Relaxed);
                return futures_util::future::ready(()).boxed();
            }
            let tx = any_tx.clone();
            async move {
                if let Some((name, args)) = event_parts(event, payload) {
                    if name == "message:created" {
                        crate::latency::mark("socket", || message_id(&args));
                    }
                    let _ = tx.send((generation, SocketSignal::Event(name, args))).await;
                }
            }
            .boxed()
        })
}

/// Splits what rust_socketio hands to `on_any` into an event name and arguments. An
/// event without arguments (`["pong"]`) arrives as a `message` event whose only
/// argument is the name.
fn event_parts(event: Event, payload: Payload) -> Option<(String, Vec<Value>)> {
    let Payload::Text(args) = payload else {
        return None;
    };
    match event {
        Event::Custom(name) => Some((name, args)),
        Event::Message => match args.as_slice() {
            [Value::String(name)] => Some((name.clone(), Vec::new())),
            _ => Some(("message".to_owned(), args)),
        },
        _ => None,
    }
}

/// The `id` of an event's first argument (for [`crate::latency`]).
fn message_id(args: &[Value]) -> String {
    args.first()
        .and_then(|m| m.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[allow(deprecated)]
fn payload_text(p: &Payload) -> String {
    match p {
        Payload::Text(values) => values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Payload::String(s) => s.clone(),
        Payload::Binary(_) => "<binary>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn connect_error_text_is_parsed() {
        assert_eq!(
            connect_error_message(r#"Received an ConnectError frame: {"message":"unauthorized"}"#)
                .as_deref(),
            Some("unauthorized")
        );
        assert_eq!(connect_error_message("Network error"), None);
    }

    /// Only an agent's stream events are dropped in the callback.
    #[test]
    fn only_stream_events_are_dropped_in_the_callback() {
        for name in ["message:delta", "message:progress", "agent:commands"] {
            assert!(is_stream_event(&Event::Custom(name.into())), "{name}");
        }
        for name in [
            "message:created",
            "message:updated",
            "review:expired",
            "oauth:start",
        ] {
            assert!(!is_stream_event(&Event::Custom(name.into())), "{name}");
        }
        assert!(!is_stream_event(&Event::Message));
    }

    #[test]
    fn argumentless_events_are_recovered_from_message() {
        let (name, args) = event_parts(Event::Message, Payload::Text(vec![json!("pong")])).unwrap();
        assert_eq!(name, "pong");
        assert!(args.is_empty());
        let (name, args) = event_parts(
            Event::Custom("review:expired".into()),
            Payload::Text(vec![json!({"messageId": "m1"})]),
        )
        .unwrap();
        assert_eq!(name, "review:expired");
        assert_eq!(args.len(), 1);
    }
}
