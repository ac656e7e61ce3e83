//! Agent status rows: the seed's and the demo agent's pings.

use std::time::Duration;

use placet_devserver::DevServerConfig;
use serde_json::Value;

use crate::support::{server, server_with, Api, TestSocket};

/// Seeded agents are as the real seed leaves them: `offline`, no status message, no
/// `statusSince`, `lastActiveAt` set; the seed itself emits nothing.
#[tokio::test]
async fn seeded_agents_start_offline() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let (_, agents) = api.get("/api/agents", &jwt).await;
    for agent in agents.as_array().unwrap() {
        assert_eq!(agent["status"], "offline", "{}", agent["name"]);
        assert_eq!(agent["statusMessage"], Value::Null, "no message");
        assert_eq!(agent["statusSince"], Value::Null, "no statusSince");
        assert!(agent["lastActiveAt"].is_string(), "lastActiveAt set");
    }
}

/// The demo agent's pings go through the status route's code: each is an
/// `agent:status` to the owner with the stored row's fields.
#[tokio::test]
async fn demo_pings_emit_agent_status() {
    let server = server_with(DevServerConfig {
        demo_interval: Some(Duration::from_millis(100)),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let event = socket.expect("agent:status", |_| true).await;
    let (_, agents) = api.get("/api/agents", &jwt).await;
    let agent = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == event["agentId"])
        .expect("a seeded agent");
    assert!(
        event["statusSince"].is_string(),
        "statusSince set on a change"
    );
    assert_eq!(
        agent["statusSince"], event["statusSince"],
        "the event mirrors the row"
    );
    assert_ne!(agent["status"], "offline", "status moved");
}
