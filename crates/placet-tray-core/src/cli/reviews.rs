//! `reviews`: the pending reviews, of one account or of each, with how to answer them.
//! Everything an agent wrote is printed cleaned of control characters.

use std::sync::Arc;

use placet_client::protocol::{Agent, ReviewKind};
use placet_client::{ApiError, Inbox, Message, RestClient};
use serde_json::{json, Value};

use super::{Exit, Failure, Out};
use crate::app::Core;
use crate::config::{Account, AccountMode};
use crate::text;

async fn pending_with_agents(
    account: &Account,
    rest: &RestClient,
) -> Result<(Vec<Message>, Vec<Agent>), ApiError> {
    match account.mode {
        AccountMode::User => Ok((rest.pending_reviews().await?, rest.agents().await?)),
        AccountMode::ApiKey => {
            let agents = rest.agent_agents().await?;
            let mut all = Vec::new();
            for a in &agents {
                all.extend(rest.agent_pending_reviews(&a.id).await?);
            }
            all.sort_by_key(|m| std::cmp::Reverse(m.created_at));
            Ok((all, agents))
        }
    }
}

/// `reviews`: the pending reviews of the account `--account` names, or of every account
/// (each under its name when there are several), newest first.
pub(super) async fn reviews(core: &Arc<Core>, out: Out) -> Result<Exit, Failure> {
    let accounts = match super::chosen_account(core) {
        Err(crate::app::CoreError::WhichAccount(_)) => core.accounts(),
        Ok(a) => vec![a],
        Err(e) => return Err(e.into()),
    };
    let several = accounts.len() > 1;
    let mut rows: Vec<Value> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for account in &accounts {
        let Some((account, credential)) = core.saved_credential(account).await? else {
            if several {
                continue;
            }
            return Err(crate::app::CoreError::NotSignedIn.into());
        };
        let rest = RestClient::new(account.api.clone()).authenticated(credential);
        let (pending, agents) = pending_with_agents(&account, &rest).await?;
        let inbox = Inbox::new();
        inbox.set_agents(agents);
        let label = crate::config::account_label(&accounts, &account);
        for m in &pending {
            let review = m.review.as_ref();
            rows.push(json!({
                "id": m.id,
                "account": label,
                "agentId": m.channel_id,
                "agent": inbox.agent_name(m),
                "type": review.map(|r| r.kind.type_name()),
                "renderAs": review.map(|r| r.kind.render_as()),
                "text": m.text,
                "createdAt": m.created_at,
                "expiresAt": review.and_then(|r| r.expires_at),
                "review": review,
                "page": account.server.message_page(m).as_str(),
            }));
        }
        if several && !pending.is_empty() {
            lines.push(format!("== {} ==", text::one_line(&label, 80)));
        }
        lines.extend(review_lines(&account, &inbox, &pending));
    }
    out.print(
        || {
            if lines.is_empty() {
                tr!("cli-no-pending-reviews")
            } else {
                lines.join("\n")
            }
        },
        Value::Array(rows),
    );
    Ok(Exit::Ok)
}

/// The text of `pending`: a line per review, its first line, and how to answer it.
fn review_lines(account: &Account, inbox: &Inbox, pending: &[Message]) -> Vec<String> {
    let now = chrono::Utc::now();
    let mut lines = Vec::new();
    for m in pending {
        let review = m.review.as_ref();
        let kind = review.map(|r| r.kind.type_name()).unwrap_or("?");
        let left = review
            .and_then(|r| r.expires_at)
            .map(|t| tr!("cli-expires-in", left = human_duration(t - now)))
            .unwrap_or_default();
        lines.push(format!(
            "{}  {}  [{}]  {}",
            text::one_line(&m.id, 80),
            text::one_line(&inbox.agent_name(m), 60),
            text::one_line(kind, 30),
            left
        ));
        let first = crate::text::one_line(
            &crate::text::markdown_to_plain(m.text.as_deref().unwrap_or("")),
            100,
        );
        if !first.is_empty() {
            lines.push(format!("    {first}"));
        }
        match review.map(|r| r.answerable()) {
            Some(Ok(())) => {
                if let Some(hint) = review.map(|r| answer_hint(&r.kind)) {
                    let hint = text::one_line(&hint, 300);
                    lines.push(format!("    {}", tr!("cli-answer-with", hint = hint)));
                }
            }
            Some(Err(e)) => lines.push(format!(
                "    {}: {}",
                text::one_line(&e.to_string(), 200),
                account.server.message_page(m)
            )),
            None => {}
        }
    }
    lines
}

pub(super) fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        s if s < 60 => tr!("cli-duration-seconds", seconds = s),
        s if s < 3600 => tr!("cli-duration-minutes", minutes = s / 60),
        s => tr!(
            "cli-duration-hours",
            hours = s / 3600,
            minutes = (s % 3600) / 60
        ),
    }
}

/// How to answer a review from the command line.
fn answer_hint(kind: &ReviewKind) -> String {
    match kind {
        ReviewKind::Approval(p) => format!(
            "--option {}",
            p.options
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join("|")
        ),
        ReviewKind::Selection(p) => format!(
            "--select {}",
            p.items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
        ReviewKind::Form(p) => p
            .fields
            .iter()
            .map(|f| format!("--field {}=…", f.name))
            .collect::<Vec<_>>()
            .join(" "),
        ReviewKind::TextInput(_) => "--text \"…\"".to_owned(),
        ReviewKind::Freeform(_) => "--json '{…}'".to_owned(),
        ReviewKind::Unknown { .. } | ReviewKind::Plugin { .. } => String::new(),
    }
}
