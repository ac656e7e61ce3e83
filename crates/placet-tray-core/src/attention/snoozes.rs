//! Snoozed reviews, kept with the app's data (`snoozes.json` beside the database, private
//! to the user) so they survive a restart: which review of which account comes back when.
//! No secret and nothing the person answered is in it: a review's id, its agent's name
//! and a time.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One snoozed review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Snooze {
    /// The account's web address (as displayed) and name: another account's snoozes are
    /// kept, and left alone.
    pub server: String,
    pub account: String,
    pub message_id: String,
    /// When it comes back.
    #[ts(type = "string")]
    pub until: DateTime<Utc>,
    /// Its agent's name, for lists.
    pub agent: String,
}

impl Snooze {
    /// True for a snooze of this account.
    pub fn of(&self, server: &str, account: &str) -> bool {
        self.server == server && self.account == account
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default)]
    snoozes: Vec<Snooze>,
}

/// The file of snoozes.
#[derive(Debug, Clone)]
pub struct SnoozeStore {
    path: PathBuf,
}

/// Snoozes kept at most (the oldest go first): a program pressing "Remind me" through a
/// daemon's command line cannot grow the file without bound.
pub const MAX_SNOOZES: usize = 500;

impl SnoozeStore {
    /// The store in the app's data folder.
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join("snoozes.json"),
        }
    }

    /// Its file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every snooze (of every account); none when the file is missing or unreadable
    /// (reported in the log).
    pub fn load(&self) -> Vec<Snooze> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the snoozed reviews");
                return Vec::new();
            }
        };
        match serde_json::from_str::<File>(&text) {
            Ok(f) => f.snoozes,
            Err(e) => {
                tracing::warn!(error = %e, "the file of snoozed reviews is malformed; starting afresh");
                Vec::new()
            }
        }
    }

    /// Writes `snoozes` (atomically: a private temporary file renamed over the old one).
    pub fn save(&self, snoozes: &[Snooze]) -> std::io::Result<()> {
        let keep = snoozes.len().saturating_sub(MAX_SNOOZES);
        let file = File {
            snoozes: snoozes[keep..].to_vec(),
        };
        if let Some(dir) = self.path.parent() {
            crate::paths::private_dir(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        {
            use std::io::Write;
            let mut f = crate::paths::private_file()
                .create_new(true)
                .write(true)
                .open(&tmp)?;
            f.write_all(
                serde_json::to_string_pretty(&file)
                    .unwrap_or_default()
                    .as_bytes(),
            )?;
        }
        std::fs::rename(&tmp, &self.path)
    }

    /// Changes the snoozes and writes them back; returns what `f` returned.
    pub fn update<T>(&self, f: impl FnOnce(&mut Vec<Snooze>) -> T) -> std::io::Result<T> {
        let mut all = self.load();
        let out = f(&mut all);
        self.save(&all)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snooze(id: &str, account: &str) -> Snooze {
        Snooze {
            server: "https://placet.example".into(),
            account: account.into(),
            message_id: id.into(),
            until: Utc::now(),
            agent: "Deploy Bot".into(),
        }
    }

    /// Snoozes survive a new store on the same folder (a restart), each with its
    /// account; the file is private; a damaged file is an empty list.
    #[test]
    fn snoozes_are_kept_with_the_data() {
        let dir = std::env::temp_dir().join(format!("placet-snoozes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = SnoozeStore::in_dir(&dir);
        assert!(store.load().is_empty());
        store
            .update(|s| {
                s.push(snooze("m1", "me@example.com"));
                s.push(snooze("m2", "other@example.com"));
            })
            .unwrap();
        let again = SnoozeStore::in_dir(&dir).load();
        assert_eq!(again.len(), 2);
        assert!(again[0].of("https://placet.example", "me@example.com"));
        assert!(!again[1].of("https://placet.example", "me@example.com"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::write(store.path(), "not json").unwrap();
        assert!(store.load().is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
