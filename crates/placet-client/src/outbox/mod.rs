//! Answers on their way to the server, and the local log of every decision.
//!
//! Every answer is written to SQLite before it is sent, so neither a network failure nor
//! a crash loses it. Delivery settles each answer exactly once:
//!
//! - `201`: sent; the answer leaves the queue.
//! - `403 "Review already responded"`: the message is fetched. If it holds our answer,
//!   the first send went through and only its reply was lost: sent. If it holds another
//!   answer, it was answered elsewhere; if it expired, it expired.
//! - `404`: the agent deleted the review: withdrawn.
//! - no answer, `5xx`, `429`: stays queued and is retried with backoff, across restarts.
//! - `401`: stays queued until the sign-in is renewed.
//! - anything else (`400`, `403 "Not your agent"`): failed for good, with the reason.
//!
//! Several processes (the tray app and the command line) may share the database; an
//! item is claimed with a lease before it is sent, so only one of them sends it.
//!
//! At rest, rows are keyed by server **and** account, so an answer queued by one
//! account is never delivered as another, and the answer itself (response and feedback,
//! and the decision log's redacted response) is sealed with a key the caller keeps in
//! the OS keychain ([`OutboxKey`]). A row that does not open with the key is reported
//! ([`Delivery::Unreadable`]), kept, and never sent. Deleted rows are zeroed
//! (`secure_delete`); on Unix the folder is 0700 and the files 0600. See `store` for
//! the migration of an earlier database.

mod deliver;
mod history;
mod replies;
mod seal;
mod store;
mod types;

/// The sealed review titles' own table name in their rows' identity (they live in the
/// decisions table, beside the response).
const TITLES: &str = "decision-titles";

pub use replies::{NewReply, QueuedReply, ReplyDelivery, ReplySource};
pub use seal::{KeyError, OutboxKey};
pub use types::{AnswerSource, Decision, Delivery, NewAnswer, QueuedAnswer};

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::{broadcast, Notify};

use crate::answer::{redact_passwords, ValidResponse};
use crate::backoff::Backoff;
use crate::protocol::DeliveryStatus;
use crate::rest::ServerUrl;
use seal::RowIdentity;

/// A storage error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("an answer to this review is already waiting to be sent")]
    AlreadyQueued,
    #[error("the queued answer cannot be read with this key")]
    Unreadable { message_id: String },
    #[error("the local database was written by a newer version (schema {version})")]
    NewerSchema { version: i64 },
    #[error("local database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("cannot create the data folder: {0}")]
    Io(#[from] std::io::Error),
}

/// The sealed part of a queued answer.
#[derive(Serialize, Deserialize)]
struct SealedAnswer {
    response: Map<String, Value>,
    #[serde(default)]
    feedback: Option<String>,
}

/// The outbox and decision log of one account on one server. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    conn: Arc<Mutex<Connection>>,
    server: String,
    account: String,
    key: Arc<OutboxKey>,
    owner: String,
    wake: Arc<Notify>,
    events: broadcast::Sender<Delivery>,
    reply_events: broadcast::Sender<ReplyDelivery>,
    backoff: Backoff,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("server", &self.server)
            .field("account", &self.account)
            .finish()
    }
}

impl Outbox {
    /// Opens (creating if needed) the database at `path`, for the answers of `account`
    /// (a stable id of the signed-in person: the user id `/api/auth/me` returns) on
    /// `server`, sealed with `key`.
    pub fn open(
        path: &Path,
        server: &ServerUrl,
        account: &str,
        key: OutboxKey,
    ) -> Result<Self, StoreError> {
        Self::with_connection(store::open_file(path)?, server, account, key)
    }

    /// An in-memory outbox (tests).
    pub fn in_memory(
        server: &ServerUrl,
        account: &str,
        key: OutboxKey,
    ) -> Result<Self, StoreError> {
        Self::with_connection(Connection::open_in_memory()?, server, account, key)
    }

    fn with_connection(
        mut conn: Connection,
        server: &ServerUrl,
        account: &str,
        key: OutboxKey,
    ) -> Result<Self, StoreError> {
        let server = server.display().to_owned();
        store::prepare(&mut conn, &server, account, &key)?;
        // Rows found unreadable under an earlier key get another chance with this one.
        for table in ["outbox", "replies"] {
            conn.execute(
                &format!("UPDATE {table} SET unreadable = 0 WHERE server = ?1 AND account = ?2"),
                params![server, account],
            )?;
        }
        let (events, _) = broadcast::channel(256);
        let (reply_events, _) = broadcast::channel(64);
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            server,
            account: account.to_owned(),
            key: Arc::new(key),
            owner: format!("{}-{}", std::process::id(), rand::random::<u32>()),
            wake: Arc::new(Notify::new()),
            events,
            reply_events,
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

    /// The account this outbox belongs to.
    pub fn account(&self) -> &str {
        &self.account
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn identity<'a>(&'a self, table: &'static str, message_id: &'a str) -> RowIdentity<'a> {
        RowIdentity {
            table,
            server: &self.server,
            account: &self.account,
            message_id,
        }
    }

