//! How urgent a review is, and how long the person has been kept waiting: pure rules.
//!
//! # What "marked urgent" means
//! Placet's messages carry a `status` (`info`, `success`, `warning`, `error`) that the
//! web UI colours; agents already set it. A review posted with `status: "error"` comes
//! from an agent that is stuck on a failure and cannot go on without the person: that is
//! urgent. `warning` is not: agents use it for ordinary caution ("this deploys to
//! production"), and making every such review critical would make critical mean nothing
//! (critical notifications stay on screen and pass Do Not Disturb on several desktops).
//! An agent that means urgency without an error says so explicitly in the message's
//! `metadata`: `"priority": "urgent"` (or `"critical"`), or `"urgent": true`.

use chrono::{DateTime, Duration, Utc};
use placet_client::protocol::MessageStatus;
use placet_client::Message;

use super::prefs::AttentionPrefs;
use crate::notify::Urgency;

/// True when the review's agent marks it urgent; see the module's documentation.
pub fn marked_urgent(m: &Message) -> bool {
    if m.status == Some(MessageStatus::Error) {
        return true;
    }
    let Some(meta) = m.metadata.as_ref() else {
        return false;
    };
    let priority = meta
        .get("priority")
        .and_then(serde_json::Value::as_str)
        .map(|p| p.trim().to_ascii_lowercase());
    matches!(priority.as_deref(), Some("urgent" | "critical"))
        || meta.get("urgent").and_then(serde_json::Value::as_bool) == Some(true)
}

/// When a review expiring at `expires_at` enters the breakthrough window.
pub fn expiry_alert_at(
    expires_at: Option<DateTime<Utc>>,
    prefs: &AttentionPrefs,
) -> Option<DateTime<Utc>> {
    Some(expires_at? - prefs.breakthrough()?)
}

/// Why a review is critical, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Critical {
    /// It expires within the breakthrough window: this long is left.
    Expiring(Duration),
    /// Its agent marked it urgent.
    MarkedUrgent,
}

/// How urgent `m` is at `now`: critical when it expires within the breakthrough window
/// or its agent marks it urgent (where the person lets agents), normal otherwise.
pub fn review_urgency(
    m: &Message,
    now: DateTime<Utc>,
    prefs: &AttentionPrefs,
) -> (Urgency, Option<Critical>) {
    let expires = m.review.as_ref().and_then(|r| r.expires_at);
    if expiry_alert_at(expires, prefs).is_some_and(|at| at <= now) {
        let left = expires.map(|e| e - now).unwrap_or_default();
        return (Urgency::Critical, Some(Critical::Expiring(left)));
    }
    if prefs.agent_urgency && marked_urgent(m) {
        return (Urgency::Critical, Some(Critical::MarkedUrgent));
    }
    (Urgency::Normal, None)
}

/// How long the reviews waiting have waited, for the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub count: usize,
    /// The oldest one's wait.
    pub oldest: Option<Duration>,
    /// The oldest waited longer than the badge's threshold.
    pub overdue: bool,
}

/// The waiting reviews (their arrival times) at `now`.
pub fn waiting(
    arrived: impl IntoIterator<Item = DateTime<Utc>>,
    now: DateTime<Utc>,
    prefs: &AttentionPrefs,
) -> Waiting {
    let mut count = 0;
    let mut first: Option<DateTime<Utc>> = None;
    for t in arrived {
        count += 1;
        first = Some(first.map_or(t, |f| f.min(t)));
    }
    let oldest = first.map(|f| (now - f).max(Duration::zero()));
    Waiting {
        count,
        oldest,
        overdue: match (oldest, prefs.overdue()) {
            (Some(o), Some(limit)) => o >= limit,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(
        expires_in: Option<i64>,
        status: Option<MessageStatus>,
        meta: serde_json::Value,
    ) -> Message {
        let expires = expires_in.map(|m| (Utc::now() + Duration::minutes(m)).to_rfc3339());
        let mut m: Message = serde_json::from_value(json!({
            "id": "m1", "channelId": "a1", "senderType": "agent",
            "createdAt": Utc::now().to_rfc3339(),
            "review": {"type": "text-input", "payload": {}, "status": "pending", "expiresAt": expires},
        }))
        .unwrap();
        m.status = status;
        m.metadata = (!meta.is_null()).then_some(meta);
        m
    }

    /// An error from the agent or an explicit priority is urgent; a warning, another
    /// priority or nothing is not.
    #[test]
    fn what_marked_urgent_means() {
        let p = |meta| message(None, None, meta);
        assert!(marked_urgent(&message(
            None,
            Some(MessageStatus::Error),
            json!(null)
        )));
        assert!(!marked_urgent(&message(
            None,
            Some(MessageStatus::Warning),
            json!(null)
        )));
        assert!(marked_urgent(&p(json!({"priority": "urgent"}))));
        assert!(marked_urgent(&p(json!({"priority": " Critical "}))));
        assert!(marked_urgent(&p(json!({"urgent": true}))));
        assert!(!marked_urgent(&p(json!({"priority": "high"}))));
        assert!(!marked_urgent(&p(json!({"urgent": "yes"}))));
        assert!(!marked_urgent(&p(json!(null))));
    }

    /// Critical within the breakthrough window or when marked urgent (if the person
    /// lets agents say so); normal otherwise, and when the window is off.
    #[test]
    fn urgency_of_a_review() {
        let prefs = AttentionPrefs::default();
        let now = Utc::now();
        let soon = message(Some(7), None, json!(null));
        assert!(matches!(
            review_urgency(&soon, now, &prefs),
            (Urgency::Critical, Some(Critical::Expiring(_)))
        ));
        let later = message(Some(60), None, json!(null));
        assert_eq!(review_urgency(&later, now, &prefs), (Urgency::Normal, None));
        let urgent = message(Some(60), Some(MessageStatus::Error), json!(null));
        assert_eq!(
            review_urgency(&urgent, now, &prefs),
            (Urgency::Critical, Some(Critical::MarkedUrgent))
        );
        let deaf = AttentionPrefs {
            agent_urgency: false,
            breakthrough_minutes: 0,
            ..prefs
        };
        assert_eq!(review_urgency(&urgent, now, &deaf).0, Urgency::Normal);
        assert_eq!(review_urgency(&soon, now, &deaf).0, Urgency::Normal);
    }

    /// The oldest wait, and the badge's threshold.
    #[test]
    fn how_long_they_waited() {
        let prefs = AttentionPrefs::default();
        let now = Utc::now();
        let w = waiting(
            [now - Duration::minutes(3), now - Duration::minutes(12)],
            now,
            &prefs,
        );
        assert_eq!(w.count, 2);
        assert_eq!(w.oldest, Some(Duration::minutes(12)));
        assert!(!w.overdue, "under fifteen minutes");
        let w = waiting([now - Duration::minutes(15)], now, &prefs);
        assert!(w.overdue);
        assert_eq!(waiting([], now, &prefs).oldest, None);
    }
}
