//! Starting and stopping the listening instance while the state (database, seed,
//! controls) lives on, so `restart` comes back on the same port with the same data.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::server::Running;
use crate::state::App;
use crate::DevServerError;

/// Owns the running instance, if any.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    pub(crate) app: Arc<App>,
    pub(crate) addr: SocketAddr,
    expiry_tick: Duration,
    demo_interval: Option<Duration>,
    running: Mutex<Option<Running>>,
}

impl Lifecycle {
    /// Binds `bind` for the first time (port 0 picks a port, kept for restarts).
    pub(crate) async fn launch(
        app: Arc<App>,
        bind: SocketAddr,
        expiry_tick: Duration,
        demo_interval: Option<Duration>,
    ) -> Result<Arc<Self>, DevServerError> {
        let (running, addr) = Self::instance(&app, bind, expiry_tick, demo_interval).await?;
        let lifecycle = Arc::new(Self {
            app: app.clone(),
            addr,
            expiry_tick,
            demo_interval,
            running: Mutex::new(Some(running)),
        });
        app.set_lifecycle(&lifecycle);
        Ok(lifecycle)
    }

    async fn instance(
        app: &Arc<App>,
        bind: SocketAddr,
        expiry_tick: Duration,
        demo_interval: Option<Duration>,
    ) -> Result<(Running, SocketAddr), DevServerError> {
        let (mut running, addr) = Running::launch(app.clone(), bind)
            .await
            .map_err(|source| DevServerError::Bind { addr: bind, source })?;
        running.attach_job(tokio::spawn(crate::expiry::run(app.clone(), expiry_tick)));
        if let Some(interval) = demo_interval {
            running.attach_job(tokio::spawn(crate::demo::run(app.clone(), interval)));
        }
        Ok((running, addr))
    }

    /// Starts listening again on the same address; a no-op while running.
    pub(crate) async fn start(&self) -> Result<(), DevServerError> {
        let mut running = self.running.lock().await;
        if running.is_none() {
            let (instance, _) =
                Self::instance(&self.app, self.addr, self.expiry_tick, self.demo_interval).await?;
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
