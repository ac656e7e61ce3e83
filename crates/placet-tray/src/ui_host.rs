//! The window host: the one process that shows the app's windows (`placet-tray-ui`,
//! the only one that loads WebKit), behind the core's [`WindowHost`] seam.
//!
//! The tray starts it when a window is wanted, or ahead of time when a review
//! notification goes up, so that a click shows the window at once. It stays warm for the
//! setting [`WarmTime`](placet_tray_core::config::WarmTime) (two minutes) after the last
//! review notification or the last window closed, then exits: a review left waiting
//! does not keep a web engine in memory. With nothing pending it goes [`GRACE`] after
//! that was known, unless a window closed within the warm time. The line to it is the
//! host's standard input and output: nothing another process can open. Every command a
//! page sends arrives with the label of its window, and the core answers each window
//! only what that window may ask.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use placet_tray_core::ipc::{dispatch, Ctx, IpcError, UiEvent};
use placet_tray_core::ui_line::{self, ToHost, ToTray};
use placet_tray_core::window::{title_for, WindowEvent, WindowHost, WindowKind};
use placet_tray_core::Core;
use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::sync::{broadcast, mpsc};

/// How long the host stays once nothing is pending (or the account signed out), when no
/// window closed within the warm time.
pub const GRACE: Duration = Duration::from_secs(10);

/// How long after a review notification the host is started ahead of a click: the
/// notification goes out first, and the host's start (a burst of work on every core)
/// does not compete with it. A person takes far longer to reach for it.
const PREWARM_AFTER: Duration = Duration::from_millis(150);

/// Where the host comes from.
#[derive(Debug)]
enum Origin {
    /// This program starts it from here when needed.
    Spawn(PathBuf),
    /// It started this tray, with the line on our standard input and output: it is
    /// never started or stopped from here. Test builds only.
    #[cfg_attr(not(feature = "webdriver"), allow(dead_code))]
    Given,
}

#[derive(Debug)]
struct Host {
    tx: mpsc::UnboundedSender<ToHost>,
    /// Windows open in it.
    windows: HashSet<String>,
    /// When each window was asked for, until its page loaded.
    asked: HashMap<String, Instant>,
    /// Which start this is (a host that exits must not clear its successor).
    generation: u64,
}

#[derive(Debug, Default)]
struct State {
    host: Option<Host>,
    /// When the last review notification went up, while reviews are pending.
    noticed: Option<Instant>,
    /// When the last window closed.
    closed: Option<Instant>,
    generation: u64,
}

impl State {
    /// Whether the host is kept warm at `now` (it shows no window).
    fn warm(&self, warm_for: Duration, now: Instant) -> bool {
        self.noticed
            .max(self.closed)
            .is_some_and(|t| now < t + warm_for)
    }
}

/// The window host, seen from the tray.
#[derive(Debug)]
pub struct UiProcess {
    core: Arc<Core>,
    /// What commands are dispatched with (it holds this host: set after creation).
    ctx: OnceLock<Ctx>,
    origin: Origin,
    state: Mutex<State>,
    /// What becomes of the windows, for the core.
    events: broadcast::Sender<WindowEvent>,
}

impl UiProcess {
    fn new(core: Arc<Core>, origin: Origin) -> Arc<Self> {
        Arc::new(Self {
            core,
            ctx: OnceLock::new(),
            origin,
            state: Mutex::default(),
            events: broadcast::channel(64).0,
        })
    }

    /// A host started from here when needed: `placet-tray-ui` installed beside this
    /// program (test builds: or where `PLACET_TRAY_UI` says).
    pub fn spawned(core: Arc<Core>) -> Arc<Self> {
        Self::new(core, Origin::Spawn(host_program()))
    }

    /// A host that started this tray and handed over the line on our standard input and
    /// output (moved off them, so no child of ours inherits it). Test builds only.
    #[cfg(feature = "webdriver")]
    pub fn given(core: Arc<Core>) -> std::io::Result<Arc<Self>> {
        let me = Self::new(core, Origin::Given);
        let (reader, writer) = own_stdio()?;
        me.attach(reader, writer);
        Ok(me)
    }

