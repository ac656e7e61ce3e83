//! What the tray shows: the icon's look, the tooltip and the menu, for one account or a
//! section per account when there are several (one icon, the total count).

use chrono::Utc;
use placet_client::SessionState;

use super::{MenuEntry, MenuId, TrayView, MENU_REVIEWS};
use crate::app::{Core, Live};
use crate::attention::rules;
use crate::config::{account_label, AccountMode, AttentionPrefs};
use crate::icons::TrayLook;
use crate::text;

/// One account as the menu shows it.
struct Section {
    /// Its name where there are several accounts.
    label: String,
    state: SessionState,
    /// Its status line.
    status: String,
    /// Its waiting reviews (id, line), oldest wait first as the inbox has them.
    reviews: Vec<(String, String)>,
    count: usize,
    oldest: Option<chrono::Duration>,
    overdue: bool,
    agents: Vec<(String, String)>,
    /// Who is signed in, for the sign-out entry.
    who: String,
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
    let lives = core.lives();
    if lives.is_empty() {
        return TrayView {
            look: TrayLook::SignedOut,
            tooltip: "Placet Tray — signed out".into(),
            count: 0,
            menu: menu(&[], paused, autostart),
        };
    }
    let accounts = core.accounts();
    let sections: Vec<Section> = lives
        .iter()
        .map(|l| section(l, &account_label(&accounts, &l.account), &config.attention))
        .collect();
    let count: usize = sections.iter().map(|s| s.count).sum();
    let oldest = sections.iter().filter_map(|s| s.oldest).max();
    let connected = sections.iter().all(|s| s.state.is_connected());
    let look = match sections.as_slice() {
        [one] => look_of(&one.state, one.count, one.overdue),
        _ if sections.iter().any(|s| s.overdue && s.state.is_connected()) => {
            TrayLook::Overdue(count)
        }
        _ if count > 0 => TrayLook::Pending(count),
        _ if connected => TrayLook::Idle,
        _ => TrayLook::Offline,
    };
    let tooltip = match sections.as_slice() {
        [one] => text::tray_tooltip(&one.state, count, oldest, &one.status),
        _ => {
            let all = SessionState::Connected { since: Utc::now() };
            let lines: Vec<String> = sections
                .iter()
                .map(|s| format!("{}: {}", s.label, s.status))
                .collect();
            let what = text::tray_tooltip(&all, count, oldest, "");
            format!("{what}\n{}", lines.join("\n"))
        }
    };
    TrayView {
        look,
        tooltip,
        count,
        menu: menu(&sections, paused, autostart),
    }
}

fn look_of(state: &SessionState, count: usize, overdue: bool) -> TrayLook {
    match state {
        SessionState::Connected { .. } if overdue => TrayLook::Overdue(count),
        SessionState::Connected { .. } if count > 0 => TrayLook::Pending(count),
        SessionState::Connected { .. } => TrayLook::Idle,
        SessionState::AuthExpired | SessionState::SignedOut => TrayLook::SignedOut,
        _ => TrayLook::Offline,
    }
}

fn section(live: &Live, label: &str, prefs: &AttentionPrefs) -> Section {
    let now = Utc::now();
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
    let waiting = rules::waiting(awaiting.iter().map(|m| m.created_at), now, prefs);
    let mut status = text::tray_status(&state, &host, count);
    // The oldest wait, in the menu too: not every tray shows a tooltip.
    if state.is_connected() {
        status.push_str(&text::waited_suffix(count, waiting.oldest));
    }
    if !live.account.server.is_encrypted() && !live.account.server.is_loopback() {
        status.push_str(&text::not_encrypted());
    }
    let reviews = awaiting
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
    let agents = crate::agents::grouped(live.inbox.agents())
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
    Section {
        label: label.to_owned(),
        state,
        status,
        reviews,
        count,
        oldest: waiting.oldest,
        overdue: waiting.overdue,
        agents,
        who,
    }
}

