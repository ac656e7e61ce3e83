//! `respond`, `open` and `retry`. An answer from the command line is a proposal: the running
//! tray shows it whole in a confirmation window and only the person's Confirm there
//! sends it ([`crate::door`], [`crate::decide`]); at a terminal too, since programs
//! drive pseudo-terminals. A `danger` option is never sent from here. Everything an
//! agent wrote is printed cleaned of control characters (no terminal escapes).

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use placet_client::protocol::{FieldType, FormPayload, ReviewKind};
use placet_client::{Answer, Message};
use serde_json::{json, Value};

use super::account::signed_in_for_message;
use super::{Exit, Failure, OpenArgs, Out, RespondArgs};
use crate::app::{fetch_review, Core};
use crate::config::AccountMode;
use crate::decide::Refusal;
use crate::door::{self, DoorError, Outcome, Reply, Request};
use crate::text;

/// How long the command waits for the tray (the person's decision, then the server).
const TRAY_WAIT: Duration = Duration::from_secs(330);

fn build_answer(a: &RespondArgs, message: &Message) -> Result<Answer, Failure> {
    let invalid = |m: String| {
        Failure::new(
            Exit::Invalid,
            "invalidAnswer",
            tr!("cli-invalid-answer", reason = m),
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
            Ok(_) => Err(invalid(tr!("cli-json-not-an-object"))),
            Err(e) => Err(invalid(tr!("cli-json-invalid", error = e.to_string()))),
        };
    }
    let Some(ReviewKind::Form(form)) = message.review.as_ref().map(|r| &r.kind) else {
        return Err(invalid(tr!("cli-field-forms-only")));
    };
    let mut values = serde_json::Map::new();
    let mut stdin_used = false;
    for assignment in &a.field {
        let assignment = field_value(form, assignment, &mut stdin_used)?;
        let (name, value) = form
            .parse_cli_field(&assignment)
            .map_err(|e| invalid(e.to_string()))?;
        values.insert(name, value);
    }
    Ok(Answer::Form { values })
}

/// `NAME=VALUE` with the value read where it says: `@-` standard input (once), `@FILE`
/// a file, `@@…` a value that starts with `@`. A password given right on the command
/// line (where other programs can read it) is taken, with a warning.
fn field_value(
    form: &FormPayload,
    assignment: &str,
    stdin_used: &mut bool,
) -> Result<String, Failure> {
    let usage = |m: String| Failure::new(Exit::Usage, "badInput", m);
    let Some((name, value)) = assignment.split_once('=') else {
        return Ok(assignment.to_owned());
    };
    let read = match value.strip_prefix('@') {
        Some(rest) if rest.starts_with('@') => return Ok(format!("{name}={rest}")),
        Some("-") => {
            if std::mem::replace(stdin_used, true) {
                return Err(usage(tr!("cli-field-stdin-once")));
            }
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                usage(tr!(
                    "cli-field-stdin-unreadable",
                    field = name,
                    error = e.to_string()
                ))
            })?;
            text
        }
        Some(path) => std::fs::read_to_string(path).map_err(|e| {
            usage(tr!(
                "cli-field-file-unreadable",
                field = name,
                path = path,
                error = e.to_string()
            ))
        })?,
        None => {
            if form
                .field(name)
                .is_some_and(|f| f.field_type == FieldType::Password)
            {
                eprintln!("{}", tr!("cli-field-password-warning", field = name));
            }
            return Ok(assignment.to_owned());
        }
    };
    Ok(format!("{name}={}", read.trim_end_matches(['\n', '\r'])))
}

pub(super) async fn respond(core: &Arc<Core>, a: &RespondArgs, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = signed_in_for_message(core, &a.message_id).await?;
    if account.mode == AccountMode::ApiKey {
        return Err(crate::app::CoreError::from(Refusal::WatchOnly).into());
    }
    let message = fetch_review(&rest, &a.message_id).await?;
    let review = message
        .review
        .as_ref()
        .ok_or_else(|| crate::app::CoreError::NoReview(message.id.clone()))?;
    if let Err(e) = review.answerable() {
        return Err(Failure::new(
            Exit::Invalid,
            "openInPlacet",
            format!("{e}: {}", account.server.message_page(&message)),
        ));
    }
    let answer = build_answer(a, &message)?;
    crate::app::response_for(review, &answer, a.feedback.as_deref()).map_err(|e| {
        Failure::new(
            Exit::Invalid,
            "invalidAnswer",
            tr!("cli-invalid-answer", reason = e.to_string()),
        )
    })?;
    let request = Request::Propose {
        message_id: message.id.clone(),
        answer,
        feedback: a.feedback.clone(),
    };
    if !out.json {
        eprintln!("{}", tr!("cli-confirm-in-tray"));
    }
    propose_to_tray(&request, out).await
}

