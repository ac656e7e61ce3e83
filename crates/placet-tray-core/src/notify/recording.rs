//! A notifier that records what it is asked to do: the core's tests use it in place of a
//! platform's notifications.

use std::sync::Mutex;

use super::{Notice, NoticeKey, Notifier};

/// One call to the notifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Show(Notice),
    Withdraw(NoticeKey),
    WithdrawAll,
}

/// Records every call; what is "open" follows show and withdraw.
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    calls: Mutex<Vec<Recorded>>,
}

impl RecordingNotifier {
    fn calls_lock(&self) -> std::sync::MutexGuard<'_, Vec<Recorded>> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Recorded> {
        self.calls_lock().clone()
    }

    /// The tags of every shown notice, in order (replacements included).
    pub fn shown_keys(&self) -> Vec<String> {
        self.calls_lock()
            .iter()
            .filter_map(|c| match c {
                Recorded::Show(n) => Some(n.key.tag()),
                _ => None,
            })
            .collect()
    }

    /// The tags of every withdrawn notice, in order.
    pub fn withdrawn_keys(&self) -> Vec<String> {
        self.calls_lock()
            .iter()
            .filter_map(|c| match c {
                Recorded::Withdraw(k) => Some(k.tag()),
                _ => None,
            })
            .collect()
    }

    /// The last notice shown with `key`.
    pub fn last_shown(&self, key: &NoticeKey) -> Option<Notice> {
        self.calls_lock().iter().rev().find_map(|c| match c {
            Recorded::Show(n) if &n.key == key => Some(n.clone()),
            _ => None,
        })
    }

    /// True when `key` was shown and not withdrawn since.
    pub fn is_open(&self, key: &NoticeKey) -> bool {
        let mut open = false;
        for c in self.calls_lock().iter() {
            match c {
                Recorded::Show(n) if &n.key == key => open = true,
                Recorded::Withdraw(k) if k == key => open = false,
                Recorded::WithdrawAll => open = false,
                _ => {}
            }
        }
        open
    }

    /// Forgets the calls so far.
    pub fn clear(&self) {
        self.calls_lock().clear();
    }
}

impl Notifier for RecordingNotifier {
    fn show(&self, notice: Notice) {
        self.calls_lock().push(Recorded::Show(notice));
    }

    fn withdraw(&self, key: &NoticeKey) {
        self.calls_lock().push(Recorded::Withdraw(key.clone()));
    }

    fn withdraw_all(&self) {
        self.calls_lock().push(Recorded::WithdrawAll);
    }
}
