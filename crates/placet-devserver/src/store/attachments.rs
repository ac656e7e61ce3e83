//! Attachments. The file bytes live in the row (a dev server has no object storage).

use std::collections::HashMap;

use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::{json_text, parse_json, Store, StoreError};
use crate::model::AttachmentRow;

impl AttachmentRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            message_id: r.get(1)?,
            channel_id: r.get(2)?,
            plugin_type: r.get(3)?,
            filename: r.get(4)?,
            mime_type: r.get(5)?,
            size: r.get(6)?,
            storage_key: r.get(7)?,
            plugin_data: parse_json(r.get(8)?, 8)?,
            created_at: r.get(9)?,
        })
    }
}

const ATTACHMENT_COLUMNS: &str = "id, message_id, channel_id, plugin_type, filename, mime_type, \
    size, storage_key, plugin_data, created_at";

impl Store {
    pub(crate) fn insert_attachment(
        &self,
        a: &AttachmentRow,
        content: &[u8],
    ) -> Result<(), StoreError> {
        self.conn().execute(
            &format!(
                "INSERT INTO attachments ({ATTACHMENT_COLUMNS}, content) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ),
            params![
                a.id,
                a.message_id,
                a.channel_id,
                a.plugin_type,
                a.filename,
                a.mime_type,
                a.size,
                a.storage_key,
                json_text(&a.plugin_data)?,
                a.created_at,
                content
            ],
        )?;
        Ok(())
    }

    pub(crate) fn attachment(&self, id: &str) -> Result<Option<AttachmentRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id = ?1"),
                [id],
                AttachmentRow::from_row,
            )
            .optional()?)
    }

    pub(crate) fn attachment_content(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT content FROM attachments WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Attachments of the given messages, grouped by message id, oldest first.
    pub(crate) fn attachments_of(
        &self,
        message_ids: &[&str],
    ) -> Result<HashMap<String, Vec<AttachmentRow>>, StoreError> {
        let mut grouped: HashMap<String, Vec<AttachmentRow>> = HashMap::new();
        if message_ids.is_empty() {
            return Ok(grouped);
        }
        let conn = self.conn();
        let marks = vec!["?"; message_ids.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE message_id IN ({marks}) \
             ORDER BY created_at ASC, seq ASC"
        ))?;
        let rows = stmt.query_map(
            params_from_iter(message_ids.iter()),
            AttachmentRow::from_row,
        )?;
        for row in rows {
            let row = row?;
            if let Some(message_id) = row.message_id.clone() {
                grouped.entry(message_id).or_default().push(row);
            }
        }
        Ok(grouped)
    }

    /// Every attachment of a channel, newest first.
    pub(crate) fn attachments_of_channel(
        &self,
        channel_id: &str,
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE channel_id = ?1 \
             ORDER BY created_at DESC, seq DESC"
        ))?;
        let rows = stmt
            .query_map([channel_id], AttachmentRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Links orphan attachments of `channel_id` to a message. Ids that are unknown, of
    /// another channel or already linked are ignored, like Prisma's `updateMany`.
    pub(crate) fn link_orphan_attachments(
        &self,
        ids: &[String],
        channel_id: &str,
        message_id: &str,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        for id in ids {
            conn.execute(
                "UPDATE attachments SET message_id = ?3
                 WHERE id = ?1 AND channel_id = ?2 AND message_id IS NULL",
                [id.as_str(), channel_id, message_id],
            )?;
        }
        Ok(())
    }

    /// Up to `max_bytes` of an attachment's content as UTF-8 text.
    pub(crate) fn attachment_text(
        &self,
        id: &str,
        max_bytes: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT content FROM attachments WHERE id = ?1 AND size <= ?2",
                params![id, max_bytes],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()?
            .and_then(|bytes| String::from_utf8(bytes).ok()))
    }
}
