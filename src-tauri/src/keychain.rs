//! The OS keychain: one entry per server and account (Secret Service on Linux, the
//! Keychain on macOS, the Credential Manager on Windows).

use placet_client::{Secret, ServerUrl};

/// Keychain failures a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// No keychain service answers (no Secret Service on the session bus, or it is
    /// locked and cannot be unlocked).
    #[error("the system keychain is not available ({0})")]
    Unavailable(String),
    /// The keychain answered with an error.
    #[error("the system keychain refused the request ({0})")]
    Failed(String),
}

/// The keychain entry of one account on one server.
#[derive(Debug, Clone)]
pub struct KeychainEntry {
    service: String,
    user: String,
}

/// The service name of the entries: `placet-tray` plus the server, so `secret-tool
/// search service 'placet-tray https://…'` finds them.
pub fn service_name(server: &ServerUrl) -> String {
    format!("placet-tray {}", server.display())
}

impl KeychainEntry {
    /// The entry of `account` (an email, or `api-key`) on `server`.
    pub fn new(server: &ServerUrl, account: &str) -> Self {
        Self {
            service: service_name(server),
            user: account.to_owned(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.service, &self.user).map_err(map_err)
    }

    /// Stores (or replaces) the secret.
    pub fn store(&self, secret: &Secret) -> Result<(), KeychainError> {
        self.entry()?.set_password(secret.expose()).map_err(map_err)
    }

    /// The secret, if stored.
    pub fn load(&self) -> Result<Option<Secret>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    /// Deletes the secret; deleting what is not there is not an error.
    pub fn delete(&self) -> Result<(), KeychainError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

fn map_err(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::NoStorageAccess(inner) => KeychainError::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            // With no Secret Service on the bus, the D-Bus call fails as a platform
            // failure; that is "unavailable" to a person.
            if text.contains("ServiceUnknown")
                || text.contains("not provided by any .service")
                || text.contains("org.freedesktop.secrets")
                || text.contains("NoReply")
            {
                KeychainError::Unavailable(text)
            } else {
                KeychainError::Failed(text)
            }
        }
        other => KeychainError::Failed(other.to_string()),
    }
}
