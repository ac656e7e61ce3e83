use placet_client::inbox::{AnsweredBy, InboxChange, Unlisted};
use placet_client::protocol::ServerEvent;
use placet_client::{Answer, Inbox, Message};
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;

fn msg(id: &str, status: &str, response: Option<Value>, expires_in_secs: i64) -> Message {
    let expires = chrono::Utc::now() + chrono::Duration::seconds(expires_in_secs);
    serde_json::from_value(json!({
        "id": id, "channelId": "a1", "senderType": "agent", "senderId": "a1", "text": format!("review {id}"),
        "review": {"type": "approval", "status": status, "response": response,
                   "expiresAt": expires.to_rfc3339()},
        "createdAt": "2026-01-01T10:00:00.000Z", "attachments": []
    }))
    .unwrap()
}

fn pending(id: &str) -> Message {
    msg(id, "pending", None, 3600)
}

fn drain(rx: &mut Receiver<InboxChange>) -> Vec<InboxChange> {
    let mut v = Vec::new();
    while let Ok(c) = rx.try_recv() {
        v.push(c);
    }
    v
}

fn ids(inbox: &Inbox) -> Vec<String> {
    inbox.pending().iter().map(|m| m.id.clone()).collect()
}

/// The same review from an event and from a snapshot appears once.
#[test]
fn a_review_never_appears_twice() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    inbox.apply(&ServerEvent::MessageCreated(pending("m1")));
    inbox.apply(&ServerEvent::MessageCreated(pending("m1")));
    let mark = inbox.begin_sync();
    let unlisted = inbox.apply_snapshot(mark, vec![pending("m1")]);
    assert!(unlisted.is_empty(), "m1 is listed: {unlisted:?}");
    let added = drain(&mut rx)
        .into_iter()
        .filter(|c| matches!(c, InboxChange::Added(_)))
        .count();
    assert_eq!(added, 1, "one Added for three sightings");
    assert_eq!(ids(&inbox), ["m1"]);
}

/// An answered or expired review never comes back from a stale snapshot or event.
#[test]
fn finished_reviews_never_come_back() {
    let inbox = Inbox::new();
    inbox.apply(&ServerEvent::MessageCreated(pending("m1")));
    inbox.apply(&ServerEvent::MessageCreated(pending("m2")));
    let mark = inbox.begin_sync();
    inbox.apply(&ServerEvent::ReviewResponded(msg(
        "m1",
        "completed",
        Some(json!({"selectedOption": "approve"})),
        3600,
    )));
    inbox.apply(&ServerEvent::ReviewExpired {
        message_id: "m2".into(),
    });
    // A snapshot fetched before those events still lists both as pending.
    let unlisted = inbox.apply_snapshot(mark, vec![pending("m1"), pending("m2")]);
    assert!(
        unlisted.is_empty(),
        "nothing pending is missing: {unlisted:?}"
    );
    inbox.apply(&ServerEvent::MessageCreated(pending("m2")));
    assert!(
        ids(&inbox).is_empty(),
        "stale sightings must not resurrect: {:?}",
        ids(&inbox)
    );
    assert!(inbox.is_finished("m1") && inbox.is_finished("m2"));
}

/// A snapshot reports the reviews that left the server's list (but not ones that
/// arrived by event after it was requested) and keeps them until the server says why.
#[test]
fn snapshots_report_what_they_no_longer_list() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    let kept = pending("kept");
    for id in ["old", "gone", "late"] {
        inbox.apply(&ServerEvent::MessageCreated(pending(id)));
    }
    inbox.apply(&ServerEvent::MessageCreated(kept.clone()));
    let mark = inbox.begin_sync();
    inbox.apply(&ServerEvent::MessageCreated(pending("new")));
    let unlisted = inbox.apply_snapshot(mark, vec![pending("listed")]);
    assert_eq!(
        unlisted,
        ["gone", "kept", "late", "old"],
        "missing and older than the snapshot"
    );
    assert_eq!(
        ids(&inbox).len(),
        6,
        "nothing is dropped before the server says why"
    );
    let changes = drain(&mut rx);
    assert!(
        matches!(changes.last(), Some(InboxChange::Synced { pending: 6 })),
        "{changes:?}"
    );

    inbox.settle_unlisted("gone", Unlisted::Withdrawn);
    inbox.settle_unlisted(
        "old",
        Unlisted::Found(Box::new(msg(
            "old",
            "completed",
            Some(json!({"selectedOption": "reject"})),
            60,
        ))),
    );
    inbox.settle_unlisted(
        "late",
        Unlisted::Found(Box::new(msg("late", "expired", None, -5))),
    );
    inbox.settle_unlisted("kept", Unlisted::Found(Box::new(kept)));
    let changes = drain(&mut rx);
    assert_eq!(
        changes,
        [
            InboxChange::Withdrawn {
                message_id: "gone".into()
            },
            InboxChange::Answered {
                message_id: "old".into(),
                by: AnsweredBy::Elsewhere,
                response: Some(json!({"selectedOption": "reject"}))
            },
            InboxChange::Expired {
                message_id: "late".into()
            },
        ],
        "withdrawn, answered elsewhere with its response, expired; a still-pending one stays"
    );
    let mut left = ids(&inbox);
    left.sort();
    assert_eq!(left, ["kept", "listed", "new"]);
    assert!(
        inbox.is_finished("gone"),
        "a withdrawn review is tombstoned"
    );
    inbox.apply(&ServerEvent::MessageCreated(pending("gone")));
    assert!(inbox.get("gone").is_none(), "and never comes back");
}

