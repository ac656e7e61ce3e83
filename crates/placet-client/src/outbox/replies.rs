//! The person's messages to agents (replies), queued like answers: sealed in the same
//! database, keyed by server and account, sent by the same loop, kept across restarts
//! until the server has them.
//!
//! Each reply carries a `clientId` made when it is queued. The server stores it but,
//! unlike the agents' route, never looks it up (`createFromUser`): posting again after a
//! lost reply would post the message twice. So an attempt whose outcome is unknown (no
//! answer, a cut connection, `5xx`) marks the reply as possibly posted, and every later
//! attempt first looks for a message with its `clientId` among the agent's newest
//! ([`RestClient::sent_message`]); found, it is sent, and not posted again.
//!
//! - `201`, or found: sent; the reply leaves the queue.
//! - no answer, `5xx`, `429`: stays queued, retried with backoff.
//! - `401`: stays queued until the sign-in is renewed.
//! - `400`, `403 "Not your agent"`, `404`: failed for good, with the reason.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{parse_time, Outbox, StoreError};
use crate::error::ApiError;
use crate::rest::RestClient;

/// The table's name in a sealed row's identity.
const TABLE: &str = "replies";
/// How far back the look-up for an unconfirmed post goes, in pages of 100 messages.
const LOOKUP_PAGES: u32 = 5;
/// Slack for the server's clock when looking for a post by its time.
const CLOCK_SLACK: chrono::Duration = chrono::Duration::minutes(10);

/// Where a reply came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReplySource {
    /// The person typed it in a reply or conversation window.
    ReplyWindow,
    /// The person typed it into a notification (inline reply).
    NotificationReply,
    /// A program proposed it through the command line; the person confirmed it with a
    /// click in Placet Tray.
    CliConfirmedByClick,
}

impl ReplySource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplySource::ReplyWindow => "replyWindow",
            ReplySource::NotificationReply => "notificationReply",
            ReplySource::CliConfirmedByClick => "cliConfirmedByClick",
        }
    }
}

/// A reply to queue.
#[derive(Debug, Clone)]
pub struct NewReply<'a> {
    /// The agent's id (its channel).
    pub channel_id: &'a str,
    /// May be empty when there are attachments.
    pub text: &'a str,
    /// Files already stored in the agent's channel
    /// ([`RestClient::store_file`]), linked to the message when it is created.
    pub attachment_ids: &'a [String],
    pub source: ReplySource,
}

/// The sealed part of a queued reply.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SealedReply {
    text: String,
    #[serde(default)]
    attachment_ids: Vec<String>,
}

/// A reply waiting in the queue (its text stays sealed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedReply {
    pub client_id: String,
    pub channel_id: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub unreadable: bool,
}

/// How one attempt to deliver a reply ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ReplyDelivery {
    /// The server has it as `message_id`; `found` when an unconfirmed earlier post was
    /// found there (its reply was lost).
    Sent {
        client_id: String,
        channel_id: String,
        message_id: String,
        found: bool,
    },
    /// Not confirmed yet; it stays queued.
    WillRetry {
        client_id: String,
        channel_id: String,
        reason: String,
        at: DateTime<Utc>,
    },
    /// The sign-in was refused; it stays queued until it is renewed.
    AuthExpired { client_id: String },
    /// Refused for good; it left the queue.
    Failed {
        client_id: String,
        channel_id: String,
        reason: String,
    },
    /// It does not open with this key; kept, never sent.
    Unreadable { client_id: String },
}

impl ReplyDelivery {
    /// The reply this is about.
    pub fn client_id(&self) -> &str {
        match self {
            ReplyDelivery::Sent { client_id, .. }
            | ReplyDelivery::WillRetry { client_id, .. }
            | ReplyDelivery::AuthExpired { client_id }
            | ReplyDelivery::Failed { client_id, .. }
            | ReplyDelivery::Unreadable { client_id } => client_id,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ReplyDelivery::Sent { found: false, .. } => "sent",
            ReplyDelivery::Sent { found: true, .. } => "sent (found after a lost reply)",
            ReplyDelivery::WillRetry { .. } => "will retry",
            ReplyDelivery::AuthExpired { .. } => "auth expired",
            ReplyDelivery::Failed { .. } => "failed",
            ReplyDelivery::Unreadable { .. } => "unreadable",
        }
    }

