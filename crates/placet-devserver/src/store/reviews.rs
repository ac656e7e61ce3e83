//! The JSON `review` column: answering and expiring reviews.

use rusqlite::params;
use serde_json::Value;

use super::{Store, StoreError};

impl Store {
    /// Replaces the review of a message only while it is still pending, so two answers
    /// racing each other cannot both win. Returns whether the row was updated.
    pub(crate) fn update_pending_review(
        &self,
        id: &str,
        review: &Value,
        at: &str,
    ) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE messages SET review = ?2, updated_at = ?3
             WHERE id = ?1 AND json_extract(review, '$.status') = 'pending'",
            params![id, serde_json::to_string(review)?, at],
        )?;
        Ok(changed == 1)
    }

    /// Marks every pending review whose `expiresAt` is not after `now` as expired and
    /// returns the message ids.
    pub(crate) fn expire_overdue_reviews(&self, now: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "UPDATE messages
             SET review = json_set(review, '$.status', 'expired'), updated_at = ?1
             WHERE json_extract(review, '$.status') = 'pending'
               AND json_extract(review, '$.expiresAt') <= ?1
             RETURNING id",
        )?;
        let rows = stmt
            .query_map([now], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Expires one review if it is pending and overdue; returns whether it did.
    pub(crate) fn expire_review_if_overdue(&self, id: &str, now: &str) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE messages
             SET review = json_set(review, '$.status', 'expired'), updated_at = ?2
             WHERE id = ?1 AND json_extract(review, '$.status') = 'pending'
               AND json_extract(review, '$.expiresAt') <= ?2",
            [id, now],
        )?;
        Ok(changed == 1)
    }
}
