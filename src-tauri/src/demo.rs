//! Demo mode: an embedded Placet dev server on loopback with a demo agent that posts a
//! review of each type in turn, and the tray signed in to it for this run only (the
//! keychain is left alone).

use std::net::SocketAddr;
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig};

/// Starts the embedded server. `port` 0 picks a free port.
pub async fn start_server(interval: Duration, port: u16) -> Result<DevServer, String> {
    let server = DevServer::start(DevServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], port)),
        expiry_tick: Duration::from_secs(5),
        demo_interval: Some(interval),
        ..Default::default()
    })
    .await
    .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let admin = server.seed().admin();
    println!(
        "Placet Tray demo: server {} — sign in as {} / {} (API key {}).",
        server.base_url(),
        admin.email,
        admin.password,
        admin.api_key
    );
    println!(
        "A demo agent posts a review every {} s. Look for the tray icon.",
        interval.as_secs()
    );
    Ok(server)
}
