//! The seeded accounts, agents and API keys every dev server starts with.
//!
//! Ids, keys and passwords are random, the shape is fixed: an owner `admin@placet.local`
//! with three agents, a member `other@placet.local` with one agent, one API key each.
//! The admin's password can be chosen; the real server's documented `changeme` is never
//! the default, because a demo server runs on a person's machine. Some agents carry fake
//! webhook credentials and a management key so a client's "never show the raw agent row"
//! rule can be tested. Agents start as the real seed leaves them (`prisma/seed.ts`):
//! `offline`, no status message, no `statusSince`, `lastActiveAt` = creation.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Store, StoreError};
use crate::credentials::{api_key_hash, api_key_prefix, hash_password, new_api_key};
use crate::model::{AgentRow, UserRow};
use crate::util::{iso, new_id, now, random_hex};

const SEED_KEY: &str = "seed";

/// What was seeded, with the plain-text credentials tests need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    /// The owner account (`admin@placet.local`) first, then `other@placet.local`.
    pub users: Vec<SeedUser>,
    /// Every seeded agent, the admin's first.
    pub agents: Vec<SeedAgent>,
}

/// A seeded user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedUser {
    /// User id (the JWT `sub`).
    pub id: String,
    /// Login email.
    pub email: String,
    /// Login password (plain text; it is a dev server). Random unless configured.
    pub password: String,
    /// `displayName`.
    pub display_name: String,
    /// `owner` or `member`.
    pub role: String,
    /// The user's API key, `hp_` + 48 hex.
    pub api_key: String,
}

/// A seeded agent (channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedAgent {
    /// Agent id, which is also the `channelId`.
    pub id: String,
    /// Display name, e.g. "Deploy Bot".
    pub name: String,
    /// Id of the owning user.
    pub owner_id: String,
}

impl Seed {
    /// The owner account, `admin@placet.local`.
    pub fn admin(&self) -> &SeedUser {
        &self.users[0]
    }

    /// The second account, `other@placet.local`, whose agent the admin does not own.
    pub fn other(&self) -> &SeedUser {
        &self.users[1]
    }

    /// Agents owned by `user_id`, in seed order.
    pub fn agents_of(&self, user_id: &str) -> Vec<&SeedAgent> {
        self.agents
            .iter()
            .filter(|a| a.owner_id == user_id)
            .collect()
    }

    /// The agent with this name.
    pub fn agent(&self, name: &str) -> Option<&SeedAgent> {
        self.agents.iter().find(|a| a.name == name)
    }

    /// The admin's first agent ("Deploy Bot").
    pub fn deploy_bot(&self) -> &SeedAgent {
        &self.agents[0]
    }

    /// The other user's agent.
    pub fn others_agent(&self) -> &SeedAgent {
        self.agents_of(&self.other().id)[0]
    }
}

/// Returns the seed of this database, creating it on first use. A database seeded
/// before keeps its passwords unless `admin_password` asks for another one.
pub(crate) fn ensure(store: &Store, admin_password: Option<&str>) -> Result<Seed, StoreError> {
    let mut seed = match store.dev_value(SEED_KEY)? {
        Some(text) => serde_json::from_str(&text)?,
        None => create(store, admin_password)?,
    };
    if let Some(password) = admin_password {
        if seed.users[0].password != password {
            store.set_password_hash(&seed.users[0].id, &hash_password(password))?;
            seed.users[0].password = password.to_owned();
        }
    }
    store.set_dev_value(SEED_KEY, &serde_json::to_string(&seed)?)?;
    Ok(seed)
}

/// A password nobody can guess from the upstream docs.
fn random_password() -> String {
    random_hex(8)
}

fn create(store: &Store, admin_password: Option<&str>) -> Result<Seed, StoreError> {
    let admin_password = admin_password.map_or_else(random_password, str::to_owned);
    let admin = create_user(
        store,
        "admin@placet.local",
        "Admin",
        "owner",
        &admin_password,
    )?;
    let other = create_user(
        store,
        "other@placet.local",
        "Other User",
        "member",
        &random_password(),
    )?;

    // Distinct creation times make "newest agent first" deterministic: the last one
    // created here is the newest.
    let base = now() - chrono::Duration::minutes(10);
    let mut agents = Vec::new();
    let specs: [(&SeedUser, &str, &str, bool); 4] = [
        (
            &admin,
            "Deploy Bot",
            "Ships builds to staging and production",
            true,
        ),
        (
            &admin,
            "Research Assistant",
            "Reads papers and drafts summaries",
            false,
        ),
        (
            &admin,
            "Data Pipeline",
            "Nightly ETL and data quality checks",
            false,
        ),
        (&other, "Billing Bot", "Invoices and refunds", true),
    ];
    for (i, (owner, name, description, with_secrets)) in specs.into_iter().enumerate() {
        let at = iso(base + chrono::Duration::seconds(i64::try_from(i).unwrap_or(0)));
        let mut agent = AgentRow::new(&owner.id, name, &at);
        agent.description = Some(description.to_owned());
        agent.last_active_at = Some(at.clone());
        if with_secrets {
            let slug = name.to_lowercase().replace(' ', "-");
            agent.webhook_url = Some(format!("https://hooks.example.com/placet/{slug}"));
            agent.webhook_headers = Some(json!({"X-Webhook-Secret": "whsec_fake_do_not_display"}));
            agent.webhook_auth =
                Some(json!({"username": slug, "password": "fake-webhook-password"}));
            agent.management_url = Some(format!("https://agents.example.com/{slug}"));
            agent.management_api_key = Some("mgmt_fake_secret_do_not_display".to_owned());
        }
        store.insert_agent(&agent)?;
        agents.push(SeedAgent {
            id: agent.id,
            name: agent.name,
            owner_id: owner.id.clone(),
        });
    }
    Ok(Seed {
        users: vec![admin, other],
        agents,
    })
}

fn create_user(
    store: &Store,
    email: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<SeedUser, StoreError> {
    let at = iso(now());
    let user = UserRow {
        id: new_id(),
        email: email.to_owned(),
        password_hash: hash_password(password),
        display_name: display_name.to_owned(),
        role: role.to_owned(),
        must_change_password: false,
        created_at: at.clone(),
    };
    store.insert_user(&user)?;
    let api_key = new_api_key();
    store.insert_api_key(
        &user.id,
        "Default",
        &api_key_prefix(&api_key),
        &api_key_hash(&api_key),
        &at,
    )?;
    Ok(SeedUser {
        id: user.id,
        email: user.email,
        password: password.to_owned(),
        display_name: user.display_name,
        role: user.role,
        api_key,
    })
}
