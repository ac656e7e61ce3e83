//! What each command takes, as the pages send it (camelCase JSON).

use serde::Deserialize;

use placet_client::Answer;

use crate::ipc::views::Settings;

#[derive(Deserialize)]
pub(super) struct Id {
    pub(super) id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReviewOpenArgs {
    pub(super) id: String,
    #[serde(default)]
    pub(super) option: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RespondArgs {
    pub(super) id: String,
    pub(super) answer: Answer,
    /// A request for changes, sent beside the answer.
    #[serde(default)]
    pub(super) feedback: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ProposalId {
    pub(super) id: u64,
}

#[derive(Deserialize)]
pub(super) struct ProposalDecideArgs {
    pub(super) id: u64,
    pub(super) confirm: bool,
}

#[derive(Deserialize)]
pub(super) struct Url {
    pub(super) url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Server {
    pub(super) server: String,
    #[serde(default)]
    pub(super) api_url: Option<String>,
    #[serde(default)]
    pub(super) allow_insecure_http: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignInArgs {
    pub(super) server: String,
    #[serde(default)]
    pub(super) api_url: Option<String>,
    pub(super) email: String,
    pub(super) password: String,
    #[serde(default)]
    pub(super) this_run_only: bool,
    #[serde(default)]
    pub(super) allow_insecure_http: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiKeyArgs {
    pub(super) server: String,
    #[serde(default)]
    pub(super) api_url: Option<String>,
    pub(super) key: String,
    #[serde(default)]
    pub(super) this_run_only: bool,
    #[serde(default)]
    pub(super) allow_insecure_http: bool,
}

#[derive(Deserialize)]
pub(super) struct SettingsArgs {
    pub(super) settings: Settings,
}

/// How long sign-out tries to deliver each queued answer.
pub(super) const SIGN_OUT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// What to do with answers still queued at sign-out.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum QueuedChoice {
    Deliver,
    Discard,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SignOutArgs {
    pub(super) queued: Option<QueuedChoice>,
    /// Which account (its label, host or email); none: the only one.
    #[serde(default)]
    pub(super) account: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct OAuthState {
    pub(super) state: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ChangePasswordArgs {
    pub(super) current: String,
    pub(super) new_password: String,
}
