//! Messages, their JSON `review` column, and the list queries behind every message route.

use rusqlite::{
    params, params_from_iter, types::Value as SqlValue, Connection, OptionalExtension, Row,
};

use super::{json_text, parse_json, Store, StoreError};
use crate::model::MessageRow;

impl MessageRow {
    pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            channel_id: r.get(1)?,
            sender_type: r.get(2)?,
            sender_id: r.get(3)?,
            text: r.get(4)?,
            status: r.get(5)?,
            review: parse_json(r.get(6)?, 6)?,
            metadata: parse_json(r.get(7)?, 7)?,
            client_id: r.get(8)?,
            stream_id: r.get(9)?,
            stream_state: r.get(10)?,
            delivery_status: r.get(11)?,
            iteration_group_id: r.get(12)?,
            iteration: r.get(13)?,
            created_at: r.get(14)?,
            updated_at: r.get(15)?,
        })
    }
}

pub(super) const MESSAGE_COLUMNS: &str =
    "id, channel_id, sender_type, sender_id, text, status, review, \
    metadata, client_id, stream_id, stream_state, delivery_status, iteration_group_id, \
    iteration, created_at, updated_at";

/// Filters shared by the message list routes. Results are newest first.
#[derive(Debug, Default)]
pub(crate) struct MessageQuery<'a> {
    /// Restrict to these channels; `None` means every channel in the database.
    pub(crate) channels: Option<&'a [String]>,
    /// Only messages with a review.
    pub(crate) with_review: bool,
    /// Only reviews in this status.
    pub(crate) review_status: Option<&'a str>,
    /// Case-insensitive substring of `text`.
    pub(crate) search: Option<&'a str>,
    pub(crate) has_attachments: Option<bool>,
    /// Message id to continue after (Prisma `cursor` + `skip: 1`).
    pub(crate) cursor: Option<&'a str>,
    /// Prisma's `take`: that many rows, or with a negative number that many from the
    /// other end (before the cursor), still in newest-first order. `None` is all.
    pub(crate) limit: Option<i64>,
}

/// Inserts a message row on `conn` (also inside a transaction).
pub(super) fn insert_row(conn: &Connection, m: &MessageRow) -> Result<(), StoreError> {
    conn.execute(
        &format!(
            "INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ),
        params![
            m.id,
            m.channel_id,
            m.sender_type,
            m.sender_id,
            m.text,
            m.status,
            json_text(&m.review)?,
            json_text(&m.metadata)?,
            m.client_id,
            m.stream_id,
            m.stream_state,
            m.delivery_status,
            m.iteration_group_id,
            m.iteration,
            m.created_at,
            m.updated_at
        ],
    )?;
    Ok(())
}

impl Store {
    pub(crate) fn insert_message(&self, m: &MessageRow) -> Result<(), StoreError> {
        insert_row(&self.conn(), m)
    }

    pub(crate) fn message(&self, id: &str) -> Result<Option<MessageRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"),
                [id],
                MessageRow::from_row,
            )
            .optional()?)
    }

    /// The message of `sender_type` an idempotent re-post with this `clientId` refers to.
    pub(crate) fn message_by_client_id(
        &self,
        channel_id: &str,
        sender_type: &str,
        client_id: &str,
    ) -> Result<Option<MessageRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages \
                     WHERE channel_id = ?1 AND sender_type = ?2 AND client_id = ?3"
                ),
                [channel_id, sender_type, client_id],
                MessageRow::from_row,
            )
            .optional()?)
    }

    /// Messages matching `q`, newest first.
    pub(crate) fn query_messages(
        &self,
        q: &MessageQuery<'_>,
    ) -> Result<Vec<MessageRow>, StoreError> {
        let conn = self.conn();
        let mut sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE 1 = 1");
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(channels) = q.channels {
            if channels.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; channels.len()].join(", ");
            sql.push_str(&format!(" AND channel_id IN ({marks})"));
            args.extend(channels.iter().cloned().map(SqlValue::Text));
        }
        if q.with_review {
            sql.push_str(" AND review IS NOT NULL AND review <> 'null'");
        }
        if let Some(status) = q.review_status {
            sql.push_str(" AND json_extract(review, '$.status') = ?");
            args.push(SqlValue::Text(status.to_owned()));
        }
        if let Some(search) = q.search {
            sql.push_str(" AND instr(lower(coalesce(text, '')), lower(?)) > 0");
            args.push(SqlValue::Text(search.to_owned()));
        }
        match q.has_attachments {
            Some(true) => {
                sql.push_str(" AND EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)")
            }
            Some(false) => sql.push_str(
                " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)",
            ),
            None => {}
        }
        if q.limit == Some(0) {
            return Ok(Vec::new());
        }
        // A negative `take` walks the same order backwards from the cursor.
        let backwards = q.limit.is_some_and(|n| n < 0);
        if let Some(cursor) = q.cursor {
            let position: Option<(String, i64)> = conn
                .query_row(
                    "SELECT created_at, seq FROM messages WHERE id = ?1",
                    [cursor],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // Prisma returns nothing for a cursor that does not exist.
            let Some((created_at, seq)) = position else {
                return Ok(Vec::new());
            };
            sql.push_str(if backwards {
                " AND (created_at, seq) > (?, ?)"
            } else {
                " AND (created_at, seq) < (?, ?)"
            });
            args.push(SqlValue::Text(created_at));
            args.push(SqlValue::Integer(seq));
        }
        sql.push_str(if backwards {
            " ORDER BY created_at ASC, seq ASC"
        } else {
            " ORDER BY created_at DESC, seq DESC"
        });
        if let Some(limit) = q.limit {
            sql.push_str(" LIMIT ?");
            args.push(SqlValue::Integer(limit.saturating_abs()));
        }
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt
            .query_map(params_from_iter(args), MessageRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if backwards {
            rows.reverse();
        }
        Ok(rows)
    }

    pub(crate) fn set_delivery_status(
        &self,
        id: &str,
        delivery_status: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE messages SET delivery_status = ?2, updated_at = ?3 WHERE id = ?1",
            [id, delivery_status, at],
        )?;
        Ok(())
    }

    /// Deletes a message and its attachments.
    pub(crate) fn delete_message(&self, id: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM attachments WHERE message_id = ?1", [id])?;
        conn.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        Ok(())
    }
}
