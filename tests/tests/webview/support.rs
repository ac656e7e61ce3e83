//! A world per test: the shared [`World`] with tauri-driver (one WebKit app at a time),
//! and helpers to open the app's windows, read their pages, and stand in for the rest of
//! the network (a tripwire, a server that is not Placet, a redirector, the browser).

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use placet_devserver::DevServerConfig;
use placet_e2e::webdriver::{Session, TauriDriver};
use placet_e2e::{one_at_a_time, server_config, wait_for, Desktop, DesktopOptions, World};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::SemaphorePermit;
use tokio::task::JoinHandle;

pub use placet_e2e::CEILING as T;

/// The window host, which WebDriver starts (`--tray` starts the tray from there). The
/// pages are embedded in it, so build it after changing `ui/`.
pub fn ui_binary() -> PathBuf {
    placet_e2e::ui_binary(&["debug"])
}

/// The shared [`World`] (which it derefs to) with tauri-driver, which starts the app and
/// drives its windows.
///
/// Each test runs a whole WebKit app; on two cores, one at a time is the stable choice.
/// So a test sets up its desktop, server, driver and sign-in while another test runs, and
/// waits for its turn only then: everything it does after its constructor returns is in
/// its turn, which ends once its app and desktop are gone.
pub struct WebviewWorld {
    // Drop order: the driver (and with it the app) first, then the server and desktop
    // (the desktop kills whatever of the app is left), and only then the next test's turn.
    pub driver: TauriDriver,
    world: World,
    _turn: SemaphorePermit<'static>,
}

impl WebviewWorld {
    /// A desktop, a dev server and tauri-driver; the app is not signed in.
    pub async fn signed_out() -> WebviewWorld {
        WebviewWorld::with(DesktopOptions::default()).await
    }

    /// As [`signed_out`](Self::signed_out), then signed in with the command line
    /// (`placet-tray login --password-stdin`), which keeps the session in the keychain.
    pub async fn signed_in() -> WebviewWorld {
        WebviewWorld::signed_in_with(DesktopOptions::default()).await
    }

    /// As [`signed_in`](Self::signed_in), on a desktop with `options` (another language).
    pub async fn signed_in_with(options: DesktopOptions) -> WebviewWorld {
        let (world, driver) = set_up(options, server_config()).await;
        world.login().await;
        WebviewWorld::in_turn(world, driver).await
    }

    /// As [`signed_out`](Self::signed_out), on a desktop with `options`.
    pub async fn with(options: DesktopOptions) -> WebviewWorld {
        WebviewWorld::with_server(options, server_config()).await
    }

    /// As [`with`](Self::with), with the dev server started from `config` (start from
    /// [`server_config`]).
    pub async fn with_server(options: DesktopOptions, config: DevServerConfig) -> WebviewWorld {
        let (world, driver) = set_up(options, config).await;
        WebviewWorld::in_turn(world, driver).await
    }

    /// Waits for this test's turn to run its app.
    async fn in_turn(world: World, driver: TauriDriver) -> WebviewWorld {
        let turn = one_at_a_time().await;
        WebviewWorld {
            driver,
            world,
            _turn: turn,
        }
    }

    /// Starts the app with `--open <window>` (the window host, which starts the tray) and
    /// attaches to that window once its page has started (its scripts set `data-*`
    /// state on the body).
    pub async fn open(&self, window: &str) -> Session {
        let session = self
            .driver
            .session(&ui_binary(), &["--tray", "--open", window])
            .await;
        session
            .wait_script(
                &format!("the {window} page to load"),
                "return document.readyState === 'complete' && document.body !== null",
                json!([]),
                T,
            )
            .await;
        session
    }

    /// Starts the app again (after `Session::quit`), with a fresh tauri-driver:
    /// tauri-driver does not start a second session once the first one's app is gone.
    pub async fn reopen(&mut self, window: &str) -> Session {
        self.driver = TauriDriver::start(&self.world.desktop).await;
        self.open(window).await
    }

    /// Opens the conversation with `agent` and waits until it shows its messages.
    pub async fn open_conversation(&self, agent: &str) -> Session {
        let s = self.open(&format!("conversation:{agent}")).await;
        s.wait_script(
            "the conversation to load",
            "return document.body.dataset.state === 'ready'",
            json!([]),
            T,
        )
        .await;
        s
    }

