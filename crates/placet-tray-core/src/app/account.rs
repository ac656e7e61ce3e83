//! Sign-in, sign-out, resuming the saved accounts, and keeping the session alive.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use placet_client::outbox::Outbox;
use placet_client::{Credential, Inbox, RestClient, Secret, ServerUrl, Session};

use super::answer::wire_outbox;
use super::discover::{check_live, discover};
use super::{blocking, lock, Core, CoreError, CoreEvent, Live, Persist, QueuedOnSignOut};
use crate::config::{Account, AccountMode};
use crate::secrets::{SecretSlot, SecretStore};

/// An account's two addresses: where the person browses (links) and where the app
/// talks (REST and the live connection). One and the same behind a reverse proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addresses {
    pub web: ServerUrl,
    pub api: ServerUrl,
}

impl Addresses {
    /// The API address of `web` ([`discover`]), or `api` when the person gave it (then
    /// checked to answer Placet's live connection).
    pub async fn find(
        web: ServerUrl,
        api: Option<ServerUrl>,
        allow_insecure_http: bool,
    ) -> Result<Addresses, CoreError> {
        let api = match api {
            Some(api) => {
                check_live(&api).await?;
                api
            }
            None => discover(&web, allow_insecure_http).await?,
        };
        Ok(Addresses { web, api })
    }
}

