//! The signed-in account with its session, inbox and outbox; sign-in and sign-out;
//! answering. The tray and the command line both drive [`Core`]; the tray only renders
//! what it publishes.

use std::sync::{Arc, Mutex, MutexGuard};

use placet_client::outbox::{AnswerSource, NewAnswer, Outbox, OutboxKey, StoreError};
use placet_client::{
    Answer, ApiError, Credential, Inbox, InboxChange, InvalidAnswer, Message, RestClient, Secret,
    ServerUrl, Session, SessionConfig, SessionState,
};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::config::{Account, AccountMode, Config, ConfigError, NotificationPrefs};
use crate::paths::Paths;
use crate::secrets::{KeychainError, SecretSlot, SecretStore};

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
    #[error("signed in with an API key: watch-only, reviews can only be answered after signing in with email and password")]
    WatchOnly,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    InvalidAnswer(#[from] InvalidAnswer),
    #[error("this review is no longer pending (it was answered or it expired)")]
    NotPending,
    #[error("there is no review with id {0}")]
    NoReview(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0} answer(s) are still waiting to be sent: deliver them first, or discard them")]
    AnswersQueued(usize),
    #[error("{0} answer(s) could not be delivered now; signing out would discard them")]
    Undelivered(usize),
}

/// The live account: what exists while signed in.
#[derive(Debug)]
pub struct Live {
    pub account: Account,
    pub rest: RestClient,
    pub inbox: Inbox,
    pub outbox: Outbox,
    /// False when the secret is held for this run only.
    pub persisted: bool,
    session: Mutex<Option<Session>>,
    state: watch::Receiver<SessionState>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Live {
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
    /// Signed out (or never signed in).
    SignedOut,
    /// The saved sign-in cannot be read: no keychain.
    KeychainUnavailable(String),
    /// Settings changed.
    ConfigChanged,
}

/// The core. One per process.
#[derive(Debug)]
pub struct Core {
    paths: Paths,
    secrets: Arc<dyn SecretStore>,
    config: Mutex<Config>,
    live: Mutex<Option<Arc<Live>>>,
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
            live: Mutex::new(None),
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

