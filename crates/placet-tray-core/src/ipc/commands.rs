//! The command table: every command a page may call, which windows may call it, and
//! what it does. The shell's build script, its capability files and the pages' IPC
//! module are checked against [`CommandName::ALL`] by tests; [`dispatch`] is the one
//! entry point, and it scopes every command by the window that sent it: a review window
//! reads and answers only its own review, a confirmation window reads and decides only
//! its own proposal, the inbox answers only approvals whose option is not `danger`
//! (the rules of [`crate::decide`]), only the settings window signs in or out or changes
//! settings.

use std::sync::Arc;

use placet_client::protocol::ReviewStatus;
use placet_client::rest::{DownloadOptions, ServerUrlError};
use placet_client::{Answer, ApiError, Message, Secret, ServerUrl};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::events::DownloadProgressEvent;
use super::views::{
    AgentView, AppStatus, DecisionView, InboxItem, InboxView, ProposalView, ReviewState,
    ReviewView, Settings, SettingsView,
};
use super::{ErrorCode, IpcError, UiEvent};
use crate::app::{Core, CoreError, Live, Persist, QueuedOnSignOut, Verdict};
use crate::autostart::Autostart;
use crate::config::AccountMode;
use crate::decide::Source;
use crate::proposal::Proposals;
use crate::tray::TrayHost;
use crate::window::{WindowClass, WindowHost, WindowKind};
use crate::{links, markdown, text};

/// Every command of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandName {
    ReviewGet,
    ReviewRespond,
    ReviewOpen,
    ReviewOpenWeb,
    AttachmentDownload,
    LinkOpen,
    InboxList,
    InboxOpen,
    AppStatus,
    ServerCheck,
    SignIn,
    SignInApiKey,
    SignOut,
    SettingsGet,
    SettingsSet,
    SettingsOpen,
    ProposalGet,
    ProposalDecide,
}

use WindowClass::{Confirm as C, Inbox as I, Review as R, Settings as S};

impl CommandName {
    /// The whole table.
    pub const ALL: [CommandName; 18] = [
        CommandName::ReviewGet,
        CommandName::ReviewRespond,
        CommandName::ReviewOpen,
        CommandName::ReviewOpenWeb,
        CommandName::AttachmentDownload,
        CommandName::LinkOpen,
        CommandName::InboxList,
        CommandName::InboxOpen,
        CommandName::AppStatus,
        CommandName::ServerCheck,
        CommandName::SignIn,
        CommandName::SignInApiKey,
        CommandName::SignOut,
        CommandName::SettingsGet,
        CommandName::SettingsSet,
        CommandName::SettingsOpen,
        CommandName::ProposalGet,
        CommandName::ProposalDecide,
    ];

    /// The name pages invoke.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::ReviewGet => "review_get",
            CommandName::ReviewRespond => "review_respond",
            CommandName::ReviewOpen => "review_open",
            CommandName::ReviewOpenWeb => "review_open_web",
            CommandName::AttachmentDownload => "attachment_download",
            CommandName::LinkOpen => "link_open",
            CommandName::InboxList => "inbox_list",
            CommandName::InboxOpen => "inbox_open",
            CommandName::AppStatus => "app_status",
            CommandName::ServerCheck => "server_check",
            CommandName::SignIn => "sign_in",
            CommandName::SignInApiKey => "sign_in_api_key",
            CommandName::SignOut => "sign_out",
            CommandName::SettingsGet => "settings_get",
            CommandName::SettingsSet => "settings_set",
            CommandName::SettingsOpen => "settings_open",
            CommandName::ProposalGet => "proposal_get",
            CommandName::ProposalDecide => "proposal_decide",
        }
    }

    /// The command of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The windows that may call it.
    pub fn granted_to(self) -> &'static [WindowClass] {
        match self {
            CommandName::ReviewGet => &[R],
            CommandName::ReviewRespond => &[R, I],
            CommandName::ReviewOpen => &[I, C],
            CommandName::ReviewOpenWeb => &[R, I],
            CommandName::AttachmentDownload => &[R],
            CommandName::LinkOpen => &[R],
            CommandName::InboxList => &[I],
            CommandName::InboxOpen => &[R, S],
            CommandName::AppStatus => &[I, S],
            CommandName::ServerCheck => &[S],
            CommandName::SignIn => &[S],
            CommandName::SignInApiKey => &[S],
            CommandName::SignOut => &[S],
            CommandName::SettingsGet => &[S],
            CommandName::SettingsSet => &[S],
            CommandName::SettingsOpen => &[I],
            CommandName::ProposalGet => &[C],
            CommandName::ProposalDecide => &[C],
        }
    }

    /// Its permission in the capability files (`allow-review-get`).
    pub fn permission(self) -> String {
        format!("allow-{}", self.as_str().replace('_', "-"))
    }
}

