//! The words of the tray: its menu, tooltip and status line, the connection, agents'
//! status.

use super::*;

/// The menu line of a pending review: "Agent: first line".
pub fn menu_line(message: &Message, agent: &str) -> String {
    let first = markdown_to_plain(message.first_line());
    let first = if first.is_empty() {
        message
            .review
            .as_ref()
            .map(|r| tr!("menu-review-of-kind", kind = r.kind.type_name()))
            .unwrap_or_default()
    } else {
        first
    };
    // The menu library reads `&` as a mnemonic marker; escape_mnemonic keeps it literal.
    escape_mnemonic(&one_line(
        &format!("{}: {}", one_line(agent, 24), first),
        MENU_CHARS,
    ))
}

/// One line for a menu or `status`: "Connected", "Offline: … (retry in 4 s)".
pub fn session_state(state: &SessionState, now: DateTime<Utc>) -> String {
    let retry = |at: &DateTime<Utc>| {
        let secs = (*at - now).num_seconds().max(0);
        if secs == 0 {
            tr!("retry-now")
        } else {
            tr!("retry-in", seconds = secs)
        }
    };
    match state {
        SessionState::SignedOut => tr!("state-signed-out"),
        SessionState::Connecting => tr!("state-connecting"),
        SessionState::Connected { .. } => tr!("state-connected"),
        SessionState::Reconnecting {
            attempt,
            retry_at,
            reason,
        } => tr!(
            "state-reconnecting",
            attempt = *attempt,
            retry = retry(retry_at),
            reason = reason.as_str()
        ),
        SessionState::Offline {
            retry_at, reason, ..
        } => tr!(
            "state-offline",
            reason = reason.as_str(),
            retry = retry(retry_at)
        ),
        SessionState::AuthExpired => tr!("state-auth-expired"),
    }
}

/// Added to the tray's status line when the person allowed plain `http` to a remote
/// server.
pub fn not_encrypted() -> String {
    tr!("status-not-encrypted")
}

/// The tray's status line for `host` with `count` reviews waiting.
pub fn tray_status(state: &SessionState, host: &str, count: usize) -> String {
    match state {
        SessionState::Connected { .. } => tr!("status-connected", host = host, count = count),
        SessionState::Connecting => tr!("status-connecting", host = host),
        SessionState::Reconnecting { attempt, .. } => {
            tr!("status-reconnecting", host = host, attempt = *attempt)
        }
        SessionState::Offline { reason, .. } => {
            tr!("status-offline", reason = one_line(reason, 50))
        }
        SessionState::AuthExpired => tr!("status-auth-expired"),
        SessionState::SignedOut => tr!("state-signed-out"),
    }
}

/// The tray icon's tooltip: "Placet Tray — 3 waiting, oldest 12 min".
pub fn tray_tooltip(
    state: &SessionState,
    count: usize,
    oldest: Option<chrono::Duration>,
    status: &str,
) -> String {
    let what = match state {
        SessionState::Connected { .. } => super::waiting_line(count, oldest),
        _ => status.to_owned(),
    };
    tr!("tooltip", what = what)
}

/// "until 14:00" today, "until Tue 08:00" on another day.
pub fn local_time_of(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Local);
    let time = local.format("%H:%M").to_string();
    if local.date_naive() == Local::now().date_naive() {
        time
    } else {
        use chrono::Datelike;
        let weekday = local.weekday().number_from_monday();
        tr!("weekday-time", weekday = weekday, time = time)
    }
}

/// An agent's status in words: "active", "busy since 14:00", "error since Tue 08:00".
pub fn agent_status(agent: &placet_client::protocol::Agent) -> String {
    use placet_client::protocol::AgentStatus;
    let word = match agent.status {
        AgentStatus::Active => tr!("agent-active"),
        AgentStatus::Busy => tr!("agent-busy"),
        AgentStatus::Error => tr!("agent-error"),
        AgentStatus::Offline => tr!("agent-offline"),
        AgentStatus::Other => tr!("agent-unknown"),
    };
    match agent.status_since {
        Some(t) => tr!("agent-since", status = word, time = local_time_of(t)),
        None => word,
    }
}

/// "Deploy Bot: busy since 14:00 — Running migrations".
pub fn agent_line(agent: &placet_client::protocol::Agent) -> String {
    let name = one_line(&agent.name, 40);
    let status = agent_status(agent);
    match agent
        .status_message
        .as_deref()
        .map(|m| one_line(m, 60))
        .filter(|m| !m.is_empty())
    {
        Some(m) => format!("{name}: {status} — {m}"),
        None => format!("{name}: {status}"),
    }
}

/// The tray menu entry that pauses notifications shows this while paused.
pub fn paused_until(until: &str) -> String {
    tr!("paused-until", until = until)
}

/// The account entry of the tray menu.
pub fn sign_out_entry(who: Option<&str>) -> String {
    match who {
        Some(who) => tr!("menu-sign-out", who = escape_mnemonic(who)),
        None => tr!("menu-sign-in"),
    }
}
