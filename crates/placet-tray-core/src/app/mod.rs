//! The core: the signed-in accounts, each with its session, inbox and outbox. The tray
//! and the command line both drive [`Core`]; the tray only renders what it publishes.
//!
//! - [`account`]: sign-in, sign-out, resuming the saved accounts, keeping the session
//!   alive.
//! - [`answer`]: answering: the decision ([`crate::decide`]) acted on, the outbox fed.
//! - [`discover`]: the live connection's address from the address a person types.
//! - [`lookup`]: which account a review, an agent or a name belongs to.
//! - [`reply`]: the person's messages to agents, decided and queued like answers.

mod account;
mod answer;
pub mod discover;
mod lookup;
mod reply;

use std::sync::{Arc, Mutex, MutexGuard};

use placet_client::outbox::{Outbox, OutboxKey, StoreError};
use placet_client::{
    ApiError, Inbox, InvalidAnswer, RestClient, Secret, Session, SessionConfig, SessionState,
};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::config::{Account, Config, ConfigError, NotificationPrefs};
use crate::decide::Refusal;
use crate::paths::Paths;
use crate::secrets::{KeychainError, SecretSlot, SecretStore};

pub use account::{authenticate, authenticate_api_key, Addresses};
pub use answer::{fetch_review, queue_answer, response_for, Verdict};
pub use reply::{ReplyError, ReplyVerdict, MAX_REPLY_CHARS, MAX_REPLY_FILES};

/// Where the sign-in secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persist {
    /// In the OS keychain (the default).
    Keychain,
    /// In memory only, for this run (no keychain is reachable, or demo mode).
    ThisRunOnly,
}

/// What sign-out does with answers still waiting to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuedOnSignOut {
    /// Refuse with [`CoreError::AnswersQueued`] so the person can be asked.
    Ask,
    /// Deliver them now (each tried for up to this long) and sign out only when all
    /// went out.
    Deliver(std::time::Duration),
    /// Discard them (the decision log says so).
    Discard,
}

