//! A TCP listener whose connections can be cut on demand.
//!
//! Every accepted connection is registered with a duplicate of its socket handle. Cutting
//! a connection is `shutdown(Both)` on that duplicate, which works whoever owns the
//! stream by then: hyper for HTTP, or the websocket task after an upgrade. That is how
//! `stop` makes clients see the server vanish, and how one respond reply is "lost".

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Open connections, by id, as duplicated OS sockets.
#[derive(Debug, Default)]
pub(crate) struct ConnRegistry {
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, std::net::TcpStream>>,
}

impl ConnRegistry {
    fn register(&self, stream: &TcpStream) -> io::Result<u64> {
        let dup = duplicate(stream)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, dup);
        Ok(id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, std::net::TcpStream>> {
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes one connection in both directions; the peer reads EOF.
    fn cut(&self, id: u64) {
        if let Some(stream) = self.lock().remove(&id) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Closes every open connection.
    pub(crate) fn cut_all(&self) {
        for (_, stream) in self.lock().drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

#[cfg(unix)]
fn duplicate(stream: &TcpStream) -> io::Result<std::net::TcpStream> {
    use std::os::fd::AsFd;
    Ok(std::net::TcpStream::from(
        stream.as_fd().try_clone_to_owned()?,
    ))
}

#[cfg(windows)]
fn duplicate(stream: &TcpStream) -> io::Result<std::net::TcpStream> {
    use std::os::windows::io::AsSocket;
    Ok(std::net::TcpStream::from(
        stream.as_socket().try_clone_to_owned()?,
    ))
}

/// A handle to cut the connection a request arrived on.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    id: u64,
    registry: Arc<ConnRegistry>,
}

impl ConnHandle {
    /// Closes the connection without a reply.
    pub(crate) fn cut(&self) {
        self.registry.cut(self.id);
    }
}

/// Per-connection info available to handlers through `ConnectInfo<ConnInfo>`.
#[derive(Debug, Clone)]
pub(crate) struct ConnInfo {
    pub(crate) peer: SocketAddr,
    pub(crate) conn: ConnHandle,
}

/// A TCP stream that leaves the registry when the last owner drops it.
#[derive(Debug)]
pub(crate) struct TrackedStream {
    inner: TcpStream,
    handle: ConnHandle,
}

impl Drop for TrackedStream {
    fn drop(&mut self) {
        self.handle.registry.remove(self.handle.id);
    }
}

impl AsyncRead for TrackedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for TrackedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The listener handed to `axum::serve`.
#[derive(Debug)]
pub(crate) struct TrackedListener {
    listener: TcpListener,
    registry: Arc<ConnRegistry>,
}

impl TrackedListener {
    /// Accepts on `listener`, registering every connection in `registry`.
    pub(crate) fn new(listener: TcpListener, registry: Arc<ConnRegistry>) -> Self {
        Self { listener, registry }
    }
}

impl Listener for TrackedListener {
    type Io = TrackedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    match self.registry.register(&stream) {
                        Ok(id) => {
                            let handle = ConnHandle {
                                id,
                                registry: self.registry.clone(),
                            };
                            return (
                                TrackedStream {
                                    inner: stream,
                                    handle,
                                },
                                peer,
                            );
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot track connection; closed"),
                    }
                }
                // Like axum's own listener: accept errors (e.g. too many open files) are
                // transient, so back off briefly instead of ending the server.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

impl Connected<IncomingStream<'_, TrackedListener>> for ConnInfo {
    fn connect_info(stream: IncomingStream<'_, TrackedListener>) -> Self {
        Self {
            peer: *stream.remote_addr(),
            conn: stream.io().handle.clone(),
        }
    }
}
