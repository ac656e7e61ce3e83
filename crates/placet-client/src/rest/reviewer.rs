//! The person's routes (JWT): agents, reviews and messages, answers, delivery retries,
//! stored files.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::multipart::Form;
use super::wire::{decode_each, seg};
use super::{Body, MessagePage, RestClient, ReviewFilter};
use crate::answer::ValidResponse;
use crate::error::ApiError;
use crate::protocol::{Agent, Message, SenderType};

/// What an answer carries beside its response (the respond body's other fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RespondOptions {
    /// A note to the agent (`feedback`), sent when not blank; the next iteration of
    /// the review shows it.
    pub feedback: Option<String>,
    /// Attachments the person replaced (`modifiedFileIds`): original attachment id to
    /// the id [`RestClient::store_file`] gave the new file, such as an annotated image.
    /// Sent when not empty.
    pub modified_file_ids: BTreeMap<String, String>,
}

impl RestClient {
    /// The user's agents, newest first. Malformed entries are logged and skipped.
    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        let raw: Vec<Value> = self
            .call_json(
                Method::GET,
                "api/agents",
                self.url("api/agents"),
                Body::None,
            )
            .await?;
        Ok(decode_each(raw, "agent"))
    }

    /// Pending reviews across all the user's agents, newest first.
    pub async fn pending_reviews(&self) -> Result<Vec<Message>, ApiError> {
        self.reviews(ReviewFilter::Pending, None).await
    }

    /// Reviews by status (always sends `status`, since the server's default is "all").
    pub async fn reviews(
        &self,
        status: ReviewFilter,
        channel: Option<&str>,
    ) -> Result<Vec<Message>, ApiError> {
        let path = "api/messages/reviews";
        let mut url = self.url(path);
        url.query_pairs_mut().append_pair("status", status.as_str());
        if let Some(c) = channel {
            url.query_pairs_mut().append_pair("channel", c);
        }
        let raw: Vec<Value> = self.call_json(Method::GET, path, url, Body::None).await?;
        Ok(decode_each(raw, "review message"))
    }

    /// One message, with its attachments.
    pub async fn message(&self, id: &str) -> Result<Message, ApiError> {
        let url = self.url(&format!("api/messages/{}", seg(id)));
        self.call_json(Method::GET, "api/messages/:id", url, Body::None)
            .await
    }

    /// A page of a channel's messages, newest first (`limit` at most 100).
    pub async fn messages(
        &self,
        channel: &str,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<MessagePage, ApiError> {
        let path = "api/messages";
        let mut url = self.url(path);
        url.query_pairs_mut()
            .append_pair("channel", channel)
            .append_pair("limit", &limit.clamp(1, 100).to_string());
        if let Some(c) = cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        self.call_json(Method::GET, path, url, Body::None).await
    }

    /// Posts the person's chat message to an agent (`POST /api/messages`), with
    /// `client_id` stored beside it. The server does not look `clientId` up (only the
    /// agents' route does), so a second post is a second message:
    /// [`RestClient::sent_message`] tells whether an unconfirmed post arrived.
    ///
    /// `text` may be empty when `attachment_ids` (files stored in the channel with
    /// [`RestClient::store_file`]) are not; the server links them to the message.
    pub async fn send_message(
        &self,
        channel: &str,
        text: &str,
        attachment_ids: &[String],
        client_id: &str,
    ) -> Result<Message, ApiError> {
        let path = "api/messages";
        let mut body = json!({ "channelId": channel, "clientId": client_id });
        if !text.is_empty() {
            body["text"] = Value::String(text.to_owned());
        }
        if !attachment_ids.is_empty() {
            body["attachmentIds"] = json!(attachment_ids);
        }
        self.call_json(Method::POST, path, self.url(path), Body::Json(body))
            .await
    }

    /// The person's message with this `clientId` among a channel's messages newer than
    /// `since` (newest first, a page of 100 at a time, at most `max_pages`), if the
    /// server has it.
    pub async fn sent_message(
        &self,
        channel: &str,
        client_id: &str,
        since: chrono::DateTime<chrono::Utc>,
        max_pages: u32,
    ) -> Result<Option<Message>, ApiError> {
        let mut cursor: Option<String> = None;
        for _ in 0..max_pages.max(1) {
            let page = self.messages(channel, 100, cursor.as_deref()).await?;
            let older = page.data.iter().any(|m| m.created_at < since);
            if let Some(found) = page.data.into_iter().find(|m| {
                m.sender_type == SenderType::User && m.client_id.as_deref() == Some(client_id)
            }) {
                return Ok(Some(found));
            }
            match page.next_cursor {
                Some(next) if !older => cursor = Some(next),
                _ => return Ok(None),
            }
        }
        Ok(None)
    }

    /// The rounds of an iteration chain, oldest first.
    pub async fn iterations(
        &self,
        message_id: &str,
        channel: &str,
    ) -> Result<Vec<Message>, ApiError> {
        #[derive(Deserialize)]
        struct Chain {
            iterations: Vec<Value>,
        }
        let mut url = self.url(&format!("api/messages/{}/iterations", seg(message_id)));
        url.query_pairs_mut().append_pair("channel", channel);
        let chain: Chain = self
            .call_json(Method::GET, "api/messages/:id/iterations", url, Body::None)
            .await?;
        Ok(decode_each(chain.iterations, "iteration"))
    }

    /// Answers a review. `201` gives the updated message; a review that is no longer
    /// pending gives [`ApiError::AlreadyResponded`].
    pub async fn respond(
        &self,
        message_id: &str,
        response: &ValidResponse,
        feedback: Option<&str>,
    ) -> Result<Message, ApiError> {
        let options = RespondOptions {
            feedback: feedback.map(str::to_owned),
            ..RespondOptions::default()
        };
        self.respond_with(message_id, response, &options).await
    }

    /// Answers a review with feedback and replaced attachments
    /// ([`RespondOptions`]); otherwise as [`RestClient::respond`].
    pub async fn respond_with(
        &self,
        message_id: &str,
        response: &ValidResponse,
        options: &RespondOptions,
    ) -> Result<Message, ApiError> {
        let mut body = json!({ "response": response.to_value() });
        if let Some(f) = options.feedback.as_deref().filter(|f| !f.trim().is_empty()) {
            body["feedback"] = Value::String(f.to_owned());
        }
        if !options.modified_file_ids.is_empty() {
            body["modifiedFileIds"] = json!(options.modified_file_ids);
        }
        let url = self.url(&format!("api/messages/{}/respond", seg(message_id)));
        self.call_json(
            Method::POST,
            "api/messages/:id/respond",
            url,
            Body::Json(body),
        )
        .await
    }

    /// Sends a message's webhook again (`POST /api/messages/:id/retry`): the answer to
    /// a completed review, or a person's message, whose delivery failed (the web UI's
    /// **Retry** next to "Webhook delivery failed"). The new delivery status arrives as
    /// `message:delivery`. The server's refusals keep its words: 400 ("No webhook
    /// configured for this message", "Cannot retry delivery for this message", ...) is
    /// [`ApiError::BadRequest`], 403 [`ApiError::Forbidden`], 404 [`ApiError::NotFound`].
    pub async fn retry_delivery(&self, message_id: &str) -> Result<(), ApiError> {
        #[derive(Deserialize)]
        struct Retried {
            retried: bool,
        }
        let url = self.url(&format!("api/messages/{}/retry", seg(message_id)));
        let answer: Retried = self
            .call_json(Method::POST, "api/messages/:id/retry", url, Body::None)
            .await?;
        if answer.retried {
            Ok(())
        } else {
            Err(ApiError::Decode {
                message: "the server did not retry the delivery".to_owned(),
            })
        }
    }

    /// Stores a file in an agent's channel without a message (`POST /api/files/store`,
    /// multipart `channelId` then `file`), as the web UI stores an annotated image.
    /// Returns the new attachment's id, to name in
    /// [`RespondOptions::modified_file_ids`].
    pub async fn store_file(
        &self,
        channel_id: &str,
        file_name: &str,
        mime_type: &str,
        bytes: &[u8],
    ) -> Result<String, ApiError> {
        #[derive(Deserialize)]
        struct Stored {
            id: String,
        }
        let mut form = Form::new();
        // The server reads the fields sent before the file only.
        form.text("channelId", channel_id);
        form.file("file", file_name, mime_type, bytes);
        let stored: Stored = self
            .call_json(
                Method::POST,
                "api/files/store",
                self.url("api/files/store"),
                Body::Multipart(form),
            )
            .await?;
        Ok(stored.id)
    }

    /// Marks an agent's channel as read.
    pub async fn mark_read(&self, agent_id: &str) -> Result<(), ApiError> {
        let url = self.url(&format!("api/agents/{}/read", seg(agent_id)));
        self.call(Method::POST, "api/agents/:id/read", url, Body::None)
            .await?;
        Ok(())
    }
}