/// An error of a core operation, with the cases the UI and the command line tell apart.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("not signed in")]
    NotSignedIn,
    /// `--account NAME` named no account.
    #[error("no account is named {name}; the accounts are: {known}")]
    NoSuchAccount { name: String, known: String },
    /// Several accounts and none named.
    #[error("there are several accounts; name one with --account: {0}")]
    WhichAccount(String),
    /// The rules ([`crate::decide`]) send nothing.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The web address's live connection was not found.
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    InvalidAnswer(#[from] InvalidAnswer),
    #[error("there is no review with id {0}")]
    NoReview(String),
    #[error(transparent)]
    Reply(#[from] ReplyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0} answer(s) are still waiting to be sent: deliver them first, or discard them")]
    AnswersQueued(usize),
    #[error("{0} answer(s) could not be delivered now; signing out would discard them")]
    Undelivered(usize),
}

/// A live account: what exists while it is signed in.
#[derive(Debug)]
pub struct Live {
    pub account: Account,
    pub rest: RestClient,
    pub inbox: Inbox,
    pub outbox: Outbox,
    /// False when the secret is held for this run only.
    pub persisted: bool,
    /// The server asks the person to choose a new password before anything else.
    must_change_password: std::sync::atomic::AtomicBool,
    session: Mutex<Option<Session>>,
    state: watch::Receiver<SessionState>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Live {
    /// True while the server asks the person to choose a new password.
    pub fn must_change_password(&self) -> bool {
        self.must_change_password
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The session's state now.
    pub fn state(&self) -> SessionState {
        self.state.borrow().clone()
    }

    /// A receiver of session state changes.
    pub fn watch_state(&self) -> watch::Receiver<SessionState> {
        self.state.clone()
    }

    /// Asks the session to reconnect at once (resume from sleep, network change).
    pub fn reconnect_now(&self) {
        if let Some(s) = lock(&self.session).as_ref() {
            s.reconnect_now();
        }
        self.outbox.retry_now();
    }

    async fn stop(&self) {
        let session = lock(&self.session).take();
        if let Some(s) = session {
            s.shutdown().await;
        }
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
    }
}

/// A change the shell reacts to.
#[derive(Debug, Clone)]
pub enum CoreEvent {
    /// A new account is live (subscribe to its inbox, state and outbox).
    SignedIn(Arc<Live>),
    /// An account was signed out (`None`: at start, none could be resumed).
    SignedOut(Option<Account>),
    /// The saved sign-in cannot be read: no keychain.
    KeychainUnavailable(String),
    /// Settings changed.
    ConfigChanged,
    /// The server asks the person to choose a new password before anything else.
    PasswordChangeNeeded,
}

impl Core {
    /// Changes the signed-in person's password (`current` checked by the server), on
    /// the account whose server asks for it ([`Core::password_live`]).
    pub async fn change_password(&self, current: &Secret, new: &Secret) -> Result<(), CoreError> {
        let live = self.password_live()?;
        live.rest.change_password(current, new).await?;
        live.must_change_password
            .store(false, std::sync::atomic::Ordering::Relaxed);
        let _ = self.events.send(CoreEvent::ConfigChanged);
        Ok(())
    }

    /// Retries the delivery of a review's answer to its agent (a failed webhook); the
    /// server's refusal is said as it says it.
    pub async fn retry_delivery(&self, message_id: &str) -> Result<(), CoreError> {
        let live = self
            .live_of_review(message_id)
            .ok_or(CoreError::NotSignedIn)?;
        Ok(live.rest.retry_delivery(message_id).await?)
    }
}

/// The core. One per process.
#[derive(Debug)]
pub struct Core {
    paths: Paths,
    secrets: Arc<dyn SecretStore>,
    config: Mutex<Config>,
    /// The live accounts, in the order of the settings' accounts.
    lives: Mutex<Vec<Arc<Live>>>,
    events: broadcast::Sender<CoreEvent>,
    session_config: SessionConfig,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Core {
    /// Reads the settings; nothing connects yet. Secrets are kept in `secrets`.
    pub fn new(
        paths: Paths,
        session_config: SessionConfig,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Arc<Self>, CoreError> {
        let config = Config::load(&paths.config_file())?;
        let (events, _) = broadcast::channel(64);
        Ok(Arc::new(Self {
            paths,
            secrets,
            config: Mutex::new(config),
            lives: Mutex::new(Vec::new()),
            events,
            session_config,
        }))
    }

    /// The app's folders.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Subscribes to core events.
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    /// The settings now.
    pub fn config(&self) -> Config {
        lock(&self.config).clone()
    }

    /// The live accounts.
    pub fn lives(&self) -> Vec<Arc<Live>> {
        lock(&self.lives).clone()
    }

    /// Changes the notification preferences and saves them.
    pub fn update_prefs(&self, f: impl FnOnce(&mut NotificationPrefs)) -> Result<(), CoreError> {
        self.update_config(|c| f(&mut c.notifications))
    }

    /// Changes the settings and saves them.
    pub fn update_config(&self, f: impl FnOnce(&mut Config)) -> Result<(), CoreError> {
        let snapshot = {
            let mut c = lock(&self.config);
            f(&mut c);
            c.clone()
        };
        snapshot.save(&self.paths.config_file())?;
        let _ = self.events.send(CoreEvent::ConfigChanged);
        Ok(())
    }

    /// Stops everything (on quit).
    pub async fn shutdown(&self) {
        let lives = std::mem::take(&mut *lock(&self.lives));
        for l in lives {
            l.stop().await;
        }
    }

    /// The outbox of `account`, sealed with its key from the keychain (created and stored
    /// there on first use). With `keep_key` false the key lives for this run only:
    /// answers it seals cannot be read by a later run, and are never sent by one.
    pub async fn open_outbox(
        &self,
        account: &Account,
        keep_key: bool,
    ) -> Result<Outbox, CoreError> {
        let key = if keep_key {
            let slot = SecretSlot::outbox_key(&account.server, &account.name);
            match self.load_secret(slot.clone()).await? {
                Some(secret) => match OutboxKey::from_secret(&secret) {
                    Ok(k) => k,
                    Err(e) => {
                        // A damaged entry would make every queued answer unreadable;
                        // those stay in the database, reported, never sent.
                        tracing::warn!(error = %e, "the outbox key in the keychain is unreadable; making a new one");
                        self.new_outbox_key(slot).await?
                    }
                },
                None => self.new_outbox_key(slot).await?,
            }
        } else {
            OutboxKey::generate()
        };
        Ok(Outbox::open(
            &self.paths.database(),
            &account.server,
            &account.name,
            key,
        )?)
    }

    async fn new_outbox_key(&self, slot: SecretSlot) -> Result<OutboxKey, KeychainError> {
        let key = OutboxKey::generate();
        let store = self.secrets.clone();
        let secret = key.to_secret();
        blocking(move || store.store(&slot, &secret)).await?;
        Ok(key)
    }

    async fn load_secret(&self, slot: SecretSlot) -> Result<Option<Secret>, KeychainError> {
        let store = self.secrets.clone();
        blocking(move || store.load(&slot)).await
    }
}

/// Runs a blocking keychain call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, KeychainError> + Send + 'static,
) -> Result<T, KeychainError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(KeychainError::Failed(e.to_string())))
}
