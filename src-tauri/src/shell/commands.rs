//! IPC commands: each takes the shell state, calls one core or client function, and
//! maps the error to `{code, message}` with a closed set of codes the pages switch on.

use placet_client::outbox::AnswerSource;
use placet_client::protocol::{Attachment, Review, ReviewStatus};
use placet_client::{Answer, ApiError, Message, NetworkKind, Secret, ServerUrl, SessionState};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};

use super::{windows, Shell};
use crate::config::{AccountMode, NotifyFor, QuietHours};
use crate::core::{CoreError, Persist};

/// The error every command returns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    code: ErrorCode,
    message: String,
}

/// What went wrong, for the page to switch on.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    NotConnected,
    AuthExpired,
    WrongCredentials,
    KeychainUnavailable,
    Network,
    Tls,
    NotPlacet,
    BadInput,
    InvalidAnswer,
    AlreadyAnswered,
    NotFound,
    WatchOnly,
    Internal,
}

impl IpcError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The tray cannot be reached (from a window process).
    pub fn not_connected(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotConnected, message)
    }
}

impl From<ApiError> for IpcError {
    fn from(e: ApiError) -> Self {
        let code = match &e {
            ApiError::Unauthorized { .. } => ErrorCode::AuthExpired,
            ApiError::Network {
                kind: NetworkKind::Tls,
                ..
            } => ErrorCode::Tls,
            ApiError::Network { .. } | ApiError::RateLimited { .. } => ErrorCode::Network,
            ApiError::AlreadyResponded => ErrorCode::AlreadyAnswered,
            ApiError::NotFound { .. } => ErrorCode::NotFound,
            ApiError::Decode { .. } => ErrorCode::NotPlacet,
            ApiError::BadRequest { .. } => ErrorCode::BadInput,
            _ => ErrorCode::Internal,
        };
        Self::new(code, e.to_string())
    }
}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        let message = e.to_string();
        match e {
            CoreError::NotSignedIn => Self::new(ErrorCode::NotConnected, message),
            CoreError::WatchOnly => Self::new(ErrorCode::WatchOnly, message),
            CoreError::Keychain(_) => Self::new(ErrorCode::KeychainUnavailable, message),
            CoreError::Api(a) => a.into(),
            CoreError::InvalidAnswer(_) => Self::new(ErrorCode::InvalidAnswer, message),
            CoreError::NotPending => Self::new(ErrorCode::AlreadyAnswered, message),
            CoreError::NoReview(_) => Self::new(ErrorCode::NotFound, message),
            CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
                Self::new(ErrorCode::AlreadyAnswered, message)
            }
            CoreError::Store(_) | CoreError::Config(_) => Self::new(ErrorCode::Internal, message),
        }
    }
}

type Result<T> = std::result::Result<T, IpcError>;

fn live(shell: &Shell) -> Result<std::sync::Arc<crate::core::Live>> {
    shell
        .core
        .live()
        .ok_or_else(|| IpcError::new(ErrorCode::NotConnected, "not signed in"))
}

/// The state of a review as a page shows it.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReviewState {
    Pending,
    Sending,
    Answered,
    Expired,
}

/// A review, ready to render.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    id: String,
    agent_id: String,
    agent_name: String,
    created_at: chrono::DateTime<chrono::Utc>,
    /// The message text as sanitised HTML.
    html: String,
    review: Review,
    state: ReviewState,
    attachments: Vec<Attachment>,
    iteration: Option<u32>,
    /// The previous round's feedback and response, for iterations.
    previous_feedback: Option<String>,
    previous_response: Option<serde_json::Value>,
    /// False in watch-only (API key) mode.
    can_answer: bool,
}

fn review_state(m: &Message, sending: bool) -> ReviewState {
    match m.review.as_ref().map(|r| r.status) {
        Some(ReviewStatus::Pending) if sending => ReviewState::Sending,
        Some(ReviewStatus::Pending) => ReviewState::Pending,
        Some(ReviewStatus::Expired) => ReviewState::Expired,
        _ => ReviewState::Answered,
    }
}

