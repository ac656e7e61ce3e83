//! The Socket.IO namespace `/ws` (contract §1.5, §2.1).
//!
//! Authentication runs as a namespace middleware, before the connection is accepted: a
//! bad credential yields `connect_error {"message":"unauthorized"}` and never `connect`.
//! `auth.apiKey` takes precedence over `auth.token`. JWT sockets join `user:<id>`;
//! API-key sockets join no room until they subscribe.

use std::sync::Arc;

use serde_json::Value;
use socketioxide::extract::{Data, SocketRef, State, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;

use crate::credentials::api_key_hash;
use crate::state::controls::ConnectedSocket;
use crate::state::events::{channel_room, user_room, NAMESPACE};
use crate::state::App;
use crate::util::{now_iso, truthy};

/// How a socket authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthMethod {
    Jwt,
    ApiKey,
}

/// The identity of an accepted socket, stored in its extensions by the middleware.
#[derive(Debug, Clone)]
struct SocketUser {
    user_id: String,
    method: AuthMethod,
}

/// The only error the handshake middleware reports.
#[derive(Debug)]
struct Unauthorized;

impl std::fmt::Display for Unauthorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unauthorized")
    }
}

/// Packets that may wait for one slow client before an emit to it fails. Node's
/// socket.io buffers without limit and never drops; socketioxide's default of 128
/// would drop most of a burst of `message:delta`s to a client that reads a little late.
const MAX_BUFFERED_PACKETS: usize = 1 << 20;
/// `maxPayload` announced in the handshake and accepted from polling clients: Node's
/// `maxHttpBufferSize` default (socketioxide's own is 100 kB).
const MAX_PAYLOAD: u64 = 1_000_000;

/// Builds the Socket.IO layer and instance for one server run.
pub(crate) fn layer(app: Arc<App>) -> (SocketIoLayer, SocketIo) {
    let (layer, io) = SocketIo::builder()
        .max_buffer_size(MAX_BUFFERED_PACKETS)
        .max_payload(MAX_PAYLOAD)
        .with_state(app)
        .build_layer();
    io.ns(NAMESPACE, on_connect.with(authenticate));
    (layer, io)
}

async fn authenticate(
    socket: SocketRef,
    TryData(auth): TryData<Value>,
    State(app): State<Arc<App>>,
) -> Result<(), Unauthorized> {
    let auth = auth.unwrap_or(Value::Null);
    let user = match auth.get("apiKey").filter(|k| truthy(k)) {
        Some(key) => {
            let key = key
                .as_str()
                .filter(|k| k.starts_with("hp_"))
                .ok_or(Unauthorized)?;
            let owner = app
                .store
                .api_key_owner(&api_key_hash(key))
                .map_err(|e| {
                    tracing::error!(error = %e, "API key lookup failed");
                    Unauthorized
                })?
                .ok_or(Unauthorized)?;
            SocketUser {
                user_id: owner.user_id,
                method: AuthMethod::ApiKey,
            }
        }
        None => {
            let token = auth
                .get("token")
                .and_then(Value::as_str)
                .ok_or(Unauthorized)?;
            let claims = app.tokens.verify(token).ok_or(Unauthorized)?;
            SocketUser {
                user_id: claims.sub,
                method: AuthMethod::Jwt,
            }
        }
    };
    // Rooms and handlers are set up here, not in the connect handler: socketioxide runs
    // that handler in a task spawned after the CONNECT packet went out, so a client
    // emitting `subscribe:channel` from its `connect` callback could otherwise race the
    // handler registration and be silently ignored.
    if user.method == AuthMethod::Jwt {
        socket.join(user_room(&user.user_id));
    }
    socket.on("subscribe:channel", subscribe);
    socket.on("unsubscribe:channel", unsubscribe);
    socket.on("channel:read", channel_read);
    socket.on("ping", ping);
    socket.on("message:delta", relay);
    socket.on("message:progress", relay);
    socket.on("agent:commands", relay);
    socket.on("oauth:start", oauth_start);
    socket.extensions.insert(user);
    Ok(())
}

