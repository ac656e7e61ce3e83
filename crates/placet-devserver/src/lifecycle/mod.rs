//! Starting and stopping the listening instance while the state (database, seed,
//! controls) lives on, so `restart` comes back on the same port with the same data.
//!
//! This is the top of the crate's layers: it assembles the routers of the surfaces
//! (`routes`, `socket`, the `/__dev` controls) and runs the background jobs.

mod running;

use std::net::SocketAddr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::{middleware, Router};
use futures_util::future::BoxFuture;
use socketioxide::SocketIo;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::config::Layout;
use crate::controls::Restart;
use crate::error::{error_body, route_not_found};
use crate::routes::web::Origins;
use crate::routes::{edge, Tracker};
use crate::state::App;
use crate::store::StoreError;
use running::{Bound, Running};

/// Why a dev server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevServerError {
    /// The address could not be bound (in use, or no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The database could not be opened, created or seeded.
    #[error("database: {0}")]
    Database(#[from] StoreError),
}

/// The background jobs of a running instance and their periods.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Jobs {
    pub(crate) expiry_tick: Duration,
    pub(crate) stream_cleanup_tick: Duration,
    pub(crate) stale_stream_after: Duration,
    pub(crate) demo_interval: Option<Duration>,
}

/// A running instance: its listeners and its jobs.
#[derive(Debug)]
struct Instance {
    listeners: Vec<Running>,
    jobs: Vec<JoinHandle<()>>,
}

/// The bound addresses, kept across restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addrs {
    /// The backend: REST and Socket.IO (and the pages, in the one-origin layout).
    pub(crate) api: SocketAddr,
    /// The web listener of the split layout.
    pub(crate) web: Option<SocketAddr>,
}

/// The listeners of one (re)start, bound and not yet serving.
#[derive(Debug)]
struct BoundListeners {
    api: Bound,
    web: Option<Bound>,
}

/// Owns the running instance, if any.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    pub(crate) app: Arc<App>,
    pub(crate) addrs: Addrs,
    jobs: Jobs,
    running: Mutex<Option<Instance>>,
}

impl Lifecycle {
    /// Binds `bind` (and the web listener of a split layout) for the first time; port 0
    /// picks a port, kept for restarts.
    pub(crate) async fn launch(
        app: Arc<App>,
        bind: SocketAddr,
        layout: Layout,
        jobs: Jobs,
    ) -> Result<Arc<Self>, DevServerError> {
        let web = match layout {
            Layout::Split { web } => Some(web),
            Layout::OneOrigin => None,
        };
        let bound = bind_all(Addrs { api: bind, web }).await?;
        let lifecycle = Arc::new(Self {
            app,
            addrs: Addrs {
                api: bound.api.addr,
                web: bound.web.as_ref().map(|b| b.addr),
            },
            jobs,
            running: Mutex::new(None),
        });
        let instance = lifecycle.serve(bound);
        *lifecycle.running.lock().await = Some(instance);
        Ok(lifecycle)
    }

    /// The web UI's runtime config: the socket's and the app's base URLs.
    fn origins(&self) -> Origins {
        let api = format!("http://{}", self.addrs.api);
        Origins {
            app_url: self
                .addrs
                .web
                .map_or_else(|| api.clone(), |w| format!("http://{w}")),
            ws_url: api,
        }
    }

    /// One (re)start: like the real server's boot, it first aborts the streaming drafts
    /// the previous run left behind, then serves and runs its jobs.
    fn serve(self: &Arc<Self>, bound: BoundListeners) -> Instance {
        let app = &self.app;
        crate::service::streams::abort_stale_on_start(app);
        let (router, io) = self.backend_router();
        app.events.set(Some(io.clone()));
        let mut listeners = vec![Running::serve(bound.api, router, Some(io))];
        if let Some(web) = bound.web {
            let site = crate::routes::web::site(app.clone(), self.origins(), self.addrs.api);
            listeners.push(Running::serve(web, site, None));
        }
        let mut jobs = vec![
            tokio::spawn(crate::service::expiry::run(
                app.clone(),
                self.jobs.expiry_tick,
            )),
            tokio::spawn(crate::service::streams::run(
                app.clone(),
                self.jobs.stream_cleanup_tick,
                self.jobs.stale_stream_after,
            )),
        ];
        if let Some(interval) = self.jobs.demo_interval {
            jobs.push(tokio::spawn(crate::demo::run(app.clone(), interval)));
        }
        Instance { listeners, jobs }
    }

