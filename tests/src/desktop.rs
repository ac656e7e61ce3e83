//! [`Desktop`]: a private, headless desktop session for one test.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use tokio::process::Command;
use zbus::Connection;

use crate::keyring::{self, CommandFailure, SecretItem, SecretToolItem};
use crate::notifications::NotificationServer;
use crate::process::{self, Daemon, Process, MARKER_VAR, OWNER_VAR};
use crate::session;
use crate::tray::{StatusNotifierWatcher, TrayClient};

/// How long each daemon may take to come up. They take tens of milliseconds, but starting a
/// process on a heavily loaded 2-core CI machine can take tens of seconds; a daemon that
/// dies is reported at once, so the ceiling costs time only when one hangs.
const STARTUP_TIMEOUT: Duration = crate::CEILING;

/// Set to keep each desktop's directory (HOME, logs, screenshots) after the test, for
/// debugging; its path is printed.
pub const KEEP_DIRS_VAR: &str = "PLACET_E2E_KEEP_DIRS";

/// Variables passed through from the test's own environment to every child. They describe
/// the machine and the test run (where programs are, how to log), not the user's session:
/// everything session-like (`DBUS_*`, `DISPLAY`, `XDG_*`, `HOME`, keyring sockets) is the
/// desktop's own.
const PASSTHROUGH_VARS: &[&str] = &[
    "PATH",
    "USER",
    "LOGNAME",
    "TERM",
    "TMPDIR",
    "RUST_BACKTRACE",
    "RUST_LIB_BACKTRACE",
    "RUST_LOG",
    "PLACET_LOG",
    "LLVM_PROFILE_FILE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// What a [`Desktop`] provides. Everything is on by default; switch parts off to test how
/// the app copes without them.
///
/// ```
/// let options = placet_e2e::DesktopOptions { keyring: false, ..Default::default() };
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopOptions {
    /// An Xvfb X server (1280x800x24), exported as `DISPLAY`. Off: no `DISPLAY` at all, as
    /// for the app's command-line mode.
    pub x11: bool,
    /// An unlocked gnome-keyring `login` collection (the Secret Service). Off: nothing owns
    /// `org.freedesktop.secrets`, and nothing can be activated to own it.
    pub keyring: bool,
    /// The recording [`NotificationServer`]. Off: nothing owns
    /// `org.freedesktop.Notifications`.
    pub notifications: bool,
    /// The [`StatusNotifierWatcher`]. Off: libayatana falls back to an invisible XEmbed icon.
    pub status_notifier_watcher: bool,
    /// A private system bus, exported as `DBUS_SYSTEM_BUS_ADDRESS`, with nothing on it.
    /// GNOME Shell needs one to connect to: its proxies for logind and friends tolerate
    /// absent names, not an absent bus. Off (the default): the variable is not set, as
    /// before, and children use the machine's system bus if it has one.
    pub system_bus: bool,
    /// The session's locale (`LANG`): `C.UTF-8` unless a test speaks another language.
    pub lang: &'static str,
}

impl Default for DesktopOptions {
    fn default() -> Self {
        Self {
            x11: true,
            keyring: true,
            notifications: true,
            status_notifier_watcher: true,
            system_bus: false,
            lang: "C.UTF-8",
        }
    }
}

/// The per-desktop directory layout, all inside one temporary directory.
#[derive(Debug)]
struct Dirs {
    home: PathBuf,
    config: PathBuf,
    data: PathBuf,
    state: PathBuf,
    cache: PathBuf,
    runtime: PathBuf,
    logs: PathBuf,
}

impl Dirs {
    fn create(root: &Path) -> std::io::Result<Self> {
        let home = root.join("home");
        let dirs = Self {
            config: home.join(".config"),
            data: home.join(".local/share"),
            state: home.join(".local/state"),
            cache: home.join(".cache"),
            runtime: home.join(".runtime"),
            logs: root.join("logs"),
            home,
        };
        for dir in [
            &dirs.home,
            &dirs.config,
            &dirs.data,
            &dirs.state,
            &dirs.cache,
            &dirs.runtime,
            &dirs.logs,
        ] {
            std::fs::create_dir_all(dir)?;
        }
        // The XDG base directory spec requires the runtime dir to be 0700; GLib and
        // gnome-keyring refuse (or warn about) anything else.
        for private in [&dirs.home, &dirs.runtime] {
            std::fs::set_permissions(private, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(dirs)
    }
}

/// Kills whatever still carries the desktop's marker once the daemons are down.
#[derive(Debug)]
struct Sweeper {
    marker: String,
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        process::sweep_marker(&self.marker);
    }
}

/// A private headless desktop session: its own HOME and XDG directories, X server, session
/// bus, keychain, notification server and tray watcher. Dropping it stops everything it
/// started and deletes its files.
///
/// The harness's D-Bus services run on the test's Tokio runtime: the test process *is* the
/// app's notification daemon and tray host, so they only answer while the test awaits. Any
/// test flavour works; never block the runtime's thread (`std::process::Command::output`,
/// `std::thread::sleep`) while the app may be calling them. `tokio::process` (which
/// [`Desktop::command`] returns) and `#[tokio::test(flavor = "multi_thread")]` are the safe
/// choices.
#[derive(Debug)]
pub struct Desktop {
    // Fields drop in declaration order, which is the shutdown order: the in-process services
    // leave the bus, the keyring stops before the bus it is on, the bus and X stop, leftovers
    // carrying the marker are killed, and only then are the files removed.
    notifications: Option<NotificationServer>,
    watcher: Option<StatusNotifierWatcher>,
    connection: Connection,
    keyring: Option<Daemon>,
    bus: Daemon,
    system_bus: Option<Daemon>,
    xvfb: Option<Daemon>,
    _sweeper: Sweeper,
    root: Option<tempfile::TempDir>,
    dirs: Dirs,
    marker: String,
    lang: &'static str,
    display: Option<String>,
    bus_address: String,
    system_bus_address: Option<String>,
    /// How many processes of each name were spawned, to give each its own log files.
    spawned: Mutex<HashMap<String, u32>>,
}

impl Desktop {
    /// Starts a desktop. Panics, with the failing daemon's log, if any part does not start.
    pub async fn start(options: DesktopOptions) -> Desktop {
        process::sweep_orphans();
        let root = tempfile::Builder::new()
            .prefix("placet-e2e-")
            .tempdir()
            .expect("creating the desktop's temporary directory");
        let dirs = Dirs::create(root.path()).expect("creating the desktop's directories");
        let marker = root.path().display().to_string();
        let sweeper = Sweeper {
            marker: marker.clone(),
        };
        let fail = |what: &str, error: String| -> ! {
            panic!("starting the test desktop: {what}: {error}")
        };

        let mut env = base_env(&dirs, &marker, options.x11, options.lang);
        let (xvfb, display) = if options.x11 {
            let command = daemon_command("Xvfb", &env);
            let (xvfb, display) =
                session::start_xvfb(command, &dirs.logs.join("xvfb.log"), STARTUP_TIMEOUT)
                    .await
                    .unwrap_or_else(|e| fail("Xvfb", e));
            env.push(("DISPLAY".into(), display.clone()));
            (Some(xvfb), Some(display))
        } else {
            (None, None)
        };

        let (bus, bus_address) = session::start_bus(
            daemon_command("dbus-daemon", &env),
            &root.path().join("session.conf"),
            &dirs.runtime.join("bus"),
            &dirs.logs.join("dbus-daemon.log"),
            STARTUP_TIMEOUT,
        )
        .await
        .unwrap_or_else(|e| fail("dbus-daemon", e));
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), bus_address.clone()));

        let (system_bus, system_bus_address) = if options.system_bus {
            let (bus, address) = session::start_bus_of_type(
                daemon_command("dbus-daemon", &env),
                session::BusType::System,
                &root.path().join("system.conf"),
                &dirs.runtime.join("system_bus"),
                &dirs.logs.join("dbus-daemon-system.log"),
                STARTUP_TIMEOUT,
            )
            .await
            .unwrap_or_else(|e| fail("system dbus-daemon", e));
            env.push(("DBUS_SYSTEM_BUS_ADDRESS".into(), address.clone()));
            (Some(bus), Some(address))
        } else {
            (None, None)
        };

        let connection = zbus::connection::Builder::address(bus_address.as_str())
            .build()
            .await
            .unwrap_or_else(|e| fail("connecting to the session bus", e.to_string()));
        // Both names are taken before start() returns, so before any app can look for them.
        let notifications = if options.notifications {
            Some(
                NotificationServer::start(&bus_address)
                    .await
                    .unwrap_or_else(|e| fail("notification server", e.to_string())),
            )
        } else {
            None
        };
        let watcher = if options.status_notifier_watcher {
            Some(
                StatusNotifierWatcher::start(&bus_address)
                    .await
                    .unwrap_or_else(|e| fail("StatusNotifierWatcher", e.to_string())),
            )
        } else {
            None
        };
        let keyring = if options.keyring {
            Some(
                keyring::start_daemon(
                    daemon_command("gnome-keyring-daemon", &env),
                    &dirs.logs.join("gnome-keyring.log"),
                    &connection,
                    STARTUP_TIMEOUT,
                )
                .await
                .unwrap_or_else(|e| fail("gnome-keyring", e)),
            )
        } else {
            None
        };

        Desktop {
            notifications,
            watcher,
            connection,
            keyring,
            bus,
            system_bus,
            xvfb,
            _sweeper: sweeper,
            root: Some(root),
            dirs,
            marker,
            lang: options.lang,
            display,
            bus_address,
            system_bus_address,
            spawned: Mutex::default(),
        }
    }

    /// The environment every child of the desktop gets: `HOME`, the `XDG_*` directories,
    /// `DISPLAY` (if X is on), `DBUS_SESSION_BUS_ADDRESS`, and settings that keep GTK and GLib
    /// from reaching for services the desktop does not have (`NO_AT_BRIDGE=1`,
    /// `GDK_BACKEND=x11`, `GSETTINGS_BACKEND=memory`, `GIO_USE_VFS=local`), plus
    /// `LANG` (`C.UTF-8` unless the options say otherwise), and the variables that tie each child to this desktop and test process
    /// ([`MARKER_VAR`], [`OWNER_VAR`](crate::OWNER_VAR)).
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = base_env(&self.dirs, &self.marker, self.display.is_some(), self.lang);
        if let Some(display) = &self.display {
            env.push(("DISPLAY".into(), display.clone()));
        }
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone()));
        if let Some(address) = &self.system_bus_address {
            env.push(("DBUS_SYSTEM_BUS_ADDRESS".into(), address.clone()));
        }
        env
    }

    /// A command that runs `program` inside the desktop: the environment is cleared (so no
    /// host `DBUS_SESSION_BUS_ADDRESS`, `DISPLAY` or `XDG_*` leaks in, and nothing
    /// autolaunches a bus), machine-level variables such as `PATH` and `RUST_LOG` are passed
    /// through, [`env`](Self::env) is applied, the working directory is HOME, and the child
    /// is killed if the `Child` is dropped.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .envs(passthrough_env())
            .envs(self.env())
            .current_dir(&self.dirs.home)
            .kill_on_drop(true);
        command
    }

    /// Starts `command` (usually from [`command`](Self::command)) as a [`Process`] whose output
    /// goes to the desktop's log directory. Panics if it cannot be started.
    pub fn spawn(&self, command: Command) -> Process {
        let program = Path::new(command.as_std().get_program())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "process".into());
        let name = {
            let mut spawned = self.spawned.lock().unwrap_or_else(|e| e.into_inner());
            let count = spawned.entry(program.clone()).or_default();
            *count += 1;
            match *count {
                1 => program,
                n => format!("{program}-{n}"),
            }
        };
        Process::spawn(command, name, &self.dirs.logs)
            .unwrap_or_else(|e| panic!("starting a process on the test desktop: {e}"))
    }

    /// HOME.
    pub fn home(&self) -> &Path {
        &self.dirs.home
    }

    /// `XDG_CONFIG_HOME` (`$HOME/.config`).
    pub fn config_dir(&self) -> &Path {
        &self.dirs.config
    }

    /// `XDG_DATA_HOME` (`$HOME/.local/share`).
    pub fn data_dir(&self) -> &Path {
        &self.dirs.data
    }

    /// `XDG_STATE_HOME` (`$HOME/.local/state`).
    pub fn state_dir(&self) -> &Path {
        &self.dirs.state
    }

    /// `XDG_CACHE_HOME` (`$HOME/.cache`).
    pub fn cache_dir(&self) -> &Path {
        &self.dirs.cache
    }

    /// `XDG_RUNTIME_DIR` (`$HOME/.runtime`, mode 0700): the bus socket, gnome-keyring's
    /// control socket, and Tauri's tray icon PNGs live here.
    pub fn runtime_dir(&self) -> &Path {
        &self.dirs.runtime
    }

    /// Where [`Process`] logs and the daemons' logs go (outside HOME).
    pub fn logs_dir(&self) -> &Path {
        &self.dirs.logs
    }

    /// `DISPLAY`, if the desktop has an X server.
    pub fn display(&self) -> Option<&str> {
        self.display.as_deref()
    }

    /// `DBUS_SESSION_BUS_ADDRESS`.
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// `DBUS_SYSTEM_BUS_ADDRESS` of the private system bus, if the desktop has one.
    pub fn system_bus_address(&self) -> Option<&str> {
        self.system_bus_address.as_deref()
    }

    /// The harness's own connection to the desktop's session bus.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The value of [`MARKER_VAR`] in every child's environment: unique to this desktop.
    pub fn marker(&self) -> &str {
        &self.marker
    }

    /// The PIDs of the desktop's daemons (Xvfb, dbus-daemon, gnome-keyring-daemon, and the
    /// system bus's dbus-daemon if there is one).
    pub fn daemon_pids(&self) -> Vec<u32> {
        [
            self.xvfb.as_ref(),
            Some(&self.bus),
            self.system_bus.as_ref(),
            self.keyring.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(Daemon::pid)
        .collect()
    }

    /// The top-level X11 windows (empty without X).
    pub fn windows(&self) -> Vec<crate::X11Window> {
        self.display().map(crate::x11::windows).unwrap_or_default()
    }

    /// Waits for a shown window whose title satisfies `predicate`.
    pub async fn wait_window(
        &self,
        predicate: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> crate::X11Window {
        crate::wait_seeing("a window with a matching title", timeout, || {
            let windows = self.windows();
            let found = windows
                .iter()
                .find(|w| w.visible && predicate(&w.title))
                .cloned();
            async move { found.ok_or_else(|| crate::world::describe_windows(&windows)) }
        })
        .await
    }

    /// Asks a window to close, as a window manager does (`WM_DELETE_WINDOW`).
    pub fn close_window(&self, id: u32) -> bool {
        self.display().is_some_and(|d| crate::x11::close(d, id))
    }

    /// Closes a window like a patient person: asks, and asks again every half second
    /// until it is gone. GTK drops a `WM_DELETE_WINDOW` that arrives in the first moments
    /// of a webview window's life (seen here: the app never gets the close request), so
    /// one request is not enough for a test.
    pub async fn close_window_and_wait(&self, id: u32, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if !self.windows().iter().any(|w| w.id == id) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "window {id} did not close within {timeout:?}"
            );
            self.close_window(id);
            let next = tokio::time::Instant::now() + Duration::from_millis(500);
            while tokio::time::Instant::now() < next {
                if !self.windows().iter().any(|w| w.id == id) {
                    return;
                }
                tokio::time::sleep(crate::POLL_INTERVAL).await;
            }
        }
    }

    /// The notification server. Panics if the desktop was started without one.
    pub fn notifications(&self) -> &NotificationServer {
        self.notifications
            .as_ref()
            .expect("this desktop was started with `notifications: false`")
    }

    /// The StatusNotifierWatcher. Panics if the desktop was started without one.
    pub fn watcher(&self) -> &StatusNotifierWatcher {
        self.watcher
            .as_ref()
            .expect("this desktop was started with `status_notifier_watcher: false`")
    }

    /// Waits for the first StatusNotifierItem to register and connects a [`TrayClient`] to it.
    pub async fn tray_client(&self, timeout: Duration) -> TrayClient {
        let item = self.watcher().wait_for_item(|_| true, timeout).await;
        TrayClient::connect(&self.connection, &item).await
    }

    /// Captures the X screen to `path` (PNG, by extension) with ImageMagick's `import`.
    /// Panics if the desktop has no X server.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), CommandFailure> {
        assert!(
            self.display.is_some(),
            "this desktop was started with `x11: false`: there is no screen to capture"
        );
        let mut command = self.command("import");
        command.args(["-window", "root"]).arg(path.as_ref());
        keyring::run(command, b"").await.map(drop)
    }

    /// Every file under HOME (config, data, state, cache, runtime) whose bytes contain
    /// `needle`, sorted: a test asserts this is empty to prove a secret never reached disk.
    ///
    /// `$XDG_DATA_HOME/keyrings` is excluded: it is gnome-keyring's own store, the OS keychain
    /// the secret is meant to go to. Its files are encrypted with the keyring password, so
    /// the secret should not appear there in clear anyway, but whether it does is
    /// gnome-keyring's business, not the app's; excluding the directory keeps the check about
    /// the app (and correct with a keyring backend that stores in clear).
    pub fn files_containing(&self, needle: impl AsRef<[u8]>) -> Vec<PathBuf> {
        crate::files::files_containing(
            &self.dirs.home,
            &[self.dirs.data.join("keyrings")],
            needle.as_ref(),
        )
    }

    /// `secret-tool store --label=<label> <attributes...>` with `secret` on stdin.
    pub async fn secret_tool_store(
        &self,
        label: &str,
        attributes: &[(&str, &str)],
        secret: &str,
    ) -> Result<(), CommandFailure> {
        let mut command = self.command("secret-tool");
        command
            .arg("store")
            .arg(format!("--label={label}"))
            .args(flatten(attributes));
        keyring::run(command, secret.as_bytes()).await.map(drop)
    }

    /// `secret-tool lookup <attributes...>`: the secret, exactly as stored, or `None` if there
    /// is no such item or no Secret Service.
    pub async fn secret_tool_lookup(&self, attributes: &[(&str, &str)]) -> Option<String> {
        let mut command = self.command("secret-tool");
        command.arg("lookup").args(flatten(attributes));
        let (stdout, _) = keyring::run(command, b"").await.ok()?;
        Some(String::from_utf8_lossy(&stdout).into_owned())
    }

    /// `secret-tool search --all <attributes...>`: every item matching all `attributes` (at
    /// least one pair is required by secret-tool). Empty if none or no Secret Service. For
    /// every item regardless of attributes, and with attributes, see
    /// [`secret_items`](Self::secret_items).
    pub async fn secret_tool_search_all(&self, attributes: &[(&str, &str)]) -> Vec<SecretToolItem> {
        assert!(
            !attributes.is_empty(),
            "secret-tool search needs at least one attribute pair"
        );
        let mut command = self.command("secret-tool");
        command.args(["search", "--all"]).args(flatten(attributes));
        match keyring::run(command, b"").await {
            Ok((stdout, _)) => keyring::parse_search_output(&String::from_utf8_lossy(&stdout)),
            Err(_) => Vec::new(),
        }
    }

    /// Every item in the Secret Service, with attributes and secrets, read over D-Bus. Panics
    /// if the desktop has no keyring.
    pub async fn secret_items(&self) -> Vec<SecretItem> {
        assert!(
            self.keyring.is_some(),
            "this desktop was started with `keyring: false`"
        );
        keyring::secret_items(&self.connection)
            .await
            .unwrap_or_else(|e| panic!("listing Secret Service items: {e}"))
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        if std::thread::panicking() {
            for daemon in [
                self.xvfb.as_ref(),
                Some(&self.bus),
                self.system_bus.as_ref(),
                self.keyring.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                let log = daemon.log();
                if !log.trim().is_empty() {
                    eprintln!("--- {} log ---\n{log}", daemon.name());
                }
            }
        }
        if std::env::var_os(KEEP_DIRS_VAR).is_some() {
            if let Some(root) = self.root.take() {
                eprintln!(
                    "placet-e2e: kept desktop directory {}",
                    root.keep().display()
                );
            }
        }
    }
}

