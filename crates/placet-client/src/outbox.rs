//! Answers on their way to the server, and the local log of every decision.
//!
//! Every answer is written to SQLite before it is sent, so neither a network failure nor
//! a crash loses it. Delivery settles each answer exactly once:
//!
//! - `201`: sent; the answer leaves the queue.
//! - `403 "Review already responded"`: the message is fetched. If it holds our answer,
//!   the first send went through and only its reply was lost: sent. If it holds another
//!   answer, it was answered elsewhere; if it expired, it expired.
//! - no answer, `5xx`, `429`: stays queued and is retried with backoff, across restarts.
//! - `401`: stays queued until the sign-in is renewed.
//! - anything else (`404`, `400`, `403 "Not your agent"`): failed for good, with the
//!   reason.
//!
//! Several processes (the tray app and the command line) may share the database; an
//! item is claimed with a lease before it is sent, so only one of them sends it.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::{broadcast, Notify};

use crate::answer::{redact_passwords, ValidResponse};
use crate::backoff::Backoff;
use crate::error::ApiError;
use crate::inbox::Inbox;
use crate::protocol::ReviewStatus;
use crate::rest::{RestClient, ServerUrl};

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerSource {
    Notification,
    Window,
    Cli,
}

impl AnswerSource {
    fn as_str(self) -> &'static str {
        match self {
            AnswerSource::Notification => "notification",
            AnswerSource::Window => "window",
            AnswerSource::Cli => "cli",
        }
    }
}

/// An answer to queue.
#[derive(Debug, Clone)]
pub struct NewAnswer<'a> {
    pub message_id: &'a str,
    pub response: &'a ValidResponse,
    pub feedback: Option<&'a str>,
    pub source: AnswerSource,
    /// For the decision log.
    pub agent: &'a str,
    /// For the decision log, and to redact password fields there.
    pub review: &'a crate::protocol::ReviewKind,
    /// For the decision log ("option approve", "form with 3 values").
    pub summary: &'a str,
}

/// An answer waiting in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedAnswer {
    pub id: i64,
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// One entry of the decision log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub message_id: String,
    pub agent: String,
    pub review_type: String,
    pub summary: String,
    /// The response with password values redacted.
    pub response: Value,
    pub source: String,
    pub decided_at: DateTime<Utc>,
    /// `queued`, `sent`, `answeredElsewhere`, `expired`, `failed`.
    pub outcome: String,
    pub outcome_at: Option<DateTime<Utc>>,
    pub detail: Option<String>,
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Delivery {
    /// The server stored our answer (`lost_reply`: learned by fetching after a 403).
    Sent {
        message_id: String,
        lost_reply: bool,
    },
    /// The review already had a different answer.
    AnsweredElsewhere {
        message_id: String,
        response: Option<Value>,
    },
    /// The review expired before our answer arrived.
    Expired { message_id: String },
    /// Failed for good; the answer left the queue.
    Failed { message_id: String, reason: String },
    /// Not delivered yet; it stays queued.
    WillRetry {
        message_id: String,
        reason: String,
        at: DateTime<Utc>,
    },
    /// The sign-in was refused; it stays queued until it is renewed.
    AuthExpired { message_id: String },
}

impl Delivery {
    /// The review this is about.
    pub fn message_id(&self) -> &str {
        match self {
            Delivery::Sent { message_id, .. }
            | Delivery::AnsweredElsewhere { message_id, .. }
            | Delivery::Expired { message_id }
            | Delivery::Failed { message_id, .. }
            | Delivery::WillRetry { message_id, .. }
            | Delivery::AuthExpired { message_id } => message_id,
        }
    }

    /// True when the answer left the queue.
    pub fn is_settled(&self) -> bool {
        !matches!(
            self,
            Delivery::WillRetry { .. } | Delivery::AuthExpired { .. }
        )
    }
}

/// A storage error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("an answer to this review is already waiting to be sent")]
    AlreadyQueued,
    #[error("local database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("cannot create the data folder: {0}")]
    Io(#[from] std::io::Error),
}

/// An item this process holds the lease on.
struct Claimed {
    id: i64,
    message_id: String,
    response: ValidResponse,
    feedback: Option<String>,
    attempts: u32,
}

/// How long a process may hold an item it is sending before another may take it over.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);

/// The outbox and decision log of one server. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    conn: Arc<Mutex<Connection>>,
    server: String,
    owner: String,
    wake: Arc<Notify>,
    events: broadcast::Sender<Delivery>,
    backoff: Backoff,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("server", &self.server)
            .finish()
    }
}