    /// Opens the inbox and waits until it lists a review.
    pub async fn open_inbox_listing(&self) -> Session {
        let session = self.open("inbox").await;
        session
            .wait_script(
                "the inbox to list the review",
                "return document.querySelectorAll('[role=option]').length > 0",
                json!([]),
                T,
            )
            .await;
        session
    }

    /// Opens a review's window and waits until it has rendered the review.
    pub async fn open_review(&self, id: &str) -> Session {
        let session = self.open(&format!("review:{id}")).await;
        wait_review_ready(&session).await;
        session
    }
}

impl Deref for WebviewWorld {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

/// A desktop with `options`, a dev server from `config`, and tauri-driver on the desktop.
async fn set_up(options: DesktopOptions, config: DevServerConfig) -> (World, TauriDriver) {
    let world = World::with_server(options, config).await;
    let driver = TauriDriver::start(&world.desktop).await;
    (world, driver)
}

/// An address of this machine that is not loopback (the one its default route leaves
/// from): a server there is, to the app, "another computer" reached over plain http.
pub fn non_loopback_ip() -> std::net::IpAddr {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").expect("a UDP socket");
    // Connecting a UDP socket sends nothing; it only picks the route and source address.
    socket
        .connect("198.51.100.1:9")
        .expect("this test needs a network interface with a default route");
    let ip = socket.local_addr().expect("a local address").ip();
    assert!(!ip.is_loopback(), "the default route leaves from {ip}");
    ip
}

/// Waits until a review page has rendered its review (or its error).
pub async fn wait_review_ready(session: &Session) -> String {
    let state = session
        .wait_script(
            "the review page to render",
            "const s = document.body.dataset.state; return s && s !== 'loading' ? s : null",
            json!([]),
            T,
        )
        .await;
    state.as_str().unwrap_or_default().to_owned()
}

/// Waits until the window answers (`<body data-armed="true">`): a moment after it was
/// shown or came back to the front.
pub async fn wait_armed(session: &Session) {
    session
        .wait_script(
            "the window to be armed",
            "return document.body.dataset.armed === 'true'",
            json!([]),
            T,
        )
        .await;
}

/// The text of an element (its `textContent`, exactly); panics when there is none.
pub async fn text_of(session: &Session, css: &str) -> String {
    let v = session
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
            json!([css]),
        )
        .await;
    v.as_str()
        .unwrap_or_else(|| panic!("no element {css}"))
        .to_owned()
}

/// Whether the element matching `css` exists and is shown (not `hidden`, nor inside a
/// hidden element).
pub async fn is_shown(session: &Session, css: &str) -> bool {
    session
        .execute(
            "const e = document.querySelector(arguments[0]); \
             return e !== null && e.closest('[hidden]') === null && e.getClientRects().length > 0",
            json!([css]),
        )
        .await
        == json!(true)
}

/// The text of the review page's status banner ("" when hidden).
pub async fn banner(session: &Session) -> String {
    let v = session
        .execute(
            "const b = document.getElementById('banner'); return b.hidden ? '' : b.textContent",
            json!([]),
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Waits until the review page's banner contains `text`.
pub async fn wait_banner(session: &Session, text: &str) -> String {
    let v = session
        .wait_script(
            &format!("a banner saying {text:?}"),
            "const b = document.getElementById('banner'); \
             return !b.hidden && b.textContent.includes(arguments[0]) ? b.textContent : null",
            json!([text]),
            T,
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Whether the review's controls are disabled (their fieldset is).
pub async fn controls_disabled(session: &Session) -> bool {
    session
        .execute(
            "const f = document.querySelector('fieldset.controls'); return f ? f.disabled : null",
            json!([]),
        )
        .await
        == json!(true)
}

/// Saves a screenshot of the current window, sized to show the whole page, as a test
/// artifact (`target/artifacts/screenshots/<name>.png`); with
/// `PLACET_UPDATE_SCREENSHOTS=1` also as the README's `docs/screenshots/<name>.png`.
pub async fn screenshot(session: &Session, name: &str) {
    let png = capture(session, name).await;
    if std::env::var_os("PLACET_UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
        std::fs::create_dir_all(&docs).expect("creating docs/screenshots");
        std::fs::write(docs.join(format!("{name}.png")), &png)
            .expect("writing the docs screenshot");
    }
}

/// Like [`screenshot`], as a test artifact only.
pub async fn artifact_screenshot(session: &Session, name: &str) {
    capture(session, name).await;
}

async fn capture(session: &Session, name: &str) -> Vec<u8> {
    const WIDTH: u32 = 520;
    let height = session
        .execute(
            "const bottoms = [...document.body.children].map(e => e.getBoundingClientRect().bottom + window.scrollY); \
             return Math.ceil(Math.max(...bottoms) + 20)",
            json!([]),
        )
        .await
        .as_u64()
        .unwrap_or(640);
    let height = u32::try_from(height.clamp(360, 1500)).unwrap_or(640);
    session.set_window_size(WIDTH, height).await;
    session
        .wait_script(
            "the window to take its new size",
            "return window.innerWidth === arguments[0] && window.innerHeight === arguments[1]",
            json!([WIDTH, height]),
            T,
        )
        .await;
    // Two animation frames: the new size and the current DOM are painted.
    session
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)))",
            json!([]),
        )
        .await;
    let png = session.screenshot().await;
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let dir = placet_e2e::target_dir().join("artifacts/screenshots");
    std::fs::create_dir_all(&dir).expect("creating the screenshot directory");
    std::fs::write(dir.join(format!("{name}.png")), &png).expect("writing the screenshot");
    png
}

