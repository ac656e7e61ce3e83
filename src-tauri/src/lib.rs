//! Placet Tray's window host: every window of the app (reviews, the inbox, settings) in
//! one process, the only one that loads WebKit. The tray (`placet-tray`, which never
//! links a web engine) starts it when a window is wanted, talks to it over the host's
//! standard input and output ([`placet_tray_core::ui_line`]), and ends it a little while
//! after the last window closed.
//!
//! The host forwards each page's command to the tray with the label of the window that
//! sent it and relays the tray's events to the pages; it holds no account, no secret and
//! no answer of its own. Before any page loads it moves the line off its standard
//! input and output (so WebKit's own processes never inherit it) and puts `/dev/null`
//! there.
//!
//! For WebDriver tests (tauri-driver can only reach webviews of the process it starts),
//! test builds (feature `webdriver`) take `placet-tray-ui --tray ARGS…`, which starts the
//! tray itself, with the line the other way round.
//!
//! # Layout
//! - [`run`]: the Tauri app and the line to the tray.
//! - [`webview`]: windows and what WebKit is told (no GPU, a document viewer's caches).

#[cfg(target_os = "linux")]
mod theme;
mod webview;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use placet_tray_core::ipc::IpcError;
use placet_tray_core::ui_line::{self, ToHost, ToTray};
use serde_json::Value;
use tauri::{AppHandle, Emitter, Manager, RunEvent, WindowEvent};
use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::sync::{mpsc, oneshot};

/// The program: `placet-tray-ui` (started by the tray) or `--tray ARGS…`.
pub fn main() -> i32 {
    placet_tray_core::logging::init_cli();
    let language = placet_tray_core::i18n::init_from_os();
    tracing::debug!(language, "window host starting");
    webview::prepare_environment();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("placet-tray-ui")
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return 1;
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());
    let _guard = runtime.enter();
    let line = match args.first().map(String::as_str) {
        None => own_stdio(),
        #[cfg(feature = "webdriver")]
        Some("--tray") => start_tray(&args[1..]),
        Some(other) => {
            eprintln!(
                "error: unknown argument `{other}`: the window host is started by placet-tray"
            );
            return 2;
        }
    };
    match line {
        Ok(line) => run(line),
        Err(e) => {
            eprintln!("error: no line to the tray: {e}");
            1
        }
    }
}

/// Both ends of the line to the tray.
struct Line {
    reader: Box<dyn AsyncRead + Send + Unpin>,
    writer: Box<dyn AsyncWrite + Send + Unpin>,
    /// The tray, when this host started it (`--tray`).
    _tray: Option<tokio::process::Child>,
}

/// The line the tray handed over: this process's standard input and output, moved to
/// descriptors WebKit's processes do not inherit.
#[cfg(unix)]
fn own_stdio() -> std::io::Result<Line> {
    use std::os::fd::AsFd;
    let input = rustix::io::fcntl_dupfd_cloexec(std::io::stdin().as_fd(), 3)?;
    let output = rustix::io::fcntl_dupfd_cloexec(std::io::stdout().as_fd(), 3)?;
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    rustix::stdio::dup2_stdin(&null)?;
    rustix::stdio::dup2_stdout(&null)?;
    Ok(Line {
        reader: Box::new(tokio::net::unix::pipe::Receiver::from_owned_fd(input)?),
        writer: Box::new(tokio::net::unix::pipe::Sender::from_owned_fd(output)?),
        _tray: None,
    })
}

/// The line the tray handed over: this process's standard input and output.
#[cfg(not(unix))]
fn own_stdio() -> std::io::Result<Line> {
    Ok(Line {
        reader: Box::new(tokio::io::stdin()),
        writer: Box::new(tokio::io::stdout()),
        _tray: None,
    })
}

/// Starts the tray with the line on its standard input and output (test builds).
#[cfg(feature = "webdriver")]
fn start_tray(args: &[String]) -> std::io::Result<Line> {
    let tray = std::env::var_os("PLACET_TRAY_BIN")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.with_file_name(format!("placet-tray{}", std::env::consts::EXE_SUFFIX)))
        })
        .ok_or_else(|| std::io::Error::other("cannot find placet-tray"))?;
    let mut child = tokio::process::Command::new(tray)
        .arg("--ui-on-stdio")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let reader = child
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no stdout"))?;
    let writer = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))?;
    Ok(Line {
        reader: Box::new(reader),
        writer: Box::new(writer),
        _tray: Some(child),
    })
}

