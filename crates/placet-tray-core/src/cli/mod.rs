//! The command line: `placet-tray` runs the tray; its subcommands work without a display.
//!
//! Exit codes: 0 success, 1 other failure, 2 usage error, 3 not signed in or sign-in
//! refused (or no keychain), 4 server unreachable (an answer stays queued), 5 invalid
//! answer or one this app cannot give (nothing sent), 6 the review is gone (answered,
//! expired, withdrawn or unknown), 7 the person did not confirm the answer (cancelled,
//! no decision in time, a dangerous option, or the tray answers only in its windows), 8
//! no running tray to confirm the answer, 9 the running tray cannot show the
//! confirmation window here.
//!
//! - `account`: `login`, `logout`, `status`.
//! - `answer`: `reviews`, `respond`. An answer from the command line is a *proposal*:
//!   the running tray shows it whole in a confirmation window and only the person's
//!   Confirm there sends it (see [`crate::door`] and [`crate::decide`]). A terminal is
//!   no proof of a person: programs drive pseudo-terminals.

mod account;
mod answer;
#[cfg(test)]
mod manpage;

use std::io::BufRead;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use placet_client::{ApiError, Secret, ServerUrl};
use serde_json::{json, Value};

use crate::app::{Core, CoreError};
use crate::decide::Refusal;

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
    NotConfirmed = 7,
    NoTray = 8,
    CannotShow = 9,
}

#[derive(Debug, Parser)]
#[command(
    name = "placet-tray",
    version,
    about = "Placet Tray: answer your AI agents' review requests from the desktop.",
    long_about = "Without a command, runs the tray app. The commands below work without a display.\n\n\
        An answer from here is a proposal: the running tray shows it whole in a confirmation\n\
        window, and only the person's Confirm there sends it (never an option marked\n\
        dangerous). A terminal is no proof of a person: programs drive pseudo-terminals.\n\n\
        Exit codes: 0 ok, 1 failure, 2 usage, 3 not signed in / sign-in refused / no keychain,\n\
        4 server unreachable (answers stay queued), 5 invalid answer or one to give in Placet,\n\
        6 review answered, expired, withdrawn or unknown, 7 not confirmed by the person,\n\
        8 no running tray to confirm the answer, 9 the tray cannot show the confirmation here."
)]
pub struct Cli {
    /// Print JSON instead of text (for scripts).
    #[arg(long)]
    json: bool,
    /// With the tray: open a window at start (`inbox`, `settings` or `review:<message-id>`).
    #[arg(long, value_name = "WINDOW")]
    open: Option<String>,
    /// The window host is on standard input and output (it started this tray: tests
    /// that drive the windows over WebDriver). Only in test builds: whoever starts such
    /// a tray speaks for its windows.
    #[cfg(feature = "webdriver")]
    #[arg(long, hide = true)]
    ui_on_stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in to a Placet server; the session is kept in the system keychain.
    Login(LoginArgs),
    /// Sign out: forget the session (the keychain entries are deleted).
    Logout(LogoutArgs),
    /// Show the account, the connection and the queue of unsent answers.
    Status(OutputArgs),
    /// List pending reviews, newest first.
    Reviews(OutputArgs),
    /// Answer a review. Give exactly one of the answer options.
    Respond(RespondArgs),
    /// Run the tray against an embedded Placet dev server with a demo agent.
    Demo(DemoArgs),
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
    /// Allow plain http to a server that is not on this machine. The password and the
    /// session then travel unencrypted: anyone on the network path can read them.
    #[arg(long)]
    allow_insecure_http: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("queued").multiple(false)
    .args(["deliver_queued", "discard_queued"]))]
