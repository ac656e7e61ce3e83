//! The outbox database: its file (private on Unix), its schema, and the migration of a
//! database written by an earlier version.
//!
//! Schema 2 keys every row by server and account and keeps answers sealed
//! ([`super::seal`]). A database of schema 1 (plain answers, keyed by server only) is
//! migrated once, inside one transaction, by the first process that opens it:
//!
//! - answers still queued in it are **not sent**: nothing records which account queued
//!   them, and sending one as another account would answer in that person's name. Each
//!   becomes a decision with outcome `discarded` (its review, if still open, is in the
//!   inbox to be answered again), and its plain row is deleted;
//! - its decision log is kept, sealed with the opener's key, with account `""`
//!   (unknown): [`super::Outbox::decisions`] lists those rows for their server, marked
//!   `legacy`;
//! - `secure_delete` zeroes the freed pages and the WAL is checkpointed and truncated,
//!   so no plain answer stays in the file.

use std::path::Path;

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};

use super::seal::{OutboxKey, RowIdentity};
use super::StoreError;

/// The schema version this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

/// Detail of a legacy answer that was not sent.
pub(super) const LEGACY_DISCARDED: &str = "queued by an earlier version that did not record \
     the account; not sent, so it cannot go out in someone else's name: answer it again if it \
     is still open";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    account TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TEXT,
    unreadable INTEGER NOT NULL DEFAULT 0,
    UNIQUE (server, account, message_id)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    account TEXT NOT NULL,
    message_id TEXT NOT NULL,
    agent TEXT,
    review_type TEXT,
    summary TEXT NOT NULL,
    sealed_response BLOB,
    source TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    outcome_at TEXT,
    detail TEXT,
    delivery TEXT,
    delivery_at TEXT
);
CREATE TABLE IF NOT EXISTS replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server TEXT NOT NULL,
    account TEXT NOT NULL,
    client_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    maybe_posted INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_until TEXT,
    unreadable INTEGER NOT NULL DEFAULT 0,
    UNIQUE (server, account, client_id)
);
CREATE INDEX IF NOT EXISTS decisions_by_account_message ON decisions (server, account, message_id);
";

/// Opens the database at `path`: the folder is created private (0700) and the file is
/// created private (0600) before SQLite touches it, so its WAL and shared-memory files,
/// which SQLite creates with the database's permissions, are private too.
pub(super) fn open_file(path: &Path) -> Result<Connection, StoreError> {
    prepare_files(path)?;
    Ok(Connection::open(path)?)
}