    /// The backend: REST, Socket.IO on `/ws`, `/__dev` when asked for, and in the
    /// one-origin layout the web UI's pages.
    ///
    /// Layers, outermost first: request log → loopback `Host` rule → handshake refusal
    /// (test control) → Socket.IO (takes `/socket.io/*`) → error body → routes.
    fn backend_router(self: &Arc<Self>) -> (Router, SocketIo) {
        let app = self.app.clone();
        let (socket_layer, io) = crate::socket::layer(app.clone());
        let one_origin = self.addrs.web.is_none();
        // What the backend sees as the client: in the all-in-one image every request
        // comes through nginx and Next.js inside the container.
        let tracker = if one_origin {
            Tracker::Fixed(std::net::Ipv4Addr::LOCALHOST.into())
        } else {
            Tracker::Peer
        };
        let mut router = crate::routes::api(app.clone(), tracker);
        if app.options.dev_routes {
            let restart: Arc<dyn Restart> = Arc::new(Restarter(Arc::downgrade(self)));
            router = router.nest("/__dev", crate::controls::http_routes(app.clone(), restart));
        }
        let router = if one_origin {
            let pages: Router = Router::new()
                .fallback(crate::routes::web::page_or_not_found)
                .with_state(Arc::new(self.origins()));
            router.fallback_service(pages)
        } else {
            router.fallback(route_not_found)
        };
        let router = router
            .method_not_allowed_fallback(route_not_found)
            .layer(middleware::from_fn(error_body))
            .layer(socket_layer)
            .layer(middleware::from_fn_with_state(
                app.clone(),
                edge::refuse_handshakes,
            ))
            .layer(middleware::from_fn_with_state(
                app.clone(),
                edge::loopback_hosts_only,
            ))
            .layer(middleware::from_fn_with_state(app.clone(), edge::record))
            .with_state(app);
        (router, io)
    }

    /// Starts listening again on the same address; a no-op while running.
    pub(crate) async fn start(self: &Arc<Self>) -> Result<(), DevServerError> {
        let mut running = self.running.lock().await;
        if running.is_none() {
            let bound = bind_all(self.addrs).await?;
            *running = Some(self.serve(bound));
            tracing::info!(addr = %self.addrs.api, "dev server started");
        }
        Ok(())
    }

    /// Stops the instance; a no-op while stopped.
    pub(crate) async fn stop(&self) {
        let instance = self.running.lock().await.take();
        if let Some(instance) = instance {
            for job in &instance.jobs {
                job.abort();
            }
            for listener in instance.listeners {
                listener.stop().await;
            }
            self.app.events.set(None);
            for job in instance.jobs {
                let _ = job.await;
            }
            tracing::info!(addr = %self.addrs.api, "dev server stopped");
        }
    }

    pub(crate) async fn is_running(&self) -> bool {
        self.running.lock().await.is_some()
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        if let Some(instance) = self.running.get_mut().as_ref() {
            for job in &instance.jobs {
                job.abort();
            }
            for listener in &instance.listeners {
                listener.abort_now();
            }
        }
    }
}

async fn bind_at(addr: SocketAddr) -> Result<Bound, DevServerError> {
    Bound::bind(addr)
        .await
        .map_err(|source| DevServerError::Bind { addr, source })
}

async fn bind_all(addrs: Addrs) -> Result<BoundListeners, DevServerError> {
    let api = bind_at(addrs.api).await?;
    let web = match addrs.web {
        Some(web) => Some(bind_at(web).await?),
        None => None,
    };
    Ok(BoundListeners { api, web })
}

/// The `/__dev/restart` control's way back up to the lifecycle; weak, because the
/// lifecycle owns the routers that hold it.
struct Restarter(Weak<Lifecycle>);

impl Restart for Restarter {
    fn restart(&self, down: Duration) -> BoxFuture<'static, ()> {
        let lifecycle = self.0.clone();
        Box::pin(async move {
            let Some(lifecycle) = lifecycle.upgrade() else {
                return;
            };
            lifecycle.stop().await;
            tokio::time::sleep(down).await;
            if let Err(e) = lifecycle.start().await {
                tracing::error!(error = %e, "restart failed");
            }
        })
    }
}
