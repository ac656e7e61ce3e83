//! The desktop's keychain: gnome-keyring's Secret Service, and ways to look inside it.
//!
//! `gnome-keyring-daemon --unlock` reads a password on stdin and creates (or opens) the
//! `login` collection under `$XDG_DATA_HOME/keyrings`, unlocked, as the default collection:
//! what the `keyring` crate's Secret Service store writes to. The daemon runs with
//! `--foreground` so it stays our child, in our process group, instead of daemonizing; it
//! also exits by itself when the bus goes away.
//!
//! Two ways to inspect what the app stored: [`secret_tool_lookup`] and
//! [`secret_tool_search_all`] run `secret-tool` (libsecret, as a user would), and
//! [`secret_items`] lists every item over D-Bus with its attributes.
//!
//! [`secret_tool_lookup`]: crate::Desktop::secret_tool_lookup
//! [`secret_tool_search_all`]: crate::Desktop::secret_tool_search_all
//! [`secret_items`]: crate::Desktop::secret_items

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use tokio::time::Instant;
use zbus::proxy::CacheProperties;
use zbus::{Connection, OwnedObjectPath, OwnedVariant, Proxy, Variant};

use crate::process::Daemon;

/// The password of the desktop's `login` keyring.
pub const KEYRING_PASSWORD: &str = "placet-e2e";

const SECRETS_NAME: &str = "org.freedesktop.secrets";
const SECRETS_PATH: &str = "/org/freedesktop/secrets";

/// How long a `secret-tool` run may take. Without a Secret Service it fails in milliseconds
/// (the self-tests assert that); this only bounds a hang, and starting a process on a
/// loaded machine may take seconds.
pub(crate) const SECRET_TOOL_TIMEOUT: Duration = crate::CEILING;

/// A command that failed or hung.
#[derive(Debug, Clone)]
pub struct CommandFailure {
    /// The command line, for the message.
    pub command: String,
    /// The exit status; `None` if it was killed for taking too long.
    pub status: Option<ExitStatus>,
    /// What it wrote to stderr.
    pub stderr: String,
}

impl fmt::Display for CommandFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "`{}` failed ({status})", self.command)?,
            None => write!(f, "`{}` timed out", self.command)?,
        }
        if !self.stderr.is_empty() {
            write!(f, ": {}", self.stderr.trim_end())?;
        }
        Ok(())
    }
}

impl std::error::Error for CommandFailure {}

/// Runs `command` with `stdin` as input, bounded by [`SECRET_TOOL_TIMEOUT`]; returns stdout
/// and stderr on success.
pub(crate) async fn run(
    mut command: Command,
    stdin: &[u8],
) -> Result<(Vec<u8>, String), CommandFailure> {
    let std = command.as_std();
    let line = std::iter::once(std.get_program())
        .chain(std.get_args())
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let failure = |status, stderr| CommandFailure {
        command: line.clone(),
        status,
        stderr,
    };
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|e| failure(None, format!("cannot start: {e}")))?;
    if let Some(mut pipe) = child.stdin.take() {
        // A process that fails early closes its stdin; its exit status tells the story.
        let _ = pipe.write_all(stdin).await;
    }
    match tokio::time::timeout(SECRET_TOOL_TIMEOUT, child.wait_with_output()).await {
        Err(_) => Err(failure(None, String::new())),
        Ok(Err(e)) => Err(failure(None, e.to_string())),
        Ok(Ok(output)) => {
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            if output.status.success() {
                Ok((output.stdout, stderr))
            } else {
                Err(failure(Some(output.status), stderr))
            }
        }
    }
}

/// Starts gnome-keyring-daemon with `command` (the desktop's environment applied) and waits
/// until its default collection exists and is unlocked.
pub(crate) async fn start_daemon(
    mut command: Command,
    log: &std::path::Path,
    connection: &Connection,
    timeout: Duration,
) -> Result<Daemon, String> {
    command
        .args(["--foreground", "--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    let mut daemon =
        Daemon::spawn("gnome-keyring-daemon", command, log).map_err(|e| e.to_string())?;
    if let Some(mut stdin) = daemon.child_mut().stdin.take() {
        // --unlock reads the password up to end-of-file: write it and close the pipe.
        stdin
            .write_all(KEYRING_PASSWORD.as_bytes())
            .await
            .map_err(|e| format!("writing the keyring password: {e}"))?;
    }
    let deadline = Instant::now() + timeout;
    loop {
        if default_collection(connection).await.is_some() {
            return Ok(daemon);
        }
        if let Ok(Some(status)) = daemon.child_mut().try_wait() {
            return Err(format!(
                "gnome-keyring-daemon exited ({status}):\n{}",
                daemon.log()
            ));
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "gnome-keyring-daemon created no default collection within {timeout:?}:\n{}",
                daemon.log()
            ));
        }
        tokio::time::sleep(crate::wait::POLL_INTERVAL).await;
    }
}

async fn service_proxy<'a>(
    connection: &Connection,
    path: impl Into<String>,
    interface: &'static str,
) -> zbus::Result<Proxy<'a>> {
    zbus::proxy::Builder::<Proxy<'a>>::new(connection)
        .destination(SECRETS_NAME)
        .path(path.into())
        .interface(interface)
        .cache_properties(CacheProperties::No)
        .build()
        .await
}

