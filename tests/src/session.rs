//! Starting the desktop's X server and session bus.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::process::Daemon;

/// The longest `sun_path` Linux accepts, less the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;

/// Reads the first line the daemon prints on stdout, which both Xvfb (`-displayfd 1`) and
/// dbus-daemon (`--print-address=1`) print once they accept connections.
async fn ready_line(daemon: &mut Daemon, timeout: Duration) -> Result<String, String> {
    let stdout = daemon
        .child_mut()
        .stdout
        .take()
        .expect("the daemon was spawned with a piped stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    let read = tokio::time::timeout(timeout, reader.read_line(&mut line)).await;
    daemon.keep_stdout(reader.into_inner());
    match read {
        Ok(Ok(n)) if n > 0 && !line.trim().is_empty() => Ok(line.trim().to_owned()),
        Ok(Ok(_)) => Err(format!(
            "{} exited before it was ready:\n{}",
            daemon.name(),
            daemon.log()
        )),
        Ok(Err(e)) => Err(format!("reading from {}: {e}", daemon.name())),
        Err(_) => Err(format!(
            "{} was not ready within {timeout:?}:\n{}",
            daemon.name(),
            daemon.log()
        )),
    }
}

/// Starts Xvfb on the first free display and returns it with its `DISPLAY` value.
///
/// `-displayfd` makes Xvfb pick the display number itself, claiming it with its lock file
/// atomically, so parallel tests never race for a number.
pub(crate) async fn start_xvfb(
    mut command: Command,
    log: &Path,
    timeout: Duration,
) -> Result<(Daemon, String), String> {
    command
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24"])
        // No TCP listener, and no server reset when the last client disconnects: a test may
        // start and stop several apps on one display.
        .args(["-nolisten", "tcp", "-noreset"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let mut daemon = Daemon::spawn("Xvfb", command, log).map_err(|e| e.to_string())?;
    let number = ready_line(&mut daemon, timeout).await?;
    Ok((daemon, format!(":{number}")))
}

/// The session bus configuration: the stock session policy (anyone may own and call
/// anything) with two deliberate differences.
///
/// - It listens on a socket inside the desktop's runtime directory, not in the shared /tmp.
/// - It has no service directories, so nothing is ever D-Bus-activated: on a stock session
///   bus a call to `org.freedesktop.Notifications` would start dunst, and one to
///   `org.freedesktop.secrets` would start a gnome-keyring the test did not ask for (so
///   `keyring: false` would not mean "no keychain"). Here such calls fail at once with
///   `ServiceUnknown`.
fn bus_config(socket: &Path, bus_type: BusType) -> String {
    let bus_type = match bus_type {
        BusType::Session => "session",
        BusType::System => "system",
    };
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{bus_type}</type>
  <keep_umask/>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        socket.display()
    )
}

/// Which bus a private dbus-daemon plays. Both get the same open policy and no service
/// directories; the type is what the daemon reports to clients that ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BusType {
    Session,
    System,
}

/// Starts a private session bus listening on `socket` and returns it with its address.
pub(crate) async fn start_bus(
    command: Command,
    config_path: &Path,
    socket: &Path,
    log: &Path,
    timeout: Duration,
) -> Result<(Daemon, String), String> {
    start_bus_of_type(command, BusType::Session, config_path, socket, log, timeout).await
}

/// Starts a private bus of `bus_type` listening on `socket` and returns it with its address.
pub(crate) async fn start_bus_of_type(
    mut command: Command,
    bus_type: BusType,
    config_path: &Path,
    socket: &Path,
    log: &Path,
    timeout: Duration,
) -> Result<(Daemon, String), String> {
    let socket_len = socket.as_os_str().len();
    if socket_len > MAX_SOCKET_PATH {
        return Err(format!(
            "the bus socket path {} is {socket_len} bytes, over the {MAX_SOCKET_PATH} a Unix \
             socket allows: set TMPDIR to a shorter directory",
            socket.display()
        ));
    }
    std::fs::write(config_path, bus_config(socket, bus_type))
        .map_err(|e| format!("writing {}: {e}", config_path.display()))?;
    command
        .arg(format!("--config-file={}", config_path.display()))
        .args(["--nofork", "--print-address=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let mut daemon = Daemon::spawn("dbus-daemon", command, log).map_err(|e| e.to_string())?;
    let address = ready_line(&mut daemon, timeout).await?;
    Ok((daemon, address))
}
