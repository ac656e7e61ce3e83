//! Agents (an agent is a channel: `channelId` is the agent id).

use rusqlite::{params, OptionalExtension, Row};

use super::{json_text, parse_json, Store, StoreError};
use crate::model::AgentRow;

impl AgentRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            owner_id: r.get(1)?,
            name: r.get(2)?,
            description: r.get(3)?,
            avatar_url: r.get(4)?,
            webhook_url: r.get(5)?,
            webhook_headers: parse_json(r.get(6)?, 6)?,
            webhook_auth: parse_json(r.get(7)?, 7)?,
            status: r.get(8)?,
            status_message: r.get(9)?,
            status_since: r.get(10)?,
            last_active_at: r.get(11)?,
            commands: parse_json(r.get(12)?, 12)?,
            tag: r.get(13)?,
            management_url: r.get(14)?,
            management_api_key: r.get(15)?,
            is_subagent: r.get(16)?,
            parent_agent_id: r.get(17)?,
            created_at: r.get(18)?,
            updated_at: r.get(19)?,
        })
    }
}

const AGENT_COLUMNS: &str = "id, owner_id, name, description, avatar_url, webhook_url, \
    webhook_headers, webhook_auth, status, status_message, status_since, last_active_at, \
    commands, tag, management_url, management_api_key, is_subagent, parent_agent_id, \
    created_at, updated_at";

/// What `GET /api/agents` adds to each agent for one user.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChannelSummary {
    pub(crate) last_message: Option<Option<String>>,
    pub(crate) last_message_time: Option<String>,
    pub(crate) unread_count: i64,
}

impl Store {
    pub(crate) fn insert_agent(&self, a: &AgentRow) -> Result<(), StoreError> {
        self.conn().execute(
            &format!(
                "INSERT INTO agents ({AGENT_COLUMNS}) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
                 ?18, ?19, ?20)"
            ),
            params![
                a.id,
                a.owner_id,
                a.name,
                a.description,
                a.avatar_url,
                a.webhook_url,
                json_text(&a.webhook_headers)?,
                json_text(&a.webhook_auth)?,
                a.status,
                a.status_message,
                a.status_since,
                a.last_active_at,
                json_text(&a.commands)?,
                a.tag,
                a.management_url,
                a.management_api_key,
                a.is_subagent,
                a.parent_agent_id,
                a.created_at,
                a.updated_at
            ],
        )?;
        Ok(())
    }

    pub(crate) fn agent(&self, id: &str) -> Result<Option<AgentRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = ?1"),
                [id],
                AgentRow::from_row,
            )
            .optional()?)
    }

    /// The agent with this id if `owner_id` owns it (Prisma's `findFirst({id, ownerId})`).
    pub(crate) fn owned_agent(
        &self,
        id: &str,
        owner_id: &str,
    ) -> Result<Option<AgentRow>, StoreError> {
        Ok(self.agent(id)?.filter(|a| a.owner_id == owner_id))
    }

    /// A user's agents, newest first.
    pub(crate) fn agents_of(&self, owner_id: &str) -> Result<Vec<AgentRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {AGENT_COLUMNS} FROM agents WHERE owner_id = ?1 \
             ORDER BY created_at DESC, seq DESC"
        ))?;
        let rows = stmt
            .query_map([owner_id], AgentRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Sets the sub-agent flag and parent of an agent; returns the updated row.
    pub(crate) fn set_subagent(
        &self,
        id: &str,
        is_subagent: bool,
        parent_agent_id: Option<&str>,
        at: &str,
    ) -> Result<Option<AgentRow>, StoreError> {
        self.conn().execute(
            "UPDATE agents SET is_subagent = ?2, parent_agent_id = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, is_subagent, parent_agent_id, at],
        )?;
        self.agent(id)
    }

    /// Writes a status ping. `status_since` moves only when the status changes;
    /// `last_active_at` always does. Returns the updated row.
    pub(crate) fn record_status(
        &self,
        id: &str,
        status: &str,
        status_message: Option<&str>,
        at: &str,
    ) -> Result<Option<AgentRow>, StoreError> {
        self.conn().execute(
            "UPDATE agents SET
                status_since = CASE WHEN status = ?2 AND status_since IS NOT NULL
                                    THEN status_since ELSE ?4 END,
                status = ?2,
                status_message = ?3,
                last_active_at = ?4,
                updated_at = ?4
             WHERE id = ?1",
            params![id, status, status_message, at],
        )?;
        self.agent(id)
    }

    /// Last message and unread count of one channel for one user. Unread counts only
    /// agent messages newer than the user's read marker (all of them without one).
    pub(crate) fn channel_summary(
        &self,
        user_id: &str,
        channel_id: &str,
    ) -> Result<ChannelSummary, StoreError> {
        let conn = self.conn();
        let last: Option<(Option<String>, String)> = conn
            .query_row(
                "SELECT text, created_at FROM messages WHERE channel_id = ?1
                 ORDER BY created_at DESC, seq DESC LIMIT 1",
                [channel_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let last_read: Option<String> = conn
            .query_row(
                "SELECT last_read_at FROM channel_reads WHERE user_id = ?1 AND channel_id = ?2",
                [user_id, channel_id],
                |r| r.get(0),
            )
            .optional()?;
        let unread_count: i64 = conn.query_row(
            "SELECT COUNT(*) FROM messages WHERE channel_id = ?1 AND sender_type = 'agent'
             AND (?2 IS NULL OR created_at > ?2)",
            params![channel_id, last_read],
            |r| r.get(0),
        )?;
        Ok(match last {
            Some((text, time)) => ChannelSummary {
                last_message: Some(text),
                last_message_time: Some(time),
                unread_count,
            },
            None => ChannelSummary {
                unread_count,
                ..ChannelSummary::default()
            },
        })
    }
}