/// The path of the default collection, if the Secret Service is up and has one.
async fn default_collection(connection: &Connection) -> Option<OwnedObjectPath> {
    let service = service_proxy(connection, SECRETS_PATH, "org.freedesktop.Secret.Service")
        .await
        .ok()?;
    let path: OwnedObjectPath = service.call("ReadAlias", &("default",)).await.ok()?;
    (path.as_str() != "/").then_some(path)
}

/// An item of the Secret Service, as [`Desktop::secret_items`](crate::Desktop::secret_items)
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretItem {
    /// The item's D-Bus object path.
    pub path: String,
    /// Its label.
    pub label: String,
    /// Its lookup attributes (the `keyring` crate stores `service`, `username`, `target`...).
    pub attributes: BTreeMap<String, String>,
    /// The secret; `None` if the item is locked.
    pub secret: Option<Vec<u8>>,
}

impl SecretItem {
    /// The secret as UTF-8 text, if it is unlocked and valid UTF-8.
    pub fn secret_text(&self) -> Option<&str> {
        std::str::from_utf8(self.secret.as_deref()?).ok()
    }
}

/// Every item in every collection, with secrets of unlocked ones, over a `plain` session (the
/// bus is private to the test, so transport encryption would only hide bugs).
pub(crate) async fn secret_items(connection: &Connection) -> zbus::Result<Vec<SecretItem>> {
    let service = service_proxy(connection, SECRETS_PATH, "org.freedesktop.Secret.Service").await?;
    let (_, session): (OwnedVariant, OwnedObjectPath) = service
        .call("OpenSession", &("plain", Variant::new("")))
        .await?;
    let (unlocked, locked): (Vec<OwnedObjectPath>, Vec<OwnedObjectPath>) = service
        .call("SearchItems", &(HashMap::<&str, &str>::new(),))
        .await?;
    let mut items = Vec::new();
    for (path, is_unlocked) in unlocked
        .into_iter()
        .map(|p| (p, true))
        .chain(locked.into_iter().map(|p| (p, false)))
    {
        let item =
            service_proxy(connection, path.to_string(), "org.freedesktop.Secret.Item").await?;
        let label: String = item.get_property("Label").await?;
        let attributes: HashMap<String, String> = item.get_property("Attributes").await?;
        let secret = if is_unlocked {
            let ((_session, _parameters, value, _content_type),): ((
                OwnedObjectPath,
                Vec<u8>,
                Vec<u8>,
                String,
            ),) = item.call("GetSecret", &(&session,)).await?;
            Some(value)
        } else {
            None
        };
        items.push(SecretItem {
            path: path.to_string(),
            label,
            attributes: attributes.into_iter().collect(),
            secret,
        });
    }
    let session = service_proxy(
        connection,
        session.to_string(),
        "org.freedesktop.Secret.Session",
    )
    .await?;
    let () = session.call("Close", &()).await?;
    items.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(items)
}

/// One item as `secret-tool search --all` prints it.
///
/// secret-tool prints each item's label, secret and dates on stdout but its `attribute.*`
/// lines on stderr, so they cannot be matched to items reliably and are left out: use
/// [`Desktop::secret_items`](crate::Desktop::secret_items) to see attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretToolItem {
    /// The item path as secret-tool shows it, such as `/1`.
    pub path: String,
    /// `label`
    pub label: String,
    /// `secret` (as text; may span lines)
    pub secret: String,
    /// `schema`, if shown.
    pub schema: Option<String>,
}

/// Parses `secret-tool search --all` stdout: blocks that start with `[<path>]` and hold
/// `key = value` lines; a secret runs until the `created = ` line.
pub(crate) fn parse_search_output(stdout: &str) -> Vec<SecretToolItem> {
    let mut items: Vec<SecretToolItem> = Vec::new();
    let mut in_secret = false;
    for line in stdout.lines() {
        if let Some(path) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            items.push(SecretToolItem {
                path: path.to_owned(),
                ..SecretToolItem::default()
            });
            in_secret = false;
            continue;
        }
        let Some(item) = items.last_mut() else {
            continue;
        };
        if let Some(secret) = line.strip_prefix("secret = ") {
            item.secret = secret.to_owned();
            in_secret = true;
        } else if line.starts_with("created = ") {
            in_secret = false;
        } else if in_secret {
            item.secret.push('\n');
            item.secret.push_str(line);
        } else if let Some(label) = line.strip_prefix("label = ") {
            item.label = label.to_owned();
        } else if let Some(schema) = line.strip_prefix("schema = ") {
            item.schema = Some(schema.to_owned());
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_output_with_a_multiline_secret_parses() {
        let stdout =
            "[/1]\nlabel = Placet token\nsecret = two\nlines\ncreated = 2026-01-01 00:00:00\n\
                      modified = 2026-01-01 00:00:00\nschema = org.freedesktop.Secret.Generic\n\
                      [/2]\nlabel = other\nsecret = x\ncreated = 2026-01-01 00:00:00\n";
        let items = parse_search_output(stdout);
        assert_eq!(items.len(), 2, "two blocks: {items:?}");
        assert_eq!(items[0].label, "Placet token");
        assert_eq!(
            items[0].secret, "two\nlines",
            "secret spans up to `created`"
        );
        assert_eq!(
            items[0].schema.as_deref(),
            Some("org.freedesktop.Secret.Generic")
        );
        assert_eq!(items[1].secret, "x");
    }
}
