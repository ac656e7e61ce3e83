//! A world per test: the dev server on loopback, the core signed in to it with its
//! flows running, a recording notifier, and fake window, tray and autostart hosts that
//! record what the core asks of them (the real ones need a display; the end-to-end
//! suites in `tests/` cover those).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use placet_client::backoff::Backoff;
use placet_client::{Secret, ServerUrl, SessionConfig};
use placet_devserver::{DevServer, DevServerConfig, RecordedRespond};
use placet_tray_core::app::Addresses;
use placet_tray_core::attention::clock::ManualClock;
use placet_tray_core::attention::Attention;
use placet_tray_core::autostart::Autostart;
use placet_tray_core::door::{Incoming, Outcome, Peer, Reply, Request};
use placet_tray_core::ipc::{Ctx, UiEvent};
use placet_tray_core::notify::recording::RecordingNotifier;
use placet_tray_core::notify::{
    CenterConfig, Notice, NoticeEvent, NoticeKey, NotificationCenter, Notifier,
};
use placet_tray_core::paths::Paths;
use placet_tray_core::proposal::Proposals;
use placet_tray_core::secrets::MemoryStore;
use placet_tray_core::tray::TrayHost;
use placet_tray_core::window::{WindowEvent, WindowHost, WindowKind};
use placet_tray_core::{flows, Core, Persist};
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

/// The ceiling of every wait: only reached when something is broken.
pub const T: Duration = Duration::from_secs(60);
/// How long "nothing happens" is watched for.
pub const QUIET: Duration = Duration::from_millis(800);

