//! Answering: every answer, wherever it starts, goes through [`Core::answer`], which
//! asks [`decide`] and acts on the verdict: queue it, hand it back for the person's
//! confirmation, or open the review's window.

use std::sync::Arc;

use placet_client::outbox::{AnswerSource, NewAnswer, Outbox};
use placet_client::{
    Answer, ApiError, Inbox, InboxChange, Message, RestClient, SessionState, ValidResponse,
};
use tokio::sync::{broadcast, watch};

use super::{Core, CoreError, Live};
use crate::config::AccountMode;
use crate::decide::{decide, AnswerFacts, Decision, Facts, Refusal, ReviewFacts, Source};

/// What became of an answer the rules did not refuse.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Queued in the outbox; it is being sent.
    Queued,
    /// A program's proposal: show it to the person whole, and send it only on their
    /// Confirm (as [`Source::ConfirmedProposal`]). `response` is exactly what would be
    /// sent.
    Confirm {
        message: Arc<Message>,
        response: ValidResponse,
    },
    /// Nothing sent: the review's window is where the person answers this.
    OpenWindow,
}

impl Core {
    /// Decides about `answer` to the review `message_id` from `source` ([`decide`]),
    /// then queues it, hands it back for confirmation, or says to open the window.
    /// `feedback` is the person's request for changes, sent beside the response.
    pub async fn answer(
        &self,
        message_id: &str,
        answer: &Answer,
        feedback: Option<&str>,
        source: Source,
    ) -> Result<Verdict, CoreError> {
        let live = self.live_for_answer(message_id)?;
        let watch_only = live.account.mode == AccountMode::ApiKey;
        let message = if watch_only {
            None
        } else {
            find_review(&live, message_id, source).await?
        };
        let review = match &message {
            Some(m) => ReviewFacts::of(m),
            None if live.inbox.is_finished(message_id) => ReviewFacts::Closed,
            None => ReviewFacts::Unknown,
        };
        let facts = Facts {
            source,
            watch_only,
            strict: self.config().answer_only_in_windows,
            review,
            answer: AnswerFacts::of(answer, message.as_deref()),
        };
        let decision = decide(facts);
        tracing::debug!(message = message_id, ?source, ?decision, "answer decided");
        match (decision, message) {
            (Decision::Send, Some(m)) => {
                queue_answer(
                    &live.outbox,
                    &live.inbox,
                    &m,
                    answer,
                    feedback,
                    answer_source(source),
                )?;
                Ok(Verdict::Queued)
            }
            (Decision::Confirm, Some(m)) => {
                let review = m.review.as_ref().ok_or(Refusal::NotPending)?;
                let response = response_for(review, answer, feedback)?;
                Ok(Verdict::Confirm {
                    message: m,
                    response,
                })
            }
            (Decision::OpenWindow, _) => Ok(Verdict::OpenWindow),
            (Decision::Refuse(r), _) => Err(r.into()),
            // The rules send or confirm only a review that is known here.
            (Decision::Send | Decision::Confirm, None) => Err(Refusal::NotPending.into()),
        }
    }
}

/// How the decision log names a source.
fn answer_source(source: Source) -> AnswerSource {
    match source {
        Source::ReviewWindow => AnswerSource::ReviewWindow,
        Source::Inbox => AnswerSource::Inbox,
        Source::NotificationButton => AnswerSource::NotificationButton,
        Source::NotificationReply => AnswerSource::NotificationReply,
        Source::Proposal | Source::ConfirmedProposal => AnswerSource::CliConfirmedByClick,
    }
}

