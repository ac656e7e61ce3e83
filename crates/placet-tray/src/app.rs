//! The tray app: one instance per user (a second launch asks the first to show itself),
//! the core with its seams, and the event loop the tray icon lives on. Quit, SIGTERM and
//! SIGINT end it the same way: notifications withdrawn, the window host told to exit,
//! the session closed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use placet_client::SessionConfig;
use placet_tray_core::attention::Attention;
use placet_tray_core::door::{self, Request};
use placet_tray_core::ipc::Ctx;
use placet_tray_core::notify::{CenterConfig, NotificationCenter, Notifier};
use placet_tray_core::paths::Paths;
use placet_tray_core::proposal::Proposals;
use placet_tray_core::secrets::Keychain;
use placet_tray_core::tray::{menu_clicked, tray_view, MenuId, TrayHost};
use placet_tray_core::window::WindowKind;
use placet_tray_core::{flows, links, Core};
use tao::event::{Event, StartCause};
use tao::event_loop::{ControlFlow, EventLoopBuilder, EventLoopProxy};
use tokio::sync::mpsc;

use crate::tray::Tray;
use crate::ui_host::{UiProcess, UiWindows};

/// How the tray runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// With the saved accounts, if any.
    Normal,
    /// Against an embedded dev server with a demo agent.
    Demo {
        interval: u64,
        port: u16,
        split: bool,
    },
}

/// What wakes the event loop.
#[derive(Debug)]
pub enum UserEvent {
    /// The tray's state changed: draw it again.
    Redraw,
    /// A menu entry was clicked.
    Menu(String),
    /// End the app.
    Quit,
    /// Bind the global shortcut (or none), on this thread (Windows, macOS).
    #[cfg(any(windows, target_os = "macos"))]
    BindShortcut(
        Option<placet_tray_core::shortcut::Keys>,
        tokio::sync::oneshot::Sender<Result<Option<String>, String>>,
    ),
    /// A global hotkey event (Windows, macOS).
    #[cfg(any(windows, target_os = "macos"))]
    Hotkey(global_hotkey::GlobalHotKeyEvent),
}

/// The core's view of the tray: redraw requests and quit, as events for the loop.
#[derive(Debug)]
struct TrayHandle {
    proxy: Mutex<EventLoopProxy<UserEvent>>,
    /// A redraw is already on its way (a burst of changes costs one redraw).
    dirty: AtomicBool,
    /// The event loop has begun to quit (read on Windows, `quit_without_a_window`).
    #[cfg_attr(not(windows), allow(dead_code))]
    quitting: AtomicBool,
}

impl TrayHandle {
    fn send(&self, e: UserEvent) {
        let proxy = self.proxy.lock().unwrap_or_else(|p| p.into_inner());
        let _ = proxy.send_event(e);
    }
}

impl TrayHost for TrayHandle {
    fn refresh(&self) {
        if !self.dirty.swap(true, Ordering::AcqRel) {
            self.send(UserEvent::Redraw);
        }
    }

    fn quit(&self) {
        self.send(UserEvent::Quit);
    }
}

#[cfg(feature = "demo")]
type DemoServer = placet_devserver::DevServer;
#[cfg(not(feature = "demo"))]
type DemoServer = std::convert::Infallible;
/// The demo's embedded server, once started (stopped on quit).
type DemoSlot = Arc<Mutex<Option<DemoServer>>>;

