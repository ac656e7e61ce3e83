//! Never miss a decision, never nag: what makes a review's notification urgent, when a
//! review is held back (the desktop's Do Not Disturb, a snooze) or raised again (about to
//! expire, a snooze over, a reminder), and how long the person has been kept waiting.
//!
//! The core decides; the platform only reads and renders. The desktop's Do Not Disturb is
//! read by a [`dnd::DndWatcher`] and reported here; the [`planner::Planner`] decides which
//! review to raise when (pure, tested without a bus or a clock); the flows
//! (`flows::attention`) follow the inbox, the clock and Do Not Disturb and raise what the
//! planner says through the notification center. Nothing here answers a review: a snooze
//! or a reminder only ever shows a notification or opens a window.
//!
//! - [`prefs`]: the settings (in [`crate::config::Config::attention`]).
//! - [`rules`]: how urgent a review is (what "marked urgent" means), how long they waited.
//! - [`planner`]: when each review is raised.
//! - [`clock`]: wall-clock time behind a seam ([`clock::ManualClock`] in tests).
//! - [`dnd`]: the desktop's Do Not Disturb, and the platform's seam that reads it.
//! - [`snoozes`]: snoozes kept with the app's data, across restarts.

pub mod clock;
pub mod dnd;
pub mod planner;
pub mod prefs;
pub mod rules;
pub mod snoozes;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot, watch};

use clock::Clock;
use dnd::DndState;

/// A snoozed review as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnoozedReview {
    pub message_id: String,
    pub agent: String,
    /// The first line of the review, when the tray has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub until: DateTime<Utc>,
}

/// What the flows are asked to do.
#[derive(Debug)]
pub enum Command {
    /// A review appeared (or was there when the account went live).
    Arrived(String),
    /// A review was answered, expired, withdrawn or is being answered.
    Settled(String),
    /// The inbox synced with the server: a snoozed review it does not list is gone.
    Synced,
    /// Hold a review back until `until`.
    Snooze {
        message_id: String,
        until: DateTime<Utc>,
    },
    /// Take snoozes back (`None`: all of this account's); replies how many. The reviews
    /// come back at once.
    Unsnooze {
        message_id: Option<String>,
        reply: oneshot::Sender<usize>,
    },
    /// This account's snoozes, soonest first.
    List(oneshot::Sender<Vec<SnoozedReview>>),
}

/// Where the global shortcut stands, for the settings window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShortcutState {
    /// The keys bound now, as the desktop names them.
    pub bound: Option<String>,
    /// Why the shortcut is not bound, in words.
    pub problem: Option<String>,
}