/// The review `message_id`: from the inbox, or (except for a notification, which only
/// ever answers what the inbox shows) from the server. `None` when it is not pending
/// here: finished, or unknown to a notification.
async fn find_review(
    live: &Live,
    message_id: &str,
    source: Source,
) -> Result<Option<Arc<Message>>, CoreError> {
    if let Some(m) = live.inbox.get(message_id) {
        return Ok(Some(m));
    }
    if live.inbox.is_finished(message_id)
        || matches!(
            source,
            Source::NotificationButton | Source::NotificationReply
        )
    {
        return Ok(None);
    }
    match fetch_review(&live.rest, message_id).await {
        Ok(m) => Ok(Some(Arc::new(m))),
        Err(CoreError::Refused(Refusal::NotPending)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Fetches a message that must carry a pending review.
pub async fn fetch_review(rest: &RestClient, message_id: &str) -> Result<Message, CoreError> {
    match rest.message(message_id).await {
        Ok(m) if m.review.is_none() => Err(CoreError::NoReview(message_id.to_owned())),
        Ok(m) if !m.is_pending_review() => Err(Refusal::NotPending.into()),
        Ok(m) => Ok(m),
        Err(ApiError::NotFound { .. }) => Err(CoreError::NoReview(message_id.to_owned())),
        Err(e) => Err(e.into()),
    }
}

/// Validates `answer` against `message`'s review and writes it to the outbox. Only
/// [`Core::answer`] calls it, after the rules said to send.
pub fn queue_answer(
    outbox: &Outbox,
    inbox: &Inbox,
    message: &Message,
    answer: &Answer,
    feedback: Option<&str>,
    source: AnswerSource,
) -> Result<(), CoreError> {
    let review = message.review.as_ref().ok_or(Refusal::NotPending)?;
    let response = response_for(review, answer, feedback)?;
    let feedback = feedback.map(str::trim).filter(|f| !f.is_empty());
    let agent = inbox.agent_name(message);
    let title = crate::text::one_line(&crate::text::markdown_to_plain(message.first_line()), 200);
    outbox.enqueue(&NewAnswer {
        message_id: &message.id,
        response: &response,
        feedback,
        source,
        agent: &agent,
        review: &review.kind,
        summary: &answer.summary(),
        title: Some(&title),
    })?;
    inbox.mark_sending(&message.id, &response);
    Ok(())
}

/// The response sent for `answer`, checked against the review. A request for changes
/// (a dismissal with the person's feedback) is taken for any review: the web UI's
/// `{"_dismissed": true}`, with the feedback beside it in the respond body, tells the
/// agent that this round is not accepted and what to change.
pub fn response_for(
    review: &placet_client::Review,
    answer: &Answer,
    feedback: Option<&str>,
) -> Result<ValidResponse, CoreError> {
    let asks_for_changes = feedback.is_some_and(|f| !f.trim().is_empty());
    if asks_for_changes && *answer == Answer::Dismiss {
        if review.status != placet_client::protocol::ReviewStatus::Pending {
            return Err(Refusal::NotPending.into());
        }
        let mut response = serde_json::Map::new();
        response.insert("_dismissed".to_owned(), serde_json::Value::Bool(true));
        return Ok(ValidResponse::from_stored(response));
    }
    Ok(review.validate(answer)?)
}

/// Keeps the inbox and outbox consistent: reviews with a queued answer (from before a
/// restart, or from the command line) are marked as being sent when they show up, and
/// every reconnect retries queued answers at once.
pub(super) async fn wire_outbox(
    inbox: Inbox,
    outbox: Outbox,
    mut state: watch::Receiver<SessionState>,
) {
    let mut changes = inbox.subscribe();
    loop {
        tokio::select! {
            change = changes.recv() => match change {
                Ok(InboxChange::Added(m)) => {
                    if let Ok(Some(r)) = outbox.queued_response(&m.id) {
                        inbox.mark_sending(&m.id, &r);
                    }
                }
                Ok(InboxChange::Synced { .. }) => {
                    for m in inbox.awaiting() {
                        if let Ok(Some(r)) = outbox.queued_response(&m.id) {
                            inbox.mark_sending(&m.id, &r);
                        }
                    }
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            changed = state.changed() => {
                if changed.is_err() {
                    return;
                }
                if state.borrow_and_update().is_connected() {
                    outbox.retry_now();
                }
            }
        }
    }
}