/// A review by message id: from the inbox, or fetched when it is not pending here.
async fn review_get(shell: &Shell, id: String) -> Result<ReviewView> {
    let live = live(shell)?;
    let (message, sending) = match live.inbox.get(&id) {
        Some(m) => ((*m).clone(), live.inbox.is_sending(&id)),
        None => (live.rest.message(&id).await?, false),
    };
    let review = message
        .review
        .clone()
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "this message has no review"))?;
    let (mut previous_feedback, mut previous_response) = (None, None);
    if message.iteration.is_some_and(|i| i >= 2) {
        if let Ok(rounds) = live.rest.iterations(&id, &message.channel_id).await {
            let prior = rounds
                .iter()
                .filter(|m| m.iteration < message.iteration)
                .max_by_key(|m| m.iteration);
            if let Some(r) = prior.and_then(|m| m.review.as_ref()) {
                previous_feedback = r.feedback.clone();
                previous_response = r.response.clone();
            }
        }
    }
    Ok(ReviewView {
        agent_name: live.inbox.agent_name(&message),
        agent_id: message.channel_id.clone(),
        created_at: message.created_at,
        html: crate::markdown::render(message.text.as_deref().unwrap_or("")),
        state: review_state(&message, sending),
        attachments: message.attachments.clone(),
        iteration: message.iteration,
        previous_feedback,
        previous_response,
        can_answer: live.account.mode == AccountMode::User,
        review,
        id: message.id,
    })
}

/// Answers a review (validated, then queued in the outbox).
async fn review_respond(shell: &Shell, id: String, answer: Answer) -> Result<()> {
    Ok(shell
        .core
        .respond(&id, &answer, AnswerSource::Window)
        .await?)
}

/// Opens a review's window; `option` preselects an approval option for a confirming
/// click (the inbox's reject key).
fn review_open(app: &AppHandle, id: String, option: Option<String>) {
    windows::open_review(app, &id, option.as_deref());
}

/// Saves an attachment into the Downloads folder; returns the file's path.
async fn attachment_download(shell: &Shell, id: String) -> Result<String> {
    let live = live(shell)?;
    let dir = shell.core.paths().downloads_dir.clone();
    match live.rest.download_attachment(&id, &dir).await {
        Ok(saved) => Ok(saved.path.display().to_string()),
        Err(placet_client::rest::DownloadError::Api(e)) => Err(e.into()),
        Err(e) => Err(IpcError::new(ErrorCode::Internal, e.to_string())),
    }
}

/// Opens an http, https or mailto link in the system browser.
fn link_open(url: String) -> Result<()> {
    let parsed =
        url::Url::parse(&url).map_err(|_| IpcError::new(ErrorCode::BadInput, "not a link"))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(IpcError::new(
            ErrorCode::BadInput,
            "only web and mail links open",
        ));
    }
    open_external(parsed.as_str())
}

/// Opens a link with the system's handler, which must not inherit the GL switch this
/// process set for itself (a browser would start without hardware acceleration).
fn open_external(target: &str) -> Result<()> {
    let mut last = None;
    for mut cmd in open::commands(target) {
        if std::env::var_os(super::GDK_GL_SET_HERE).is_some() {
            cmd.env_remove("GDK_GL").env_remove(super::GDK_GL_SET_HERE);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        match cmd.spawn() {
            Ok(mut child) => {
                // Reap the opener (it exits at once) so no zombie is left behind.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    Err(IpcError::new(
        ErrorCode::Internal,
        last.map(|e| e.to_string())
            .unwrap_or_else(|| "no program opens links".to_owned()),
    ))
}

/// One row of the inbox.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    id: String,
    agent_id: String,
    agent_name: String,
    /// First line of the text, plain.
    title: String,
    review: Review,
    created_at: chrono::DateTime<chrono::Utc>,
    sending: bool,
}

/// The inbox: every pending review, newest first, and the agents.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxView {
    items: Vec<InboxItem>,
    agents: Vec<AgentView>,
    can_answer: bool,
}

/// An agent for lists and filters.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentView {
    id: String,
    name: String,
    status: placet_client::protocol::AgentStatus,
}

fn inbox_list(shell: &Shell) -> Result<InboxView> {
    let live = live(shell)?;
    let items = live
        .inbox
        .pending()
        .iter()
        .filter_map(|m| {
            Some(InboxItem {
                id: m.id.clone(),
                agent_id: m.channel_id.clone(),
                agent_name: live.inbox.agent_name(m),
                title: crate::present::one_line(
                    &crate::present::markdown_to_plain(m.first_line()),
                    140,
                ),
                review: m.review.clone()?,
                created_at: m.created_at,
                sending: live.inbox.is_sending(&m.id),
            })
        })
        .collect();
    Ok(InboxView {
        items,
        agents: agents(&live),
        can_answer: live.account.mode == AccountMode::User,
    })
}

