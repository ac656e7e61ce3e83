//! Waiting for something to happen, with a deadline and a message that says what never did.
//!
//! End-to-end tests observe other processes, so nothing they wait for is instantaneous. Every
//! wait in this crate either wakes on a change notification (a `watch` channel fed by the
//! in-process D-Bus services) or polls a cheap check at a short interval, and always gives up
//! at a deadline with a panic that names the caller's line.

use std::fmt::Display;
use std::future::Future;
use std::panic::Location;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

/// How often [`wait_until`] re-runs its check. Short enough to add no noticeable latency,
/// long enough that a check which spawns a process does not hog a core.
pub const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// Runs `check` until it returns `Some`, and returns that value.
///
/// Panics if `timeout` passes first; the message names the line that called `wait_until`.
///
/// ```no_run
/// # async fn f(desktop: &placet_e2e::Desktop) {
/// use std::time::Duration;
/// let config = placet_e2e::wait_until(Duration::from_secs(5), || async {
///     std::fs::read_to_string(desktop.config_dir().join("placet-tray/config.toml")).ok()
/// })
/// .await;
/// # }
/// ```
#[track_caller]
pub fn wait_until<T, F, Fut>(timeout: Duration, check: F) -> impl Future<Output = T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let caller = Location::caller();
    wait_for_at(format!("condition at {caller}"), timeout, check)
}

/// Like [`wait_until`], with a description of the awaited condition for the panic message.
#[track_caller]
pub fn wait_for<T, F, Fut>(
    what: impl Display,
    timeout: Duration,
    check: F,
) -> impl Future<Output = T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let caller = Location::caller();
    wait_for_at(format!("{what} (awaited at {caller})"), timeout, check)
}

/// Like [`wait_for`], where `check` also says what it saw when the awaited thing is not
/// there yet (`Err(seen)`): the panic shows the last thing seen.
///
/// ```no_run
/// # async fn f(desktop: &placet_e2e::Desktop) {
/// use std::time::Duration;
/// placet_e2e::wait_seeing("two windows", Duration::from_secs(5), || async {
///     let titles: Vec<String> = desktop.windows().into_iter().map(|w| w.title).collect();
///     if titles.len() == 2 { Ok(()) } else { Err(format!("{titles:?}")) }
/// })
/// .await;
/// # }
/// ```
#[track_caller]
pub fn wait_seeing<T, S, F, Fut>(
    what: impl Display,
    timeout: Duration,
    check: F,
) -> impl Future<Output = T>
where
    S: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, S>>,
{
    let caller = Location::caller();
    wait_seeing_at(format!("{what} (awaited at {caller})"), timeout, check)
}

async fn wait_for_at<T, F, Fut>(what: String, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    wait_seeing_at(what, timeout, || {
        let checked = check();
        async move { checked.await.ok_or("") }
    })
    .await
}

async fn wait_seeing_at<T, S, F, Fut>(what: String, timeout: Duration, mut check: F) -> T
where
    S: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, S>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let seen = match check().await {
            Ok(value) => return value,
            Err(seen) => seen,
        };
        if Instant::now() >= deadline {
            let seen = seen.to_string();
            if seen.is_empty() {
                panic!("timed out after {timeout:?} waiting for {what}");
            }
            panic!("timed out after {timeout:?} waiting for {what}; last seen:\n{seen}");
        }
        tokio::time::sleep_until((Instant::now() + POLL_INTERVAL).min(deadline)).await;
    }
}

/// Re-runs `check` each time `changes` ticks, until it returns `Some` or `timeout` passes.
///
/// The receiver is marked as seen before each check, so a change that lands between the check
/// and the wait still wakes us: no update can be lost.
pub(crate) async fn on_change<T>(
    changes: &mut watch::Receiver<u64>,
    timeout: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        changes.borrow_and_update();
        if let Some(value) = check() {
            return Some(value);
        }
        match tokio::time::timeout_at(deadline, changes.changed()).await {
            Ok(Ok(())) => {}
            // The sender is gone (the service shut down) or the deadline passed: one last look.
            Ok(Err(_)) | Err(_) => return check(),
        }
    }
}
