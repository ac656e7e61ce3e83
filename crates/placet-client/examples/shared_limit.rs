//! Five trays sharing one Placet's rate limit, for N minutes (default 10):
//!
//! ```text
//! cargo run -p placet-client --example shared_limit -- [minutes]
//! ```
//!
//! A dev server in upstream's default docker-compose layout (the web UI in front,
//! forwarding `/api/*`; the backend alone serves Socket.IO) with upstream's throttle (100
//! requests per route and client address a minute). Five trays, each a `RestClient`, a
//! `Session` and an `Inbox` of its own, sign in through the web address and then run
//! against the backend, as the tray does once it has found the live connection. On
//! loopback every request comes from 127.0.0.1, so all five share one budget per route,
//! as every person behind one proxy does. An agent posts a review every 6 s.
//!
//! Printed at the end, from the server's request log: API requests per minute (the
//! trays', the agent's, all), the 429s, the routes that cost most, and the reviews lost
//! (posted but missing from any inbox at the end; must be 0).

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use placet_client::{Credential, Inbox, RestClient, Secret, ServerUrl, Session, SessionConfig};
use placet_devserver::{DevServer, DevServerConfig, Layout, Throttle};
use serde_json::json;

const TRAYS: usize = 5;
const REVIEW_EVERY: Duration = Duration::from_secs(6);

struct Tray {
    inbox: Inbox,
    session: Session,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .try_init();
    let minutes: u64 = match std::env::args().nth(1) {
        Some(m) => m
            .parse()
            .map_err(|_| format!("minutes: a number, not {m:?}"))?,
        None => 10,
    };
    let server = DevServer::start(DevServerConfig {
        layout: Layout::split_loopback(0),
        throttle: Some(Throttle::UPSTREAM),
        ..Default::default()
    })
    .await?;
    let admin = server.seed().admin().clone();
    let web = ServerUrl::parse(&server.web_url())?;
    let api = ServerUrl::parse(&server.api_url())?;
    println!(
        "shared_limit: {TRAYS} trays signed in at {} (backend {}), {minutes} min, throttle {} per route and {:?}",
        web.display(),
        api.display(),
        Throttle::UPSTREAM.limit,
        Throttle::UPSTREAM.window
    );

    let started = SystemTime::now();
    let mut trays = Vec::new();
    for _ in 0..TRAYS {
        let (_, token) = RestClient::new(web.clone())
            .login(&admin.email, &Secret::new(admin.password.clone()))
            .await?;
        let rest = RestClient::new(api.clone()).authenticated(Credential::Jwt(token));
        let inbox = Inbox::new();
        let session = Session::start(rest, inbox.clone(), SessionConfig::default());
        trays.push(Tray { inbox, session });
    }

    let agent = RestClient::new(api.clone())
        .authenticated(Credential::ApiKey(Secret::new(admin.api_key.clone())));
    let channel = server.seed().deploy_bot().id.clone();
    let mut posted = Vec::new();
    let mut refused = 0u32;
    let end = Instant::now() + Duration::from_secs(minutes * 60);
    let mut tick = tokio::time::interval(REVIEW_EVERY);
    while Instant::now() < end {
        tick.tick().await;
        let body = json!({
            "channelId": channel,
            "text": format!("Review {}", posted.len() + 1),
            "review": {"type": "approval", "payload": {}, "expiresInSeconds": 7200},
        });
        match agent.agent_post_message(&body).await {
            Ok(m) => posted.push(m.id),
            Err(e) => {
                refused += 1;
                eprintln!("the agent's post was refused: {e}");
            }
        }
    }
    let elapsed = started.elapsed().unwrap_or_default();

    // The last review's events need a moment; then every inbox must hold every review.
    let deadline = Instant::now() + Duration::from_secs(15);
    let missing = |trays: &[Tray]| -> usize {
        posted
            .iter()
            .filter(|id| trays.iter().any(|t| t.inbox.get(id).is_none()))
            .count()
    };
    while missing(&trays) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let lost = missing(&trays);
    report(&server, started, elapsed, posted.len(), refused, lost);
    for t in trays {
        t.session.shutdown().await;
    }
    server.shutdown().await;
    if lost > 0 {
        return Err(format!("{lost} reviews lost").into());
    }
    Ok(())
}

/// Prints the figures from the server's request log.
fn report(
    server: &DevServer,
    started: SystemTime,
    elapsed: Duration,
    posted: usize,
    refused: u32,
    lost: usize,
) {
    let requests = server.controls().requests();
    let minutes = elapsed.as_secs_f64() / 60.0;
    let is_agent = |route: &str| route.contains("/api/v1/");
    let mut per_minute: BTreeMap<u64, (u32, u32, u32)> = BTreeMap::new();
    let mut by_route: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut sockets = 0u32;
    for r in &requests {
        let Some(route) = &r.route else {
            sockets += 1;
            continue;
        };
        let minute = r.at.duration_since(started).unwrap_or_default().as_secs() / 60;
        let slot = per_minute.entry(minute).or_default();
        let limited = u32::from(r.status.as_u16() == 429);
        if is_agent(route) {
            slot.1 += 1;
        } else {
            slot.0 += 1;
        }
        slot.2 += limited;
        let entry = by_route.entry(route.clone()).or_default();
        entry.0 += 1;
        entry.1 += limited;
    }
    println!("\nminute  trays  agent  429s");
    for (m, (trays, agent, limited)) in &per_minute {
        println!("{:>6}  {trays:>5}  {agent:>5}  {limited:>4}", m + 1);
    }
    let trays: u32 = per_minute.values().map(|v| v.0).sum();
    let agent: u32 = per_minute.values().map(|v| v.1).sum();
    let limited: u32 = per_minute.values().map(|v| v.2).sum();
    println!("\nby route (requests, 429s):");
    let mut routes: Vec<_> = by_route.into_iter().collect();
    routes.sort_by_key(|r| std::cmp::Reverse(r.1 .0));
    for (route, (n, l)) in routes {
        println!("  {n:>5}  {l:>4}  {route}");
    }
    println!(
        "\n{:.1} min: trays {trays} API requests ({:.1}/min, {:.2}/min per tray), agent {agent} ({:.1}/min), all {} ({:.1}/min); Socket.IO requests {sockets}",
        minutes,
        f64::from(trays) / minutes,
        f64::from(trays) / minutes / TRAYS as f64,
        f64::from(agent) / minutes,
        trays + agent,
        f64::from(trays + agent) / minutes,
    );
    println!(
        "429s: {limited}; reviews posted {posted} (refused {refused}); lost {lost} (posted but not in every inbox)"
    );
}