/// What commands act on: the core and the shell's seams.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub core: Arc<Core>,
    pub windows: Arc<dyn WindowHost>,
    pub tray: Arc<dyn TrayHost>,
    pub autostart: Arc<dyn Autostart>,
    /// Programs' proposals waiting for the person.
    pub proposals: Arc<Proposals>,
}

type Result<T> = std::result::Result<T, IpcError>;

/// Runs a page's command for the window `from`. A command the window is not granted,
/// or one about a review that is not the window's own, is refused and nothing happens.
pub async fn dispatch(ctx: &Ctx, from: &WindowKind, cmd: &str, value: Value) -> Result<Value> {
    let Some(name) = CommandName::parse(cmd) else {
        return Err(IpcError::new(
            ErrorCode::BadInput,
            format!("unknown command {cmd}"),
        ));
    };
    if !name.granted_to().contains(&from.class()) {
        tracing::warn!(command = cmd, window = %from.label(), "command refused: not granted to this window");
        return Err(IpcError::not_allowed(format!(
            "this window may not call {cmd}"
        )));
    }
    match name {
        CommandName::ReviewGet => {
            let a: Id = args(cmd, value)?;
            own_review(from, &a.id)?;
            json(review_get(&ctx.core, &a.id).await?)
        }
        CommandName::ReviewRespond => {
            let a: RespondArgs = args(cmd, value)?;
            json(review_respond(ctx, from, &a.id, a.answer, a.feedback).await?)
        }
        CommandName::ReviewOpen => {
            let a: ReviewOpenArgs = args(cmd, value)?;
            // A confirmation window opens only the review of its own proposal, and
            // highlights nothing there.
            let option = match from {
                WindowKind::Confirm { proposal } => {
                    own_proposal_review(ctx, *proposal, &a.id)?;
                    None
                }
                _ => a.option,
            };
            ctx.windows.open(WindowKind::review(&a.id), option);
            json(())
        }
        CommandName::ReviewOpenWeb => {
            let a: Id = args(cmd, value)?;
            own_review(from, &a.id)?;
            let live = live(&ctx.core)?;
            let message = match live.inbox.get(&a.id) {
                Some(m) => (*m).clone(),
                None => live.rest.message(&a.id).await?,
            };
            let page = live.account.server.message_page(&message);
            links::open_link(page.as_str()).map_err(|e| IpcError::new(e.code(), e.to_string()))?;
            json(())
        }
        CommandName::AttachmentDownload => {
            let a: Id = args(cmd, value)?;
            json(attachment_download(ctx, from, &a.id).await?)
        }
        CommandName::LinkOpen => {
            let a: Url = args(cmd, value)?;
            links::open_link(&a.url).map_err(|e| IpcError::new(e.code(), e.to_string()))?;
            json(())
        }
        CommandName::InboxList => json(inbox_list(&ctx.core)?),
        CommandName::InboxOpen => {
            ctx.windows.open(WindowKind::Inbox, None);
            json(())
        }
        CommandName::AppStatus => json(status(&ctx.core)),
        CommandName::ServerCheck => {
            let a: Server = args(cmd, value)?;
            json(
                placet_server(&a.server, a.allow_insecure_http)
                    .await?
                    .display()
                    .to_owned(),
            )
        }
        CommandName::SignIn => {
            let a: SignInArgs = args(cmd, value)?;
            let url = placet_server(&a.server, a.allow_insecure_http).await?;
            let result = ctx
                .core
                .sign_in(
                    url,
                    a.email.trim(),
                    &Secret::new(a.password),
                    persistence(a.this_run_only),
                )
                .await;
            json(signed_in(&ctx.core, result, "wrong email or password")?)
        }
        CommandName::SignInApiKey => {
            let a: ApiKeyArgs = args(cmd, value)?;
            let url = placet_server(&a.server, a.allow_insecure_http).await?;
            let result = ctx
                .core
                .sign_in_with_api_key(url, Secret::new(a.key.trim()), persistence(a.this_run_only))
                .await;
            json(signed_in(&ctx.core, result, "the API key was refused")?)
        }
        CommandName::SignOut => {
            let a: SignOutArgs = args(cmd, value)?;
            let queued = match a.queued {
                None => QueuedOnSignOut::Ask,
                Some(QueuedChoice::Deliver) => QueuedOnSignOut::Deliver(SIGN_OUT_PATIENCE),
                Some(QueuedChoice::Discard) => QueuedOnSignOut::Discard,
            };
            ctx.core.sign_out(queued).await?;
            json(status(&ctx.core))
        }
        CommandName::SettingsGet => json(settings_get(&ctx.core)),
        CommandName::SettingsSet => {
            let a: SettingsArgs = args(cmd, value)?;
            settings_set(ctx, a.settings)?;
            json(())
        }
        CommandName::SettingsOpen => {
            ctx.windows.open(WindowKind::Settings, None);
            json(())
        }
        CommandName::ProposalGet => {
            let a: ProposalId = args(cmd, value)?;
            own_proposal(from, a.id)?;
            json(proposal_get(ctx, a.id)?)
        }
        CommandName::ProposalDecide => {
            let a: ProposalDecideArgs = args(cmd, value)?;
            own_proposal(from, a.id)?;
            if !ctx.proposals.decide(a.id, a.confirm) {
                return Err(IpcError::new(
                    ErrorCode::NotFound,
                    "this proposal no longer waits for a decision",
                ));
            }
            json(())
        }
    }
}