/// A TCP listener that counts connections: hostile payloads point at it, and a test
/// asserts that nothing ever connected.
pub struct Tripwire {
    port: u16,
    hits: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Tripwire {
    pub async fn start() -> Tripwire {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the tripwire");
        let port = listener.local_addr().expect("an address").port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                drop(socket);
            }
        });
        Tripwire { port, hits, task }
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Tripwire {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An HTTP server that is not Placet: every request gets `200 OK` and a web page.
pub struct NotPlacet {
    pub url: String,
    task: JoinHandle<()>,
}

impl NotPlacet {
    pub async fn start() -> NotPlacet {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    let body = "<html><body>Just a web site</body></html>";
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        NotPlacet { url, task }
    }
}

impl Drop for NotPlacet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Records the links the app hands to the desktop (`xdg-open`): a URL handler in the
/// desktop's own `XDG_*` directories appends each URL to a file instead of starting a
/// browser.
pub struct LinkRecorder {
    log: PathBuf,
}

impl LinkRecorder {
    /// Registers the recorder as the desktop's handler of `http` and `https` links.
    pub fn install(desktop: &Desktop) -> LinkRecorder {
        use std::os::unix::fs::PermissionsExt;
        let log = desktop.home().join("opened-links.log");
        let script = desktop.home().join("record-link");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
        )
        .expect("writing the link recorder");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("making the link recorder executable");
        let apps = desktop.data_dir().join("applications");
        std::fs::create_dir_all(&apps).expect("creating the applications folder");
        std::fs::write(
            apps.join("record-link.desktop"),
            format!(
                "[Desktop Entry]\nType=Application\nName=Link recorder\nExec={} %u\n\
                 MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n",
                script.display()
            ),
        )
        .expect("writing the link recorder's desktop entry");
        std::fs::write(
            desktop.config_dir().join("mimeapps.list"),
            "[Default Applications]\nx-scheme-handler/http=record-link.desktop\n\
             x-scheme-handler/https=record-link.desktop\n",
        )
        .expect("writing mimeapps.list");
        LinkRecorder { log }
    }

    /// Every link opened so far, oldest first.
    pub fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits until `url` was opened.
    pub async fn wait_opened(&self, url: &str) {
        wait_for(format!("the desktop to be asked to open {url}"), T, || {
            let opened = self.opened();
            async move { opened.iter().any(|u| u == url).then_some(()) }
        })
        .await;
    }
}

/// An HTTP server that answers every request with a redirect to `location`.
pub struct Redirector {
    pub url: String,
    task: JoinHandle<()>,
}

impl Redirector {
    pub async fn start(location: &str) -> Redirector {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let location = location.to_owned();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let location = location.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    let reply = format!(
                        "HTTP/1.1 301 Moved Permanently\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Redirector { url, task }
    }
}

impl Drop for Redirector {
    fn drop(&mut self) {
        self.task.abort();
    }
}
