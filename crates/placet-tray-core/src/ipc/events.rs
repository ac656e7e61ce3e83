//! Every event the core pushes to pages: one enum, one name per variant, camelCase
//! payloads. Pages listen by name (`ui/app/js/ipc.js`, typed from the generated
//! bindings).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::views::{AppStatus, ProposalState, ReviewState};
use crate::window::WindowKind;

/// Who answered a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AnsweredBy {
    Here,
    Elsewhere,
}

/// A review's state changed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewStateEvent {
    pub message_id: String,
    pub state: ReviewState,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub by: Option<AnsweredBy>,
    /// The response the server stored, when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub response: Option<Value>,
    /// Why, when sending failed or is retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
    /// When a retry is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub retry_at: Option<DateTime<Utc>>,
}

impl ReviewStateEvent {
    /// An event with only the id and the state.
    pub fn new(message_id: &str, state: ReviewState) -> Self {
        Self {
            message_id: message_id.to_owned(),
            state,
            by: None,
            response: None,
            detail: None,
            retry_at: None,
        }
    }
}

/// A pending review's content changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewUpdatedEvent {
    pub message_id: String,
}

/// An attachment download made progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DownloadProgressEvent {
    /// The review whose window saves it.
    pub message_id: String,
    pub attachment_id: String,
    #[ts(type = "number")]
    pub received: u64,
    /// The size, when the server said.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// An agent's OAuth prompt ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OAuthStateEvent {
    pub state: String,
    /// `completed`, `failed` or `expired`.
    pub outcome: String,
    /// The provider's words when it refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

impl OAuthStateEvent {
    /// The event for a flow that ended so.
    pub fn ended(state: &str, outcome: &placet_client::inbox::OAuthOutcome) -> Self {
        use placet_client::inbox::OAuthOutcome as O;
        let (outcome, detail) = match outcome {
            O::Completed => ("completed", None),
            O::Failed { error, description } => (
                "failed",
                Some(crate::text::one_line(
                    description.as_deref().unwrap_or(error),
                    200,
                )),
            ),
            O::Expired => ("expired", None),
        };
        Self {
            state: state.to_owned(),
            outcome: outcome.to_owned(),
            detail,
        }
    }
}

/// Highlight an approval option in a review's window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewPreselectEvent {
    pub message_id: String,
    pub option_id: String,
}

/// Select this review in the inbox (the global shortcut: the oldest waiting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InboxFocusEvent {
    pub message_id: String,
}

/// A conversation with an agent changed (a message arrived, ours went out or failed):
/// read it again. `failed` says why ours did not go through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationChangedEvent {
    pub agent_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub failed: Option<String>,
}

/// A program's proposal changed: confirmed, cancelled, timed out, or overtaken by the
/// review (answered elsewhere, expired, withdrawn).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposalStateEvent {
    #[ts(type = "number")]
    pub id: u64,
    pub state: ProposalState,
    /// Why, in words, when it did not go through.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

/// An event for pages: `name` says which, `payload` carries it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "name", content = "payload")]
pub enum UiEvent {
    /// A review was answered, expired, withdrawn, or is being sent.
    #[serde(rename = "review-state")]
    ReviewState(ReviewStateEvent),
    /// A pending review's message changed: read it again.
    #[serde(rename = "review-updated")]
    ReviewUpdated(ReviewUpdatedEvent),
    /// The list of pending reviews changed: read it again.
    #[serde(rename = "inbox-changed")]
    InboxChanged(()),
    /// The account or the connection changed.
    #[serde(rename = "status-changed")]
    StatusChanged(AppStatus),
    /// Highlight this approval option (a danger option chosen from a notification).
    #[serde(rename = "review-preselect")]
    ReviewPreselect(ReviewPreselectEvent),
    /// An attachment download made progress.
    #[serde(rename = "download-progress")]
    DownloadProgress(DownloadProgressEvent),
    /// A proposal's state changed.
    #[serde(rename = "proposal-state")]
    ProposalState(ProposalStateEvent),
    /// An agent's OAuth prompt ended.
    #[serde(rename = "oauth-state")]
    OAuthState(OAuthStateEvent),
    /// Select this review in the inbox.
    #[serde(rename = "inbox-focus")]
    InboxFocus(InboxFocusEvent),
    /// A conversation changed: read it again.
    #[serde(rename = "conversation-changed")]
    ConversationChanged(ConversationChangedEvent),
}

