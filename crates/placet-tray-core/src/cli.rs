//! The command line: `placet-tray` runs the tray; its subcommands work without a display.
//!
//! Exit codes: 0 success, 1 other failure, 2 usage error, 3 not signed in or sign-in
//! refused (or no keychain), 4 server unreachable (an answer stays queued), 5 invalid
//! answer (nothing sent), 6 the review is gone (answered, expired or unknown).

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use placet_client::outbox::{AnswerSource, Delivery, Outbox};
use placet_client::protocol::{Agent, ReviewKind};
use placet_client::{Answer, ApiError, Credential, Inbox, Message, RestClient, Secret, ServerUrl};
use serde_json::{json, Value};

use crate::app::{authenticate, authenticate_api_key, fetch_review, queue_answer, Core, CoreError};
use crate::config::{Account, AccountMode};

/// Process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    Auth = 3,
    Network = 4,
    Invalid = 5,
    Gone = 6,
}

#[derive(Debug, Parser)]
#[command(
    name = "placet-tray",
    version,
    about = "Placet Tray: answer your AI agents' review requests from the desktop.",
    long_about = "Without a command, runs the tray app. The commands below work without a display.\n\n\
        Exit codes: 0 ok, 1 failure, 2 usage, 3 not signed in / sign-in refused / no keychain,\n\
        4 server unreachable (answers stay queued), 5 invalid answer, 6 review answered, expired or unknown."
)]
pub struct Cli {
    /// Print JSON instead of text (for scripts).
    #[arg(long)]
    json: bool,
    /// With the tray: open a window at start (`inbox`, `settings` or `review:<message-id>`).
    #[arg(long, value_name = "WINDOW")]
    open: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in to a Placet server; the session is kept in the system keychain.
    Login(LoginArgs),
    /// Sign out: forget the session (the keychain entry is deleted).
    Logout(OutputArgs),
    /// Show the account, the connection and the queue of unsent answers.
    Status(OutputArgs),
    /// List pending reviews, newest first.
    Reviews(OutputArgs),
    /// Answer a review. Give exactly one of the answer options.
    Respond(RespondArgs),
    /// Run the tray against an embedded Placet dev server with a demo agent.
    Demo(DemoArgs),
    /// One window of the running tray (started by the tray itself).
    #[command(hide = true)]
    Window(WindowArgs),
}

#[derive(Debug, Args)]
struct WindowArgs {
    /// `inbox`, `settings` or `review:<message-id>`.
    target: String,
    /// An approval option to preselect in a review.
    #[arg(long)]
    option: Option<String>,
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct LoginArgs {
    /// Server URL, e.g. https://placet.example.com
    #[arg(long)]
    server: String,
    /// Account email.
    #[arg(long, required_unless_present = "api_key_stdin")]
    email: Option<String>,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long, conflicts_with = "api_key_stdin")]
    password_stdin: bool,
    /// Sign in watch-only with an API key (hp_...) read from standard input.
    #[arg(long, conflicts_with = "email")]
    api_key_stdin: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("answer").required(true).multiple(false)
    .args(["option", "select", "field", "text", "json", "dismiss"]))]
struct RespondArgs {
    /// The message id of the review.
    message_id: String,
    /// Approval: the option id to choose.
    #[arg(long)]
    option: Option<String>,
    /// Approval: a comment (where the review allows one).
    #[arg(long, requires = "option")]
    comment: Option<String>,
    /// Selection: the item ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Form: a field value NAME=VALUE (repeat for each field).
    #[arg(long = "field", value_name = "NAME=VALUE")]
    field: Vec<String>,
    /// Text input: the text.
    #[arg(long)]
    text: Option<String>,
    /// Freeform: a JSON object. (For JSON output use `placet-tray --json respond ...`.)
    #[arg(long, value_name = "OBJECT")]
    json: Option<String>,
    /// Dismiss (where the review offers it).
    #[arg(long)]
    dismiss: bool,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Seconds between the demo agent's reviews.
    #[arg(long, default_value_t = 20)]
    interval: u64,
    /// Port of the embedded server (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Open a window at start (`inbox`, `settings` or `review:<message-id>`).
    #[arg(long, value_name = "WINDOW")]
    open: Option<String>,
}

