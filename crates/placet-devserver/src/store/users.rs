//! Users, API keys and per-channel read markers.

use rusqlite::{params, OptionalExtension, Row};

use super::{Store, StoreError};
use crate::model::UserRow;

impl UserRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            email: r.get(1)?,
            password_hash: r.get(2)?,
            display_name: r.get(3)?,
            role: r.get(4)?,
            must_change_password: r.get(5)?,
            created_at: r.get(6)?,
        })
    }
}

const USER_COLUMNS: &str =
    "id, email, password_hash, display_name, role, must_change_password, created_at";

/// An API key found by its hash.
#[derive(Debug, Clone)]
pub(crate) struct ApiKeyOwner {
    pub(crate) key_id: String,
    pub(crate) user_id: String,
    pub(crate) last_used_at: Option<String>,
}

impl Store {
    pub(crate) fn insert_user(&self, user: &UserRow) -> Result<(), StoreError> {
        self.conn().execute(
            &format!("INSERT INTO users ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            params![
                user.id,
                user.email,
                user.password_hash,
                user.display_name,
                user.role,
                user.must_change_password,
                user.created_at
            ],
        )?;
        Ok(())
    }

    pub(crate) fn user(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [id],
                UserRow::from_row,
            )
            .optional()?)
    }

    pub(crate) fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"),
                [email],
                UserRow::from_row,
            )
            .optional()?)
    }

    pub(crate) fn set_password_hash(
        &self,
        user_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE users SET password_hash = ?2, must_change_password = 0 WHERE id = ?1",
            [user_id, password_hash],
        )?;
        Ok(())
    }

    pub(crate) fn insert_api_key(
        &self,
        user_id: &str,
        label: &str,
        key_prefix: &str,
        key_hash: &str,
        created_at: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO api_keys (id, user_id, label, key_prefix, key_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                crate::util::new_id(),
                user_id,
                label,
                key_prefix,
                key_hash,
                created_at
            ],
        )?;
        Ok(())
    }

    pub(crate) fn api_key_owner(&self, key_hash: &str) -> Result<Option<ApiKeyOwner>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, user_id, last_used_at FROM api_keys WHERE key_hash = ?1",
                [key_hash],
                |r| {
                    Ok(ApiKeyOwner {
                        key_id: r.get(0)?,
                        user_id: r.get(1)?,
                        last_used_at: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    pub(crate) fn touch_api_key(&self, key_id: &str, at: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
            [key_id, at],
        )?;
        Ok(())
    }

    /// Upserts `ChannelRead{userId, channelId, lastReadAt}`.
    pub(crate) fn mark_read(
        &self,
        user_id: &str,
        channel_id: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO channel_reads (user_id, channel_id, last_read_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id, channel_id) DO UPDATE SET last_read_at = excluded.last_read_at",
            [user_id, channel_id, at],
        )?;
        Ok(())
    }
}
