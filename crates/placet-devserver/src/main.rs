//! `placet-devserver`: runs the dev server from the command line and prints its seed.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use placet_devserver::{Db, DevServer, DevServerConfig, Layout, Throttle};
use tracing_subscriber::EnvFilter;

/// A Placet-compatible server for tests and demos. Prints the base URL, the seeded
/// credentials, agent ids and API keys at start.
#[derive(Debug, Parser)]
#[command(name = "placet-devserver", version)]
struct Args {
    /// Address of the backend (REST and Socket.IO; with one origin, the pages too).
    #[arg(long, default_value = "127.0.0.1:3001")]
    bind: SocketAddr,
    /// Lay the server out as upstream's docker-compose does: the web UI on its own
    /// listener (--web-bind), which serves the pages and forwards only /api/* to the
    /// backend on --bind; Socket.IO only on the backend.
    #[arg(long)]
    split_origin: bool,
    /// Address of the web listener with --split-origin.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:3000",
        requires = "split_origin"
    )]
    web_bind: SocketAddr,
    /// SQLite database file (created and seeded if missing). In-memory by default.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Run the demo agent: posts a review of each kind in turn and pings statuses.
    #[arg(long)]
    demo: bool,
    /// Seconds between demo reviews.
    #[arg(long, value_name = "SECS", default_value_t = 20)]
    demo_interval: u64,
    /// Period of the review-expiry job, in ms.
    #[arg(long, value_name = "N", default_value_t = 60_000)]
    expiry_tick_ms: u64,
    /// Rate limit per route and client address (the backend's peer, so one shared budget
    /// behind a proxy), e.g. 100/60 (requests per seconds; the real server's default).
    /// Off by default.
    #[arg(long, value_name = "N/SECS")]
    throttle: Option<Throttle>,
    /// Password of admin@placet.local; random when the database is first seeded.
    #[arg(long, value_name = "PASSWORD", env = "PLACET_DEV_ADMIN_PASSWORD")]
    admin_password: Option<String>,
    /// Serve the /__dev/* test-control routes (loopback peers only).
    #[arg(long)]
    dev_routes: bool,
    /// Answer requests whose Host is not localhost, 127.0.0.1 or [::1] (needed when
    /// binding beyond loopback; weakens the DNS-rebinding protection).
    #[arg(long)]
    allow_remote_hosts: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let args = Args::parse();
    let config = DevServerConfig {
        bind: args.bind,
        layout: if args.split_origin {
            Layout::Split { web: args.web_bind }
        } else {
            Layout::OneOrigin
        },
        db: args.db.map_or(Db::Memory, Db::File),
        expiry_tick: Duration::from_millis(args.expiry_tick_ms.max(1)),
        throttle: args.throttle,
        admin_password: args.admin_password,
        dev_routes: args.dev_routes,
        allow_remote_hosts: args.allow_remote_hosts,
        demo_interval: args
            .demo
            .then(|| Duration::from_secs(args.demo_interval.max(1))),
        ..DevServerConfig::default()
    };
    let server = match DevServer::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("placet-devserver: {e}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&server, args.demo, args.dev_routes);
    shutdown_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Ctrl-C, or SIGTERM on Unix (how a parent process such as the app's demo mode stops us).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => eprintln!("placet-devserver: cannot listen for SIGTERM: {e}"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("placet-devserver: cannot wait for Ctrl-C: {e}");
    }
}

fn print_banner(server: &DevServer, demo: bool, dev_routes: bool) {
    let seed = server.seed();
    match server.layout() {
        Layout::OneOrigin => {
            println!("Placet dev server listening on {}", server.web_url());
        }
        _ => {
            println!("Placet dev server: web UI on {}", server.web_url());
            println!("  Backend (REST, Socket.IO): {}", server.api_url());
        }
    }
    println!("  Socket.IO: {} (path /socket.io/)", server.ws_url());
    for user in &seed.users {
        println!();
        println!(
            "User {} / {}  ({}, role {}, id {})",
            user.email, user.password, user.display_name, user.role, user.id
        );
        println!("  API key: {}", user.api_key);
        for agent in seed.agents_of(&user.id) {
            let parent = agent
                .parent_id
                .as_deref()
                .and_then(|p| seed.agents.iter().find(|a| a.id == p))
                .map(|p| format!("  (sub-agent of {})", p.name))
                .unwrap_or_default();
            println!("  Agent {:<20} {}{parent}", agent.name, agent.id);
        }
    }
    println!();
    if demo {
        println!("Demo agent: on");
    }
    if dev_routes {
        println!(
            "Test controls: {}/__dev/... (loopback only)",
            server.base_url()
        );
    }
}
