//! Windows run in their own processes; this is the line between them and the tray.
//!
//! A webview costs about 150 MiB (WebKit's libraries and heaps, and its network process)
//! that stays in a process once it has shown one page. So the tray never shows a page:
//! each window is a short-lived `placet-tray window <target>` process, and closing the
//! window ends the process and gives all of that back. The window process forwards every
//! command of its page to the tray, which owns the account, the session and the outbox,
//! and relays the tray's events to its page. Secrets stay in the tray.
//!
//! The line is a Unix socket in the user's runtime directory (mode 0700), carrying one
//! JSON message per line. Elsewhere (Windows) windows stay in the tray process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use placet_tray_core::ipc::{dispatch, Ctx, IpcError};
use placet_tray_core::windows::{title_for, WindowKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
#[cfg(unix)]
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};

/// From a window process to the tray.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum ToTray {
    /// The first message: which window this is.
    Hello { label: String },
    /// A page's command.
    Call { id: u64, cmd: String, args: Value },
}

/// From the tray to a window process.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum ToWindow {
    /// The answer to a call: `ok` or `err`.
    Reply {
        id: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ok: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        err: Option<IpcError>,
    },
    /// An app event for the page.
    Event { name: String, payload: Value },
    /// Bring the window to the front, with an approval option to preselect.
    Focus { option: Option<String> },
    /// The window's title.
    Title { title: String },
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The socket's path: one tray per user, so one socket, in a directory only the user
/// can enter (the runtime directory; without one, the user's cache directory, never a
/// shared temporary directory).
pub fn socket_path() -> PathBuf {
    let base = dirs::runtime_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("placet-tray-{}", whoami())));
    base.join("placet-tray").join("windows.sock")
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "user".to_owned())
}

/// The tray's side: the window processes it talks to.
#[derive(Debug, Default)]
pub struct Bridge {
    windows: Mutex<HashMap<String, mpsc::UnboundedSender<ToWindow>>>,
    /// Windows started but not yet connected (a second click must not start another).
    starting: Mutex<HashMap<String, std::time::Instant>>,
}

impl Bridge {
    /// Listens for window processes.
    #[cfg(not(unix))]
    pub fn start(_ctx: Ctx) -> std::io::Result<Arc<Bridge>> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    /// Listens for window processes.
    #[cfg(unix)]
    pub fn start(ctx: Ctx) -> std::io::Result<Arc<Bridge>> {
        let path = socket_path();
        let dir = path.parent().unwrap_or(Path::new("/"));
        std::fs::create_dir_all(dir)?;
        set_private(dir)?;
        // A socket left by a tray that died; the single-instance check ran before us.
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path)?;
        let bridge = Arc::new(Bridge::default());
        let served = bridge.clone();
        tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(serve(ctx.clone(), served.clone(), stream));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "window connection failed");
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    }
                }
            }
        });
        Ok(bridge)
    }

    /// Sends an app event to every window.
    pub fn emit(&self, name: &str, payload: Value) {
        let message = ToWindow::Event {
            name: name.to_owned(),
            payload,
        };
        lock(&self.windows).retain(|_, tx| tx.send(message.clone()).is_ok());
    }

    /// Sends a message to one window; false when no such window is connected.
    pub fn send(&self, label: &str, message: ToWindow) -> bool {
        lock(&self.windows)
            .get(label)
            .is_some_and(|tx| tx.send(message).is_ok())
    }

    /// True when the window exists or is starting (started less than 15 s ago).
    pub fn is_open(&self, label: &str) -> bool {
        lock(&self.windows).contains_key(label)
            || lock(&self.starting)
                .get(label)
                .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(15))
    }

    /// Notes that a window process was started.
    pub fn starting(&self, label: &str) {
        lock(&self.starting).insert(label.to_owned(), std::time::Instant::now());
    }
}

