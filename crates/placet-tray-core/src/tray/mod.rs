//! The tray as the core sees it: what the icon, tooltip and menu show ([`tray_view`]),
//! and what a click on a menu entry does ([`menu_clicked`]). Everything is reachable
//! from the menu (on Linux a left click opens it). The shell draws the view with its
//! toolkit and calls back with the clicked [`MenuId`].

use chrono::{Duration as ChronoDuration, Local, TimeZone, Utc};
use placet_client::SessionState;

use crate::app::{Core, CoreError, QueuedOnSignOut};
use crate::attention::rules;
use crate::config::AccountMode;
use crate::icons::TrayLook;
use crate::ipc::Ctx;
use crate::window::WindowKind;
use crate::{links, text};

/// Pending reviews listed in the menu.
pub const MENU_REVIEWS: usize = 10;

/// Redraws the tray and ends the app: what the core needs from the tray's shell.
pub trait TrayHost: Send + Sync + std::fmt::Debug {
    /// The state changed: draw [`tray_view`] again (calls may be coalesced).
    fn refresh(&self);
    /// Quit the app.
    fn quit(&self);
}

/// A menu entry's identity, as the shell reports clicks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MenuId {
    Status,
    Paused,
    Review(String),
    /// An agent's status line (by the agent's id): opens the conversation with it.
    Agent(String),
    InboxMore,
    Inbox,
    PauseHour,
    PauseTomorrow,
    PauseResume,
    Autostart,
    Settings,
    SignIn,
    SignOut,
    Quit,
}

impl MenuId {
    /// The id given to the toolkit.
    pub fn as_string(&self) -> String {
        match self {
            MenuId::Review(id) => format!("review:{id}"),
            MenuId::Agent(id) => format!("agent:{id}"),
            other => other.fixed_name().to_owned(),
        }
    }

    fn fixed_name(&self) -> &'static str {
        match self {
            MenuId::Status => "status",
            MenuId::Paused => "paused",
            MenuId::Review(_) => "review",
            MenuId::Agent(_) => "agent",
            MenuId::InboxMore => "inbox-more",
            MenuId::Inbox => "inbox",
            MenuId::PauseHour => "pause:hour",
            MenuId::PauseTomorrow => "pause:tomorrow",
            MenuId::PauseResume => "pause:resume",
            MenuId::Autostart => "autostart",
            MenuId::Settings => "settings",
            MenuId::SignIn => "signin",
            MenuId::SignOut => "signout",
            MenuId::Quit => "quit",
        }
    }

    /// The id of a toolkit id.
    pub fn parse(id: &str) -> Option<Self> {
        if let Some(message_id) = id.strip_prefix("review:") {
            return Some(MenuId::Review(message_id.to_owned()));
        }
        if let Some(agent) = id.strip_prefix("agent:") {
            return (!agent.is_empty()).then(|| MenuId::Agent(agent.to_owned()));
        }
        [
            MenuId::Status,
            MenuId::Paused,
            MenuId::InboxMore,
            MenuId::Inbox,
            MenuId::PauseHour,
            MenuId::PauseTomorrow,
            MenuId::PauseResume,
            MenuId::Autostart,
            MenuId::Settings,
            MenuId::SignIn,
            MenuId::SignOut,
            MenuId::Quit,
        ]
        .into_iter()
        .find(|m| m.fixed_name() == id)
    }
}

/// One entry of the tray menu. Labels are ready for the toolkit (GTK mnemonics
/// escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuEntry {
    Item {
        id: MenuId,
        label: String,
        enabled: bool,
    },
    Check {
        id: MenuId,
        label: String,
        checked: bool,
    },
    Separator,
    Submenu {
        label: String,
        entries: Vec<MenuEntry>,
    },
}

/// What decides a menu's structure: entries of the same shape can be updated in place
/// (an open menu is not swapped under the pointer by a status update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Item(MenuId),
    Check(MenuId),
    Separator,
    Submenu(Vec<Shape>),
}

impl MenuEntry {
    fn item(id: MenuId, label: impl Into<String>) -> Self {
        MenuEntry::Item {
            id,
            label: label.into(),
            enabled: true,
        }
    }

    fn disabled(id: MenuId, label: impl Into<String>) -> Self {
        MenuEntry::Item {
            id,
            label: label.into(),
            enabled: false,
        }
    }