/// Which windows an event is for: a window only ever hears about what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every window (nothing in it is about one review).
    Everyone,
    /// The review's own window and the inbox.
    Review(String),
    /// One window.
    Window(WindowKind),
}

impl UiEvent {
    /// The event's name, as pages listen for it.
    pub fn name(&self) -> &'static str {
        match self {
            UiEvent::ReviewState(_) => "review-state",
            UiEvent::ReviewUpdated(_) => "review-updated",
            UiEvent::InboxChanged(()) => "inbox-changed",
            UiEvent::StatusChanged(_) => "status-changed",
            UiEvent::ReviewPreselect(_) => "review-preselect",
            UiEvent::DownloadProgress(_) => "download-progress",
            UiEvent::ProposalState(_) => "proposal-state",
            UiEvent::OAuthState(_) => "oauth-state",
            UiEvent::InboxFocus(_) => "inbox-focus",
            UiEvent::ConversationChanged(_) => "conversation-changed",
        }
    }

    /// The windows the event is for.
    pub fn audience(&self) -> Audience {
        match self {
            UiEvent::ReviewState(e) => Audience::Review(e.message_id.clone()),
            UiEvent::ReviewUpdated(e) => Audience::Review(e.message_id.clone()),
            UiEvent::InboxChanged(()) => Audience::Window(WindowKind::Inbox),
            UiEvent::StatusChanged(_) => Audience::Everyone,
            UiEvent::ReviewPreselect(e) => Audience::Window(WindowKind::review(&e.message_id)),
            UiEvent::DownloadProgress(e) => Audience::Window(WindowKind::review(&e.message_id)),
            UiEvent::ProposalState(e) => Audience::Window(WindowKind::Confirm { proposal: e.id }),
            UiEvent::OAuthState(e) => Audience::Window(WindowKind::OAuth {
                state: e.state.clone(),
            }),
            UiEvent::InboxFocus(_) => Audience::Window(WindowKind::Inbox),
            UiEvent::ConversationChanged(e) => Audience::Window(WindowKind::Conversation {
                agent: e.agent_id.clone(),
            }),
        }
    }

    /// The labels of the windows the event is for (`None`: every window).
    pub fn labels(&self) -> Option<Vec<String>> {
        match self.audience() {
            Audience::Everyone => None,
            Audience::Review(id) => Some(vec![
                WindowKind::review(&id).label(),
                WindowKind::Inbox.label(),
            ]),
            Audience::Window(kind) => Some(vec![kind.label()]),
        }
    }

    /// The payload, as the page receives it.
    pub fn payload(&self) -> Value {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        value.get("payload").cloned().unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_serialised_tag() {
        let events = [
            UiEvent::ReviewState(ReviewStateEvent::new("m1", ReviewState::Sending)),
            UiEvent::ReviewUpdated(ReviewUpdatedEvent {
                message_id: "m1".into(),
            }),
            UiEvent::InboxChanged(()),
            UiEvent::ReviewPreselect(ReviewPreselectEvent {
                message_id: "m1".into(),
                option_id: "reject".into(),
            }),
        ];
        for e in events {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["name"], e.name(), "{v}");
        }
        let p = UiEvent::ReviewState(ReviewStateEvent::new("m1", ReviewState::Sending)).payload();
        assert_eq!(
            UiEvent::ReviewState(ReviewStateEvent::new("m1", ReviewState::Sending)).labels(),
            Some(vec!["review-6d31".to_owned(), "inbox".to_owned()]),
            "a review's state goes to its own window and the inbox only"
        );
        assert_eq!(
            p,
            serde_json::json!({"messageId": "m1", "state": "sending"})
        );
    }
}