/// What `main` should do after parsing.
#[derive(Debug)]
pub enum Run {
    /// Run the tray, opening a window at start if asked.
    Tray { open: Option<String> },
    /// Run the tray in demo mode.
    Demo {
        interval: u64,
        port: u16,
        open: Option<String>,
    },
    /// Run one window of the running tray.
    Window {
        target: String,
        option: Option<String>,
    },
    /// A command ran; exit with this code.
    Done(i32),
}

/// Parses the command line and runs a command, or says to run the tray.
pub fn dispatch() -> Run {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage as i32
            } else {
                0
            };
            let _ = e.print();
            return Run::Done(code);
        }
    };
    let command = match cli.command {
        None => return Run::Tray { open: cli.open },
        Some(Command::Window(w)) => {
            return Run::Window {
                target: w.target,
                option: w.option,
            }
        }
        Some(Command::Demo(d)) => {
            return Run::Demo {
                interval: d.interval,
                port: d.port,
                open: d.open.or(cli.open),
            }
        }
        Some(c) => c,
    };
    crate::logging::init_cli();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return Run::Done(Exit::Failure as i32);
        }
    };
    let global_json = cli.json;
    let code = runtime.block_on(async move {
        let core = match Core::new(
            crate::paths::Paths::from_env(),
            Default::default(),
            Arc::new(crate::secrets::Keychain),
        ) {
            Ok(c) => c,
            Err(e) => return report(&Out::new(global_json), &e.into()),
        };
        let result = match &command {
            Command::Login(a) => login(&core, a, Out::new(global_json || a.json)).await,
            Command::Logout(a) => logout(&core, Out::new(global_json || a.json)).await,
            Command::Status(a) => status(&core, Out::new(global_json || a.json)).await,
            Command::Reviews(a) => reviews(&core, Out::new(global_json || a.json)).await,
            Command::Respond(a) => respond(&core, a, Out::new(global_json)).await,
            Command::Demo(_) | Command::Window(_) => Ok(Exit::Ok),
        };
        let out = Out::new(global_json || command_json(&command));
        match result {
            Ok(code) => code as i32,
            Err(e) => report(&out, &e),
        }
    });
    Run::Done(code)
}

fn command_json(c: &Command) -> bool {
    match c {
        Command::Login(a) => a.json,
        Command::Logout(a) | Command::Status(a) | Command::Reviews(a) => a.json,
        _ => false,
    }
}

/// A command failure with its exit code.
#[derive(Debug)]
pub struct Failure {
    code: Exit,
    kind: &'static str,
    message: String,
}

impl Failure {
    fn new(code: Exit, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            kind,
            message: message.into(),
        }
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        let message = e.to_string();
        match e {
            CoreError::NotSignedIn => Failure::new(Exit::Auth, "notSignedIn", "not signed in: run `placet-tray login --server URL --email EMAIL`"),
            CoreError::WatchOnly => Failure::new(Exit::Auth, "watchOnly", message),
            CoreError::Keychain(k) => Failure::new(
                Exit::Auth,
                "keychainUnavailable",
                format!("{k}. Nothing was saved. Start a Secret Service (GNOME Keyring or KWallet) and try again."),
            ),
            CoreError::Api(a) => a.into(),
            CoreError::InvalidAnswer(i) => Failure::new(Exit::Invalid, "invalidAnswer", format!("invalid answer: {i}")),
            CoreError::NotPending => Failure::new(Exit::Gone, "notPending", message),
            CoreError::NoReview(_) => Failure::new(Exit::Gone, "notFound", message),
            CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
                Failure::new(Exit::Invalid, "alreadyQueued", message)
            }
            CoreError::Store(_) | CoreError::Config(_) => Failure::new(Exit::Failure, "internal", message),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match &e {
            ApiError::Unauthorized { .. } => Failure::new(
                Exit::Auth,
                "authExpired",
                format!("{e}: sign in again with `placet-tray login`"),
            ),
            ApiError::Network { .. } => Failure::new(Exit::Network, "network", e.to_string()),
            ApiError::AlreadyResponded => {
                Failure::new(Exit::Gone, "alreadyAnswered", e.to_string())
            }
            ApiError::NotFound { .. } => Failure::new(Exit::Gone, "notFound", e.to_string()),
            _ => Failure::new(Exit::Failure, e.code(), e.to_string()),
        }
    }
}

/// Text or JSON output.
struct Out {
    json: bool,
}

impl Out {
    fn new(json: bool) -> Self {
        Self { json }
    }

    fn print(&self, text: impl FnOnce() -> String, value: Value) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        } else {
            println!("{}", text());
        }
    }
}