impl Outbox {
    /// Opens (creating if needed) the database at `path`, for answers to `server`.
    pub fn open(path: &Path, server: &ServerUrl) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        Self::with_connection(Connection::open(path)?, server)
    }

    /// An in-memory outbox (tests).
    pub fn in_memory(server: &ServerUrl) -> Result<Self, StoreError> {
        Self::with_connection(Connection::open_in_memory()?, server)
    }

    fn with_connection(conn: Connection, server: &ServerUrl) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        let (events, _) = broadcast::channel(256);
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            server: server.display().to_owned(),
            owner: format!("{}-{}", std::process::id(), rand::random::<u32>()),
            wake: Arc::new(Notify::new()),
            events,
            backoff: Backoff {
                min: Duration::from_secs(2),
                max: Duration::from_secs(60),
                jitter: 0.25,
            },
        })
    }

    /// Sets the retry delays (tests use short ones).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Deliveries as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<Delivery> {
        self.events.subscribe()
    }

    /// Persists an answer and its decision-log entry, then wakes the sender. Refuses a
    /// second answer to a review whose first answer is still queued.
    pub fn enqueue(&self, a: &NewAnswer<'_>) -> Result<i64, StoreError> {
        let now = Utc::now();
        let response = serde_json::to_string(a.response.as_object()).unwrap_or_default();
        let redacted = Value::Object(redact_passwords(a.review, a.response.as_object()));
        let mut db = self.db();
        let tx = db.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO outbox (server, message_id, response, feedback, source, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![self.server, a.message_id, response, a.feedback, a.source.as_str(), now.to_rfc3339()],
        );
        let id = match inserted {
            Ok(_) => tx.last_insert_rowid(),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(StoreError::AlreadyQueued)
            }
            Err(e) => return Err(e.into()),
        };
        tx.execute(
            "INSERT INTO decisions (server, message_id, agent, review_type, summary, response, source, decided_at, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued')",
            params![
                self.server,
                a.message_id,
                a.agent,
                a.review.type_name(),
                a.summary,
                redacted.to_string(),
                a.source.as_str(),
                now.to_rfc3339()
            ],
        )?;
        tx.commit()?;
        drop(db);
        self.wake.notify_one();
        Ok(id)
    }

    /// Answers still waiting, oldest first.
    pub fn queued(&self) -> Result<Vec<QueuedAnswer>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT id, message_id, created_at, attempts, next_attempt_at, last_error
             FROM outbox WHERE server = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![self.server], |r| {
            Ok(QueuedAnswer {
                id: r.get(0)?,
                message_id: r.get(1)?,
                created_at: parse_time(&r.get::<_, String>(2)?),
                attempts: r.get(3)?,
                next_attempt_at: parse_time(&r.get::<_, String>(4)?),
                last_error: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The queued response for a review, if any (to mark it as being sent in the inbox).
    pub fn queued_response(&self, message_id: &str) -> Result<Option<ValidResponse>, StoreError> {
        let raw: Option<String> = self
            .db()
            .query_row(
                "SELECT response FROM outbox WHERE server = ?1 AND message_id = ?2",
                params![self.server, message_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(raw
            .and_then(|s| serde_json::from_str::<Map<String, Value>>(&s).ok())
            .map(ValidResponse::from_stored))
    }

    /// The newest decisions first.
    pub fn decisions(&self, limit: u32) -> Result<Vec<Decision>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT message_id, agent, review_type, summary, response, source, decided_at, outcome, outcome_at, detail
             FROM decisions WHERE server = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![self.server, limit], |r| {
            Ok(Decision {
                message_id: r.get(0)?,
                agent: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                review_type: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                summary: r.get(3)?,
                response: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or(Value::Null),
                source: r.get(5)?,
                decided_at: parse_time(&r.get::<_, String>(6)?),
                outcome: r.get(7)?,
                outcome_at: r.get::<_, Option<String>>(8)?.map(|s| parse_time(&s)),
                detail: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Makes every queued answer due now and wakes the sender (after a reconnect).
    pub fn retry_now(&self) {
        let now = Utc::now().to_rfc3339();
        if let Err(e) = self.db().execute(
            "UPDATE outbox SET next_attempt_at = ?2 WHERE server = ?1",
            params![self.server, now],
        ) {
            tracing::warn!(error = %e, "cannot reschedule queued answers");
        }
        self.wake.notify_one();
    }

    /// Claims an item for this process, if it is due and nobody else holds it.
    fn claim_due(&self, now: DateTime<Utc>) -> Result<Option<Claimed>, StoreError> {
        let db = self.db();
        let row = db
            .query_row(
                "SELECT id, message_id, response, feedback, attempts FROM outbox
                 WHERE server = ?1 AND next_attempt_at <= ?2
                   AND (claimed_until IS NULL OR claimed_until < ?2)
                 ORDER BY id LIMIT 1",
                params![self.server, now.to_rfc3339()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, u32>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, message_id, response, feedback, attempts)) = row else {
            return Ok(None);
        };
        let claimed = db.execute(
            "UPDATE outbox SET claimed_by = ?2, claimed_until = ?3
             WHERE id = ?1 AND (claimed_until IS NULL OR claimed_until < ?4)",
            params![id, self.owner, (now + LEASE).to_rfc3339(), now.to_rfc3339()],
        )?;
        if claimed == 0 {
            return Ok(None);
        }
        let response = serde_json::from_str::<Map<String, Value>>(&response)
            .map(ValidResponse::from_stored)
            .unwrap_or_else(|_| ValidResponse::from_stored(Map::new()));
        Ok(Some(Claimed {
            id,
            message_id,
            response,
            feedback,
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
            let Claimed {
                id,
                message_id,
                response,
                feedback,
                attempts,
            } = claimed;
            let delivery = self
                .send_one(rest, &message_id, &response, feedback.as_deref(), attempts)
                .await;
            if let Err(e) = self.settle(id, &delivery) {
                tracing::error!(error = %e, "cannot record a delivery");
            }
            if let Some(inbox) = inbox {
                apply_to_inbox(inbox, &delivery, &response);
            }
            tracing::info!(message = %message_id, delivery = ?delivery_kind(&delivery), "answer delivery");
            let _ = self.events.send(delivery.clone());
            let stop = matches!(delivery, Delivery::AuthExpired { .. });
            out.push(delivery);
            if stop {
                break;
            }
        }
        out
    }

    async fn send_one(
        &self,
        rest: &RestClient,
        message_id: &str,
        response: &ValidResponse,
        feedback: Option<&str>,
        attempts: u32,
    ) -> Delivery {
        let message_id_owned = message_id.to_owned();
        match rest.respond(message_id, response, feedback).await {
            Ok(_) => Delivery::Sent {
                message_id: message_id_owned,
                lost_reply: false,
            },
            Err(ApiError::AlreadyResponded) => {
                self.resolve_refusal(rest, message_id, response, attempts)
                    .await
            }
            Err(e) => self.classify_failure(message_id, e, attempts),
        }
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
            return Delivery::Failed {
                message_id: id,
                reason: "the message no longer has a review".to_owned(),
            };
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
        let reason = match &e {
            ApiError::NotFound { .. } => "the review no longer exists on the server".to_owned(),
            ApiError::Forbidden { message } => format!("the server refused it: {message}"),
            other => other.to_string(),
        };
        Delivery::Failed {
            message_id: message_id.to_owned(),
            reason,
        }
    }

    fn retry(
        &self,
        message_id: &str,
        reason: &str,
        attempts: u32,
        after: Option<Duration>,
    ) -> Delivery {
        let delay = after.unwrap_or_else(|| self.backoff.next_delay(attempts + 1));
        Delivery::WillRetry {
            message_id: message_id.to_owned(),
            reason: reason.to_owned(),
            at: Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero()),
        }
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
                    Delivery::Failed { reason, .. } => ("failed", Some(reason.clone())),
                    _ => unreachable!("handled above"),
                };
                tx.execute(
                    "UPDATE decisions SET outcome = ?3, outcome_at = ?4, detail = ?5
                     WHERE id = (SELECT MAX(id) FROM decisions WHERE server = ?1 AND message_id = ?2)",
                    params![self.server, settled.message_id(), outcome, now, detail],
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
            let auth_blocked = deliveries
                .iter()
                .any(|d| matches!(d, Delivery::AuthExpired { .. }));
            let next = if auth_blocked { None } else { self.next_due() };
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

    /// Wakes the sender (for example after another process queued an answer).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    fn next_due(&self) -> Option<DateTime<Utc>> {
        self.db()
            .query_row(
                "SELECT MIN(MAX(next_attempt_at, COALESCE(claimed_until, ''))) FROM outbox WHERE server = ?1",
                params![self.server],
                |r| r.get::<_, Option<String>>(0),
            )
            .ok()
            .flatten()
            .map(|s| parse_time(&s))
    }
}

fn delivery_kind(d: &Delivery) -> &'static str {
    match d {
        Delivery::Sent { .. } => "sent",
        Delivery::AnsweredElsewhere { .. } => "answered elsewhere",
        Delivery::Expired { .. } => "expired",
        Delivery::Failed { .. } => "failed",
        Delivery::WillRetry { .. } => "will retry",
        Delivery::AuthExpired { .. } => "auth expired",
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
        Delivery::Failed { message_id, .. } => inbox.cancel_sending(message_id),
        Delivery::WillRetry { .. } | Delivery::AuthExpired { .. } => {}
    }
}

fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    message_id TEXT NOT NULL,
    response TEXT NOT NULL,
    feedback TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TEXT,
    UNIQUE (server, message_id)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    message_id TEXT NOT NULL,
    agent TEXT,
    review_type TEXT,
    summary TEXT NOT NULL,
    response TEXT NOT NULL,
    source TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    outcome_at TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS decisions_by_message ON decisions (server, message_id);
";
