//! SQLite persistence: one [`rusqlite::Connection`] behind a mutex, JSON columns as TEXT.
//!
//! The store knows rows and queries, not HTTP: ownership checks and error messages live
//! in [`crate::service`]. Each table's rows and queries sit in their own file.

mod agents;
mod attachments;
mod chains;
mod messages;
mod reviews;
pub(crate) mod seed;
mod streams;
mod users;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use serde_json::Value;

pub(crate) use messages::MessageQuery;
pub use seed::{Seed, SeedAgent, SeedUser};

use crate::error::ApiError;

/// A failure of the database layer; always a server bug or a broken database file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A JSON column did not hold valid JSON.
    #[error("corrupt JSON column: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "database error");
        Self::internal()
    }
}

/// The database. Every method takes the connection lock for its whole body, which makes
/// read-check-write sequences (such as answering a review) atomic.
pub(crate) struct Store {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    last_used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS agents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    description TEXT,
    avatar_url TEXT,
    webhook_url TEXT,
    webhook_headers TEXT,
    webhook_auth TEXT,
    status TEXT NOT NULL DEFAULT 'offline',
    status_message TEXT,
    status_since TEXT,
    last_active_at TEXT,
    commands TEXT,
    tag TEXT,
    management_url TEXT,
    management_api_key TEXT,
    is_subagent INTEGER NOT NULL DEFAULT 0,
    parent_agent_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_reads (
    user_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    last_read_at TEXT NOT NULL,
    PRIMARY KEY (user_id, channel_id)
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL,
    sender_type TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    text TEXT,
    status TEXT,
    review TEXT,
    metadata TEXT,
    client_id TEXT,
    stream_id TEXT,
    stream_state TEXT,
    delivery_status TEXT NOT NULL DEFAULT 'sent',
    iteration_group_id TEXT,
    iteration INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (channel_id, stream_id)
);
CREATE INDEX IF NOT EXISTS messages_by_channel ON messages (channel_id, created_at, seq);
-- Indexed, not unique (`idx_messages_client_id`): only the agent route looks a clientId
-- up, and a person's repeated chat message is a new row.
CREATE INDEX IF NOT EXISTS messages_by_client_id ON messages (channel_id, client_id);
CREATE TABLE IF NOT EXISTS attachments (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    message_id TEXT,
    channel_id TEXT NOT NULL,
    plugin_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    storage_key TEXT NOT NULL,
    plugin_data TEXT,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_message ON attachments (message_id);
CREATE TABLE IF NOT EXISTS status_events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL,
    stream_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    tool_hint INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS status_events_by_stream ON status_events (stream_id, idx);
-- Dev-server only: the seed summary, raw API keys included, so a file database can print
-- its credentials again on the next start (the real server stores key hashes only).
CREATE TABLE IF NOT EXISTS dev_kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

impl Store {
    /// Opens (creating if needed) a database file.
    pub(crate) fn open_file(path: &Path) -> Result<Self, StoreError> {
        Self::init(Connection::open(path)?)
    }

    /// A private in-memory database.
    pub(crate) fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;")?;
        migrate(&conn)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// The connection. A panic while holding the lock cannot leave SQLite half-written
    /// (statements are atomic), so a poisoned lock is still usable.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads a dev-only key/value entry.
    pub(crate) fn dev_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row("SELECT value FROM dev_kv WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Writes a dev-only key/value entry.
    pub(crate) fn set_dev_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO dev_kv (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// Brings a database file written by an earlier dev server up to [`SCHEMA`]: the
/// messages table once had `UNIQUE (channel_id, client_id)`, which a repeated human
/// message with the same `clientId` must not hit. SQLite cannot drop a constraint, so
/// the table is rebuilt; [`SCHEMA`] then recreates its indexes.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    use rusqlite::OptionalExtension;
    let sql: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if !sql.is_some_and(|s| s.contains("UNIQUE (channel_id, client_id)")) {
        return Ok(());
    }
    let create = SCHEMA
        .split(';')
        .find(|stmt| stmt.contains("CREATE TABLE IF NOT EXISTS messages"))
        .unwrap_or_default();
    conn.execute_batch(&format!(
        "BEGIN;
         ALTER TABLE messages RENAME TO messages_before_migration;
         {create};
         INSERT INTO messages SELECT * FROM messages_before_migration;
         DROP TABLE messages_before_migration;
         COMMIT;"
    ))?;
    Ok(())
}

/// Serialises an optional JSON value for a TEXT column.
fn json_text(value: &Option<Value>) -> Result<Option<String>, StoreError> {
    Ok(match value {
        Some(v) => Some(serde_json::to_string(v)?),
        None => None,
    })
}

/// Parses an optional TEXT column holding JSON. Used inside row mappers, so it reports
/// corruption as a rusqlite conversion error.
fn parse_json(text: Option<String>, column: usize) -> rusqlite::Result<Option<Value>> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                column,
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database written before human `clientId`s could repeat keeps its rows and
    /// accepts a repeat after the migration.
    #[test]
    fn migrates_the_old_client_id_constraint() {
        let conn = Connection::open_in_memory().unwrap();
        let old = SCHEMA.replace(
            "    UNIQUE (channel_id, stream_id)",
            "    UNIQUE (channel_id, client_id),\n    UNIQUE (channel_id, stream_id)",
        );
        conn.execute_batch(&old).unwrap();
        let insert = |id: &str| {
            conn.execute(
                "INSERT INTO messages (id, channel_id, sender_type, sender_id, client_id,
                 created_at, updated_at) VALUES (?1, 'c', 'user', 'u', 'k', 't', 't')",
                [id],
            )
        };
        insert("m1").unwrap();
        assert!(insert("m2").is_err(), "the old constraint refuses a repeat");
        let store = Store::init(conn).unwrap();
        let conn = store.conn();
        conn.execute(
            "INSERT INTO messages (id, channel_id, sender_type, sender_id, client_id,
             created_at, updated_at) VALUES ('m2', 'c', 'user', 'u', 'k', 't', 't')",
            [],
        )
        .expect("a repeat after the migration");
        let count: i64 = conn
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 2, "the old row kept");
    }
}