#[cfg(unix)]
fn set_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn set_private(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// One window process: register it, answer its calls, feed it events.
#[cfg(unix)]
async fn serve(ctx: Ctx, bridge: Arc<Bridge>, stream: UnixStream) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let (tx, mut rx) = mpsc::unbounded_channel::<ToWindow>();
    let writer = tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            let mut line = serde_json::to_string(&message).unwrap_or_default();
            line.push('\n');
            if write.write_all(line.as_bytes()).await.is_err() {
                return;
            }
        }
    });
    let mut label = None;
    let mut window: Option<WindowKind> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        match serde_json::from_str::<ToTray>(&line) {
            Ok(ToTray::Hello { label: l }) => {
                let Some(kind) = WindowKind::from_label(&l) else {
                    tracing::warn!(label = %l, "a window with an unknown label was refused");
                    break;
                };
                lock(&bridge.starting).remove(&l);
                lock(&bridge.windows).insert(l.clone(), tx.clone());
                let title = title_for(&ctx.core, &kind);
                let _ = tx.send(ToWindow::Title { title });
                label = Some(l);
                window = Some(kind);
            }
            Ok(ToTray::Call { id, cmd, args }) => {
                let Some(kind) = window.clone() else {
                    tracing::warn!("a call before the window said which it is was refused");
                    break;
                };
                let ctx = ctx.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let reply = match dispatch(&ctx, &kind, &cmd, args).await {
                        Ok(ok) => ToWindow::Reply {
                            id,
                            ok: Some(ok),
                            err: None,
                        },
                        Err(err) => ToWindow::Reply {
                            id,
                            ok: None,
                            err: Some(err),
                        },
                    };
                    let _ = tx.send(reply);
                });
            }
            Err(e) => tracing::warn!(error = %e, "malformed message from a window skipped"),
        }
    }
    if let Some(l) = label {
        let mut windows = lock(&bridge.windows);
        if windows.get(&l).is_some_and(|t| t.same_channel(&tx)) {
            windows.remove(&l);
        }
    }
    writer.abort();
}

/// Calls waiting for their reply, by id.
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, IpcError>>>>>;

/// The window process's side: calls to the tray and what the tray sends.
#[derive(Debug, Clone)]
pub struct Link {
    tx: mpsc::UnboundedSender<String>,
    pending: Pending,
    next: Arc<AtomicU64>,
}

impl Link {
    /// Connects to the tray and introduces window `label`. Messages that are not replies
    /// go to `incoming`; it closes when the tray goes away.
    pub async fn connect(
        label: &str,
        incoming: mpsc::UnboundedSender<ToWindow>,
    ) -> std::io::Result<Link> {
        #[cfg(not(unix))]
        {
            let _ = (label, incoming);
            Err(std::io::ErrorKind::Unsupported.into())
        }
        #[cfg(unix)]
        Self::connect_unix(label, incoming).await
    }

    #[cfg(unix)]
    async fn connect_unix(
        label: &str,
        incoming: mpsc::UnboundedSender<ToWindow>,
    ) -> std::io::Result<Link> {
        let stream = UnixStream::connect(socket_path()).await?;
        let (read, mut write) = stream.into_split();
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(mut line) = rx.recv().await {
                line.push('\n');
                if write.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
        let link = Link {
            tx,
            pending: Arc::new(Mutex::new(HashMap::new())),
            next: Arc::new(AtomicU64::new(1)),
        };
        let pending = link.pending.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                match serde_json::from_str::<ToWindow>(&line) {
                    Ok(ToWindow::Reply { id, ok, err }) => {
                        if let Some(done) = lock(&pending).remove(&id) {
                            let _ = done.send(match err {
                                Some(e) => Err(e),
                                None => Ok(ok.unwrap_or(Value::Null)),
                            });
                        }
                    }
                    Ok(other) => {
                        if incoming.send(other).is_err() {
                            return;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "malformed message from the tray skipped"),
                }
            }
            // The tray is gone: fail what is waiting, and let the window close.
            lock(&pending).clear();
        });
        link.send(&ToTray::Hello {
            label: label.to_owned(),
        });
        Ok(link)
    }

    fn send(&self, message: &ToTray) {
        let _ = self
            .tx
            .send(serde_json::to_string(message).unwrap_or_default());
    }

    /// Runs a page's command in the tray.
    pub async fn call(&self, cmd: String, args: Value) -> Result<Value, IpcError> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (done, wait) = oneshot::channel();
        lock(&self.pending).insert(id, done);
        self.send(&ToTray::Call { id, cmd, args });
        wait.await
            .unwrap_or_else(|_| Err(IpcError::not_connected("Placet Tray is not running")))
    }
}
