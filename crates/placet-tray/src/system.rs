//! Reconnect at once after the machine wakes up or the network comes back, instead of
//! waiting for the next ping or backoff step: logind's `PrepareForSleep(false)` and
//! NetworkManager's `StateChanged(CONNECTED_GLOBAL)` on the system bus. Without a system
//! bus (containers, tests) this does nothing; liveness pings still notice a dead link.

use std::sync::Arc;

use futures_util::StreamExt;

use placet_tray_core::Core;

/// NetworkManager's "connected, with global connectivity".
const NM_CONNECTED_GLOBAL: u32 = 70;

/// Follows sleep and network events for the process lifetime.
pub async fn follow(core: Arc<Core>) {
    let connection = match zbus::Connection::system().await {
        Ok(c) => c,
        Err(e) => {
            tracing::debug!(error = %e, "no system bus: no sleep or network events");
            return;
        }
    };
    let login = zbus::proxy::Builder::<zbus::Proxy<'static>>::new(&connection)
        .destination("org.freedesktop.login1")
        .path("/org/freedesktop/login1")
        .interface("org.freedesktop.login1.Manager")
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()
        .await;
    let network = zbus::proxy::Builder::<zbus::Proxy<'static>>::new(&connection)
        .destination("org.freedesktop.NetworkManager")
        .path("/org/freedesktop/NetworkManager")
        .interface("org.freedesktop.NetworkManager")
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()
        .await;
    let mut sleep = match &login {
        Ok(p) => p.receive_signal("PrepareForSleep").await.ok(),
        Err(_) => None,
    };
    let mut state = match &network {
        Ok(p) => p.receive_signal("StateChanged").await.ok(),
        Err(_) => None,
    };
    loop {
        tokio::select! {
            Some(m) = async { sleep.as_mut()?.next().await }, if sleep.is_some() => {
                if let Ok(false) = m.body().deserialize::<bool>() {
                    tracing::info!("resumed from sleep: reconnecting");
                    for live in core.lives() {
                        live.reconnect_now();
                    }
                }
            }
            Some(m) = async { state.as_mut()?.next().await }, if state.is_some() => {
                if let Ok(NM_CONNECTED_GLOBAL) = m.body().deserialize::<u32>() {
                    for live in core.lives().iter().filter(|l| !l.state().is_connected()) {
                        tracing::info!("network is back: reconnecting");
                        live.reconnect_now();
                    }
                }
            }
            else => return,
        }
    }
}