#[cfg(unix)]
fn prepare_files(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};

    // A bare file name lives in the working directory, which is not ours to lock down.
    let named_dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = named_dir.unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let private = std::fs::Permissions::from_mode(0o600);
    std::fs::set_permissions(path, private.clone())?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = path.with_file_name(format!(
            "{}{suffix}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        ));
        if side.exists() {
            std::fs::set_permissions(&side, private.clone())?;
        }
    }
    // The folder is made private when it is ours and not a shared one: a sticky
    // folder (like /tmp) or someone else's is left alone, with a warning.
    let me = std::fs::metadata(path)?.uid();
    let meta = std::fs::metadata(dir)?;
    let mode = meta.mode();
    if mode & 0o077 != 0 {
        if named_dir.is_some() && meta.uid() == me && mode & 0o1000 == 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        } else {
            tracing::warn!(dir = %dir.display(), "the outbox folder is shared; only the file itself is private");
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn prepare_files(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(())
}

/// Settings, schema, and (once) the migration from schema 1.
pub(super) fn prepare(
    conn: &mut Connection,
    server: &str,
    account: &str,
    key: &OutboxKey,
) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Deleted answers are overwritten with zeros, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut migrated = false;
    if version < SCHEMA_VERSION {
        if has_legacy_tables(&tx)? {
            migrate_v1(&tx, server, account, key)?;
            migrated = true;
        }
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    } else if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { version });
    } else {
        tx.execute_batch(SCHEMA)?;
    }
    add_title_column(&tx)?;
    tx.commit()?;
    if migrated {
        // The plain rows' pages are zeroed; this also empties the WAL, which may still
        // hold copies of them.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// The decision log's sealed review titles (for the history): a column added to schema 2
/// in place, which versions that do not know it leave empty (they name their columns).
fn add_title_column(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let present: Option<String> = tx
        .query_row(
            "SELECT name FROM pragma_table_info('decisions') WHERE name = 'sealed_title'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if present.is_none() {
        tx.execute_batch("ALTER TABLE decisions ADD COLUMN sealed_title BLOB")?;
    }
    Ok(())
}

fn has_legacy_tables(tx: &rusqlite::Transaction<'_>) -> Result<bool, StoreError> {
    let plain_outbox: Option<String> = tx
        .query_row(
            "SELECT name FROM pragma_table_info('outbox') WHERE name = 'response'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(plain_outbox.is_some())
}

/// One legacy decision row.
struct LegacyDecision {
    server: String,
    message_id: String,
    agent: Option<String>,
    review_type: Option<String>,
    summary: String,
    response: String,
    source: String,
    decided_at: String,
    outcome: String,
    outcome_at: Option<String>,
    detail: Option<String>,
}

fn migrate_v1(
    tx: &rusqlite::Transaction<'_>,
    server: &str,
    account: &str,
    key: &OutboxKey,
) -> Result<(), StoreError> {
    tx.execute_batch(
        "ALTER TABLE outbox RENAME TO outbox_v1;
         ALTER TABLE decisions RENAME TO decisions_v1;
         DROP INDEX IF EXISTS decisions_by_message;",
    )?;
    tx.execute_batch(SCHEMA)?;
    let queued: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT server, message_id FROM outbox_v1")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let legacy: Vec<LegacyDecision> = {
        let mut stmt = tx.prepare(
            "SELECT server, message_id, agent, review_type, summary, response, source,
                    decided_at, outcome, outcome_at, detail
             FROM decisions_v1 ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LegacyDecision {
                server: r.get(0)?,
                message_id: r.get(1)?,
                agent: r.get(2)?,
                review_type: r.get(3)?,
                summary: r.get(4)?,
                response: r.get(5)?,
                source: r.get(6)?,
                decided_at: r.get(7)?,
                outcome: r.get(8)?,
                outcome_at: r.get(9)?,
                detail: r.get(10)?,
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let now = Utc::now().to_rfc3339();
    for d in &legacy {
        let identity = RowIdentity {
            table: "decisions",
            server: &d.server,
            account: "",
            message_id: &d.message_id,
        };
        let sealed = key.seal(&identity, d.response.as_bytes());
        let was_queued = d.outcome == "queued"
            && queued
                .iter()
                .any(|(s, m)| *s == d.server && *m == d.message_id);
        let (outcome, outcome_at, detail) = if was_queued {
            (
                "discarded".to_owned(),
                Some(now.clone()),
                Some(LEGACY_DISCARDED.to_owned()),
            )
        } else {
            (d.outcome.clone(), d.outcome_at.clone(), d.detail.clone())
        };
        tx.execute(
            "INSERT INTO decisions (server, account, message_id, agent, review_type, summary,
                 sealed_response, source, decided_at, outcome, outcome_at, detail)
             VALUES (?1, '', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                d.server,
                d.message_id,
                d.agent,
                d.review_type,
                d.summary,
                sealed,
                d.source,
                d.decided_at,
                outcome,
                outcome_at,
                detail
            ],
        )?;
    }
    tx.execute_batch("DROP TABLE outbox_v1; DROP TABLE decisions_v1;")?;
    tracing::warn!(
        discarded = queued.len(),
        decisions = legacy.len(),
        %server,
        %account,
        "outbox migrated to sealed, per-account rows; legacy queued answers were not sent"
    );
    Ok(())
}
