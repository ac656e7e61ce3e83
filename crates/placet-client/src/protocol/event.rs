use serde::Deserialize;
use serde_json::Value;

use super::oauth::OAuthCodeWire;
use super::{AgentStatusEvent, DeliveryStatus, Message, OAuthError, OAuthStart};

/// An event the server pushes on `/ws` that the client acts on (contract §2.2).
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    /// A new message (with `agentName` for agent messages), from the user or channel room.
    MessageCreated(Message),
    /// A streaming draft changed, or was aborted by the server's cleanup job.
    MessageUpdated(Message),
    /// A review was answered (by anyone); the full message after the update.
    ReviewResponded(Message),
    /// The server's expiry job expired a review.
    ReviewExpired { message_id: String },
    /// Delivery of a message to its agent changed.
    MessageDelivery {
        message_id: String,
        delivery_status: DeliveryStatus,
    },
    /// An agent reported its status.
    AgentStatus(AgentStatusEvent),
    /// An agent asks the person to sign in somewhere (OAuth relay), to the user room.
    OAuthStart(OAuthStart),
    /// The provider sent the person back with a code; the flow `state` is done. The
    /// code goes to the agent and is not kept.
    OAuthCode {
        state: String,
        provider: Option<String>,
    },
    /// The provider refused the flow `state`.
    OAuthError(OAuthError),
    /// Reply to our `ping`.
    Pong,
}

/// Why an event could not be decoded. The session logs it and skips the event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    #[error("event `{event}` has no payload")]
    MissingPayload { event: String },
    #[error("event `{event}` has a malformed payload: {source}")]
    Malformed {
        event: String,
        #[source]
        source: serde_json::Error,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExpiredPayload {
    message_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryPayload {
    message_id: String,
    #[serde(default, deserialize_with = "super::null_as_default")]
    delivery_status: DeliveryStatus,
}

impl ServerEvent {
    /// Decodes a Socket.IO event by name and arguments. `Ok(None)` for events this
    /// client does not act on (`message:delta`, `message:progress`, ...).
    pub fn decode(event: &str, args: &[Value]) -> Result<Option<Self>, DecodeError> {
        fn first<T: for<'de> Deserialize<'de>>(
            event: &str,
            args: &[Value],
        ) -> Result<T, DecodeError> {
            let value = args.first().ok_or_else(|| DecodeError::MissingPayload {
                event: event.to_owned(),
            })?;
            T::deserialize(value).map_err(|source| DecodeError::Malformed {
                event: event.to_owned(),
                source,
            })
        }
        Ok(Some(match event {
            "message:created" => ServerEvent::MessageCreated(first(event, args)?),
            "message:updated" => ServerEvent::MessageUpdated(first(event, args)?),
            "review:responded" => ServerEvent::ReviewResponded(first(event, args)?),
            "review:expired" => {
                let p: ExpiredPayload = first(event, args)?;
                ServerEvent::ReviewExpired {
                    message_id: p.message_id,
                }
            }
            "message:delivery" => {
                let p: DeliveryPayload = first(event, args)?;
                ServerEvent::MessageDelivery {
                    message_id: p.message_id,
                    delivery_status: p.delivery_status,
                }
            }
            "agent:status" => ServerEvent::AgentStatus(first(event, args)?),
            "oauth:start" => ServerEvent::OAuthStart(first(event, args)?),
            "oauth:code" => {
                let p: OAuthCodeWire = first(event, args)?;
                ServerEvent::OAuthCode {
                    state: p.state,
                    provider: p.provider,
                }
            }
            "oauth:error" => ServerEvent::OAuthError(first(event, args)?),
            "pong" => ServerEvent::Pong,
            _ => return Ok(None),
        }))
    }
}
