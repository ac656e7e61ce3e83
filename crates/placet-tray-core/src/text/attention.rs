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
            label: "Remind me in 15 min".to_owned(),
        },
        NoticeAction {
            id: SnoozeFor::Hour.action_id().to_owned(),
            label: "Remind me in 1 h".to_owned(),
        },
    ]
}

/// A wait in words: "under a minute", "12 min", "2 h 5 min", "3 days".
pub fn wait(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    match minutes {
        0 => "under a minute".to_owned(),
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => match m % 60 {
            0 => format!("{} h", m / 60),
            rest => format!("{} h {rest} min", m / 60),
        },
        m => {
            let days = m / (24 * 60);
            format!(
                "{days} {}",
                plural(days.unsigned_abs() as usize, "day", "days")
            )
        }
    }
}

/// The time left before a review expires: "7 min", "now".
fn left(d: Duration) -> String {
    if d.num_minutes() <= 0 {
        "now".to_owned()
    } else {
        format!("in {}", wait(d))
    }
}

/// A wait worth saying: a minute or more.
fn worth_saying(oldest: Option<Duration>) -> Option<Duration> {
    oldest.filter(|o| o.num_minutes() >= 1)
}

/// What the tray's tooltip says of the waiting reviews: "3 waiting, oldest 12 min".
pub fn waiting_line(count: usize, oldest: Option<Duration>) -> String {
    match (count, worth_saying(oldest)) {
        (0, _) => "nothing pending".to_owned(),
        (1, Some(o)) => format!("1 waiting for {}", wait(o)),
        (n, Some(o)) => format!("{n} waiting, oldest {}", wait(o)),
        (n, None) => format!("{n} waiting"),
    }
}

/// Added to the tray menu's "3 reviews waiting": ", oldest 12 min" (" for 12 min" for
/// one); nothing for less than a minute.
pub fn waited_suffix(count: usize, oldest: Option<Duration>) -> String {
    match (count, worth_saying(oldest)) {
        (0, _) | (_, None) => String::new(),
        (1, Some(o)) => format!(" for {}", wait(o)),
        (_, Some(o)) => format!(", oldest {}", wait(o)),
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
        (Why::Expiring { despite_dnd: true }, Some(Critical::Expiring(l))) => Some(format!(
            "Expires {} — shown despite Do Not Disturb.",
            left(l)
        )),
        (Why::Expiring { despite_dnd: true }, _) => {
            Some("About to expire — shown despite Do Not Disturb.".to_owned())
        }
        (_, Some(Critical::Expiring(l))) => Some(format!("Expires {}.", left(l))),
        (Why::Reminder(_), _) => Some(format!("Still waiting for you ({}).", wait(waited))),
        (Why::SnoozeOver, _) => Some("You asked to be reminded.".to_owned()),
        (Why::New | Why::Expiring { .. }, Some(Critical::MarkedUrgent)) => {
            Some("Marked urgent by the agent.".to_owned())
        }
        (Why::New | Why::Expiring { .. }, None) => None,
    };
    if let Some(first) = first {
        notice.body = truncate(&format!("{first}\n{}", notice.body), BODY_CHARS + 80);
    }
    if let Why::Reminder(_) = why {
        notice.title = format!("Reminder: {}", notice.title);
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
        format!("The shortcut {} is not available", one_line(keys, 40)),
        format!(
            "{} Choose other keys in Placet Tray's settings.",
            one_line(reason, 200)
        ),
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
