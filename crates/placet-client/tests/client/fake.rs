//! Small axum servers on 127.0.0.1:0 for what the dev server has no reason to do:
//! redirect, serve odd file names and huge or broken bodies.

use std::net::SocketAddr;

use placet_client::ServerUrl;

/// A server running `router` until the test ends.
pub struct FakeServer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl FakeServer {
    pub async fn start(router: axum::Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { addr, task }
    }

    pub fn url(&self) -> ServerUrl {
        ServerUrl::parse(&format!("http://{}", self.addr)).expect("loopback URL")
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