/// A confirmation window may only read and decide its own proposal.
fn own_proposal(from: &WindowKind, id: u64) -> Result<()> {
    match from {
        WindowKind::Confirm { proposal } if *proposal == id => Ok(()),
        _ => Err(IpcError::not_allowed(
            "a confirmation window may only read and decide its own proposal",
        )),
    }
}

/// The review `id` is the one proposal `proposal` answers.
fn own_proposal_review(ctx: &Ctx, proposal: u64, id: &str) -> Result<()> {
    match ctx.proposals.message_of(proposal) {
        Some(m) if m.id == id => Ok(()),
        _ => Err(IpcError::not_allowed(
            "a confirmation window may only open the review its proposal answers",
        )),
    }
}

/// A proposal for its confirmation window.
fn proposal_get(ctx: &Ctx, id: u64) -> Result<ProposalView> {
    let message = ctx
        .proposals
        .message_of(id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such proposal"))?;
    let agent = ctx
        .core
        .live()
        .map(|l| l.inbox.agent_name(&message))
        .unwrap_or_else(|| "An agent".to_owned());
    let html = markdown::render(message.text.as_deref().unwrap_or(""));
    ctx.proposals
        .view(id, &agent, html)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such proposal"))
}

/// A review window may only ask about its own review.
fn own_review(from: &WindowKind, id: &str) -> Result<()> {
    match from {
        WindowKind::Review { message_id } if message_id == id => Ok(()),
        WindowKind::Review { .. } => Err(IpcError::not_allowed(
            "a review window may only read and answer its own review",
        )),
        _ => Ok(()),
    }
}

fn live(core: &Core) -> Result<Arc<Live>> {
    core.live()
        .ok_or_else(|| IpcError::new(ErrorCode::NotConnected, "not signed in"))
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
pub async fn review_get(core: &Core, id: &str) -> Result<ReviewView> {
    let live = live(core)?;
    let (message, sending) = match live.inbox.get(id) {
        Some(m) => ((*m).clone(), live.inbox.is_sending(id)),
        None => match live.rest.message(id).await {
            Ok(m) => (m, false),
            // Answered and expired reviews stay on the server; one we saw that is gone
            // was deleted by its agent.
            Err(ApiError::NotFound { .. }) if live.inbox.is_finished(id) => {
                return Err(IpcError::new(
                    ErrorCode::Withdrawn,
                    "the agent withdrew this review",
                ))
            }
            Err(e) => return Err(e.into()),
        },
    };
    let review = message
        .review
        .clone()
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "this message has no review"))?;
    let (mut previous_feedback, mut previous_response) = (None, None);
    if message.iteration.is_some_and(|i| i >= 2) {
        if let Ok(rounds) = live.rest.iterations(id, &message.channel_id).await {
            let prior = rounds
                .iter()
                .filter(|m| m.iteration < message.iteration)
                .max_by_key(|m| m.iteration);
            if let Some(r) = prior.and_then(|m| m.review.as_ref()) {
                previous_feedback = r.feedback.clone();
                // Whatever the server sends (the real one does not redact earlier rounds),
                // a password is never shown.
                previous_response = r
                    .response
                    .as_ref()
                    .map(|v| crate::proposal::hide_passwords(&r.kind, v));
            }
        }
    }
    Ok(ReviewView {
        agent_name: live.inbox.agent_name(&message),
        agent_id: message.channel_id.clone(),
        created_at: message.created_at,
        html: markdown::render(message.text.as_deref().unwrap_or("")),
        state: review_state(&message, sending),
        attachments: message.attachments.clone(),
        iteration: message.iteration,
        previous_feedback,
        previous_response,
        can_answer: live.account.mode == AccountMode::User,
        page: live.account.server.message_page(&message).to_string(),
        decision: decision_of(&live, &message.id),
        review,
        id: message.id,
    })
}

