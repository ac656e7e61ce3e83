//! Placet client library: the protocol, answers and their validation, the REST client,
//! the Socket.IO session, the inbox of pending reviews and the outbox of answers. No
//! GUI, no OS services, no Tauri: the desktop app and the command line both stand on it.
//!
//! A person decides: the server lets an agent read reviews with its API key but never
//! answer them, and nothing here offers an easier way. Answers need a person's sign-in;
//! a review this client cannot render faithfully is never answered here (the person is
//! sent to Placet's web UI); credentials go only to the server's own origin, encrypted
//! unless the person explicitly allowed plain HTTP; queued answers are sealed at rest
//! and never sent as another account.
//!
//! # Layout
//! - [`protocol`]: wire types (messages, streams, reviews, agents, OAuth prompts, events);
//!   `protocol::review` decides what this client may answer (plugin and unknown reviews
//!   are external), `protocol::payload` holds the five typed payloads.
//! - [`answer`]: answers per review type, validated into the exact JSON the web UI sends.
//! - [`rest`]: the REST API (sign-in and password, reviews, respond, delivery retries,
//!   stored files, agent routes); `rest::address` holds [`ServerUrl`] with the transport
//!   rule and web-UI links; `rest::download` streams attachments to disk under safe
//!   names; `rest::wire` maps answers to errors; `rest::limit` remembers the server's
//!   `Retry-After` per route.
//! - [`session`]: the `/ws` connection state machine (`session::connect` between
//!   connections, `session::serve` while connected, `session::resync` for one re-sync,
//!   `session::sync` for their cadence and request budget, `session::socket` for the
//!   Socket.IO glue, which drops agents' streams unread).
//! - [`inbox`]: pending reviews (expiring ones included: the server expires them) and
//!   open OAuth prompts, kept idempotently, publishing [`inbox::InboxChange`]s;
//!   `inbox::state` holds the bookkeeping (tombstones, drafts, announcements),
//!   `inbox::clock` what time changes, `inbox::oauth` the prompts and their links.
//! - [`outbox`]: answers persisted before sending and delivered exactly once
//!   (`outbox::deliver`), sealed at rest (`outbox::seal`), in a private database with
//!   its migration (`outbox::store`), and the decision log (`outbox::types`).
//! - [`backoff`], [`secret`], [`error`]: small building blocks; [`latency`]: the
//!   benchmark's marks on the way from an event to a notification.

pub mod answer;
pub mod backoff;
pub mod error;
pub mod inbox;
pub mod latency;
pub mod outbox;
pub mod protocol;
pub mod rest;
pub mod secret;
pub mod session;

pub use answer::{Answer, InvalidAnswer, ValidResponse};
pub use error::{ApiError, NetworkKind};
pub use inbox::{AnsweredBy, Inbox, InboxChange, OAuthOutcome, OAuthPrompt, Unlisted};
pub use outbox::{AnswerSource, Decision, Delivery, NewAnswer, Outbox, OutboxKey};
pub use protocol::{Agent, Message, NotAnswerable, Review, ReviewKind, ServerEvent, StreamState};
pub use rest::{Credential, DownloadOptions, RespondOptions, RestClient, ServerUrl};
pub use secret::Secret;
pub use session::{Session, SessionConfig, SessionState};