impl Core {
    /// Signs in with every saved account whose secret is in the keychain; returns the
    /// accounts now live. An account whose secret is missing stays saved, signed out.
    /// An account that cannot be resumed (the keychain refuses its entry, its outbox
    /// cannot be opened) does not hold the others back; the error is returned only when
    /// no account could be resumed.
    pub async fn resume(&self) -> Result<Vec<Arc<Live>>, CoreError> {
        let mut lives = Vec::new();
        let mut failed = None;
        for account in self.config().accounts {
            match self.resume_one(account).await {
                Ok(Some(live)) => lives.push(live),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "an account could not be resumed");
                    failed.get_or_insert(e);
                }
            }
        }
        if lives.is_empty() {
            let _ = self.events.send(CoreEvent::SignedOut(None));
            if let Some(e) = failed {
                return Err(e);
            }
        }
        Ok(lives)
    }

    async fn resume_one(&self, account: Account) -> Result<Option<Arc<Live>>, CoreError> {
        let secret = match self
            .load_secret(SecretSlot::session(&account.server, &account.name))
            .await
        {
            Ok(Some(s)) => s,
            Ok(None) => {
                tracing::info!(account = %account.host(), "no saved sign-in in the keychain");
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
        addresses: Addresses,
        email: &str,
        password: &Secret,
        persist: Persist,
    ) -> Result<Arc<Live>, CoreError> {
        let (account, credential) = authenticate(addresses, email, password).await?;
        if persist == Persist::Keychain {
            self.save_sign_in(&account, &credential).await?;
        }
        self.go_live(account, credential, persist == Persist::Keychain)
            .await
    }

    /// Saves a sign-in: the secret to the keychain, the account to the settings (added
    /// to the others, or in place of the same account's older entry).
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
        self.update_config(
            |c| match c.accounts.iter_mut().find(|a| a.same_as(&account)) {
                Some(a) => *a = account,
                None => c.accounts.push(account),
            },
        )
    }

    /// A saved account and its secret, for the command line.
    pub async fn saved_credential(
        &self,
        account: &Account,
    ) -> Result<Option<(Account, Credential)>, CoreError> {
        let account = account.clone();
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
        addresses: Addresses,
        key: Secret,
        persist: Persist,
    ) -> Result<Arc<Live>, CoreError> {
        let (account, credential) = authenticate_api_key(addresses, key).await?;
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
        let old = {
            let mut lives = lock(&self.lives);
            let at = lives.iter().position(|l| l.account.same_as(&account));
            at.map(|i| lives.remove(i))
        };
        if let Some(old) = old {
            old.stop().await;
        }
        let rest = RestClient::new(account.api.clone()).authenticated(credential);
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
        let user_mode = account.mode == AccountMode::User;
        let live = Arc::new(Live {
            account,
            rest,
            inbox,
            outbox,
            persisted,
            must_change_password: AtomicBool::new(false),
            session: Mutex::new(Some(session)),
            state,
            tasks: Mutex::new(tasks),
        });
        {
            // In the settings' order, so that the tray's sections keep their places.
            let order = self.config().accounts;
            let place = |a: &Account| order.iter().position(|b| b.same_as(a));
            let mut lives = lock(&self.lives);
            lives.push(live.clone());
            lives.sort_by_key(|l| place(&l.account).unwrap_or(usize::MAX));
        }
        let _ = self.events.send(CoreEvent::SignedIn(live.clone()));
        if user_mode {
            // Whether the server asks for a new password first (a fresh account, or one
            // an admin reset): after a sign-in and after a restart alike.
            let (live, events) = (live.clone(), self.events.clone());
            lock(&live.clone().tasks).push(tokio::spawn(async move {
                if let Ok(user) = live.rest.me().await {
                    if user.must_change_password {
                        live.must_change_password.store(true, Ordering::Relaxed);
                        let _ = events.send(CoreEvent::PasswordChangeNeeded);
                    }
                }
            }));
        }
        Ok(live)
    }

    /// Answers of `account` (live or saved) still waiting to be sent.
    pub async fn queued_answers(&self, account: &Account) -> Result<usize, CoreError> {
        Ok(match self.account_outbox(account).await? {
            Some((outbox, _)) => outbox.queued_count()?,
            None => 0,
        })
    }

    /// The outbox and a client of `account`, live or saved.
    async fn account_outbox(
        &self,
        account: &Account,
    ) -> Result<Option<(Outbox, Option<RestClient>)>, CoreError> {
        if let Some(l) = self.live_of(account) {
            return Ok((l.account.mode == AccountMode::User)
                .then(|| (l.outbox.clone(), Some(l.rest.clone()))));
        }
        if account.mode != AccountMode::User {
            return Ok(None);
        }
        let outbox = self.open_outbox(account, true).await?;
        let rest = self
            .saved_credential(account)
            .await?
            .map(|(a, c)| RestClient::new(a.api).authenticated(c));
        Ok(Some((outbox, rest)))
    }

    /// Signs `account` out: stops its session, forgets its secrets (keychain entries
    /// deleted) and the account; the other accounts are untouched. Answers still queued
    /// are delivered first or discarded, as `queued` says; [`QueuedOnSignOut::Ask`]
    /// refuses while any are queued, so the person can be asked.
    pub async fn sign_out(
        &self,
        account: &Account,
        queued: QueuedOnSignOut,
    ) -> Result<(), CoreError> {
        if let Some((outbox, rest)) = self.account_outbox(account).await? {
            let waiting = outbox.queued()?;
            if !waiting.is_empty() {
                match queued {
                    QueuedOnSignOut::Ask => return Err(CoreError::AnswersQueued(waiting.len())),
                    QueuedOnSignOut::Deliver(patience) => {
                        let rest = rest.ok_or(CoreError::NotSignedIn)?;
                        let inbox = self.live_of(account).map(|l| l.inbox.clone());
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
        let live = {
            let mut lives = lock(&self.lives);
            let at = lives.iter().position(|l| l.account.same_as(account));
            at.map(|i| lives.remove(i))
        };
        if let Some(l) = &live {
            l.stop().await;
            if l.account.mode == AccountMode::User {
                // Best effort: the server only clears its cookie.
                let _ = l.rest.logout().await;
            }
        }
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
        self.update_config(|c| c.accounts.retain(|a| !a.same_as(account)))?;
        let _ = self
            .events
            .send(CoreEvent::SignedOut(Some(account.clone())));
        Ok(())
    }
}

/// Signs in with email and password; nothing is saved.
pub async fn authenticate(
    addresses: Addresses,
    email: &str,
    password: &Secret,
) -> Result<(Account, Credential), CoreError> {
    let rest = RestClient::new(addresses.api.clone());
    let (user, token) = rest.login(email, password).await?;
    let account = Account {
        server: addresses.web,
        api: addresses.api,
        name: user.email,
        mode: AccountMode::User,
    };
    Ok((account, Credential::Jwt(token)))
}

/// Checks an API key against the agent API; nothing is saved.
pub async fn authenticate_api_key(
    addresses: Addresses,
    key: Secret,
) -> Result<(Account, Credential), CoreError> {
    let credential = Credential::ApiKey(key);
    RestClient::new(addresses.api.clone())
        .authenticated(credential.clone())
        .agent_agents()
        .await?;
    let account = Account {
        server: addresses.web,
        api: addresses.api,
        name: "api-key".to_owned(),
        mode: AccountMode::ApiKey,
    };
    Ok((account, credential))
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