/// Our newest decision about a review, from the decision log.
fn decision_of(live: &Live, message_id: &str) -> Option<DecisionView> {
    let d = live
        .outbox
        .decisions(200)
        .ok()?
        .into_iter()
        .find(|d| d.message_id == message_id)?;
    Some(DecisionView {
        given_in: text::answer_source(d.source, &d.source_label),
        delivered_to_agent: d.delivered_to_agent(),
        delivery: d.delivery.map(|s| s.as_str().to_owned()),
        summary: d.summary,
        decided_at: d.decided_at,
        outcome: d.outcome,
    })
}

/// Answers a review: a review window its own (any option: the person is looking at
/// it), the inbox what the rules let it ([`crate::decide`]).
async fn review_respond(
    ctx: &Ctx,
    from: &WindowKind,
    id: &str,
    answer: Answer,
    feedback: Option<String>,
) -> Result<()> {
    own_review(from, id)?;
    let source = match from {
        WindowKind::Inbox => Source::Inbox,
        WindowKind::Review { .. } => Source::ReviewWindow,
        _ => return Err(IpcError::not_allowed("this window does not answer reviews")),
    };
    match ctx
        .core
        .answer(id, &answer, feedback.as_deref(), source)
        .await?
    {
        Verdict::Queued => Ok(()),
        Verdict::OpenWindow | Verdict::Confirm { .. } => {
            Err(IpcError::not_allowed("open the review to answer it"))
        }
    }
}

/// Saves an attachment of the window's own review into the Downloads folder, reporting
/// progress to the pages; returns the file's path.
async fn attachment_download(ctx: &Ctx, from: &WindowKind, id: &str) -> Result<String> {
    let core = &ctx.core;
    let live = live(core)?;
    let WindowKind::Review { message_id } = from else {
        return Err(IpcError::not_allowed(
            "only a review window saves its review's attachments",
        ));
    };
    let message = match live.inbox.get(message_id) {
        Some(m) => (*m).clone(),
        None => live.rest.message(message_id).await?,
    };
    if !message.attachments.iter().any(|a| a.id == id) {
        return Err(IpcError::not_allowed(
            "a review window may only save its own review's attachments",
        ));
    }
    let message_id = message_id.clone();
    let dir = core.paths().downloads_dir.clone();
    let windows = ctx.windows.clone();
    let attachment_id = id.to_owned();
    let last = std::sync::Mutex::new(std::time::Instant::now() - PROGRESS_EVERY);
    let options = DownloadOptions::default().on_progress(move |p| {
        // A few updates a second are enough for a progress bar.
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < PROGRESS_EVERY && p.total != Some(p.received) {
            return;
        }
        *last = std::time::Instant::now();
        windows.emit(UiEvent::DownloadProgress(DownloadProgressEvent {
            message_id: message_id.clone(),
            attachment_id: attachment_id.clone(),
            received: p.received,
            total: p.total,
        }));
    });
    match live.rest.download_attachment_with(id, &dir, &options).await {
        Ok(saved) => Ok(saved.path.display().to_string()),
        Err(placet_client::rest::DownloadError::Api(e)) => Err(e.into()),
        Err(e) => Err(IpcError::new(ErrorCode::Internal, e.to_string())),
    }
}