/// The desktop's variables other than `DISPLAY` and `DBUS_SESSION_BUS_ADDRESS`.
fn base_env(dirs: &Dirs, marker: &str, x11: bool, lang: &str) -> Vec<(String, String)> {
    let path = |p: &Path| p.display().to_string();
    vec![
        ("HOME".into(), path(&dirs.home)),
        ("XDG_CONFIG_HOME".into(), path(&dirs.config)),
        ("XDG_DATA_HOME".into(), path(&dirs.data)),
        ("XDG_STATE_HOME".into(), path(&dirs.state)),
        ("XDG_CACHE_HOME".into(), path(&dirs.cache)),
        ("XDG_RUNTIME_DIR".into(), path(&dirs.runtime)),
        (
            "XDG_SESSION_TYPE".into(),
            if x11 { "x11" } else { "tty" }.into(),
        ),
        ("LANG".into(), lang.into()),
        // No accessibility bus: at-spi would otherwise be looked for (and activated) by GTK.
        ("NO_AT_BRIDGE".into(), "1".into()),
        ("GDK_BACKEND".into(), "x11".into()),
        // GSettings would use dconf, a D-Bus-activated service; keep settings in memory.
        ("GSETTINGS_BACKEND".into(), "memory".into()),
        // GIO would look for gvfs daemons on the bus; local files are all a test needs.
        ("GIO_USE_VFS".into(), "local".into()),
        (MARKER_VAR.into(), marker.into()),
        (OWNER_VAR.into(), process::owner_token()),
    ]
}

fn passthrough_env() -> impl Iterator<Item = (&'static str, std::ffi::OsString)> {
    PASSTHROUGH_VARS
        .iter()
        .filter_map(|var| Some((*var, std::env::var_os(var)?)))
}

/// A command for one of the desktop's daemons, environment as for any child.
fn daemon_command(program: &str, env: &[(String, String)]) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .envs(passthrough_env())
        .envs(env.iter().cloned());
    command
}

fn flatten<'a>(attributes: &'a [(&'a str, &'a str)]) -> impl Iterator<Item = &'a str> {
    attributes.iter().flat_map(|(name, value)| [*name, *value])
}