fn agents(live: &crate::core::Live) -> Vec<AgentView> {
    live.inbox
        .agents()
        .into_iter()
        .map(|a| AgentView {
            id: a.id,
            name: a.name,
            status: a.status,
        })
        .collect()
}

/// What the sign-in and settings page shows.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    signed_in: bool,
    server: Option<String>,
    account: Option<String>,
    watch_only: bool,
    /// False when the sign-in is held for this run only.
    saved: bool,
    state: SessionState,
    state_text: String,
}

/// The account and connection.
fn app_status(shell: &Shell) -> AppStatus {
    status(shell)
}

pub(super) fn status(shell: &Shell) -> AppStatus {
    match shell.core.live() {
        Some(l) => {
            let state = l.state();
            AppStatus {
                signed_in: true,
                server: Some(l.account.server.display().to_owned()),
                account: Some(l.account.name.clone()),
                watch_only: l.account.mode == AccountMode::ApiKey,
                saved: l.persisted,
                state_text: state.describe(chrono::Utc::now()),
                state,
            }
        }
        None => AppStatus {
            signed_in: false,
            server: shell
                .core
                .config()
                .account
                .map(|a| a.server.display().to_owned()),
            account: None,
            watch_only: false,
            saved: false,
            state: SessionState::SignedOut,
            state_text: "Signed out".into(),
        },
    }
}

fn server_url(server: &str) -> Result<ServerUrl> {
    ServerUrl::parse(server).map_err(|e| IpcError::new(ErrorCode::BadInput, e.to_string()))
}

/// Checks that a URL is a reachable Placet server.
async fn server_check(server: String) -> Result<String> {
    Ok(placet_server(&server).await?.display().to_owned())
}

/// The checked URL of a server that answers like Placet.
async fn placet_server(server: &str) -> Result<ServerUrl> {
    let url = server_url(server)?;
    placet_client::RestClient::new(url.clone()).probe().await?;
    Ok(url)
}

fn persistence(this_run_only: bool) -> Persist {
    if this_run_only {
        Persist::ThisRunOnly
    } else {
        Persist::Keychain
    }
}

/// The result of a sign-in as the page sees it; a 401 means the credential was wrong.
fn signed_in(
    shell: &Shell,
    result: std::result::Result<std::sync::Arc<crate::core::Live>, CoreError>,
    refused: &str,
) -> Result<AppStatus> {
    match result {
        Ok(_) => Ok(status(shell)),
        Err(CoreError::Api(ApiError::Unauthorized { .. })) => {
            Err(IpcError::new(ErrorCode::WrongCredentials, refused))
        }
        Err(e) => Err(e.into()),
    }
}

/// Signs in with email and password. `this_run_only` keeps the session in memory (when
/// no keychain is reachable).
async fn sign_in(
    shell: &Shell,
    server: String,
    email: String,
    password: String,
    this_run_only: bool,
) -> Result<AppStatus> {
    let url = placet_server(&server).await?;
    let result = shell
        .core
        .sign_in(
            url,
            email.trim(),
            &Secret::new(password),
            persistence(this_run_only),
        )
        .await;
    signed_in(shell, result, "wrong email or password")
}

/// Signs in watch-only with an API key.
async fn sign_in_api_key(
    shell: &Shell,
    server: String,
    key: String,
    this_run_only: bool,
) -> Result<AppStatus> {
    let url = placet_server(&server).await?;
    let result = shell
        .core
        .sign_in_with_api_key(url, Secret::new(key.trim()), persistence(this_run_only))
        .await;
    signed_in(shell, result, "the API key was refused")
}

/// Signs out and forgets the session.
async fn sign_out(shell: &Shell) -> Result<AppStatus> {
    shell.core.sign_out().await?;
    Ok(status(shell))
}

/// The settings a page edits.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    paused_until: Option<chrono::DateTime<chrono::Utc>>,
    quiet_hours: Option<QuietHours>,
    muted_agents: Vec<String>,
    notify_for: NotifyFor,
    sound: bool,
    autostart: bool,
}

/// The settings, with the agents for the mute list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    settings: Settings,
    agents: Vec<AgentView>,
}

