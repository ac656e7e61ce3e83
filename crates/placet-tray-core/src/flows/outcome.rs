//! How a program's proposal ended, in the door's words: from an error, from the
//! outbox's word on the confirmed answer, from the review settling meanwhile.

use std::time::Duration;

use placet_client::outbox::{Delivery, ReplyDelivery};
use placet_client::InboxChange;
use tokio::sync::broadcast;

use crate::app::CoreError;
use crate::decide::Refusal;
use crate::door::Outcome;
use crate::text;

/// How long a confirmed answer waits for the server before the program hears "queued".
const DELIVERY_WAIT: Duration = Duration::from_secs(15);

/// The outcome's name for the log (its details may hold agent text).
pub(super) fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Sent { .. } => "sent",
        Outcome::Queued { .. } => "queued",
        Outcome::Cancelled => "cancelled",
        Outcome::Opened { .. } => "dangerous: shown, not sent",
        Outcome::CannotShow { .. } => "cannot show",
        Outcome::Refused { .. } => "refused",
        Outcome::TimedOut => "timed out",
        Outcome::Invalid { .. } => "invalid",
        Outcome::Gone { .. } => "gone",
        Outcome::NotSignedIn { .. } => "not signed in",
        Outcome::Failed { .. } => "failed",
    }
}

/// The outcome when the review ended while its proposal waited.
pub(super) fn overtaken(
    change: &Result<InboxChange, broadcast::error::RecvError>,
    message_id: &str,
) -> Option<Outcome> {
    let gone = |m: &str| Outcome::Gone {
        message: m.to_owned(),
    };
    match change {
        Ok(InboxChange::Answered { message_id: m, .. }) if m == message_id => {
            Some(gone("the review was answered elsewhere"))
        }
        Ok(InboxChange::Expired { message_id: m }) if m == message_id => {
            Some(gone("the review expired"))
        }
        Ok(InboxChange::Withdrawn { message_id: m }) if m == message_id => {
            Some(gone("the agent withdrew the review"))
        }
        _ => None,
    }
}

pub(super) fn cannot_show(reason: &str) -> Outcome {
    Outcome::CannotShow {
        message: format!(
            "Placet Tray cannot show the confirmation window here ({}); nothing was sent",
            text::one_line(reason, 120)
        ),
    }
}

/// What waiting for the outbox's word on one item needs to know of its reports:
/// answers ([`Delivery`], by review) and the person's messages ([`ReplyDelivery`], by
/// `clientId`) alike.
trait Report: Clone {
    fn is_about(&self, id: &str) -> bool;
    fn is_settled(&self) -> bool;
    /// Why it is tried again, when it is.
    fn retry_reason(&self) -> Option<&str>;
    /// The sign-in was refused: nothing more comes until it is renewed.
    fn auth_expired(&self) -> bool;
}

impl Report for Delivery {
    fn is_about(&self, id: &str) -> bool {
        self.message_id() == id
    }
    fn is_settled(&self) -> bool {
        Delivery::is_settled(self)
    }
    fn retry_reason(&self) -> Option<&str> {
        match self {
            Delivery::WillRetry { reason, .. } => Some(reason),
            _ => None,
        }
    }
    fn auth_expired(&self) -> bool {
        matches!(self, Delivery::AuthExpired { .. })
    }
}

impl Report for ReplyDelivery {
    fn is_about(&self, id: &str) -> bool {
        self.client_id() == id
    }
    fn is_settled(&self) -> bool {
        ReplyDelivery::is_settled(self)
    }
    fn retry_reason(&self) -> Option<&str> {
        match self {
            ReplyDelivery::WillRetry { reason, .. } => Some(reason),
            _ => None,
        }
    }
    fn auth_expired(&self) -> bool {
        matches!(self, ReplyDelivery::AuthExpired { .. })
    }
}

/// The settled report on `id` within [`DELIVERY_WAIT`] (a transport error is retried
/// meanwhile); otherwise `Err` with why it is still queued.
async fn settled<R: Report>(reports: &mut broadcast::Receiver<R>, id: &str) -> Result<R, String> {
    let mut last_retry = None;
    let waited = tokio::time::timeout(DELIVERY_WAIT, async {
        loop {
            match reports.recv().await {
                Ok(r) if r.is_about(id) && r.is_settled() => return Some(r),
                Ok(r) if r.is_about(id) && r.retry_reason().is_some() => {
                    last_retry = r.retry_reason().map(str::to_owned)
                }
                Ok(r) if r.auth_expired() => return None,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .await;
    match waited {
        Ok(Some(r)) => Ok(r),
        _ => Err(last_retry.unwrap_or_else(|| "no reply from the server yet".to_owned())),
    }
}

/// How a confirmed answer ended: the outbox's word on it within [`DELIVERY_WAIT`] (a
/// lost reply recognised as ours), or "queued".
pub(super) async fn delivered(
    deliveries: &mut broadcast::Receiver<Delivery>,
    message_id: &str,
    summary: &str,
) -> Outcome {
    match settled(deliveries, message_id).await {
        Ok(d) => Outcome::of_delivery(&d, summary),
        Err(reason) => Outcome::Queued { reason },
    }
}

/// How a confirmed message to an agent ended: the outbox's word on it within
/// [`DELIVERY_WAIT`], or "queued".
pub(super) async fn reply_delivered(
    deliveries: &mut broadcast::Receiver<ReplyDelivery>,
    client_id: &str,
    agent: &str,
) -> Outcome {
    match settled(deliveries, client_id).await {
        Ok(ReplyDelivery::Failed { reason, .. }) => Outcome::Failed { message: reason },
        Ok(_) => Outcome::Sent {
            summary: tr!("reply-summary", agent = text::one_line(agent, 60)),
        },
        Err(reason) => Outcome::Queued { reason },
    }
}

/// The outcome a program hears for an error.
pub(super) fn outcome_of(e: CoreError) -> Outcome {
    let message = e.to_string();
    match e {
        CoreError::Refused(Refusal::DangerFromProgram) => Outcome::Opened { message },
        CoreError::Refused(Refusal::Strict) => Outcome::Refused { message },
        CoreError::Refused(Refusal::WatchOnly | Refusal::WatchOnlyMessages)
        | CoreError::NotSignedIn => Outcome::NotSignedIn { message },
        CoreError::Refused(Refusal::NotPending | Refusal::Withdrawn)
        | CoreError::NoReview(_)
        | CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
            Outcome::Gone { message }
        }
        CoreError::InvalidAnswer(_)
        | CoreError::Reply(_)
        | CoreError::Refused(Refusal::WebOnly) => Outcome::Invalid { message },
        _ => Outcome::Failed { message },
    }
}
