//! Interop with the official JavaScript client (`socket.io-client@4`), through
//! `tests/js/interop.mjs`.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{server_with_dev_routes, Api};

/// The official socket.io v4 client connects with a ticket, subscribes, receives
/// `message:created` once and `message:delivery` (after an ack and after a webhook),
/// `message:updated` from a PATCHed stream and `agent:status` after a ping, gets a
/// payload-less `pong`, sees `connect_error` "unauthorized" for a bad token, and
/// "io server disconnect" on kick.
#[tokio::test]
async fn official_js_client() {
    let js_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        js_dir.join("node_modules/socket.io-client").is_dir(),
        "socket.io-client is not installed: run `npm ci` in {}",
        js_dir.display()
    );
    let server = server_with_dev_routes().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(server.seed().admin()).await;
    let ticket = api.ticket(&jwt).await;

    let run = tokio::process::Command::new("node")
        .arg("interop.mjs")
        .current_dir(&js_dir)
        .env("BASE_URL", server.base_url())
        .env("TICKET", ticket)
        .env("JWT", &jwt)
        .env("CHANNEL_ID", &seed.deploy_bot().id)
        .env("API_KEY", &seed.admin().api_key)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the node script finishes within 60 s")
        .expect("node can be started (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "interop.mjs failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert_eq!(stdout.trim(), "ok", "script output");
}
