//! The seeded accounts, agents and API keys every dev server starts with.
//!
//! Ids, keys and passwords are random, the shape is fixed: an owner `admin@placet.local`
//! with three agents and a sub-agent under the first, a member `other@placet.local`
//! with one agent, one API key each.
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
    /// The parent agent's id for a sub-agent (`isSubagent`, `parentAgentId`).
    #[serde(default)]
    pub parent_id: Option<String>,
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

    /// The sub-agents of an agent, in seed order.
    pub fn subagents_of(&self, parent_id: &str) -> Vec<&SeedAgent> {
        self.agents
            .iter()
            .filter(|a| a.parent_id.as_deref() == Some(parent_id))
            .collect()
    }
}

/// How the accounts are seeded.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SeedOptions<'a> {
    /// The admin's password; random when `None`.
    pub(crate) admin_password: Option<&'a str>,
    /// Both accounts must change their password (`mustChangePassword`) when first seeded.
    pub(crate) must_change_password: bool,
}

/// Returns the seed of this database, creating it on first use. A database seeded
/// before keeps its passwords unless `admin_password` asks for another one.
pub(crate) fn ensure(store: &Store, options: SeedOptions<'_>) -> Result<Seed, StoreError> {
    let admin_password = options.admin_password;
    let mut seed = match store.dev_value(SEED_KEY)? {
        Some(text) => serde_json::from_str(&text)?,
        None => create(store, options)?,
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

fn create(store: &Store, options: SeedOptions<'_>) -> Result<Seed, StoreError> {
    let admin_password = options
        .admin_password
        .map_or_else(random_password, str::to_owned);
    let must_change = options.must_change_password;
    let admin = create_user(
        store,
        ("admin@placet.local", "Admin", "owner"),
        &admin_password,
        must_change,
    )?;
    let other = create_user(
        store,
        ("other@placet.local", "Other User", "member"),
        &random_password(),
        must_change,
    )?;

    // Distinct creation times make "newest agent first" deterministic: the last one
    // created here is the newest.
    // Distinct creation times make "newest agent first" deterministic; the sub-agent
    // registers half a second after its parent.
    let base = now() - chrono::Duration::minutes(10);
    let mut agents: Vec<SeedAgent> = Vec::new();
    let specs = [
        AgentSpec::new(
            &admin,
            "Deploy Bot",
            "Ships builds to staging and production",
            0,
        )
        .with_secrets(),
        AgentSpec::new(
            &admin,
            "Research Assistant",
            "Reads papers and drafts summaries",
            1000,
        ),
        AgentSpec::new(
            &admin,
            "Data Pipeline",
            "Nightly ETL and data quality checks",
            2000,
        ),
        AgentSpec {
            parent: Some(0),
            ..AgentSpec::new(
                &admin,
                "Canary Checker",
                "Sub-agent of Deploy Bot: watches canary rollouts",
                500,
            )
        },
        AgentSpec::new(&other, "Billing Bot", "Invoices and refunds", 3000).with_secrets(),
    ];
    for AgentSpec {
        owner,
        name,
        description,
        offset_ms,
        parent,
        with_secrets,
    } in specs
    {
        let at = iso(base + chrono::Duration::milliseconds(offset_ms));
        let mut agent = AgentRow::new(&owner.id, name, &at);
        agent.description = Some(description.to_owned());
        agent.last_active_at = Some(at.clone());
        let parent_id = parent.map(|i| agents[i].id.clone());
        agent.is_subagent = parent_id.is_some();
        agent.parent_agent_id = parent_id.clone();
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
            parent_id,
        });
    }
    Ok(Seed {
        users: vec![admin, other],
        agents,
    })
}

/// One seeded agent.
struct AgentSpec<'a> {
    owner: &'a SeedUser,
    name: &'a str,
    description: &'a str,
    /// Creation time after the seed's base time.
    offset_ms: i64,
    /// Index of the parent among the agents seeded before, for a sub-agent.
    parent: Option<usize>,
    /// Fake webhook credentials and a management key, to test masking.
    with_secrets: bool,
}

impl<'a> AgentSpec<'a> {
    fn new(owner: &'a SeedUser, name: &'a str, description: &'a str, offset_ms: i64) -> Self {
        Self {
            owner,
            name,
            description,
            offset_ms,
            parent: None,
            with_secrets: false,
        }
    }

    fn with_secrets(self) -> Self {
        Self {
            with_secrets: true,
            ..self
        }
    }
}

/// `(email, displayName, role)` of a seeded account.
type Account<'a> = (&'a str, &'a str, &'a str);

fn create_user(
    store: &Store,
    (email, display_name, role): Account<'_>,
    password: &str,
    must_change_password: bool,
) -> Result<SeedUser, StoreError> {
    let at = iso(now());
    let user = UserRow {
        id: new_id(),
        email: email.to_owned(),
        password_hash: hash_password(password),
        display_name: display_name.to_owned(),
        role: role.to_owned(),
        must_change_password,
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
