use std::path::Path;
use std::time::Duration;

use placet_client::inbox::AnsweredBy;
use placet_client::outbox::{AnswerSource, Delivery, NewAnswer, Outbox, OutboxKey, StoreError};
use placet_client::protocol::DeliveryStatus;
use placet_client::{Answer, Inbox, InboxChange, ServerUrl};
use serde_json::json;

use crate::support::{
    admin, agent_call, choose, contains, database_bytes, temp_dir, url, wait_change, within,
    Fixture,
};

/// The admin's account id: outbox rows belong to it.
fn account(f: &Fixture) -> String {
    f.server.seed().admin().id.clone()
}

fn memory_outbox(f: &Fixture) -> Outbox {
    Outbox::in_memory(&url(&f.server), &account(f), OutboxKey::generate()).unwrap()
}

fn queue_with(
    outbox: &Outbox,
    inbox: &Inbox,
    id: &str,
    answer: &Answer,
    feedback: Option<&str>,
) -> placet_client::ValidResponse {
    let message = inbox.get(id).expect("review in the inbox");
    let review = message.review.as_ref().unwrap();
    let response = review.validate(answer).unwrap();
    outbox
        .enqueue(&NewAnswer {
            message_id: id,
            response: &response,
            feedback,
            source: AnswerSource::CliConfirmedAtTerminal,
            agent: "Deploy Bot",
            review: &review.kind,
            summary: &answer.summary(),
            title: None,
        })
        .expect("queued");
    inbox.mark_sending(id, &response);
    response
}

fn queue(outbox: &Outbox, inbox: &Inbox, id: &str, option: &str) -> placet_client::ValidResponse {
    let answer = Answer::Approval {
        option_id: option.into(),
        comment: None,
    };
    queue_with(outbox, inbox, id, &answer, None)
}

/// A reply lost after the server applied the answer: delivering again (now, whatever
/// the backoff schedule says) meets a 403, fetches the message, finds our answer, and
/// counts it as sent, once.
#[tokio::test]
async fn lost_reply_then_deliver_now_is_our_own_answer() {
    let mut f = Fixture::start().await;
    let id = f.review("lossy").await;

    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &id, "approve");
    f.server.controls().drop_next_respond_reply();
    let first = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert!(
        matches!(first.as_slice(), [Delivery::WillRetry { .. }]),
        "the lost reply looks like a network failure: {first:?}"
    );
    assert_eq!(
        outbox.queued().unwrap().len(),
        1,
        "unconfirmed answers stay queued"
    );
    assert!(
        outbox.deliver_due(&f.rest, Some(&f.inbox)).await.is_empty(),
        "not due yet by its backoff schedule"
    );

    let second = outbox
        .deliver_now(&f.rest, &id, Some(&f.inbox), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        second,
        Some(Delivery::Sent {
            message_id: id.clone(),
            lost_reply: true
        }),
        "delivered now despite the schedule, recognised as ours"
    );
    assert!(outbox.queued().unwrap().is_empty(), "settled");
    let recorded = f.server.controls().responses_for(&id);
    assert_eq!(recorded.len(), 2, "two requests: {recorded:?}");
    assert_eq!(recorded[0].status.as_u16(), 201, "the first one landed");
    assert_eq!(
        recorded[1].status.as_u16(),
        403,
        "the retry changed nothing on the server"
    );
    let decisions = outbox.decisions(10).unwrap();
    assert_eq!(decisions[0].outcome, "sent", "{decisions:?}");
    assert!(
        decisions[0]
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("lost"),
        "the log says why: {decisions:?}"
    );
    let answered = wait_change(&mut f.changes, "answered", |c| {
        matches!(c, InboxChange::Answered { .. })
    })
    .await;
    assert!(
        matches!(
            answered,
            InboxChange::Answered {
                by: AnsweredBy::Here,
                ..
            }
        ),
        "the inbox counts it as ours: {answered:?}"
    );
    assert_eq!(
        outbox
            .deliver_now(&f.rest, &id, None, Duration::from_secs(1))
            .await
            .unwrap(),
        None,
        "nothing is queued any more"
    );
    f.session.shutdown().await;
}

