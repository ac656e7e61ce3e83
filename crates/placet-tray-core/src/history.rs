//! The decided reviews, from the local decision log ([`Outbox::decisions`]): what was
//! decided, by which path (a notification, a window, the command line), when, and what
//! became of it; searched by agent and text; kept for the days the settings say (older
//! rows are pruned when the history is read and at sign-in).
//!
//! Answers' values follow the rules everywhere else: a password was never written to
//! the log (it holds the server's `***REDACTED***` in its place) and shows as dots; the
//! review's title and the answer are sealed in the database, opened here with the
//! account's key.

use chrono::{DateTime, Duration, Utc};
use placet_client::outbox::{AnswerSource, Decision, Outbox, StoreError};
use placet_client::ServerUrl;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::text;

/// Most decisions read for one history.
pub const MAX_ENTRIES: u32 = 2000;

/// How a decision was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DecisionPath {
    /// A notification's button or reply.
    Notification,
    /// The review's window or the inbox.
    Window,
    /// A program's proposal (the command line), confirmed by the person.
    CommandLine,
    /// Unknown (written by another version).
    Other,
}

impl DecisionPath {
    fn of(source: Option<AnswerSource>) -> Self {
        match source {
            Some(AnswerSource::NotificationButton | AnswerSource::NotificationReply) => {
                DecisionPath::Notification
            }
            Some(AnswerSource::ReviewWindow | AnswerSource::Inbox) => DecisionPath::Window,
            Some(s) if s.is_command_line() => DecisionPath::CommandLine,
            _ => DecisionPath::Other,
        }
    }
}

/// One decided review.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub message_id: String,
    pub agent: String,
    /// What the review asked (its first line), where the log has it.
    pub title: Option<String>,
    /// `approval`, `form`, ...
    pub review_type: String,
    /// What was answered, in words, passwords as dots ("selectedOption: approve").
    pub answer: String,
    pub path: DecisionPath,
    /// Where, in words ("with a notification button").
    pub given_in: String,
    #[ts(type = "string")]
    pub decided_at: DateTime<Utc>,
    /// `queued`, `sent`, `answeredElsewhere`, `expired`, `withdrawn`, `failed`,
    /// `discarded`.
    pub outcome: String,
    pub delivered_to_agent: bool,
    /// The review's page in Placet's web app.
    pub page: String,
}

/// A history, with what it can be searched by.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    /// Newest first.
    pub entries: Vec<HistoryEntry>,
    /// Every agent in the history, for the filter.
    pub agents: Vec<String>,
    /// Days decisions are kept.
    pub retention_days: u32,
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// An agent's name, exactly.
    pub agent: Option<String>,
    /// Words in the title, the answer, the agent or the review type (any case).
    pub text: Option<String>,
}

/// What the log holds in place of a password.
const REDACTED: &str = placet_client::answer::REDACTED;
/// How a password shows.
pub const DOTS: &str = "••••••••";

/// An answer, on one line, passwords as dots.
pub fn answer_text(d: &Decision) -> String {
    if d.unreadable {
        return format!(
            "{} (the answer cannot be read with this sign-in's key)",
            d.summary
        );
    }
    let Value::Object(map) = &d.response else {
        return d.summary.clone();
    };
    if map.is_empty() {
        return d.summary.clone();
    }
    let words: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", key_label(k), value_text(v)))
        .collect();
    text::one_line(&words.join(" · "), 300)
}

/// A response key in words: Placet's own keys named, a form's field by its name.
fn key_label(key: &str) -> String {
    match key {
        "selectedOption" => "Option".to_owned(),
        "selectedIds" => "Selected".to_owned(),
        "comment" => "Comment".to_owned(),
        "text" => "Text".to_owned(),
        "_dismissed" => "Dismissed".to_owned(),
        other => text::one_line(other, 40),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) if s == REDACTED => DOTS.to_owned(),
        Value::String(s) => text::one_line(s, 120),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => text::one_line(&v.to_string(), 120),
        other => other.to_string(),
    }
}

