//! The running tray's door for the command line: a second launch asks the first to show
//! itself, and `placet-tray respond` hands its answer over as a *proposal*. The door can
//! only ask: nothing that comes through it is sent without the person's Confirm in the
//! proposal's confirmation window (and a `danger` option never is), whatever the
//! settings say. The tray learns who is asking from the operating system (the peer's
//! process id), never from the request.
//!
//! On Unix it is a socket in the user's runtime directory (a folder only the user can
//! enter); the tray also checks that the peer runs as the same user. On Windows it is a
//! named pipe, `\\.\pipe\placet-tray-<user>`: local clients only, and only the
//! user (with the system and administrators) may write to it, which is the default
//! security of a pipe. Pipe names are one namespace for every user, so the tray that
//! opens the door first writes a fresh token into the user's private local data folder
//! and greets each connection with it; the command line reads the token and talks only
//! to a door that greets it so (another user's program holding the name learns
//! nothing). One JSON request and one JSON reply per connection, each a line of at most
//! [`MAX_LINE`] bytes.

use std::path::PathBuf;
use std::time::Duration;

use placet_client::outbox::Delivery;
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
    /// The snoozed reviews.
    Snoozes,
    /// Clear a snooze (`None`: all); the reviews come back at once.
    Unsnooze {
        #[serde(default)]
        message_id: Option<String>,
    },
    /// Ask the person to confirm this answer (and request for changes); reply how it
    /// ended.
    Propose {
        message_id: String,
        answer: Answer,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feedback: Option<String>,
    },
    /// Ask the person to confirm this message to an agent (its id or name); reply how
    /// it ended.
    ProposeReply { agent: String, text: String },
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
    /// The person declined (Cancel, or closed the confirmation window).
    Cancelled,
    /// A `danger` option: never sent for a program; the person was shown it and may
    /// choose it in the review's own window.
    Opened { message: String },
    /// The tray cannot show the person the confirmation here (no window host, no web
    /// engine): nothing was sent.
    CannotShow { message: String },
    /// The tray takes no proposals (strict mode), or no more of them now.
    Refused { message: String },
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
    Refused {
        message: String,
    },
    /// The snoozed reviews, soonest first.
    Snoozes {
        list: Vec<crate::attention::SnoozedReview>,
    },
    /// How many snoozes were cleared.
    Unsnoozed {
        count: usize,
    },
}

/// Why the tray could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum DoorError {
    #[error("Placet Tray is not running")]
    NotRunning,
    #[error("cannot talk to Placet Tray: {0}")]
    Io(#[from] std::io::Error),
    #[error("Placet Tray answered something unreadable: {0}")]
    Protocol(String),
}

impl Outcome {
    /// How an answer the person confirmed ended, from the outbox's last word on it;
    /// `summary` says what was sent.
    pub fn of_delivery(delivery: &Delivery, summary: &str) -> Outcome {
        match delivery {
            Delivery::Sent { .. } => Outcome::Sent {
                summary: summary.to_owned(),
            },
            Delivery::WillRetry { reason, .. } => Outcome::Queued {
                reason: reason.clone(),
            },
            Delivery::AuthExpired { .. } => Outcome::NotSignedIn {
                message: "the server refused the sign-in; the answer is queued. Sign in again"
                    .to_owned(),
            },
            Delivery::AnsweredElsewhere { .. } => Outcome::Gone {
                message: "the review was answered elsewhere; your answer was not used".to_owned(),
            },
            Delivery::Expired { .. } => Outcome::Gone {
                message: "the review expired before the answer arrived".to_owned(),
            },
            Delivery::Withdrawn { .. } => Outcome::Gone {
                message: "the agent withdrew the review".to_owned(),
            },
            Delivery::Failed { reason, .. } => Outcome::Failed {
                message: reason.clone(),
            },
            Delivery::Unreadable { .. } => Outcome::Failed {
                message: "the queued answer cannot be read".to_owned(),
            },
        }
    }
}

/// What the door knows of the program on the other end, from the operating system (not
/// from what the program says).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peer {
    /// Its process id, where the system tells (`SO_PEERCRED`, the pipe's client id).
    pub pid: Option<u32>,
}

/// A request, who sent it, and the way to answer it, for the tray to handle.
#[derive(Debug)]
pub struct Incoming {
    pub request: Request,
    pub peer: Peer,
    pub reply: oneshot::Sender<Reply>,
}

/// The door's address: one tray per user, so one socket, in a folder only the user can
/// enter: the runtime directory, or else the user's own cache directory; never a shared
/// temporary directory (`None`: there is no door).
pub fn socket_path() -> Option<PathBuf> {
    let base = dirs::runtime_dir().or_else(dirs::cache_dir)?;
    Some(base.join("placet-tray").join("tray.sock"))
}

#[cfg(windows)]
fn user_id() -> String {
    std::env::var("USERNAME").unwrap_or_else(|_| "user".to_owned())
}

