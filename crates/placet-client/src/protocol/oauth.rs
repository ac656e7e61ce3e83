//! The OAuth relay's events (events.gateway.ts `handleOAuthStart`,
//! oauth-relay.controller.ts): an agent asks its person to sign in somewhere, and the
//! provider's redirect through the server ends the flow.
//!
//! These are the wire shapes, unvetted: the links come from an agent. The inbox turns an
//! [`OAuthStart`] into an [`OAuthPrompt`](crate::inbox::OAuthPrompt), which offers a link
//! only when it is safe to open.

use serde::{Deserialize, Serialize};

/// `oauth:start`, to the person's user room: `{channelId, state, provider, authUrl|null,
/// deviceCode|null}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthStart {
    /// The agent that asks.
    pub channel_id: String,
    /// The flow's id, chosen by the agent; later events name it.
    pub state: String,
    /// Where to sign in ("github", "google", ...), as the agent names it.
    pub provider: String,
    /// The provider's authorization page (an authorization-code flow).
    #[serde(default)]
    pub auth_url: Option<String>,
    /// A device-code flow: a code to type on the provider's page.
    #[serde(default)]
    pub device_code: Option<DeviceCode>,
}

/// The device-code part of `oauth:start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCode {
    /// The page where the code is typed.
    pub verification_uri: String,
    /// The code to type there.
    pub user_code: String,
    /// Seconds the code stays valid, when the agent says.
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// `oauth:code`, to the agent's channel room: the provider sent the person back with a
/// code, which the server relays to the agent. The code itself is the agent's business
/// and is not kept here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OAuthCodeWire {
    pub(crate) state: String,
    #[serde(default)]
    pub(crate) provider: Option<String>,
}

/// `oauth:error`, to the agent's channel room: the provider refused (the person
/// declined, or the request was wrong).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthError {
    pub state: String,
    /// The provider's error code (`access_denied`, ...).
    pub error: String,
    /// The provider's explanation, when it gave one.
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
}