struct LogoutArgs {
    /// Answers still waiting to be sent are delivered first (sign-out fails if they
    /// cannot be).
    #[arg(long)]
    deliver_queued: bool,
    /// Answers still waiting to be sent are discarded.
    #[arg(long)]
    discard_queued: bool,
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
    /// Form: a field value NAME=VALUE (repeat for each field). NAME=@- reads the value
    /// from standard input, NAME=@FILE from a file: use that for passwords, which other
    /// programs can read in a command line.
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
    /// Request changes: this text goes to the agent with the answer (Placet's
    /// `feedback`).
    #[arg(long, value_name = "TEXT")]
    feedback: Option<String>,
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
    Tray {
        open: Option<String>,
        ui_on_stdio: bool,
    },
    /// Run the tray in demo mode.
    Demo {
        interval: u64,
        port: u16,
        open: Option<String>,
        ui_on_stdio: bool,
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
    let ui_on_stdio = ui_on_stdio(&cli);
    let command = match cli.command {
        None => {
            return Run::Tray {
                open: cli.open,
                ui_on_stdio,
            }
        }
        Some(Command::Demo(d)) => {
            return Run::Demo {
                interval: d.interval,
                port: d.port,
                open: d.open.or(cli.open),
                ui_on_stdio,
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
            Command::Login(a) => account::login(&core, a, Out::new(global_json || a.json)).await,
            Command::Logout(a) => account::logout(&core, a, Out::new(global_json || a.json)).await,
            Command::Status(a) => account::status(&core, Out::new(global_json || a.json)).await,
            Command::Reviews(a) => answer::reviews(&core, Out::new(global_json || a.json)).await,
            Command::Respond(a) => answer::respond(&core, a, Out::new(global_json)).await,
            Command::Demo(_) => Ok(Exit::Ok),
        };
        let out = Out::new(global_json || command_json(&command));
        match result {
            Ok(code) => code as i32,
            Err(e) => report(&out, &e),
        }
    });
    Run::Done(code)
}

/// `--ui-on-stdio`, which only test builds have.
fn ui_on_stdio(cli: &Cli) -> bool {
    #[cfg(feature = "webdriver")]
    return cli.ui_on_stdio;
    #[cfg(not(feature = "webdriver"))]
    {
        let _ = cli;
        false
    }
}

fn command_json(c: &Command) -> bool {
    match c {
        Command::Login(a) => a.json,
        Command::Logout(a) => a.json,
        Command::Status(a) | Command::Reviews(a) => a.json,
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
            CoreError::Refused(r) => match r {
                Refusal::WatchOnly => Failure::new(Exit::Auth, "watchOnly", message),
                Refusal::NotPending | Refusal::Withdrawn => {
                    Failure::new(Exit::Gone, "notPending", message)
                }
                Refusal::WebOnly | Refusal::OpenTheReview => {
                    Failure::new(Exit::Invalid, "openInPlacet", message)
                }
                Refusal::DangerFromProgram | Refusal::Strict => {
                    Failure::new(Exit::NotConfirmed, "notConfirmed", message)
                }
            },
            CoreError::Keychain(k) => Failure::new(
                Exit::Auth,
                "keychainUnavailable",
                format!("{k}. Nothing was saved. Start a Secret Service (GNOME Keyring or KWallet) and try again."),
            ),
            CoreError::Api(a) => a.into(),
            CoreError::InvalidAnswer(i) => Failure::new(Exit::Invalid, "invalidAnswer", format!("invalid answer: {i}")),
            CoreError::NoReview(_) => Failure::new(Exit::Gone, "notFound", message),
            CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
                Failure::new(Exit::Invalid, "alreadyQueued", message)
            }
            CoreError::AnswersQueued(_) | CoreError::Undelivered(_) => Failure::new(
                Exit::Failure,
                "answersQueued",
                format!("{message} (--deliver-queued or --discard-queued)"),
            ),
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
            ApiError::Insecure { .. } => Failure::new(Exit::Usage, "insecure", e.to_string()),
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

fn parse_server(s: &str, allow_insecure_http: bool) -> Result<ServerUrl, Failure> {
    crate::config::parse_server(s, allow_insecure_http).map_err(|e| {
        let hint = match e {
            placet_client::rest::ServerUrlError::Insecure(_) => {
                " (use https, or --allow-insecure-http if you accept the risk)"
            }
            _ => "",
        };
        Failure::new(Exit::Usage, "badInput", format!("{e}{hint}"))
    })
}

/// Asks a yes/no question at the terminal; only `y` or `yes` is yes.
fn ask_yes_no(question: &str) -> bool {
    use std::io::Write;
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
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