/// The handle the shell, the windows' commands and the flows share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Attention {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    clock: Arc<dyn Clock>,
    commands: mpsc::UnboundedSender<Command>,
    receiver: Mutex<Option<mpsc::UnboundedReceiver<Command>>>,
    dnd: watch::Sender<DndState>,
    shortcut: Mutex<ShortcutState>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Attention {
    /// A handle measuring time with `clock`; the flows take its commands when they start.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        let (commands, receiver) = mpsc::unbounded_channel();
        Self {
            inner: Arc::new(Inner {
                clock,
                commands,
                receiver: Mutex::new(Some(receiver)),
                dnd: watch::channel(DndState::off()).0,
                shortcut: Mutex::new(ShortcutState::default()),
            }),
        }
    }

    /// With the system's clock.
    pub fn system() -> Self {
        Self::new(Arc::new(clock::SystemClock))
    }

    /// Its clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Now, by its clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Asks the flows to do `c` (nothing happens before they start).
    pub fn send(&self, c: Command) {
        let _ = self.inner.commands.send(c);
    }

    /// The commands, for the flows (once).
    pub fn take_commands(&self) -> Option<mpsc::UnboundedReceiver<Command>> {
        lock(&self.inner.receiver).take()
    }

    /// Where the platform's [`dnd::DndWatcher`] reports.
    pub fn dnd_reporter(&self) -> watch::Sender<DndState> {
        self.inner.dnd.clone()
    }

    /// The desktop's Do Not Disturb now.
    pub fn dnd(&self) -> DndState {
        self.inner.dnd.borrow().clone()
    }

    /// Follows Do Not Disturb.
    pub fn watch_dnd(&self) -> watch::Receiver<DndState> {
        self.inner.dnd.subscribe()
    }

    /// The shortcut's state, as the tray last reported it.
    pub fn shortcut(&self) -> ShortcutState {
        lock(&self.inner.shortcut).clone()
    }

    /// The tray reports the shortcut's state.
    pub fn set_shortcut(&self, state: ShortcutState) {
        *lock(&self.inner.shortcut) = state;
    }

    /// Snoozes a review until `until`.
    pub fn snooze(&self, message_id: &str, until: DateTime<Utc>) {
        self.send(Command::Snooze {
            message_id: message_id.to_owned(),
            until,
        });
    }

    /// This account's snoozes (empty when the flows do not run).
    pub async fn snoozes(&self) -> Vec<SnoozedReview> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::List(tx));
        rx.await.unwrap_or_default()
    }

    /// Takes back one snooze, or all; how many there were.
    pub async fn unsnooze(&self, message_id: Option<&str>) -> usize {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Unsnooze {
            message_id: message_id.map(str::to_owned),
            reply,
        });
        rx.await.unwrap_or_default()
    }
}

/// The end of a snooze chosen in words: in 15 minutes, in an hour, tomorrow at 08:00
/// local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SnoozeFor {
    #[serde(rename = "15m")]
    QuarterHour,
    #[serde(rename = "1h")]
    Hour,
    TomorrowMorning,
}

impl SnoozeFor {
    /// The action id of a notification's snooze button.
    pub fn action_id(self) -> &'static str {
        match self {
            SnoozeFor::QuarterHour => "snooze:15m",
            SnoozeFor::Hour => "snooze:1h",
            SnoozeFor::TomorrowMorning => "snooze:tomorrow",
        }
    }

    /// The snooze of an action id; `None` for any other action.
    pub fn of_action(action: &str) -> Option<Self> {
        [
            SnoozeFor::QuarterHour,
            SnoozeFor::Hour,
            SnoozeFor::TomorrowMorning,
        ]
        .into_iter()
        .find(|s| s.action_id() == action)
    }

    /// When it ends, from `now`.
    pub fn until(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            SnoozeFor::QuarterHour => now + chrono::Duration::minutes(15),
            SnoozeFor::Hour => now + chrono::Duration::hours(1),
            SnoozeFor::TomorrowMorning => tomorrow_morning(now),
        }
    }
}

/// 08:00 local time on the day after `now`.
pub fn tomorrow_morning(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{Local, TimeZone};
    let tomorrow = now.with_timezone(&Local).date_naive() + chrono::Duration::days(1);
    tomorrow
        .and_hms_opt(8, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| now + chrono::Duration::hours(12))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Snooze buttons are told apart from approval options and the daemon's own keys.
    #[test]
    fn snooze_actions() {
        for s in [
            SnoozeFor::QuarterHour,
            SnoozeFor::Hour,
            SnoozeFor::TomorrowMorning,
        ] {
            assert_eq!(SnoozeFor::of_action(s.action_id()), Some(s));
            assert_eq!(crate::notify::option_of_action(s.action_id()), None);
        }
        assert_eq!(SnoozeFor::of_action("option:snooze:15m"), None);
        assert_eq!(SnoozeFor::of_action("default"), None);
        let now = Utc::now();
        assert_eq!(
            SnoozeFor::QuarterHour.until(now),
            now + chrono::Duration::minutes(15)
        );
        let t = SnoozeFor::TomorrowMorning.until(now);
        assert!(t > now && t <= now + chrono::Duration::hours(33), "{t}");
    }
}