    /// Its shape.
    pub fn shape(&self) -> Shape {
        match self {
            MenuEntry::Item { id, .. } => Shape::Item(id.clone()),
            MenuEntry::Check { id, .. } => Shape::Check(id.clone()),
            MenuEntry::Separator => Shape::Separator,
            MenuEntry::Submenu { entries, .. } => {
                Shape::Submenu(entries.iter().map(MenuEntry::shape).collect())
            }
        }
    }
}

/// The shape of a whole menu.
pub fn shape_of(menu: &[MenuEntry]) -> Vec<Shape> {
    menu.iter().map(MenuEntry::shape).collect()
}

/// Everything the tray shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayView {
    pub look: TrayLook,
    pub tooltip: String,
    /// Pending reviews, for platforms that show a count as text (the menu-bar title).
    pub count: usize,
    pub menu: Vec<MenuEntry>,
}

/// The tray now.
pub fn tray_view(core: &Core) -> TrayView {
    let config = core.config();
    let now = Utc::now();
    let paused = config
        .notifications
        .paused_until
        .filter(|t| *t > now)
        .map(text::local_time_of);
    let autostart = config.autostart;
    let Some(live) = core.live() else {
        return TrayView {
            look: TrayLook::SignedOut,
            tooltip: "Placet Tray — signed out".into(),
            count: 0,
            menu: menu("Signed out", paused, &[], 0, None, autostart, &[]),
        };
    };
    let awaiting = live.inbox.awaiting();
    let count = awaiting.len();
    let state = live.state();
    let host = live
        .account
        .server
        .url()
        .host_str()
        .unwrap_or("server")
        .to_owned();
    let waiting = rules::waiting(
        awaiting.iter().map(|m| m.created_at),
        now,
        &config.attention,
    );
    let look = match &state {
        SessionState::Connected { .. } if waiting.overdue => TrayLook::Overdue(count),
        SessionState::Connected { .. } if count > 0 => TrayLook::Pending(count),
        SessionState::Connected { .. } => TrayLook::Idle,
        SessionState::AuthExpired | SessionState::SignedOut => TrayLook::SignedOut,
        _ => TrayLook::Offline,
    };
    let mut status = text::tray_status(&state, &host, count);
    // The oldest wait, in the menu too: not every tray shows a tooltip.
    if state.is_connected() {
        status.push_str(&text::waited_suffix(count, waiting.oldest));
    }
    if !live.account.server.is_encrypted() && !live.account.server.is_loopback() {
        status.push_str(&text::not_encrypted());
    }
    let tooltip = text::tray_tooltip(&state, count, waiting.oldest, &status);
    let reviews: Vec<(String, String)> = awaiting
        .iter()
        .take(MENU_REVIEWS)
        .map(|m| {
            let line = text::menu_line(m, &live.inbox.agent_name(m));
            let external = m.review.as_ref().is_some_and(|r| r.answerable().is_err());
            let line = if external {
                format!("{line} — open in Placet")
            } else {
                line
            };
            (m.id.clone(), line)
        })
        .collect();
    let agents: Vec<(String, String)> = crate::agents::grouped(live.inbox.agents())
        .iter()
        .map(|(a, depth)| {
            let line = text::agent_line(a);
            let line = text::escape_mnemonic(&if *depth > 0 {
                format!("  ↳ {line}")
            } else {
                line
            });
            (a.id.clone(), line)
        })
        .collect();
    let who = match live.account.mode {
        AccountMode::User => live.account.name.clone(),
        AccountMode::ApiKey => "API key, watch-only".to_owned(),
    };
    TrayView {
        look,
        tooltip,
        count,
        menu: menu(
            &status,
            paused,
            &reviews,
            count.saturating_sub(MENU_REVIEWS),
            Some(&who),
            autostart,
            &agents,
        ),
    }
}

