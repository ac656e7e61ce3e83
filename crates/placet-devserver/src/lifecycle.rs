//! Starting and stopping the listening instance while the state (database, seed,
//! controls) lives on, so `restart` comes back on the same port with the same data.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::server::Running;
use crate::state::App;
use crate::DevServerError;

/// The background jobs of a running instance and their periods.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Jobs {
    pub(crate) expiry_tick: Duration,
    pub(crate) stream_cleanup_tick: Duration,
    pub(crate) stale_stream_after: Duration,
    pub(crate) demo_interval: Option<Duration>,
}

/// Owns the running instance, if any.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    pub(crate) app: Arc<App>,
    pub(crate) addr: SocketAddr,
    jobs: Jobs,
    running: Mutex<Option<Running>>,
}

impl Lifecycle {
    /// Binds `bind` for the first time (port 0 picks a port, kept for restarts).
    pub(crate) async fn launch(
        app: Arc<App>,
        bind: SocketAddr,
        jobs: Jobs,
    ) -> Result<Arc<Self>, DevServerError> {
        let (running, addr) = Self::instance(&app, bind, jobs).await?;
        let lifecycle = Arc::new(Self {
            app: app.clone(),
            addr,
            jobs,
            running: Mutex::new(Some(running)),
        });
        app.set_lifecycle(&lifecycle);
        Ok(lifecycle)
    }

    /// One (re)start: like the real server's boot, it first aborts the streaming drafts
    /// the previous run left behind, then serves and runs its jobs.
    async fn instance(
        app: &Arc<App>,
        bind: SocketAddr,
        jobs: Jobs,
    ) -> Result<(Running, SocketAddr), DevServerError> {
        crate::service::streams::abort_stale_on_start(app);
        let (mut running, addr) = Running::launch(app.clone(), bind)
            .await
            .map_err(|source| DevServerError::Bind { addr: bind, source })?;
        running.attach_job(tokio::spawn(crate::expiry::run(
            app.clone(),
            jobs.expiry_tick,
        )));
        running.attach_job(tokio::spawn(crate::service::streams::run(
            app.clone(),
            jobs.stream_cleanup_tick,
            jobs.stale_stream_after,
        )));
        if let Some(interval) = jobs.demo_interval {
            running.attach_job(tokio::spawn(crate::demo::run(app.clone(), interval)));
        }
        Ok((running, addr))
    }

    /// Starts listening again on the same address; a no-op while running.
    pub(crate) async fn start(&self) -> Result<(), DevServerError> {
        let mut running = self.running.lock().await;
        if running.is_none() {
            let (instance, _) = Self::instance(&self.app, self.addr, self.jobs).await?;
            *running = Some(instance);
            tracing::info!(addr = %self.addr, "dev server started");
        }
        Ok(())
    }

    /// Stops the instance; a no-op while stopped.
    pub(crate) async fn stop(&self) {
        let instance = self.running.lock().await.take();
        if let Some(instance) = instance {
            instance.stop(&self.app).await;
            tracing::info!(addr = %self.addr, "dev server stopped");
        }
    }

    pub(crate) async fn is_running(&self) -> bool {
        self.running.lock().await.is_some()
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        if let Some(instance) = self.running.get_mut().as_ref() {
            instance.abort_now();
        }
    }
}
