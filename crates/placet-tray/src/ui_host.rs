//! The window host: the one process that shows the app's windows (`placet-tray-ui`,
//! the only one that loads WebKit), behind the core's [`WindowHost`] seam.
//!
//! The tray starts it when a window is wanted, or ahead of time when a review
//! notification goes up (so a click shows the window at once; for [`WARM_FOR`]), and
//! tells it to exit [`GRACE`] after its last window closed once nothing keeps it warm. The line to it is
//! the host's standard input and output: nothing another process can open. Every
//! command a page sends arrives with the label of its window, and the core answers each
//! window only what that window may ask.

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

/// How long the host stays after its last window closed (with no review pending).
pub const GRACE: Duration = Duration::from_secs(10);

/// How long a review notification keeps the host warm: the time a person takes to
/// reach for it. A review left waiting longer does not keep a web engine in memory.
pub const WARM_FOR: Duration = Duration::from_secs(120);

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
    /// A review notification went up: keep (or start) the host so a click shows a window
    /// at once, until then.
    warm_until: Option<Instant>,
    generation: u64,
}

impl State {
    fn warm(&self) -> bool {
        self.warm_until.is_some_and(|t| Instant::now() < t)
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

    /// The window `label` is gone: the host may go when it was the last.
    fn forget(self: &Arc<Self>, label: &str, generation: u64) {
        let empty = match self.lock().host.as_mut() {
            Some(h) => {
                h.windows.remove(label);
                h.asked.remove(label);
                h.windows.is_empty()
            }
            None => false,
        };
        if empty {
            self.exit_later(generation);
        }
    }

    fn send(&self, message: ToHost) {
        if let Some(h) = &self.lock().host {
            let _ = h.tx.send(message);
        }
    }

    /// Tells the host to exit after [`GRACE`], unless by then it shows a window again or
    /// a review is pending.
    fn exit_later(self: &Arc<Self>, generation: u64) {
        if matches!(self.origin, Origin::Given) {
            return;
        }
        tracing::debug!(?GRACE, "the window host goes when idle this long");
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(GRACE).await;
            let mut st = me.lock();
            let idle = !st.warm()
                && st
                    .host
                    .as_ref()
                    .is_some_and(|h| h.generation == generation && h.windows.is_empty());
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
        self.0.send(ToHost::Event {
            name: event.name().to_owned(),
            payload: event.payload(),
            to: event.labels(),
        });
    }

    fn events(&self) -> broadcast::Receiver<WindowEvent> {
        self.0.events.subscribe()
    }

    fn prewarm(&self) {
        self.0.lock().warm_until = Some(Instant::now() + WARM_FOR);
        if let Err(reason) = self.0.ensure() {
            tracing::debug!(%reason, "no window host to keep warm");
        }
        // Cool down on its own once the warm time is over.
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(WARM_FOR).await;
            if !me.0.lock().warm() {
                me.cool_down();
            }
        });
    }

    fn cool_down(&self) {
        tracing::debug!("no window is likely soon: the window host may go");
        self.0.lock().warm_until = None;
        let idle = self
            .0
            .lock()
            .host
            .as_ref()
            .is_some_and(|h| h.windows.is_empty());
        if let (true, Some(generation)) = (idle, self.0.current_generation()) {
            self.0.exit_later(generation);
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
