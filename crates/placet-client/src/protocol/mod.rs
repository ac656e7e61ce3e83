//! The Placet wire types a reviewer's client touches: messages, attachments, agents, the
//! review object with a typed payload per review type, users, the OAuth relay's prompts
//! and server events.
//!
//! Decoding is lenient where the server is loose and strict where correctness depends on
//! it: unknown fields are ignored, unknown enum values decode to an `Other` variant, and
//! a review this client cannot answer faithfully (a plugin's, an unknown type, or a known
//! type whose payload does not fit) is kept as raw JSON, shown, and sent to Placet's web
//! UI for its answer. A message without an id or channel is an error, and the caller
//! skips it.

mod agent;
mod event;
mod message;
mod oauth;
mod payload;
mod review;
pub(crate) mod user;

pub use agent::{Agent, AgentStatus, AgentStatusEvent};
pub use event::{DecodeError, ServerEvent};
pub use message::{Attachment, DeliveryStatus, Message, MessageStatus, SenderType, StreamState};
pub use oauth::{DeviceCode, OAuthError, OAuthStart};
pub use payload::{
    ApprovalOption, ApprovalPayload, FieldType, FormField, FormPayload, OptionStyle, SelectOption,
    SelectionItem, SelectionMode, SelectionPayload, TextInputPayload,
};
pub use review::{NotAnswerable, Review, ReviewKind, ReviewStatus};
pub use user::User;

/// Decodes `null` (as well as a missing field, with `#[serde(default)]`) as the default.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