/// One `deliver_now` call rides out a lost reply by itself: the transport error is
/// retried within the command and the 403 resolves to our own answer.
#[tokio::test]
async fn deliver_now_retries_a_transport_error_within_the_command() {
    let mut f = Fixture::start().await;
    let id = f.review("cli answer").await;
    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &id, "reject");
    f.server.controls().drop_next_respond_reply();
    let d = outbox
        .deliver_now(&f.rest, &id, Some(&f.inbox), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        d,
        Some(Delivery::Sent {
            message_id: id.clone(),
            lost_reply: true
        }),
        "retried within the command"
    );
    assert_eq!(
        f.server.controls().responses_for(&id)[0].body,
        json!({"response": {"selectedOption": "reject"}}),
        "the answer reached the server once, unchanged"
    );
    f.session.shutdown().await;
}

/// With the server down, `deliver_now` gives up after its patience and leaves the
/// answer queued for the tray.
#[tokio::test]
async fn deliver_now_is_bounded() {
    let mut f = Fixture::start().await;
    let id = f.review("server gone").await;
    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &id, "approve");
    f.server.stop().await;
    let started = std::time::Instant::now();
    let d = outbox
        .deliver_now(&f.rest, &id, None, Duration::from_millis(1500))
        .await
        .unwrap();
    assert!(
        matches!(d, Some(Delivery::WillRetry { .. })),
        "still queued: {d:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "bounded: {:?}",
        started.elapsed()
    );
    assert_eq!(outbox.queued().unwrap().len(), 1, "kept for later");
    f.server.restart().await.unwrap();
    f.session.shutdown().await;
}

/// A different answer given elsewhere first is reported as answered elsewhere.
#[tokio::test]
async fn a_different_earlier_answer_is_answered_elsewhere() {
    let mut f = Fixture::start().await;
    let id = f.review("contested").await;
    let outbox = memory_outbox(&f);
    let ours = queue(&outbox, &f.inbox, &id, "approve");
    let web = choose("reject");
    admin(&f.server)
        .await
        .respond(&id, &web, None)
        .await
        .unwrap();
    let d = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert!(
        matches!(&d[..], [Delivery::AnsweredElsewhere { response: Some(r), .. }] if r["selectedOption"] == "reject"),
        "{d:?}"
    );
    assert_ne!(ours.to_value()["selectedOption"], "reject");
    assert_eq!(outbox.decisions(1).unwrap()[0].outcome, "answeredElsewhere");
    f.session.shutdown().await;
}

/// An answer to a review its agent deleted meets a 404: withdrawn, not retried.
#[tokio::test]
async fn an_answer_to_a_deleted_review_is_withdrawn() {
    let mut f = Fixture::start().await;
    let id = f.review("deleted before the answer went out").await;
    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &id, "approve");
    let (status, _) = agent_call(&f, "DELETE", &format!("api/v1/messages/{id}"), None).await;
    assert_eq!(status, 200, "the agent deleted its review");
    let d = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert_eq!(
        d,
        vec![Delivery::Withdrawn {
            message_id: id.clone()
        }]
    );
    assert!(outbox.queued().unwrap().is_empty(), "left the queue");
    assert_eq!(outbox.decisions(1).unwrap()[0].outcome, "withdrawn");
    wait_change(
        &mut f.changes,
        "withdrawn",
        |c| matches!(c, InboxChange::Withdrawn { message_id } if *message_id == id),
    )
    .await;
    f.session.shutdown().await;
}

/// While the server is down the answer stays queued; it is delivered once it returns.
#[tokio::test]
async fn queued_while_down_delivered_once_after() {
    let mut f = Fixture::start().await;
    let id = f.review("offline answer").await;
    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &id, "approve");
    let second = queue_second(&outbox, &f.inbox, &id);
    assert!(
        matches!(second, Err(StoreError::AlreadyQueued)),
        "a second answer to the same review is refused while one is queued: {second:?}"
    );
    f.server.stop().await;
    let d = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert!(matches!(&d[..], [Delivery::WillRetry { .. }]), "{d:?}");
    f.server.restart().await.unwrap();
    outbox.retry_now();
    let d = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert!(
        matches!(
            &d[..],
            [Delivery::Sent {
                lost_reply: false,
                ..
            }]
        ),
        "{d:?}"
    );
    let recorded = f.server.controls().responses_for(&id);
    assert_eq!(recorded.len(), 1, "delivered exactly once: {recorded:?}");
    f.session.shutdown().await;
}