/// Our own answer, confirmed by `review:responded` with the same response, is ours;
/// a different response is someone else's.
#[test]
fn answered_here_or_elsewhere() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    for id in ["m1", "m2"] {
        inbox.apply(&ServerEvent::MessageCreated(pending(id)));
    }
    let review = inbox.get("m1").unwrap().review.clone().unwrap();
    let ours = review
        .validate(&Answer::Approval {
            option_id: "approve".into(),
            comment: None,
        })
        .unwrap();
    inbox.mark_sending("m1", &ours);
    inbox.mark_sending("m2", &ours);
    assert!(
        inbox.awaiting().is_empty(),
        "answered reviews no longer need the person"
    );
    assert_eq!(
        inbox.pending().len(),
        2,
        "but stay until the server confirms"
    );
    inbox.apply(&ServerEvent::ReviewResponded(msg(
        "m1",
        "completed",
        Some(json!({"selectedOption": "approve"})),
        3600,
    )));
    inbox.apply(&ServerEvent::ReviewResponded(msg(
        "m2",
        "completed",
        Some(json!({"selectedOption": "reject"})),
        3600,
    )));
    inbox.mark_answered_here("m1", &ours);
    let answered: Vec<(String, AnsweredBy)> = drain(&mut rx)
        .into_iter()
        .filter_map(|c| match c {
            InboxChange::Answered { message_id, by, .. } => Some((message_id, by)),
            _ => None,
        })
        .collect();
    assert_eq!(
        answered,
        [
            ("m1".to_owned(), AnsweredBy::Here),
            ("m2".to_owned(), AnsweredBy::Elsewhere)
        ],
        "one Answered each, the late confirmation adds nothing"
    );
}

/// Snapshots keep reviews whose answer is still queued: the outbox settles them.
#[test]
fn queued_answers_survive_snapshots() {
    let inbox = Inbox::new();
    inbox.apply(&ServerEvent::MessageCreated(pending("m1")));
    let review = inbox.get("m1").unwrap().review.clone().unwrap();
    let ours = review
        .validate(&Answer::Approval {
            option_id: "reject".into(),
            comment: None,
        })
        .unwrap();
    inbox.mark_sending("m1", &ours);
    let mark = inbox.begin_sync();
    let unlisted = inbox.apply_snapshot(mark, vec![]);
    assert!(
        unlisted.is_empty(),
        "a review being answered is the outbox's to settle"
    );
    assert!(inbox.is_sending("m1"));
    inbox.cancel_sending("m1");
    assert_eq!(inbox.awaiting().len(), 1);
}

/// A plain agent message is published for "notify every message", not kept.
#[test]
fn plain_agent_messages_are_published_not_kept() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    let plain: Message = serde_json::from_value(json!({
        "id": "p1", "channelId": "a1", "senderType": "agent", "senderId": "a1", "text": "done",
        "createdAt": "2026-01-01T10:00:00.000Z", "attachments": []
    }))
    .unwrap();
    inbox.apply(&ServerEvent::MessageCreated(plain));
    assert!(inbox.pending().is_empty());
    assert!(matches!(drain(&mut rx).as_slice(), [InboxChange::AgentMessage(m)] if m.id == "p1"));
}

fn streamed(id: &str, state: Option<&str>, text: &str) -> Message {
    serde_json::from_value(json!({
        "id": id, "channelId": "a1", "senderType": "agent", "senderId": "a1", "text": text,
        "streamId": format!("turn-{id}"), "streamState": state,
        "createdAt": "2026-01-01T10:00:00.000Z", "attachments": []
    }))
    .unwrap()
}

