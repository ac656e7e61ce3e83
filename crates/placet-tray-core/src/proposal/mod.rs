//! Programs' proposals: an answer (or a message to an agent) a program hands over
//! through the command line's door, waiting for the person to confirm it in its
//! confirmation window. This module keeps
//! them (at most [`MAX_WAITING`], one per review) and words them for the window: the
//! answer exactly as it would be sent, row by row, passwords as dots. The flow that
//! opens the window and waits is [`crate::flows`]'s.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use placet_client::protocol::{Agent, FieldType, ReviewKind};
use placet_client::{Answer, Message, ValidResponse};
use serde_json::{Map, Value};
use tokio::sync::oneshot;

use crate::ipc::views::{AnswerRow, ProposalKind, ProposalState, ProposalView};

/// How long a proposal waits for the person.
pub const LAPSE: Duration = Duration::from_secs(300);
/// Most proposals waiting at once: a program cannot bury the person in windows.
pub const MAX_WAITING: usize = 4;

/// What a program proposes.
#[derive(Debug)]
pub enum Proposed {
    /// An answer to a review.
    Answer {
        message: Arc<Message>,
        answer: Answer,
        response: ValidResponse,
        feedback: Option<String>,
        /// A `danger` option: shown, never sent for the program.
        danger: bool,
    },
    /// A message to an agent, exactly as it would be sent.
    Reply { agent: Agent, text: String },
}

impl Proposed {
    fn danger(&self) -> bool {
        matches!(self, Proposed::Answer { danger: true, .. })
    }

    fn review_id(&self) -> Option<&str> {
        match self {
            Proposed::Answer { message, .. } => Some(&message.id),
            Proposed::Reply { .. } => None,
        }
    }
}

/// One proposal.
#[derive(Debug)]
pub struct Proposal {
    pub id: u64,
    pub what: Proposed,
    /// Who proposed it, in words.
    pub proposer: String,
    pub proposed_at: DateTime<Utc>,
    pub state: ProposalState,
    decided: Option<oneshot::Sender<bool>>,
}

/// Why a proposal was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Busy {
    #[error("an answer to this review proposed earlier is still waiting for the person")]
    SameReview,
    #[error("{MAX_WAITING} proposed answers are already waiting for the person")]
    TooMany,
}

/// The proposals of this run.
#[derive(Debug, Default)]
pub struct Proposals {
    next: AtomicU64,
    all: Mutex<HashMap<u64, Proposal>>,
}

/// What a new proposal is made of.
#[derive(Debug)]
pub struct NewProposal {
    pub what: Proposed,
    pub proposer: String,
}

