use chrono::Duration;

use super::*;

fn prefs() -> AttentionPrefs {
    AttentionPrefs::default()
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn pending(id: &str, expires_in: Option<i64>) -> Pending {
    Pending {
        id: id.into(),
        expires_at: expires_in.map(|m| t0() + Duration::minutes(m)),
        allowed: true,
    }
}

fn raised(r: &[Raise]) -> Vec<(&str, Why)> {
    r.iter().map(|r| (r.id.as_str(), r.why)).collect()
}

/// Reminders come every interval, at most so many times, and stop once the review is
/// answered (anywhere).
#[test]
fn reminders_come_at_most_three_times_and_stop_when_answered() {
    let p = prefs();
    let mut pl = Planner::default();
    let r = pending("m1", None);
    assert_eq!(pl.arrived(&r, t0(), &p).map(|r| r.why), Some(Why::New));
    assert_eq!(pl.next_wake(&p), Some(t0() + Duration::minutes(30)));
    let look = |_: &str| Found::Pending(r.clone());
    assert!(pl.due(t0() + Duration::minutes(29), &p, &look).is_empty());
    for n in 1..=3 {
        let at = t0() + Duration::minutes(30 * i64::from(n));
        assert_eq!(raised(&pl.due(at, &p, &look)), [("m1", Why::Reminder(n))]);
    }
    assert_eq!(pl.next_wake(&p), None, "three reminders, then no more");

    let mut pl = Planner::default();
    pl.arrived(&r, t0(), &p);
    let gone = |_: &str| Found::Gone;
    assert!(pl.due(t0() + Duration::minutes(30), &p, &gone).is_empty());
    assert_eq!(pl.next_wake(&p), None, "answered elsewhere: forgotten");
}

/// Quiet hours skip a reminder (the next comes an interval later); a review that will
/// expire anyway gets no reminder, but one alert as it enters the breakthrough window.
#[test]
fn no_reminder_in_quiet_hours_or_for_a_review_expiring_anyway() {
    let p = prefs();
    let mut pl = Planner::default();
    let quiet = Pending {
        allowed: false,
        ..pending("m1", None)
    };
    pl.arrived(&pending("m1", None), t0(), &p);
    let at = t0() + Duration::minutes(30);
    assert!(pl
        .due(at, &p, &|_| Found::Pending(quiet.clone()))
        .is_empty());
    assert_eq!(pl.next_wake(&p), Some(at + Duration::minutes(30)));
    assert_eq!(
        raised(&pl.due(at + Duration::minutes(30), &p, &|_| Found::Pending(
            pending("m1", None)
        ))),
        [("m1", Why::Reminder(1))]
    );

    let mut pl = Planner::default();
    let expiring = pending("m2", Some(35));
    pl.arrived(&expiring, t0(), &p);
    assert_eq!(
        pl.next_wake(&p),
        Some(t0() + Duration::minutes(25)),
        "its expiry alert, not a reminder"
    );
    let look = |_: &str| Found::Pending(expiring.clone());
    assert_eq!(
        raised(&pl.due(t0() + Duration::minutes(25), &p, &look)),
        [("m2", Why::Expiring { despite_dnd: false })]
    );
    assert!(pl.due(t0() + Duration::minutes(31), &p, &look).is_empty());
    assert_eq!(pl.next_wake(&p), None, "said once");
}

/// In Do Not Disturb a new review is held (raised when it ends); one that expires
/// within the window breaks through at once, once; one that enters the window later
/// breaks through then; no reminders meanwhile.
#[test]
fn do_not_disturb_holds_and_expiring_reviews_break_through_once() {
    let p = prefs();
    let mut pl = Planner::default();
    let none = |_: &str| Found::Gone;
    assert!(pl.set_dnd(true, t0(), &none).is_empty());
    let held = pending("m1", None);
    assert_eq!(pl.arrived(&held, t0(), &p), None);
    let soon = pending("m2", Some(5));
    assert_eq!(
        pl.arrived(&soon, t0(), &p).map(|r| r.why),
        Some(Why::Expiring { despite_dnd: true })
    );
    let later = pending("m3", Some(60));
    assert_eq!(pl.arrived(&later, t0(), &p), None);
    assert_eq!(pl.next_wake(&p), Some(t0() + Duration::minutes(50)));
    let look = |id: &str| {
        [&held, &soon, &later]
            .into_iter()
            .find(|r| r.id == id)
            .cloned()
            .map_or(Found::Gone, Found::Pending)
    };
    assert!(
        pl.due(t0() + Duration::minutes(40), &p, &look).is_empty(),
        "no reminders in DND"
    );
    assert_eq!(
        raised(&pl.due(t0() + Duration::minutes(50), &p, &look)),
        [("m3", Why::Expiring { despite_dnd: true })]
    );
    let ended = pl.set_dnd(false, t0() + Duration::minutes(51), &look);
    assert_eq!(
        raised(&ended),
        [("m1", Why::New)],
        "the held one, when DND ends"
    );
}

/// A snoozed review is not raised until its time; then once, as a snooze that ended;
/// the reminders count from there. Taken back, it is free again.
#[test]
fn a_snooze_holds_a_review_until_its_time() {
    let p = prefs();
    let mut pl = Planner::default();
    let r = pending("m1", None);
    pl.arrived(&r, t0(), &p);
    pl.snooze("m1", t0() + Duration::minutes(15));
    let look = |_: &str| Found::Pending(r.clone());
    assert_eq!(pl.next_wake(&p), Some(t0() + Duration::minutes(15)));
    assert!(pl.due(t0() + Duration::minutes(14), &p, &look).is_empty());
    let back = t0() + Duration::minutes(15);
    assert_eq!(raised(&pl.due(back, &p, &look)), [("m1", Why::SnoozeOver)]);
    assert_eq!(pl.next_wake(&p), Some(back + Duration::minutes(30)));

    // At start, a snooze from an earlier run holds the review.
    let mut pl = Planner::default();
    pl.snooze("m1", t0() + Duration::hours(1));
    assert_eq!(pl.arrived(&r, t0(), &p), None);
    assert!(pl.unsnooze("m1"));
    assert_eq!(pl.snoozed().count(), 0);
}

/// A snooze that ends during Do Not Disturb waits for its end; an expiring review's
/// alert comes even while snoozed.
#[test]
fn snoozes_and_dnd_and_expiry() {
    let p = prefs();
    let mut pl = Planner::default();
    let r = pending("m1", None);
    pl.arrived(&r, t0(), &p);
    pl.snooze("m1", t0() + Duration::minutes(15));
    let look = |_: &str| Found::Pending(r.clone());
    pl.set_dnd(true, t0(), &look);
    assert!(pl.due(t0() + Duration::minutes(15), &p, &look).is_empty());
    assert_eq!(
        raised(&pl.set_dnd(false, t0() + Duration::minutes(20), &look)),
        [("m1", Why::New)]
    );

    let mut pl = Planner::default();
    let soon = pending("m2", Some(20));
    pl.arrived(&soon, t0(), &p);
    pl.snooze("m2", t0() + Duration::hours(1));
    assert_eq!(
        raised(
            &pl.due(t0() + Duration::minutes(10), &p, &|_| Found::Pending(
                soon.clone()
            ))
        ),
        [("m2", Why::Expiring { despite_dnd: false })]
    );
    assert_eq!(pl.snoozed().count(), 0, "the expiry ended the snooze");
}

/// Nothing due never asks for a wake in the past (no busy loop), whatever is held.
#[test]
fn no_wake_in_the_past() {
    let p = prefs();
    let mut pl = Planner::default();
    let quiet = Pending {
        allowed: false,
        ..pending("m1", Some(5))
    };
    pl.arrived(&quiet, t0(), &p);
    pl.due(t0(), &p, &|_| Found::Pending(quiet.clone()));
    assert!(
        pl.next_wake(&p).is_none_or(|t| t > t0()),
        "{:?}",
        pl.next_wake(&p)
    );
}

/// A snoozed review the inbox does not know yet (it has not synced since the start) is
/// kept, not forgotten.
#[test]
fn snoozes_wait_for_the_inbox() {
    let p = prefs();
    let mut pl = Planner::default();
    pl.snooze("m1", t0() - Duration::minutes(1));
    assert!(pl.due(t0(), &p, &|_| Found::NotYet).is_empty());
    assert_eq!(pl.snoozed().count(), 1);
    assert_eq!(
        raised(&pl.due(t0(), &p, &|_| Found::Pending(pending("m1", None)))),
        [("m1", Why::SnoozeOver)]
    );
}