fn report(out: &Out, f: &Failure) -> i32 {
    if out.json {
        println!(
            "{}",
            json!({"error": {"code": f.kind, "message": f.message}})
        );
    } else {
        eprintln!("error: {}", f.message);
    }
    f.code as i32
}

fn parse_server(s: &str) -> Result<ServerUrl, Failure> {
    ServerUrl::parse(s).map_err(|e| Failure::new(Exit::Usage, "badInput", e.to_string()))
}

fn read_stdin_line(what: &str) -> Result<Secret, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::new(
            Exit::Usage,
            "badInput",
            format!("cannot read the {what}: {e}"),
        )
    })?;
    let value = line.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(Failure::new(
            Exit::Usage,
            "badInput",
            format!("no {what} on standard input"),
        ));
    }
    Ok(Secret::new(value))
}

async fn login(core: &Arc<Core>, a: &LoginArgs, out: Out) -> Result<Exit, Failure> {
    let server = parse_server(&a.server)?;
    let (account, credential) = if a.api_key_stdin {
        let key = read_stdin_line("API key")?;
        match authenticate_api_key(server, key).await {
            Err(CoreError::Api(ApiError::Unauthorized { .. })) => {
                return Err(Failure::new(
                    Exit::Auth,
                    "wrongCredentials",
                    "the API key was refused",
                ))
            }
            other => other?,
        }
    } else {
        let email = a.email.clone().unwrap_or_default();
        let password = if a.password_stdin {
            read_stdin_line("password")?
        } else if std::io::stdin().is_terminal() {
            Secret::new(
                rpassword::prompt_password(format!("Password for {email}: "))
                    .map_err(|e| Failure::new(Exit::Usage, "badInput", e.to_string()))?,
            )
        } else {
            return Err(Failure::new(
                Exit::Usage,
                "badInput",
                "no terminal to ask for the password: use --password-stdin",
            ));
        };
        match authenticate(server, &email, &password).await {
            Err(CoreError::Api(ApiError::Unauthorized { .. })) => {
                return Err(Failure::new(
                    Exit::Auth,
                    "wrongCredentials",
                    "wrong email or password",
                ))
            }
            other => other?,
        }
    };
    core.save_sign_in(&account, &credential).await?;
    let watch_only = account.mode == AccountMode::ApiKey;
    out.print(
        || {
            if watch_only {
                format!("Signed in to {} with an API key (watch-only).", account.server)
            } else {
                format!("Signed in to {} as {}.", account.server, account.name)
            }
        },
        json!({"signedIn": true, "server": account.server.display(), "account": account.name, "watchOnly": watch_only}),
    );
    Ok(Exit::Ok)
}

async fn logout(core: &Arc<Core>, out: Out) -> Result<Exit, Failure> {
    let saved = core.saved_credential().await.ok().flatten();
    if let Some((account, Credential::Jwt(token))) = &saved {
        // Best effort: the server only clears its cookie; the entry goes either way.
        let _ = RestClient::new(account.server.clone())
            .authenticated(Credential::Jwt(token.clone()))
            .logout()
            .await;
    }
    let was = core.config().account;
    core.sign_out().await?;
    out.print(
        || match &was {
            Some(a) => format!("Signed out of {} ({}).", a.server, a.name),
            None => "Not signed in.".to_owned(),
        },
        json!({"signedOut": true}),
    );
    Ok(Exit::Ok)
}

async fn signed_in(core: &Arc<Core>) -> Result<(Account, RestClient), Failure> {
    match core.saved_credential().await? {
        Some((account, credential)) => {
            let rest = RestClient::new(account.server.clone()).authenticated(credential);
            Ok((account, rest))
        }
        None => Err(CoreError::NotSignedIn.into()),
    }
}