/// Calls waiting for the tray's reply, by id.
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, IpcError>>>>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs the windows until the tray says to exit or goes away.
fn run(line: Line) -> i32 {
    let Line {
        reader,
        mut writer,
        _tray,
    } = line;
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<ToTray>();
    tokio::spawn(async move {
        while let Some(message) = out_rx.recv().await {
            if let Err(e) = ui_line::write(&mut writer, &message).await {
                tracing::debug!(error = %e, "the tray is gone");
                return;
            }
        }
    });
    let pending: Pending = Arc::default();
    let next = Arc::new(AtomicU64::new(1));

    let forward = {
        let out = out_tx.clone();
        let pending = pending.clone();
        move |invoke: tauri::ipc::Invoke<tauri::Wry>| {
            let label = invoke.message.webview().label().to_owned();
            let cmd = invoke.message.command().to_owned();
            let args = match invoke.message.payload() {
                tauri::ipc::InvokeBody::Json(v) => v.clone(),
                tauri::ipc::InvokeBody::Raw(_) => Value::Null,
            };
            let id = next.fetch_add(1, Ordering::Relaxed);
            let (done, wait) = oneshot::channel();
            lock(&pending).insert(id, done);
            let _ = out.send(ToTray::Call {
                id,
                label,
                cmd,
                args,
            });
            invoke.resolver.respond_async(async move {
                wait.await
                    .unwrap_or_else(|_| Err(IpcError::not_connected("Placet Tray is not running")))
                    .map_err(tauri::ipc::InvokeError::from)
            });
            true
        }
    };

    let closed = out_tx.clone();
    let app = tauri::Builder::default()
        .invoke_handler(forward)
        .on_window_event(move |window, event| {
            if let WindowEvent::Destroyed = event {
                let _ = closed.send(ToTray::Closed {
                    label: window.label().to_owned(),
                });
            }
        })
        .setup(move |app| {
            let handle = app.handle().clone();
            #[cfg(target_os = "linux")]
            theme::follow_desktop();
            let _ = out_tx.send(ToTray::Ready);
            // A window asked for at start is created before the anchor page.
            let anchor = handle.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(webview::ANCHOR_AFTER).await;
                let app = anchor.clone();
                let _ = anchor.run_on_main_thread(move || webview::create_anchor(&app));
            });
            tauri::async_runtime::spawn(follow_tray(handle, reader, pending, out_tx));
            Ok(())
        })
        .build(tauri::generate_context!());
    tracing::debug!("window host built");
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot start the window host: {e}");
            return 1;
        }
    };
    app.run(|_, event| {
        // The host outlives its windows until the tray says otherwise.
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            api.prevent_exit();
        }
    });
    0
}