    /// The agent it is for, where the outcome names it.
    pub fn channel_id(&self) -> Option<&str> {
        match self {
            ReplyDelivery::Sent { channel_id, .. }
            | ReplyDelivery::WillRetry { channel_id, .. }
            | ReplyDelivery::Failed { channel_id, .. } => Some(channel_id),
            ReplyDelivery::AuthExpired { .. } | ReplyDelivery::Unreadable { .. } => None,
        }
    }

    /// True when the reply left the queue.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            ReplyDelivery::Sent { .. } | ReplyDelivery::Failed { .. }
        )
    }
}

/// A reply this process is sending.
struct Claimed {
    id: i64,
    client_id: String,
    channel_id: String,
    reply: SealedReply,
    created_at: DateTime<Utc>,
    attempts: u32,
    maybe_posted: bool,
}

impl Outbox {
    /// Persists a reply with a new `clientId` (returned) and wakes the sender.
    pub fn enqueue_reply(&self, r: &NewReply<'_>) -> Result<String, StoreError> {
        let client_id = format!("placet-tray-{}", uuid_like());
        let plain = serde_json::to_vec(&SealedReply {
            text: r.text.to_owned(),
            attachment_ids: r.attachment_ids.to_vec(),
        })
        .unwrap_or_default();
        let sealed = self.key.seal(&self.identity(TABLE, &client_id), &plain);
        let now = Utc::now().to_rfc3339();
        self.db().execute(
            "INSERT INTO replies (server, account, client_id, channel_id, sealed, source,
                 created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                self.server,
                self.account,
                client_id,
                r.channel_id,
                sealed,
                r.source.as_str(),
                now
            ],
        )?;
        self.wake.notify_one();
        Ok(client_id)
    }

    /// Replies still waiting, oldest first.
    pub fn queued_replies(&self) -> Result<Vec<QueuedReply>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT client_id, channel_id, created_at, attempts, last_error, unreadable
             FROM replies WHERE server = ?1 AND account = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![self.server, self.account], |r| {
            Ok(QueuedReply {
                client_id: r.get(0)?,
                channel_id: r.get(1)?,
                created_at: parse_time(&r.get::<_, String>(2)?),
                attempts: r.get(3)?,
                last_error: r.get(4)?,
                unreadable: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replies as they are delivered.
    pub fn subscribe_replies(&self) -> tokio::sync::broadcast::Receiver<ReplyDelivery> {
        self.reply_events.subscribe()
    }

    /// Sends every due reply once. Returns what happened to each.
    pub async fn deliver_due_replies(&self, rest: &RestClient) -> Vec<ReplyDelivery> {
        let mut out = Vec::new();
        loop {
            let claimed = match self.claim_due_reply(Utc::now()) {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the outbox's replies");
                    break;
                }
            };
            let delivery = self.attempt_reply(rest, &claimed).await;
            if let Err(e) = self.settle_reply(&claimed, &delivery) {
                tracing::error!(error = %e, "cannot record a reply's delivery");
            }
            tracing::info!(reply = %claimed.client_id, delivery = delivery.kind(), "reply delivery");
            let _ = self.reply_events.send(delivery.clone());
            let stop = matches!(delivery, ReplyDelivery::AuthExpired { .. });
            out.push(delivery);
            if stop {
                break;
            }
        }
        out
    }

    /// Claims the oldest due reply for this process. One that does not open with the
    /// key is marked unreadable and reported, and the next one is tried.
    fn claim_due_reply(&self, now: DateTime<Utc>) -> Result<Option<Claimed>, StoreError> {
        loop {
            let db = self.db();
            let row = db
                .query_row(
                    "SELECT id, client_id, channel_id, sealed, created_at, attempts, maybe_posted
                     FROM replies
                     WHERE server = ?1 AND account = ?2 AND unreadable = 0
                       AND next_attempt_at <= ?3
                       AND (claimed_until IS NULL OR claimed_until < ?3)
                     ORDER BY id LIMIT 1",
                    params![self.server, self.account, now.to_rfc3339()],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Vec<u8>>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, u32>(5)?,
                            r.get::<_, bool>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((id, client_id, channel_id, sealed, created_at, attempts, maybe_posted)) = row
            else {
                return Ok(None);
            };
            let reply = self
                .key
                .open(&self.identity(TABLE, &client_id), &sealed)
                .and_then(|plain| serde_json::from_slice::<SealedReply>(&plain).ok());
            let Some(reply) = reply else {
                tracing::error!(reply = %client_id, "a queued reply does not open with this key; kept, not sent");
                db.execute(
                    "UPDATE replies SET unreadable = 1,
                         last_error = 'cannot be read with this key (the key changed?)'
                     WHERE id = ?1",
                    params![id],
                )?;
                drop(db);
                let _ = self
                    .reply_events
                    .send(ReplyDelivery::Unreadable { client_id });
                continue;
            };
            let claimed = db.execute(
                "UPDATE replies SET claimed_by = ?2, claimed_until = ?3
                 WHERE id = ?1 AND (claimed_until IS NULL OR claimed_until < ?4)",
                params![
                    id,
                    self.owner,
                    (now + super::deliver::LEASE).to_rfc3339(),
                    now.to_rfc3339()
                ],
            )?;
            if claimed == 1 {
                return Ok(Some(Claimed {
                    id,
                    client_id,
                    channel_id,
                    reply,
                    created_at: parse_time(&created_at),
                    attempts,
                    maybe_posted,
                }));
            }
        }
    }

    /// One attempt: look for an unconfirmed earlier post first, then post.
    async fn attempt_reply(&self, rest: &RestClient, c: &Claimed) -> ReplyDelivery {
        let client_id = c.client_id.clone();
        if c.maybe_posted {
            let since = c.created_at - CLOCK_SLACK;
            match rest
                .sent_message(&c.channel_id, &c.client_id, since, LOOKUP_PAGES)
                .await
            {
                Ok(Some(m)) => {
                    return ReplyDelivery::Sent {
                        client_id,
                        channel_id: c.channel_id.clone(),
                        message_id: m.id,
                        found: true,
                    }
                }
                Ok(None) => {}
                // Cannot tell whether it arrived: never post blind.
                Err(e) => return self.reply_failure(c, e, false),
            }
        }
        match rest
            .send_message(
                &c.channel_id,
                &c.reply.text,
                &c.reply.attachment_ids,
                &c.client_id,
            )
            .await
        {
            Ok(m) => ReplyDelivery::Sent {
                client_id,
                channel_id: c.channel_id.clone(),
                message_id: m.id,
                found: false,
            },
            Err(e) => self.reply_failure(c, e, true),
        }
    }

    fn reply_failure(&self, c: &Claimed, e: ApiError, posting: bool) -> ReplyDelivery {
        let client_id = c.client_id.clone();
        if e.is_auth() {
            return ReplyDelivery::AuthExpired { client_id };
        }
        if e.is_transient() {
            // A post that got no clear answer may have arrived.
            if posting {
                self.mark_maybe_posted(c.id);
            }
            return ReplyDelivery::WillRetry {
                client_id,
                channel_id: c.channel_id.clone(),
                reason: e.to_string(),
                at: self.retry_at(c.attempts, e.retry_after()),
            };
        }
        ReplyDelivery::Failed {
            client_id,
            channel_id: c.channel_id.clone(),
            reason: match e {
                ApiError::Forbidden { message } => format!("the server refused it: {message}"),
                other => other.to_string(),
            },
        }
    }

    fn mark_maybe_posted(&self, id: i64) {
        if let Err(e) = self.db().execute(
            "UPDATE replies SET maybe_posted = 1 WHERE id = ?1",
            params![id],
        ) {
            tracing::error!(error = %e, "cannot record that a reply may have been posted");
        }
    }

    /// Records the result: settled replies leave the queue, the rest are rescheduled.
    fn settle_reply(&self, c: &Claimed, d: &ReplyDelivery) -> Result<(), StoreError> {
        let db = self.db();
        match d {
            ReplyDelivery::WillRetry { reason, at, .. } => db.execute(
                "UPDATE replies SET attempts = attempts + 1, next_attempt_at = ?2,
                     last_error = ?3, claimed_by = NULL, claimed_until = NULL
                 WHERE id = ?1",
                params![c.id, at.to_rfc3339(), reason],
            )?,
            ReplyDelivery::AuthExpired { .. } => db.execute(
                "UPDATE replies SET last_error = 'sign-in expired', claimed_by = NULL,
                     claimed_until = NULL, next_attempt_at = ?2
                 WHERE id = ?1",
                params![
                    c.id,
                    (Utc::now() + chrono::Duration::days(3650)).to_rfc3339()
                ],
            )?,
            ReplyDelivery::Unreadable { .. } => 0,
            ReplyDelivery::Sent { .. } | ReplyDelivery::Failed { .. } => {
                db.execute("DELETE FROM replies WHERE id = ?1", params![c.id])?
            }
        };
        Ok(())
    }
}

/// 128 random bits in hex: unique enough that two replies never share a `clientId`.
fn uuid_like() -> String {
    format!("{:032x}", rand::random::<u128>())
}