/// The menu: each account's status and waiting reviews (at most [`MENU_REVIEWS`] in
/// all), then the inbox, the agents, pausing, the settings and signing out. One account
/// reads as it always has; several get a section each, named.
fn menu(sections: &[Section], paused: Option<String>, autostart: bool) -> Vec<MenuEntry> {
    let several = sections.len() > 1;
    let mut m = Vec::new();
    if sections.is_empty() {
        m.push(MenuEntry::disabled(MenuId::Status, "Signed out"));
    }
    if let [one] = sections {
        m.push(MenuEntry::disabled(
            MenuId::Status,
            text::escape_mnemonic(&one.status),
        ));
    }
    // Submenu labels do not update in place on every desktop, so the pause shows as its
    // own line.
    if let Some(until) = &paused {
        m.push(MenuEntry::disabled(
            MenuId::Paused,
            text::paused_until(until),
        ));
    }
    m.push(MenuEntry::Separator);
    let mut room = MENU_REVIEWS;
    let mut listed = 0;
    for s in sections {
        if several {
            m.push(MenuEntry::disabled(
                MenuId::AccountStatus(s.label.clone()),
                text::escape_mnemonic(&format!("{} — {}", s.label, s.status)),
            ));
        }
        for (id, line) in s.reviews.iter().take(room) {
            m.push(MenuEntry::item(MenuId::Review(id.clone()), line.clone()));
            listed += 1;
        }
        room = MENU_REVIEWS.saturating_sub(listed);
        if several {
            m.push(MenuEntry::Separator);
        }
    }
    let total: usize = sections.iter().map(|s| s.count).sum();
    if total > listed {
        m.push(MenuEntry::item(
            MenuId::InboxMore,
            tr!("menu-more", count = total - listed),
        ));
    }
    if listed > 0 && !several {
        m.push(MenuEntry::Separator);
    }
    m.push(MenuEntry::item(MenuId::Inbox, tr!("menu-inbox")));
    let agents: Vec<MenuEntry> = sections
        .iter()
        .flat_map(|s| &s.agents)
        .map(|(id, line)| MenuEntry::item(MenuId::Agent(id.clone()), line.clone()))
        .collect();
    if !agents.is_empty() {
        m.push(MenuEntry::Submenu {
            label: tr!("menu-agents"),
            entries: agents,
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
    match sections {
        [] => m.push(MenuEntry::item(MenuId::SignIn, text::sign_out_entry(None))),
        [one] => m.push(MenuEntry::item(
            MenuId::SignOut,
            text::sign_out_entry(Some(&one.who)),
        )),
        _ => m.push(MenuEntry::Submenu {
            label: tr!("menu-sign-out-of"),
            entries: sections
                .iter()
                .map(|s| {
                    MenuEntry::item(
                        MenuId::SignOutOf(s.label.clone()),
                        text::escape_mnemonic(&format!("{} ({})", s.label, s.who)),
                    )
                })
                .collect(),
        }),
    }
    m.push(MenuEntry::item(MenuId::Quit, tr!("menu-quit")));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tray::shape_of;

    fn section(label: &str, reviews: usize) -> Section {
        Section {
            label: label.into(),
            state: SessionState::Connected { since: Utc::now() },
            status: format!("Connected to {label}"),
            reviews: (0..reviews)
                .map(|i| (format!("{label}-{i}"), format!("Bot: {i}")))
                .collect(),
            count: reviews,
            oldest: None,
            overdue: false,
            agents: vec![(format!("{label}-a"), "Bot: busy".into())],
            who: "me_you&me@x".into(),
        }
    }

    #[test]
    fn signed_out_menu_offers_sign_in() {
        let m = menu(&[], None, false);
        assert!(m.iter().any(
            |e| matches!(e, MenuEntry::Item { id: MenuId::SignIn, label, .. } if label == "Sign in…")
        ));
        let mut one = section("work", 13);
        one.reviews.truncate(MENU_REVIEWS);
        let with = menu(&[one], Some("14:00".into()), true);
        assert_ne!(shape_of(&m), shape_of(&with));
        assert!(with.iter().any(
            |e| matches!(e, MenuEntry::Item { id: MenuId::SignOut, label, .. } if label == "Sign out (me_you&&me@x)")
        ));
        assert!(with
            .iter()
            .any(|e| matches!(e, MenuEntry::Item { label, .. } if label == "…and 3 more")));
        // An agent's line opens the conversation with it.
        let agents = with.iter().find_map(|e| match e {
            MenuEntry::Submenu { entries, .. } if entries.len() == 1 => Some(&entries[0]),
            _ => None,
        });
        assert!(
            matches!(
                agents,
                Some(MenuEntry::Item { id: MenuId::Agent(a), enabled: true, .. }) if a == "work-a"
            ),
            "{agents:?}"
        );
    }

    #[test]
    fn several_accounts_get_a_section_each_and_a_sign_out_each() {
        let m = menu(&[section("work", 8), section("home", 5)], None, false);
        let labels: Vec<String> = m
            .iter()
            .filter_map(|e| match e {
                MenuEntry::Item { id, label, .. } => Some(format!("{}={label}", id.as_string())),
                _ => None,
            })
            .collect();
        let at = |needle: &str| labels.iter().position(|l| l.starts_with(needle));
        // Each account's status line heads its own reviews; ten reviews in all.
        assert!(
            at("account:work=work — Connected to work").unwrap() < at("review:work-0").unwrap()
        );
        assert!(at("review:work-7").unwrap() < at("account:home").unwrap());
        assert!(at("account:home").unwrap() < at("review:home-1").unwrap());
        assert_eq!(at("review:home-2"), None, "{labels:?}");
        assert!(
            labels.contains(&"inbox-more=…and 3 more".to_owned()),
            "{labels:?}"
        );
        // Both accounts' agents; a sign-out for each, none for all at once.
        let subs: Vec<&Vec<MenuEntry>> = m
            .iter()
            .filter_map(|e| match e {
                MenuEntry::Submenu { entries, .. } => Some(entries),
                _ => None,
            })
            .collect();
        assert!(subs.iter().any(|s| s.len() == 2
            && matches!(&s[1], MenuEntry::Item { id: MenuId::Agent(a), .. } if a == "home-a")));
        let outs: Vec<String> = subs
            .iter()
            .flat_map(|s| s.iter())
            .filter_map(|e| match e {
                MenuEntry::Item {
                    id: MenuId::SignOutOf(l),
                    ..
                } => Some(l.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(outs, ["work", "home"]);
        assert_eq!(at("signout="), None);
    }
}
