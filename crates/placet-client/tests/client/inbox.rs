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

/// Reviews expire locally at `expiresAt`, without waiting for the server's job.
#[test]
fn overdue_reviews_expire_locally() {
    let inbox = Inbox::new();
    inbox.apply(&ServerEvent::MessageCreated(msg(
        "soon", "pending", None, 1,
    )));
    inbox.apply(&ServerEvent::MessageCreated(pending("later")));
    assert!(inbox.next_expiry().is_some());
    inbox.expire_overdue(chrono::Utc::now() + chrono::Duration::seconds(2));
    assert_eq!(ids(&inbox), ["later"]);
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
