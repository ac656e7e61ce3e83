//! The decision log as a history: what the review asked is kept sealed beside the
//! answer, and old decisions are pruned (never one still queued).

use chrono::{Duration, Utc};
use placet_client::outbox::{AnswerSource, NewAnswer, Outbox, OutboxKey};
use placet_client::{Answer, Message, ServerUrl};
use serde_json::json;

fn form_review() -> Message {
    serde_json::from_value(json!({
        "id": "m-form", "channelId": "a1", "senderType": "agent",
        "createdAt": Utc::now().to_rfc3339(),
        "review": {"type": "form", "status": "pending", "payload": {"fields": [
            {"name": "user", "label": "User", "type": "text"},
            {"name": "pass", "label": "Password", "type": "password"}
        ]}},
    }))
    .expect("a form review")
}

fn queue(outbox: &Outbox, id: &str, title: Option<&str>) {
    let m = form_review();
    let review = m.review.as_ref().expect("a review");
    let answer = Answer::Form {
        values: serde_json::from_value(json!({"user": "ops", "pass": "hunter2"})).unwrap(),
    };
    let response = review.validate(&answer).expect("a valid answer");
    outbox
        .enqueue(&NewAnswer {
            message_id: id,
            response: &response,
            feedback: None,
            source: AnswerSource::ReviewWindow,
            agent: "Deploy Bot",
            review: &review.kind,
            summary: &answer.summary(),
            title,
        })
        .expect("queued");
}

/// The title reads back with the decision (sealed: another key reads none); the
/// password is redacted there as in the response.
#[test]
fn the_title_is_kept_with_the_decision() {
    let key = OutboxKey::generate();
    let dir = std::env::temp_dir().join(format!("placet-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("placet-tray.db");
    let outbox = Outbox::open(
        &db,
        &ServerUrl::parse("https://p.example").unwrap(),
        "me",
        key,
    )
    .expect("an outbox");
    queue(&outbox, "m1", Some("Create the ops account?"));
    queue(&outbox, "m2", None);
    let d = outbox.decisions(10).unwrap();
    assert_eq!(d[0].title, None);
    assert_eq!(d[1].title.as_deref(), Some("Create the ops account?"));
    assert_eq!(d[1].response["pass"], "***REDACTED***");
    assert_eq!(d[1].response["user"], "ops");
    let raw = std::fs::read(&db).unwrap();
    assert!(
        !raw.windows(b"ops account".len())
            .any(|w| w == b"ops account"),
        "the title is sealed on disk"
    );
    let other = Outbox::open(
        &db,
        &ServerUrl::parse("https://p.example").unwrap(),
        "me",
        OutboxKey::generate(),
    )
    .unwrap();
    assert_eq!(other.decisions(10).unwrap()[1].title, None, "another key");
    let _ = std::fs::remove_dir_all(dir);
}

/// Pruning removes decisions older than the cut, never one whose answer is still
/// queued.
#[test]
fn old_decisions_are_pruned_but_not_queued_ones() {
    let outbox = Outbox::in_memory(
        &ServerUrl::parse("https://p.example").unwrap(),
        "me",
        OutboxKey::generate(),
    )
    .unwrap();
    queue(&outbox, "m1", Some("first"));
    outbox.discard_all().unwrap();
    queue(&outbox, "m2", Some("second"));
    assert_eq!(
        outbox
            .prune_decisions(Utc::now() - Duration::days(1))
            .unwrap(),
        0
    );
    assert_eq!(
        outbox
            .prune_decisions(Utc::now() + Duration::days(1))
            .unwrap(),
        1
    );
    let left = outbox.decisions(10).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].message_id, "m2", "the queued one stays");
}