impl Proposals {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Proposal>> {
        self.all.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a proposal; the receiver hears the person's decision (true: Confirm). A
    /// `danger` proposal starts as [`ProposalState::Refused`] and is never decided.
    pub fn add(&self, new: NewProposal) -> Result<(u64, oneshot::Receiver<bool>), Busy> {
        let mut all = self.lock();
        let waiting: Vec<&Proposal> = all
            .values()
            .filter(|p| p.state == ProposalState::Waiting || p.state == ProposalState::Refused)
            .collect();
        let review = new.what.review_id();
        if review.is_some()
            && waiting
                .iter()
                .any(|p| p.what.review_id() == review && p.state == ProposalState::Waiting)
        {
            return Err(Busy::SameReview);
        }
        if waiting.len() >= MAX_WAITING {
            return Err(Busy::TooMany);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        let danger = new.what.danger();
        all.insert(
            id,
            Proposal {
                id,
                state: if danger {
                    ProposalState::Refused
                } else {
                    ProposalState::Waiting
                },
                decided: (!danger).then_some(tx),
                what: new.what,
                proposer: new.proposer,
                proposed_at: Utc::now(),
            },
        );
        Ok((id, rx))
    }

    /// The person's decision, from the proposal's own window. False when the proposal
    /// no longer waits.
    pub fn decide(&self, id: u64, confirm: bool) -> bool {
        let mut all = self.lock();
        let Some(p) = all.get_mut(&id) else {
            return false;
        };
        match p.decided.take() {
            Some(tx) if p.state == ProposalState::Waiting => tx.send(confirm).is_ok(),
            _ => false,
        }
    }

    /// Records where a proposal stands (it stops waiting unless `state` is `Waiting`).
    pub fn set_state(&self, id: u64, state: ProposalState) {
        if let Some(p) = self.lock().get_mut(&id) {
            p.state = state;
            if state != ProposalState::Waiting {
                p.decided = None;
            }
        }
    }

    /// Forgets a proposal (its window is gone).
    pub fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// The proposal for its window; for an answer, with the agent's name and the
    /// review's text as sanitised HTML.
    pub fn view(&self, id: u64, agent_name: &str, html: String) -> Option<ProposalView> {
        let all = self.lock();
        let p = all.get(&id)?;
        let lapses_at =
            p.proposed_at + chrono::Duration::from_std(LAPSE).unwrap_or(chrono::Duration::zero());
        let view = match &p.what {
            Proposed::Answer {
                message,
                answer,
                response,
                feedback,
                danger,
            } => {
                let kind = &message.review.as_ref()?.kind;
                ProposalView {
                    id,
                    kind: ProposalKind::Answer,
                    message_id: message.id.clone(),
                    agent_name: agent_name.to_owned(),
                    html,
                    review_type: kind.type_name().to_owned(),
                    rows: answer_rows(kind, answer, response.as_object()),
                    json: masked_json(kind, response.as_object()),
                    danger: *danger,
                    feedback: feedback.clone(),
                    proposer: p.proposer.clone(),
                    state: p.state,
                    proposed_at: p.proposed_at,
                    lapses_at,
                }
            }
            Proposed::Reply { agent, text } => ProposalView {
                id,
                kind: ProposalKind::Reply,
                message_id: String::new(),
                agent_name: agent.name.clone(),
                html: String::new(),
                review_type: String::new(),
                rows: vec![AnswerRow {
                    block: true,
                    ..row("Message", text.clone())
                }],
                json: serde_json::to_string_pretty(
                    &serde_json::json!({ "channelId": agent.id, "text": text }),
                )
                .unwrap_or_default(),
                danger: false,
                feedback: None,
                proposer: p.proposer.clone(),
                state: p.state,
                proposed_at: p.proposed_at,
                lapses_at,
            },
        };
        Some(view)
    }

    /// The review a proposed answer answers (`None` for a proposed message).
    pub fn message_of(&self, id: u64) -> Option<Arc<Message>> {
        match &self.lock().get(&id)?.what {
            Proposed::Answer { message, .. } => Some(message.clone()),
            Proposed::Reply { .. } => None,
        }
    }
}

/// A password's value as the window shows it: a dot per character.
fn dots(text: &str) -> String {
    "•".repeat(text.chars().count())
}

fn row(label: &str, value: String) -> AnswerRow {
    AnswerRow {
        label: label.to_owned(),
        value,
        key: None,
        secret: false,
        block: false,
    }
}

/// The answer as it will be sent, in rows a person reads: every value in full, labels
/// from the review, passwords as dots.
pub fn answer_rows(
    kind: &ReviewKind,
    answer: &Answer,
    sent: &Map<String, Value>,
) -> Vec<AnswerRow> {
    let keyed = |label: &str, value: String, key: &str| AnswerRow {
        key: (label != key).then(|| key.to_owned()),
        ..row(label, value)
    };
    if sent.get("_dismissed") == Some(&Value::Bool(true)) {
        let label = kind.dismiss_label().unwrap_or("Dismiss");
        return vec![row("Answer", label.to_owned())];
    }
    match (kind, answer) {
        (ReviewKind::Approval(p), Answer::Approval { option_id, .. }) => {
            let label = p.option(option_id).map_or(option_id.as_str(), |o| &o.label);
            let mut rows = vec![AnswerRow {
                key: (label != option_id).then(|| option_id.clone()),
                ..row("Option", label.to_owned())
            }];
            if let Some(Value::String(c)) = sent.get("comment") {
                rows.push(AnswerRow {
                    block: true,
                    ..row("Comment", c.clone())
                });
            }
            rows
        }
        (ReviewKind::Selection(p), _) => sent
            .get("selectedIds")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|id| {
                let label = p.items.iter().find(|i| i.id == id).map_or(id, |i| &i.label);
                AnswerRow {
                    key: (label != id).then(|| id.to_owned()),
                    ..row("Selected", label.to_owned())
                }
            })
            .collect(),
        (ReviewKind::Form(p), _) => p
            .fields
            .iter()
            .filter_map(|f| {
                let v = sent.get(&f.name)?;
                let secret = f.field_type == FieldType::Password;
                let value = match v {
                    Value::String(s) if secret => {
                        format!("{} ({} characters)", dots(s), s.chars().count())
                    }
                    Value::String(s) => s.clone(),
                    Value::Bool(true) => "Yes".to_owned(),
                    Value::Bool(false) => "No".to_owned(),
                    other => other.to_string(),
                };
                Some(AnswerRow {
                    secret,
                    block: f.field_type == FieldType::Textarea,
                    ..keyed(f.display_label(), value, &f.name)
                })
            })
            .collect(),
        (ReviewKind::TextInput(_), _) => sent
            .get("text")
            .and_then(Value::as_str)
            .map(|t| {
                vec![AnswerRow {
                    block: true,
                    ..row("Text", t.to_owned())
                }]
            })
            .unwrap_or_default(),
        // Freeform: the JSON itself is the answer (shown whole beside the rows).
        _ => Vec::new(),
    }
}

/// The JSON the server receives, pretty, with password values as dots of their length.
pub fn masked_json(kind: &ReviewKind, sent: &Map<String, Value>) -> String {
    let mut shown = sent.clone();
    if let ReviewKind::Form(p) = kind {
        for f in p
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::Password)
        {
            if let Some(v) = shown.get_mut(&f.name) {
                if let Value::String(s) = v {
                    *v = Value::String(dots(s));
                }
            }
        }
    }
    serde_json::to_string_pretty(&Value::Object(shown)).unwrap_or_default()
}

/// A stored answer (an earlier round's) with its password values as a fixed row of dots:
/// neither the password nor its length is shown.
pub fn hide_passwords(kind: &ReviewKind, response: &Value) -> Value {
    let mut shown = response.clone();
    if let (ReviewKind::Form(p), Value::Object(map)) = (kind, &mut shown) {
        for f in p
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::Password)
        {
            if let Some(v) = map.get_mut(&f.name) {
                *v = Value::String("••••••••".to_owned());
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests;