    /// Deliveries as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<Delivery> {
        self.events.subscribe()
    }

    /// Persists an answer and its decision-log entry, then wakes the sender. Refuses a
    /// second answer to a review whose first answer is still queued.
    pub fn enqueue(&self, a: &NewAnswer<'_>) -> Result<i64, StoreError> {
        let now = Utc::now();
        let plain = serde_json::to_vec(&SealedAnswer {
            response: a.response.as_object().clone(),
            feedback: a.feedback.map(str::to_owned),
        })
        .unwrap_or_default();
        let sealed = self
            .key
            .seal(&self.identity("outbox", a.message_id), &plain);
        let redacted = Value::Object(redact_passwords(a.review, a.response.as_object()));
        let sealed_decision = self.key.seal(
            &self.identity("decisions", a.message_id),
            redacted.to_string().as_bytes(),
        );
        let sealed_title = a.title.map(|t| {
            self.key
                .seal(&self.identity(TITLES, a.message_id), t.as_bytes())
        });
        let mut db = self.db();
        let tx = db.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO outbox (server, account, message_id, sealed, source, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![self.server, self.account, a.message_id, sealed, a.source.as_str(), now.to_rfc3339()],
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
            "INSERT INTO decisions (server, account, message_id, agent, review_type, summary,
                 sealed_response, source, decided_at, outcome, sealed_title)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10)",
            params![
                self.server,
                self.account,
                a.message_id,
                a.agent,
                a.review.type_name(),
                a.summary,
                sealed_decision,
                a.source.as_str(),
                now.to_rfc3339(),
                sealed_title,
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
            "SELECT id, message_id, created_at, attempts, next_attempt_at, last_error, unreadable
             FROM outbox WHERE server = ?1 AND account = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![self.server, self.account], |r| {
            Ok(QueuedAnswer {
                id: r.get(0)?,
                message_id: r.get(1)?,
                created_at: parse_time(&r.get::<_, String>(2)?),
                attempts: r.get(3)?,
                next_attempt_at: parse_time(&r.get::<_, String>(4)?),
                last_error: r.get(5)?,
                unreadable: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many answers and replies of this account wait to be sent (for "sign out now?
    /// N answers have not been sent yet").
    pub fn queued_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.db().query_row(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE server = ?1 AND account = ?2)
                  + (SELECT COUNT(*) FROM replies WHERE server = ?1 AND account = ?2)",
            params![self.server, self.account],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// The queued response for a review, if any (to mark it as being sent in the inbox).
    pub fn queued_response(&self, message_id: &str) -> Result<Option<ValidResponse>, StoreError> {
        let sealed: Option<Vec<u8>> = self
            .db()
            .query_row(
                "SELECT sealed FROM outbox WHERE server = ?1 AND account = ?2 AND message_id = ?3",
                params![self.server, self.account, message_id],
                |r| r.get(0),
            )
            .optional()?;
        match sealed {
            None => Ok(None),
            Some(sealed) => self
                .open_answer(message_id, &sealed)
                .map(|a| Some(ValidResponse::from_stored(a.response)))
                .ok_or_else(|| StoreError::Unreadable {
                    message_id: message_id.to_owned(),
                }),
        }
    }

    fn open_answer(&self, message_id: &str, sealed: &[u8]) -> Option<SealedAnswer> {
        let plain = self
            .key
            .open(&self.identity("outbox", message_id), sealed)?;
        serde_json::from_slice(&plain).ok()
    }

    /// The newest decisions first: this account's, and those an earlier version wrote
    /// for this server without an account (`legacy`).
    pub fn decisions(&self, limit: u32) -> Result<Vec<Decision>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT message_id, agent, review_type, summary, sealed_response, source, decided_at,
                    outcome, outcome_at, detail, delivery, delivery_at, account, sealed_title
             FROM decisions WHERE server = ?1 AND account IN (?2, '')
             ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![self.server, self.account, limit], |r| {
            let message_id: String = r.get(0)?;
            let account: String = r.get(12)?;
            let sealed: Option<Vec<u8>> = r.get(4)?;
            let identity = RowIdentity {
                table: "decisions",
                server: &self.server,
                account: &account,
                message_id: &message_id,
            };
            let response = sealed
                .as_deref()
                .and_then(|s| self.key.open(&identity, s))
                .and_then(|plain| serde_json::from_slice::<Value>(&plain).ok());
            let title = r
                .get::<_, Option<Vec<u8>>>(13)?
                .and_then(|s| {
                    self.key.open(
                        &RowIdentity {
                            table: TITLES,
                            ..identity
                        },
                        &s,
                    )
                })
                .and_then(|plain| String::from_utf8(plain.to_vec()).ok());
            let source_label: String = r.get(5)?;
            Ok(Decision {
                agent: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                review_type: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                summary: r.get(3)?,
                unreadable: response.is_none(),
                response: response.unwrap_or(Value::Null),
                source: AnswerSource::parse(&source_label),
                source_label,
                decided_at: parse_time(&r.get::<_, String>(6)?),
                outcome: r.get(7)?,
                outcome_at: r.get::<_, Option<String>>(8)?.map(|s| parse_time(&s)),
                detail: r.get(9)?,
                delivery: r
                    .get::<_, Option<String>>(10)?
                    .map(|s| DeliveryStatus::parse(&s)),
                delivery_at: r.get::<_, Option<String>>(11)?.map(|s| parse_time(&s)),
                legacy: account.is_empty(),
                title,
                message_id,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a `message:delivery` status for a review we answered (call it on
    /// [`crate::InboxChange::Delivery`]). A status never goes back to a lower rank (a
    /// late `sent` cannot hide `agent_received`). Returns whether a decision of ours
    /// was updated; messages we did not answer are ignored.
    pub fn record_delivery(
        &self,
        message_id: &str,
        status: DeliveryStatus,
    ) -> Result<bool, StoreError> {
        self.record_delivery_at(message_id, status, Utc::now())
    }

    fn record_delivery_at(
        &self,
        message_id: &str,
        status: DeliveryStatus,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let db = self.db();
        let row: Option<(i64, Option<String>)> = db
            .query_row(
                "SELECT id, delivery FROM decisions
                 WHERE id = (SELECT MAX(id) FROM decisions
                             WHERE server = ?1 AND account = ?2 AND message_id = ?3)
                   AND outcome IN ('queued', 'sent')",
                params![self.server, self.account, message_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, current)) = row else {
            return Ok(false);
        };
        let current = current.map(|s| DeliveryStatus::parse(&s));
        if current.is_some_and(|c| c.rank() > status.rank()) {
            return Ok(false);
        }
        db.execute(
            "UPDATE decisions SET delivery = ?2, delivery_at = ?3 WHERE id = ?1",
            params![id, status.as_str(), at.to_rfc3339()],
        )?;
        Ok(true)
    }

    /// Removes every queued answer and reply of this account (sign-out without sending
    /// them); the answers' decisions get the outcome `discarded`. Returns the reviews
    /// concerned, so the app can tell the inbox they need the person again.
    pub fn discard_all(&self) -> Result<Vec<String>, StoreError> {
        let now = Utc::now().to_rfc3339();
        let mut db = self.db();
        let tx = db.transaction()?;
        let ids: Vec<String> = {
            let mut stmt = tx.prepare(
                "SELECT message_id FROM outbox WHERE server = ?1 AND account = ?2 ORDER BY id",
            )?;
            let rows = stmt.query_map(params![self.server, self.account], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in &ids {
            tx.execute(
                "UPDATE decisions SET outcome = 'discarded', outcome_at = ?4,
                     detail = 'discarded before it was sent'
                 WHERE id = (SELECT MAX(id) FROM decisions
                             WHERE server = ?1 AND account = ?2 AND message_id = ?3)
                   AND outcome = 'queued'",
                params![self.server, self.account, id, now],
            )?;
        }
        for table in ["outbox", "replies"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE server = ?1 AND account = ?2"),
                params![self.server, self.account],
            )?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Makes every queued answer and reply due now and wakes the sender (after a
    /// reconnect).
    pub fn retry_now(&self) {
        let now = Utc::now().to_rfc3339();
        for table in ["outbox", "replies"] {
            if let Err(e) = self.db().execute(
                &format!(
                    "UPDATE {table} SET next_attempt_at = ?3 WHERE server = ?1 AND account = ?2"
                ),
                params![self.server, self.account, now],
            ) {
                tracing::warn!(error = %e, "cannot reschedule queued answers and replies");
            }
        }
        self.wake.notify_one();
    }

    /// Wakes the sender (for example after another process queued an answer).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

pub(super) fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}
