//! Outgoing webhooks and the `message:delivery` events that follow them, as
//! `webhooks.service.ts` (apps/backend/src/modules/webhooks/) sends them and
//! `messages.service.ts` (apps/backend/src/modules/messages/) tracks them.
//!
//! Which targets are called is the dev server's own rule ([`Webhooks`]): where the real
//! server refuses a URL its `validateUrl` throws before the send, and so does this one.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::config::Webhooks;
use crate::error::ApiError;
use crate::model::{AgentRow, MessageRow};
use crate::state::events::channel_room;
use crate::state::App;
use crate::util::{now_iso, truthy};
use crate::wire::{agent_raw, message_json};

/// `AbortSignal.timeout(10000)`.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how one webhook is sent (`WebhookCallback`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Callback {
    url: String,
    method: String,
    /// Sent after `Content-Type` and `Authorization`, so they override both.
    headers: Vec<(String, String)>,
    basic_auth: Option<(String, String)>,
}

/// What became of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The receiver answered 2xx.
    Delivered,
    /// Another status, a network error or the 10 s timeout.
    Failed,
    /// The URL was refused before sending (the real server's `validateUrl` throws).
    Refused(String),
}

/// `buildAgentWebhook`: the agent's webhook (or `url_override`) with the agent's
/// headers and, when both `username` and `password` are set, its basic auth.
pub(crate) fn agent_callback(agent: &AgentRow, url_override: Option<&str>) -> Option<Callback> {
    let url = url_override
        .or(agent.webhook_url.as_deref())
        .filter(|u| !u.is_empty())?;
    let basic_auth = agent.webhook_auth.as_ref().and_then(|auth| {
        let field = |k: &str| auth.get(k).filter(|v| truthy(v)).and_then(Value::as_str);
        Some((field("username")?.to_owned(), field("password")?.to_owned()))
    });
    Some(Callback {
        url: url.to_owned(),
        method: "POST".to_owned(),
        headers: string_pairs(agent.webhook_headers.as_ref()),
        basic_auth,
    })
}

/// The callback of a review event: the message's `metadata.webhookUrl` (with the
/// agent's headers and auth), else the agent's webhook, else the legacy
/// `review.callback` (`respondToReview`, `handleReviewExpiry`).
pub(crate) fn review_callback(
    agent: &AgentRow,
    message: &MessageRow,
    review: &Map<String, Value>,
) -> Option<Callback> {
    let message_url = message
        .metadata
        .as_ref()
        .and_then(|m| m.get("webhookUrl"))
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    if let Some(url) = message_url {
        return agent_callback(agent, Some(url));
    }
    agent_callback(agent, None).or_else(|| {
        let cb = review.get("callback")?.as_object()?;
        Some(Callback {
            url: cb.get("url")?.as_str()?.to_owned(),
            method: cb
                .get("method")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .unwrap_or("POST")
                .to_owned(),
            headers: string_pairs(cb.get("headers")),
            basic_auth: None,
        })
    })
}

fn string_pairs(map: Option<&Value>) -> Vec<(String, String)> {
    map.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether this server may call `url`, or why not.
fn allowed(policy: Webhooks, url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|_| format!("Invalid webhook URL: {url}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "Webhook URL must use http or https (got {}:)",
            parsed.scheme()
        ));
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match policy {
        Webhooks::LoopbackOnly if loopback => Ok(parsed),
        Webhooks::LoopbackOnly => {
            Err("The dev server sends webhooks to loopback receivers only".to_owned())
        }
        Webhooks::Off => Err("Webhooks are off on this dev server".to_owned()),
    }
}

