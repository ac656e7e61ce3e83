//! The other side of a [`World`]: agents posting reviews and reporting their status through
//! the server's HTTP API, another client of the person's answering, and what the server
//! recorded.

use std::future::Future;

use chrono::{DateTime, Utc};
use placet_devserver::RecordedRespond;
use serde_json::{json, Value};

use super::{World, CEILING};
use crate::wait_seeing;

impl World {
    /// The admin's API key (its agents post with it).
    pub fn api_key(&self) -> String {
        self.server.seed().admin().api_key.clone()
    }

    /// The id (and channel) of the admin's first agent, Deploy Bot.
    pub fn deploy_bot(&self) -> String {
        self.server.seed().deploy_bot().id.clone()
    }

    /// The id of a seeded agent by name.
    pub fn agent(&self, name: &str) -> String {
        self.server
            .seed()
            .agent(name)
            .unwrap_or_else(|| panic!("no seeded agent {name}"))
            .id
            .clone()
    }

    /// Posts `body` as an agent (`POST /api/v1/messages` with the admin's API key);
    /// returns the message's id.
    ///
    /// Returns once the clock has passed the message's time: timestamps have millisecond
    /// precision, so a message posted next is unambiguously newer.
    pub async fn post(&self, body: Value) -> String {
        let (status, message) = self.server.post_agent_message(&self.api_key(), body).await;
        assert_eq!(status.as_u16(), 201, "posting a message: {message}");
        let created = message["createdAt"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .unwrap_or_else(|| panic!("a message with its time: {message}"))
            .with_timezone(&Utc);
        wait_seeing(
            format!("the clock to pass {created} (the message's time)"),
            CEILING,
            || async move {
                let now = Utc::now();
                if now.timestamp_millis() > created.timestamp_millis() {
                    Ok(())
                } else {
                    Err(format!("now {now}"))
                }
            },
        )
        .await;
        message["id"].as_str().expect("a message id").to_owned()
    }

    /// Posts a review from the agent whose channel is `channel`; returns its id.
    pub async fn post_review_to(&self, channel: &str, text: &str, review: Value) -> String {
        self.post(json!({ "channelId": channel, "text": text, "review": review }))
            .await
    }

    /// Posts a review from Deploy Bot; returns its id.
    pub async fn post_review(&self, text: &str, review: Value) -> String {
        self.post_review_to(&self.deploy_bot(), text, review).await
    }

    /// The message of an approval from Deploy Bot with a primary "Approve", a danger
    /// "Reject" and room for a comment, expiring in an hour.
    pub fn approval_body(&self, text: &str) -> Value {
        json!({
            "channelId": self.deploy_bot(),
            "text": text,
            "review": {
                "type": "approval",
                "payload": {"options": [
                    {"id": "approve", "label": "Approve", "style": "primary"},
                    {"id": "reject", "label": "Reject", "style": "danger"}
                ], "allowComment": true},
                "expiresInSeconds": 3600
            }
        })
    }

    /// Posts [`approval_body`](Self::approval_body); returns its id.
    pub async fn approval(&self, text: &str) -> String {
        self.post(self.approval_body(text)).await
    }

    /// Reports an agent's status (`POST /api/v1/status/ping`): `busy`, `error`…
    pub async fn ping_status(&self, agent: &str, status: &str, message: &str) {
        let (code, body) = self
            .server
            .ping_status(
                &self.api_key(),
                json!({ "agentId": agent, "status": status, "message": message }),
            )
            .await;
        assert_eq!(code.as_u16(), 201, "reporting {agent}'s status: {body}");
    }

    /// Creates an agent through `POST /api/v1/agents`; returns its id.
    pub async fn create_agent(&self, name: &str) -> String {
        let reply = reqwest::Client::new()
            .post(format!("{}/api/v1/agents", self.url()))
            .header("x-api-key", self.api_key())
            .json(&json!({ "name": name }))
            .send()
            .await
            .expect("POST /api/v1/agents");
        let status = reply.status().as_u16();
        let body: Value = reply.json().await.expect("an agent");
        assert_eq!(status, 201, "creating agent {name:?}: {body}");
        body["id"].as_str().expect("an agent id").to_owned()
    }

    /// Deletes a message as its agent would (`DELETE /api/v1/messages/:id`); the server
    /// tells no client.
    pub async fn delete_as_agent(&self, id: &str, channel: &str) {
        let request = reqwest::Client::new()
            .delete(format!("{}/api/v1/messages/{id}", self.url()))
            .query(&[("channel", channel)]);
        self.as_agent(request, &format!("deleting {id} as the agent"))
            .await;
    }

    /// Acknowledges a message as its agent would (`POST /api/v1/messages/:id/ack`): the
    /// server reports `agent_received` to the subscribers.
    pub async fn ack_as_agent(&self, id: &str, channel: &str) {
        let request = reqwest::Client::new()
            .post(format!("{}/api/v1/messages/{id}/ack", self.url()))
            .query(&[("channel", channel)])
            .json(&json!({}));
        self.as_agent(request, &format!("acknowledging {id} as the agent"))
            .await;
    }

    /// Writes more of Deploy Bot's streaming draft `stream_id` as its agent would
    /// (`PATCH /api/v1/messages/streams/:id`); `complete` ends it.
    pub async fn update_stream(&self, stream_id: &str, text: &str, complete: bool) {
        let channel = self.deploy_bot();
        let request = reqwest::Client::new()
            .patch(format!(
                "{}/api/v1/messages/streams/{stream_id}",
                self.url()
            ))
            .query(&[("channel", channel.as_str())])
            .json(&json!({"channelId": channel, "text": text, "complete": complete}));
        self.as_agent(request, &format!("writing the draft {stream_id}"))
            .await;
    }

    /// The newest messages in `channel` as its agent reads them (`GET /api/v1/messages`
    /// with the admin's API key), newest first.
    pub async fn agent_messages(&self, channel: &str) -> Vec<Value> {
        let reply = reqwest::Client::new()
            .get(format!("{}/api/v1/messages", self.url()))
            .query(&[("channel", channel), ("limit", "100")])
            .header("x-api-key", self.api_key())
            .send()
            .await
            .expect("the agent reads its messages");
        let page: Value = reply.json().await.expect("a page of messages");
        page["data"].as_array().cloned().unwrap_or_default()
    }

    /// The person's messages in `channel` that say `text`, as the agent reads them.
    pub async fn messages_from_person(&self, channel: &str, text: &str) -> Vec<Value> {
        self.agent_messages(channel)
            .await
            .into_iter()
            .filter(|m| m["senderType"] == "user" && m["text"] == text)
            .collect()
    }

    /// Sends `request` with the admin's API key and asserts 200 OK.
    async fn as_agent(&self, request: reqwest::RequestBuilder, what: &str) {
        let reply = request
            .header("x-api-key", self.api_key())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = reply.status().as_u16();
        let body = reply.text().await.unwrap_or_default();
        assert_eq!(status, 200, "{what}: {body}");
    }

    /// Answers the review `id` with `response` (and `feedback`) as another client of the
    /// admin would (Placet's web app): its own sign-in, then the REST API.
    pub async fn answer_elsewhere(&self, id: &str, response: Value, feedback: Option<&str>) {
        use placet_client::{Credential, RestClient, Secret, ServerUrl, ValidResponse};
        let rest = RestClient::new(ServerUrl::parse(&self.url()).expect("a server URL"));
        let admin = self.server.seed().admin();
        let (_, token) = rest
            .login(&admin.email, &Secret::new(admin.password.clone()))
            .await
            .expect("another client signs in");
        let response =
            ValidResponse::from_stored(response.as_object().cloned().expect("a response object"));
        rest.authenticated(Credential::Jwt(token))
            .respond(id, &response, feedback)
            .await
            .expect("another client answers");
    }

    /// The bodies of every respond request the server recorded for `id`, oldest first.
    pub fn responses(&self, id: &str) -> Vec<Value> {
        self.server
            .controls()
            .responses_for(id)
            .into_iter()
            .map(|r| r.body)
            .collect()
    }

    /// Waits for the first respond request for `id` and returns its body.
    #[track_caller]
    pub fn wait_response<'a>(&'a self, id: &'a str) -> impl Future<Output = Value> + 'a {
        let controls = self.server.controls();
        wait_seeing(
            format!("an answer to {id} at the server"),
            CEILING,
            move || {
                let first = controls.responses_for(id).into_iter().next();
                let seen = format!("answers to others: {:?}", controls.responses());
                async move { first.map(|r| r.body).ok_or(seen) }
            },
        )
    }

    /// Waits until the server recorded `n` respond requests for `id`; returns them.
    #[track_caller]
    pub fn wait_responses<'a>(
        &'a self,
        id: &'a str,
        n: usize,
    ) -> impl Future<Output = Vec<RecordedRespond>> + 'a {
        let controls = self.server.controls();
        wait_seeing(
            format!("{n} respond request(s) for {id}"),
            CEILING,
            move || {
                let recorded = controls.responses_for(id);
                async move {
                    if recorded.len() >= n {
                        Ok(recorded)
                    } else {
                        Err(format!("{recorded:?}"))
                    }
                }
            },
        )
    }
}