async fn on_connect(socket: SocketRef) {
    if let Some(user) = socket.extensions.get::<SocketUser>() {
        tracing::debug!(sid = %socket.id, user = %user.user_id, method = ?user.method, "socket connected");
    }
}

/// Every connected socket of the `/ws` namespace, for test introspection.
pub(crate) fn connected_sockets(io: &SocketIo) -> Vec<ConnectedSocket> {
    let Some(ns) = io.of(NAMESPACE) else {
        return Vec::new();
    };
    ns.sockets()
        .into_iter()
        .filter_map(|socket| {
            let user = socket.extensions.get::<SocketUser>()?;
            let mut rooms: Vec<String> =
                socket.rooms().into_iter().map(|r| r.to_string()).collect();
            rooms.sort();
            Some(ConnectedSocket {
                id: socket.id.to_string(),
                user_id: user.user_id,
                api_key: user.method == AuthMethod::ApiKey,
                rooms,
            })
        })
        .collect()
}

/// The socket's user id, if it owns `channel_id`.
fn owner_of(socket: &SocketRef, app: &App, channel_id: &str) -> Option<String> {
    let user = socket.extensions.get::<SocketUser>()?;
    match app.store.owned_agent(channel_id, &user.user_id) {
        Ok(agent) => agent.map(|_| user.user_id),
        Err(e) => {
            tracing::error!(error = %e, "ownership lookup failed");
            None
        }
    }
}

/// `subscribe:channel "<id>"`: joins the channel room if the user owns the agent;
/// otherwise nothing at all (no ack, no error).
async fn subscribe(
    socket: SocketRef,
    TryData(channel): TryData<Value>,
    State(app): State<Arc<App>>,
) {
    let Some(channel) = channel.ok().and_then(|v| v.as_str().map(str::to_owned)) else {
        return;
    };
    if owner_of(&socket, &app, &channel).is_some() {
        socket.join(channel_room(&channel));
    }
}

/// `unsubscribe:channel "<id>"`: leaves the channel room.
async fn unsubscribe(socket: SocketRef, TryData(channel): TryData<Value>) {
    if let Some(channel) = channel.ok().as_ref().and_then(Value::as_str) {
        socket.leave(channel_room(channel));
    }
}

/// `channel:read "<id>"`: moves the user's read marker if they own the channel.
async fn channel_read(
    socket: SocketRef,
    TryData(channel): TryData<Value>,
    State(app): State<Arc<App>>,
) {
    let Some(channel) = channel.ok().and_then(|v| v.as_str().map(str::to_owned)) else {
        return;
    };
    if let Some(user_id) = owner_of(&socket, &app, &channel) {
        if let Err(e) = app.store.mark_read(&user_id, &channel, &now_iso()) {
            tracing::error!(error = %e, "channel:read failed");
        }
    }
}

/// `ping` → `pong` with no arguments, to this socket only.
async fn ping(socket: SocketRef) {
    // An empty tuple-like value is sent as zero arguments: `["pong"]`.
    let no_args: [u8; 0] = [];
    if let Err(e) = socket.emit("pong", &no_args) {
        tracing::debug!(error = %e, "pong failed");
    }
}

/// `oauth:start`: forwarded to the user's room when the socket's user owns the channel
/// (see [`service::oauth::start`](crate::service::oauth::start)).
async fn oauth_start(
    socket: SocketRef,
    State(app): State<Arc<App>>,
    TryData(data): TryData<Value>,
) {
    let Some(user) = socket.extensions.get::<SocketUser>() else {
        return;
    };
    let data = data.unwrap_or(Value::Null);
    crate::service::oauth::start(&app, &user.user_id, &data).await;
}

/// Agent streaming events are relayed unchanged to `channel:<channelId>`, without an
/// ownership check (as the real gateway does).
async fn relay(
    event: socketioxide::extract::Event,
    State(app): State<Arc<App>>,
    Data(payload): Data<Value>,
) {
    let Some(channel) = payload.get("channelId").and_then(Value::as_str) else {
        return;
    };
    app.events
        .emit(vec![channel_room(channel)], &event.0, &payload)
        .await;
}
