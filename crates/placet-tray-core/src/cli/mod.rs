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
//! - `attention`: `history` (the decision log) and `snoozes`.
//! - `answer`: `reviews`, `respond`. An answer from the command line is a *proposal*:
//!   the running tray shows it whole in a confirmation window and only the person's
//!   Confirm there sends it (see [`crate::door`] and [`crate::decide`]). A terminal is
//!   no proof of a person: programs drive pseudo-terminals.
//! - `reply`: a message to an agent, a proposal confirmed the same way.

mod account;
mod answer;
mod args;
mod attention;
#[cfg(test)]
mod manpage;
mod reply;
mod reviews;

use std::io::BufRead;
use std::sync::Arc;

use clap::Parser;

use args::{Cli, Command};
use args::{LoginArgs, LogoutArgs, OpenArgs, PasswordArgs, RespondArgs};
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
        split: bool,
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
                split: d.split,
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
            let error = tr!("cli-cannot-start", error = e.to_string());
            eprintln!("{}", tr!("cli-error", message = error));
            return Run::Done(Exit::Failure as i32);
        }
    };
    let global_json = cli.json;
    let _ = CHOSEN_ACCOUNT.set(cli.account.clone());
    // What `--json` prints is for programs: always in English, whatever the locale.
    let english = global_json || command_json(&command);
    let block_on = |future| {
        if english {
            crate::i18n::with_language("en", || runtime.block_on(future))
        } else {
            runtime.block_on(future)
        }
    };
    let code = block_on(async move {
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
            Command::Reviews(a) => reviews::reviews(&core, Out::new(global_json || a.json)).await,
            Command::Respond(a) => answer::respond(&core, a, Out::new(global_json)).await,
            Command::Reply(a) => reply::reply(&core, a, Out::new(global_json)).await,
            Command::Open(a) => answer::open(&core, a, Out::new(global_json || a.json)).await,
            Command::Retry(a) => answer::retry(&core, a, Out::new(global_json || a.json)).await,
            Command::Password(a) => {
                account::password(&core, a, Out::new(global_json || a.json)).await
            }
            Command::History(a) => {
                attention::history(&core, a, Out::new(global_json || a.json)).await
            }
            Command::Snoozes(a) => {
                attention::snoozes(&core, a, Out::new(global_json || a.json)).await
            }
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

/// `--account NAME`, set once at start: the account the command means.
static CHOSEN_ACCOUNT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The account the command means: the one `--account` names, or the only one (an error
/// lists the accounts when the choice is left open or names none).
fn chosen_account(core: &Core) -> Result<crate::config::Account, CoreError> {
    core.account_named(CHOSEN_ACCOUNT.get().and_then(|a| a.as_deref()))
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
        Command::Open(a) | Command::Retry(a) => a.json,
        Command::Password(a) => a.json,
        Command::History(a) => a.json,
        Command::Snoozes(a) => a.json,
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
            CoreError::NotSignedIn => {
                Failure::new(Exit::Auth, "notSignedIn", tr!("cli-not-signed-in"))
            }
            CoreError::NoSuchAccount { .. } | CoreError::WhichAccount(_) => {
                Failure::new(Exit::Usage, "whichAccount", message)
            }
            CoreError::Refused(r) => match r {
                Refusal::WatchOnly | Refusal::WatchOnlyMessages => {
                    Failure::new(Exit::Auth, "watchOnly", message)
                }
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
                tr!("cli-keychain-unavailable", reason = k.to_string()),
            ),
            CoreError::Api(a) => a.into(),
            CoreError::InvalidAnswer(i) => Failure::new(
                Exit::Invalid,
                "invalidAnswer",
                tr!("cli-invalid-answer", reason = i.to_string()),
            ),
            CoreError::NoReview(_) => Failure::new(Exit::Gone, "notFound", message),
            CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
                Failure::new(Exit::Invalid, "alreadyQueued", message)
            }
            CoreError::AnswersQueued(_) | CoreError::Undelivered(_) => Failure::new(
                Exit::Failure,
                "answersQueued",
                tr!("cli-answers-queued", reason = message),
            ),
            CoreError::Discover(d) => match d {
                crate::app::discover::DiscoverError::NotPlacet(a) => a.into(),
                crate::app::discover::DiscoverError::BadAddress(_) => {
                    Failure::new(Exit::Usage, "badInput", message)
                }
                _ => Failure::new(Exit::Network, "noLiveConnection", message),
            },
            CoreError::Reply(crate::app::ReplyError::NoSuchAgent(_)) => {
                Failure::new(Exit::Gone, "notFound", message)
            }
            CoreError::Reply(_) => Failure::new(Exit::Invalid, "badInput", message),
            CoreError::Store(_) | CoreError::Config(_) => {
                Failure::new(Exit::Failure, "internal", message)
            }
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match &e {
            ApiError::Unauthorized { .. } => Failure::new(
                Exit::Auth,
                "authExpired",
                tr!("cli-sign-in-again", reason = e.to_string()),
            ),
            ApiError::Network { .. } => Failure::new(Exit::Network, "network", e.to_string()),
            ApiError::AlreadyResponded => {
                Failure::new(Exit::Gone, "alreadyAnswered", e.to_string())
            }
            ApiError::NotFound { .. } => Failure::new(Exit::Gone, "notFound", e.to_string()),
            ApiError::WrongPassword { .. } => {
                Failure::new(Exit::Auth, "wrongPassword", e.to_string())
            }
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
        eprintln!("{}", tr!("cli-error", message = f.message.as_str()));
    }
    f.code as i32
}

fn parse_server(s: &str, allow_insecure_http: bool) -> Result<ServerUrl, Failure> {
    crate::config::parse_server(s, allow_insecure_http).map_err(|e| {
        let message = match e {
            placet_client::rest::ServerUrlError::Insecure(_) => {
                tr!("cli-insecure-server", reason = e.to_string())
            }
            _ => e.to_string(),
        };
        Failure::new(Exit::Usage, "badInput", message)
    })
}

/// Asks a yes/no question at the terminal; only the language's yes words (`y` or `yes`
/// in English) are yes.
fn ask_yes_no(question: &str) -> bool {
    use std::io::Write;
    eprint!("{} ", tr!("cli-ask-yes-no", question = question));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    let answer = line.trim().to_lowercase();
    tr!("cli-yes-words")
        .split_whitespace()
        .any(|yes| yes.to_lowercase() == answer)
}

/// A secret read from standard input: `what` names it for the catalogue's select
/// (`api-key`, `password`, `current-password`, `new-password`).
fn read_stdin_line(what: &'static str) -> Result<Secret, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::new(
            Exit::Usage,
            "badInput",
            tr!("cli-stdin-unreadable", what = what, error = e.to_string()),
        )
    })?;
    let value = line.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(Failure::new(
            Exit::Usage,
            "badInput",
            tr!("cli-stdin-empty", what = what),
        ));
    }
    Ok(Secret::new(value))
}
