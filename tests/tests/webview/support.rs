//! A world per test: a private desktop, a dev server on loopback, tauri-driver, and
//! helpers to open the app's windows and read what the server recorded.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig};
use placet_e2e::webdriver::{Session, TauriDriver};
use placet_e2e::{wait_for, Desktop, DesktopOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::task::JoinHandle;

/// Upper bound of any wait: a loaded 2-core machine starts a WebKit app in seconds.
pub const T: Duration = Duration::from_secs(30);

/// Each test runs a whole WebKit app; on two cores, one at a time is the stable choice.
static GATE: Semaphore = Semaphore::const_new(1);

/// The app under test: `PLACET_TRAY_BIN`, or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    placet_e2e::app_binary(&["debug"])
}

/// The window host, which WebDriver starts (`--tray` starts the tray from there). The
/// pages are embedded in it, so build it after changing `ui/`.
pub fn ui_binary() -> PathBuf {
    placet_e2e::ui_binary(&["debug"])
}

/// The seeded owner's credentials (the password is set for these tests; the dev server
/// makes up a new one per run otherwise).
pub const EMAIL: &str = "admin@placet.local";
pub const PASSWORD: &str = "a-password-for-webview-tests";

pub struct World {
    // Drop order: the driver (and with it the app) first, then the server and desktop.
    pub driver: TauriDriver,
    pub server: DevServer,
    pub desktop: Desktop,
    _turn: SemaphorePermit<'static>,
}

impl World {
    /// A desktop, a dev server and tauri-driver; the app is not signed in.
    pub async fn signed_out() -> World {
        World::with(DesktopOptions::default()).await
    }

    /// As [`signed_out`](Self::signed_out), on a desktop with `options`.
    pub async fn with(options: DesktopOptions) -> World {
        World::with_server(options, server_config()).await
    }

    /// As [`with`](Self::with), with the dev server started from `config` (start from
    /// [`server_config`]).
    pub async fn with_server(options: DesktopOptions, config: DevServerConfig) -> World {
        let turn = GATE.acquire().await.expect("the test gate is never closed");
        let desktop = Desktop::start(options).await;
        let server = DevServer::start(config)
            .await
            .expect("the dev server starts");
        let driver = TauriDriver::start(&desktop).await;
        World {
            driver,
            server,
            desktop,
            _turn: turn,
        }
    }

    /// As [`signed_out`](Self::signed_out), then signed in with the command line
    /// (`placet-tray login --password-stdin`), which keeps the session in the keychain.
    pub async fn signed_in() -> World {
        let world = World::signed_out().await;
        let mut command = world.desktop.command(app_binary());
        command.args([
            "login",
            "--server",
            &world.server.base_url(),
            "--email",
            EMAIL,
            "--password-stdin",
        ]);
        let mut login = world.desktop.spawn(command);
        login.write_stdin(&format!("{PASSWORD}\n")).await;
        login.close_stdin();
        let status = login.wait_exit(T).await;
        assert!(
            status.success(),
            "login failed: {status}\n{}",
            login.report()
        );
        world
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
        self.driver = TauriDriver::start(&self.desktop).await;
        self.open(window).await
    }

    /// Opens a review's window and waits until it has rendered the review.
    pub async fn open_review(&self, id: &str) -> Session {
        let session = self.open(&format!("review:{id}")).await;
        wait_review_ready(&session).await;
        session
    }

    pub fn api_key(&self) -> String {
        self.server.seed().admin().api_key.clone()
    }

    pub fn deploy_bot(&self) -> String {
        self.server.seed().deploy_bot().id.clone()
    }

    /// The id of a seeded agent by name.
    pub fn agent(&self, name: &str) -> String {
        self.server
            .seed()
            .agent(name)
            .unwrap_or_else(|| panic!("no seeded agent {name}"))
            .id
            .clone()
    }

    /// Posts a message as the admin's API key to `channel`; returns its id.
    pub async fn post_to(&self, channel: &str, text: &str, review: Value) -> String {
        let (status, message) = self
            .server
            .post_agent_message(
                &self.api_key(),
                json!({ "channelId": channel, "text": text, "review": review }),
            )
            .await;
        assert_eq!(status.as_u16(), 201, "posting a review: {message}");
        // Timestamps have millisecond precision: keep "newest first" unambiguous.
        tokio::time::sleep(Duration::from_millis(3)).await;
        message["id"].as_str().expect("a message id").to_owned()
    }

    /// Posts a review from Deploy Bot.
    pub async fn post(&self, text: &str, review: Value) -> String {
        self.post_to(&self.deploy_bot(), text, review).await
    }

    /// Creates an agent through `POST /api/v1/agents`; returns its id.
    pub async fn create_agent(&self, name: &str) -> String {
        let reply = reqwest::Client::new()
            .post(format!("{}/api/v1/agents", self.server.base_url()))
            .header("x-api-key", self.api_key())
            .json(&json!({ "name": name }))
            .send()
            .await
            .expect("POST /api/v1/agents");
        let status = reply.status().as_u16();
        let body: Value = reply.json().await.expect("an agent");
        assert_eq!(status, 201, "creating agent {name:?}: {body}");
        body["id"].as_str().expect("an agent id").to_owned()
    }

    /// Deletes a message as its agent would (`DELETE /api/v1/messages/:id`); the server
    /// tells no client.
    pub async fn delete_as_agent(&self, id: &str, channel: &str) {
        let reply = reqwest::Client::new()
            .delete(format!("{}/api/v1/messages/{id}", self.server.base_url()))
            .query(&[("channel", channel)])
            .header("x-api-key", self.api_key())
            .send()
            .await
            .expect("DELETE /api/v1/messages/:id");
        let status = reply.status().as_u16();
        let body = reply.text().await.unwrap_or_default();
        assert_eq!(status, 200, "deleting {id} as the agent: {body}");
    }

    /// Acknowledges a message as its agent would (`POST /api/v1/messages/:id/ack`): the
    /// server reports `agent_received` to the subscribers.
    pub async fn ack_as_agent(&self, id: &str, channel: &str) {
        let reply = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/messages/{id}/ack",
                self.server.base_url()
            ))
            .query(&[("channel", channel)])
            .header("x-api-key", self.api_key())
            .json(&json!({}))
            .send()
            .await
            .expect("POST /api/v1/messages/:id/ack");
        let status = reply.status().as_u16();
        let body = reply.text().await.unwrap_or_default();
        assert_eq!(status, 200, "acknowledging {id} as the agent: {body}");
    }

    /// The bodies of every respond request for `id`, oldest first.
    pub fn responses(&self, id: &str) -> Vec<Value> {
        self.server
            .controls()
            .responses_for(id)
            .into_iter()
            .map(|r| r.body)
            .collect()
    }

    /// Waits for the first respond request for `id` and returns its body.
    #[track_caller]
    pub fn wait_response<'a>(
        &'a self,
        id: &'a str,
    ) -> impl std::future::Future<Output = Value> + 'a {
        wait_for(
            format!("an answer to {id} at the server"),
            T,
            move || async move { self.responses(id).into_iter().next() },
        )
    }
}

/// The dev server's configuration for these tests (start from it to change something).
pub fn server_config() -> DevServerConfig {
    DevServerConfig {
        expiry_tick: Duration::from_millis(100),
        // The sign-in tests type it into the form.
        admin_password: Some(PASSWORD.to_owned()),
        ..Default::default()
    }
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
