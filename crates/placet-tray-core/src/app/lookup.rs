//! Which account a review, an agent or a name belongs to. Review and agent ids are the
//! servers' own, unique across them; an account is named by its host, address or email
//! ([`Account::answers_to`]).

use std::sync::Arc;

use super::{lock, Core, CoreError, Live};
use crate::config::{account_label, Account, AccountMode};

impl Core {
    /// The saved accounts, and any signed in for this run only.
    pub fn accounts(&self) -> Vec<Account> {
        let mut accounts = self.config().accounts;
        for l in self.lives() {
            if !accounts.iter().any(|a| a.same_as(&l.account)) {
                accounts.push(l.account.clone());
            }
        }
        accounts
    }

    /// True while any account is live.
    pub fn is_signed_in(&self) -> bool {
        !lock(&self.lives).is_empty()
    }

    /// The live session of `account`.
    pub fn live_of(&self, account: &Account) -> Option<Arc<Live>> {
        lock(&self.lives)
            .iter()
            .find(|l| l.account.same_as(account))
            .cloned()
    }

    /// The live account whose inbox holds the review or message `message_id` (ids are
    /// the servers' own, unique across them).
    pub fn live_of_review(&self, message_id: &str) -> Option<Arc<Live>> {
        let lives = self.lives();
        lives
            .iter()
            .find(|l| l.inbox.get(message_id).is_some() || l.inbox.is_finished(message_id))
            .or(lives.first().filter(|_| lives.len() == 1))
            .cloned()
    }

    /// [`Core::live_of_review`], or why there is none.
    pub fn live_for_answer(&self, message_id: &str) -> Result<Arc<Live>, CoreError> {
        self.live_of_review(message_id).ok_or_else(|| {
            if self.is_signed_in() {
                CoreError::NoReview(message_id.to_owned())
            } else {
                CoreError::NotSignedIn
            }
        })
    }

    /// The live account that knows the agent `agent_id`.
    pub fn live_of_agent(&self, agent_id: &str) -> Option<Arc<Live>> {
        let lives = self.lives();
        lives
            .iter()
            .find(|l| l.inbox.knows_agent(agent_id))
            .or(lives.first().filter(|_| lives.len() == 1))
            .cloned()
    }

    /// The live account whose password is changed: the one the server asks to change
    /// it, or else the first person's sign-in (not an API key).
    pub fn password_live(&self) -> Result<Arc<Live>, CoreError> {
        let lives = lock(&self.lives);
        let person = |l: &&Arc<Live>| l.account.mode == AccountMode::User;
        lives
            .iter()
            .filter(person)
            .find(|l| l.must_change_password())
            .or_else(|| lives.iter().find(person))
            .cloned()
            .ok_or(CoreError::NotSignedIn)
    }

    /// The saved account named `name`, or the only one when `name` is `None`: an
    /// unknown name and a choice left open are errors that list the accounts.
    pub fn account_named(&self, name: Option<&str>) -> Result<Account, CoreError> {
        let accounts = self.accounts();
        let known = || {
            accounts
                .iter()
                .map(|a| account_label(&accounts, a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(name) => {
                let found: Vec<&Account> = accounts.iter().filter(|a| a.answers_to(name)).collect();
                match found.as_slice() {
                    [one] => Ok((*one).clone()),
                    [] => Err(CoreError::NoSuchAccount {
                        name: name.to_owned(),
                        known: known(),
                    }),
                    _ => Err(CoreError::WhichAccount(known())),
                }
            }
            None => match accounts.as_slice() {
                [] => Err(CoreError::NotSignedIn),
                [one] => Ok(one.clone()),
                _ => Err(CoreError::WhichAccount(known())),
            },
        }
    }
}
