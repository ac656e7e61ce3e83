//! Keeping the decision log to its retention: old decisions are deleted (and, with
//! `secure_delete`, zeroed), never one whose answer is still waiting to be sent.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{parse_time, Outbox, StoreError};

impl Outbox {
    /// Deletes this account's decisions (and those an earlier version wrote for this
    /// server without an account) decided before `before`, except those still queued.
    /// Returns how many went.
    pub fn prune_decisions(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let old: Vec<i64> = {
            let mut stmt = tx.prepare(
                "SELECT id, decided_at FROM decisions
                 WHERE server = ?1 AND account IN (?2, '') AND outcome != 'queued'",
            )?;
            let rows = stmt.query_map(params![self.server, self.account], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.filter_map(Result::ok)
                .filter(|(_, at)| parse_time(at) < before)
                .map(|(id, _)| id)
                .collect()
        };
        for id in &old {
            tx.execute("DELETE FROM decisions WHERE id = ?1", params![id])?;
        }
        tx.commit()?;
        Ok(old.len())
    }
}
