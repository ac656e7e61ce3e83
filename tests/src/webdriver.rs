//! Driving the app's webviews over WebDriver: [`TauriDriver`] runs `tauri-driver` (which
//! runs Debian's `WebKitWebDriver`) inside a [`Desktop`], and [`Session`] and [`Element`]
//! are a small W3C WebDriver client over plain HTTP.
//!
//! What we learned about tauri-driver 2.x with WebKitWebDriver (webkit2gtk 4.1):
//!
//! - A new session launches `tauri:options.application` with `tauri:options.args`, with
//!   the environment tauri-driver itself got (so start tauri-driver with
//!   [`Desktop::command`]: `DISPLAY`, the session bus, `HOME` and `XDG_*` reach the app).
//! - The session request does not return until the app creates its first webview; it
//!   then attaches to it. A tray app that starts without a window makes it wait (it
//!   waited 8 s without complaint in our trials, and completed the moment a window
//!   appeared), so the app must open one (`--open ...`) soon after start.
//! - Every webview window the app opens later becomes one more window handle
//!   (`GET /window/handles`, in no particular order); switch to it with
//!   `POST /window`. A window that closes itself disappears from the handles, and
//!   commands sent to it while it is current fail with `no such window`.
//! - Deleting the session kills the app. `POST /window/rect` resizes the window, so a
//!   screenshot (`GET /screenshot`, the webview's content) can show a whole page.
//! - Typing goes through real key events: an `<input type=date>` is a set of
//!   locale-ordered fields (`mm/dd/yyyy` under `LANG=C.UTF-8`), so the keys for
//!   2025-06-03 are `06/03/2025`; `datetime-local` takes `06/03/2025, 14:30`; `time`
//!   takes `14:30`. Send each value in one `send_keys` call: a new call starts again at
//!   the first sub-field.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::{Desktop, Process, POLL_INTERVAL};

/// The W3C key of an element reference in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long tauri-driver may take to listen (it starts WebKitWebDriver first).
const DRIVER_START: Duration = crate::CEILING;
/// How long a session may take to start: the app starts, signs in, opens its window.
const SESSION_START: Duration = crate::CEILING;
/// Every other WebDriver request: one that opens a window waits for WebKit, which on a
/// loaded 2-core machine takes seconds to tens of seconds.
const REQUEST: Duration = crate::CEILING;

/// Keys for [`Element::send_keys`] (WebDriver's code points).
pub mod keys {
    /// Enter.
    pub const ENTER: &str = "\u{E007}";
    /// Tab.
    pub const TAB: &str = "\u{E004}";
    /// Backspace.
    pub const BACKSPACE: &str = "\u{E003}";
    /// Escape.
    pub const ESCAPE: &str = "\u{E00C}";
    /// Arrow up.
    pub const UP: &str = "\u{E013}";
    /// Arrow down.
    pub const DOWN: &str = "\u{E015}";
    /// Arrow left.
    pub const LEFT: &str = "\u{E012}";
    /// Arrow right.
    pub const RIGHT: &str = "\u{E014}";
    /// Home.
    pub const HOME: &str = "\u{E011}";
    /// End.
    pub const END: &str = "\u{E010}";
    /// Control (held until the end of the `send_keys` text).
    pub const CONTROL: &str = "\u{E009}";
    /// Shift (held by [`Session::press_chord`](super::Session::press_chord)).
    pub const SHIFT: &str = "\u{E008}";
    /// Space.
    pub const SPACE: &str = "\u{E00D}";
}

/// A WebDriver error reply (or a transport failure, with `error = "transport"`).
#[derive(Debug, Clone)]
pub struct WebDriverError {
    /// The HTTP status (0 for transport failures).
    pub status: u16,
    /// The WebDriver error code, like `no such element`.
    pub error: String,
    /// The message.
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.error, self.status, self.message)
    }
}

impl std::error::Error for WebDriverError {}

/// An error and its causes (`error sending request: … : operation timed out`): reqwest's
/// own message does not say whether the request timed out or the connection closed.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

/// A port that was free a moment ago, for a server that takes a fixed port number.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("finding a free port")
}

/// tauri-driver on a free port inside a desktop, stopped on drop.
#[derive(Debug)]
pub struct TauriDriver {
    process: Process,
    url: String,
    http: reqwest::Client,
}

