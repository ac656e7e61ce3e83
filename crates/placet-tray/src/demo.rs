//! Demo mode: an embedded Placet dev server on loopback with a demo agent that posts a
//! review of each type in turn, and the tray signed in to it for this run only (the
//! keychain is left alone). Built only with the `demo` feature (on for `scripts/run`,
//! off in packages).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig, Layout};
use placet_tray_core::app::Addresses;
use placet_tray_core::ipc::Ctx;
use placet_tray_core::Persist;

/// Starts the embedded server (`port` 0 picks a free one; with `split`, the web UI's
/// port, the backend on another, as upstream's docker-compose lays them out) and signs
/// in to it through the address a person would type; the server is kept in `slot` for
/// the run. Says what went wrong and quits on failure.
pub async fn start(
    ctx: &Ctx,
    slot: &Arc<Mutex<Option<DevServer>>>,
    interval: u64,
    port: u16,
    split: bool,
) {
    let (bind, layout) = if split {
        (
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Layout::split_loopback(port),
        )
    } else {
        (SocketAddr::from(([127, 0, 0, 1], port)), Layout::OneOrigin)
    };
    let server = match DevServer::start(DevServerConfig {
        bind,
        layout,
        expiry_tick: Duration::from_secs(5),
        demo_interval: Some(Duration::from_secs(interval.max(1))),
        ..Default::default()
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "demo server");
            eprintln!("error: cannot start the demo server: {e}");
            ctx.tray.quit();
            return;
        }
    };
    let admin = server.seed().admin().clone();
    if split {
        println!(
            "Placet Tray demo: web UI {}, backend (REST and Socket.IO) {} — sign in at the web address as {} / {} (API key {}).",
            server.web_url(),
            server.api_url(),
            admin.email,
            admin.password,
            admin.api_key
        );
    } else {
        println!(
            "Placet Tray demo: server {} — sign in as {} / {} (API key {}).",
            server.web_url(),
            admin.email,
            admin.password,
            admin.api_key
        );
    }
    println!(
        "A demo agent posts a review every {} s. Look for the tray icon.",
        interval.max(1)
    );
    let web = match placet_client::ServerUrl::parse(&server.web_url()) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "demo server URL");
            return;
        }
    };
    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(server);
    let addresses = match Addresses::find(web, None, false).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "demo server's live connection");
            return;
        }
    };
    if let Err(e) = ctx
        .core
        .sign_in(
            addresses,
            &admin.email,
            &placet_client::Secret::new(admin.password),
            Persist::ThisRunOnly,
        )
        .await
    {
        tracing::error!(error = %e, "demo sign-in");
    }
}
