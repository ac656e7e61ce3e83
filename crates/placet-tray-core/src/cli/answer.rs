//! `reviews` and `respond`. An answer from the command line is confirmed by a person
//! before it is sent: at a terminal by a question here, otherwise by a click in the
//! running tray's notification ([`crate::door`]), unless the person allowed
//! unattended answers in Settings. A `danger` option is never sent from here.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use placet_client::outbox::{AnswerSource, Delivery};
use placet_client::protocol::{Agent, OptionStyle, ReviewKind};
use placet_client::{Answer, ApiError, Inbox, Message, RestClient};
use serde_json::{json, Value};

use super::account::signed_in;
use super::{ask_yes_no, Exit, Failure, Out, RespondArgs};
use crate::app::{fetch_review, queue_answer, Core, CoreError};
use crate::config::{Account, AccountMode};
use crate::door::{self, DoorError, Outcome, Reply, Request};
use crate::text;

/// How long the command retries a transport error before leaving the answer queued.
const DELIVERY_PATIENCE: Duration = Duration::from_secs(5);
/// How long the command waits for the tray (the person's click, then the server).
const TRAY_WAIT: Duration = Duration::from_secs(330);

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

pub(super) async fn reviews(core: &Arc<Core>, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = signed_in(core).await?;
    let (pending, agents) = pending_with_agents(&account, &rest).await?;
    let inbox = Inbox::new();
    inbox.set_agents(agents);
    let now = chrono::Utc::now();
    let rows: Vec<Value> = pending
        .iter()
        .map(|m| {
            let review = m.review.as_ref();
            json!({
                "id": m.id,
                "agentId": m.channel_id,
                "agent": inbox.agent_name(m),
                "type": review.map(|r| r.kind.type_name()),
                "renderAs": review.map(|r| r.kind.render_as()),
                "text": m.text,
                "createdAt": m.created_at,
                "expiresAt": review.and_then(|r| r.expires_at),
                "review": review,
                "page": account.server.message_page(m).as_str(),
            })
        })
        .collect();
    out.print(
        || {
            if pending.is_empty() {
                return "No pending reviews.".to_owned();
            }
            let mut lines = Vec::new();
            for m in &pending {
                let review = m.review.as_ref();
                let kind = review.map(|r| r.kind.type_name()).unwrap_or("?");
                let left = review
                    .and_then(|r| r.expires_at)
                    .map(|t| format!("expires in {}", human_duration(t - now)))
                    .unwrap_or_default();
                lines.push(format!(
                    "{}  {}  [{}]  {}",
                    m.id,
                    inbox.agent_name(m),
                    kind,
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
                            lines.push(format!("    answer with: {hint}"));
                        }
                    }
                    Some(Err(e)) => {
                        lines.push(format!("    {e}: {}", account.server.message_page(m)))
                    }
                    None => {}
                }
            }
            lines.join("\n")
        },
        Value::Array(rows),
    );
    Ok(Exit::Ok)
}

fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
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

fn build_answer(a: &RespondArgs, message: &Message) -> Result<Answer, Failure> {
    let invalid = |m: String| {
        Failure::new(
            Exit::Invalid,
            "invalidAnswer",
            format!("invalid answer: {m}"),
        )
    };
    if a.dismiss {
        return Ok(Answer::Dismiss);
    }
    if let Some(option_id) = &a.option {
        return Ok(Answer::Approval {
            option_id: option_id.clone(),
            comment: a.comment.clone(),
        });
    }
    if let Some(ids) = &a.select {
        return Ok(Answer::Selection {
            ids: ids
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        });
    }
    if let Some(text) = &a.text {
        return Ok(Answer::Text { text: text.clone() });
    }
    if let Some(raw) = &a.json {
        return match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(object)) => Ok(Answer::Freeform { object }),
            Ok(_) => Err(invalid("--json must be a JSON object".to_owned())),
            Err(e) => Err(invalid(format!("--json is not valid JSON: {e}"))),
        };
    }
    let Some(ReviewKind::Form(form)) = message.review.as_ref().map(|r| &r.kind) else {
        return Err(invalid("--field answers form reviews only".to_owned()));
    };
    let mut values = serde_json::Map::new();
    for assignment in &a.field {
        let (name, value) = form
            .parse_cli_field(assignment)
            .map_err(|e| invalid(e.to_string()))?;
        values.insert(name, value);
    }
    Ok(Answer::Form { values })
}