impl TauriDriver {
    /// Starts `tauri-driver` (from `PATH`, or the `TAURI_DRIVER` variable) with
    /// `WebKitWebDriver` behind it, both on free ports, and waits until it is ready.
    pub async fn start(desktop: &Desktop) -> TauriDriver {
        let program = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let (port, native) = (free_port(), free_port());
        let mut command = desktop.command(&program);
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native.to_string());
        let mut process = desktop.spawn(command);
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        let deadline = Instant::now() + DRIVER_START;
        loop {
            // Each try may take what is left: a busy machine may be slow to answer.
            let left = deadline.saturating_duration_since(Instant::now());
            let ready = http
                .get(format!("{url}/status"))
                .timeout(left.max(POLL_INTERVAL))
                .send()
                .await;
            if let Ok(r) = ready {
                if let Ok(v) = r.json::<Value>().await {
                    if v["value"]["ready"] == json!(true) {
                        break;
                    }
                }
            }
            if let Some(status) = process.try_exit() {
                panic!(
                    "{program} exited ({status}) before listening (is it installed? \
                     `cargo install tauri-driver@^2 --locked`)\n{}",
                    process.report()
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "{program} did not answer /status within {DRIVER_START:?}\n{}",
                    process.report()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        TauriDriver { process, url, http }
    }

    /// tauri-driver's own process (its log says what WebKitWebDriver did).
    pub fn process(&self) -> &Process {
        &self.process
    }

    /// Starts `application` with `args` and attaches to its first webview.
    pub async fn session(&self, application: &Path, args: &[&str]) -> Session {
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": {
                        "application": application.display().to_string(),
                        "args": args,
                    }
                }
            }
        });
        let reply = self
            .http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .timeout(SESSION_START)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "starting a WebDriver session for {} {args:?}: {}\n{}",
                    application.display(),
                    with_causes(&e),
                    self.process.report()
                )
            });
        let body: Value = reply.json().await.unwrap_or_default();
        let id = body["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| {
                panic!(
                    "no WebDriver session for {} {args:?}: {body}\n{}",
                    application.display(),
                    self.process.report()
                )
            })
            .to_owned();
        Session {
            inner: Arc::new(Inner {
                http: self.http.clone(),
                base: format!("{}/session/{id}", self.url),
            }),
        }
    }
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: String,
}

/// A WebDriver session: one app process and its webview windows. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

impl Session {
    /// Sends a command; the reply's `value`, or the WebDriver error.
    pub async fn command(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        let url = format!("{}{path}", self.inner.base);
        let mut request = self.inner.http.request(method, &url).timeout(REQUEST);
        // WebDriver wants a JSON body on every POST, `{}` when there is nothing to say.
        if let Some(b) = body {
            request = request.json(&b);
        }
        let reply = request.send().await.map_err(|e| WebDriverError {
            status: 0,
            error: "transport".into(),
            message: with_causes(&e),
        })?;
        let status = reply.status().as_u16();
        let v: Value = reply.json().await.map_err(|e| WebDriverError {
            status,
            error: "transport".into(),
            message: format!("unreadable reply: {}", with_causes(&e)),
        })?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if status >= 400 || value.get("error").is_some_and(Value::is_string) {
            return Err(WebDriverError {
                status,
                error: value["error"].as_str().unwrap_or("unknown").to_owned(),
                message: value["message"].as_str().unwrap_or("").to_owned(),
            });
        }
        Ok(value)
    }

