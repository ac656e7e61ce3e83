//! The time reminders are measured in, behind a seam so tests can move it: the system's
//! wall clock in the app, a [`ManualClock`] in tests (the core's tests talk to a real
//! server over loopback, so tokio's paused time, which jumps ahead whenever the runtime
//! waits on a socket, cannot stand in for it).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// A future that ends when the clock may have reached a deadline.
pub type Wake = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Wall-clock time, and waiting for it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
    /// Ends at `deadline` or earlier (the caller looks at [`now`](Self::now) again and
    /// waits once more if it is not there yet).
    fn wake_at(&self, deadline: DateTime<Utc>) -> Wake;
}

/// The longest single wait of the system clock: a computer that slept wakes its timers
/// late (they count time awake), so the wall clock is looked at again at least this often.
pub const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn wake_at(&self, deadline: DateTime<Utc>) -> Wake {
        let left = (deadline - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(LONGEST_WAIT);
        Box::pin(tokio::time::sleep(left))
    }
}

/// A clock that moves only when a test moves it.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
    moved: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn at(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
            moved: watch::channel(start).0,
        }
    }

    /// Moves the clock forward by `by`; every wait looks at it again.
    pub fn advance(&self, by: chrono::Duration) {
        let now = {
            let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
            *now += by;
            *now
        };
        self.moved.send_replace(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wake_at(&self, deadline: DateTime<Utc>) -> Wake {
        let mut moved = self.moved.subscribe();
        Box::pin(async move {
            loop {
                if *moved.borrow_and_update() >= deadline {
                    return;
                }
                if moved.changed().await.is_err() {
                    return std::future::pending().await;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wait on the manual clock ends when the clock is moved to its deadline, not
    /// before.
    #[tokio::test]
    async fn the_manual_clock_wakes_when_moved() {
        let start = Utc::now();
        let clock = ManualClock::at(start);
        let deadline = start + chrono::Duration::minutes(15);
        let mut wake = clock.wake_at(deadline);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut wake)
                .await
                .is_err(),
            "not yet"
        );
        clock.advance(chrono::Duration::minutes(14));
        assert!(tokio::time::timeout(Duration::from_millis(50), &mut wake)
            .await
            .is_err());
        clock.advance(chrono::Duration::minutes(1));
        tokio::time::timeout(Duration::from_secs(5), wake)
            .await
            .expect("woken at the deadline");
        assert_eq!(clock.now(), deadline);
    }
}
