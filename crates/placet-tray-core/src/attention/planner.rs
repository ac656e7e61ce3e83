//! When each waiting review wants the person's attention: at once, held back (Do Not
//! Disturb, a snooze), again when it is about to expire, again after a snooze, and as a
//! reminder when left unanswered. Pure: the flows tell it what happens and the time, it
//! says which reviews to raise now and when to ask again.
//!
//! The rules:
//! - A new review is raised at once, unless snoozed, or Do Not Disturb is on (then it is
//!   held, and raised when Do Not Disturb ends).
//! - When a review enters the breakthrough window (it expires within it), it is raised
//!   once more as critical: through Do Not Disturb, once, saying so.
//! - A snoozed review comes back at its time (held if Do Not Disturb is on then).
//! - A review left unanswered is raised again after the reminder interval, at most so many
//!   times; never while the person's preferences keep notifications quiet (quiet hours,
//!   a pause, a muted agent), never during Do Not Disturb, and never for a review that
//!   will have expired (or entered the breakthrough window) by then.
//! - A review that is answered (here or anywhere), expired or withdrawn is forgotten: it
//!   is never raised again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::prefs::AttentionPrefs;
use super::rules::expiry_alert_at;

/// A pending review, as the planner needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The person's preferences let a notification pop up for it now (not paused, not
    /// quiet hours, its agent not muted).
    pub allowed: bool,
}

/// What the inbox says of a review the planner asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Still pending.
    Pending(Pending),
    /// Answered, expired or withdrawn: forget it.
    Gone,
    /// Not known yet (the inbox has not synced since the start): ask again later.
    NotYet,
}

/// Why a review is raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// It is new (or was held back by Do Not Disturb, which ended).
    New,
    /// It entered the breakthrough window; `despite_dnd` when Do Not Disturb is on.
    Expiring { despite_dnd: bool },
    /// The n-th reminder of a review left unanswered.
    Reminder(u32),
    /// Its snooze is over.
    SnoozeOver,
}

/// A review to raise now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raise {
    pub id: String,
    pub why: Why,
}

#[derive(Debug, Clone, Default)]
struct Plan {
    /// When this app first saw it.
    seen_at: Option<DateTime<Utc>>,
    /// When its notification last appeared.
    shown_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    reminders: u32,
    expiry_alerted: bool,
    /// Wanted on screen, held back by Do Not Disturb.
    held: bool,
}

impl Plan {
    fn shown(&mut self, now: DateTime<Utc>) {
        self.shown_at = Some(now);
        self.held = false;
    }

    /// When the next reminder is due, if one may come.
    fn next_reminder(&self, prefs: &AttentionPrefs) -> Option<DateTime<Utc>> {
        let every = prefs.renudge()?;
        if self.reminders >= prefs.renudge_times {
            return None;
        }
        let due = self.shown_at.or(self.seen_at)? + every;
        // A review that expires by then (or enters the breakthrough window) gets its
        // expiry's own notification instead.
        let until = due + prefs.breakthrough().unwrap_or_default();
        if self.expires_at.is_some_and(|e| e <= until) {
            return None;
        }
        Some(due)
    }

    fn expiry_alert(&self, prefs: &AttentionPrefs) -> Option<DateTime<Utc>> {
        if self.expiry_alerted {
            return None;
        }
        expiry_alert_at(self.expires_at, prefs)
    }
}

/// The planner of one account's reviews; see the module's documentation.
#[derive(Debug, Default)]
pub struct Planner {
    plans: HashMap<String, Plan>,
    /// Snoozed reviews and when they come back.
    snoozed: HashMap<String, DateTime<Utc>>,
    dnd: bool,
}

impl Planner {
    /// Forgets everything (sign-out, another account).
    pub fn clear(&mut self) {
        self.plans.clear();
        self.snoozed.clear();
    }

    /// Do Not Disturb is on now.
    pub fn dnd(&self) -> bool {
        self.dnd
    }

    /// The reviews snoozed, and until when.
    pub fn snoozed(&self) -> impl Iterator<Item = (&str, DateTime<Utc>)> {
        self.snoozed.iter().map(|(id, t)| (id.as_str(), *t))
    }

    /// A review appeared (or was there at start): whether to raise it now.
    pub fn arrived(
        &mut self,
        r: &Pending,
        now: DateTime<Utc>,
        prefs: &AttentionPrefs,
    ) -> Option<Raise> {
        let dnd = self.dnd;
        let snoozed = self.snoozed.get(&r.id).is_some_and(|t| *t > now);
        let plan = self.plans.entry(r.id.clone()).or_default();
        plan.seen_at.get_or_insert(now);
        plan.expires_at = r.expires_at;
        if snoozed || !r.allowed {
            return None;
        }
        let expiring = plan.expiry_alert(prefs).is_some_and(|t| t <= now);
        if expiring {
            plan.expiry_alerted = true;
        }
        if dnd && !expiring {
            plan.held = true;
            return None;
        }
        plan.shown(now);
        Some(Raise {
            id: r.id.clone(),
            why: if dnd {
                Why::Expiring { despite_dnd: true }
            } else {
                Why::New
            },
        })
    }

