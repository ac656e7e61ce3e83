//! The settings of "never miss a decision, never nag": Do Not Disturb, urgency, sounds,
//! reminders, the badge, the global shortcut and how long the history is kept. Every one
//! applies at once (the flows read them when they act).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The global shortcut a new user gets.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+P";

/// What draws the person's attention, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct AttentionPrefs {
    /// Follow the desktop's Do Not Disturb: no banners while it is on (the tray's count
    /// still grows).
    pub follow_dnd: bool,
    /// A review that expires within this many minutes is critical, and breaks through
    /// Do Not Disturb once (0: never).
    pub breakthrough_minutes: u32,
    /// A review its agent marks urgent (`status: "error"`, or `metadata.priority`
    /// `"urgent"`/`"critical"`) is critical.
    pub agent_urgency: bool,
    /// Play the desktop's message sound for agents' messages.
    pub message_sound: bool,
    /// Remind of a review left unanswered after this many minutes (0: never).
    pub renudge_minutes: u32,
    /// At most this many reminders per review.
    pub renudge_times: u32,
    /// "Remind me in 15 min" and "in 1 h" on review notifications.
    pub snooze_buttons: bool,
    /// The tray's badge changes colour once a review has waited this many minutes (0:
    /// never).
    pub overdue_minutes: u32,
    /// The keys that open the inbox at the oldest waiting review, anywhere on the desktop
    /// (`Ctrl+Alt+P`; empty: none).
    pub shortcut: String,
    /// Days the history of decisions is kept (at least 1).
    pub history_days: u32,
}

impl Default for AttentionPrefs {
    /// What a new user would choose: follow the desktop, break through for the last ten
    /// minutes of a review, remind every half hour up to three times, snooze buttons on,
    /// the badge turns after fifteen minutes, Ctrl+Alt+P, ninety days of history.
    fn default() -> Self {
        Self {
            follow_dnd: true,
            breakthrough_minutes: 10,
            agent_urgency: true,
            message_sound: true,
            renudge_minutes: 30,
            renudge_times: 3,
            snooze_buttons: true,
            overdue_minutes: 15,
            shortcut: DEFAULT_SHORTCUT.to_owned(),
            history_days: 90,
        }
    }
}

impl AttentionPrefs {
    /// The settings with values out of range brought back in (a hand-edited file).
    pub fn clamped(mut self) -> Self {
        self.breakthrough_minutes = self.breakthrough_minutes.min(24 * 60);
        self.renudge_minutes = self.renudge_minutes.min(24 * 60);
        if self.renudge_minutes > 0 && self.renudge_minutes < 5 {
            self.renudge_minutes = 5;
        }
        self.renudge_times = self.renudge_times.min(10);
        self.overdue_minutes = self.overdue_minutes.min(7 * 24 * 60);
        self.history_days = self.history_days.clamp(1, 3650);
        self.shortcut = self.shortcut.trim().chars().take(64).collect();
        self
    }

    /// The breakthrough window.
    pub fn breakthrough(&self) -> Option<chrono::Duration> {
        (self.breakthrough_minutes > 0)
            .then(|| chrono::Duration::minutes(self.breakthrough_minutes.into()))
    }

    /// The time between reminders, when they are on.
    pub fn renudge(&self) -> Option<chrono::Duration> {
        (self.renudge_minutes > 0 && self.renudge_times > 0)
            .then(|| chrono::Duration::minutes(self.renudge_minutes.into()))
    }

    /// How long a review waits before the badge changes.
    pub fn overdue(&self) -> Option<chrono::Duration> {
        (self.overdue_minutes > 0).then(|| chrono::Duration::minutes(self.overdue_minutes.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file without the section gets the defaults; one with odd values gets them
    /// brought into range.
    #[test]
    fn defaults_and_ranges() {
        let p: AttentionPrefs = serde_json::from_str("{}").unwrap();
        assert_eq!(p, AttentionPrefs::default());
        assert_eq!(p.shortcut, "Ctrl+Alt+P");
        let odd: AttentionPrefs =
            serde_json::from_str(r#"{"renudgeMinutes": 1, "historyDays": 0, "renudgeTimes": 99}"#)
                .unwrap();
        let c = odd.clamped();
        assert_eq!(
            (c.renudge_minutes, c.history_days, c.renudge_times),
            (5, 1, 10)
        );
        let off = AttentionPrefs {
            renudge_minutes: 0,
            breakthrough_minutes: 0,
            overdue_minutes: 0,
            ..AttentionPrefs::default()
        };
        assert!(off.renudge().is_none() && off.breakthrough().is_none() && off.overdue().is_none());
    }
}
