//! Settings: read once at the edge into a validated [`Config`], written back whole.
//! No secret is ever part of it.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Local, NaiveTime, Utc};
use placet_client::ServerUrl;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::attention::prefs::AttentionPrefs;
use account::RawAccount;
pub use account::{account_label, Account, AccountMode};

mod account;

/// Which agent messages raise a notification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum NotifyFor {
    /// Reviews only (default).
    #[default]
    Reviews,
    /// Every agent message.
    All,
}

/// Hours during which notifications stay silent (local time; may span midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuietHours {
    /// `HH:MM`.
    #[serde(with = "hhmm")]
    #[ts(type = "string")]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    #[ts(type = "string")]
    pub end: NaiveTime,
}

impl QuietHours {
    /// True when `t` falls within the quiet hours.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M").map_err(serde::de::Error::custom)
    }
}

/// Notification preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NotificationPrefs {
    /// Paused until this time (the tray's "Pause notifications").
    pub paused_until: Option<DateTime<Utc>>,
    pub quiet_hours: Option<QuietHours>,
    /// Agent ids whose reviews do not pop up (they still count in the tray).
    pub muted_agents: Vec<String>,
    pub notify_for: NotifyFor,
    /// Play the notification sound.
    pub sound: bool,
    /// Notify when an agent reports an error (off by default).
    pub agent_errors: bool,
}

impl Default for NotificationPrefs {
    /// Everything on: notify for reviews, with sound, no pause, no quiet hours, no mute.
    fn default() -> Self {
        Self {
            paused_until: None,
            quiet_hours: None,
            muted_agents: Vec::new(),
            notify_for: NotifyFor::default(),
            sound: true,
            agent_errors: false,
        }
    }
}

impl NotificationPrefs {
    /// True when a notification may pop up now for this agent.
    pub fn allows(&self, agent_id: &str, now: DateTime<Utc>) -> bool {
        if self.paused_until.is_some_and(|t| now < t) {
            return false;
        }
        if self
            .quiet_hours
            .is_some_and(|q| q.contains(now.with_timezone(&Local).time()))
        {
            return false;
        }
        !self.muted_agents.iter().any(|a| a == agent_id)
    }

    /// True when a notification may pop up now for an agent known by these ids (its own
    /// and its parent's, [`crate::agents::mute_ids`]): muting an agent mutes its
    /// sub-agents.
    pub fn allows_any(&self, ids: &[String], now: DateTime<Utc>) -> bool {
        ids.first().is_some_and(|id| self.allows(id, now))
            && !ids.iter().any(|id| self.muted_agents.contains(id))
    }

    /// True while paused.
    pub fn is_paused(&self, now: DateTime<Utc>) -> bool {
        self.paused_until.is_some_and(|t| now < t)
    }
}

/// How long the window host (the one process with a web engine) stays ready after a
/// review notification went up or a window closed, so that a click shows a window at
/// once. Past it the host exits and the tray weighs what an idle tray weighs, however
/// long reviews wait. `windowsWarmSecs` in the file; 0 keeps no host ready (each window
/// starts one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmTime(Duration);

impl WarmTime {
    /// The default: about the time a person takes to reach for a notification.
    pub const DEFAULT: WarmTime = WarmTime(Duration::from_secs(120));
    /// The longest the file may ask for.
    pub const MAX: Duration = Duration::from_secs(3600);

    /// `secs` seconds, at most [`WarmTime::MAX`].
    pub fn from_secs(secs: u64) -> Self {
        WarmTime(Duration::from_secs(secs).min(Self::MAX))
    }

    pub fn get(self) -> Duration {
        self.0
    }
}

impl Default for WarmTime {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The settings, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The accounts, in the order they were added. The first is the one a command
    /// means when it names none and only one exists.
    pub accounts: Vec<Account>,
    pub notifications: NotificationPrefs,
    /// Start at login (mirrors the autostart entry).
    pub autostart: bool,
    pub windows_warm: WarmTime,
    /// "Answer only in Placet Tray's own windows": notifications carry no answer
    /// buttons or inline replies, and the command line's proposals are refused. For a
    /// person whose agents run as the same user. There is no setting that lets an answer
    /// through without the person: a program's proposal is always confirmed in a
    /// window, whatever this file says.
    pub answer_only_in_windows: bool,
    /// Do Not Disturb, urgency, reminders, the badge, the shortcut, the history.
    pub attention: AttentionPrefs,
}

/// The file's shape. Kept apart so a hand-edited file with a bad value loses only that
/// value, with a warning, not every setting.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RawConfig {
    accounts: Vec<RawAccount>,
    /// The single account of the files written before there could be several: read,
    /// moved into `accounts`, never written again.
    #[serde(flatten, skip_serializing)]
    single: RawAccount,
    notifications: NotificationPrefs,
    autostart: bool,
    /// [`WarmTime`] in seconds (missing: the default).
    windows_warm_secs: Option<u64>,
    answer_only_in_windows: bool,
    attention: AttentionPrefs,
}

/// A server address, with plain `http` to a remote host only when the person allowed it.
pub fn parse_server(
    input: &str,
    allow_insecure_http: bool,
) -> Result<ServerUrl, placet_client::rest::ServerUrlError> {
    if allow_insecure_http {
        ServerUrl::parse_allowing_insecure_http(input)
    } else {
        ServerUrl::parse(input)
    }
}

