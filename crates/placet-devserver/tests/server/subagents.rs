//! Sub-agents: `isSubagent` and `parentAgentId` on every agent payload, the seeded
//! sub-agent, and `POST /api/v1/agents/setSubagent`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{approval, server, Api};

/// The agent with this id in a list.
fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("agent {id} in {list}"))
}

/// The seed has one sub-agent under Deploy Bot, and both agent lists (human and agent
/// API), the message's `agent` and `review:responded`'s raw agent carry `isSubagent`
/// and `parentAgentId`.
#[tokio::test]
async fn seeded_subagent_in_every_agent_payload() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let parent = seed.deploy_bot();
    let subs = seed.subagents_of(&parent.id);
    assert_eq!(subs.len(), 1, "one seeded sub-agent");
    let sub = subs[0];
    assert_eq!(sub.owner_id, seed.admin().id, "the admin's");
    let jwt = api.login_user(seed.admin()).await;
    let key = &seed.admin().api_key;

    let (_, human) = api.get("/api/agents", &jwt).await;
    let (_, agent_api) = api.agent_get("/api/v1/agents", key).await;
    for (what, list) in [
        ("GET /api/agents", &human),
        ("GET /api/v1/agents", &agent_api),
    ] {
        let entry = find(list, &sub.id);
        assert_eq!(
            (entry["isSubagent"].clone(), entry["parentAgentId"].clone()),
            (json!(true), json!(parent.id)),
            "{what}: the sub-agent"
        );
        let main = find(list, &parent.id);
        assert_eq!(
            (main["isSubagent"].clone(), main["parentAgentId"].clone()),
            (json!(false), Value::Null),
            "{what}: a main agent"
        );
    }
    let review = api.post_message(key, approval(&sub.id)).await;
    let (_, one) = api
        .get(
            &format!("/api/messages/{}", review["id"].as_str().unwrap()),
            &jwt,
        )
        .await;
    assert_eq!(
        (
            one["agent"]["isSubagent"].clone(),
            one["agent"]["parentAgentId"].clone()
        ),
        (json!(true), json!(parent.id)),
        "the message's agent"
    );
}

/// `setSubagent` answers 200 with the masked agent; it promotes a sub-agent back and
/// files an agent under another; a sub-agent without a parent, a main agent with one and
/// a channel that is its own parent fail validation; another user's channel or parent
/// is 404 "Agent not found"; a parent chain that comes back is 400.
#[tokio::test]
async fn set_subagent() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let deploy = &seed.deploy_bot().id;
    let research = &seed.agent("Research Assistant").unwrap().id;
    let pipeline = &seed.agent("Data Pipeline").unwrap().id;
    let canary = &seed.subagents_of(deploy)[0].id;
    let set = |body: Value| api.agent_post("/api/v1/agents/setSubagent", key, body);

    let (status, agent) = set(json!({ "channelId": canary, "isSubagent": false })).await;
    assert_eq!(status, StatusCode::OK, "promoted: {agent}");
    assert_eq!(
        (agent["isSubagent"].clone(), agent["parentAgentId"].clone()),
        (json!(false), Value::Null),
        "back to a main agent"
    );
    assert_eq!(agent["managementApiKey"], Value::Null, "the masked shape");
    let (status, agent) = set(json!({
        "channelId": research, "isSubagent": true, "parentChannelId": pipeline
    }))
    .await;
    assert_eq!(
        (status, agent["parentAgentId"].clone()),
        (StatusCode::OK, json!(pipeline)),
        "filed under Data Pipeline"
    );

    for (body, why) in [
        (
            json!({ "channelId": deploy, "isSubagent": true }),
            "a sub-agent needs a parent",
        ),
        (
            json!({ "channelId": deploy, "isSubagent": false, "parentChannelId": pipeline }),
            "a main agent has none",
        ),
        (
            json!({ "channelId": deploy, "isSubagent": true, "parentChannelId": deploy }),
            "not its own parent",
        ),
        (json!({ "channelId": deploy }), "isSubagent is required"),
    ] {
        let (status, body) = set(body).await;
        assert_eq!(
            (status, body["message"].clone()),
            (StatusCode::BAD_REQUEST, json!("Validation failed")),
            "{why}"
        );
    }
    let others = &seed.others_agent().id;
    for body in [
        json!({ "channelId": others, "isSubagent": false }),
        json!({ "channelId": deploy, "isSubagent": true, "parentChannelId": others }),
    ] {
        let (status, reply) = set(body.clone()).await;
        assert_eq!(
            (status, reply["message"].clone()),
            (StatusCode::NOT_FOUND, json!("Agent not found")),
            "another user's agent: {body}"
        );
    }
    let (status, body) = set(json!({
        "channelId": pipeline, "isSubagent": true, "parentChannelId": research
    }))
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("Sub-agent parent chain would cycle through this channel")
        ),
        "no cycles"
    );
}
