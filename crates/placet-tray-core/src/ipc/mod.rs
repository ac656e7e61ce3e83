//! The contract between the core and the app's web pages: the command table with its
//! per-window grants ([`commands`]), what commands return ([`views`]), the events pushed
//! to pages ([`events`]) and the one error type every command returns. The shell only
//! carries commands and events between pages and [`commands::dispatch`]; the JavaScript
//! side's types are generated from these (`ui/types/bindings.d.ts`, see [`bindings`]).

pub mod bindings;
pub mod commands;
pub mod events;
pub mod views;

use placet_client::{ApiError, NetworkKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use commands::{dispatch, CommandName, Ctx};
pub use events::UiEvent;

use crate::app::CoreError;
use crate::decide::Refusal;

/// The error every command returns: `{code, message}`; pages switch on `code`. A few
/// codes carry a value the page acts on: how many answers are queued
/// (`answersQueued`), the address a redirect names (`redirect`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub location: Option<String>,
}

/// What went wrong, for the page to switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    NotConnected,
    AuthExpired,
    WrongCredentials,
    KeychainUnavailable,
    Network,
    Tls,
    NotPlacet,
    BadInput,
    InvalidAnswer,
    AlreadyAnswered,
    NotFound,
    WatchOnly,
    /// The window may not do this (a review window asking about another review, say).
    NotAllowed,
    /// Answers are still waiting to be sent: ask whether to deliver or discard them.
    AnswersQueued,
    /// Plain `http` to a server that is not on this machine, not allowed.
    InsecureHttp,
    /// The server answered with a redirect; `location` is the address to use.
    Redirect,
    /// The agent deleted this review.
    Withdrawn,
    /// Placet answers at the address, but its live connection is elsewhere: ask for it.
    NoLiveConnection,
    Internal,
}

impl IpcError {
    /// An error with its code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            count: None,
            location: None,
        }
    }

    /// The tray cannot be reached (from a window's process).
    pub fn not_connected(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotConnected, message)
    }

    /// The window that asked may not do this.
    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotAllowed, message)
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

impl From<ApiError> for IpcError {
    fn from(e: ApiError) -> Self {
        if let ApiError::Redirect { location, .. } = &e {
            return Self {
                location: location.clone(),
                ..Self::new(ErrorCode::Redirect, e.to_string())
            };
        }
        let code = match &e {
            ApiError::Unauthorized { .. } => ErrorCode::AuthExpired,
            ApiError::WrongPassword { .. } => ErrorCode::WrongCredentials,
            ApiError::Network {
                kind: NetworkKind::Tls,
                ..
            } => ErrorCode::Tls,
            ApiError::Network { .. } | ApiError::RateLimited { .. } => ErrorCode::Network,
            ApiError::AlreadyResponded => ErrorCode::AlreadyAnswered,
            ApiError::NotFound { .. } => ErrorCode::NotFound,
            ApiError::Decode { .. } => ErrorCode::NotPlacet,
            ApiError::BadRequest { .. } => ErrorCode::BadInput,
            ApiError::Redirect { .. } => ErrorCode::Redirect,
            ApiError::Insecure { .. } => ErrorCode::InsecureHttp,
            _ => ErrorCode::Internal,
        };
        Self::new(code, e.to_string())
    }
}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        let message = e.to_string();
        match e {
            CoreError::NotSignedIn => Self::new(ErrorCode::NotConnected, message),
            CoreError::NoSuchAccount { .. } | CoreError::WhichAccount(_) => {
                Self::new(ErrorCode::BadInput, message)
            }
            CoreError::Refused(r) => Self::new(
                match r {
                    Refusal::WatchOnly | Refusal::WatchOnlyMessages => ErrorCode::WatchOnly,
                    Refusal::NotPending => ErrorCode::AlreadyAnswered,
                    Refusal::Withdrawn => ErrorCode::Withdrawn,
                    Refusal::WebOnly
                    | Refusal::OpenTheReview
                    | Refusal::DangerFromProgram
                    | Refusal::Strict => ErrorCode::NotAllowed,
                },
                message,
            ),
            CoreError::Keychain(_) => Self::new(ErrorCode::KeychainUnavailable, message),
            CoreError::Api(a) => a.into(),
            CoreError::InvalidAnswer(_) => Self::new(ErrorCode::InvalidAnswer, message),
            CoreError::NoReview(_) => Self::new(ErrorCode::NotFound, message),
            CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
                Self::new(ErrorCode::AlreadyAnswered, message)
            }
            CoreError::AnswersQueued(n) | CoreError::Undelivered(n) => Self {
                count: u32::try_from(n).ok(),
                ..Self::new(ErrorCode::AnswersQueued, message)
            },
            CoreError::Discover(crate::app::discover::DiscoverError::NotPlacet(a)) => a.into(),
            CoreError::Discover(crate::app::discover::DiscoverError::BadAddress(_)) => {
                Self::new(ErrorCode::BadInput, message)
            }
            CoreError::Discover(_) => Self::new(ErrorCode::NoLiveConnection, message),
            CoreError::Reply(crate::app::ReplyError::NoSuchAgent(_)) => {
                Self::new(ErrorCode::NotFound, message)
            }
            CoreError::Reply(_) => Self::new(ErrorCode::BadInput, message),
            CoreError::Store(_) | CoreError::Config(_) => Self::new(ErrorCode::Internal, message),
        }
    }
}
