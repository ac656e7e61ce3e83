//! The running tray's door for the command line: a second launch asks the first to show
//! itself, and `placet-tray respond` from a script hands its answer over to be
//! confirmed by the person. The door can only ask: nothing that comes through it is
//! sent without a click in the tray's confirmation notification (or the person's
//! standing permission for unattended answers, set in the settings window, which never
//! covers a `danger` option).
//!
//! On Unix it is a socket in the user's runtime directory (a folder only the user can
//! enter); the tray also checks that the peer runs as the same user. One JSON request
//! and one JSON reply per connection, each a line of at most [`MAX_LINE`] bytes.

use std::path::PathBuf;
use std::time::Duration;

use placet_client::Answer;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

/// The longest request or reply line.
pub const MAX_LINE: usize = 256 * 1024;

/// What the command line asks the tray.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Request {
    /// Show yourself (a second launch): the inbox, or sign-in when signed out.
    Show,
    /// Open a window (`inbox`, `settings`, `review:<id>`).
    Open { window: String },
    /// Ask the person to confirm this answer; reply how it ended.
    Propose { message_id: String, answer: Answer },
}

/// How a proposed answer ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// The server has the answer.
    Sent { summary: String },
    /// Confirmed and queued, not delivered yet (the server is unreachable).
    Queued { reason: String },
    /// The person declined.
    Cancelled,
    /// A `danger` option: not sent; the review's window was opened for the person.
    Opened { message: String },
    /// Nobody confirmed in time.
    TimedOut,
    /// The answer does not fit the review (nothing was sent).
    Invalid { message: String },
    /// The review was answered, expired or withdrawn.
    Gone { message: String },
    /// The tray is not signed in (or watch-only).
    NotSignedIn { message: String },
    /// Anything else.
    Failed { message: String },
}

/// The tray's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum Reply {
    Done,
    Proposed(Outcome),
    Refused { message: String },
}

/// Why the tray could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("Placet Tray is not running")]
    NotRunning,
    #[error("cannot talk to Placet Tray: {0}")]
    Io(#[from] std::io::Error),
    #[error("Placet Tray answered something unreadable: {0}")]
    Protocol(String),
}

/// A request with the way to answer it, for the tray to handle.
pub type Incoming = (Request, oneshot::Sender<Reply>);

/// The door's address: one tray per user, so one socket, in a folder only the user can
/// enter (the runtime directory; without one, the user's cache directory, never a
/// shared temporary directory).
pub fn socket_path() -> PathBuf {
    let base = dirs::runtime_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("placet-tray-{}", user_id())));
    base.join("placet-tray").join("tray.sock")
}

fn user_id() -> String {
    #[cfg(unix)]
    {
        rustix::process::getuid().as_raw().to_string()
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME").unwrap_or_else(|_| "user".to_owned())
    }
}

/// Asks the running tray; `Err(NotRunning)` when there is none.
pub async fn ask(request: &Request, wait: Duration) -> Result<Reply, EndpointError> {
    #[cfg(unix)]
    {
        let stream = match tokio::net::UnixStream::connect(socket_path()).await {
            Ok(s) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Err(EndpointError::NotRunning)
            }
            Err(e) => return Err(e.into()),
        };
        let (read, mut write) = stream.into_split();
        let mut line =
            serde_json::to_string(request).map_err(|e| EndpointError::Protocol(e.to_string()))?;
        line.push('\n');
        write.write_all(line.as_bytes()).await?;
        let mut reader = BufReader::new(read.take(MAX_LINE as u64 + 1));
        let mut reply = String::new();
        match tokio::time::timeout(wait, reader.read_line(&mut reply)).await {
            Ok(r) => {
                r?;
            }
            Err(_) => {
                return Err(EndpointError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no reply in time",
                )))
            }
        }
        serde_json::from_str(reply.trim_end()).map_err(|e| EndpointError::Protocol(e.to_string()))
    }
    #[cfg(not(unix))]
    {
        let _ = (request, wait);
        Err(EndpointError::NotRunning)
    }
}

/// True when a tray answers at the door.
pub async fn tray_is_running() -> bool {
    #[cfg(unix)]
    {
        tokio::net::UnixStream::connect(socket_path()).await.is_ok()
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Opens the door: requests go to `requests`. Fails when another tray holds it.
#[cfg(unix)]
pub async fn serve(requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    use std::path::Path;

    let path = socket_path();
    let dir = path.parent().unwrap_or(Path::new("/"));
    crate::paths::private_dir(dir)?;
    if tokio::net::UnixStream::connect(&path).await.is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            "another Placet Tray is running",
        ));
    }
    // A socket left by a tray that died.
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    let me = rustix::process::getuid().as_raw();
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((s, _)) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "command-line connection failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            match stream.peer_cred() {
                Ok(c) if c.uid() == me => {}
                other => {
                    tracing::warn!(peer = ?other.map(|c| c.uid()), "a process of another user was refused");
                    continue;
                }
            }
            tokio::spawn(serve_one(stream, requests.clone()));
        }
    });
    Ok(())
}

/// Opens the door (not on this platform yet: a second launch and scripts find no tray).
#[cfg(not(unix))]
pub async fn serve(_requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(unix)]
async fn serve_one(stream: tokio::net::UnixStream, requests: mpsc::Sender<Incoming>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read.take(MAX_LINE as u64 + 1));
    let mut line = String::new();
    let reply = match reader.read_line(&mut line).await {
        Ok(_) if line.len() > MAX_LINE => Reply::Refused {
            message: "request too long".to_owned(),
        },
        Ok(_) => match serde_json::from_str::<Request>(line.trim_end()) {
            Ok(request) => {
                let (tx, rx) = oneshot::channel();
                if requests.send((request, tx)).await.is_err() {
                    return;
                }
                match rx.await {
                    Ok(r) => r,
                    Err(_) => return,
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "malformed command-line request skipped");
                Reply::Refused {
                    message: format!("malformed request: {e}"),
                }
            }
        },
        Err(_) => return,
    };
    let mut out = serde_json::to_string(&reply).unwrap_or_default();
    out.push('\n');
    let _ = write.write_all(out.as_bytes()).await;
}