/// Answers survive a restart of the process (the database is a file), and the file
/// holds no answer in clear: response, comment and feedback are sealed.
#[tokio::test]
async fn queued_answers_survive_reopening_and_are_sealed_at_rest() {
    let mut f = Fixture::start().await;
    let id = f.review("crash test").await;
    let dir = temp_dir("outbox-sealed");
    let path = dir.join("data").join("outbox.db");
    let key = OutboxKey::generate();
    let answer = Answer::Approval {
        option_id: "approve".into(),
        comment: Some("ship-it-zebra-comment".into()),
    };
    {
        let outbox = Outbox::open(&path, &url(&f.server), &account(&f), key.clone()).unwrap();
        queue_with(&outbox, &f.inbox, &id, &answer, Some("feedback-okapi-text"));
    }
    let bytes = database_bytes(&path);
    for secret in ["ship-it-zebra-comment", "feedback-okapi-text"] {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "`{secret}` is in the database file in clear"
        );
    }
    let reopened = Outbox::open(&path, &url(&f.server), &account(&f), key).unwrap();
    assert_eq!(reopened.queued().unwrap().len(), 1, "survived");
    assert_eq!(
        reopened.decisions(1).unwrap()[0].response,
        json!({"selectedOption": "approve", "comment": "ship-it-zebra-comment"}),
        "the decision log opens with the key"
    );
    let d = reopened.deliver_due(&f.rest, None).await;
    assert!(matches!(&d[..], [Delivery::Sent { .. }]), "{d:?}");
    assert_eq!(
        f.server.controls().responses_for(&id)[0].body,
        json!({"response": {"selectedOption": "approve", "comment": "ship-it-zebra-comment"},
               "feedback": "feedback-okapi-text"}),
        "the sealed answer is sent as given"
    );
    f.session.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// On Unix the folder is 0700 and the database and its WAL are 0600.