fn menu(
    status: &str,
    paused: Option<String>,
    reviews: &[(String, String)],
    more: usize,
    signed_in: Option<&str>,
    autostart: bool,
    agents: &[(String, String)],
) -> Vec<MenuEntry> {
    let mut m = vec![MenuEntry::disabled(
        MenuId::Status,
        text::escape_mnemonic(status),
    )];
    // Submenu labels do not update in place on every desktop, so the pause shows as its
    // own line.
    if let Some(until) = &paused {
        m.push(MenuEntry::disabled(
            MenuId::Paused,
            text::paused_until(until),
        ));
    }
    m.push(MenuEntry::Separator);
    for (id, line) in reviews {
        m.push(MenuEntry::item(MenuId::Review(id.clone()), line.clone()));
    }
    if more > 0 {
        m.push(MenuEntry::item(
            MenuId::InboxMore,
            tr!("menu-more", count = more),
        ));
    }
    if !reviews.is_empty() {
        m.push(MenuEntry::Separator);
    }
    m.push(MenuEntry::item(MenuId::Inbox, tr!("menu-inbox")));
    if !agents.is_empty() {
        m.push(MenuEntry::Submenu {
            label: tr!("menu-agents"),
            entries: agents
                .iter()
                .map(|(id, line)| MenuEntry::item(MenuId::Agent(id.clone()), line.clone()))
                .collect(),
        });
    }
    m.push(MenuEntry::Submenu {
        label: tr!("menu-pause"),
        entries: vec![
            MenuEntry::item(MenuId::PauseHour, tr!("menu-pause-hour")),
            MenuEntry::item(MenuId::PauseTomorrow, tr!("menu-pause-tomorrow")),
            MenuEntry::Item {
                id: MenuId::PauseResume,
                label: tr!("menu-resume"),
                enabled: paused.is_some(),
            },
        ],
    });
    m.push(MenuEntry::Check {
        id: MenuId::Autostart,
        label: tr!("menu-autostart"),
        checked: autostart,
    });
    m.push(MenuEntry::item(MenuId::Settings, tr!("menu-settings")));
    m.push(MenuEntry::Separator);
    m.push(MenuEntry::item(
        if signed_in.is_some() {
            MenuId::SignOut
        } else {
            MenuId::SignIn
        },
        text::sign_out_entry(signed_in),
    ));
    m.push(MenuEntry::item(MenuId::Quit, tr!("menu-quit")));
    m
}

/// Does what a click on a menu entry means.
pub async fn menu_clicked(ctx: &Ctx, id: MenuId) {
    let core = &ctx.core;
    match id {
        MenuId::Review(message_id) => {
            // A review this app cannot answer opens in Placet's web app.
            let web = core.live().and_then(|l| {
                let m = l.inbox.get(&message_id)?;
                let external = m.review.as_ref()?.answerable().is_err();
                external.then(|| l.account.server.message_page(&m))
            });
            match web {
                Some(page) => {
                    if let Err(e) = links::open_link(page.as_str()) {
                        tracing::warn!(error = %e, "cannot open the review in Placet");
                    }
                }
                None => ctx.windows.open(WindowKind::review(&message_id), None),
            }
        }
        MenuId::Inbox | MenuId::InboxMore => ctx.windows.open(WindowKind::Inbox, None),
        MenuId::Settings | MenuId::SignIn => ctx.windows.open(WindowKind::Settings, None),
        MenuId::PauseHour | MenuId::PauseTomorrow | MenuId::PauseResume => {
            let until = match id {
                MenuId::PauseHour => Some(Utc::now() + ChronoDuration::hours(1)),
                MenuId::PauseTomorrow => Some(tomorrow_morning()),
                _ => None,
            };
            if let Err(e) = core.update_prefs(|p| p.paused_until = until) {
                tracing::warn!(error = %e, "cannot save the pause");
            }
            ctx.tray.refresh();
        }
        MenuId::Autostart => {
            let enable = !core.config().autostart;
            match ctx.autostart.set(enable) {
                Ok(()) => {
                    if let Err(e) = core.update_config(|c| c.autostart = enable) {
                        tracing::warn!(error = %e, "cannot save the autostart setting");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot change start at login"),
            }
            ctx.tray.refresh();
        }
        MenuId::SignOut => match core.sign_out(QueuedOnSignOut::Ask).await {
            Ok(()) => {}
            // The settings window asks whether to deliver or discard them.
            Err(CoreError::AnswersQueued(_)) => ctx.windows.open(WindowKind::Settings, None),
            Err(e) => tracing::warn!(error = %e, "sign-out"),
        },
        MenuId::Quit => ctx.tray.quit(),
        MenuId::Agent(agent) => ctx.windows.open(WindowKind::Conversation { agent }, None),
        MenuId::Status | MenuId::Paused => {}
    }
}

/// Tomorrow at 08:00 local time.
fn tomorrow_morning() -> chrono::DateTime<Utc> {
    let tomorrow = Local::now().date_naive() + ChronoDuration::days(1);
    tomorrow
        .and_hms_opt(8, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc::now() + ChronoDuration::hours(12))
}

#[cfg(test)]
mod tests;
