//! Iteration chains: re-reviews grouped under the id of their first round.

use rusqlite::{params, OptionalExtension};

use super::messages::{insert_row, MESSAGE_COLUMNS};
use super::{Store, StoreError};
use crate::model::MessageRow;

impl Store {
    /// Inserts `m` as the next round of the chain that `target` (a message id) belongs to,
    /// in one transaction: the group is the target's group or the target itself, the
    /// round is the group's highest round plus one (1 when the group has none yet), and
    /// the target becomes round 1 of its own group when this is round 2. Sets
    /// `m.iteration_group_id` and `m.iteration`.
    pub(crate) fn insert_next_iteration(
        &self,
        m: &mut MessageRow,
        target_id: &str,
        target_group: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let group = target_group.unwrap_or(target_id).to_owned();
        let max: Option<i64> = tx.query_row(
            "SELECT MAX(iteration) FROM messages WHERE iteration_group_id = ?1",
            [&group],
            |r| r.get(0),
        )?;
        let iteration = max.unwrap_or(1) + 1;
        m.iteration_group_id = Some(group.clone());
        m.iteration = Some(iteration);
        insert_row(&tx, m)?;
        if iteration == 2 {
            tx.execute(
                "UPDATE messages SET iteration_group_id = ?2, iteration = 1, updated_at = ?3
                 WHERE id = ?1",
                params![target_id, group, m.created_at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every message of the chain `group_id`: its members and the message with that id,
    /// by round (rounds missing last, like PostgreSQL's `ORDER BY iteration ASC`).
    pub(crate) fn iteration_chain(&self, group_id: &str) -> Result<Vec<MessageRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages
             WHERE iteration_group_id = ?1 OR id = ?1
             ORDER BY iteration IS NULL, iteration ASC, seq ASC"
        ))?;
        let rows = stmt
            .query_map([group_id], MessageRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many other messages name `group_id` as their chain.
    pub(crate) fn other_chain_members(
        &self,
        group_id: &str,
        except_id: &str,
    ) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM messages WHERE iteration_group_id = ?1 AND id <> ?2",
                [group_id, except_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }
}
