//! One listener of a running instance: its `serve` task, its open connections and, on
//! the listener that carries Socket.IO, the Socket.IO instance that `stop` tears down.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use socketioxide::SocketIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::net::{ConnInfo, ConnRegistry, TrackedListener};

/// A listener bound but not yet serving (binding first lets every router know every
/// address before any of them serves).
#[derive(Debug)]
pub(crate) struct Bound {
    listener: TcpListener,
    pub(crate) addr: SocketAddr,
}

impl Bound {
    /// Binds `addr` (port 0 picks a free port).
    pub(crate) async fn bind(addr: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr })
    }
}

/// A listener accepting connections. Dropping it does not stop it: call
/// [`Running::stop`].
#[derive(Debug)]
pub(crate) struct Running {
    serve_task: JoinHandle<()>,
    registry: Arc<ConnRegistry>,
    io: Option<SocketIo>,
}

impl Running {
    /// Serves `router` on `bound`; `io` is the Socket.IO instance inside the router, if any.
    pub(crate) fn serve(bound: Bound, router: Router, io: Option<SocketIo>) -> Self {
        let registry = Arc::new(ConnRegistry::default());
        let listener = TrackedListener::new(bound.listener, registry.clone());
        let service = router.into_make_service_with_connect_info::<ConnInfo>();
        let serve_task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, service).await {
                tracing::error!(error = %e, "server stopped with an error");
            }
        });
        Self {
            serve_task,
            registry,
            io,
        }
    }

    /// Stops accepting, closes every connection (HTTP and websocket) and drops the
    /// Socket.IO instance. Returns once the listening socket is closed.
    pub(crate) async fn stop(self) {
        self.serve_task.abort();
        // The listener is owned by the serve task; once the task is gone the port is free.
        let _ = self.serve_task.await;
        self.registry.cut_all();
        if let Some(io) = self.io {
            // Lets socketioxide run its disconnect bookkeeping; the transports are already
            // dead, so this is quick, but never let it hold up a stop.
            let _ = tokio::time::timeout(Duration::from_secs(2), io.close()).await;
        }
    }

    /// Best-effort synchronous teardown for `Drop`: no waiting, no disconnect handlers.
    pub(crate) fn abort_now(&self) {
        self.serve_task.abort();
        self.registry.cut_all();
    }
}