    /// Completes the set-up: commands from windows are dispatched with `ctx`.
    pub fn set_ctx(&self, ctx: Ctx) {
        let _ = self.ctx.set(ctx);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The line to a running host, starting one if needed; why not, when it cannot.
    fn ensure(self: &Arc<Self>) -> Result<mpsc::UnboundedSender<ToHost>, String> {
        if let Some(h) = &self.lock().host {
            return Ok(h.tx.clone());
        }
        let Origin::Spawn(program) = &self.origin else {
            return Err("the window host that started this tray is gone".to_owned());
        };
        let mut child = match tokio::process::Command::new(program)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, program = %program.display(), "cannot start the window host");
                return Err(format!(
                    "cannot start the window host {}: {e}",
                    program.display()
                ));
            }
        };
        let (Some(stdout), Some(stdin)) = (child.stdout.take(), child.stdin.take()) else {
            return Err("the window host has no line".to_owned());
        };
        tracing::debug!("window host started");
        let tx = self.attach(Box::new(stdout), Box::new(stdin));
        tokio::spawn(async move {
            // Reap it when it ends; the line's end tells the rest.
            let _ = child.wait().await;
        });
        Ok(tx)
    }

    /// Starts talking to a host over `reader` and `writer`.
    fn attach(
        self: &Arc<Self>,
        reader: Box<dyn AsyncRead + Send + Unpin>,
        mut writer: Box<dyn AsyncWrite + Send + Unpin>,
    ) -> mpsc::UnboundedSender<ToHost> {
        let (tx, mut rx) = mpsc::unbounded_channel::<ToHost>();
        let generation = {
            let mut st = self.lock();
            st.generation += 1;
            st.host = Some(Host {
                tx: tx.clone(),
                windows: HashSet::new(),
                asked: HashMap::new(),
                generation: st.generation,
            });
            st.generation
        };
        tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                let exit = message == ToHost::Exit;
                if ui_line::write(&mut writer, &message).await.is_err() || exit {
                    return;
                }
            }
        });
        let me = self.clone();
        tokio::spawn(async move {
            me.follow(BufReader::new(reader), generation).await;
            let gone = {
                let mut st = me.lock();
                match st.host.as_ref() {
                    Some(h) if h.generation == generation => st.host.take(),
                    _ => None,
                }
            };
            tracing::debug!("window host gone");
            // Its windows went with it; those still loading never showed.
            if let Some(h) = gone {
                for label in &h.windows {
                    let Some(kind) = WindowKind::from_label(label) else {
                        continue;
                    };
                    let _ = me.events.send(if h.asked.contains_key(label) {
                        WindowEvent::Failed(kind, "the window host ended".to_owned())
                    } else {
                        WindowEvent::Closed(kind)
                    });
                }
            }
            if matches!(me.origin, Origin::Given) {
                // The host that started this tray is gone: so are the tests that drove it.
                if let Some(ctx) = me.ctx.get() {
                    ctx.tray.quit();
                }
            }
        });
        tx
    }

    /// Handles what the host sends until the line ends.
    async fn follow(
        self: &Arc<Self>,
        mut reader: BufReader<Box<dyn AsyncRead + Send + Unpin>>,
        generation: u64,
    ) {
        loop {
            let message = match ui_line::read::<ToTray, _>(&mut reader).await {
                Ok(Some(m)) => m,
                Ok(None) => return,
                Err(ui_line::LineError::Io(_)) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "from the window host");
                    continue;
                }
            };
            match message {
                ToTray::Ready => tracing::debug!("window host ready"),
                ToTray::Shown { label } => {
                    if let Some(h) = self.lock().host.as_mut() {
                        if let Some(t) = h.asked.remove(&label) {
                            tracing::info!(window = %label, ms = t.elapsed().as_millis() as u64, "window shown");
                        }
                        h.windows.insert(label.clone());
                    }
                    self.tell(&label, WindowEvent::Shown);
                }
                ToTray::Closed { label } => {
                    tracing::debug!(window = %label, "window closed");
                    self.forget(&label, generation);
                    self.tell(&label, WindowEvent::Closed);
                }
                ToTray::Failed { label, reason } => {
                    tracing::warn!(window = %label, %reason, "a window cannot be shown");
                    self.forget(&label, generation);
                    self.tell(&label, |kind| WindowEvent::Failed(kind, reason.clone()));
                }
                ToTray::Call {
                    id,
                    label,
                    cmd,
                    args,
                } => {
                    let me = self.clone();
                    tokio::spawn(async move {
                        let result = match (me.ctx.get(), WindowKind::from_label(&label)) {
                            (Some(ctx), Some(kind)) => dispatch(ctx, &kind, &cmd, args).await,
                            _ => Err(IpcError::not_allowed("unknown window")),
                        };
                        let reply = match result {
                            Ok(ok) => ToHost::Reply {
                                id,
                                ok: Some(ok),
                                err: None,
                            },
                            Err(err) => ToHost::Reply {
                                id,
                                ok: None,
                                err: Some(err),
                            },
                        };
                        me.send(reply);
                    });
                }
            }
        }
    }

    /// Tells the core what became of the window `label`.
    fn tell(&self, label: &str, event: impl FnOnce(WindowKind) -> WindowEvent) {
        if let Some(kind) = WindowKind::from_label(label) {
            let _ = self.events.send(event(kind));
        }
    }

    /// The window `label` is gone: when it was the last, the host stays warm for the
    /// warm time, then goes.
    fn forget(self: &Arc<Self>, label: &str, generation: u64) {
        let now = Instant::now();
        let empty = {
            let mut st = self.lock();
            let empty = match st.host.as_mut() {
                Some(h) if h.generation == generation => {
                    h.windows.remove(label);
                    h.asked.remove(label);
                    h.windows.is_empty()
                }
                _ => false,
            };
            if empty {
                st.closed = Some(now);
            }
            empty
        };
        if empty {
            self.exit_at(now + self.warm_for(), generation);
        }
    }

    /// The warm time, as set now.
    fn warm_for(&self) -> Duration {
        self.core.config().windows_warm.get()
    }

    fn send(&self, message: ToHost) {
        if let Some(h) = &self.lock().host {
            let _ = h.tx.send(message);
        }
    }

    /// Tells the host to exit at `at` if by then it shows no window and nothing keeps it
    /// warm (each change of those schedules its own check; the last one ends it).
    fn exit_at(self: &Arc<Self>, at: Instant, generation: u64) {
        if matches!(self.origin, Origin::Given) {
            return;
        }
        tracing::debug!(
            in_ms = at.saturating_duration_since(Instant::now()).as_millis() as u64,
            "the window host goes if idle until then"
        );
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let warm_for = me.warm_for();
            let mut st = me.lock();
            let idle = !st.warm(warm_for, Instant::now())
                && st.host.as_ref().is_some_and(|h| {
                    h.generation == generation && h.windows.is_empty() && h.asked.is_empty()
                });
            if idle {
                tracing::debug!("window host idle: exiting");
                // Forgotten at once: a window wanted from now on starts a new host.
                if let Some(h) = st.host.take() {
                    let _ = h.tx.send(ToHost::Exit);
                }
            }
        });
    }

    /// Closes every window and ends the host (on quit).
    pub fn shutdown(&self) {
        if let Some(h) = self.lock().host.take() {
            let _ = h.tx.send(ToHost::Exit);
        }
    }

    fn current_generation(&self) -> Option<u64> {
        self.lock().host.as_ref().map(|h| h.generation)
    }
}