    /// The review was answered, expired or withdrawn (or is being answered): it is
    /// forgotten, its snooze with it. True when it was snoozed.
    pub fn settled(&mut self, id: &str) -> bool {
        self.plans.remove(id);
        self.snoozed.remove(id).is_some()
    }

    /// The person snoozed a review until `until`.
    pub fn snooze(&mut self, id: &str, until: DateTime<Utc>) {
        self.snoozed.insert(id.to_owned(), until);
        if let Some(p) = self.plans.get_mut(id) {
            p.held = false;
        }
    }

    /// A snooze taken back (the review is not raised here: the caller raises it).
    pub fn unsnooze(&mut self, id: &str) -> bool {
        self.snoozed.remove(id).is_some()
    }

    /// Do Not Disturb changed: when it ends, the reviews it held back are raised.
    pub fn set_dnd(
        &mut self,
        on: bool,
        now: DateTime<Utc>,
        pending: &dyn Fn(&str) -> Found,
    ) -> Vec<Raise> {
        let was = std::mem::replace(&mut self.dnd, on);
        if on || !was {
            return Vec::new();
        }
        let mut raise = Vec::new();
        let mut held: Vec<String> = self
            .plans
            .iter()
            .filter(|(_, p)| p.held)
            .map(|(id, _)| id.clone())
            .collect();
        held.sort();
        for id in held {
            let r = match pending(&id) {
                Found::Pending(r) => r,
                Found::Gone => {
                    self.settled(&id);
                    continue;
                }
                Found::NotYet => continue,
            };
            let Some(plan) = self.plans.get_mut(&id) else {
                continue;
            };
            plan.held = false;
            if r.allowed && !self.snoozed.contains_key(&id) {
                plan.shown(now);
                raise.push(Raise { id, why: Why::New });
            }
        }
        raise
    }

    /// The reviews whose time has come at `now`: snoozes over, expiry alerts, reminders.
    /// `pending` looks a review up.
    pub fn due(
        &mut self,
        now: DateTime<Utc>,
        prefs: &AttentionPrefs,
        pending: &dyn Fn(&str) -> Found,
    ) -> Vec<Raise> {
        let mut ids: Vec<String> = self.plans.keys().cloned().collect();
        ids.extend(
            self.snoozed
                .keys()
                .filter(|id| !self.plans.contains_key(*id))
                .cloned(),
        );
        ids.sort();
        let mut raise = Vec::new();
        for id in ids {
            let r = match pending(&id) {
                Found::Pending(r) => r,
                Found::Gone => {
                    self.settled(&id);
                    continue;
                }
                Found::NotYet => continue,
            };
            if let Some(why) = self.due_one(&r, now, prefs) {
                raise.push(Raise { id, why });
            }
        }
        raise
    }

    fn due_one(&mut self, r: &Pending, now: DateTime<Utc>, prefs: &AttentionPrefs) -> Option<Why> {
        let dnd = self.dnd;
        let plan = self.plans.entry(r.id.clone()).or_default();
        plan.seen_at.get_or_insert(now);
        plan.expires_at = r.expires_at;
        // About to expire: said once, whatever else holds it back (a snooze too).
        if plan.expiry_alert(prefs).is_some_and(|t| t <= now) {
            plan.expiry_alerted = true;
            if r.allowed {
                self.snoozed.remove(&r.id);
                plan.shown(now);
                return Some(Why::Expiring { despite_dnd: dnd });
            }
        }
        match self.snoozed.get(&r.id) {
            Some(until) if *until > now => return None,
            Some(_) => {
                self.snoozed.remove(&r.id);
                if dnd {
                    plan.held = true;
                    return None;
                }
                if r.allowed {
                    plan.shown(now);
                    return Some(Why::SnoozeOver);
                }
                // Quiet for now: reminders take over from here.
                plan.shown_at = Some(now);
                return None;
            }
            None => {}
        }
        if dnd || plan.held {
            return None;
        }
        let due = plan.next_reminder(prefs)?;
        if due > now {
            return None;
        }
        if !r.allowed {
            // Never during quiet hours: this one is skipped, the next comes an interval
            // later.
            plan.shown_at = Some(now);
            return None;
        }
        plan.reminders += 1;
        plan.shown(now);
        Some(Why::Reminder(plan.reminders))
    }

    /// When to look again (the earliest snooze end, expiry alert or reminder).
    pub fn next_wake(&self, prefs: &AttentionPrefs) -> Option<DateTime<Utc>> {
        let plans = self.plans.iter().flat_map(|(id, p)| {
            let snoozed = self.snoozed.contains_key(id);
            let expiry = p.expiry_alert(prefs);
            let reminder = (!self.dnd && !p.held && !snoozed)
                .then(|| p.next_reminder(prefs))
                .flatten();
            [expiry, reminder]
        });
        self.snoozed
            .values()
            .copied()
            .map(Some)
            .chain(plans)
            .flatten()
            .min()
    }
}

#[cfg(test)]
mod tests;