/// Sends one webhook: `Content-Type: application/json`, basic auth, then the custom
/// headers; success is any 2xx.
pub(crate) async fn dispatch(app: &App, callback: &Callback, payload: &Value) -> Outcome {
    let url = match allowed(app.options.webhooks, &callback.url) {
        Ok(url) => url,
        Err(why) => {
            tracing::debug!(url = %callback.url, %why, "webhook refused");
            return Outcome::Refused(why);
        }
    };
    let method = reqwest::Method::from_bytes(callback.method.to_ascii_uppercase().as_bytes())
        .unwrap_or(reqwest::Method::POST);
    let mut request = app
        .http
        .request(method, url)
        .timeout(TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/json");
    if let Some((user, password)) = &callback.basic_auth {
        request = request.basic_auth(user, Some(password));
    }
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &callback.headers {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    let request = request.headers(headers).body(payload.to_string());
    match request.send().await {
        Ok(response) if response.status().is_success() => Outcome::Delivered,
        Ok(response) => {
            tracing::debug!(url = %callback.url, status = %response.status(), "webhook failed");
            Outcome::Failed
        }
        Err(e) => {
            tracing::debug!(url = %callback.url, error = %e, "webhook failed");
            Outcome::Failed
        }
    }
}

/// `dispatchAndTrackDelivery`: sends the webhook and records the outcome as the
/// message's `deliveryStatus`, announced by `message:delivery` to the channel room. A
/// refused URL changes nothing. Returns the outcome.
pub(crate) async fn dispatch_and_track(
    app: &App,
    message_id: &str,
    channel_id: &str,
    callback: &Callback,
    payload: &Value,
) -> Result<Outcome, ApiError> {
    let outcome = dispatch(app, callback, payload).await;
    let status = match outcome {
        Outcome::Delivered => "webhook_delivered",
        Outcome::Failed => "webhook_failed",
        Outcome::Refused(_) => return Ok(outcome),
    };
    app.store
        .set_delivery_status(message_id, status, &now_iso())?;
    app.events
        .emit(
            vec![channel_room(channel_id)],
            "message:delivery",
            &json!({ "messageId": message_id, "deliveryStatus": status }),
        )
        .await;
    Ok(outcome)
}

/// [`dispatch_and_track`] in the background, as the real server's `void` call: the
/// request that caused it has long been answered when the outcome is known. A refused
/// URL is settled before returning (the real server's check is synchronous too), so
/// nothing at all happens later.
pub(crate) fn spawn_tracked(
    app: &App,
    message_id: &str,
    channel_id: &str,
    callback: Callback,
    payload: Value,
) {
    if let Err(why) = allowed(app.options.webhooks, &callback.url) {
        tracing::debug!(url = %callback.url, %why, "webhook refused");
        return;
    }
    let Some(app) = app.handle() else { return };
    let (message_id, channel_id) = (message_id.to_owned(), channel_id.to_owned());
    tokio::spawn(async move {
        if let Err(e) =
            dispatch_and_track(&app, &message_id, &channel_id, &callback, &payload).await
        {
            tracing::error!(error = %e, "recording a webhook outcome failed");
        }
    });
}

/// Sends a webhook in the background without tracking it (the expiry webhook is
/// best-effort).
pub(crate) fn spawn_untracked(app: &App, callback: Callback, payload: Value) {
    if allowed(app.options.webhooks, &callback.url).is_err() {
        return;
    }
    let Some(app) = app.handle() else { return };
    tokio::spawn(async move {
        dispatch(&app, &callback, &payload).await;
    });
}

/// The `review:responded` webhook body. `modified_file_ids` and `feedback` are included
/// when given, the iteration fields only inside a chain.
pub(crate) fn review_responded(
    message: &MessageRow,
    review: &Map<String, Value>,
    modified_file_ids: Option<&Value>,
    feedback: Option<&Value>,
) -> Value {
    let field = |k: &str| review.get(k).cloned().unwrap_or(Value::Null);
    let mut body = Map::new();
    body.insert("event".into(), json!("review:responded"));
    body.insert("channelId".into(), json!(message.channel_id));
    body.insert("message_id".into(), json!(message.id));
    body.insert("review_type".into(), field("type"));
    body.insert("response".into(), field("response"));
    if let Some(m) = modified_file_ids {
        body.insert("modifiedFileIds".into(), m.clone());
    }
    if let Some(f) = feedback {
        body.insert("feedback".into(), f.clone());
    }
    body.insert("responded_at".into(), field("completedAt"));
    if let Some(group) = &message.iteration_group_id {
        body.insert("iterationGroupId".into(), json!(group));
        body.insert("iteration".into(), json!(message.iteration));
    }
    Value::Object(body)
}

/// `POST /api/messages/:id/retry` (`retryWebhookDelivery`): re-sends the
/// `review:responded` webhook of a completed review, or the `message:created` webhook
/// of a user message, and waits for the outcome. 200 `{"retried": true}` whatever the
/// receiver answered.
pub(crate) async fn retry(app: &App, user_id: &str, message_id: &str) -> Result<Value, ApiError> {
    let message = app
        .store
        .message(message_id)?
        .ok_or_else(|| ApiError::not_found("Message not found"))?;
    let agent = app
        .store
        .agent(&message.channel_id)?
        .filter(|a| a.owner_id == user_id)
        .ok_or_else(ApiError::not_your_agent)?;
    let (callback, payload) = match message.review.as_ref().and_then(Value::as_object) {
        Some(review) if message.review_status() == Some("completed") => (
            review_callback(&agent, &message, review)
                .ok_or_else(|| ApiError::bad_request("No webhook configured for this message"))?,
            // The stored fields, tested for truthiness only: an empty map still counts.
            review_responded(
                &message,
                review,
                review.get("modifiedFileIds").filter(|m| truthy(m)),
                review.get("feedback").filter(|f| truthy(f)),
            ),
        ),
        _ if message.sender_type == "user" => (
            agent_callback(&agent, None)
                .ok_or_else(|| ApiError::bad_request("No webhook configured for this agent"))?,
            json!({
                "event": "message:created",
                "channelId": message.channel_id,
                "message": row_with_agent(&message, &agent),
            }),
        ),
        _ => {
            return Err(ApiError::bad_request(
                "Cannot retry delivery for this message",
            ))
        }
    };
    match dispatch_and_track(app, &message.id, &message.channel_id, &callback, &payload).await? {
        Outcome::Refused(why) => Err(ApiError::bad_request(why)),
        Outcome::Delivered | Outcome::Failed => Ok(json!({ "retried": true })),
    }
}

/// The message as `retryWebhookDelivery` loaded it (`include: { agent: true }`): every
/// column and the raw agent row, and no attachments.
fn row_with_agent(message: &MessageRow, agent: &AgentRow) -> Value {
    let mut row = message_json(message, Vec::new());
    if let Some(obj) = row.as_object_mut() {
        obj.remove("attachments");
        obj.insert("agent".to_owned(), agent_raw(agent));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets() {
        for ok in [
            "http://127.0.0.1:9/hook",
            "http://localhost:1/x",
            "https://[::1]/x",
        ] {
            assert!(allowed(Webhooks::LoopbackOnly, ok).is_ok(), "{ok}");
            assert!(allowed(Webhooks::Off, ok).is_err(), "{ok} off");
        }
        for refused in [
            "https://hooks.example.com/placet",
            "http://10.0.0.1/x",
            "ftp://127.0.0.1/x",
            "not a url",
        ] {
            assert!(
                allowed(Webhooks::LoopbackOnly, refused).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn agent_callback_rules() {
        let mut agent = AgentRow::new("u", "A", "2025-01-01T00:00:00.000Z");
        assert_eq!(agent_callback(&agent, None), None, "no webhook");
        agent.webhook_url = Some("http://127.0.0.1:1/h".into());
        agent.webhook_auth = Some(json!({"username": "bot", "password": ""}));
        agent.webhook_headers = Some(json!({"X-Secret": "s"}));
        let cb = agent_callback(&agent, None).unwrap();
        assert_eq!(cb.basic_auth, None, "an empty password means no auth");
        assert_eq!(cb.headers, vec![("X-Secret".to_owned(), "s".to_owned())]);
        let cb = agent_callback(&agent, Some("http://127.0.0.1:2/m")).unwrap();
        assert_eq!(cb.url, "http://127.0.0.1:2/m", "message URL wins");
    }
}