/// The entry of a decision.
pub fn entry(d: Decision, server: &ServerUrl) -> HistoryEntry {
    HistoryEntry {
        answer: answer_text(&d),
        path: DecisionPath::of(d.source),
        given_in: text::answer_source(d.source, &d.source_label),
        delivered_to_agent: d.delivered_to_agent(),
        page: server.review_page(&d.message_id).to_string(),
        title: d.title.map(|t| text::one_line(&t, 200)),
        message_id: d.message_id,
        agent: d.agent,
        review_type: d.review_type,
        decided_at: d.decided_at,
        outcome: d.outcome,
    }
}

impl Search {
    fn matches(&self, e: &HistoryEntry) -> bool {
        if self.agent.as_deref().is_some_and(|a| a != e.agent) {
            return false;
        }
        let Some(q) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        else {
            return true;
        };
        let q = q.to_lowercase();
        [
            e.title.as_deref().unwrap_or(""),
            &e.answer,
            &e.agent,
            &e.review_type,
        ]
        .iter()
        .any(|s| s.to_lowercase().contains(&q))
    }
}

/// The history of `outbox`'s account, pruned to `retention_days` first, matching `search`.
pub fn read(
    outbox: &Outbox,
    server: &ServerUrl,
    retention_days: u32,
    search: &Search,
) -> Result<HistoryView, StoreError> {
    prune(outbox, retention_days, Utc::now())?;
    let all: Vec<HistoryEntry> = outbox
        .decisions(MAX_ENTRIES)?
        .into_iter()
        .map(|d| entry(d, server))
        .collect();
    let mut agents: Vec<String> = all.iter().map(|e| e.agent.clone()).collect();
    agents.sort();
    agents.dedup();
    Ok(HistoryView {
        entries: all.into_iter().filter(|e| search.matches(e)).collect(),
        agents,
        retention_days,
    })
}

/// The histories of several accounts as one: newest first, every agent once.
pub fn merged(views: Vec<HistoryView>) -> HistoryView {
    let retention_days = views.first().map_or(0, |v| v.retention_days);
    let mut entries: Vec<HistoryEntry> = Vec::new();
    let mut agents: Vec<String> = Vec::new();
    for v in views {
        entries.extend(v.entries);
        agents.extend(v.agents);
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.decided_at));
    entries.truncate(MAX_ENTRIES as usize);
    agents.sort();
    agents.dedup();
    HistoryView {
        entries,
        agents,
        retention_days,
    }
}

/// Deletes decisions older than `retention_days` (never one still queued).
pub fn prune(
    outbox: &Outbox,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let cut = now - Duration::days(retention_days.max(1).into());
    let n = outbox.prune_decisions(cut)?;
    if n > 0 {
        tracing::info!(pruned = n, "old decisions left the history");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decision(response: Value) -> Decision {
        Decision {
            message_id: "m1".into(),
            agent: "Deploy Bot".into(),
            review_type: "form".into(),
            summary: "form with 2 values".into(),
            response,
            source: Some(AnswerSource::CliConfirmedByClick),
            source_label: "cliConfirmedByClick".into(),
            decided_at: Utc::now(),
            outcome: "sent".into(),
            outcome_at: None,
            detail: None,
            delivery: None,
            delivery_at: None,
            unreadable: false,
            legacy: false,
            title: Some("Create the ops account?".into()),
        }
    }

    /// A password shows as dots; the path is the command line's; search looks at the
    /// title, the answer and the agent, and filters by agent.
    #[test]
    fn entries_read_safely_and_search() {
        let server = ServerUrl::parse("https://placet.example").unwrap();
        let e = entry(
            decision(json!({"user": "ops", "pass": "***REDACTED***"})),
            &server,
        );
        assert_eq!(e.answer, "pass: •••••••• · user: ops");
        assert!(!e.answer.contains("REDACTED"));
        assert_eq!(e.path, DecisionPath::CommandLine);
        assert_eq!(e.page, "https://placet.example/inbox/m1");
        let by = |agent: Option<&str>, text: Option<&str>| Search {
            agent: agent.map(str::to_owned),
            text: text.map(str::to_owned),
        };
        assert!(by(None, Some("OPS ACCOUNT")).matches(&e));
        assert!(by(Some("Deploy Bot"), Some("user: ops")).matches(&e));
        assert!(!by(Some("Other Bot"), None).matches(&e));
        assert!(!by(None, Some("hunter2")).matches(&e));
    }
}
