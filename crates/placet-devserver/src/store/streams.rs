//! Streaming drafts (`streamId`/`streamState` on messages) and the status steps agents
//! append to a streamed turn.

use std::collections::HashMap;

use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::messages::MESSAGE_COLUMNS;
use super::{Store, StoreError};
use crate::model::MessageRow;
use crate::model::StatusEventRow;

impl StatusEventRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            channel_id: r.get(1)?,
            stream_id: r.get(2)?,
            index: r.get(3)?,
            text: r.get(4)?,
            tool_hint: r.get(5)?,
            created_at: r.get(6)?,
        })
    }
}

const STATUS_EVENT_COLUMNS: &str = "id, channel_id, stream_id, idx, text, tool_hint, created_at";

impl Store {
    /// The agent message with this `streamId` in a channel.
    pub(crate) fn agent_message_by_stream_id(
        &self,
        channel_id: &str,
        stream_id: &str,
    ) -> Result<Option<MessageRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages \
                     WHERE channel_id = ?1 AND sender_type = 'agent' AND stream_id = ?2"
                ),
                [channel_id, stream_id],
                MessageRow::from_row,
            )
            .optional()?)
    }

    /// Replaces a draft's text when `text` is given (Prisma leaves a field alone when
    /// it is `undefined`) and sets its stream state when `state` is given.
    pub(crate) fn update_stream_draft(
        &self,
        id: &str,
        text: Option<&str>,
        state: Option<&str>,
        at: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE messages SET text = CASE WHEN ?2 THEN ?3 ELSE text END,
                stream_state = coalesce(?4, stream_state), updated_at = ?5
             WHERE id = ?1",
            params![id, text.is_some(), text, state, at],
        )?;
        Ok(())
    }

    /// Aborts every draft still `streaming` whose last update is before `cutoff`;
    /// returns their ids.
    pub(crate) fn abort_stale_streams(
        &self,
        cutoff: &str,
        at: &str,
    ) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "UPDATE messages SET stream_state = 'aborted', updated_at = ?2
             WHERE stream_state = 'streaming' AND updated_at < ?1
             RETURNING id",
        )?;
        let ids = stmt
            .query_map([cutoff, at], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    }

    /// Appends a status step with the next index of `(channel_id, stream_id)`, starting
    /// at 0, atomically.
    pub(crate) fn append_status_event(
        &self,
        channel_id: &str,
        stream_id: &str,
        text: &str,
        tool_hint: bool,
        at: &str,
    ) -> Result<StatusEventRow, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let max: Option<i64> = tx.query_row(
            "SELECT MAX(idx) FROM status_events WHERE channel_id = ?1 AND stream_id = ?2",
            [channel_id, stream_id],
            |r| r.get(0),
        )?;
        let row = StatusEventRow {
            id: crate::util::new_id(),
            channel_id: channel_id.to_owned(),
            stream_id: stream_id.to_owned(),
            index: max.map_or(0, |m| m + 1),
            text: text.to_owned(),
            tool_hint,
            created_at: at.to_owned(),
        };
        tx.execute(
            &format!(
                "INSERT INTO status_events ({STATUS_EVENT_COLUMNS}) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ),
            params![
                row.id,
                row.channel_id,
                row.stream_id,
                row.index,
                row.text,
                row.tool_hint,
                row.created_at
            ],
        )?;
        tx.commit()?;
        Ok(row)
    }

    /// The status steps of these streams, by stream id, in index order. Keyed on the
    /// stream id alone, as the real server joins them.
    pub(crate) fn status_events_of(
        &self,
        stream_ids: &[&str],
    ) -> Result<HashMap<String, Vec<StatusEventRow>>, StoreError> {
        let mut grouped: HashMap<String, Vec<StatusEventRow>> = HashMap::new();
        if stream_ids.is_empty() {
            return Ok(grouped);
        }
        let conn = self.conn();
        let marks = vec!["?"; stream_ids.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "SELECT {STATUS_EVENT_COLUMNS} FROM status_events WHERE stream_id IN ({marks}) \
             ORDER BY idx ASC, seq ASC"
        ))?;
        let rows = stmt.query_map(
            params_from_iter(stream_ids.iter()),
            StatusEventRow::from_row,
        )?;
        for row in rows {
            let row = row?;
            grouped.entry(row.stream_id.clone()).or_default().push(row);
        }
        Ok(grouped)
    }
}
