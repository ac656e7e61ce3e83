//! Where secrets live: behind [`SecretStore`], the OS keychain in the app (Secret Service
//! on Linux, the Keychain on macOS, the Credential Manager on Windows), memory in tests.
//! One entry per server, account and purpose; nothing secret ever reaches a file.

use std::collections::HashMap;
use std::sync::Mutex;

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

/// The name of one secret: a service and a user, as keychains file them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretSlot {
    service: String,
    user: String,
}

/// The service name of the session entries: `placet-tray` plus the server, so
/// `secret-tool search service 'placet-tray https://…'` finds them.
pub fn service_name(server: &ServerUrl) -> String {
    format!("placet-tray {}", server.display())
}

impl SecretSlot {
    /// The sign-in (a JWT or an API key) of `account` (an email, or `api-key`) on
    /// `server`.
    pub fn session(server: &ServerUrl, account: &str) -> Self {
        Self {
            service: service_name(server),
            user: account.to_owned(),
        }
    }

    /// The key that seals `account`'s queued answers on `server` at rest.
    pub fn outbox_key(server: &ServerUrl, account: &str) -> Self {
        Self {
            service: format!("placet-tray outbox {}", server.display()),
            user: account.to_owned(),
        }
    }

    /// The keychain's service attribute.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The keychain's user attribute.
    pub fn user(&self) -> &str {
        &self.user
    }
}

/// A place to keep secrets. Calls may block (a keychain is a D-Bus or system call away):
/// run them off async threads.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// Stores (or replaces) the secret.
    fn store(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), KeychainError>;
    /// The secret, if stored.
    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, KeychainError>;
    /// Deletes the secret; deleting what is not there is not an error.
    fn delete(&self, slot: &SecretSlot) -> Result<(), KeychainError>;
}

/// The OS keychain, through `keyring`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Keychain;

impl Keychain {
    fn entry(slot: &SecretSlot) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&slot.service, &slot.user).map_err(map_err)
    }
}

impl SecretStore for Keychain {
    fn store(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), KeychainError> {
        Self::entry(slot)?
            .set_password(secret.expose())
            .map_err(map_err)
    }

    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, KeychainError> {
        match Self::entry(slot)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn delete(&self, slot: &SecretSlot) -> Result<(), KeychainError> {
        match Self::entry(slot)?.delete_credential() {
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

/// Secrets held in memory: for tests, and a stand-in that can be told to be unavailable.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<SecretSlot, Secret>>,
    unavailable: Mutex<Option<String>>,
}

impl MemoryStore {
    /// From now on every call fails as [`KeychainError::Unavailable`] (or works again
    /// with `None`).
    pub fn set_unavailable(&self, reason: Option<&str>) {
        *lock(&self.unavailable) = reason.map(str::to_owned);
    }

    fn check(&self) -> Result<(), KeychainError> {
        match lock(&self.unavailable).as_ref() {
            Some(r) => Err(KeychainError::Unavailable(r.clone())),
            None => Ok(()),
        }
    }

    /// How many secrets are held.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// True when no secret is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SecretStore for MemoryStore {
    fn store(&self, slot: &SecretSlot, secret: &Secret) -> Result<(), KeychainError> {
        self.check()?;
        lock(&self.entries).insert(slot.clone(), secret.clone());
        Ok(())
    }

    fn load(&self, slot: &SecretSlot) -> Result<Option<Secret>, KeychainError> {
        self.check()?;
        Ok(lock(&self.entries).get(slot).cloned())
    }

    fn delete(&self, slot: &SecretSlot) -> Result<(), KeychainError> {
        self.check()?;
        lock(&self.entries).remove(slot);
        Ok(())
    }
}