/// Asks the running tray; `Err(NotRunning)` when there is none.
pub async fn ask(request: &Request, wait: Duration) -> Result<Reply, DoorError> {
    #[cfg(unix)]
    {
        let Some(path) = socket_path() else {
            return Err(DoorError::NotRunning);
        };
        let stream = match tokio::net::UnixStream::connect(path).await {
            Ok(s) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Err(DoorError::NotRunning)
            }
            Err(e) => return Err(e.into()),
        };
        exchange(stream, None, request, wait).await
    }
    #[cfg(windows)]
    {
        let pipe = pipe::connect(wait).await?;
        let token = pipe::read_token().ok_or_else(|| DoorError::Protocol(NOT_OURS.to_owned()))?;
        exchange(pipe, Some(&token), request, wait).await
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (request, wait);
        Err(DoorError::NotRunning)
    }
}

/// Why the command line refuses a door that does not greet it as expected.
#[cfg(any(unix, windows))]
const NOT_OURS: &str = "the door is held by a program that is not this user's Placet Tray";

/// Sends `request` over a connection to the door and reads the reply, after checking
/// the door's greeting where it gives one.
#[cfg(any(unix, windows))]
async fn exchange<S>(
    stream: S,
    greeting: Option<&str>,
    request: &Request,
    wait: Duration,
) -> Result<Reply, DoorError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite,
{
    let (read, mut write) = tokio::io::split(stream);
    let mut reader = BufReader::new(read.take(MAX_LINE as u64 + 1));
    if let Some(expected) = greeting {
        let line = read_line(&mut reader, wait).await?;
        if line.trim_end() != expected {
            return Err(DoorError::Protocol(NOT_OURS.to_owned()));
        }
    }
    let mut line =
        serde_json::to_string(request).map_err(|e| DoorError::Protocol(e.to_string()))?;
    line.push('\n');
    write.write_all(line.as_bytes()).await?;
    let reply = read_line(&mut reader, wait).await?;
    serde_json::from_str(reply.trim_end()).map_err(|e| DoorError::Protocol(e.to_string()))
}

/// One line, waiting at most `wait`.
#[cfg(any(unix, windows))]
async fn read_line<R>(reader: &mut R, wait: Duration) -> Result<String, DoorError>
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let mut line = String::new();
    match tokio::time::timeout(wait, reader.read_line(&mut line)).await {
        Ok(r) => {
            r?;
            Ok(line)
        }
        Err(_) => Err(DoorError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "no reply in time",
        ))),
    }
}

/// True when a tray answers at the door.
pub async fn tray_is_running() -> bool {
    #[cfg(unix)]
    {
        match socket_path() {
            Some(path) => tokio::net::UnixStream::connect(path).await.is_ok(),
            None => false,
        }
    }
    #[cfg(windows)]
    {
        pipe::connect(Duration::from_millis(500)).await.is_ok()
    }
    #[cfg(not(any(unix, windows)))]
    {
        false
    }
}

/// Opens the door: requests go to `requests`. Fails when another tray holds it.
#[cfg(unix)]
pub async fn serve(requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    use std::path::Path;

    let path = socket_path().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no private folder for the door (neither XDG_RUNTIME_DIR nor a cache directory)",
        )
    })?;
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
            let peer = match stream.peer_cred() {
                Ok(c) if c.uid() == me => Peer {
                    pid: c.pid().and_then(|p| u32::try_from(p).ok()),
                },
                other => {
                    tracing::warn!(peer = ?other.map(|c| c.uid()), "a process of another user was refused");
                    continue;
                }
            };
            tokio::spawn(serve_one(stream, None, peer, requests.clone()));
        }
    });
    Ok(())
}

/// Opens the door: requests go to `requests`. Fails when another tray holds it.
#[cfg(windows)]
pub async fn serve(requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    pipe::serve(requests)
}

/// Opens the door (not on this platform: a second launch and scripts find no tray).
#[cfg(not(any(unix, windows)))]
pub async fn serve(_requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Answers one connection: the greeting (where the door gives one), then one request
/// and its reply.
#[cfg(any(unix, windows))]
async fn serve_one<S>(
    stream: S,
    greeting: Option<String>,
    peer: Peer,
    requests: mpsc::Sender<Incoming>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite,
{
    let (read, mut write) = tokio::io::split(stream);
    if let Some(greeting) = greeting {
        if write
            .write_all(format!("{greeting}\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
    let mut reader = BufReader::new(read.take(MAX_LINE as u64 + 1));
    let mut line = String::new();
    let reply = match reader.read_line(&mut line).await {
        Ok(_) if line.len() > MAX_LINE => Reply::Refused {
            message: "request too long".to_owned(),
        },
        Ok(_) => match serde_json::from_str::<Request>(line.trim_end()) {
            Ok(request) => {
                let (tx, rx) = oneshot::channel();
                let incoming = Incoming {
                    request,
                    peer,
                    reply: tx,
                };
                if requests.send(incoming).await.is_err() {
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

pub mod peer;

/// The door on Windows: a named pipe, with a greeting token only this user can read.
#[cfg(windows)]
mod pipe;

#[cfg(all(test, any(unix, windows)))]
mod tests;
