//! The demo agent: realistic reviews of every kind, posted through the same code path as
//! `POST /api/v1/messages` (so `message:created` fires), occasional status pings, now and
//! then an OAuth device-code flow, and a revised review (the next iteration) whenever a
//! person answers one of its reviews with feedback.

mod kinds;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

pub use kinds::DemoReview;

use crate::error::ApiError;
use crate::service::{agent_messages, agents, oauth};
use crate::state::App;
use crate::util::{random_hex, truthy};

/// Every this many reviews the demo agent asks the person to sign in to a provider.
const OAUTH_EVERY: usize = 9;
/// How long the demo agent "works" on feedback before it posts the revision.
const REVISION_DELAY: Duration = Duration::from_millis(800);
/// Reviews the demo agent still watches for feedback; older ones are forgotten.
const WATCHED: usize = 64;

/// Posts one demo review as the admin's agent for that kind; returns the created message.
pub(crate) async fn post(app: &App, kind: DemoReview) -> Result<Value, ApiError> {
    let admin = app.seed.admin();
    agent_messages::create_agent_message(app, &admin.id, &kind.body(&channel_of(app, kind))).await
}

/// The seeded agent that posts `kind`.
fn channel_of(app: &App, kind: DemoReview) -> String {
    app.seed
        .agent(kind.agent_name())
        .unwrap_or_else(|| app.seed.deploy_bot())
        .id
        .clone()
}

/// Posts a review every `interval`, cycling through the kinds, pings an agent's status
/// every other time, starts an OAuth device-code flow every [`OAUTH_EVERY`] reviews, and
/// revises a review as soon as a person answers it with feedback. Runs until aborted.
pub(crate) async fn run(app: Arc<App>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut changes = app.review_changes();
    let mut watched: HashMap<String, DemoReview> = HashMap::new();
    let mut kinds = DemoReview::ALL.into_iter().cycle().enumerate();
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let Some((n, kind)) = kinds.next() else { return };
                if let Some(id) = post_logged(&app, kind, kind.body(&channel_of(&app, kind))).await {
                    if watched.len() >= WATCHED {
                        watched.clear();
                    }
                    watched.insert(id, kind);
                }
                if n % 2 == 1 {
                    ping(&app, n / 2).await;
                }
                if n % OAUTH_EVERY == OAUTH_EVERY - 1 {
                    device_code_flow(&app).await;
                }
            }
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
                revise_answered(&app, &mut watched).await;
            }
        }
    }
}

/// Posts a review body and logs the outcome; returns the new message's id.
async fn post_logged(app: &App, kind: DemoReview, body: Value) -> Option<String> {
    let admin = &app.seed.admin().id;
    match agent_messages::create_agent_message(app, admin, &body).await {
        Ok(m) => {
            let id = m["id"].as_str().unwrap_or_default().to_owned();
            tracing::info!(kind = kind.name(), %id, iteration = %m["iteration"], "demo review posted");
            Some(id)
        }
        Err(e) => {
            tracing::warn!(kind = kind.name(), error = %e, "demo review failed");
            None
        }
    }
}

/// For every watched review a person answered with feedback, the next iteration: the
/// same review again, its text opened by the feedback it answers.
async fn revise_answered(app: &App, watched: &mut HashMap<String, DemoReview>) {
    let answered: Vec<(String, DemoReview, String)> = watched
        .iter()
        .filter_map(|(id, kind)| {
            let message = app.store.message(id).ok()??;
            let review = message.review.as_ref()?;
            if review.get("status").and_then(Value::as_str) != Some("pending") {
                let feedback = review
                    .get("feedback")
                    .filter(|f| truthy(f))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                return Some((id.clone(), *kind, feedback));
            }
            None
        })
        .collect();
    for (id, kind, feedback) in answered {
        watched.remove(&id);
        if feedback.is_empty() {
            continue;
        }
        tokio::time::sleep(REVISION_DELAY).await;
        let mut body = kind.body(&channel_of(app, kind));
        let original = body["text"].as_str().unwrap_or_default().to_owned();
        body["text"] = json!(format!(
            "**Revised after your feedback:**\n\n> {}\n\n{original}",
            feedback.replace('\n', "\n> ")
        ));
        body["iterationOf"] = json!(id);
        if let Some(revision) = post_logged(app, kind, body).await {
            watched.insert(revision, kind);
        }
    }
}

/// Pings the status of one of the admin's agents, cycling through a few states.
async fn ping(app: &App, n: usize) {
    const STATUSES: [(&str, Option<&str>); 4] = [
        ("active", Some("Watching the deploy queue")),
        ("busy", Some("Running the nightly backfill")),
        ("active", None),
        ("error", Some("Lost connection to the warehouse; retrying")),
    ];
    let admin = &app.seed.admin().id;
    let agents = app.seed.agents_of(admin);
    if agents.is_empty() {
        return;
    }
    let (status, message) = STATUSES[n % STATUSES.len()];
    let mut body = json!({ "agentId": agents[n % agents.len()].id, "status": status });
    if let Some(message) = message {
        body["message"] = json!(message);
    }
    if let Err(e) = agents::ping(app, admin, &body).await {
        tracing::warn!(error = %e, "demo status ping failed");
    }
}

/// The Data Pipeline agent asks the person to authorise it with a device code, as an
/// agent emitting `oauth:start` on its socket does.
async fn device_code_flow(app: &App) {
    let admin = &app.seed.admin().id;
    let channel = app
        .seed
        .agent("Data Pipeline")
        .unwrap_or_else(|| app.seed.deploy_bot());
    let code = random_hex(4).to_uppercase();
    let flow = json!({
        "channelId": channel.id,
        "state": random_hex(16),
        "provider": "github",
        "deviceCode": {
            "verificationUri": "https://github.com/login/device",
            "userCode": format!("{}-{}", &code[..4], &code[4..]),
            "expiresIn": 900,
        },
    });
    if oauth::start(app, admin, &flow).await {
        tracing::info!(agent = %channel.name, "demo OAuth device-code flow started");
    }
}