/// Hands a proposal to the running tray, waits for the person's decision and the
/// server, and says how it ended.
pub(super) async fn propose_to_tray(request: &Request, out: Out) -> Result<Exit, Failure> {
    let outcome = match door::ask(request, TRAY_WAIT).await {
        Ok(Reply::Proposed(outcome)) => outcome,
        Ok(other) => Outcome::Failed {
            message: tr!("cli-unexpected-reply", reply = format!("{other:?}")),
        },
        Err(DoorError::NotRunning) => {
            return Err(Failure::new(Exit::NoTray, "noTray", tr!("cli-no-tray")))
        }
        Err(e) => Outcome::Failed {
            message: e.to_string(),
        },
    };
    let (code, said) = said(&outcome);
    let said = text::clean(&said);
    if code == Exit::Ok || out.json {
        out.print(
            || said.clone(),
            json!({"outcome": outcome, "message": said}),
        );
    } else {
        eprintln!("{said}");
    }
    Ok(code)
}

/// The exit code and the words for how a proposal ended.
fn said(outcome: &Outcome) -> (Exit, String) {
    let not_sent = |reason: &str| tr!("cli-not-sent", reason = reason);
    match outcome {
        Outcome::Sent { summary } => (Exit::Ok, tr!("cli-sent", summary = summary.as_str())),
        Outcome::Queued { reason } => (
            Exit::Network,
            tr!("cli-not-sent-yet", reason = reason.as_str()),
        ),
        Outcome::Cancelled => (Exit::NotConfirmed, tr!("cli-not-sent-cancelled")),
        Outcome::TimedOut => (Exit::NotConfirmed, tr!("cli-not-sent-timed-out")),
        Outcome::Opened { message } => (Exit::NotConfirmed, not_sent(message)),
        Outcome::Refused { message } => (Exit::NotConfirmed, not_sent(message)),
        Outcome::CannotShow { message } => (Exit::CannotShow, not_sent(message)),
        Outcome::Invalid { message } => (Exit::Invalid, not_sent(message)),
        Outcome::Gone { message } => (Exit::Gone, not_sent(message)),
        Outcome::NotSignedIn { message } => (Exit::Auth, not_sent(message)),
        Outcome::Failed { message } => (Exit::Failure, not_sent(message)),
    }
}

/// `open`: the review's page in Placet's web app, in the browser (the person's way from
/// a terminal to the web UI). The page's address is printed too.
pub(super) async fn open(core: &Arc<Core>, a: &OpenArgs, out: Out) -> Result<Exit, Failure> {
    let (account, rest) = signed_in_for_message(core, &a.message_id).await?;
    let message = rest.message(&a.message_id).await?;
    let page = account.server.message_page(&message);
    let opened = crate::links::open_link(page.as_str());
    out.print(
        || match &opened {
            Ok(()) => tr!("cli-opened", page = page.to_string()),
            Err(e) => format!("{page} ({e})"),
        },
        json!({"page": page.as_str(), "opened": opened.is_ok()}),
    );
    Ok(if opened.is_ok() {
        Exit::Ok
    } else {
        Exit::Failure
    })
}

/// `retry`: the review's answer sent to its agent again (a failed webhook); the server's
/// refusal is printed as it says it.
pub(super) async fn retry(core: &Arc<Core>, a: &OpenArgs, out: Out) -> Result<Exit, Failure> {
    let (_, rest) = signed_in_for_message(core, &a.message_id).await?;
    rest.retry_delivery(&a.message_id).await?;
    out.print(|| tr!("cli-delivery-retried"), json!({"retried": true}));
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::super::reviews::human_duration;
    use super::*;

    /// The command line's words keep their English wording, and German selects its own
    /// plural forms.
    #[test]
    fn words_in_english_and_german() {
        let cancelled = || said(&Outcome::Cancelled).1;
        let failed = || {
            said(&Outcome::Failed {
                message: "boom".to_owned(),
            })
            .1
        };
        let cleared = |n: usize| tr!("cli-snoozes-cleared", count = n);
        let long = chrono::Duration::seconds(3725);
        assert_eq!(cancelled(), "Not sent: the answer was cancelled.");
        assert_eq!(failed(), "Not sent: boom.");
        assert_eq!(human_duration(long), "1 h 2 min");
        assert_eq!(human_duration(chrono::Duration::seconds(59)), "59 s");
        assert_eq!(cleared(0), "Nothing was snoozed.");
        assert_eq!(cleared(1), "1 snooze cleared: the review is back.");
        assert_eq!(cleared(2), "2 snoozes cleared: the reviews are back.");
        assert_eq!(
            tr!("cli-stdin-empty", what = "api-key"),
            "no API key on standard input"
        );
        assert_eq!(
            tr!("cli-password-prompt", email = "a@b"),
            "Password for a@b: "
        );
        crate::i18n::with_language("de", || {
            assert_eq!(
                cancelled(),
                "Nicht gesendet: Die Antwort wurde abgebrochen."
            );
            assert_eq!(human_duration(long), "1 Std. 2 Min.");
            assert_eq!(cleared(0), "Es war nichts zurückgestellt.");
            assert_eq!(
                cleared(1),
                "1 Erinnerung aufgehoben: Die Prüfung ist wieder da."
            );
            assert_eq!(
                tr!("cli-logout-deliver-ask", count = 2),
                "2 Antworten warten noch auf den Versand. Vor dem Abmelden zustellen?"
            );
            assert_eq!(
                tr!("cli-stdin-unreadable", what = "new-password", error = "EOF"),
                "kann das neue Passwort nicht lesen: EOF"
            );
            assert_eq!(tr!("cli-yes-words"), "j ja y yes");
        });
    }
}