pub(super) async fn respond(core: &Arc<Core>, a: &RespondArgs, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = signed_in(core).await?;
    if account.mode == AccountMode::ApiKey {
        return Err(CoreError::WatchOnly.into());
    }
    let message = fetch_review(&rest, &a.message_id).await?;
    let review = message
        .review
        .as_ref()
        .ok_or_else(|| CoreError::NoReview(message.id.clone()))?;
    if let Err(e) = review.answerable() {
        return Err(Failure::new(
            Exit::Invalid,
            "openInPlacet",
            format!("{e}: {}", account.server.message_page(&message)),
        ));
    }
    let answer = build_answer(a, &message)?;
    review.validate(&answer).map_err(|e| {
        Failure::new(
            Exit::Invalid,
            "invalidAnswer",
            format!("invalid answer: {e}"),
        )
    })?;
    let danger = matches!(
        (&answer, &review.kind),
        (Answer::Approval { option_id, .. }, ReviewKind::Approval(p))
            if p.option(option_id).is_none_or(|o| o.style == OptionStyle::Danger)
    );
    let line = text::answer_line(&message, &answer);
    let at_terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let outcome = if at_terminal && !danger {
        let inbox = Inbox::new();
        inbox.set_agents(rest.agents().await.unwrap_or_default());
        eprintln!(
            "{}: {}",
            inbox.agent_name(&message),
            text::one_line(
                &text::markdown_to_plain(message.text.as_deref().unwrap_or("")),
                200
            )
        );
        if !ask_yes_no(&format!(
            "Send “{}”?",
            text::answer_words(&message, &answer)
        )) {
            Outcome::Cancelled
        } else {
            send_confirmed(core, &account, &rest, &inbox, &message, &answer, &line).await?
        }
    } else {
        let request = Request::Propose {
            message_id: message.id.clone(),
            answer: answer.clone(),
        };
        if !out.json {
            eprintln!("Waiting for the answer to be confirmed in Placet Tray…");
        }
        match door::ask(&request, TRAY_WAIT).await {
            Ok(Reply::Proposed(outcome)) => outcome,
            Ok(other) => Outcome::Failed {
                message: format!("unexpected reply from Placet Tray: {other:?}"),
            },
            Err(DoorError::NotRunning) => {
                return Err(Failure::new(
                    Exit::NoTray,
                    "noTray",
                    "Placet Tray is not running. Answers from scripts are confirmed by a click in the tray's notification: start the tray, or answer at a terminal.",
                ))
            }
            Err(e) => Outcome::Failed {
                message: e.to_string(),
            },
        }
    };
    let (code, text) = match &outcome {
        Outcome::Sent { summary } => (Exit::Ok, format!("Sent: {summary}.")),
        Outcome::Queued { reason } => (
            Exit::Network,
            format!("Not sent yet ({reason}). The answer is queued and will be delivered when the server is reachable."),
        ),
        Outcome::Cancelled => (Exit::NotConfirmed, "Not sent: the answer was not confirmed.".to_owned()),
        Outcome::TimedOut => (Exit::NotConfirmed, "Not sent: nobody confirmed the answer in time.".to_owned()),
        Outcome::Opened { message } => (Exit::NotConfirmed, format!("Not sent: {message}.")),
        Outcome::Invalid { message } => (Exit::Invalid, format!("Not sent: {message}.")),
        Outcome::Gone { message } => (Exit::Gone, format!("Not sent: {message}.")),
        Outcome::NotSignedIn { message } => (Exit::Auth, format!("Not sent: {message}.")),
        Outcome::Failed { message } => (Exit::Failure, format!("Not sent: {message}.")),
    };
    if code == Exit::Ok || out.json {
        out.print(
            || text.clone(),
            json!({"outcome": outcome, "message": text}),
        );
    } else {
        eprintln!("{text}");
    }
    Ok(code)
}

/// Queues an answer the person confirmed at the terminal and delivers it now, retrying
/// a transport error for a few seconds; a lost reply is recognised as our own answer.
async fn send_confirmed(
    core: &Arc<Core>,
    account: &Account,
    rest: &RestClient,
    inbox: &Inbox,
    message: &Message,
    answer: &Answer,
    line: &str,
) -> Result<Outcome, Failure> {
    let outbox = core.open_outbox(account, true).await?;
    queue_answer(
        &outbox,
        inbox,
        message,
        answer,
        AnswerSource::CliConfirmedAtTerminal,
    )?;
    let delivery = outbox
        .deliver_now(rest, &message.id, None, DELIVERY_PATIENCE)
        .await
        .map_err(CoreError::from)?;
    Ok(match delivery {
        Some(Delivery::Sent { .. }) => Outcome::Sent {
            summary: line.to_owned(),
        },
        Some(Delivery::WillRetry { reason, .. }) => Outcome::Queued { reason },
        None => Outcome::Queued {
            reason: "another Placet Tray process is sending it".to_owned(),
        },
        Some(Delivery::AuthExpired { .. }) => Outcome::NotSignedIn {
            message: "the server refused the sign-in; the answer is queued. Sign in again with `placet-tray login`".to_owned(),
        },
        Some(Delivery::AnsweredElsewhere { .. }) => Outcome::Gone {
            message: "the review was already answered elsewhere; your answer was not used".to_owned(),
        },
        Some(Delivery::Expired { .. }) => Outcome::Gone {
            message: "the review expired before the answer arrived".to_owned(),
        },
        Some(Delivery::Withdrawn { .. }) => Outcome::Gone {
            message: "the agent withdrew the review".to_owned(),
        },
        Some(Delivery::Failed { reason, .. }) => Outcome::Failed { message: reason },
        Some(Delivery::Unreadable { .. }) => Outcome::Failed {
            message: "the queued answer cannot be read".to_owned(),
        },
    })
}
