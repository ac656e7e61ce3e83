//! Sending queued answers: claim, send, settle.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::{parse_time, Delivery, Outbox, ReplyDelivery, StoreError};
use crate::answer::{redact_passwords, ValidResponse};
use crate::error::ApiError;
use crate::inbox::Inbox;
use crate::protocol::{DeliveryStatus, ReviewStatus};
use crate::rest::RestClient;

/// How long a process may hold an item it is sending before another may take it over.
pub(super) const LEASE: chrono::Duration = chrono::Duration::seconds(60);

/// An item this process holds the lease on.
struct Claimed {
    id: i64,
    message_id: String,
    response: ValidResponse,
    feedback: Option<String>,
    attempts: u32,
}

/// What claiming one review's answer found.
enum Claim {
    Got(Claimed),
    /// Nothing is queued for it (never was, or already settled).
    Nothing,
    /// Another process is sending it right now.
    Busy,
    /// It does not open with this key.
    Unreadable,
}

impl Outbox {
    /// Claims an item for this process, if it is due and nobody else holds it. An item
    /// that does not open is marked unreadable and reported, and the next one is tried.
    fn claim_due(&self, now: DateTime<Utc>) -> Result<Option<Claimed>, StoreError> {
        loop {
            let row: Option<String> = self
                .db()
                .query_row(
                    "SELECT message_id FROM outbox
                     WHERE server = ?1 AND account = ?2 AND unreadable = 0
                       AND next_attempt_at <= ?3
                       AND (claimed_until IS NULL OR claimed_until < ?3)
                     ORDER BY id LIMIT 1",
                    params![self.server, self.account, now.to_rfc3339()],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(message_id) = row else {
                return Ok(None);
            };
            match self.claim_message(&message_id, now)? {
                Claim::Got(c) => return Ok(Some(c)),
                Claim::Unreadable => {
                    let _ = self.events.send(Delivery::Unreadable { message_id });
                }
                // Taken by another process between the two statements: look again.
                Claim::Busy | Claim::Nothing => {}
            }
        }
    }

    /// Claims the answer to one review, whatever its schedule.
    fn claim_message(&self, message_id: &str, now: DateTime<Utc>) -> Result<Claim, StoreError> {
        let db = self.db();
        let row = db
            .query_row(
                "SELECT id, sealed, attempts, claimed_until, claimed_by FROM outbox
                 WHERE server = ?1 AND account = ?2 AND message_id = ?3",
                params![self.server, self.account, message_id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, u32>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, sealed, attempts, claimed_until, claimed_by)) = row else {
            return Ok(Claim::Nothing);
        };
        let held = claimed_until.is_some_and(|t| parse_time(&t) >= now)
            && claimed_by.as_deref() != Some(self.owner.as_str());
        if held {
            return Ok(Claim::Busy);
        }
        let Some(answer) = self.open_answer(message_id, &sealed) else {
            tracing::error!(message = %message_id, "a queued answer does not open with this key; kept, not sent");
            db.execute(
                "UPDATE outbox SET unreadable = 1,
                     last_error = 'cannot be read with this key (the key changed?)'
                 WHERE id = ?1",
                params![id],
            )?;
            return Ok(Claim::Unreadable);
        };
        let claimed = db.execute(
            "UPDATE outbox SET claimed_by = ?2, claimed_until = ?3
             WHERE id = ?1 AND (claimed_until IS NULL OR claimed_until < ?4 OR claimed_by = ?2)",
            params![id, self.owner, (now + LEASE).to_rfc3339(), now.to_rfc3339()],
        )?;
        if claimed == 0 {
            return Ok(Claim::Busy);
        }
        Ok(Claim::Got(Claimed {
            id,
            message_id: message_id.to_owned(),
            response: ValidResponse::from_stored(answer.response),
            feedback: answer.feedback,
            attempts,
        }))
    }

    /// Sends every due answer once. Returns what happened to each.
    pub async fn deliver_due(&self, rest: &RestClient, inbox: Option<&Inbox>) -> Vec<Delivery> {
        let mut out = Vec::new();
        loop {
            let claimed = match self.claim_due(Utc::now()) {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the outbox");
                    break;
                }
            };
            let (delivery, _) = self.attempt(rest, &claimed).await;
            self.finish(&claimed, &delivery, inbox);
            let stop = matches!(delivery, Delivery::AuthExpired { .. });
            out.push(delivery);
            if stop {
                break;
            }
        }
        out
    }