/// Runs the tray until Quit, opening `open` (`inbox`, `settings`, `review:<id>`) once
/// started. Returns the exit code.
pub fn run(mode: Mode, open: Option<String>, ui_on_stdio: bool) -> i32 {
    skip_gdk_gl();
    let paths = Paths::from_env();
    placet_tray_core::logging::init_tray(&paths.log_file());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("placet-tray")
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return 1;
        }
    };
    let _guard = runtime.enter();
    if !ui_on_stdio && already_running(&runtime, &open) {
        eprintln!("Placet Tray is already running; it was asked to show itself.");
        return 0;
    }
    let core = match Core::new(paths, SessionConfig::default(), Arc::new(Keychain)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let host = match window_host(&core, ui_on_stdio) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: no line to the window host: {e}");
            return 1;
        }
    };

    #[cfg_attr(not(target_os = "macos"), allow(unused_mut))]
    let mut event_loop = EventLoopBuilder::<UserEvent>::with_user_event().build();
    #[cfg(target_os = "macos")]
    {
        // A menu-bar item, not an app in the Dock (the window host shows the windows).
        use tao::platform::macos::{ActivationPolicy, EventLoopExtMacOS};
        event_loop.set_activation_policy(ActivationPolicy::Accessory);
    }
    let tray_handle = Arc::new(TrayHandle {
        proxy: Mutex::new(event_loop.create_proxy()),
        dirty: AtomicBool::new(false),
        quitting: AtomicBool::new(false),
    });
    let ctx = Ctx {
        core: core.clone(),
        windows: Arc::new(UiWindows(host.clone())),
        tray: tray_handle.clone(),
        autostart: Arc::new(crate::autostart::LoginItem),
        proposals: Arc::new(Proposals::default()),
        attention: Attention::system(),
    };
    host.set_ctx(ctx.clone());
    let center = start_services(&ctx, &tray_handle);
    let demo = start_account(&ctx, mode, open);
    #[cfg(windows)]
    tokio::spawn(quit_without_a_window(
        tray_handle.clone(),
        ctx.clone(),
        center.clone(),
        host.clone(),
        demo.clone(),
    ));

    let mut tray: Option<Tray> = None;
    let handle = runtime.handle().clone();
    #[cfg(any(windows, target_os = "macos"))]
    let (mut hotkeys, shortcut_pressed) = start_hotkeys(&ctx, &center, &tray_handle);
    event_loop.run(move |event, _, control_flow| {
        *control_flow = ControlFlow::Wait;
        match event {
            Event::NewEvents(StartCause::Init) => {
                tray_handle.dirty.store(false, Ordering::Release);
                match Tray::create(tray_view(&ctx.core)) {
                    Ok(t) => tray = Some(t),
                    Err(e) => tracing::error!(error = %e, "cannot create the tray icon"),
                }
            }
            Event::UserEvent(UserEvent::Redraw) => {
                tray_handle.dirty.store(false, Ordering::Release);
                if let Some(t) = tray.as_mut() {
                    t.show(tray_view(&ctx.core));
                }
            }
            Event::UserEvent(UserEvent::Menu(id)) => {
                if let Some(id) = MenuId::parse(&id) {
                    let ctx = ctx.clone();
                    handle.spawn(async move { menu_clicked(&ctx, id).await });
                }
            }
            #[cfg(any(windows, target_os = "macos"))]
            Event::UserEvent(UserEvent::BindShortcut(keys, reply)) => {
                let _ = reply.send(hotkeys.bind(keys));
            }
            #[cfg(any(windows, target_os = "macos"))]
            Event::UserEvent(UserEvent::Hotkey(e)) => {
                if hotkeys.is_press(e.id(), e.state()) {
                    let _ = shortcut_pressed.send(());
                }
            }
            Event::UserEvent(UserEvent::Quit) => {
                tray_handle.quitting.store(true, Ordering::Release);
                handle.block_on(quit(&ctx, &center, &host, &demo));
                tray = None;
                *control_flow = ControlFlow::Exit;
            }
            _ => {}
        }
    })
}

