use super::*;

const QUIET: Outcome = Outcome {
    healthy: true,
    quiet: true,
};

fn cadence() -> Cadence {
    Cadence {
        settle: Duration::from_secs(1),
        pending_min: Duration::from_secs(45),
        pending_max: Duration::from_secs(300),
        limited_max: Duration::from_secs(900),
        agents_every: Duration::from_secs(900),
        agents_alone: false,
        retry: Backoff {
            min: Duration::from_secs(5),
            max: Duration::from_secs(60),
            jitter: 0.0,
        },
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Runs the schedule with every re-sync succeeding as `outcome`; returns the requests
/// made in `[from, to)` seconds after connecting (the connect's ticket not included).
fn requests_between(cadence: Cadence, outcome: Outcome, from: u64, to: u64) -> u32 {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence, start);
    let mut count = 0;
    loop {
        let (at, kind) = s.next();
        let t = at.duration_since(start);
        if t >= secs(to) {
            return count;
        }
        if t >= secs(from) {
            count += kind.cost();
        }
        s.succeeded(kind, at, outcome);
    }
}

/// A connect costs the agent list and the pending list, then the settle re-sync.
#[test]
fn a_connect_costs_a_full_sync_and_one_settle() {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence(), start);
    assert_eq!(s.next(), (start, SyncKind::Full), "full re-sync at once");
    s.succeeded(SyncKind::Full, start, QUIET);
    assert_eq!(
        s.next(),
        (start + secs(1), SyncKind::Pending),
        "the settle re-sync fetches only the pending list"
    );
    assert_eq!(
        requests_between(cadence(), QUIET, 0, 2),
        3,
        "agents + pending, then pending once (+ the ticket: 4 per connect)"
    );
}

/// While the socket is healthy and snapshots are quiet, the pending poll doubles to 5 min.
#[test]
fn a_healthy_quiet_socket_slows_the_pending_poll_to_its_ceiling() {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence(), start);
    let mut gaps = Vec::new();
    let mut last = start;
    for _ in 0..8 {
        let (at, kind) = s.next();
        gaps.push(at.duration_since(last).as_secs());
        last = at;
        s.succeeded(kind, at, QUIET);
    }
    assert_eq!(
        gaps,
        [0, 1, 90, 180, 300, 300, 300, 300],
        "doubling to 5 min"
    );
    for minute in 10..60u64 {
        let n = requests_between(cadence(), QUIET, minute * 60, (minute + 1) * 60);
        assert!(n <= 2, "minute {minute}: {n} requests");
    }
    let hour = requests_between(cadence(), QUIET, 0, 3600);
    assert!(hour <= 20, "{hour} requests in the first hour");
}

/// A snapshot that found what events missed, or a socket without pongs, resets the poll to 45 s.
#[test]
fn a_snapshot_that_found_something_or_a_silent_socket_resets_the_poll() {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence(), start);
    let mut now = start;
    for _ in 0..6 {
        let (at, kind) = s.next();
        now = at;
        s.succeeded(kind, at, QUIET);
    }
    assert_eq!(s.pending_every(), secs(300));
    let found = Outcome {
        healthy: true,
        quiet: false,
    };
    s.succeeded(SyncKind::Pending, now, found);
    assert_eq!(s.next().0, now + secs(45), "a missed event: back to 45 s");
    s.succeeded(SyncKind::Pending, now, QUIET);
    assert_eq!(s.pending_every(), secs(90));
    let silent = Outcome {
        healthy: false,
        quiet: true,
    };
    s.succeeded(SyncKind::Pending, now, silent);
    assert_eq!(s.pending_every(), secs(45), "no pong lately: no slowing");
    assert_eq!(
        requests_between(cadence(), silent, 120, 20 * 60),
        (20 * 60 - 120) / 45 + 1,
        "an unhealthy socket keeps the 45 s poll (the agent list included)"
    );
}

/// A 429 waits for `Retry-After` and doubles the poll interval, up to 15 min.
#[test]
fn a_rate_limit_waits_for_retry_after_and_slows_the_poll_further() {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence(), start);
    s.succeeded(SyncKind::Full, start, QUIET);
    s.succeeded(SyncKind::Pending, start, QUIET);
    assert_eq!(s.pending_every(), secs(90));
    s.failed(SyncKind::Pending, start, Some(secs(37)), true);
    assert_eq!(s.next(), (start + secs(37), SyncKind::Pending));
    assert_eq!(s.pending_every(), secs(180), "doubled by the 429");
    for _ in 0..10 {
        s.failed(SyncKind::Pending, start, Some(secs(60)), true);
    }
    assert_eq!(s.pending_every(), secs(900), "up to 15 min");
    s.succeeded(SyncKind::Pending, start, QUIET);
    assert_eq!(
        s.next().0,
        start + secs(900),
        "and it stays up while all is quiet"
    );
}

/// Other failures retry the same kind after `Retry-After` or a growing backoff.
#[test]
fn failures_retry_the_same_kind_after_retry_after_or_backoff() {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence(), start);
    s.failed(SyncKind::Full, start, Some(secs(7)), false);
    assert_eq!(s.next(), (start + secs(7), SyncKind::Full));
    let t = start + secs(7);
    s.failed(SyncKind::Full, t, None, false);
    assert_eq!(
        s.next(),
        (t + secs(10), SyncKind::Full),
        "second failure: 5 s doubled"
    );
    s.succeeded(SyncKind::Full, t + secs(10), QUIET);
    assert_eq!(s.next().1, SyncKind::Pending, "then the settle re-sync");
    for _ in 0..10 {
        let now = s.next().0;
        s.failed(SyncKind::Pending, now, None, false);
    }
    let (at, _) = s.next();
    assert!(at.duration_since(start) > secs(60), "backoff grows");
}

/// With a sign-in, the agent list rides with a pending poll about every 15 min.
#[test]
fn the_agent_list_rides_with_a_pending_poll_every_15_minutes() {
    let start = Instant::now();
    let mut s = Schedule::connected(cadence(), start);
    let mut fulls = Vec::new();
    loop {
        let (at, kind) = s.next();
        if at.duration_since(start) > secs(3600) {
            break;
        }
        if kind == SyncKind::Full {
            fulls.push(at.duration_since(start).as_secs());
        }
        s.succeeded(kind, at, QUIET);
    }
    assert_eq!(
        fulls.len(),
        4,
        "at connect, then about every 15 min: {fulls:?}"
    );
    assert!(fulls.windows(2).all(|w| w[1] - w[0] >= 900), "{fulls:?}");
}

/// Watch-only: the agent list (statuses) every minute, the per-agent pending lists rarely.
#[test]
fn watch_only_fetches_agent_statuses_every_minute_and_pending_rarely() {
    let c = Cadence {
        agents_every: secs(60),
        agents_alone: true,
        ..cadence()
    };
    let start = Instant::now();
    let mut s = Schedule::connected(c, start);
    let (mut agents, mut pending) = (0, 0);
    loop {
        let (at, kind) = s.next();
        if at.duration_since(start) >= secs(3600) {
            break;
        }
        agents += u32::from(kind.has_agents());
        pending += u32::from(kind.has_pending());
        s.succeeded(kind, at, QUIET);
    }
    assert!(
        (59..=61).contains(&agents),
        "{agents} agent lists in an hour"
    );
    assert!(pending <= 16, "{pending} pending rounds in an hour");
}
