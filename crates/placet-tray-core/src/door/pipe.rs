//! The door on Windows: a named pipe, with a greeting token only this user can read.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeClient, ServerOptions};
use tokio::sync::mpsc;

use super::{serve_one, user_id, DoorError, Incoming};

/// `ERROR_PIPE_BUSY`: every instance of the pipe is serving a client.
const ERROR_PIPE_BUSY: i32 = 231;

/// `\\.\pipe\placet-tray-<user>`, with the user name reduced to characters that are
/// safe in a pipe name.
pub fn name() -> String {
    let user: String = user_id()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(r"\\.\pipe\placet-tray-{user}")
}

/// Where the running tray's token is kept: the user's local data folder, which only
/// the user (and the system and administrators) can read.
fn token_file() -> Option<PathBuf> {
    Some(
        dirs::data_local_dir()?
            .join("placet-tray")
            .join("door-token"),
    )
}

/// The running tray's token.
pub fn read_token() -> Option<String> {
    let text = std::fs::read_to_string(token_file()?).ok()?;
    let token = text.trim().to_owned();
    (!token.is_empty()).then_some(token)
}

/// A fresh token, written for the command line to read.
fn write_token() -> std::io::Result<String> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let file = token_file()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no local data folder"))?;
    if let Some(dir) = file.parent() {
        crate::paths::private_dir(dir)?;
    }
    std::fs::write(&file, &token)?;
    Ok(token)
}

/// Connects to the door, waiting up to `wait` while it is busy.
pub async fn connect(wait: Duration) -> Result<NamedPipeClient, DoorError> {
    let name = name();
    let start = Instant::now();
    loop {
        match ClientOptions::new().open(&name) {
            Ok(client) => return Ok(client),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DoorError::NotRunning)
            }
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY) && start.elapsed() < wait => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Opens the door; fails when the pipe exists already (another tray, or a program
/// of another user holding the name).
pub fn serve(requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    let name = name();
    let first = ServerOptions::new()
        .first_pipe_instance(true)
        .reject_remote_clients(true)
        .create(&name)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                "another Placet Tray is running",
            ),
            _ => e,
        })?;
    // Only once the name is ours: a second tray must not replace the first's token.
    let token = write_token()?;
    tokio::spawn(async move {
        let mut server = first;
        loop {
            if let Err(e) = server.connect().await {
                tracing::warn!(error = %e, "command-line connection failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            // The next client waits on a new instance while this one is served.
            let next = match ServerOptions::new()
                .reject_remote_clients(true)
                .create(&name)
            {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "the door for the command line closed");
                    return;
                }
            };
            let connected = std::mem::replace(&mut server, next);
            tokio::spawn(serve_one(
                connected,
                Some(token.clone()),
                super::Peer::default(),
                requests.clone(),
            ));
        }
    });
    Ok(())
}
