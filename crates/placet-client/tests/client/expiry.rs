//! Expiry follows the server: a review past its `expiresAt` is *expiring*, still pending
//! and answerable, until the server's job expires it (`review:expired`), a snapshot no
//! longer lists it, or an answer is refused.

use std::time::Duration;

use chrono::Utc;
use placet_client::outbox::{AnswerSource, Delivery, NewAnswer, Outbox, OutboxKey};
use placet_client::protocol::ServerEvent;
use placet_client::{Answer, Inbox, InboxChange, Message};
use placet_devserver::DevServerConfig;
use serde_json::json;

use crate::support::{admin, approval, connected, post, server_with, url, wait_added, wait_change};

fn review(id: &str, expires_in_secs: i64) -> Message {
    let expires = Utc::now() + chrono::Duration::seconds(expires_in_secs);
    serde_json::from_value(json!({
        "id": id, "channelId": "a1", "senderType": "agent", "text": id,
        "review": {"type": "approval", "status": "pending", "expiresAt": expires.to_rfc3339()},
        "createdAt": "2026-01-01T10:00:00.000Z", "attachments": []
    }))
    .unwrap()
}

/// Crossing `expiresAt` makes a review expiring (one `Updated`), not expired: it stays
/// pending until `review:expired`; the next deadline moves on to the next review.
#[test]
fn past_its_time_a_review_is_expiring_until_the_server_expires_it() {
    let inbox = Inbox::new();
    let mut rx = inbox.subscribe();
    inbox.apply(&ServerEvent::MessageCreated(review("soon", 1)));
    inbox.apply(&ServerEvent::MessageCreated(review("later", 3600)));
    let soon_at = inbox
        .get("soon")
        .unwrap()
        .review
        .as_ref()
        .unwrap()
        .expires_at;
    assert_eq!(inbox.next_deadline(), soon_at, "the first deadline");
    while rx.try_recv().is_ok() {}

    let after = Utc::now() + chrono::Duration::seconds(2);
    inbox.tick(after);
    inbox.tick(after + chrono::Duration::seconds(1));
    let changes: Vec<InboxChange> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert!(
        matches!(&changes[..], [InboxChange::Updated(m)] if m.id == "soon"),
        "one Updated, nothing expired: {changes:?}"
    );
    assert!(inbox.is_expiring("soon") && !inbox.is_expiring("later"));
    assert_eq!(inbox.pending().len(), 2, "both still pending");
    assert!(inbox.next_deadline() > soon_at, "moved on to `later`");

    inbox.apply(&ServerEvent::ReviewExpired {
        message_id: "soon".into(),
    });
    assert_eq!(
        rx.try_recv().ok(),
        Some(InboxChange::Expired {
            message_id: "soon".into()
        })
    );
    assert!(inbox.get("soon").is_none() && inbox.is_finished("soon"));
    assert!(!inbox.is_expiring("soon"));
}

/// A review that arrives already past its time is expiring from the start.
#[test]
fn a_review_that_arrives_late_is_expiring_at_once() {
    let inbox = Inbox::new();
    inbox.apply(&ServerEvent::MessageCreated(review("late", -5)));
    assert!(inbox.get("late").is_some(), "pending");
    assert!(inbox.is_expiring("late"));
}

/// Over the wire, with the server's expiry job at its real pace: a review past its
/// time shows as expiring through a running session and is still answered, since the
/// server accepts it; another one leaves the inbox when the job runs and says
/// `review:expired`.
#[tokio::test]
async fn an_expiring_review_is_answerable_until_the_job_expires_it() {
    let server = server_with(DevServerConfig {
        expiry_tick: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let session = connected(&rest, &inbox).await;
    let mut short = approval(&agent, "short-lived");
    short["review"]["expiresInSeconds"] = json!(1);
    let answered = post(&server, short.clone()).await;
    let expired = post(&server, short).await;
    wait_added(&mut changes, &answered).await;
    let mut expiring = std::collections::HashSet::new();
    while expiring.len() < 2 {
        let change = wait_change(
            &mut changes,
            "expiring",
            |c| matches!(c, InboxChange::Updated(m) if m.id == answered || m.id == expired),
        )
        .await;
        if let InboxChange::Updated(m) = change {
            expiring.insert(m.id.clone());
        }
    }
    for id in [&answered, &expired] {
        assert!(inbox.is_expiring(id), "{id} is expiring");
        assert!(inbox.get(id).is_some(), "{id} is still pending");
    }

    let review = inbox.get(&answered).unwrap().review.clone().unwrap();
    let response = review
        .validate(&Answer::Approval {
            option_id: "approve".into(),
            comment: None,
        })
        .expect("an expiring review takes an answer");
    rest.respond(&answered, &response, None)
        .await
        .expect("the server still accepts it");
    wait_change(
        &mut changes,
        "answered",
        |c| matches!(c, InboxChange::Answered { message_id, .. } if *message_id == answered),
    )
    .await;

    let swept = server.controls().expire_overdue_reviews().await;
    assert_eq!(
        swept,
        vec![expired.clone()],
        "the job expires the other one"
    );
    wait_change(
        &mut changes,
        "expired",
        |c| matches!(c, InboxChange::Expired { message_id } if *message_id == expired),
    )
    .await;
    assert!(inbox.get(&expired).is_none() && inbox.is_finished(&expired));
    session.shutdown().await;
}

/// A queued answer that reaches the server after its job expired the review meets 403
/// "Review already responded"; the outbox finds the review expired: `Delivery::Expired`,
/// and the review leaves the inbox as expired.
#[tokio::test]
async fn an_answer_refused_after_expiry_is_expired() {
    let server = server_with(DevServerConfig {
        expiry_tick: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let mut body = approval(&agent, "too late");
    body["review"]["expiresInSeconds"] = json!(1);
    let id = post(&server, body).await;
    let inbox = Inbox::new();
    let mut changes = inbox.subscribe();
    let mark = inbox.begin_sync();
    let _ = inbox.apply_snapshot(mark, rest.pending_reviews().await.unwrap());
    let message = inbox.get(&id).expect("pending");
    let review = message.review.as_ref().unwrap();
    let answer = Answer::Approval {
        option_id: "approve".into(),
        comment: None,
    };
    let response = review.validate(&answer).unwrap();
    let outbox = Outbox::in_memory(
        &url(&server),
        &server.seed().admin().id,
        OutboxKey::generate(),
    )
    .unwrap();
    outbox
        .enqueue(&NewAnswer {
            message_id: &id,
            response: &response,
            feedback: None,
            source: AnswerSource::CliConfirmedAtTerminal,
            agent: "Deploy Bot",
            review: &review.kind,
            summary: &answer.summary(),
            title: None,
        })
        .unwrap();
    inbox.mark_sending(&id, &response);

    crate::support::within("the review's time to pass", async {
        while server.controls().expire_overdue_reviews().await.is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let d = outbox.deliver_due(&rest, Some(&inbox)).await;
    assert_eq!(
        d,
        vec![Delivery::Expired {
            message_id: id.clone()
        }]
    );
    wait_change(
        &mut changes,
        "expired",
        |c| matches!(c, InboxChange::Expired { message_id } if *message_id == id),
    )
    .await;
    assert_eq!(outbox.decisions(1).unwrap()[0].outcome, "expired");
}