async fn status(core: &Arc<Core>, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = match signed_in(core).await {
        Ok(v) => v,
        Err(f) if f.code == Exit::Auth && f.kind == "notSignedIn" => {
            out.print(|| "Not signed in.".to_owned(), json!({"signedIn": false}));
            return Ok(Exit::Auth);
        }
        Err(f) => return Err(f),
    };
    let queued = Outbox::open(&core.paths().database(), &account.server)
        .and_then(|o| o.queued())
        .map(|q| q.len())
        .unwrap_or(0);
    let (reachable, pending, user, problem) = match account.mode {
        AccountMode::User => match rest.me().await {
            Ok(user) => {
                let pending = rest.pending_reviews().await.map(|p| p.len()).ok();
                (true, pending, Some(user), None)
            }
            Err(e) => (
                !matches!(e, ApiError::Network { .. }),
                None,
                None,
                Some(Failure::from(e)),
            ),
        },
        AccountMode::ApiKey => match rest.agent_agents().await {
            Ok(agents) => {
                let mut n = 0;
                for a in &agents {
                    n += rest
                        .agent_pending_reviews(&a.id)
                        .await
                        .map(|p| p.len())
                        .unwrap_or(0);
                }
                (true, Some(n), None, None)
            }
            Err(e) => (
                !matches!(e, ApiError::Network { .. }),
                None,
                None,
                Some(Failure::from(e)),
            ),
        },
    };
    let name = user
        .as_ref()
        .and_then(|u| u.display_name.clone())
        .unwrap_or_default();
    out.print(
        || {
            let mut lines = vec![format!(
                "Signed in to {} as {}{}",
                account.server,
                account.name,
                if name.is_empty() {
                    String::new()
                } else {
                    format!(" ({name})")
                }
            )];
            if account.mode == AccountMode::ApiKey {
                lines.push("Mode: watch-only (API key)".to_owned());
            }
            lines.push(match (&problem, reachable) {
                (None, _) => "Server: reachable".to_owned(),
                (Some(p), true) => format!("Server: {}", p.message),
                (Some(p), false) => format!("Server: unreachable ({})", p.message),
            });
            if let Some(p) = pending {
                lines.push(format!("Pending reviews: {p}"));
            }
            lines.push(format!("Answers waiting to be sent: {queued}"));
            lines.join("\n")
        },
        json!({
            "signedIn": true, "server": account.server.display(), "account": account.name,
            "watchOnly": account.mode == AccountMode::ApiKey, "reachable": reachable,
            "sessionValid": problem.is_none(), "pending": pending, "queued": queued,
            "problem": problem.as_ref().map(|p| json!({"code": p.kind, "message": p.message})),
        }),
    );
    Ok(match problem {
        None => Exit::Ok,
        Some(p) => p.code,
    })
}

async fn pending_with_agents(
    account: &Account,
    rest: &RestClient,
) -> Result<(Vec<Message>, Vec<Agent>), ApiError> {
    match account.mode {
        AccountMode::User => Ok((rest.pending_reviews().await?, rest.agents().await?)),
        AccountMode::ApiKey => {
            let agents = rest.agent_agents().await?;
            let mut all = Vec::new();
            for a in &agents {
                all.extend(rest.agent_pending_reviews(&a.id).await?);
            }
            all.sort_by_key(|m| std::cmp::Reverse(m.created_at));
            Ok((all, agents))
        }
    }
}

async fn reviews(core: &Arc<Core>, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = signed_in(core).await?;
    let (pending, agents) = pending_with_agents(&account, &rest).await?;
    let inbox = Inbox::new();
    inbox.set_agents(agents);
    let now = chrono::Utc::now();
    let rows: Vec<Value> = pending
        .iter()
        .map(|m| {
            let review = m.review.as_ref();
            json!({
                "id": m.id,
                "agentId": m.channel_id,
                "agent": inbox.agent_name(m),
                "type": review.map(|r| r.kind.type_name()),
                "renderAs": review.map(|r| r.kind.render_as()),
                "text": m.text,
                "createdAt": m.created_at,
                "expiresAt": review.and_then(|r| r.expires_at),
                "review": review,
            })
        })
        .collect();
    out.print(
        || {
            if pending.is_empty() {
                return "No pending reviews.".to_owned();
            }
            let mut lines = Vec::new();
            for m in &pending {
                let review = m.review.as_ref();
                let kind = review.map(|r| r.kind.type_name()).unwrap_or("?");
                let left = review
                    .and_then(|r| r.expires_at)
                    .map(|t| format!("expires in {}", human_duration(t - now)))
                    .unwrap_or_default();
                lines.push(format!(
                    "{}  {}  [{}]  {}",
                    m.id,
                    inbox.agent_name(m),
                    kind,
                    left
                ));
                let first = crate::text::one_line(
                    &crate::text::markdown_to_plain(m.text.as_deref().unwrap_or("")),
                    100,
                );
                if !first.is_empty() {
                    lines.push(format!("    {first}"));
                }
                if let Some(hint) = review.map(|r| answer_hint(&r.kind)) {
                    lines.push(format!("    answer with: {hint}"));
                }
            }
            lines.join("\n")
        },
        Value::Array(rows),
    );
    Ok(Exit::Ok)
}

fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// How to answer a review from the command line.
fn answer_hint(kind: &ReviewKind) -> String {
    match kind {
        ReviewKind::Approval(p) => format!(
            "--option {}",
            p.options
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join("|")
        ),
        ReviewKind::Selection(p) => format!(
            "--select {}",
            p.items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
        ReviewKind::Form(p) => p
            .fields
            .iter()
            .map(|f| format!("--field {}=…", f.name))
            .collect::<Vec<_>>()
            .join(" "),
        ReviewKind::TextInput(_) => "--text \"…\"".to_owned(),
        ReviewKind::Freeform(_) | ReviewKind::Unknown { .. } => "--json '{…}'".to_owned(),
    }
}

fn build_answer(a: &RespondArgs, message: &Message) -> Result<Answer, Failure> {
    let invalid = |m: String| {
        Failure::new(
            Exit::Invalid,
            "invalidAnswer",
            format!("invalid answer: {m}"),
        )
    };
    if a.dismiss {
        return Ok(Answer::Dismiss);
    }
    if let Some(option_id) = &a.option {
        return Ok(Answer::Approval {
            option_id: option_id.clone(),
            comment: a.comment.clone(),
        });
    }
    if let Some(ids) = &a.select {
        return Ok(Answer::Selection {
            ids: ids
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        });
    }
    if let Some(text) = &a.text {
        return Ok(Answer::Text { text: text.clone() });
    }
    if let Some(raw) = &a.json {
        return match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(object)) => Ok(Answer::Freeform { object }),
            Ok(_) => Err(invalid("--json must be a JSON object".to_owned())),
            Err(e) => Err(invalid(format!("--json is not valid JSON: {e}"))),
        };
    }
    let Some(ReviewKind::Form(form)) = message.review.as_ref().map(|r| &r.kind) else {
        return Err(invalid("--field answers form reviews only".to_owned()));
    };
    let mut values = serde_json::Map::new();
    for assignment in &a.field {
        let (name, value) = form
            .parse_cli_field(assignment)
            .map_err(|e| invalid(e.to_string()))?;
        values.insert(name, value);
    }
    Ok(Answer::Form { values })
}

async fn respond(core: &Arc<Core>, a: &RespondArgs, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = signed_in(core).await?;
    if account.mode == AccountMode::ApiKey {
        return Err(CoreError::WatchOnly.into());
    }
    let message = fetch_review(&rest, &a.message_id).await?;
    let answer = build_answer(a, &message)?;
    let outbox =
        Outbox::open(&core.paths().database(), &account.server).map_err(CoreError::from)?;
    let inbox = Inbox::new();
    inbox.set_agents(rest.agents().await.unwrap_or_default());
    queue_answer(&outbox, &inbox, &message, &answer, AnswerSource::Cli)?;
    let deliveries = outbox.deliver_due(&rest, None).await;
    let ours = deliveries
        .into_iter()
        .find(|d| d.message_id() == message.id)
        .unwrap_or(Delivery::WillRetry {
            message_id: message.id.clone(),
            reason: "another Placet Tray process is sending it".to_owned(),
            at: chrono::Utc::now(),
        });
    let (code, text) = match &ours {
        Delivery::Sent { .. } => (Exit::Ok, format!("Sent: {}.", answer.summary())),
        Delivery::WillRetry { reason, .. } => (
            Exit::Network,
            format!("Not sent yet ({reason}). The answer is queued and will be delivered when the server is reachable."),
        ),
        Delivery::AuthExpired { .. } => (
            Exit::Auth,
            "The server refused the sign-in; the answer is queued. Sign in again with `placet-tray login`.".to_owned(),
        ),
        Delivery::AnsweredElsewhere { .. } => (Exit::Gone, "The review was already answered elsewhere; your answer was not used.".to_owned()),
        Delivery::Expired { .. } => (Exit::Gone, "The review expired before the answer arrived.".to_owned()),
        Delivery::Failed { reason, .. } => (Exit::Failure, format!("Not sent: {reason}.")),
    };
    if code == Exit::Ok || out.json {
        out.print(|| text.clone(), json!({"delivery": ours, "message": text}));
    } else {
        eprintln!("{text}");
    }
    Ok(code)
}