/// The global shortcut on Windows and macOS: the hotkey manager lives on the event
/// loop's thread; the follow task asks it to bind through the loop. Returns the
/// registrations (for the loop) and where presses go.
#[cfg(any(windows, target_os = "macos"))]
fn start_hotkeys(
    ctx: &Ctx,
    center: &NotificationCenter,
    tray: &Arc<TrayHandle>,
) -> (
    crate::shortcut::hotkey::Registered,
    mpsc::UnboundedSender<()>,
) {
    let events = tray.clone();
    global_hotkey::GlobalHotKeyEvent::set_event_handler(Some(
        move |e: global_hotkey::GlobalHotKeyEvent| events.send(UserEvent::Hotkey(e)),
    ));
    let (pressed_tx, pressed) = mpsc::unbounded_channel();
    let asker = tray.clone();
    let binder = crate::shortcut::Binder::Loop(Box::new(move |keys| {
        let (reply, answer) = tokio::sync::oneshot::channel();
        asker.send(UserEvent::BindShortcut(keys, reply));
        answer
    }));
    tokio::spawn(crate::shortcut::follow(
        ctx.clone(),
        center.clone(),
        binder,
        pressed,
    ));
    (crate::shortcut::hotkey::Registered::default(), pressed_tx)
}

/// True when a tray already runs for this user: it was asked to show itself (or
/// `open`).
fn already_running(runtime: &tokio::runtime::Runtime, open: &Option<String>) -> bool {
    let request = match open {
        Some(window) => Request::Open {
            window: window.clone(),
        },
        None => Request::Show,
    };
    runtime
        .block_on(door::ask(&request, Duration::from_secs(5)))
        .is_ok()
}

/// The window host: started from here when a window is wanted (test builds: or the one
/// that started this tray, `--ui-on-stdio`).
fn window_host(core: &Arc<Core>, ui_on_stdio: bool) -> std::io::Result<Arc<UiProcess>> {
    #[cfg(feature = "webdriver")]
    if ui_on_stdio {
        return UiProcess::given(core.clone());
    }
    let _ = ui_on_stdio;
    Ok(UiProcess::spawned(core.clone()))
}

/// Notifications, the command line's door, the flows, system events, signals and the
/// menu's clicks; returns the notification center (flushed on quit).
fn start_services(ctx: &Ctx, tray_handle: &Arc<TrayHandle>) -> NotificationCenter {
    let (responses_tx, responses) = mpsc::unbounded_channel();
    let notifier: Arc<dyn Notifier> = crate::notifier::platform(responses_tx);
    let center = NotificationCenter::spawn(notifier, CenterConfig::default());
    let (requests_tx, requests) = mpsc::channel(16);
    tokio::spawn(async move {
        if let Err(e) = door::serve(requests_tx).await {
            tracing::warn!(error = %e, "the command line cannot reach this tray");
        }
    });
    flows::start(ctx.clone(), center.clone(), responses, requests);
    #[cfg(target_os = "linux")]
    tokio::spawn(crate::system::follow(ctx.core.clone()));
    #[cfg(target_os = "linux")]
    {
        use placet_tray_core::attention::dnd::DndWatcher;
        Box::new(crate::dnd::DesktopDnd).start(ctx.attention.dnd_reporter());
        let (pressed_tx, pressed) = mpsc::unbounded_channel();
        let (ctx, center) = (ctx.clone(), center.clone());
        tokio::spawn(async move {
            let binder = crate::shortcut::Binder::linux(pressed_tx).await;
            crate::shortcut::follow(ctx, center, binder, pressed).await;
        });
    }
    tokio::spawn(quit_on_signals(tray_handle.clone()));
    let menu = tray_handle.clone();
    tray_icon::menu::MenuEvent::set_event_handler(Some(move |e: tray_icon::menu::MenuEvent| {
        menu.send(UserEvent::Menu(e.id.0));
    }));
    center
}