/// Carries out what the tray sends; exits when it says so or goes away.
async fn follow_tray(
    app: AppHandle,
    reader: Box<dyn AsyncRead + Send + Unpin>,
    pending: Pending,
    out: mpsc::UnboundedSender<ToTray>,
) {
    let mut reader = BufReader::new(reader);
    loop {
        let message = match ui_line::read::<ToHost, _>(&mut reader).await {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(ui_line::LineError::Io(e)) => {
                tracing::debug!(error = %e, "the line to the tray broke");
                break;
            }
            Err(e) => {
                tracing::warn!(error = %e, "from the tray");
                continue;
            }
        };
        match message {
            ToHost::Open {
                label,
                page,
                title,
                width,
                height,
                option,
            } => {
                tracing::debug!(window = %label, "asked to open");
                let app2 = app.clone();
                let out = out.clone();
                let _ = app.run_on_main_thread(move || {
                    let target = webview::Target {
                        label: &label,
                        page: &page,
                        title: &title,
                        size: (width, height),
                    };
                    let shown = out.clone();
                    let loaded = move |label| {
                        let _ = shown.send(ToTray::Shown { label });
                    };
                    let opened = webview::open(&app2, &target, option.as_deref(), loaded);
                    tracing::debug!(window = %label, "window built");
                    if let Err(e) = opened {
                        tracing::error!(error = %e, window = %label, "cannot open a window");
                        let _ = out.send(ToTray::Failed {
                            label: label.clone(),
                            reason: e.to_string(),
                        });
                    }
                });
            }
            ToHost::Title { label, title } => {
                if let Some(w) = app.get_webview_window(&label) {
                    let _ = w.set_title(&title);
                }
            }
            ToHost::Close { label } => {
                if let Some(w) = app.get_webview_window(&label) {
                    let _ = w.destroy();
                }
            }
            ToHost::Event { name, payload, to } => {
                // Only the windows the event is about hear it.
                let sent = match to {
                    None => app.emit(&name, payload),
                    Some(labels) => labels
                        .iter()
                        .filter(|l| app.get_webview_window(l).is_some())
                        .try_for_each(|l| app.emit_to(l.as_str(), &name, payload.clone())),
                };
                if let Err(e) = sent {
                    tracing::debug!(error = %e, event = %name, "cannot emit to windows");
                }
            }
            ToHost::Reply { id, ok, err } => {
                if let Some(done) = lock(&pending).remove(&id) {
                    let _ = done.send(match err {
                        Some(e) => Err(e),
                        None => Ok(ok.unwrap_or(Value::Null)),
                    });
                }
            }
            ToHost::Exit => break,
        }
    }
    // The tray is gone or done with us: a window without it can do nothing.
    lock(&pending).clear();
    app.exit(0);
}

#[cfg(test)]
mod contract {
    //! The core's command table is the one list of commands: the build script's list
    //! (which makes each one a permission) and the capability files (which grant them
    //! to windows) must say the same.

    use std::collections::BTreeSet;

    use placet_tray_core::ipc::CommandName;
    use placet_tray_core::window::{WindowClass, WindowKind};

    fn file(path: &str) -> String {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    #[test]
    fn the_build_script_declares_every_command() {
        let script = file("build.rs");
        let list = script
            .split_once(".commands(&[")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map(|(list, _)| list)
            .expect("build.rs has a .commands(&[...]) list");
        let declared: BTreeSet<String> = list
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let table: BTreeSet<String> = CommandName::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        assert_eq!(declared, table, "build.rs and the command table differ");
    }

    #[test]
    fn capabilities_grant_what_the_table_grants() {
        for class in WindowClass::ALL {
            let text = file(&format!("capabilities/{}.json", class.name()));
            let cap: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let granted: BTreeSet<String> = cap["permissions"]
                .as_array()
                .expect("permissions")
                .iter()
                .filter_map(|p| p.as_str())
                .filter(|p| p.starts_with("allow-"))
                .map(str::to_owned)
                .collect();
            let table: BTreeSet<String> = CommandName::ALL
                .iter()
                .filter(|c| c.granted_to().contains(&class))
                .map(|c| c.permission())
                .collect();
            assert_eq!(granted, table, "capabilities/{}.json", class.name());
            let windows: Vec<&str> = cap["windows"]
                .as_array()
                .expect("windows")
                .iter()
                .filter_map(|w| w.as_str())
                .collect();
            let label = match class {
                WindowClass::Review => WindowKind::review("m1").label(),
                WindowClass::Confirm => WindowKind::Confirm { proposal: 7 }.label(),
                WindowClass::OAuth => WindowKind::OAuth { state: "s1".into() }.label(),
                WindowClass::Conversation => {
                    WindowKind::Conversation { agent: "a1".into() }.label()
                }
                WindowClass::Inbox => WindowKind::Inbox.label(),
                WindowClass::Settings => WindowKind::Settings.label(),
            };
            assert!(
                windows.iter().any(|w| match w.strip_suffix('*') {
                    Some(prefix) => label.starts_with(prefix),
                    None => *w == label,
                }),
                "capabilities/{}.json does not cover the window {label}",
                class.name()
            );
        }
    }
}
