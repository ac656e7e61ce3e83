//! The agent API's routes (API key): what a watch-only client reads, and what tests
//! post as an agent.

use reqwest::Method;
use serde_json::{json, Value};

use super::wire::{decode_each, seg};
use super::{Body, RestClient};
use crate::error::ApiError;
use crate::protocol::{Agent, AgentStatus, Message};

impl RestClient {
    /// Agents visible to the API key, each with its status (`status`, `statusMessage`,
    /// `statusSince`).
    pub async fn agent_agents(&self) -> Result<Vec<Agent>, ApiError> {
        let path = "api/v1/agents";
        let raw: Vec<Value> = self
            .call_json(Method::GET, path, self.url(path), Body::None)
            .await?;
        Ok(decode_each(raw, "agent"))
    }

    /// One message of one agent (API key); `404` when the agent deleted it.
    pub async fn agent_message(&self, id: &str, channel: &str) -> Result<Message, ApiError> {
        let mut url = self.url(&format!("api/v1/messages/{}", seg(id)));
        url.query_pairs_mut().append_pair("channel", channel);
        self.call_json(Method::GET, "api/v1/messages/:id", url, Body::None)
            .await
    }

    /// Pending reviews of one agent (API key).
    pub async fn agent_pending_reviews(&self, channel: &str) -> Result<Vec<Message>, ApiError> {
        let path = "api/v1/reviews/pending";
        let mut url = self.url(path);
        url.query_pairs_mut().append_pair("channel", channel);
        let raw: Vec<Value> = self.call_json(Method::GET, path, url, Body::None).await?;
        Ok(decode_each(raw, "review message"))
    }

    /// Posts a message as an agent (`POST /api/v1/messages`), as given.
    pub async fn agent_post_message(&self, body: &Value) -> Result<Message, ApiError> {
        let path = "api/v1/messages";
        self.call_json(Method::POST, path, self.url(path), Body::Json(body.clone()))
            .await
    }

    /// Reports an agent's status (`POST /api/v1/status/ping`).
    pub async fn agent_ping(
        &self,
        agent_id: &str,
        status: AgentStatus,
        message: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut body = json!({"agentId": agent_id, "status": status});
        if let Some(m) = message {
            body["message"] = Value::String(m.to_owned());
        }
        let path = "api/v1/status/ping";
        self.call(Method::POST, path, self.url(path), Body::Json(body))
            .await?;
        Ok(())
    }
}
