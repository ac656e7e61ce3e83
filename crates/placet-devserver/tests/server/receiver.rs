//! Loopback peers for tests: a webhook receiver and raw HTTP/1.1 requests.

use std::sync::Arc;

use serde_json::Value;

use crate::support::EVENT_TIMEOUT;

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Hook {
    pub method: String,
    pub path: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// A webhook receiver on 127.0.0.1:0 that records every request and answers with a
/// settable status (200 at first).
pub struct Receiver {
    pub base: String,
    hooks: tokio::sync::mpsc::UnboundedReceiver<Hook>,
    status: Arc<std::sync::atomic::AtomicU16>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        use axum::extract::{Request, State};
        let (tx, hooks) = tokio::sync::mpsc::unbounded_channel();
        let status = Arc::new(std::sync::atomic::AtomicU16::new(200));
        let state = (tx, status.clone());
        let app = axum::Router::new()
            .fallback(
                |State((tx, status)): State<(
                    tokio::sync::mpsc::UnboundedSender<Hook>,
                    Arc<std::sync::atomic::AtomicU16>,
                )>,
                 request: Request| async move {
                    let (parts, body) = request.into_parts();
                    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                    let _ = tx.send(Hook {
                        method: parts.method.to_string(),
                        path: parts.uri.path().to_owned(),
                        headers: parts.headers,
                        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                    });
                    let code = status.load(std::sync::atomic::Ordering::SeqCst);
                    axum::http::StatusCode::from_u16(code).unwrap()
                },
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            base,
            hooks,
            status,
            task,
        }
    }

    /// `<base><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Answers every following request with `status`.
    pub fn answer(&self, status: u16) {
        self.status
            .store(status, std::sync::atomic::Ordering::SeqCst);
    }

    /// The next request, or a panic after `EVENT_TIMEOUT`.
    pub async fn next(&mut self) -> Hook {
        tokio::time::timeout(EVENT_TIMEOUT, self.hooks.recv())
            .await
            .expect("a webhook within the timeout")
            .expect("receiver running")
    }

    /// The requests received so far without waiting.
    pub fn received_now(&mut self) -> Vec<Hook> {
        let mut hooks = Vec::new();
        while let Ok(hook) = self.hooks.try_recv() {
            hooks.push(hook);
        }
        hooks
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Sends raw HTTP/1.1 bytes and returns the status code and the whole response text.
pub async fn raw_http(addr: std::net::SocketAddr, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(EVENT_TIMEOUT, stream.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}