fn settings_get(shell: &Shell) -> SettingsView {
    let c = shell.core.config();
    SettingsView {
        settings: Settings {
            paused_until: c.notifications.paused_until,
            quiet_hours: c.notifications.quiet_hours,
            muted_agents: c.notifications.muted_agents,
            notify_for: c.notifications.notify_for,
            sound: c.notifications.sound,
            autostart: c.autostart,
        },
        agents: shell.core.live().map(|l| agents(&l)).unwrap_or_default(),
    }
}

fn settings_set(app: &AppHandle, shell: &Shell, settings: Settings) -> Result<()> {
    use tauri_plugin_autostart::ManagerExt;
    if settings.autostart != shell.core.config().autostart {
        let launcher = app.autolaunch();
        let r = if settings.autostart {
            launcher.enable()
        } else {
            launcher.disable()
        };
        r.map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("cannot change start at login: {e}"),
            )
        })?;
    }
    shell.core.update_config(|c| {
        c.notifications.paused_until = settings.paused_until;
        c.notifications.quiet_hours = settings.quiet_hours;
        c.notifications.muted_agents = settings.muted_agents;
        c.notifications.notify_for = settings.notify_for;
        c.notifications.sound = settings.sound;
        c.autostart = settings.autostart;
    })?;
    super::tray::refresh(app);
    Ok(())
}

/// Opens the inbox window.
fn inbox_open(app: &AppHandle) {
    windows::open_inbox(app);
}

/// Opens the settings window.
fn settings_open(app: &AppHandle) {
    windows::open_settings(app);
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewOpenArgs {
    id: String,
    #[serde(default)]
    option: Option<String>,
}

#[derive(Deserialize)]
struct RespondArgs {
    id: String,
    answer: Answer,
}

#[derive(Deserialize)]
struct Url {
    url: String,
}

#[derive(Deserialize)]
struct Server {
    server: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInArgs {
    server: String,
    email: String,
    password: String,
    #[serde(default)]
    this_run_only: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiKeyArgs {
    server: String,
    key: String,
    #[serde(default)]
    this_run_only: bool,
}

#[derive(Deserialize)]
struct SettingsArgs {
    settings: Settings,
}

fn args<T: serde::de::DeserializeOwned>(cmd: &str, value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| IpcError::new(ErrorCode::BadInput, format!("{cmd}: {e}")))
}

fn json<T: Serialize>(value: T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
}

/// Runs a command from a window: the one entry point of every page's IPC. The window
/// process has already checked it against the window's capability.
pub async fn dispatch(
    app: &AppHandle,
    cmd: &str,
    value: serde_json::Value,
) -> Result<serde_json::Value> {
    let shell = app.state::<Shell>();
    let shell: &Shell = &shell;
    match cmd {
        "review_get" => json(review_get(shell, args::<Id>(cmd, value)?.id).await?),
        "review_respond" => {
            let a: RespondArgs = args(cmd, value)?;
            json(review_respond(shell, a.id, a.answer).await?)
        }
        "review_open" => {
            let a: ReviewOpenArgs = args(cmd, value)?;
            review_open(app, a.id, a.option);
            json(())
        }
        "attachment_download" => {
            json(attachment_download(shell, args::<Id>(cmd, value)?.id).await?)
        }
        "link_open" => json(link_open(args::<Url>(cmd, value)?.url)?),
        "inbox_list" => json(inbox_list(shell)?),
        "inbox_open" => {
            inbox_open(app);
            json(())
        }
        "app_status" => json(app_status(shell)),
        "server_check" => json(server_check(args::<Server>(cmd, value)?.server).await?),
        "sign_in" => {
            let a: SignInArgs = args(cmd, value)?;
            json(sign_in(shell, a.server, a.email, a.password, a.this_run_only).await?)
        }
        "sign_in_api_key" => {
            let a: ApiKeyArgs = args(cmd, value)?;
            json(sign_in_api_key(shell, a.server, a.key, a.this_run_only).await?)
        }
        "sign_out" => json(sign_out(shell).await?),
        "settings_get" => json(settings_get(shell)),
        "settings_set" => json(settings_set(
            app,
            shell,
            args::<SettingsArgs>(cmd, value)?.settings,
        )?),
        "settings_open" => {
            settings_open(app);
            json(())
        }
        other => Err(IpcError::new(
            ErrorCode::BadInput,
            format!("unknown command {other}"),
        )),
    }
}
