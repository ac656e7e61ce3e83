//! The Tauri shell: draws the core's tray, hosts its windows, carries its notifications
//! to the desktop. It holds no state of its own beyond what the OS widgets need; the
//! core's seams are implemented here ([`windows::TauriWindows`], [`tray::TauriTray`],
//! [`TauriAutostart`], [`crate::notifier::FreedesktopNotifier`]) and handed to it once.

mod bridge;
#[cfg(target_os = "linux")]
mod system;
mod tray;
mod windows;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use placet_client::SessionConfig;
use placet_devserver::DevServer;
use placet_tray_core::autostart::Autostart;
use placet_tray_core::ipc::{dispatch, Ctx, IpcError};
use placet_tray_core::notify::{CenterConfig, NotificationCenter};
use placet_tray_core::paths::Paths;
use placet_tray_core::secrets::Keychain;
use placet_tray_core::windows::WindowKind;
use placet_tray_core::{driver, endpoint, links, Core, Persist};
use tauri::{AppHandle, RunEvent};
use tokio::sync::{mpsc, Notify};

use crate::notifier::FreedesktopNotifier;

/// How the tray runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// With the saved account, if any.
    Normal,
    /// Against an embedded dev server with a demo agent.
    Demo { interval: u64, port: u16 },
}

/// Start at login through the autostart plugin (an XDG autostart entry, a LaunchAgent,
/// the Run key).
#[derive(Debug)]
struct TauriAutostart {
    app: Arc<OnceLock<AppHandle>>,
}

impl Autostart for TauriAutostart {
    fn set(&self, enabled: bool) -> Result<(), String> {
        use tauri_plugin_autostart::ManagerExt;
        let app = self.app.get().ok_or("the app is not running yet")?;
        let launcher = app.autolaunch();
        let result = if enabled {
            launcher.enable()
        } else {
            launcher.disable()
        };
        result.map_err(|e| e.to_string())
    }
}

/// A page's command and its arguments.
fn command_of(invoke: &tauri::ipc::Invoke<tauri::Wry>) -> (String, serde_json::Value) {
    let args = match invoke.message.payload() {
        tauri::ipc::InvokeBody::Json(v) => v.clone(),
        tauri::ipc::InvokeBody::Raw(_) => serde_json::Value::Null,
    };
    (invoke.message.command().to_owned(), args)
}

/// The async runtime shared with Tauri. `None` (after saying why) when it cannot start.
fn runtime(workers: usize) -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("placet-tray")
        .enable_all()
        .build()
    {
        Ok(r) => {
            tauri::async_runtime::set(r.handle().clone());
            Some(r)
        }
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            None
        }
    }
}

