//! The settings window's commands: status, sign-in and sign-out, settings.

use super::*;
use crate::config::WarmTime;

/// The accounts and their connections; the first live account's in the top fields.
pub fn status(core: &Core) -> AppStatus {
    let accounts = core.accounts();
    let lives = core.lives();
    let now = chrono::Utc::now();
    let views = accounts
        .iter()
        .map(|a| {
            let live = lives.iter().find(|l| l.account.same_as(a));
            AccountView {
                label: crate::config::account_label(&accounts, a),
                server: a.server.display().to_owned(),
                account: a.name.clone(),
                watch_only: a.mode == AccountMode::ApiKey,
                signed_in: live.is_some(),
                state_text: match live {
                    Some(l) => text::session_state(&l.state(), now),
                    None => "Signed out".into(),
                },
            }
        })
        .collect();
    match lives.first() {
        Some(l) => {
            let state = l.state();
            AppStatus {
                signed_in: true,
                server: Some(l.account.server.display().to_owned()),
                api: Some(l.account.api.display().to_owned()),
                account: Some(l.account.name.clone()),
                watch_only: l.account.mode == AccountMode::ApiKey,
                saved: l.persisted,
                state_text: text::session_state(&state, now),
                state,
                // Any account's: the password card changes that one's.
                must_change_password: lives.iter().any(|l| l.must_change_password()),
                insecure: [&l.account.server, &l.account.api]
                    .iter()
                    .any(|u| !u.is_encrypted() && !u.is_loopback()),
                accounts: views,
            }
        }
        None => AppStatus {
            signed_in: false,
            server: accounts.first().map(|a| a.server.display().to_owned()),
            api: None,
            account: None,
            watch_only: false,
            saved: false,
            state: placet_client::SessionState::SignedOut,
            state_text: "Signed out".into(),
            must_change_password: false,
            insecure: false,
            accounts: views,
        },
    }
}

pub(super) fn server_url(server: &str, allow_insecure_http: bool) -> Result<ServerUrl> {
    crate::config::parse_server(server, allow_insecure_http).map_err(|e| match e {
        ServerUrlError::Insecure(_) => IpcError::new(ErrorCode::InsecureHttp, e.to_string()),
        other => IpcError::new(ErrorCode::BadInput, other.to_string()),
    })
}

/// The addresses of a server that answers like Placet: the web address typed, and its
/// live connection (found, or `api` when the person gave one).
pub(super) async fn addresses(
    server: &str,
    api: Option<&str>,
    allow_insecure_http: bool,
) -> Result<Addresses> {
    let web = server_url(server, allow_insecure_http)?;
    let api = api
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| server_url(a, allow_insecure_http))
        .transpose()?;
    Ok(Addresses::find(web, api, allow_insecure_http).await?)
}

pub(super) fn persistence(this_run_only: bool) -> Persist {
    if this_run_only {
        Persist::ThisRunOnly
    } else {
        Persist::Keychain
    }
}

/// The result of a sign-in as the page sees it; a 401 means the credential was wrong.
pub(super) fn signed_in(
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

pub(super) fn settings_get(ctx: &Ctx) -> SettingsView {
    let core = &ctx.core;
    let c = core.config();
    let dnd = ctx.attention.dnd();
    let shortcut = ctx.attention.shortcut();
    SettingsView {
        desktop: DesktopView {
            dnd_on: dnd.on,
            dnd_by: dnd.by,
            shortcut_bound: shortcut.bound,
            shortcut_problem: shortcut.problem,
        },
        settings: Settings {
            paused_until: c.notifications.paused_until,
            quiet_hours: c.notifications.quiet_hours,
            muted_agents: c.notifications.muted_agents,
            notify_for: c.notifications.notify_for,
            sound: c.notifications.sound,
            autostart: c.autostart,
            answer_only_in_windows: c.answer_only_in_windows,
            notify_agent_errors: c.notifications.agent_errors,
            attention: Some(c.attention),
            windows_warm_secs: Some(
                c.windows_warm
                    .get()
                    .as_secs()
                    .try_into()
                    .unwrap_or(u32::MAX),
            ),
        },
        agents: all_agents(core),
    }
}

pub(super) fn settings_set(ctx: &Ctx, settings: Settings) -> Result<()> {
    if let Some(a) = &settings.attention {
        crate::shortcut::Keys::parse(&a.shortcut)
            .map_err(|e| IpcError::new(ErrorCode::BadInput, e.to_string()))?;
    }
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
        if let Some(a) = settings.attention {
            c.attention = a.clamped();
        }
        if let Some(secs) = settings.windows_warm_secs {
            c.windows_warm = WarmTime::from_secs(u64::from(secs));
        }
    })?;
    ctx.tray.refresh();
    Ok(())
}
