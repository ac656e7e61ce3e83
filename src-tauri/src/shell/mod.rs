//! The Tauri shell: tray, notifications and windows around the [`Core`]. It renders
//! what the core publishes and turns clicks into core calls; it holds no state of its
//! own beyond what the OS widgets need.

mod bridge;
mod commands;
#[cfg(target_os = "linux")]
mod system;
mod tray;
mod windows;
mod wiring;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use placet_client::SessionConfig;
use placet_devserver::DevServer;
use tauri::{Manager, RunEvent};
use tokio::sync::mpsc;

use crate::core::{Core, Persist};
use crate::notifier::Notifier;
use crate::paths::Paths;

pub use windows::{open_inbox, open_review, open_settings};

/// How the tray runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// With the saved account, if any.
    Normal,
    /// Against an embedded dev server with a demo agent.
    Demo { interval: u64, port: u16 },
}

/// What the shell shares with commands and event handlers.
#[derive(Debug)]
pub struct Shell {
    pub core: Arc<Core>,
    pub notifier: Notifier,
    /// Set when the tray must be redrawn; a task redraws it, coalescing bursts.
    pub tray_dirty: Arc<tokio::sync::Notify>,
    /// The embedded server in demo mode (kept alive for the run).
    pub demo: Mutex<Option<DevServer>>,
    /// The line to window processes (not set when windows run in this process).
    pub bridge: OnceLock<Arc<bridge::Bridge>>,
}

/// Sends an app event to every window, in this process and in window processes.
pub fn emit(app: &tauri::AppHandle, event: &str, payload: serde_json::Value) {
    use tauri::Emitter;
    if let Some(bridge) = app.state::<Shell>().bridge.get() {
        bridge.emit(event, payload.clone());
    }
    if let Err(e) = app.emit(event, payload) {
        tracing::debug!(error = %e, event, "cannot emit to windows");
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

/// Answers a page's command by running it here (windows in this process).
fn local_commands(invoke: tauri::ipc::Invoke<tauri::Wry>) -> bool {
    let app = invoke.message.webview().app_handle().clone();
    let (cmd, args) = command_of(&invoke);
    invoke.resolver.respond_async(async move {
        commands::dispatch(&app, &cmd, args)
            .await
            .map_err(tauri::ipc::InvokeError::from)
    });
    true
}

/// Runs the tray app until Quit, opening `open` (`inbox`, `settings`,
/// `review:<id>`) once started. Returns the exit code.
pub fn run(mode: Mode, open: Option<String>) -> i32 {
    skip_gdk_gl();
    let paths = Paths::from_env();
    crate::logging::init_tray(&paths.log_file());
    let Some(runtime) = runtime(2) else {
        return 1;
    };
    let _guard = runtime.enter();

    let core = match Core::new(paths, SessionConfig::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let (notification_tx, notification_rx) = mpsc::unbounded_channel();
    let notifier = Notifier::spawn(notification_tx);
    let shell = Shell {
        core: core.clone(),
        notifier: notifier.clone(),
        tray_dirty: Arc::new(tokio::sync::Notify::new()),
        demo: Mutex::new(None),
        bridge: OnceLock::new(),
    };

    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            // A second launch shows this one.
            let app = app.clone();
            tauri::async_runtime::spawn(async move { windows::open_main(&app) });
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .manage(shell)
        .invoke_handler(local_commands)
        .on_window_event(|window, event| {
            tracing::debug!(window = window.label(), ?event, "window event");
        })
        .setup(move |app| {
            let handle = app.handle().clone();
            if !windows::in_process() {
                match bridge::Bridge::start(&handle) {
                    Ok(b) => {
                        let _ = handle.state::<Shell>().bridge.set(b);
                    }
                    Err(e) => tracing::error!(error = %e, "cannot open the window socket"),
                }
            }
            tray::create(&handle)?;
            wiring::start(&handle, notification_rx);
            #[cfg(target_os = "linux")]
            tauri::async_runtime::spawn(system::follow(core.clone()));
            let core = core.clone();
            tauri::async_runtime::spawn(async move {
                match mode {
                    Mode::Normal => {
                        if let Ok(None) = core.resume().await {
                            // Nothing saved: offer to sign in.
                            if open.is_none() {
                                windows::open_settings(&handle);
                            }
                        }
                    }
                    Mode::Demo { interval, port } => {
                        start_demo(&handle, &core, interval, port).await
                    }
                }
                match open.as_deref() {
                    Some("inbox") => windows::open_inbox(&handle),
                    Some("settings") => windows::open_settings(&handle),
                    Some(w) => match w.strip_prefix("review:") {
                        Some(id) => windows::open_review(&handle, id, None),
                        None => tracing::warn!(window = w, "unknown window to open"),
                    },
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
    app.run(move |app, event| match event {
        // The tray lives on when its last window closes.
        RunEvent::ExitRequested {
            code: None, api, ..
        } => api.prevent_exit(),
        RunEvent::Exit => {
            let shell = app.state::<Shell>();
            shell.notifier.withdraw_all();
            let core = shell.core.clone();
            let demo = shell.demo.lock().unwrap_or_else(|p| p.into_inner()).take();
            tauri::async_runtime::block_on(async move {
                core.shutdown().await;
                if let Some(d) = demo {
                    d.shutdown().await;
                }
                // Give the notifier a moment to close notifications.
                tokio::time::sleep(Duration::from_millis(100)).await;
            });
        }
        _ => {}
    });
    0
}

/// Runs one window of a running tray (`placet-tray window <target>`): the window's page
/// talks to the tray through [`bridge::Link`], and the process ends with the window.
pub fn run_window(spec: &str, option: Option<String>) -> i32 {
    use tauri::Emitter;

    skip_gdk_gl();
    crate::logging::init_cli();
    let Some(target) = windows::Target::parse(spec, option.as_deref()) else {
        eprintln!("error: unknown window `{spec}` (inbox, settings or review:<message-id>)");
        return 2;
    };
    let Some(runtime) = runtime(1) else {
        return 1;
    };
    let _guard = runtime.enter();
    let (incoming_tx, mut incoming) = mpsc::unbounded_channel();
    let link = match runtime.block_on(bridge::Link::connect(&target.label, incoming_tx)) {
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
            let window = windows::build(&handle, &target)?;
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

/// Set when this process turned GDK's OpenGL off (children must not inherit that).
pub(crate) const GDK_GL_SET_HERE: &str = "PLACET_TRAY_GDK_GL";

/// GTK 3 initialises OpenGL when it opens the display, to pick visuals, which maps Mesa
/// and (on software rendering) LLVM: about 50 MiB resident for a tray that may never
/// show a window. The review windows render fine without GDK's GL (WebKit keeps its own
/// compositing), so it is off unless the person set `GDK_GL` themselves. Called first
/// thing, while the process is still single-threaded.
fn skip_gdk_gl() {
    if std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
        std::env::set_var(GDK_GL_SET_HERE, "1");
    }
}

async fn start_demo(app: &tauri::AppHandle, core: &Arc<Core>, interval: u64, port: u16) {
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
    *app.state::<Shell>()
        .demo
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(server);
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
