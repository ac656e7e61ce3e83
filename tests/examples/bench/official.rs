//! The official Socket.IO client (npm `socket.io-client`, pinned in
//! `official-client/package.json`), run with node beside the tray so that both receive
//! the same `message:created` from the same server in one run.
//!
//! Its dependencies are installed into `official-client/node_modules` with `npm ci` (the
//! lock file's exact versions; nothing global). It reports each event's arrival on
//! CLOCK_MONOTONIC, which [`now_ns`] reads here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

/// CLOCK_MONOTONIC in nanoseconds: the clock node's `process.hrtime` reads on Linux.
pub fn now_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// The client's folder (its package.json, lock file and script).
fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bench/official-client")
}

/// The running client: when each message's `message:created` arrived.
pub struct OfficialClient {
    _child: Child,
    arrivals: Arc<Mutex<HashMap<String, u64>>>,
    changed: watch::Receiver<u64>,
    pub version: String,
}

impl OfficialClient {
    /// Installs the client's pinned packages when missing, starts it against `url` with
    /// `api_key`, subscribed to `channels`, and waits until it says it is connected.
    pub async fn start(url: &str, api_key: &str, channels: &[String]) -> OfficialClient {
        let dir = dir();
        if !dir.join("node_modules/socket.io-client").exists() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .status()
                .await
                .expect("npm runs (apt-get install nodejs npm)");
            assert!(status.success(), "npm ci in {}", dir.display());
        }
        let version =
            std::fs::read_to_string(dir.join("node_modules/socket.io-client/package.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v["version"].as_str().map(str::to_owned))
                .unwrap_or_default();
        let mut child = Command::new("node")
            .arg("client.mjs")
            .arg(url)
            .arg(api_key)
            .args(channels)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("stdout");
        let arrivals: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
        let (tx, mut changed) = watch::channel(0u64);
        let (ready_tx, ready) = tokio::sync::oneshot::channel();
        let seen = arrivals.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            let mut ready_tx = Some(ready_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                let mut words = line.split_whitespace();
                match (words.next(), words.next(), words.next()) {
                    (Some("ready"), ..) => {
                        if let Some(r) = ready_tx.take() {
                            let _ = r.send(());
                        }
                    }
                    (Some("created"), Some(id), Some(ns)) => {
                        if let Ok(ns) = ns.parse() {
                            seen.lock().expect("lock").insert(id.to_owned(), ns);
                            tx.send_modify(|n| *n += 1);
                        }
                    }
                    _ => {}
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(60), ready)
            .await
            .expect("the official client connects within a minute")
            .expect("the official client connects");
        changed.borrow_and_update();
        OfficialClient {
            _child: child,
            arrivals,
            changed,
            version,
        }
    }

    /// When the client received `message:created` for `id` (CLOCK_MONOTONIC, ns).
    pub async fn arrival(&mut self, id: &str, timeout: Duration) -> u64 {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(ns) = self.arrivals.lock().expect("lock").remove(id) {
                return ns;
            }
            tokio::time::timeout_at(deadline, self.changed.changed())
                .await
                .unwrap_or_else(|_| panic!("the official client never received {id}"))
                .expect("the official client's reader ended");
        }
    }
}