    /// The live account, if signed in.
    pub fn live(&self) -> Option<Arc<Live>> {
        lock(&self.live).clone()
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

    /// Signs in with the saved account, if there is one and its secret is in the keychain.
    pub async fn resume(&self) -> Result<Option<Arc<Live>>, CoreError> {
        let Some(account) = self.config().account else {
            let _ = self.events.send(CoreEvent::SignedOut);
            return Ok(None);
        };
        let secret = match self
            .load_secret(SecretSlot::session(&account.server, &account.name))
            .await
        {
            Ok(Some(s)) => s,
            Ok(None) => {
                tracing::info!("no saved sign-in in the keychain");
                let _ = self.events.send(CoreEvent::SignedOut);
                return Ok(None);
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the keychain");
                let _ = self
                    .events
                    .send(CoreEvent::KeychainUnavailable(e.to_string()));
                return Err(e.into());
            }
        };
        let credential = match account.mode {
            AccountMode::User => Credential::Jwt(secret),
            AccountMode::ApiKey => Credential::ApiKey(secret),
        };
        Ok(Some(self.go_live(account, credential, true).await?))
    }

    /// Signs in with email and password. With [`Persist::Keychain`], a keychain that
    /// cannot be reached is an error and nothing changes; the caller may then retry with
    /// [`Persist::ThisRunOnly`].
    pub async fn sign_in(
        &self,
        server: ServerUrl,
        email: &str,
        password: &Secret,
        persist: Persist,
    ) -> Result<Arc<Live>, CoreError> {
        let (account, credential) = authenticate(server, email, password).await?;
        if persist == Persist::Keychain {
            self.save_sign_in(&account, &credential).await?;
        }
        self.go_live(account, credential, persist == Persist::Keychain)
            .await
    }

    /// Saves a sign-in: the secret to the keychain, the account to the settings.
    pub async fn save_sign_in(
        &self,
        account: &Account,
        credential: &Credential,
    ) -> Result<(), CoreError> {
        let secret = match credential {
            Credential::Jwt(s) | Credential::ApiKey(s) => s.clone(),
        };
        let store = self.secrets.clone();
        let slot = SecretSlot::session(&account.server, &account.name);
        blocking(move || store.store(&slot, &secret)).await?;
        let account = account.clone();
        self.update_config(|c| c.account = Some(account))
    }

    /// The saved account and its secret, for the command line.
    pub async fn saved_credential(&self) -> Result<Option<(Account, Credential)>, CoreError> {
        let Some(account) = self.config().account else {
            return Ok(None);
        };
        let Some(secret) = self
            .load_secret(SecretSlot::session(&account.server, &account.name))
            .await?
        else {
            return Ok(None);
        };
        let credential = match account.mode {
            AccountMode::User => Credential::Jwt(secret),
            AccountMode::ApiKey => Credential::ApiKey(secret),
        };
        Ok(Some((account, credential)))
    }

    /// Signs in watch-only with an API key (checked against the agent API first).
    pub async fn sign_in_with_api_key(
        &self,
        server: ServerUrl,
        key: Secret,
        persist: Persist,
    ) -> Result<Arc<Live>, CoreError> {
        let (account, credential) = authenticate_api_key(server, key).await?;
        if persist == Persist::Keychain {
            self.save_sign_in(&account, &credential).await?;
        }
        self.go_live(account, credential, persist == Persist::Keychain)
            .await
    }

    async fn go_live(
        &self,
        account: Account,
        credential: Credential,
        persisted: bool,
    ) -> Result<Arc<Live>, CoreError> {
        let old = lock(&self.live).take();
        if let Some(old) = old {
            old.stop().await;
        }
        let rest = RestClient::new(account.server.clone()).authenticated(credential);
        let inbox = Inbox::new();
        // A watch-only account never queues an answer: its outbox key need not outlive
        // the run (nor touch the keychain).
        let key_kept = persisted && account.mode == AccountMode::User;
        let outbox = self.open_outbox(&account, key_kept).await?;
        let session = Session::start(rest.clone(), inbox.clone(), self.session_config.clone());
        let state = session.watch();
        let mut tasks = Vec::new();
        if account.mode == AccountMode::User {
            tasks.push(tokio::spawn(renew_session(
                rest.clone(),
                account.clone(),
                persisted.then(|| self.secrets.clone()),
            )));
            tasks.push(tokio::spawn(
                outbox.clone().run(rest.clone(), Some(inbox.clone())),
            ));
            tasks.push(tokio::spawn(wire_outbox(
                inbox.clone(),
                outbox.clone(),
                state.clone(),
            )));
        }
        let live = Arc::new(Live {
            account,
            rest,
            inbox,
            outbox,
            persisted,
            session: Mutex::new(Some(session)),
            state,
            tasks: Mutex::new(tasks),
        });
        *lock(&self.live) = Some(live.clone());
        let _ = self.events.send(CoreEvent::SignedIn(live.clone()));
        Ok(live)
    }

    /// Answers of the signed-in (or saved) account still waiting to be sent.
    pub async fn queued_answers(&self) -> Result<usize, CoreError> {
        Ok(match self.account_outbox().await? {
            Some((outbox, _)) => outbox.queued_count()?,
            None => 0,
        })
    }

    /// The outbox and a client of the live account, or of the saved one.
    async fn account_outbox(&self) -> Result<Option<(Outbox, Option<RestClient>)>, CoreError> {
        if let Some(l) = self.live() {
            return Ok((l.account.mode == AccountMode::User)
                .then(|| (l.outbox.clone(), Some(l.rest.clone()))));
        }
        let Some(account) = self
            .config()
            .account
            .filter(|a| a.mode == AccountMode::User)
        else {
            return Ok(None);
        };
        let outbox = self.open_outbox(&account, true).await?;
        let rest = self
            .saved_credential()
            .await?
            .map(|(a, c)| RestClient::new(a.server).authenticated(c));
        Ok(Some((outbox, rest)))
    }

    /// Signs out: stops the session, forgets the secrets (keychain entries deleted) and
    /// the account. Answers still queued are delivered first or discarded, as `queued`
    /// says; [`QueuedOnSignOut::Ask`] refuses while any are queued, so the person can be
    /// asked.
    pub async fn sign_out(&self, queued: QueuedOnSignOut) -> Result<(), CoreError> {
        if let Some((outbox, rest)) = self.account_outbox().await? {
            let waiting = outbox.queued()?;
            if !waiting.is_empty() {
                match queued {
                    QueuedOnSignOut::Ask => return Err(CoreError::AnswersQueued(waiting.len())),
                    QueuedOnSignOut::Deliver(patience) => {
                        let rest = rest.ok_or(CoreError::NotSignedIn)?;
                        let inbox = self.live().map(|l| l.inbox.clone());
                        for q in &waiting {
                            outbox
                                .deliver_now(&rest, &q.message_id, inbox.as_ref(), patience)
                                .await?;
                        }
                        let left = outbox.queued_count()?;
                        if left > 0 {
                            return Err(CoreError::Undelivered(left));
                        }
                    }
                    QueuedOnSignOut::Discard => {
                        let gone = outbox.discard_all()?;
                        tracing::info!(
                            discarded = gone.len(),
                            "queued answers discarded at sign-out"
                        );
                    }
                }
            }
        }
        let live = lock(&self.live).take();
        let account = match &live {
            Some(l) => Some(l.account.clone()),
            None => self.config().account,
        };
        if let Some(l) = &live {
            l.stop().await;
            if l.account.mode == AccountMode::User {
                // Best effort: the server only clears its cookie.
                let _ = l.rest.logout().await;
            }
        }
        if let Some(account) = account {
            // Nothing is queued any more, so the outbox key goes with the session.
            for slot in [
                SecretSlot::session(&account.server, &account.name),
                SecretSlot::outbox_key(&account.server, &account.name),
            ] {
                let store = self.secrets.clone();
                if let Err(e) = blocking(move || store.delete(&slot)).await {
                    tracing::warn!(error = %e, "cannot delete a keychain entry");
                }
            }
        }
        self.update_config(|c| c.account = None)?;
        let _ = self.events.send(CoreEvent::SignedOut);
        Ok(())
    }

    /// Stops everything (on quit).
    pub async fn shutdown(&self) {
        let live = lock(&self.live).take();
        if let Some(l) = live {
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

    /// Validates an answer against the review and queues it for delivery.
    pub async fn respond(
        &self,
        message_id: &str,
        answer: &Answer,
        source: AnswerSource,
    ) -> Result<(), CoreError> {
        let live = self.live().ok_or(CoreError::NotSignedIn)?;
        if live.account.mode == AccountMode::ApiKey {
            return Err(CoreError::WatchOnly);
        }
        let message = match live.inbox.get(message_id) {
            Some(m) => m,
            None if live.inbox.is_finished(message_id) => return Err(CoreError::NotPending),
            None => Arc::new(fetch_review(&live.rest, message_id).await?),
        };
        queue_answer(&live.outbox, &live.inbox, &message, answer, source)
    }
}

/// Signs in with email and password; nothing is saved.
pub async fn authenticate(
    server: ServerUrl,
    email: &str,
    password: &Secret,
) -> Result<(Account, Credential), CoreError> {
    let rest = RestClient::new(server.clone());
    let (user, token) = rest.login(email, password).await?;
    let account = Account {
        server,
        name: user.email,
        mode: AccountMode::User,
    };
    Ok((account, Credential::Jwt(token)))
}

/// Checks an API key against the agent API; nothing is saved.
pub async fn authenticate_api_key(
    server: ServerUrl,
    key: Secret,
) -> Result<(Account, Credential), CoreError> {
    let credential = Credential::ApiKey(key);
    RestClient::new(server.clone())
        .authenticated(credential.clone())
        .agent_agents()
        .await?;
    let account = Account {
        server,
        name: "api-key".to_owned(),
        mode: AccountMode::ApiKey,
    };
    Ok((account, credential))
}

/// Fetches a message that must carry a pending review.
pub async fn fetch_review(rest: &RestClient, message_id: &str) -> Result<Message, CoreError> {
    match rest.message(message_id).await {
        Ok(m) if m.review.is_none() => Err(CoreError::NoReview(message_id.to_owned())),
        Ok(m) if !m.is_pending_review() => Err(CoreError::NotPending),
        Ok(m) => Ok(m),
        Err(ApiError::NotFound { .. }) => Err(CoreError::NoReview(message_id.to_owned())),
        Err(e) => Err(e.into()),
    }
}

/// Validates `answer` against `message`'s review and writes it to the outbox.
pub fn queue_answer(
    outbox: &Outbox,
    inbox: &Inbox,
    message: &Message,
    answer: &Answer,
    source: AnswerSource,
) -> Result<(), CoreError> {
    let review = message.review.as_ref().ok_or(CoreError::NotPending)?;
    if review.is_overdue(chrono::Utc::now()) {
        return Err(CoreError::NotPending);
    }
    let response = review.validate(answer)?;
    let agent = inbox.agent_name(message);
    outbox.enqueue(&NewAnswer {
        message_id: &message.id,
        response: &response,
        feedback: None,
        source,
        agent: &agent,
        review: &review.kind,
        summary: &answer.summary(),
    })?;
    inbox.mark_sending(&message.id, &response);
    Ok(())
}

/// Keeps the inbox and outbox consistent: reviews with a queued answer (from before a
/// restart, or from the command line) are marked as being sent when they show up, and
/// every reconnect retries queued answers at once.
async fn wire_outbox(inbox: Inbox, outbox: Outbox, mut state: watch::Receiver<SessionState>) {
    let mut changes = inbox.subscribe();
    loop {
        tokio::select! {
            change = changes.recv() => match change {
                Ok(InboxChange::Added(m)) => {
                    if let Ok(Some(r)) = outbox.queued_response(&m.id) {
                        inbox.mark_sending(&m.id, &r);
                    }
                }
                Ok(InboxChange::Synced { .. }) => {
                    for m in inbox.awaiting() {
                        if let Ok(Some(r)) = outbox.queued_response(&m.id) {
                            inbox.mark_sending(&m.id, &r);
                        }
                    }
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            changed = state.changed() => {
                if changed.is_err() {
                    return;
                }
                if state.borrow_and_update().is_connected() {
                    outbox.retry_now();
                }
            }
        }
    }
}

/// Renew the session this long before its JWT expires (Placet's JWTs last 7 days).
const RENEW_BEFORE: chrono::Duration = chrono::Duration::days(2);

/// Keeps the sign-in alive: shortly before the JWT expires, `POST /api/auth/refresh`
/// gives a new one, which every clone of the client (the session too) starts using and
/// which replaces the keychain entry.
async fn renew_session(rest: RestClient, account: Account, keep_in: Option<Arc<dyn SecretStore>>) {
    use std::time::Duration;
    loop {
        let Some(Credential::Jwt(token)) = rest.credential() else {
            return;
        };
        let now = chrono::Utc::now();
        let wait = match placet_client::secret::jwt_expiry(&token) {
            Some(exp) => (exp - RENEW_BEFORE - now)
                .to_std()
                .unwrap_or(Duration::ZERO),
            None => Duration::from_secs(12 * 3600),
        };
        tokio::time::sleep(wait.min(Duration::from_secs(12 * 3600))).await;
        let due = placet_client::secret::jwt_expiry(&token)
            .is_none_or(|exp| exp - RENEW_BEFORE <= chrono::Utc::now());
        if !due {
            continue;
        }
        match rest.refresh().await {
            Ok((_, Some(fresh))) => {
                tracing::info!("session renewed");
                rest.set_credential(Credential::Jwt(fresh.clone()));
                if let Some(store) = keep_in.clone() {
                    let slot = SecretSlot::session(&account.server, &account.name);
                    if let Err(e) = blocking(move || store.store(&slot, &fresh)).await {
                        tracing::warn!(error = %e, "cannot save the renewed session");
                    }
                }
            }
            Ok((_, None)) => tracing::warn!("the server renewed the session without a new token"),
            Err(e) if e.is_auth() => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot renew the session; trying again later");
                tokio::time::sleep(Duration::from_secs(15 * 60)).await;
            }
        }
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
