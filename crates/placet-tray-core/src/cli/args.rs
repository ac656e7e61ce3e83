//! The command line's definition (clap): the commands, their options and their help,
//! from which `--help` and the manual page are made.

use clap::{Args, Parser, Subcommand};

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
    pub(super) json: bool,
    /// Which account, when there are several: its server's host, its web address, or its
    /// email (or `email@host`). Without it a command means the only account.
    #[arg(long, global = true, value_name = "NAME")]
    pub(super) account: Option<String>,
    /// With the tray: open a window at start (`inbox`, `settings` or `review:<message-id>`).
    #[arg(long, value_name = "WINDOW")]
    pub(super) open: Option<String>,
    /// The window host is on standard input and output (it started this tray: tests
    /// that drive the windows over WebDriver). Only in test builds: whoever starts such
    /// a tray speaks for its windows.
    #[cfg(feature = "webdriver")]
    #[arg(long, hide = true)]
    pub(super) ui_on_stdio: bool,
    #[command(subcommand)]
    pub(super) command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
    /// Send an agent a message, as the person would in Placet's chat. Placet Tray shows
    /// it whole and sends it only when you confirm it there.
    Reply(ReplyArgs),
    /// Open a review's page in Placet's web app, in the browser.
    Open(OpenArgs),
    /// Send a review's answer to its agent again, after its webhook delivery failed.
    Retry(OpenArgs),
    /// Change your Placet password (the server may ask for it after an admin reset).
    Password(PasswordArgs),
    /// The decided reviews (the local decision log), newest first: what was answered,
    /// how, when; passwords never shown.
    History(HistoryArgs),
    /// The snoozed reviews; `--clear ID` or `--clear-all` brings them back now.
    Snoozes(SnoozesArgs),
    /// Run the tray against an embedded Placet dev server with a demo agent.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub(super) struct HistoryArgs {
    /// Only this agent's decisions (its name).
    #[arg(long, value_name = "NAME")]
    pub(super) agent: Option<String>,
    /// Only decisions whose review or answer contains this text.
    #[arg(long, value_name = "TEXT")]
    pub(super) search: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").multiple(false).args(["clear", "clear_all"]))]
pub(super) struct SnoozesArgs {
    /// Clear this review's snooze (its message id): it comes back now.
    #[arg(long, value_name = "ID")]
    pub(super) clear: Option<String>,
    /// Clear every snooze.
    #[arg(long)]
    pub(super) clear_all: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
pub(super) struct OutputArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
pub(super) struct LoginArgs {
    /// Server URL, e.g. https://placet.example.com
    #[arg(long)]
    pub(super) server: String,
    /// Account email.
    #[arg(long, required_unless_present = "api_key_stdin")]
    pub(super) email: Option<String>,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long, conflicts_with = "api_key_stdin")]
    pub(super) password_stdin: bool,
    /// Sign in watch-only with an API key (hp_...) read from standard input.
    #[arg(long, conflicts_with = "email")]
    pub(super) api_key_stdin: bool,
    /// The live connection's address (the backend's, where Socket.IO is), when it is not
    /// found from --server: the web UI gets it from NEXT_PUBLIC_WS_URL (by default the
    /// same host, port 3001).
    #[arg(long, value_name = "URL")]
    pub(super) api_url: Option<String>,
    /// Allow plain http to a server that is not on this machine. The password and the
    /// session then travel unencrypted: anyone on the network path can read them.
    #[arg(long)]
    pub(super) allow_insecure_http: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("queued").multiple(false)
    .args(["deliver_queued", "discard_queued"]))]
pub(super) struct LogoutArgs {
    /// Answers still waiting to be sent are delivered first (sign-out fails if they
    /// cannot be).
    #[arg(long)]
    pub(super) deliver_queued: bool,
    /// Answers still waiting to be sent are discarded.
    #[arg(long)]
    pub(super) discard_queued: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("answer").required(true).multiple(false)
    .args(["option", "select", "field", "text", "json", "dismiss"]))]
pub(super) struct RespondArgs {
    /// The message id of the review.
    pub(super) message_id: String,
    /// Approval: the option id to choose.
    #[arg(long)]
    pub(super) option: Option<String>,
    /// Approval: a comment (where the review allows one).
    #[arg(long, requires = "option")]
    pub(super) comment: Option<String>,
    /// Selection: the item ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub(super) select: Option<Vec<String>>,
    /// Form: a field value NAME=VALUE (repeat for each field). NAME=@- reads the value
    /// from standard input, NAME=@FILE from a file: use that for passwords, which other
    /// programs can read in a command line.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub(super) field: Vec<String>,
    /// Text input: the text.
    #[arg(long)]
    pub(super) text: Option<String>,
    /// Freeform: a JSON object. (For JSON output use `placet-tray --json respond ...`.)
    #[arg(long, value_name = "OBJECT")]
    pub(super) json: Option<String>,
    /// Dismiss (where the review offers it).
    #[arg(long)]
    pub(super) dismiss: bool,
    /// Request changes: this text goes to the agent with the answer (Placet's
    /// `feedback`).
    #[arg(long, value_name = "TEXT")]
    pub(super) feedback: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct ReplyArgs {
    /// The agent: its id, or its name.
    pub(super) agent: String,
    /// The message; `-` reads it from standard input.
    pub(super) text: String,
}

#[derive(Debug, Args)]
pub(super) struct OpenArgs {
    /// The message id of the review.
    pub(super) message_id: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
pub(super) struct DemoArgs {
    /// Seconds between the demo agent's reviews.
    #[arg(long, default_value_t = 20)]
    pub(super) interval: u64,
    /// Port of the embedded server (0 picks a free one); with --split, of its web UI.
    #[arg(long, default_value_t = 0)]
    pub(super) port: u16,
    /// Lay the embedded server out as upstream's docker-compose does: the web UI on one
    /// port (forwarding /api/*), the backend with the live connection on another.
    #[arg(long)]
    pub(super) split: bool,
    /// Open a window at start (`inbox`, `settings` or `review:<message-id>`).
    #[arg(long, value_name = "WINDOW")]
    pub(super) open: Option<String>,
}

#[derive(Debug, Args)]
pub(super) struct PasswordArgs {
    /// Read the current password and then the new one from the first two lines of
    /// standard input instead of prompting.
    #[arg(long)]
    pub(super) stdin: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}
