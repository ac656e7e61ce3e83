//! The tray as the core sees it: what the icon, tooltip and menu show ([`tray_view`]),
//! and what a click on a menu entry does ([`menu_clicked`]). Everything is reachable
//! from the menu (on Linux a left click opens it). The shell draws the view with its
//! toolkit and calls back with the clicked [`MenuId`].

mod view;

use chrono::{Duration as ChronoDuration, Local, TimeZone, Utc};

use crate::app::{CoreError, QueuedOnSignOut};
use crate::icons::TrayLook;
use crate::ipc::Ctx;
use crate::links;
use crate::window::WindowKind;

pub use view::tray_view;

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
    /// With several accounts: an account's status line (by its label).
    AccountStatus(String),
    /// With several accounts: sign out of one (by its label).
    SignOutOf(String),
    Quit,
}

impl MenuId {
    /// The id given to the toolkit.
    pub fn as_string(&self) -> String {
        match self {
            MenuId::Review(id) => format!("review:{id}"),
            MenuId::Agent(id) => format!("agent:{id}"),
            MenuId::AccountStatus(label) => format!("account:{label}"),
            MenuId::SignOutOf(label) => format!("signout:{label}"),
            other => other.fixed_name().to_owned(),
        }
    }

    fn fixed_name(&self) -> &'static str {
        match self {
            MenuId::Status => "status",
            MenuId::Paused => "paused",
            MenuId::Review(_) => "review",
            MenuId::Agent(_) => "agent",
            MenuId::AccountStatus(_) => "account",
            MenuId::SignOutOf(_) => "signout-of",
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
        if let Some(label) = id.strip_prefix("account:") {
            return Some(MenuId::AccountStatus(label.to_owned()));
        }
        if let Some(label) = id.strip_prefix("signout:") {
            return (!label.is_empty()).then(|| MenuId::SignOutOf(label.to_owned()));
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

/// Does what a click on a menu entry means.
pub async fn menu_clicked(ctx: &Ctx, id: MenuId) {
    let core = &ctx.core;
    match id {
        MenuId::Review(message_id) => {
            // A review this app cannot answer opens in Placet's web app.
            let web = core.live_of_review(&message_id).and_then(|l| {
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
        MenuId::SignOut => sign_out(ctx, None).await,
        MenuId::SignOutOf(label) => sign_out(ctx, Some(&label)).await,
        MenuId::Quit => ctx.tray.quit(),
        MenuId::Agent(agent) => ctx.windows.open(WindowKind::Conversation { agent }, None),
        MenuId::Status | MenuId::Paused | MenuId::AccountStatus(_) => {}
    }
}

/// Signs out of the account `label` names (or the only one).
async fn sign_out(ctx: &Ctx, label: Option<&str>) {
    let account = match ctx.core.account_named(label) {
        Ok(a) => a,
        Err(e) => return tracing::warn!(error = %e, "sign-out"),
    };
    match ctx.core.sign_out(&account, QueuedOnSignOut::Ask).await {
        Ok(()) => {}
        // The settings window asks whether to deliver or discard them.
        Err(CoreError::AnswersQueued(_)) => ctx.windows.open(WindowKind::Settings, None),
        Err(e) => tracing::warn!(error = %e, "sign-out"),
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