/// The shortest gap between two progress events of one download.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// The inbox: every pending review, newest first, and the agents.
pub fn inbox_list(core: &Core) -> Result<InboxView> {
    let live = live(core)?;
    let items = live
        .inbox
        .pending()
        .iter()
        .filter_map(|m| {
            Some(InboxItem {
                id: m.id.clone(),
                agent_id: m.channel_id.clone(),
                agent_name: live.inbox.agent_name(m),
                title: text::one_line(&text::markdown_to_plain(m.first_line()), 140),
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

fn agents(live: &Live) -> Vec<AgentView> {
    live.inbox
        .agents()
        .into_iter()
        .map(|a| AgentView {
            status_text: text::agent_status(&a),
            id: a.id,
            name: a.name,
            status: a.status,
            status_message: a.status_message,
        })
        .collect()
}

/// The account and connection.
pub fn status(core: &Core) -> AppStatus {
    match core.live() {
        Some(l) => {
            let state = l.state();
            AppStatus {
                signed_in: true,
                server: Some(l.account.server.display().to_owned()),
                account: Some(l.account.name.clone()),
                watch_only: l.account.mode == AccountMode::ApiKey,
                saved: l.persisted,
                state_text: text::session_state(&state, chrono::Utc::now()),
                state,
                insecure: !l.account.server.is_encrypted() && !l.account.server.is_loopback(),
            }
        }
        None => AppStatus {
            signed_in: false,
            server: core.config().account.map(|a| a.server.display().to_owned()),
            account: None,
            watch_only: false,
            saved: false,
            state: placet_client::SessionState::SignedOut,
            state_text: "Signed out".into(),
            insecure: false,
        },
    }
}

fn server_url(server: &str, allow_insecure_http: bool) -> Result<ServerUrl> {
    crate::config::parse_server(server, allow_insecure_http).map_err(|e| match e {
        ServerUrlError::Insecure(_) => IpcError::new(ErrorCode::InsecureHttp, e.to_string()),
        other => IpcError::new(ErrorCode::BadInput, other.to_string()),
    })
}

/// The checked URL of a server that answers like Placet.
async fn placet_server(server: &str, allow_insecure_http: bool) -> Result<ServerUrl> {
    let url = server_url(server, allow_insecure_http)?;
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
    core: &Core,
    result: std::result::Result<Arc<Live>, CoreError>,
    refused: &str,
) -> Result<AppStatus> {
    match result {
        Ok(_) => Ok(status(core)),
        Err(CoreError::Api(ApiError::Unauthorized { .. })) => {
            Err(IpcError::new(ErrorCode::WrongCredentials, refused))
        }
        Err(e) => Err(e.into()),
    }
}

fn settings_get(core: &Core) -> SettingsView {
    let c = core.config();
    SettingsView {
        settings: Settings {
            paused_until: c.notifications.paused_until,
            quiet_hours: c.notifications.quiet_hours,
            muted_agents: c.notifications.muted_agents,
            notify_for: c.notifications.notify_for,
            sound: c.notifications.sound,
            autostart: c.autostart,
            answer_only_in_windows: c.answer_only_in_windows,
            notify_agent_errors: c.notifications.agent_errors,
        },
        agents: core.live().map(|l| agents(&l)).unwrap_or_default(),
    }
}

fn settings_set(ctx: &Ctx, settings: Settings) -> Result<()> {
    if settings.autostart != ctx.core.config().autostart {
        ctx.autostart.set(settings.autostart).map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("cannot change start at login: {e}"),
            )
        })?;
    }
    ctx.core.update_config(|c| {
        c.notifications.paused_until = settings.paused_until;
        c.notifications.quiet_hours = settings.quiet_hours;
        c.notifications.muted_agents = settings.muted_agents;
        c.notifications.notify_for = settings.notify_for;
        c.notifications.sound = settings.sound;
        c.autostart = settings.autostart;
        c.answer_only_in_windows = settings.answer_only_in_windows;
        c.notifications.agent_errors = settings.notify_agent_errors;
    })?;
    ctx.tray.refresh();
    Ok(())
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
    /// A request for changes, sent beside the answer.
    #[serde(default)]
    feedback: Option<String>,
}

#[derive(Deserialize)]
struct ProposalId {
    id: u64,
}

#[derive(Deserialize)]
struct ProposalDecideArgs {
    id: u64,
    confirm: bool,
}

#[derive(Deserialize)]
struct Url {
    url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Server {
    server: String,
    #[serde(default)]
    allow_insecure_http: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInArgs {
    server: String,
    email: String,
    password: String,
    #[serde(default)]
    this_run_only: bool,
    #[serde(default)]
    allow_insecure_http: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiKeyArgs {
    server: String,
    key: String,
    #[serde(default)]
    this_run_only: bool,
    #[serde(default)]
    allow_insecure_http: bool,
}

#[derive(Deserialize)]
struct SettingsArgs {
    settings: Settings,
}

/// How long sign-out tries to deliver each queued answer.
const SIGN_OUT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// What to do with answers still queued at sign-out.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum QueuedChoice {
    Deliver,
    Discard,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignOutArgs {
    queued: Option<QueuedChoice>,
}

fn args<T: DeserializeOwned>(cmd: &str, value: Value) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| IpcError::new(ErrorCode::BadInput, format!("{cmd}: {e}")))
}

fn json<T: Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        for c in CommandName::ALL {
            assert_eq!(CommandName::parse(c.as_str()), Some(c));
            assert!(!c.granted_to().is_empty(), "{c:?} is granted to no window");
        }
        assert_eq!(CommandName::ReviewGet.permission(), "allow-review-get");
        assert!(
            !CommandName::SignOut
                .granted_to()
                .contains(&WindowClass::Review),
            "a review window never signs out"
        );
    }
}