/// Runs the tray app until Quit, opening `open` (`inbox`, `settings`,
/// `review:<id>`) once started. Returns the exit code.
pub fn run(mode: Mode, open: Option<String>) -> i32 {
    skip_gdk_gl();
    let paths = Paths::from_env();
    placet_tray_core::logging::init_tray(&paths.log_file());
    let Some(runtime) = runtime(2) else {
        return 1;
    };
    let _guard = runtime.enter();

    let core = match Core::new(paths, SessionConfig::default(), Arc::new(Keychain)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let app_slot: Arc<OnceLock<AppHandle>> = Arc::new(OnceLock::new());
    let windows = Arc::new(windows::TauriWindows {
        app: app_slot.clone(),
        core: core.clone(),
        bridge: OnceLock::new(),
    });
    let dirty = Arc::new(Notify::new());
    let ctx = Ctx {
        core: core.clone(),
        windows: windows.clone(),
        tray: Arc::new(tray::TauriTray {
            app: app_slot.clone(),
            dirty: dirty.clone(),
        }),
        autostart: Arc::new(TauriAutostart {
            app: app_slot.clone(),
        }),
    };
    let (responses_tx, responses) = mpsc::unbounded_channel();
    let notifier = Arc::new(FreedesktopNotifier::spawn(responses_tx));
    let center = NotificationCenter::spawn(notifier, CenterConfig::default());
    let demo: Arc<Mutex<Option<DevServer>>> = Arc::new(Mutex::new(None));

    let local = ctx.clone();
    let setup_ctx = ctx.clone();
    let setup_center = center.clone();
    let setup_demo = demo.clone();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init({
            let ctx = ctx.clone();
            move |_app, _argv, _cwd| open_main(&ctx)
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .invoke_handler(move |invoke| {
            // Windows in this process (under WebDriver automation): the webview's label
            // says which window asks.
            let label = invoke.message.webview().label().to_owned();
            let (cmd, args) = command_of(&invoke);
            let ctx = local.clone();
            invoke.resolver.respond_async(async move {
                let Some(kind) = WindowKind::from_label(&label) else {
                    return Err(tauri::ipc::InvokeError::from(IpcError::not_allowed(
                        "unknown window",
                    )));
                };
                dispatch(&ctx, &kind, &cmd, args)
                    .await
                    .map_err(tauri::ipc::InvokeError::from)
            });
            true
        })
        .on_window_event(|window, event| {
            tracing::debug!(window = window.label(), ?event, "window event");
        })
        .setup(move |app| {
            let handle = app.handle().clone();
            let _ = app_slot.set(handle.clone());
            if !windows::in_process() {
                match bridge::Bridge::start(setup_ctx.clone()) {
                    Ok(b) => {
                        let _ = windows.bridge.set(b);
                    }
                    Err(e) => tracing::error!(error = %e, "cannot open the window socket"),
                }
            }
            tray::create(&handle, setup_ctx.clone(), dirty.clone())?;
            let (requests_tx, requests) = mpsc::channel(16);
            tauri::async_runtime::spawn(async move {
                if let Err(e) = endpoint::serve(requests_tx).await {
                    tracing::warn!(error = %e, "the command line cannot reach this tray");
                }
            });
            driver::start(setup_ctx.clone(), setup_center.clone(), responses, requests);
            #[cfg(target_os = "linux")]
            tauri::async_runtime::spawn(system::follow(core.clone()));
            let ctx = setup_ctx.clone();
            let demo = setup_demo.clone();
            tauri::async_runtime::spawn(async move {
                match mode {
                    Mode::Normal => {
                        if let Ok(None) = ctx.core.resume().await {
                            // Nothing saved: offer to sign in.
                            if open.is_none() {
                                ctx.windows.open(WindowKind::Settings, None);
                            }
                        }
                    }
                    Mode::Demo { interval, port } => {
                        start_demo(&handle, &ctx.core, &demo, interval, port).await
                    }
                }
                match open.as_deref().map(WindowKind::parse_spec) {
                    Some(Some(kind)) => ctx.windows.open(kind, None),
                    Some(None) => tracing::warn!(window = ?open, "unknown window to open"),
                    None => {}
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot start the tray: {e}");
            return 1;
        }
    };
    app.run(move |_app, event| match event {
        // The tray lives on when its last window closes.
        RunEvent::ExitRequested {
            code: None, api, ..
        } => api.prevent_exit(),
        RunEvent::Exit => {
            center.withdraw_all();
            let core = ctx.core.clone();
            let demo = demo.lock().unwrap_or_else(|p| p.into_inner()).take();
            let center = center.clone();
            tauri::async_runtime::block_on(async move {
                core.shutdown().await;
                if let Some(d) = demo {
                    d.shutdown().await;
                }
                center.flush().await;
                // Give the notifier a moment to close notifications.
                tokio::time::sleep(Duration::from_millis(100)).await;
            });
        }
        _ => {}
    });
    0
}

/// What a second launch shows: the inbox when signed in, the sign-in window otherwise.
fn open_main(ctx: &Ctx) {
    let kind = if ctx.core.live().is_some() {
        WindowKind::Inbox
    } else {
        WindowKind::Settings
    };
    ctx.windows.open(kind, None);
}

/// Runs one window of a running tray (`placet-tray window <target>`): the window's page
/// talks to the tray through [`bridge::Link`], and the process ends with the window.
pub fn run_window(spec: &str, option: Option<String>) -> i32 {
    use tauri::Emitter;

    skip_gdk_gl();
    placet_tray_core::logging::init_cli();
    let Some(kind) = WindowKind::parse_spec(spec) else {
        eprintln!("error: unknown window `{spec}` (inbox, settings or review:<message-id>)");
        return 2;
    };
    let Some(runtime) = runtime(1) else {
        return 1;
    };
    let _guard = runtime.enter();
    let (incoming_tx, mut incoming) = mpsc::unbounded_channel();
    let link = match runtime.block_on(bridge::Link::connect(&kind.label(), incoming_tx)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: Placet Tray is not running ({e})");
            return 1;
        }
    };
    let forward = move |invoke: tauri::ipc::Invoke<tauri::Wry>| {
        let (cmd, args) = command_of(&invoke);
        let link = link.clone();
        invoke.resolver.respond_async(async move {
            link.call(cmd, args)
                .await
                .map_err(tauri::ipc::InvokeError::from)
        });
        true
    };
    let app = tauri::Builder::default()
        .invoke_handler(forward)
        .setup(move |app| {
            let handle = app.handle().clone();
            let window = windows::build(&handle, &kind, option.as_deref(), kind.default_title())?;
            tauri::async_runtime::spawn(async move {
                while let Some(message) = incoming.recv().await {
                    match message {
                        bridge::ToWindow::Event { name, payload } => {
                            let _ = handle.emit(&name, payload);
                        }
                        bridge::ToWindow::Focus { option } => {
                            windows::focus(&window, option.as_deref())
                        }
                        bridge::ToWindow::Title { title } => {
                            let _ = window.set_title(&title);
                        }
                        bridge::ToWindow::Reply { .. } => {}
                    }
                }
                // The tray is gone: a window without it can do nothing.
                handle.exit(0);
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|_, _| {});
            0
        }
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            1
        }
    }
}

/// GTK 3 initialises OpenGL when it opens the display, to pick visuals, which maps Mesa
/// and (on software rendering) LLVM: about 50 MiB resident for a tray that may never
/// show a window. The review windows render fine without GDK's GL (WebKit keeps its own
/// compositing), so it is off unless the person set `GDK_GL` themselves. Called first
/// thing, while the process is still single-threaded.
fn skip_gdk_gl() {
    if std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
        std::env::set_var(links::ENV_SET_HERE, "1");
    }
}

async fn start_demo(
    app: &AppHandle,
    core: &Arc<Core>,
    slot: &Mutex<Option<DevServer>>,
    interval: u64,
    port: u16,
) {
    let server = match crate::demo::start_server(Duration::from_secs(interval.max(1)), port).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "demo server");
            eprintln!("error: {e}");
            app.exit(1);
            return;
        }
    };
    let url = match placet_client::ServerUrl::parse(&server.base_url()) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "demo server URL");
            return;
        }
    };
    let admin = server.seed().admin().clone();
    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(server);
    if let Err(e) = core
        .sign_in(
            url,
            &admin.email,
            &placet_client::Secret::new(admin.password),
            Persist::ThisRunOnly,
        )
        .await
    {
        tracing::error!(error = %e, "demo sign-in");
    }
}
