//! What goes into the outbox and what comes out of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::answer::ValidResponse;
use crate::protocol::{DeliveryStatus, ReviewKind};

/// Where an answer came from. Recorded in the decision log; every answer that did not
/// come from a person's click or typing in the app is announced by the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerSource {
    /// A button of a notification.
    NotificationButton,
    /// Text typed into a notification (inline reply).
    NotificationReply,
    /// The review window.
    ReviewWindow,
    /// The inbox window.
    Inbox,
    /// The command line, confirmed by the person at the terminal.
    CliConfirmedAtTerminal,
    /// The command line, confirmed by a click in the tray's notification.
    CliConfirmedByClick,
    /// The command line without confirmation, because the person allowed unattended
    /// answers in the settings.
    CliUnattended,
}

impl AnswerSource {
    /// Every source.
    pub const ALL: [AnswerSource; 7] = [
        AnswerSource::NotificationButton,
        AnswerSource::NotificationReply,
        AnswerSource::ReviewWindow,
        AnswerSource::Inbox,
        AnswerSource::CliConfirmedAtTerminal,
        AnswerSource::CliConfirmedByClick,
        AnswerSource::CliUnattended,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerSource::NotificationButton => "notificationButton",
            AnswerSource::NotificationReply => "notificationReply",
            AnswerSource::ReviewWindow => "reviewWindow",
            AnswerSource::Inbox => "inbox",
            AnswerSource::CliConfirmedAtTerminal => "cliConfirmedAtTerminal",
            AnswerSource::CliConfirmedByClick => "cliConfirmedByClick",
            AnswerSource::CliUnattended => "cliUnattended",
        }
    }

    /// Reads a stored name. Names written by earlier versions (`notification`,
    /// `window`) map to today's; `cli` recorded no confirmation and maps to none.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "notification" => Some(AnswerSource::NotificationButton),
            "window" => Some(AnswerSource::ReviewWindow),
            other => Self::ALL.into_iter().find(|a| a.as_str() == other),
        }
    }

    /// True for the command line, confirmed or not.
    pub fn is_command_line(self) -> bool {
        matches!(
            self,
            AnswerSource::CliConfirmedAtTerminal
                | AnswerSource::CliConfirmedByClick
                | AnswerSource::CliUnattended
        )
    }

    /// False only for an unattended command-line answer: no person confirmed it.
    pub fn confirmed_by_person(self) -> bool {
        self != AnswerSource::CliUnattended
    }
}

/// An answer to queue.
#[derive(Debug, Clone)]
pub struct NewAnswer<'a> {
    pub message_id: &'a str,
    pub response: &'a ValidResponse,
    pub feedback: Option<&'a str>,
    pub source: AnswerSource,
    /// For the decision log.
    pub agent: &'a str,
    /// For the decision log, and to redact password fields there.
    pub review: &'a ReviewKind,
    /// For the decision log, in clear: [`crate::Answer::summary`], which names option and
    /// item ids and counts but never holds a typed value.
    pub summary: &'a str,
    /// For the decision log's history, sealed like the response: what the review asked
    /// (its first line, plain text).
    pub title: Option<&'a str>,
}

/// An answer waiting in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedAnswer {
    pub id: i64,
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// The answer cannot be opened with the outbox's key (the key changed): it is kept,
    /// never sent, until the right key is back or it is discarded.
    pub unreadable: bool,
}