/// A settings file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read or write the settings file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Config {
    /// Reads the settings; a missing file is the defaults, a malformed one is reported
    /// in the log and replaced by the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        let raw: RawConfig = serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(error = %e, file = %path.display(), "settings file is malformed; using defaults");
            RawConfig::default()
        });
        let older = raw.single.server.is_some() && raw.single.account.is_some();
        let config = Self::from_raw(raw);
        // Only an account that was read is moved: a file it cannot make sense of is left
        // as the person wrote it.
        if older && !config.accounts.is_empty() {
            // The single account of an older version's file: written back as the first
            // of the accounts (its keychain entries and outbox rows keep their keys).
            tracing::info!("the settings' account moved into the list of accounts");
            if let Err(e) = config.save(path) {
                tracing::warn!(error = %e, "cannot write the settings in their new shape");
            }
        }
        Ok(config)
    }

    fn from_raw(raw: RawConfig) -> Self {
        let mut accounts: Vec<Account> = Vec::new();
        for a in raw.accounts.into_iter().chain([raw.single]) {
            if let Some(a) = a.parse() {
                if !accounts.iter().any(|b| b.same_as(&a)) {
                    accounts.push(a);
                }
            }
        }
        Self {
            accounts,
            notifications: raw.notifications,
            autostart: raw.autostart,
            windows_warm: raw
                .windows_warm_secs
                .map_or(WarmTime::DEFAULT, WarmTime::from_secs),
            answer_only_in_windows: raw.answer_only_in_windows,
            attention: raw.attention.clamped(),
        }
    }

    /// Writes the settings atomically (a temporary file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let raw = RawConfig {
            accounts: self.accounts.iter().map(RawAccount::from).collect(),
            single: RawAccount::default(),
            notifications: self.notifications.clone(),
            autostart: self.autostart,
            windows_warm_secs: Some(self.windows_warm.get().as_secs()),
            answer_only_in_windows: self.answer_only_in_windows,
            attention: self.attention.clone(),
        };
        let io = |source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            crate::paths::private_dir(dir).map_err(io)?;
        }
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&raw).unwrap_or_default();
        {
            use std::io::Write;
            let _ = std::fs::remove_file(&tmp);
            let mut f = crate::paths::private_file()
                .create_new(true)
                .write(true)
                .open(&tmp)
                .map_err(io)?;
            f.write_all(text.as_bytes()).map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_bad_values() {
        let dir = std::env::temp_dir().join(format!("placet-cfg-{}", std::process::id()));
        let path = dir.join("config.json");
        let mut c = Config {
            accounts: vec![
                Account {
                    server: ServerUrl::parse("https://placet.example").unwrap(),
                    api: ServerUrl::parse("https://placet.example:3001").unwrap(),
                    name: "me@example.com".into(),
                    mode: AccountMode::User,
                },
                Account {
                    server: ServerUrl::parse("http://127.0.0.1:8080").unwrap(),
                    api: ServerUrl::parse("http://127.0.0.1:8080").unwrap(),
                    name: "api-key".into(),
                    mode: AccountMode::ApiKey,
                },
            ],
            ..Config::default()
        };
        c.notifications.muted_agents = vec!["a1".into()];
        c.windows_warm = WarmTime::from_secs(5);
        c.notifications.quiet_hours = Some(QuietHours {
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
        });
        c.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), c);

        std::fs::write(&path, r#"{"windowsWarmSecs": 999999}"#).unwrap();
        assert_eq!(
            Config::load(&path).unwrap().windows_warm.get(),
            WarmTime::MAX
        );
        std::fs::write(&path, "{}").unwrap();
        assert_eq!(Config::load(&path).unwrap().windows_warm, WarmTime::DEFAULT);
        std::fs::write(&path, r#"{"server": "ftp://nope", "account": "x"}"#).unwrap();
        assert_eq!(Config::load(&path).unwrap().accounts, vec![]);
        std::fs::write(&path, "not json").unwrap();
        assert_eq!(Config::load(&path).unwrap(), Config::default());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_single_account_file_becomes_the_first_of_the_accounts() {
        let dir = std::env::temp_dir().join(format!("placet-cfg1-{}", std::process::id()));
        let path = dir.join("config.json");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            &path,
            r#"{"server": "https://placet.example", "apiUrl": "https://api.placet.example",
                "account": "me@example.com", "accountMode": "user", "autostart": true}"#,
        )
        .unwrap();
        let c = Config::load(&path).unwrap();
        let me = Account {
            server: ServerUrl::parse("https://placet.example").unwrap(),
            api: ServerUrl::parse("https://api.placet.example").unwrap(),
            name: "me@example.com".into(),
            mode: AccountMode::User,
        };
        assert_eq!(c.accounts, vec![me.clone()]);
        assert!(c.autostart);
        c.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["accounts"][0]["account"], "me@example.com");
        assert!(json.get("server").is_none(), "{text}");
        assert_eq!(Config::load(&path).unwrap(), c);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_file_it_cannot_read_an_account_from_is_left_as_written() {
        let dir = std::env::temp_dir().join(format!("placet-cfg2-{}", std::process::id()));
        let path = dir.join("config.json");
        std::fs::create_dir_all(&dir).unwrap();
        for text in [
            r#"{"server":"kept"}"#,
            r#"{"server":"ftp://x","account":"me"}"#,
        ] {
            std::fs::write(&path, text).unwrap();
            assert_eq!(Config::load(&path).unwrap().accounts, vec![]);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn quiet_hours_span_midnight() {
        let q = QuietHours {
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
        };
        assert!(q.contains(NaiveTime::from_hms_opt(23, 30, 0).unwrap()));
        assert!(q.contains(NaiveTime::from_hms_opt(6, 59, 0).unwrap()));
        assert!(!q.contains(NaiveTime::from_hms_opt(12, 0, 0).unwrap()));
    }
}
