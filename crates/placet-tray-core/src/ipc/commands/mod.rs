//! What each command of the pages does. [`CommandName`] (the table, in `table`) lists
//! every command and the windows that may call it; [`dispatch`] is the one entry point,
//! and it scopes every command by the window that sent it: a review window reads and
//! answers only its own review, a confirmation window reads and decides only its own
//! proposal, a conversation window reads and writes only to its own agent, the inbox
//! answers only approvals whose option is not `danger` (the rules of
//! [`crate::decide`]), only the settings window signs in or out or changes settings.

use std::sync::Arc;

use placet_client::inbox::OAuthPrompt;
use placet_client::protocol::ReviewStatus;
use placet_client::rest::{DownloadOptions, ServerUrlError};
use placet_client::{Answer, ApiError, Message, Secret, ServerUrl};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::events::DownloadProgressEvent;
use super::views::{
    AccountView, AgentView, AppStatus, DecisionView, DesktopView, InboxItem, InboxView,
    ProposalView, ReviewState, ReviewView, RoundView, ServerCheckView, Settings, SettingsView,
};
use super::{ErrorCode, IpcError, UiEvent};
use crate::app::{Addresses, Core, CoreError, Live, Persist, QueuedOnSignOut, Verdict};
use crate::autostart::Autostart;
use crate::config::AccountMode;
use crate::decide::Source;
use crate::proposal::Proposals;
use crate::tray::TrayHost;
use crate::window::{WindowHost, WindowKind};
use crate::{links, markdown, text};

mod account;
mod args;
mod attention;
mod conversation;
mod review;
mod table;

pub use account::status;
pub use attention::SnoozedView;
pub use review::{inbox_list, review_get};
pub use table::CommandName;

use account::*;
use args::*;
use review::*;

/// What commands act on: the core and the shell's seams.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub core: Arc<Core>,
    pub windows: Arc<dyn WindowHost>,
    pub tray: Arc<dyn TrayHost>,
    pub autostart: Arc<dyn Autostart>,
    /// Programs' proposals waiting for the person.
    pub proposals: Arc<Proposals>,
    /// Urgency, Do Not Disturb, snoozes and reminders.
    pub attention: crate::attention::Attention,
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
            let live = live_of_review(&ctx.core, &a.id)?;
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
            let found = addresses(&a.server, a.api_url.as_deref(), a.allow_insecure_http).await?;
            json(ServerCheckView {
                server: found.web.display().to_owned(),
                api: found.api.display().to_owned(),
            })
        }
        CommandName::SignIn => {
            let a: SignInArgs = args(cmd, value)?;
            let found = addresses(&a.server, a.api_url.as_deref(), a.allow_insecure_http).await?;
            let result = ctx
                .core
                .sign_in(
                    found,
                    a.email.trim(),
                    &Secret::new(a.password),
                    persistence(a.this_run_only),
                )
                .await;
            json(signed_in(&ctx.core, result, "wrong email or password")?)
        }
        CommandName::SignInApiKey => {
            let a: ApiKeyArgs = args(cmd, value)?;
            let found = addresses(&a.server, a.api_url.as_deref(), a.allow_insecure_http).await?;
            let result = ctx
                .core
                .sign_in_with_api_key(
                    found,
                    Secret::new(a.key.trim()),
                    persistence(a.this_run_only),
                )
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
            let account = ctx.core.account_named(a.account.as_deref())?;
            ctx.core.sign_out(&account, queued).await?;
            json(status(&ctx.core))
        }
        CommandName::SettingsGet => json(settings_get(ctx)),
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
        CommandName::ChangePassword => {
            let a: ChangePasswordArgs = args(cmd, value)?;
            ctx.core
                .change_password(&Secret::new(a.current), &Secret::new(a.new_password))
                .await?;
            json(status(&ctx.core))
        }
        CommandName::RetryDelivery => {
            let a: Id = args(cmd, value)?;
            own_review(from, &a.id)?;
            ctx.core.retry_delivery(&a.id).await?;
            json(())
        }
        CommandName::OAuthGet => {
            let a: OAuthState = args(cmd, value)?;
            own_oauth(from, &a.state)?;
            json(oauth_get(ctx, &a.state)?)
        }
        CommandName::OAuthOpen => {
            let a: OAuthState = args(cmd, value)?;
            own_oauth(from, &a.state)?;
            let (_, prompt) = oauth_prompt(&ctx.core, &a.state)?;
            let link = prompt
                .link()
                .ok_or_else(|| IpcError::not_allowed("its link is not safe to open"))?;
            links::open_link(link).map_err(|e| IpcError::new(e.code(), e.to_string()))?;
            json(())
        }
        CommandName::HistoryList => {
            let a: attention::HistoryArgs = args(cmd, value)?;
            json(attention::history_list(&ctx.core, a).await?)
        }
        CommandName::ReviewSnooze => {
            let a: attention::SnoozeArgs = args(cmd, value)?;
            json(attention::review_snooze(ctx, from, a)?)
        }
        CommandName::ConversationGet => {
            let a: conversation::AgentArg = args(cmd, value)?;
            conversation::own_agent(from, &a.agent)?;
            json(conversation::conversation_get(ctx, &a.agent).await?)
        }
        CommandName::ConversationSend => {
            let a: conversation::SendArgs = args(cmd, value)?;
            conversation::own_agent(from, &a.agent)?;
            json(conversation::conversation_send(ctx, a).await?)
        }
        CommandName::ConversationAttach => {
            let a: conversation::AttachArgs = args(cmd, value)?;
            conversation::own_agent(from, &a.agent)?;
            json(conversation::conversation_attach(ctx, a).await?)
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

fn args<T: DeserializeOwned>(cmd: &str, value: Value) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| IpcError::new(ErrorCode::BadInput, format!("{cmd}: {e}")))
}

fn json<T: Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
}