fn agent_messages(changes: &[InboxChange]) -> Vec<(String, String)> {
    changes
        .iter()
        .filter_map(|c| match c {
            InboxChange::AgentMessage(m) => {
                Some((m.id.clone(), m.text.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect()
}

/// A streaming draft is never announced; its final text is, once, whether the final
/// state comes by `message:updated`, by a second `message:created`, or late.
#[test]
fn streamed_messages_are_announced_once_with_their_final_text() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    inbox.apply(&ServerEvent::MessageCreated(streamed(
        "s1",
        Some("streaming"),
        "Hel",
    )));
    inbox.apply(&ServerEvent::MessageUpdated(streamed(
        "s1",
        Some("streaming"),
        "Hello wo",
    )));
    let drafts = drain(&mut rx);
    assert!(
        agent_messages(&drafts).is_empty(),
        "drafts are not announced"
    );
    assert_eq!(
        drafts
            .iter()
            .filter(
                |c| matches!(c, InboxChange::Draft { message_id, channel_id }
                if message_id == "s1" && channel_id == "a1")
            )
            .count(),
        2,
        "each step of a draft is told, for a conversation: {drafts:?}"
    );
    assert_eq!(inbox.open_drafts(), [("s1".to_owned(), "a1".to_owned())]);
    inbox.apply(&ServerEvent::MessageUpdated(streamed(
        "s1",
        Some("complete"),
        "Hello world",
    )));
    inbox.apply(&ServerEvent::MessageUpdated(streamed(
        "s1",
        Some("complete"),
        "Hello world!",
    )));
    inbox.apply(&ServerEvent::MessageCreated(streamed(
        "s1",
        Some("complete"),
        "Hello world!",
    )));
    assert_eq!(
        agent_messages(&drain(&mut rx)),
        [("s1".to_owned(), "Hello world".to_owned())],
        "exactly once, with the final text"
    );
    assert!(inbox.open_drafts().is_empty());

    inbox.apply(&ServerEvent::MessageCreated(streamed(
        "s2",
        None,
        "not streamed",
    )));
    inbox.apply(&ServerEvent::MessageCreated(streamed(
        "s2",
        None,
        "not streamed",
    )));
    assert_eq!(
        agent_messages(&drain(&mut rx)).len(),
        1,
        "a plain message is announced once too"
    );
}

/// An aborted stream (by its agent, or by the server's stale-draft job) shows nothing.
#[test]
fn aborted_streams_show_nothing() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    inbox.apply(&ServerEvent::MessageCreated(streamed(
        "s1",
        Some("streaming"),
        "Thinking",
    )));
    inbox.apply(&ServerEvent::MessageUpdated(streamed(
        "s1",
        Some("aborted"),
        "Thinking",
    )));
    inbox.apply(&ServerEvent::MessageUpdated(streamed(
        "s1",
        Some("complete"),
        "late",
    )));
    let changes = drain(&mut rx);
    assert!(
        changes
            .iter()
            .all(|c| matches!(c, InboxChange::Draft { message_id, .. } if message_id == "s1")),
        "nothing announced for an aborted stream, only the draft's steps: {changes:?}"
    );
    assert_eq!(
        changes.len(),
        2,
        "begun, aborted; the late update is ignored"
    );
    assert!(inbox.open_drafts().is_empty());
}

/// A draft whose end came while we were disconnected is settled by looking it up: its
/// final text is announced once; a draft that is gone is forgotten; one still
/// streaming stays a draft.
#[test]
fn drafts_missed_while_away_are_settled_by_lookup() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    for id in ["done", "gone", "still"] {
        inbox.apply(&ServerEvent::MessageCreated(streamed(
            id,
            Some("streaming"),
            "…",
        )));
    }
    inbox.settle_draft("done", Some(streamed("done", Some("complete"), "Finished")));
    inbox.settle_draft("gone", None);
    inbox.settle_draft("still", Some(streamed("still", Some("streaming"), "……")));
    assert_eq!(
        agent_messages(&drain(&mut rx)),
        [("done".to_owned(), "Finished".to_owned())]
    );
    assert_eq!(inbox.open_drafts(), [("still".to_owned(), "a1".to_owned())]);
    let mark = inbox.begin_sync();
    let _ = inbox.apply_snapshot(mark, vec![streamed("still", Some("complete"), "Now done")]);
    assert_eq!(
        agent_messages(&drain(&mut rx)),
        [("still".to_owned(), "Now done".to_owned())],
        "a snapshot carrying a draft's final state announces it"
    );
}

/// An edit of a pending review's text or payload (`message:updated`) is an `Updated`.
#[test]
fn edits_of_a_pending_review_are_updates() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    let original = pending("m1");
    inbox.apply(&ServerEvent::MessageCreated(original.clone()));
    let mut edited = original.clone();
    edited.text = Some("Deploy v3 instead?".into());
    inbox.apply(&ServerEvent::MessageUpdated(edited.clone()));
    let mut repayload = edited.clone();
    let review = repayload.review.as_mut().unwrap();
    review.kind = placet_client::ReviewKind::from_parts(
        "approval",
        json!({"options": [{"id": "go", "label": "Go"}]}),
    );
    inbox.apply(&ServerEvent::MessageUpdated(repayload.clone()));
    inbox.apply(&ServerEvent::MessageUpdated(repayload.clone()));
    let updates: Vec<Option<String>> = drain(&mut rx)
        .into_iter()
        .filter_map(|c| match c {
            InboxChange::Updated(m) => Some(m.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        updates.len(),
        2,
        "text edit and payload edit, no repeat: {updates:?}"
    );
    assert_eq!(inbox.get("m1").unwrap().as_ref(), &repayload);
}
