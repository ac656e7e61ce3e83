//! Server-to-client Socket.IO events, sent through whichever Socket.IO instance is live.
//!
//! The instance is replaced on every (re)start and absent while the server is stopped;
//! business code emits through [`Events`] and never holds a `SocketIo` itself.

use std::sync::RwLock;

use serde_json::Value;
use socketioxide::SocketIo;

/// The Socket.IO namespace every client uses.
pub(crate) const NAMESPACE: &str = "/ws";

/// Room of every JWT socket of a user.
pub(crate) fn user_room(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// Room of the sockets subscribed to an agent's channel.
pub(crate) fn channel_room(channel_id: &str) -> String {
    format!("channel:{channel_id}")
}

/// Emits to rooms of the live Socket.IO instance.
#[derive(Default)]
pub(crate) struct Events {
    io: RwLock<Option<SocketIo>>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("live", &self.current().is_some())
            .finish()
    }
}

impl Events {
    /// Installs (or, with `None`, removes) the live instance.
    pub(crate) fn set(&self, io: Option<SocketIo>) {
        *self.io.write().unwrap_or_else(|e| e.into_inner()) = io;
    }

    pub(crate) fn current(&self) -> Option<SocketIo> {
        self.io.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Sends `event` once to every socket in any of `rooms` (a socket in two of them gets
    /// it once, like Socket.IO's `to(a).to(b).emit`).
    pub(crate) async fn emit(&self, rooms: Vec<String>, event: &str, payload: &Value) {
        let Some(ns) = self.current().and_then(|io| io.of(NAMESPACE)) else {
            return;
        };
        if let Err(e) = ns.to(rooms).emit(event, payload).await {
            tracing::debug!(event, error = %e, "broadcast failed");
        }
    }

    /// Server-side disconnect of every socket: clients see `io server disconnect`.
    pub(crate) async fn disconnect_all(&self) {
        let Some(ns) = self.current().and_then(|io| io.of(NAMESPACE)) else {
            return;
        };
        if let Err(e) = ns.disconnect().await {
            tracing::debug!(error = %e, "disconnecting sockets failed");
        }
    }
}