/// `WindowHost` for `Arc<UiProcess>` (starting a host needs the `Arc`).
#[derive(Debug, Clone)]
pub struct UiWindows(pub Arc<UiProcess>);

impl WindowHost for UiWindows {
    fn open(&self, kind: WindowKind, option: Option<String>) {
        let tx = match self.0.ensure() {
            Ok(tx) => tx,
            Err(reason) => {
                tracing::error!(%reason, "windows are unavailable");
                let _ = self.0.events.send(WindowEvent::Failed(kind, reason));
                return;
            }
        };
        let label = kind.label();
        if let Some(h) = self.0.lock().host.as_mut() {
            h.windows.insert(label.clone());
            h.asked.insert(label.clone(), Instant::now());
        }
        let (width, height) = kind.size();
        let _ = tx.send(ToHost::Open {
            title: title_for(&self.0.core, &kind),
            page: kind.page(option.as_deref()),
            label,
            width,
            height,
            option,
        });
    }

    fn close(&self, kind: &WindowKind) {
        self.0.send(ToHost::Close {
            label: kind.label(),
        });
    }

    fn emit(&self, event: UiEvent) {
        // Only windows hear events: a host kept warm without one has nothing to tell
        // (and its work would compete with the notification being shown).
        let host = self
            .0
            .lock()
            .host
            .as_ref()
            .and_then(|h| (!h.windows.is_empty()).then(|| h.tx.clone()));
        if let Some(tx) = host {
            let _ = tx.send(ToHost::Event {
                name: event.name().to_owned(),
                payload: event.payload(),
                to: event.labels(),
            });
        }
    }