#[cfg(unix)]
#[tokio::test]
async fn the_database_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("outbox-private");
    let data = dir.join("nested").join("data");
    let path = data.join("outbox.db");
    let server = ServerUrl::parse("https://placet.example").unwrap();
    let outbox = Outbox::open(&path, &server, "u1", OutboxKey::generate()).unwrap();
    assert_eq!(outbox.queued_count().unwrap(), 0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the folder is private");
    assert_eq!(mode(&path), 0o600, "the database is private");
    let wal = data.join("outbox.db-wal");
    assert!(wal.exists(), "WAL mode is on");
    assert_eq!(mode(&wal), 0o600, "the WAL follows the database's mode");
    drop(outbox);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Rows belong to an account: another account on the same server and database sees
/// none of them and sends none of them.
#[tokio::test]
async fn answers_are_never_delivered_as_another_account() {
    let mut f = Fixture::start().await;
    let id = f.review("whose answer").await;
    let dir = temp_dir("outbox-accounts");
    let path = dir.join("outbox.db");
    let key = OutboxKey::generate();
    let mine = Outbox::open(&path, &url(&f.server), &account(&f), key.clone()).unwrap();
    queue(&mine, &f.inbox, &id, "approve");
    let theirs = Outbox::open(&path, &url(&f.server), "someone-else", key).unwrap();
    assert_eq!(theirs.queued_count().unwrap(), 0, "not theirs to see");
    assert!(theirs.decisions(10).unwrap().is_empty());
    assert!(
        theirs.deliver_due(&f.rest, None).await.is_empty(),
        "not theirs to send"
    );
    assert_eq!(
        theirs
            .deliver_now(&f.rest, &id, None, Duration::from_secs(1))
            .await
            .unwrap(),
        None,
        "not even on demand"
    );
    assert!(f.server.controls().responses_for(&id).is_empty());
    assert_eq!(mine.queued_count().unwrap(), 1);
    f.session.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A row that does not open with the key (the key changed) is reported, kept and never
/// sent; with the right key back it goes out.
#[tokio::test]
async fn an_unreadable_answer_is_reported_not_sent_not_dropped() {
    let mut f = Fixture::start().await;
    let id = f.review("key lost").await;
    let dir = temp_dir("outbox-wrong-key");
    let path = dir.join("outbox.db");
    let key = OutboxKey::generate();
    let outbox = Outbox::open(&path, &url(&f.server), &account(&f), key.clone()).unwrap();
    queue(&outbox, &f.inbox, &id, "approve");
    drop(outbox);

    let wrong = Outbox::open(&path, &url(&f.server), &account(&f), OutboxKey::generate()).unwrap();
    let mut events = wrong.subscribe();
    assert!(
        wrong.deliver_due(&f.rest, None).await.is_empty(),
        "nothing sent"
    );
    let reported = within("unreadable report", events.recv()).await.unwrap();
    assert_eq!(
        reported,
        Delivery::Unreadable {
            message_id: id.clone()
        }
    );
    let queued = wrong.queued().unwrap();
    assert!(
        queued.len() == 1 && queued[0].unreadable,
        "kept and marked: {queued:?}"
    );
    assert!(matches!(
        wrong.queued_response(&id),
        Err(StoreError::Unreadable { .. })
    ));
    assert!(
        matches!(
            wrong
                .deliver_now(&f.rest, &id, None, Duration::from_secs(1))
                .await
                .unwrap(),
            Some(Delivery::Unreadable { .. })
        ),
        "not on demand either"
    );
    assert!(
        wrong.decisions(1).unwrap()[0].unreadable,
        "the log says it cannot read it"
    );
    assert!(f.server.controls().responses_for(&id).is_empty());
    drop(wrong);

    let right = Outbox::open(&path, &url(&f.server), &account(&f), key).unwrap();
    let d = right.deliver_due(&f.rest, None).await;
    assert!(
        matches!(&d[..], [Delivery::Sent { .. }]),
        "sent with the right key: {d:?}"
    );
    f.session.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sign-out support: the account's queued answers are counted, then discarded with the
/// outcome `discarded`.
#[tokio::test]
async fn discard_all_for_sign_out() {
    let mut f = Fixture::start().await;
    let a = f.review("first").await;
    let b = f.review("second").await;
    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &a, "approve");
    queue(&outbox, &f.inbox, &b, "reject");
    assert_eq!(outbox.queued_count().unwrap(), 2);
    let discarded = outbox.discard_all().unwrap();
    assert_eq!(discarded, [a.clone(), b.clone()], "oldest first");
    assert_eq!(outbox.queued_count().unwrap(), 0);
    let outcomes: Vec<String> = outbox
        .decisions(10)
        .unwrap()
        .into_iter()
        .map(|d| d.outcome)
        .collect();
    assert_eq!(outcomes, ["discarded", "discarded"]);
    assert!(outbox.deliver_due(&f.rest, None).await.is_empty());
    assert!(f.server.controls().responses().is_empty(), "nothing sent");
    f.session.shutdown().await;
}

/// `message:delivery` for an answer we sent is recorded on its decision ("delivered to
/// the agent"), never downgraded, and ignored for messages we did not answer.
#[tokio::test]
async fn delivery_status_reaches_the_decision_log() {
    let mut f = Fixture::start().await;
    let id = f.review("ack me").await;
    let other = f.review("not ours").await;
    let outbox = memory_outbox(&f);
    queue(&outbox, &f.inbox, &id, "approve");
    let d = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert!(matches!(&d[..], [Delivery::Sent { .. }]), "{d:?}");
    assert_eq!(
        outbox.decisions(1).unwrap()[0].delivery,
        Some(DeliveryStatus::Sent),
        "stored by the server"
    );

    let (status, _) = agent_call(
        &f,
        "POST",
        &format!("api/v1/messages/{id}/ack"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "the agent acknowledged");
    let change = wait_change(
        &mut f.changes,
        "delivery",
        |c| matches!(c, InboxChange::Delivery { message_id, .. } if *message_id == id),
    )
    .await;
    let InboxChange::Delivery { status, .. } = change else {
        unreachable!()
    };
    assert!(outbox.record_delivery(&id, status).unwrap(), "recorded");
    let decision = &outbox.decisions(1).unwrap()[0];
    assert_eq!(decision.delivery, Some(DeliveryStatus::AgentReceived));
    assert!(decision.delivered_to_agent());
    assert!(
        !outbox.record_delivery(&id, DeliveryStatus::Sent).unwrap(),
        "a late lower status does not hide it"
    );
    assert_eq!(
        outbox.decisions(1).unwrap()[0].delivery,
        Some(DeliveryStatus::AgentReceived)
    );
    assert!(
        !outbox
            .record_delivery(&other, DeliveryStatus::WebhookDelivered)
            .unwrap(),
        "a message we did not answer"
    );
    f.session.shutdown().await;
}

/// An outbox database of the previous schema (plain rows keyed by server only) is
/// migrated: queued answers are not sent but logged as discarded, the log is kept and
/// sealed, and no plain answer remains in the file.
#[tokio::test]
async fn a_legacy_database_is_migrated_safely() {
    let dir = temp_dir("outbox-legacy");
    let path = dir.join("outbox.db");
    let server = ServerUrl::parse("https://placet.example").unwrap();
    write_legacy_database(&path, server.display());

    let key = OutboxKey::generate();
    let outbox = Outbox::open(&path, &server, "u1", key.clone()).unwrap();
    assert_eq!(
        outbox.queued_count().unwrap(),
        0,
        "a legacy queued answer is never sent: its account is unknown"
    );
    let decisions = outbox.decisions(10).unwrap();
    assert_eq!(decisions.len(), 2, "the log is kept: {decisions:?}");
    let queued = decisions
        .iter()
        .find(|d| d.message_id == "m-queued")
        .unwrap();
    assert_eq!(queued.outcome, "discarded");
    assert!(queued.legacy && !queued.unreadable);
    assert!(queued.detail.as_deref().unwrap_or("").contains("not sent"));
    assert_eq!(
        queued.source,
        Some(AnswerSource::ReviewWindow),
        "old source names read"
    );
    let sent = decisions.iter().find(|d| d.message_id == "m-sent").unwrap();
    assert_eq!(sent.outcome, "sent");
    assert_eq!(sent.response, json!({"text": "legacy-walrus-text"}));
    assert_eq!(sent.source, None, "`cli` recorded no confirmation");
    assert_eq!(sent.source_label, "cli");
    drop(outbox);
    let bytes = database_bytes(&path);
    for plain in ["legacy-walrus-text", "legacy-narwhal-answer"] {
        assert!(
            !contains(&bytes, plain.as_bytes()),
            "`{plain}` is still in the file in clear"
        );
    }
    let again = Outbox::open(&path, &server, "u1", key).unwrap();
    assert_eq!(again.decisions(10).unwrap().len(), 2, "migrated once");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The previous schema, as the earlier version created it, with one queued answer and
/// one sent.
fn write_legacy_database(path: &Path, server: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, server TEXT NOT NULL, message_id TEXT NOT NULL,
            response TEXT NOT NULL, feedback TEXT, source TEXT NOT NULL, created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
            claimed_by TEXT, claimed_until TEXT, UNIQUE (server, message_id));
         CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, server TEXT NOT NULL, message_id TEXT NOT NULL,
            agent TEXT, review_type TEXT, summary TEXT NOT NULL, response TEXT NOT NULL,
            source TEXT NOT NULL, decided_at TEXT NOT NULL, outcome TEXT NOT NULL,
            outcome_at TEXT, detail TEXT);
         CREATE INDEX decisions_by_message ON decisions (server, message_id);",
    )
    .unwrap();
    let t = "2026-01-01T10:00:00+00:00";
    conn.execute(
        "INSERT INTO outbox (server, message_id, response, source, created_at, next_attempt_at)
         VALUES (?1, 'm-queued', '{\"text\":\"legacy-narwhal-answer\"}', 'window', ?2, ?2)",
        rusqlite::params![server, t],
    )
    .unwrap();
    for (id, response, source, outcome) in [
        ("m-sent", "{\"text\":\"legacy-walrus-text\"}", "cli", "sent"),
        (
            "m-queued",
            "{\"text\":\"legacy-narwhal-answer\"}",
            "window",
            "queued",
        ),
    ] {
        conn.execute(
            "INSERT INTO decisions (server, message_id, agent, review_type, summary, response,
                 source, decided_at, outcome)
             VALUES (?1, ?2, 'Bot', 'text-input', 'text of 5 characters', ?3, ?4, ?5, ?6)",
            rusqlite::params![server, id, response, source, t, outcome],
        )
        .unwrap();
    }
}

fn queue_second(outbox: &Outbox, inbox: &Inbox, id: &str) -> Result<i64, StoreError> {
    let message = inbox.get(id).unwrap();
    let review = message.review.as_ref().unwrap();
    let response = review
        .validate(&Answer::Approval {
            option_id: "reject".into(),
            comment: None,
        })
        .unwrap();
    outbox.enqueue(&NewAnswer {
        message_id: id,
        response: &response,
        feedback: None,
        source: AnswerSource::ReviewWindow,
        agent: "Deploy Bot",
        review: &review.kind,
        summary: "second",
        title: None,
    })
}
