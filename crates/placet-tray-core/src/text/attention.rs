//! The words of attention: why a review's notification came back (about to expire,
//! through Do Not Disturb, a reminder, a snooze over), the snooze buttons, how long the
//! reviews have waited, and the global shortcut's problems.

use chrono::Duration;

use super::*;
use crate::attention::planner::Why;
use crate::attention::rules::Critical;
use crate::attention::SnoozeFor;

/// The snooze buttons of a review's notification.
pub fn snooze_actions() -> Vec<NoticeAction> {
    vec![
        NoticeAction {
            id: SnoozeFor::QuarterHour.action_id().to_owned(),
            label: tr!("snooze-quarter-hour"),
        },
        NoticeAction {
            id: SnoozeFor::Hour.action_id().to_owned(),
            label: tr!("snooze-hour"),
        },
    ]
}

/// A wait in words: "under a minute", "12 min", "2 h 5 min", "3 days".
pub fn wait(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    match minutes {
        0 => tr!("wait-under-a-minute"),
        m if m < 60 => tr!("wait-minutes", minutes = m),
        m if m < 24 * 60 => match m % 60 {
            0 => tr!("wait-hours", hours = m / 60),
            rest => tr!("wait-hours-minutes", hours = m / 60, minutes = rest),
        },
        m => tr!("wait-days", days = m / (24 * 60)),
    }
}

/// The time left before a review expires: "7 min", "now".
fn left(d: Duration) -> String {
    if d.num_minutes() <= 0 {
        tr!("left-now")
    } else {
        tr!("left-in", wait = wait(d))
    }
}

/// A wait worth saying: a minute or more.
fn worth_saying(oldest: Option<Duration>) -> Option<Duration> {
    oldest.filter(|o| o.num_minutes() >= 1)
}

/// What the tray's tooltip says of the waiting reviews: "3 waiting, oldest 12 min".
pub fn waiting_line(count: usize, oldest: Option<Duration>) -> String {
    match (count, worth_saying(oldest)) {
        (0, _) => tr!("waiting-none"),
        (1, Some(o)) => tr!("waiting-one-for", wait = wait(o)),
        (n, Some(o)) => tr!("waiting-oldest", count = n, wait = wait(o)),
        (n, None) => tr!("waiting-count", count = n),
    }
}

/// Added to the tray menu's "3 reviews waiting": ", oldest 12 min" (" for 12 min" for
/// one); nothing for less than a minute.
pub fn waited_suffix(count: usize, oldest: Option<Duration>) -> String {
    match (count, worth_saying(oldest)) {
        (0, _) | (_, None) => String::new(),
        (1, Some(o)) => tr!("waited-one-for", wait = wait(o)),
        (_, Some(o)) => tr!("waited-oldest", wait = wait(o)),
    }
}

/// A review's notice with the reason it is raised (now) said first, and its urgency.
pub fn raised_notice(
    mut notice: Notice,
    why: Why,
    critical: Option<Critical>,
    waited: Duration,
) -> Notice {
    let first = match (why, critical) {
        (Why::Expiring { despite_dnd: true }, Some(Critical::Expiring(l))) => {
            Some(tr!("raised-expires-despite-dnd", left = left(l)))
        }
        (Why::Expiring { despite_dnd: true }, _) => Some(tr!("raised-about-to-expire-despite-dnd")),
        (_, Some(Critical::Expiring(l))) => Some(tr!("raised-expires", left = left(l))),
        (Why::Reminder(_), _) => Some(tr!("raised-still-waiting", wait = wait(waited))),
        (Why::SnoozeOver, _) => Some(tr!("raised-snooze-over")),
        (Why::New | Why::Expiring { .. }, Some(Critical::MarkedUrgent)) => {
            Some(tr!("raised-marked-urgent"))
        }
        (Why::New | Why::Expiring { .. }, None) => None,
    };
    if let Some(first) = first {
        notice.body = truncate(&format!("{first}\n{}", notice.body), BODY_CHARS + 80);
    }
    if let Why::Reminder(_) = why {
        notice.title = tr!("raised-reminder-title", title = notice.title);
    }
    notice.urgency = if critical.is_some() {
        Urgency::Critical
    } else {
        Urgency::Normal
    };
    notice
}

/// The notice when the global shortcut cannot be bound.
pub fn shortcut_refused(keys: &str, reason: &str) -> (String, String) {
    (
        tr!("shortcut-refused-title", keys = one_line(keys, 40)),
        tr!("shortcut-refused-body", reason = one_line(reason, 200)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits read as a person says them.
    #[test]
    fn waits_in_words() {
        assert_eq!(wait(Duration::seconds(20)), "under a minute");
        assert_eq!(wait(Duration::minutes(12)), "12 min");
        assert_eq!(wait(Duration::minutes(60)), "1 h");
        assert_eq!(wait(Duration::minutes(125)), "2 h 5 min");
        assert_eq!(wait(Duration::days(3)), "3 days");
        assert_eq!(
            waiting_line(3, Some(Duration::minutes(12))),
            "3 waiting, oldest 12 min"
        );
        assert_eq!(
            waiting_line(1, Some(Duration::minutes(4))),
            "1 waiting for 4 min"
        );
        assert_eq!(waiting_line(0, None), "nothing pending");
        assert_eq!(waiting_line(2, Some(Duration::seconds(5))), "2 waiting");
        assert_eq!(waited_suffix(1, Some(Duration::minutes(3))), " for 3 min");
        assert_eq!(
            waited_suffix(4, Some(Duration::minutes(3))),
            ", oldest 3 min"
        );
        assert_eq!(waited_suffix(4, Some(Duration::seconds(3))), "");
    }
}