/// One entry of the decision log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub message_id: String,
    pub agent: String,
    pub review_type: String,
    pub summary: String,
    /// The response with password values redacted; `null` when `unreadable`.
    pub response: Value,
    /// Where the answer came from; `None` for a name this version does not know.
    pub source: Option<AnswerSource>,
    /// The stored source name, as written.
    pub source_label: String,
    pub decided_at: DateTime<Utc>,
    /// `queued`, `sent`, `answeredElsewhere`, `expired`, `withdrawn`, `failed`,
    /// `discarded`.
    pub outcome: String,
    pub outcome_at: Option<DateTime<Utc>>,
    pub detail: Option<String>,
    /// How far our answer got towards the agent (`message:delivery`), for "delivered
    /// to the agent"; `None` until the server says.
    pub delivery: Option<DeliveryStatus>,
    pub delivery_at: Option<DateTime<Utc>>,
    /// The stored response cannot be opened with the outbox's key.
    pub unreadable: bool,
    /// Written by an earlier version that did not record the account.
    pub legacy: bool,
    /// What the review asked (its first line), where it was recorded and opens with the
    /// key.
    pub title: Option<String>,
}

impl Decision {
    /// True when the agent has our answer (its webhook took it, or it acknowledged).
    pub fn delivered_to_agent(&self) -> bool {
        self.delivery.is_some_and(DeliveryStatus::reached_agent)
    }
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Delivery {
    /// The server stored our answer (`lost_reply`: learned by fetching after a 403).
    Sent {
        message_id: String,
        lost_reply: bool,
    },
    /// The review already had a different answer.
    AnsweredElsewhere {
        message_id: String,
        response: Option<Value>,
    },
    /// The review expired before our answer arrived.
    Expired { message_id: String },
    /// The agent deleted the review (404); the answer left the queue.
    Withdrawn { message_id: String },
    /// Failed for good; the answer left the queue.
    Failed { message_id: String, reason: String },
    /// Not delivered yet; it stays queued.
    WillRetry {
        message_id: String,
        reason: String,
        at: DateTime<Utc>,
    },
    /// The sign-in was refused; it stays queued until it is renewed.
    AuthExpired { message_id: String },
    /// The queued answer cannot be opened with this key; it stays, never sent.
    Unreadable { message_id: String },
}

impl Delivery {
    /// The review this is about.
    pub fn message_id(&self) -> &str {
        match self {
            Delivery::Sent { message_id, .. }
            | Delivery::AnsweredElsewhere { message_id, .. }
            | Delivery::Expired { message_id }
            | Delivery::Withdrawn { message_id }
            | Delivery::Failed { message_id, .. }
            | Delivery::WillRetry { message_id, .. }
            | Delivery::AuthExpired { message_id }
            | Delivery::Unreadable { message_id } => message_id,
        }
    }

    /// True when the answer left the queue.
    pub fn is_settled(&self) -> bool {
        !matches!(
            self,
            Delivery::WillRetry { .. } | Delivery::AuthExpired { .. } | Delivery::Unreadable { .. }
        )
    }

    pub(super) fn kind(&self) -> &'static str {
        match self {
            Delivery::Sent { .. } => "sent",
            Delivery::AnsweredElsewhere { .. } => "answered elsewhere",
            Delivery::Expired { .. } => "expired",
            Delivery::Withdrawn { .. } => "withdrawn",
            Delivery::Failed { .. } => "failed",
            Delivery::WillRetry { .. } => "will retry",
            Delivery::AuthExpired { .. } => "auth expired",
            Delivery::Unreadable { .. } => "unreadable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip_and_read_old_names() {
        for s in AnswerSource::ALL {
            assert_eq!(AnswerSource::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                Value::String(s.as_str().to_owned())
            );
            assert_eq!(
                serde_json::from_value::<AnswerSource>(Value::String(s.as_str().to_owned()))
                    .unwrap(),
                s
            );
        }
        assert_eq!(
            AnswerSource::parse("notification"),
            Some(AnswerSource::NotificationButton)
        );
        assert_eq!(
            AnswerSource::parse("window"),
            Some(AnswerSource::ReviewWindow)
        );
        assert_eq!(
            AnswerSource::parse("cli"),
            None,
            "no confirmation was recorded"
        );
        assert!(!AnswerSource::CliUnattended.confirmed_by_person());
        assert!(AnswerSource::CliConfirmedByClick.is_command_line());
        assert!(!AnswerSource::Inbox.is_command_line());
    }
}
