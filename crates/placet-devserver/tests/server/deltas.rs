//! Streaming volume: `message:delta` is relayed as it comes, with no cost that grows
//! with the stream. Driven by the official JavaScript client (`tests/js/deltas.mjs`),
//! which reads ten thousand events far faster than the Rust test client can.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{server, Api};

/// Ten thousand deltas from an agent socket reach a subscribed viewer, all of them and
/// in order, and the second five thousand take about as long as the first.
#[tokio::test]
async fn ten_thousand_deltas_in_order() {
    let js_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        js_dir.join("node_modules/socket.io-client").is_dir(),
        "socket.io-client is not installed: run `npm ci` in {}",
        js_dir.display()
    );
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let ticket = api.ticket(&api.login_user(seed.admin()).await).await;
    let run = tokio::process::Command::new("node")
        .arg("deltas.mjs")
        .current_dir(&js_dir)
        .env("BASE_URL", server.api_url())
        .env("TICKET", ticket)
        .env("CHANNEL_ID", &seed.deploy_bot().id)
        .env("API_KEY", &seed.admin().api_key)
        .env("COUNT", "10000")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(150), run)
        .await
        .expect("the node script finishes within 150 s")
        .expect("node can be started (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "deltas.mjs failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let halves: Vec<u64> = stdout
        .trim()
        .strip_prefix("ok ")
        .expect("ok line")
        .split(' ')
        .map(|ms| ms.parse().expect("milliseconds"))
        .collect();
    assert!(
        halves[1] <= halves[0] * 3 + 2000,
        "the second half is not much slower than the first: {halves:?} ms"
    );
}