    async fn must(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let what = format!("{method} {path}");
        self.command(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {what}: {e}"))
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the current window
    /// and returns its result. Panics on a script error.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.try_execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs `script` asynchronously: it calls its last argument with the result.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.command(
            Method::POST,
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
        .await
        .unwrap_or_else(|e| panic!("async script failed: {e}\n{script}"))
    }

    /// Like [`execute`](Self::execute), returning the error instead of panicking.
    pub async fn try_execute(&self, script: &str, args: Value) -> Result<Value, WebDriverError> {
        self.command(
            Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Runs `script` until it returns something other than `null`, `false`, `""` or an
    /// error (the page may still be loading); returns that value. Panics after `timeout`
    /// with `what` and the last result.
    pub async fn wait_script(
        &self,
        what: &str,
        script: &str,
        args: Value,
        timeout: Duration,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let last = self.try_execute(script, args.clone()).await;
            match &last {
                Ok(v) if !matches!(v, Value::Null | Value::Bool(false)) && v != &json!("") => {
                    return v.clone()
                }
                _ => {}
            }
            if Instant::now() >= deadline {
                panic!("timed out after {timeout:?} waiting for {what}; last result: {last:?}");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// The first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Result<Element, WebDriverError> {
        let v = self
            .command(
                Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        Ok(self.element(&v))
    }

    /// Every element matching a CSS selector.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self
            .must(
                Method::POST,
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v.as_array()
            .map(|a| a.iter().map(|e| self.element(e)).collect())
            .unwrap_or_default()
    }

    /// Waits until an element matching `css` exists, and returns it.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css).await {
                Ok(e) => return e,
                Err(e) if Instant::now() >= deadline => {
                    panic!("timed out after {timeout:?} waiting for `{css}`: {e}")
                }
                Err(_) => tokio::time::sleep(POLL_INTERVAL).await,
            }
        }
    }

    /// Clicks the element matching `css` once it exists, finding it again if the page
    /// replaced it between finding and clicking (a live list re-rendering).
    ///
    /// It is first scrolled to the middle of its scroll container: WebKitWebDriver
    /// scrolls the page, not an inner `overflow: auto` list, and refuses ("element not
    /// interactable") to click a row that such a list clips under a header.
    pub async fn click_on(&self, css: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let result = match self.find(css).await {
                Ok(e) => {
                    let _ = self
                        .try_execute(
                            "arguments[0].scrollIntoView({ block: 'center' })",
                            json!([e.as_arg()]),
                        )
                        .await;
                    self.command(Method::POST, &e.path("/click"), Some(json!({})))
                        .await
                        .map(drop)
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => return,
                Err(e) if Instant::now() >= deadline => {
                    panic!("could not click `{css}` within {timeout:?}: {e}")
                }
                Err(_) => tokio::time::sleep(POLL_INTERVAL).await,
            }
        }
    }

    fn element(&self, v: &Value) -> Element {
        let id = v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element reference: {v}"))
            .to_owned();
        Element {
            session: self.clone(),
            id,
        }
    }

    /// Presses and releases each key of `text` in turn (WebDriver actions), delivered to
    /// whatever has the focus, as a person typing would.
    pub async fn type_keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({ "type": "keyDown", "value": c.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": c.to_string() }));
        }
        self.must(
            Method::POST,
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .await;
        let _ = self.command(Method::DELETE, "/actions", None).await;
    }

    /// Presses `keys` down in order and releases them in reverse (WebDriver actions), as a
    /// person plays a chord such as Shift+Tab; delivered to whatever has the focus.
    pub async fn press_chord(&self, keys: &[&str]) {
        let down = keys
            .iter()
            .map(|k| json!({ "type": "keyDown", "value": k }));
        let up = keys
            .iter()
            .rev()
            .map(|k| json!({ "type": "keyUp", "value": k }));
        let actions: Vec<Value> = down.chain(up).collect();
        self.must(
            Method::POST,
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .await;
        let _ = self.command(Method::DELETE, "/actions", None).await;
    }

    /// The handles of the app's open windows.
    pub async fn window_handles(&self) -> Vec<String> {
        let v = self.must(Method::GET, "/window/handles", None).await;
        serde_json::from_value(v).unwrap_or_default()
    }

    /// The handle of the current window.
    pub async fn window_handle(&self) -> Result<String, WebDriverError> {
        let v = self.command(Method::GET, "/window", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Makes `handle` the window later commands go to.
    pub async fn switch_to(&self, handle: &str) -> Result<(), WebDriverError> {
        self.command(Method::POST, "/window", Some(json!({ "handle": handle })))
            .await
            .map(drop)
    }

    /// The current window's URL.
    pub async fn url(&self) -> Result<String, WebDriverError> {
        let v = self.command(Method::GET, "/url", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Waits for a window whose URL satisfies `matches`, switches to it and returns its
    /// handle. Windows in `skip` are not considered.
    pub async fn wait_for_window(
        &self,
        what: &str,
        skip: &[String],
        matches: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let mut seen = Vec::new();
            for handle in self.window_handles().await {
                if skip.contains(&handle) {
                    continue;
                }
                if self.switch_to(&handle).await.is_err() {
                    continue;
                }
                if let Ok(url) = self.url().await {
                    if matches(&url) {
                        return handle;
                    }
                    seen.push(url);
                }
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {timeout:?} waiting for the {what} window; \
                     the other windows: {seen:?}"
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Waits until `handle` is no longer open (the window closed itself).
    pub async fn wait_window_closed(&self, handle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let handles = self.window_handles().await;
            if !handles.iter().any(|h| h == handle) {
                return;
            }
            if Instant::now() >= deadline {
                panic!("window {handle} was still open after {timeout:?}; open: {handles:?}");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Resizes the current window (its inner size, in CSS pixels, is close to this).
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.must(
            Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// A PNG of the current window's content.
    ///
    /// WebKitGTK answers a screenshot after the page's next presentation update, and a
    /// page with nothing left to paint (no caret, timer or animation; measured: the
    /// conversation window once its messages are shown) never has one, so the request
    /// would wait forever. While the screenshot is taken a one-pixel square in a corner
    /// changes between two invisible colours every frame (alpha 0 and 1/255, which no
    /// pixel shows), so there is always an update to answer after.
    pub async fn screenshot(&self) -> Vec<u8> {
        let _ = self
            .try_execute(
                "if (!window.__placetShot) { \
                   const d = document.createElement('div'); \
                   d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647'; \
                   document.documentElement.appendChild(d); \
                   let on = false; \
                   const tick = () => { on = !on; d.style.background = on ? 'rgba(0,0,0,0.004)' : 'rgba(0,0,0,0)'; \
                     window.__placetShot.frame = requestAnimationFrame(tick); }; \
                   window.__placetShot = { d, frame: 0 }; tick(); }",
                json!([]),
            )
            .await;
        let v = self.must(Method::GET, "/screenshot", None).await;
        let _ = self
            .try_execute(
                "const s = window.__placetShot; if (s) { cancelAnimationFrame(s.frame); s.d.remove(); window.__placetShot = null; }",
                json!([]),
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("a base64 screenshot")
    }

    /// Ends the session, which quits the app.
    pub async fn quit(self) {
        let _ = self
            .inner
            .http
            .delete(&self.inner.base)
            .timeout(REQUEST)
            .send()
            .await;
    }
}

/// An element of the current window's page.
#[derive(Debug, Clone)]
pub struct Element {
    session: Session,
    id: String,
}

impl Element {
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    /// Clicks it (scrolling it into view first).
    pub async fn click(&self) {
        self.session
            .must(Method::POST, &self.path("/click"), Some(json!({})))
            .await;
    }

    /// Focuses it and types `text` (see [`keys`] for special keys).
    pub async fn send_keys(&self, text: &str) {
        self.session
            .must(
                Method::POST,
                &self.path("/value"),
                Some(json!({ "text": text })),
            )
            .await;
    }

    /// Empties an input or textarea.
    pub async fn clear(&self) {
        self.session
            .must(Method::POST, &self.path("/clear"), Some(json!({})))
            .await;
    }

    /// Its rendered text, as a person reads it (whitespace collapsed).
    pub async fn text(&self) -> String {
        let v = self
            .session
            .must(Method::GET, &self.path("/text"), None)
            .await;
        v.as_str().unwrap_or_default().to_owned()
    }

    /// A DOM property (`value`, `checked`, `textContent`, `disabled`, ...).
    pub async fn property(&self, name: &str) -> Value {
        self.session
            .must(Method::GET, &self.path(&format!("/property/{name}")), None)
            .await
    }

    /// An attribute, or `None` when absent.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let v = self
            .session
            .must(Method::GET, &self.path(&format!("/attribute/{name}")), None)
            .await;
        v.as_str().map(str::to_owned)
    }

    /// Whether it is enabled (not disabled itself or by a disabled fieldset).
    pub async fn is_enabled(&self) -> bool {
        let v = self
            .session
            .must(Method::GET, &self.path("/enabled"), None)
            .await;
        v == json!(true)
    }

    /// The element as a script argument.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}