/// Waits until `check` gives a value, polling; panics with `what` after [`T`].
pub async fn until<V>(what: &str, mut check: impl FnMut() -> Option<V>) -> V {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {T:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The window host, as a recording: what was opened, closed and emitted; the test plays
/// the window's side (shown, closed, failing).
#[derive(Debug)]
pub struct Windows {
    pub opened: Mutex<Vec<(WindowKind, Option<String>)>>,
    pub closed: Mutex<Vec<WindowKind>>,
    pub emitted: Mutex<Vec<UiEvent>>,
    events: broadcast::Sender<WindowEvent>,
    /// Every open fails with this reason (no web engine here).
    pub fail_with: Mutex<Option<String>>,
}

impl Default for Windows {
    fn default() -> Self {
        Self {
            opened: Mutex::default(),
            closed: Mutex::default(),
            emitted: Mutex::default(),
            events: broadcast::channel(64).0,
            fail_with: Mutex::default(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Windows {
    /// The windows opened so far.
    pub fn opened(&self) -> Vec<(WindowKind, Option<String>)> {
        lock(&self.opened).clone()
    }

    /// Plays the person closing `kind`.
    pub fn close_by_person(&self, kind: WindowKind) {
        let _ = self.events.send(WindowEvent::Closed(kind));
    }
}

impl WindowHost for Windows {
    fn open(&self, kind: WindowKind, option: Option<String>) {
        lock(&self.opened).push((kind.clone(), option));
        let event = match lock(&self.fail_with).clone() {
            Some(reason) => WindowEvent::Failed(kind, reason),
            None => WindowEvent::Shown(kind),
        };
        let _ = self.events.send(event);
    }

    fn close(&self, kind: &WindowKind) {
        lock(&self.closed).push(kind.clone());
    }

    fn emit(&self, event: UiEvent) {
        lock(&self.emitted).push(event);
    }

    fn events(&self) -> broadcast::Receiver<WindowEvent> {
        self.events.subscribe()
    }
}

/// The tray, as a count of redraws.
#[derive(Debug, Default)]
pub struct Tray {
    pub refreshed: Mutex<usize>,
}

impl TrayHost for Tray {
    fn refresh(&self) {
        *lock(&self.refreshed) += 1;
    }

    fn quit(&self) {}
}

#[derive(Debug, Default)]
struct NoAutostart;

impl Autostart for NoAutostart {
    fn set(&self, _enabled: bool) -> Result<(), String> {
        Ok(())
    }
}

/// The notifier seen by the core: records, and shows the tests what is on screen.
#[derive(Debug, Clone)]
struct Shared(Arc<RecordingNotifier>);

impl Notifier for Shared {
    fn show(&self, notice: Notice) {
        self.0.show(notice)
    }
    fn withdraw(&self, key: &NoticeKey) {
        self.0.withdraw(key)
    }
    fn withdraw_all(&self) {
        self.0.withdraw_all()
    }
}

pub struct World {
    pub server: DevServer,
    pub core: Arc<Core>,
    pub ctx: Ctx,
    /// The time reminders and snoozes are measured in: moved by the test.
    pub clock: Arc<ManualClock>,
    pub attention: Attention,
    pub notifier: Arc<RecordingNotifier>,
    pub windows: Arc<Windows>,
    pub secrets: Arc<MemoryStore>,
    pub dir: PathBuf,
    responses: mpsc::UnboundedSender<NoticeEvent>,
    requests: mpsc::Sender<Incoming>,
    flows: Vec<JoinHandle<()>>,
}

/// A private folder for one test's files.
fn temp_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "placet-core-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a test folder");
    dir
}

/// Quick reconnects: a test waits on events, not on backoff.
fn session_config() -> SessionConfig {
    SessionConfig {
        backoff: Backoff {
            min: Duration::from_millis(50),
            max: Duration::from_millis(300),
            jitter: 0.0,
        },
        settle_delay: Duration::from_millis(100),
        ..SessionConfig::default()
    }
}

impl World {
    /// A dev server and the core signed in to it, its flows running.
    pub async fn signed_in() -> World {
        World::signed_in_to(DevServerConfig::default()).await
    }

    /// As [`signed_in`](Self::signed_in), to a server started from `config` (through the
    /// address a person would type: its web address).
    pub async fn signed_in_to(config: DevServerConfig) -> World {
        let server = DevServer::start(DevServerConfig {
            expiry_tick: Duration::from_millis(100),
            ..config
        })
        .await
        .expect("the dev server starts");
        let world = World::on(server, temp_dir(), Arc::new(MemoryStore::default())).await;
        world.add_account(&world.server).await;
        world
    }

    /// Signs this core in to `server` (another account when it is already signed in
    /// elsewhere), as its admin; waits until its socket has joined every agent's
    /// channel.
    pub async fn add_account(&self, server: &DevServer) {
        let admin = server.seed().admin();
        self.core
            .sign_in(
                Addresses::find(
                    ServerUrl::parse(&server.web_url()).expect("the server's URL"),
                    None,
                    false,
                )
                .await
                .expect("the live connection is found"),
                &admin.email,
                &Secret::new(admin.password.clone()),
                Persist::Keychain,
            )
            .await
            .expect("signed in");
        wait_subscribed_to(server).await;
    }

    /// The core of a tray on `server`, with its files in `dir` and its keychain
    /// `secrets`, flows running, not signed in yet (or resumed from what `dir` holds).
    pub async fn on(server: DevServer, dir: PathBuf, secrets: Arc<MemoryStore>) -> World {
        let paths = Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
            state_dir: dir.join("state"),
            downloads_dir: dir.join("downloads"),
        };
        let core = Core::new(paths, session_config(), secrets.clone()).expect("the core");
        let notifier = Arc::new(RecordingNotifier::default());
        let windows = Arc::new(Windows::default());
        let center =
            NotificationCenter::spawn(Arc::new(Shared(notifier.clone())), CenterConfig::default());
        let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
        let attention = Attention::new(clock.clone());
        let ctx = Ctx {
            core: core.clone(),
            windows: windows.clone(),
            tray: Arc::new(Tray::default()),
            autostart: Arc::new(NoAutostart),
            proposals: Arc::new(Proposals::default()),
            attention: attention.clone(),
        };
        let (responses, responses_rx) = mpsc::unbounded_channel();
        let (requests, requests_rx) = mpsc::channel(8);
        let flows = flows::start(ctx.clone(), center, responses_rx, requests_rx);
        World {
            server,
            core,
            ctx,
            clock,
            attention,
            notifier,
            windows,
            secrets,
            dir,
            responses,
            requests,
            flows,
        }
    }

    /// Stops this core (as the tray quits) and gives back what a new one needs.
    pub async fn quit(self) -> (DevServer, PathBuf, Arc<MemoryStore>) {
        self.core.shutdown().await;
        for f in self.flows {
            f.abort();
        }
        (self.server, self.dir, self.secrets)
    }

    /// Stops the server, answers `id` (approve) from its review window, and waits until
    /// the first attempt has failed: the answer is queued.
    pub async fn answer_while_away(&self, id: &str) {
        self.server.stop().await;
        let live = self.core.lives().pop().expect("signed in");
        let mut deliveries = live.outbox.subscribe();
        placet_tray_core::ipc::dispatch(
            &self.ctx,
            &WindowKind::review(id),
            "review_respond",
            json!({"id": id, "answer": {"kind": "approval", "optionId": "approve"}}),
        )
        .await
        .expect("queued");
        assert_eq!(
            self.core
                .queued_answers(&live.account)
                .await
                .expect("the outbox"),
            1
        );
        // A tray killed in the middle of an attempt leaves its claim on the answer,
        // which a later tray waits out (a minute) so that no answer is ever sent twice;
        // the callers quit after the failed attempt, so that wait is not theirs.
        tokio::time::timeout(T, async {
            loop {
                if let Ok(placet_client::Delivery::WillRetry { .. }) = deliveries.recv().await {
                    return;
                }
            }
        })
        .await
        .expect("the first attempt fails while the server is away");
    }

    /// Signs in again with what the files and keychain hold, as a tray restarting.
    pub async fn resume(&self) {
        self.core
            .resume()
            .await
            .expect("resumed")
            .pop()
            .expect("signed in again");
    }

    /// After a restart with the answer to `id` (approve) queued: signs in again, brings
    /// the server back, and checks the answer arrives exactly once and leaves the
    /// outbox.
    pub async fn queued_answer_delivered_once(&self, id: &str) {
        self.resume().await;
        self.server.restart().await.expect("the server is back");
        let sent = self.responses(id, 1).await;
        assert_eq!(
            sent[0].body,
            json!({"response": {"selectedOption": "approve"}})
        );
        self.outbox_empties().await;
        assert_eq!(
            self.server.controls().responses_for(id).len(),
            1,
            "exactly once"
        );
    }

    /// Waits until no answer of the first account is queued.
    pub async fn outbox_empties(&self) {
        let account = self.core.accounts().remove(0);
        tokio::time::timeout(T, async {
            while self.core.queued_answers(&account).await.unwrap_or(1) > 0 {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("the outbox empties");
    }

    /// Waits until the admin's socket has joined every agent's channel.
    pub async fn wait_subscribed(&self) {
        wait_subscribed_to(&self.server).await;
    }

    /// Posts a review from Deploy Bot; returns its id.
    pub async fn post(&self, text: &str, review: Value) -> String {
        post_to(&self.server, text, review).await
    }

    /// An approval with a safe and a dangerous option.
    pub async fn approval(&self, text: &str) -> String {
        self.post(
            text,
            json!({"type": "approval", "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"},
                {"id": "reject", "label": "Reject", "style": "danger"}
            ]}}),
        )
        .await
    }

    /// Waits until the notice `key` is on screen; returns it.
    pub async fn shown(&self, key: &NoticeKey) -> Notice {
        until(&format!("{key:?} to be shown"), || {
            self.notifier
                .is_open(key)
                .then(|| self.notifier.last_shown(key))
                .flatten()
        })
        .await
    }

    /// Waits until the notice `key` was withdrawn.
    pub async fn withdrawn(&self, key: &NoticeKey) {
        until(&format!("{key:?} to be withdrawn"), || {
            (!self.notifier.is_open(key)).then_some(())
        })
        .await
    }

    /// Plays the person's response to a notice.
    pub fn respond(&self, event: NoticeEvent) {
        self.responses
            .send(event)
            .expect("the flows follow responses");
    }

    /// Hands a program's proposal to the door; the reply comes on the receiver.
    pub async fn propose(&self, message_id: &str, answer: Value) -> oneshot::Receiver<Reply> {
        let answer = serde_json::from_value(answer).expect("an answer");
        self.ask(Request::Propose {
            message_id: message_id.to_owned(),
            answer,
            feedback: None,
        })
        .await
    }

    /// Hands a program's request to the door, as this process; the reply comes on the
    /// receiver.
    pub async fn ask(&self, request: Request) -> oneshot::Receiver<Reply> {
        let (reply, rx) = oneshot::channel();
        self.requests
            .send(Incoming {
                request,
                peer: Peer {
                    pid: Some(std::process::id()),
                },
                reply,
            })
            .await
            .expect("the flows follow the door");
        rx
    }

    /// Waits until a confirmation window was opened; returns its proposal's number.
    pub async fn confirmation_window(&self) -> u64 {
        until("a confirmation window", || {
            self.windows
                .opened()
                .iter()
                .rev()
                .find_map(|(k, _)| match k {
                    WindowKind::Confirm { proposal } => Some(*proposal),
                    _ => None,
                })
        })
        .await
    }

    /// Waits until the server recorded `n` answers to `id`.
    pub async fn responses(&self, id: &str, n: usize) -> Vec<RecordedRespond> {
        let controls = self.server.controls();
        until(&format!("{n} answer(s) to {id}"), || {
            let r = controls.responses_for(id);
            (r.len() >= n).then_some(r)
        })
        .await
    }
}

/// The outcome a proposal ended with.
pub async fn outcome(rx: oneshot::Receiver<Reply>) -> Outcome {
    match tokio::time::timeout(T, rx).await {
        Ok(Ok(Reply::Proposed(o))) => o,
        other => panic!("no outcome for the proposal: {other:?}"),
    }
}

/// Waits until the admin's socket on `server` has joined every agent's channel.
pub async fn wait_subscribed_to(server: &DevServer) {
    let admin = server.seed().admin().id.clone();
    let rooms: Vec<String> = server
        .seed()
        .agents_of(&admin)
        .iter()
        .map(|a| format!("channel:{}", a.id))
        .collect();
    let controls = server.controls();
    until("the core to connect and subscribe", || {
        controls
            .sockets()
            .iter()
            .any(|s| s.user_id == admin && !s.api_key && rooms.iter().all(|r| s.rooms.contains(r)))
            .then_some(())
    })
    .await;
}

/// Posts a review from `server`'s Deploy Bot; returns its id.
pub async fn post_to(server: &DevServer, text: &str, review: Value) -> String {
    let (status, m) = server
        .post_agent_message(
            &server.seed().admin().api_key,
            json!({"channelId": server.seed().deploy_bot().id, "text": text, "review": review}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    m["id"].as_str().expect("an id").to_owned()
}