/// Signs in with the saved accounts (or offers the sign-in window), or starts the demo;
/// then opens `open`.
fn start_account(ctx: &Ctx, mode: Mode, open: Option<String>) -> DemoSlot {
    let demo = DemoSlot::default();
    let ctx = ctx.clone();
    let slot = demo.clone();
    tokio::spawn(async move {
        match mode {
            Mode::Normal => {
                if ctx.core.resume().await.is_ok_and(|lives| lives.is_empty()) {
                    // Nothing saved: offer to sign in.
                    if open.is_none() {
                        ctx.windows.open(WindowKind::Settings, None);
                    }
                }
            }
            Mode::Demo {
                interval,
                port,
                split,
            } => {
                #[cfg(feature = "demo")]
                crate::demo::start(&ctx, &slot, interval, port, split).await;
                #[cfg(not(feature = "demo"))]
                {
                    let _ = (interval, port, split, &slot);
                    eprintln!("error: this build of Placet Tray has no demo; build it from source with `scripts/run`");
                    ctx.tray.quit();
                }
            }
        }
        match open.as_deref().map(WindowKind::parse_spec) {
            Some(Some(kind)) => ctx.windows.open(kind, None),
            Some(None) => tracing::warn!(window = ?open, "unknown window to open"),
            None => {}
        }
    });
    demo
}

/// Quit: notifications withdrawn, the window host told to exit, the session closed, the
/// demo's server stopped.
async fn quit(ctx: &Ctx, center: &NotificationCenter, host: &UiProcess, demo: &DemoSlot) {
    center.withdraw_all();
    host.shutdown();
    ctx.core.shutdown().await;
    let server = demo.lock().unwrap_or_else(|p| p.into_inner()).take();
    #[cfg(feature = "demo")]
    if let Some(d) = server {
        d.shutdown().await;
    }
    #[cfg(not(feature = "demo"))]
    let _ = server;
    center.flush().await;
    // Give the notifier a moment to close notifications.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// SIGTERM and SIGINT end the app as Quit does (Windows: `quit_without_a_window`).
async fn quit_on_signals(tray: Arc<TrayHandle>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    }
    #[cfg(windows)]
    {
        // Windows: `quit_without_a_window`.
        let _ = tray;
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = tokio::signal::ctrl_c().await;
        tray.quit();
    }
    #[cfg(unix)]
    tray.quit();
}

/// Windows: Ctrl+C, Ctrl+Break and `placet-tray.exe --quit` ([`crate::quit`]) end the
/// app as Quit does. The event loop receives Quit through a hidden window, which cannot
/// exist without a display (Wine without one, a session without a desktop): if it has
/// not begun to quit a few seconds later, the same [`quit`] runs here and the process
/// exits.
#[cfg(windows)]
async fn quit_without_a_window(
    tray: Arc<TrayHandle>,
    ctx: Ctx,
    center: NotificationCenter,
    host: Arc<UiProcess>,
    demo: DemoSlot,
) {
    use tokio::signal::windows::{ctrl_break, ctrl_c};
    let (Ok(mut c), Ok(mut b)) = (ctrl_c(), ctrl_break()) else {
        return;
    };
    tokio::select! {
        _ = c.recv() => tracing::info!("quitting (Ctrl+C)"),
        _ = b.recv() => tracing::info!("quitting (Ctrl+Break)"),
        _ = crate::quit::asked() => tracing::info!("quitting (asked by placet-tray --quit)"),
    }
    tray.quit();
    tokio::time::sleep(Duration::from_secs(3)).await;
    if tray.quitting.load(Ordering::Acquire) {
        return;
    }
    tracing::warn!("the event loop did not quit (no display?): quitting without it");
    quit(&ctx, &center, &host, &demo).await;
    std::process::exit(0);
}

/// GTK 3 initialises OpenGL when it opens the display, to pick visuals, which maps Mesa
/// and (on software rendering) LLVM: about 50 MiB resident for a tray that never shows
/// a window. So it is off unless the person set `GDK_GL` themselves; programs this one
/// starts to open links do not inherit the change. Called first thing, while the
/// process is still single-threaded.
fn skip_gdk_gl() {
    if std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
        std::env::set_var(links::ENV_SET_HERE, "1");
    }
}