    fn events(&self) -> broadcast::Receiver<WindowEvent> {
        self.0.events.subscribe()
    }

    fn prewarm(&self) {
        let warm_for = self.0.warm_for();
        if warm_for.is_zero() {
            return;
        }
        let now = Instant::now();
        self.0.lock().noticed = Some(now);
        let me = self.0.clone();
        tokio::spawn(async move {
            tokio::time::sleep(PREWARM_AFTER).await;
            if me.lock().noticed.is_none() {
                // Nothing is pending any more.
                return;
            }
            if let Err(reason) = me.ensure() {
                tracing::debug!(%reason, "no window host to keep warm");
            }
            if let Some(generation) = me.current_generation() {
                me.exit_at(now + warm_for, generation);
            }
        });
    }

    fn cool_down(&self) {
        let generation = {
            let mut st = self.0.lock();
            if st.noticed.take().is_none() {
                return;
            }
            st.host.as_ref().map(|h| h.generation)
        };
        tracing::debug!("no review is pending: the window host may go");
        if let Some(generation) = generation {
            self.0.exit_at(Instant::now() + GRACE, generation);
        }
    }
}

/// `placet-tray-ui`: next to this program, or in the package's private folder
/// (`../libexec/placet-tray/`). Never from the environment in a shipped build: anyone
/// who can set this process's environment (an autostart file, a shell profile) would
/// otherwise choose the program that receives every review and every answer. Test
/// builds (`webdriver`) take `PLACET_TRAY_UI`.
fn host_program() -> PathBuf {
    #[cfg(feature = "webdriver")]
    if let Some(p) = std::env::var_os("PLACET_TRAY_UI") {
        return PathBuf::from(p);
    }
    let name = format!("placet-tray-ui{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().unwrap_or_default();
    let beside = exe.with_file_name(&name);
    if beside.exists() {
        return beside;
    }
    exe.parent()
        .and_then(|bin| bin.parent())
        .map(|prefix| prefix.join("libexec/placet-tray").join(&name))
        .filter(|p| p.exists())
        .unwrap_or(beside)
}

/// This process's standard input and output, moved to descriptors that children do not
/// inherit, with `/dev/null` in their place.
#[cfg(all(unix, feature = "webdriver"))]
fn own_stdio() -> std::io::Result<(
    Box<dyn AsyncRead + Send + Unpin>,
    Box<dyn AsyncWrite + Send + Unpin>,
)> {
    use std::os::fd::AsFd;
    let input = rustix::io::fcntl_dupfd_cloexec(std::io::stdin().as_fd(), 3)?;
    let output = rustix::io::fcntl_dupfd_cloexec(std::io::stdout().as_fd(), 3)?;
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    rustix::stdio::dup2_stdin(&null)?;
    rustix::stdio::dup2_stdout(&null)?;
    Ok((
        Box::new(tokio::net::unix::pipe::Receiver::from_owned_fd(input)?),
        Box::new(tokio::net::unix::pipe::Sender::from_owned_fd(output)?),
    ))
}

#[cfg(all(not(unix), feature = "webdriver"))]
fn own_stdio() -> std::io::Result<(
    Box<dyn AsyncRead + Send + Unpin>,
    Box<dyn AsyncWrite + Send + Unpin>,
)> {
    Ok((Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout())))
}
