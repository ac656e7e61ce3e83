//! The accounts: who is signed in where, how they are named to the person, and how
//! each is kept in the settings file.

use placet_client::ServerUrl;
use serde::{Deserialize, Serialize};

use super::parse_server;

/// How the account signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AccountMode {
    /// Email and password; the JWT is in the keychain. Can answer reviews.
    User,
    /// An API key in the keychain: watch-only (the server has no API-key answer route).
    ApiKey,
}

/// A signed-in account (without its secret). There may be several, one per server and
/// person; each has its own keychain entries, outbox and decision log, all keyed by
/// its web address and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The web address: what the person typed, where links to reviews go, and the
    /// account's identity (keychain entries, outbox rows).
    pub server: ServerUrl,
    /// The API address: REST and the live connection (Socket.IO). The web address behind
    /// a reverse proxy; the backend's in upstream's default docker-compose.
    pub api: ServerUrl,
    /// The email, or `api-key` in API-key mode.
    pub name: String,
    pub mode: AccountMode,
}

impl Account {
    /// The host (and port, when it is not the scheme's) of the web address: how the
    /// account is named in the tray, the notifications and `--account`.
    pub fn host(&self) -> String {
        let url = self.server.url();
        let host = url.host_str().unwrap_or_default();
        match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// True when this is the same account: the same web address and name.
    pub fn same_as(&self, other: &Account) -> bool {
        self.server == other.server && self.name == other.name
    }

    /// True when `name` names this account: its host, its web address, its name
    /// (email), or `name@host` (case does not matter).
    pub fn answers_to(&self, name: &str) -> bool {
        let name = name.trim().trim_end_matches('/');
        let host = self.host();
        [
            host.clone(),
            self.server.display().trim_end_matches('/').to_owned(),
            self.name.clone(),
            format!("{}@{host}", self.name),
        ]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// How the person's accounts are named to them: by host, or by `name@host` where two
/// share a host.
pub fn account_label(accounts: &[Account], account: &Account) -> String {
    let host = account.host();
    if accounts.iter().filter(|a| a.host() == host).count() > 1 {
        format!("{}@{host}", account.name)
    } else {
        host
    }
}

/// An account in the file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct RawAccount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) server: Option<String>,
    /// The API address, when it is not the web address.
    #[serde(skip_serializing_if = "Option::is_none")]
    api_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_mode: Option<AccountMode>,
    /// The person allowed plain `http` to this (remote) server.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    allow_insecure_http: bool,
}

impl RawAccount {
    pub(super) fn parse(self) -> Option<Account> {
        let (server, name) = (self.server?, self.account?);
        match parse_server(&server, self.allow_insecure_http) {
            Ok(server) => Some(Account {
                api: self
                    .api_url
                    .as_deref()
                    .and_then(|a| parse_server(a, self.allow_insecure_http).ok())
                    .unwrap_or_else(|| server.clone()),
                server,
                name,
                mode: self.account_mode.unwrap_or(AccountMode::User),
            }),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring a saved server URL");
                None
            }
        }
    }

    pub(super) fn from(a: &Account) -> Self {
        RawAccount {
            server: Some(a.server.display().to_owned()),
            api_url: (a.api != a.server).then(|| a.api.display().to_owned()),
            account: Some(a.name.clone()),
            account_mode: Some(a.mode),
            allow_insecure_http: a.server.insecure_http_allowed() || a.api.insecure_http_allowed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_named_by_host_and_by_person_where_two_share_one() {
        let at = |server: &str, name: &str| Account {
            server: ServerUrl::parse(server).unwrap(),
            api: ServerUrl::parse(server).unwrap(),
            name: name.into(),
            mode: AccountMode::User,
        };
        let work = at("https://work.example", "me@work.example");
        let home = at("http://127.0.0.1:3000", "me@home");
        let home2 = at("http://127.0.0.1:3000", "you@home");
        assert_eq!(
            account_label(&[work.clone(), home.clone()], &home),
            "127.0.0.1:3000"
        );
        assert_eq!(
            account_label(&[work.clone(), home.clone(), home2.clone()], &home2),
            "you@home@127.0.0.1:3000"
        );
        assert!(work.answers_to("WORK.example"));
        assert!(work.answers_to("https://work.example/"));
        assert!(work.answers_to("me@work.example"));
        assert!(home.answers_to("me@home@127.0.0.1:3000"));
        assert!(!home.answers_to("127.0.0.1"));
        assert!(!home.answers_to("you@home"));
    }
}
