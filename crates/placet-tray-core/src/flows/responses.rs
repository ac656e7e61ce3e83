//! What the person (or a program pressing buttons through the daemon's command line)
//! does in a notification, back to answers. Every answer goes through
//! [`Core::answer`](crate::Core::answer): a button sends only what the rules let a button
//! send, and opens the review's window for everything else.

use std::collections::HashMap;
use std::sync::Mutex;

use placet_client::protocol::ReviewKind;
use placet_client::Answer;
use tokio::sync::mpsc;

use super::{inbox, info_notice, lock};
use crate::app::Verdict;
use crate::attention::SnoozeFor;
use crate::decide::Source;
use crate::ipc::Ctx;
use crate::notify::{
    option_of_action, InfoKey, NoticeEvent, NoticeKey, NotificationCenter, Response,
};
use crate::text;
use crate::window::WindowKind;

/// Comments typed into an approval's notification, waiting for the option to go with.
type Comments = Mutex<HashMap<String, String>>;

/// Follows the notifier's reports until it ends.
pub(super) async fn follow(
    ctx: Ctx,
    center: NotificationCenter,
    mut responses: mpsc::UnboundedReceiver<NoticeEvent>,
) {
    let comments = Comments::default();
    while let Some(NoticeEvent { key, response }) = responses.recv().await {
        if response == Response::Dismissed {
            center.dismissed(key);
            continue;
        }
        match key {
            NoticeKey::Review(message_id) => {
                review_response(&ctx, &center, &comments, &message_id, response).await
            }
            NoticeKey::Summary => ctx.windows.open(WindowKind::Inbox, None),
            NoticeKey::Info(InfoKey::AuthExpired) => ctx.windows.open(WindowKind::Settings, None),
            NoticeKey::Info(InfoKey::OAuth(state)) => oauth_response(&ctx, state, response),
            // A proposal's notice only ever opens its window: whatever was pressed.
            NoticeKey::Info(InfoKey::Confirm(proposal)) => {
                ctx.windows.open(WindowKind::Confirm { proposal }, None)
            }
            NoticeKey::Info(InfoKey::Message(message_id)) => {
                super::talk::message_response(&ctx, &center, &message_id, response).await
            }
            NoticeKey::Info(InfoKey::Delivery(_) | InfoKey::AgentError(_)) => {
                ctx.windows.open(WindowKind::Inbox, None)
            }
            NoticeKey::Info(InfoKey::Desktop(_)) => ctx.windows.open(WindowKind::Settings, None),
        }
    }
}

async fn review_response(
    ctx: &Ctx,
    center: &NotificationCenter,
    comments: &Comments,
    message_id: &str,
    response: Response,
) {
    let open = |option: Option<String>| ctx.windows.open(WindowKind::review(message_id), option);
    if let Response::Action(action) = &response {
        // "Remind me in 15 min": the notification goes, and comes back then. Nothing
        // is answered.
        if let Some(snooze) = SnoozeFor::of_action(action) {
            let until = snooze.until(ctx.attention.now());
            ctx.attention.snooze(message_id, until);
            return;
        }
    }
    let option_id = match response {
        Response::Action(action) => match option_of_action(&action) {
            Some(option) => option.to_owned(),
            None => return open(None),
        },
        Response::Replied(reply) => return replied(ctx, center, comments, message_id, reply).await,
        Response::Activated | Response::Dismissed => return open(None),
    };
    let comment = lock(comments).remove(message_id);
    let source = if comment.is_some() {
        Source::NotificationReply
    } else {
        Source::NotificationButton
    };
    let answer = Answer::Approval {
        option_id: option_id.clone(),
        comment,
    };
    match ctx.core.answer(message_id, &answer, None, source).await {
        Ok(Verdict::Queued) => {}
        // A dangerous option, strict mode, a review not known here: one click in the
        // window, never a button alone.
        Ok(Verdict::OpenWindow | Verdict::Confirm { .. }) => open(Some(option_id)),
        Err(e) => {
            tracing::warn!(error = %e, "answer from a notification refused");
            failed(ctx, center, message_id, &e.to_string());
        }
    }
}

/// An OAuth prompt's notice: its Open button opens the vetted sign-in page in the
/// browser (a program pressing it only opens a page the agent could open itself); a
/// click shows the prompt's window (the code, the page).
fn oauth_response(ctx: &Ctx, state: String, response: Response) {
    let link = ctx
        .core
        .lives()
        .iter()
        .find_map(|l| l.inbox.oauth_prompt(&state))
        .and_then(|p| p.link().map(str::to_owned));
    match (response, link) {
        (Response::Action(a), Some(link)) if a == text::OAUTH_OPEN => {
            if let Err(e) = crate::links::open_link(&link) {
                tracing::warn!(error = %e, "cannot open the sign-in page");
                ctx.windows.open(WindowKind::OAuth { state }, None);
            }
        }
        _ => ctx.windows.open(WindowKind::OAuth { state }, None),
    }
}

/// "Your answer was not sent", about `message_id`.
fn failed(ctx: &Ctx, center: &NotificationCenter, message_id: &str, reason: &str) {
    let agent = ctx
        .core
        .live_of_review(message_id)
        .and_then(|live| {
            live.inbox
                .get(message_id)
                .map(|m| live.inbox.agent_name(&m))
        })
        .unwrap_or_else(|| "An agent".to_owned());
    let (title, body) = text::answer_failed(&agent, reason);
    center.info(info_notice(
        InfoKey::Delivery(message_id.to_owned()),
        &title,
        &body,
        false,
    ));
}

/// Text typed into a review's notification: a text-input review's answer (decided and
/// queued like any answer), or an approval's comment (kept, and the notification shown
/// again to choose the option). What cannot be sent opens the review's window, with a
/// notice saying why.
async fn replied(
    ctx: &Ctx,
    center: &NotificationCenter,
    comments: &Comments,
    message_id: &str,
    reply: String,
) {
    let open = || ctx.windows.open(WindowKind::review(message_id), None);
    let Some(live) = ctx.core.live_of_review(message_id) else {
        return open();
    };
    let Some(message) = live.inbox.get(message_id) else {
        return open();
    };
    let refused = |reason: String| {
        let (title, body) = text::reply_refused(&reason);
        center.info(info_notice(
            InfoKey::Delivery(message_id.to_owned()),
            &title,
            &body,
            false,
        ));
        open();
    };
    match message.review.as_ref().map(|r| &r.kind) {
        Some(ReviewKind::Approval(p)) if p.allow_comment => {
            if let Some((notice, agent)) = inbox::review_notice(ctx, &live, &message) {
                lock(comments).insert(message_id.to_owned(), reply.clone());
                center.withdraw(message_id);
                center.review(text::with_comment(notice, &reply), &agent);
            }
        }
        Some(ReviewKind::TextInput(_)) => {
            let answer = Answer::Text { text: reply };
            match ctx
                .core
                .answer(message_id, &answer, None, Source::NotificationReply)
                .await
            {
                Ok(Verdict::Queued) => {}
                Ok(_) => open(),
                Err(e) => refused(e.to_string()),
            }
        }
        _ => refused("this review takes no typed reply".to_owned()),
    }
}
