//! Placet client library: the protocol, answers and their validation, the REST client,
//! the Socket.IO session and the inbox of pending reviews. No GUI, no OS services, no
//! Tauri: the desktop app and the command line both stand on it.
//!
//! # Layout
//! - [`protocol`]: wire types (messages, reviews with typed payloads, agents, events).
//! - [`answer`]: answers per review type, validated into the exact JSON the web UI sends.
//! - [`rest`]: the REST API (sign-in, reviews, respond, attachments, agent routes).
//! - [`session`]: the `/ws` connection state machine with re-sync and reconnect.
//! - [`inbox`]: pending reviews, kept idempotently, publishing [`inbox::InboxChange`]s.
//! - [`outbox`]: answers persisted in SQLite before sending, delivered exactly once.
//! - [`backoff`], [`secret`], [`error`]: small building blocks.

pub mod answer;
pub mod backoff;
pub mod error;
pub mod inbox;
pub mod outbox;
pub mod protocol;
pub mod rest;
pub mod secret;
pub mod session;

pub use answer::{Answer, InvalidAnswer, ValidResponse};
pub use error::{ApiError, NetworkKind};
pub use inbox::{AnsweredBy, Inbox, InboxChange};
pub use outbox::{AnswerSource, Delivery, NewAnswer, Outbox};
pub use protocol::{Agent, Message, Review, ReviewKind, ServerEvent};
pub use rest::{Credential, RestClient, ServerUrl};
pub use secret::Secret;
pub use session::{Session, SessionConfig, SessionState};