    /// Delivers the queued answer to one review now, whatever its backoff schedule: for
    /// the command line, which waits for the outcome. A transport failure is retried
    /// within `patience` (bounded, growing pauses); after that the answer stays queued
    /// for the tray to send. A reply lost earlier is recognised as our own answer (403,
    /// fetch, same response: [`Delivery::Sent`] with `lost_reply`).
    ///
    /// `Ok(None)` when nothing is queued for the review.
    pub async fn deliver_now(
        &self,
        rest: &RestClient,
        message_id: &str,
        inbox: Option<&Inbox>,
        patience: Duration,
    ) -> Result<Option<Delivery>, StoreError> {
        let deadline = tokio::time::Instant::now() + patience;
        let mut pause = Duration::from_millis(250);
        loop {
            let claimed = match self.claim_message(message_id, Utc::now())? {
                Claim::Got(c) => c,
                Claim::Nothing => return Ok(None),
                Claim::Unreadable => {
                    let d = Delivery::Unreadable {
                        message_id: message_id.to_owned(),
                    };
                    let _ = self.events.send(d.clone());
                    return Ok(Some(d));
                }
                Claim::Busy => {
                    if tokio::time::Instant::now() + pause > deadline {
                        return Ok(Some(Delivery::WillRetry {
                            message_id: message_id.to_owned(),
                            reason: "another process is sending this answer".to_owned(),
                            at: Utc::now() + LEASE,
                        }));
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                    continue;
                }
            };
            let (delivery, retry_after) = self.attempt(rest, &claimed).await;
            let again = match &delivery {
                // A rate limit is waited out as the server asks; anything else is
                // retried after a short, growing pause.
                Delivery::WillRetry { .. } => {
                    let wait = retry_after.unwrap_or(pause);
                    (tokio::time::Instant::now() + wait < deadline).then_some(wait)
                }
                _ => None,
            };
            match again {
                Some(wait) => {
                    tracing::debug!(message = %message_id, "delivery failed; retrying within the command");
                    if let Err(e) = self.settle(claimed.id, &delivery) {
                        tracing::error!(error = %e, "cannot record a delivery");
                    }
                    tokio::time::sleep(wait).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                None => {
                    self.finish(&claimed, &delivery, inbox);
                    return Ok(Some(delivery));
                }
            }
        }
    }

    /// One send; also returns the server's `Retry-After`, when it gave one.
    async fn attempt(&self, rest: &RestClient, c: &Claimed) -> (Delivery, Option<Duration>) {
        let message_id = c.message_id.clone();
        match rest
            .respond(&c.message_id, &c.response, c.feedback.as_deref())
            .await
        {
            Ok(_) => (
                Delivery::Sent {
                    message_id,
                    lost_reply: false,
                },
                None,
            ),
            Err(ApiError::AlreadyResponded) => (
                self.resolve_refusal(rest, &c.message_id, &c.response, c.attempts)
                    .await,
                None,
            ),
            Err(e) => {
                let after = e.retry_after();
                (self.classify_failure(&c.message_id, e, c.attempts), after)
            }
        }
    }

    /// Records the outcome, tells the inbox, and publishes it.
    fn finish(&self, c: &Claimed, delivery: &Delivery, inbox: Option<&Inbox>) {
        if let Err(e) = self.settle(c.id, delivery) {
            tracing::error!(error = %e, "cannot record a delivery");
        }
        if let Some(inbox) = inbox {
            apply_to_inbox(inbox, delivery, &c.response);
        }
        tracing::info!(message = %c.message_id, delivery = delivery.kind(), "answer delivery");
        let _ = self.events.send(delivery.clone());
    }

    /// After a 403: was it our own answer whose reply was lost?
    async fn resolve_refusal(
        &self,
        rest: &RestClient,
        message_id: &str,
        ours: &ValidResponse,
        attempts: u32,
    ) -> Delivery {
        let message = match rest.message(message_id).await {
            Ok(m) => m,
            Err(e) => return self.classify_failure(message_id, e, attempts),
        };
        let id = message_id.to_owned();
        let Some(review) = message.review else {
            return Delivery::Withdrawn { message_id: id };
        };
        match review.status {
            ReviewStatus::Completed => {
                let theirs = review.response.clone();
                let same = theirs.as_ref().and_then(Value::as_object).is_some_and(|t| {
                    redact_passwords(&review.kind, t)
                        == redact_passwords(&review.kind, ours.as_object())
                });
                if same {
                    Delivery::Sent {
                        message_id: id,
                        lost_reply: true,
                    }
                } else {
                    Delivery::AnsweredElsewhere {
                        message_id: id,
                        response: theirs,
                    }
                }
            }
            ReviewStatus::Expired => Delivery::Expired { message_id: id },
            // The server refused yet shows it pending: try again later.
            _ => self.retry(
                message_id,
                "the server refused the answer; trying again",
                attempts,
                None,
            ),
        }
    }

    fn classify_failure(&self, message_id: &str, e: ApiError, attempts: u32) -> Delivery {
        if e.is_auth() {
            return Delivery::AuthExpired {
                message_id: message_id.to_owned(),
            };
        }
        if e.is_transient() {
            return self.retry(message_id, &e.to_string(), attempts, e.retry_after());
        }
        match &e {
            // "Message not found" or "No review on this message": the agent deleted it.
            ApiError::NotFound { .. } => Delivery::Withdrawn {
                message_id: message_id.to_owned(),
            },
            ApiError::Forbidden { message } => Delivery::Failed {
                message_id: message_id.to_owned(),
                reason: format!("the server refused it: {message}"),
            },
            other => Delivery::Failed {
                message_id: message_id.to_owned(),
                reason: other.to_string(),
            },
        }
    }

    fn retry(
        &self,
        message_id: &str,
        reason: &str,
        attempts: u32,
        after: Option<Duration>,
    ) -> Delivery {
        Delivery::WillRetry {
            message_id: message_id.to_owned(),
            reason: reason.to_owned(),
            at: self.retry_at(attempts, after),
        }
    }

    /// When an item tried `attempts` times is tried again: when the server said
    /// (`Retry-After`), else after the backoff's next delay. Answers and replies alike.
    pub(super) fn retry_at(&self, attempts: u32, after: Option<Duration>) -> DateTime<Utc> {
        let delay = after.unwrap_or_else(|| self.backoff.next_delay(attempts + 1));
        Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero())
    }

    /// Records the result: settled answers leave the queue and close their decision;
    /// the rest are rescheduled and released.
    fn settle(&self, id: i64, d: &Delivery) -> Result<(), StoreError> {
        let now = Utc::now().to_rfc3339();
        let mut db = self.db();
        let tx = db.transaction()?;
        match d {
            Delivery::WillRetry { reason, at, .. } => {
                tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3,
                     claimed_by = NULL, claimed_until = NULL WHERE id = ?1",
                    params![id, at.to_rfc3339(), reason],
                )?;
            }
            Delivery::AuthExpired { .. } => {
                tx.execute(
                    "UPDATE outbox SET last_error = 'sign-in expired', claimed_by = NULL, claimed_until = NULL,
                     next_attempt_at = ?2 WHERE id = ?1",
                    params![id, (Utc::now() + chrono::Duration::days(3650)).to_rfc3339()],
                )?;
            }
            Delivery::Unreadable { .. } => {}
            settled => {
                let (outcome, detail) = match settled {
                    Delivery::Sent { lost_reply, .. } => (
                        "sent",
                        lost_reply.then(|| {
                            "the first reply was lost; the server had our answer".to_owned()
                        }),
                    ),
                    Delivery::AnsweredElsewhere { .. } => ("answeredElsewhere", None),
                    Delivery::Expired { .. } => ("expired", None),
                    Delivery::Withdrawn { .. } => {
                        ("withdrawn", Some("the agent deleted the review".to_owned()))
                    }
                    Delivery::Failed { reason, .. } => ("failed", Some(reason.clone())),
                    _ => unreachable!("handled above"),
                };
                let delivery = matches!(settled, Delivery::Sent { .. })
                    .then_some(DeliveryStatus::Sent.as_str());
                tx.execute(
                    "UPDATE decisions SET outcome = ?4, outcome_at = ?5, detail = ?6,
                         delivery = COALESCE(delivery, ?7),
                         delivery_at = CASE WHEN delivery IS NULL AND ?7 IS NOT NULL THEN ?5 ELSE delivery_at END
                     WHERE id = (SELECT MAX(id) FROM decisions
                                 WHERE server = ?1 AND account = ?2 AND message_id = ?3)",
                    params![
                        self.server,
                        self.account,
                        settled.message_id(),
                        outcome,
                        now,
                        detail,
                        delivery
                    ],
                )?;
                tx.execute("DELETE FROM outbox WHERE id = ?1", params![id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Delivers forever: whenever woken, and when the next retry is due. Run it in its
    /// own task and abort the task on sign-out.
    pub async fn run(self, rest: RestClient, inbox: Option<Inbox>) {
        loop {
            let deliveries = self.deliver_due(&rest, inbox.as_ref()).await;
            let replies = self.deliver_due_replies(&rest).await;
            let auth_blocked = deliveries
                .iter()
                .any(|d| matches!(d, Delivery::AuthExpired { .. }))
                || replies
                    .iter()
                    .any(|d| matches!(d, ReplyDelivery::AuthExpired { .. }));
            let next = if auth_blocked {
                None
            } else {
                [self.next_due("outbox"), self.next_due("replies")]
                    .into_iter()
                    .flatten()
                    .min()
            };
            let wait = next
                .map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(3600))
                .min(Duration::from_secs(3600));
            tokio::select! {
                _ = self.wake.notified() => {},
                _ = tokio::time::sleep(wait) => {},
            }
        }
    }

    /// The earliest time an answer (`outbox`) or a reply (`replies`) is due, if any.
    pub(super) fn next_due(&self, table: &str) -> Option<DateTime<Utc>> {
        self.db()
            .query_row(
                &format!(
                    "SELECT MIN(MAX(next_attempt_at, COALESCE(claimed_until, ''))) FROM {table}
                     WHERE server = ?1 AND account = ?2 AND unreadable = 0"
                ),
                params![self.server, self.account],
                |r| r.get::<_, Option<String>>(0),
            )
            .ok()
            .flatten()
            .map(|s| parse_time(&s))
    }
}

/// Tells the inbox how a delivery settled.
fn apply_to_inbox(inbox: &Inbox, d: &Delivery, ours: &ValidResponse) {
    match d {
        Delivery::Sent { message_id, .. } => inbox.mark_answered_here(message_id, ours),
        Delivery::AnsweredElsewhere {
            message_id,
            response,
        } => inbox.mark_answered_elsewhere(message_id, response.clone()),
        Delivery::Expired { message_id } => inbox.mark_expired(message_id),
        Delivery::Withdrawn { message_id } => inbox.mark_withdrawn(message_id),
        Delivery::Failed { message_id, .. } => inbox.cancel_sending(message_id),
        Delivery::WillRetry { .. } | Delivery::AuthExpired { .. } | Delivery::Unreadable { .. } => {
        }
    }
}
