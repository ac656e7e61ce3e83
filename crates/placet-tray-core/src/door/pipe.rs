//! The door on Windows: a named pipe, with a greeting token only this user can read.
//!
//! - The pipe's security descriptor grants access to this user's SID alone (the default
//!   lets everyone read), remote clients are rejected, and the tray creates the first
//!   instance (`FILE_FLAG_FIRST_PIPE_INSTANCE`): a pipe of that name made earlier by
//!   anyone makes the tray's door fail rather than share it.
//! - The command line checks the process serving the pipe before it reads the greeting
//!   (`GetNamedPipeServerProcessId`): it must run as this user and from this
//!   installation's `placet-tray.exe` (or the very executable asking, for tests).
//! - The tray learns the pid of each client (`GetNamedPipeClientProcessId`) and hands it
//!   to the door as the proposer's.
//!
//! The Win32 calls are in [`win32`], the one module of the core allowed unsafe code.

use std::os::windows::io::AsRawHandle;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeClient, ServerOptions};
use tokio::sync::mpsc;

use super::{serve_one, user_id, DoorError, Incoming, NOT_OURS};

mod win32;

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

/// Connects to the door, waiting up to `wait` while it is busy; the process serving it
/// must be this user's Placet Tray ([`check_server`]).
pub async fn connect(wait: Duration) -> Result<NamedPipeClient, DoorError> {
    let name = name();
    let start = Instant::now();
    loop {
        // Identification is all the server may do with our identity.
        match ClientOptions::new()
            .security_qos_flags(SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION)
            .open(&name)
        {
            Ok(client) => {
                check_server(&client)?;
                return Ok(client);
            }
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

/// `SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION` (winbase.h): the server may learn
/// who the client is, not act as it.
const SECURITY_SQOS_PRESENT: u32 = 0x0010_0000;
const SECURITY_IDENTIFICATION: u32 = 1 << 16;

/// Refuses a pipe served by a process of another user, or by a program that is not
/// this installation's tray.
fn check_server(client: &NamedPipeClient) -> Result<(), DoorError> {
    let refuse = |why: String| {
        tracing::warn!(%why, "the command line's door is not this user's Placet Tray");
        DoorError::Protocol(NOT_OURS.to_owned())
    };
    let pid = win32::server_pid(client.as_raw_handle())
        .map_err(|e| refuse(format!("no server pid: {e}")))?;
    let (user, image) = win32::process_owner_and_image(pid)
        .map_err(|e| refuse(format!("cannot inspect process {pid}: {e}")))?;
    let me = win32::current_user().map_err(|e| refuse(format!("no user of our own: {e}")))?;
    if user != me {
        return Err(refuse(format!("process {pid} runs as {user}")));
    }
    let ours = std::env::current_exe().map_err(|e| refuse(e.to_string()))?;
    if !is_our_tray(&image, &ours) {
        return Err(refuse(format!("process {pid} runs {}", image.display())));
    }
    Ok(())
}

/// True when `image` is the tray of the installation `ours` belongs to:
/// `placet-tray.exe` in the same folder, or `ours` itself (a test executable is both
/// the door and its client). Windows paths compare without regard to case.
fn is_our_tray(image: &Path, ours: &Path) -> bool {
    let norm = |p: &Path| p.to_string_lossy().replace('/', "\\").to_lowercase();
    let (image, ours) = (norm(image), norm(ours));
    if image == ours {
        return true;
    }
    let folder = |p: &str| p.rsplit_once('\\').map(|(d, _)| d.to_owned());
    let file = |p: &str| p.rsplit('\\').next().map(str::to_owned);
    folder(&image) == folder(&ours) && file(&image).as_deref() == Some("placet-tray.exe")
}

/// Opens the door; fails when the pipe exists already (another tray, or a program
/// of another user holding the name).
pub fn serve(requests: mpsc::Sender<Incoming>) -> std::io::Result<()> {
    let name = name();
    let security = win32::UserOnly::new(&win32::current_user()?)?;
    let mut first_options = ServerOptions::new();
    first_options
        .first_pipe_instance(true)
        .reject_remote_clients(true);
    let first = security
        .create(&first_options, &name)
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
        let mut options = ServerOptions::new();
        options.reject_remote_clients(true);
        let mut server = first;
        loop {
            if let Err(e) = server.connect().await {
                tracing::warn!(error = %e, "command-line connection failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            let peer_pid = match win32::client_pid(server.as_raw_handle()) {
                Ok(pid) => Some(pid),
                Err(e) => {
                    tracing::debug!(error = %e, "no pid for a command-line client");
                    None
                }
            };
            tracing::debug!(pid = ?peer_pid, "command-line client");
            // The next client waits on a new instance while this one is served.
            let next = match security.create(&options, &name) {
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
                super::Peer { pid: peer_pid },
                requests.clone(),
            ));
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe of this process's own: this user only, first instance, and each end
    /// learns the other's process.
    #[tokio::test]
    async fn each_end_knows_the_other() {
        let name = format!(r"\\.\pipe\placet-tray-test-{}", std::process::id());
        let security = win32::UserOnly::new(&win32::current_user().unwrap()).unwrap();
        let mut first = ServerOptions::new();
        first.first_pipe_instance(true).reject_remote_clients(true);
        let server = security.create(&first, &name).expect("the pipe is created");
        // Wine 8 ignores FILE_FLAG_FIRST_PIPE_INSTANCE (scripts/test-windows says so).
        if std::env::var_os("WINEPREFIX").is_none() {
            assert!(
                security.create(&first, &name).is_err(),
                "a second first instance is refused"
            );
        }
        let client = ClientOptions::new()
            .security_qos_flags(SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION)
            .open(&name)
            .expect("this user may open it");
        server.connect().await.unwrap();
        let me = std::process::id();
        assert_eq!(win32::server_pid(client.as_raw_handle()).unwrap(), me);
        assert_eq!(win32::client_pid(server.as_raw_handle()).unwrap(), me);
        let (user, image) = win32::process_owner_and_image(me).unwrap();
        assert_eq!(user, win32::current_user().unwrap());
        assert!(
            is_our_tray(&image, &std::env::current_exe().unwrap()),
            "{}",
            image.display()
        );
        check_server(&client).expect("this process is its own door");
    }

    /// The tray of the same installation, or the asking executable itself; nothing else.
    #[test]
    fn only_our_installations_tray() {
        let cli = Path::new(r"C:\Program Files\Placet Tray\placet-tray.com");
        assert!(is_our_tray(
            Path::new(r"c:\program files\placet tray\PLACET-TRAY.EXE"),
            cli
        ));
        assert!(is_our_tray(cli, cli));
        assert!(!is_our_tray(
            Path::new(r"C:\Users\x\Downloads\placet-tray.exe"),
            cli
        ));
        assert!(!is_our_tray(
            Path::new(r"C:\Program Files\Placet Tray\other.exe"),
            cli
        ));
    }

    /// Only a SID goes into the descriptor's text.
    #[test]
    fn the_descriptor_takes_only_a_sid() {
        assert!(win32::UserOnly::new("S-1-5-21-1-2-3-1000)(A;;GA;;;WD").is_err());
        assert!(win32::UserOnly::new("WD").is_err());
    }
}
