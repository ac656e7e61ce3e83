//! The person's messages to agents through the outbox: posted once with a `clientId`,
//! never twice after a lost reply, kept sealed across restarts, refused ones dropped.

use placet_client::outbox::{NewReply, Outbox, OutboxKey, ReplyDelivery, ReplySource};
use placet_client::protocol::SenderType;
use placet_client::Message;

use crate::support::{contains, database_bytes, temp_dir, url, Fixture};

fn account(f: &Fixture) -> String {
    f.server.seed().admin().id.clone()
}

fn reply(outbox: &Outbox, channel: &str, text: &str) -> String {
    outbox
        .enqueue_reply(&NewReply {
            channel_id: channel,
            text,
            attachment_ids: &[],
            source: ReplySource::ReplyWindow,
        })
        .expect("queued")
}

/// The person's messages in Deploy Bot's channel with this `clientId`.
async fn posted(f: &Fixture, client_id: &str) -> Vec<Message> {
    let page = f
        .rest
        .messages(&f.agent, 100, None)
        .await
        .expect("messages");
    page.data
        .into_iter()
        .filter(|m| m.sender_type == SenderType::User && m.client_id.as_deref() == Some(client_id))
        .collect()
}

#[tokio::test]
async fn a_reply_is_posted_once_with_its_client_id() {
    let f = Fixture::start().await;
    let outbox = Outbox::in_memory(&url(&f.server), &account(&f), OutboxKey::generate()).unwrap();
    let mut events = outbox.subscribe_replies();
    let client_id = reply(&outbox, &f.agent, "Use the staging database, not prod.");
    assert_eq!(outbox.queued_replies().unwrap().len(), 1);
    assert_eq!(outbox.queued_count().unwrap(), 1, "counted for sign-out");

    let d = outbox.deliver_due_replies(&f.rest).await;
    let [ReplyDelivery::Sent {
        client_id: sent,
        channel_id,
        message_id,
        found: false,
    }] = &d[..]
    else {
        panic!("posted at once: {d:?}");
    };
    assert_eq!(sent, &client_id);
    assert_eq!(channel_id, &f.agent);
    assert_eq!(events.try_recv().unwrap(), d[0], "published");
    let on_server = posted(&f, &client_id).await;
    assert_eq!(on_server.len(), 1, "one message: {on_server:?}");
    assert_eq!(&on_server[0].id, message_id);
    assert_eq!(
        on_server[0].text.as_deref(),
        Some("Use the staging database, not prod.")
    );
    assert!(
        outbox.queued_replies().unwrap().is_empty(),
        "left the queue"
    );
    assert!(outbox.deliver_due_replies(&f.rest).await.is_empty());
    f.session.shutdown().await;
}

/// The server stores the message and the connection is cut before its reply: the
/// next attempt finds the message by its `clientId` instead of posting it again.
#[tokio::test]
async fn a_reply_whose_answer_was_lost_is_found_not_posted_twice() {
    let f = Fixture::start().await;
    let outbox = Outbox::in_memory(&url(&f.server), &account(&f), OutboxKey::generate()).unwrap();
    let client_id = reply(&outbox, &f.agent, "Go ahead with the migration.");
    f.server.controls().drop_next_message_reply();

    let first = outbox.deliver_due_replies(&f.rest).await;
    assert!(
        matches!(&first[..], [ReplyDelivery::WillRetry { .. }]),
        "a cut connection is not a confirmation: {first:?}"
    );
    assert_eq!(
        posted(&f, &client_id).await.len(),
        1,
        "yet the server has it"
    );
    let queued = outbox.queued_replies().unwrap();
    assert_eq!(queued.len(), 1, "unconfirmed replies stay queued");
    assert_eq!(queued[0].attempts, 1);
    assert!(
        outbox.deliver_due_replies(&f.rest).await.is_empty(),
        "not due yet by its backoff schedule"
    );

    outbox.retry_now();
    let second = outbox.deliver_due_replies(&f.rest).await;
    let [ReplyDelivery::Sent {
        found: true,
        message_id,
        ..
    }] = &second[..]
    else {
        panic!("found by its clientId: {second:?}");
    };
    let on_server = posted(&f, &client_id).await;
    assert_eq!(on_server.len(), 1, "posted once: {on_server:?}");
    assert_eq!(&on_server[0].id, message_id);
    assert!(outbox.queued_replies().unwrap().is_empty());
    f.session.shutdown().await;
}

/// A queued reply survives a restart, its text sealed in the file; the wrong key keeps
/// it unsent.
#[tokio::test]
async fn queued_replies_survive_reopening_and_are_sealed_at_rest() {
    let f = Fixture::start().await;
    let dir = temp_dir("replies-sealed");
    let path = dir.join("outbox.db");
    let key = OutboxKey::generate();
    let secret = "the-vault-password-is-narwhal";
    let client_id = {
        let outbox = Outbox::open(&path, &url(&f.server), &account(&f), key.clone()).unwrap();
        reply(&outbox, &f.agent, &format!("Try {secret}"))
    };
    assert!(
        !contains(&database_bytes(&path), secret.as_bytes()),
        "the reply is in the database file in clear"
    );

    let wrong = Outbox::open(&path, &url(&f.server), &account(&f), OutboxKey::generate()).unwrap();
    let d = wrong.deliver_due_replies(&f.rest).await;
    assert!(d.is_empty(), "nothing sendable: {d:?}");
    let kept = wrong.queued_replies().unwrap();
    assert!(kept[0].unreadable, "kept, marked unreadable: {kept:?}");
    drop(wrong);
    assert!(posted(&f, &client_id).await.is_empty(), "never sent blind");

    let reopened = Outbox::open(&path, &url(&f.server), &account(&f), key).unwrap();
    let d = reopened.deliver_due_replies(&f.rest).await;
    assert!(
        matches!(&d[..], [ReplyDelivery::Sent { found: false, .. }]),
        "{d:?}"
    );
    let on_server = posted(&f, &client_id).await;
    assert_eq!(
        on_server[0].text.as_deref(),
        Some(&*format!("Try {secret}"))
    );
    f.session.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A channel that is not the person's: the server's 403 settles it as failed, with
/// the server's words.
#[tokio::test]
async fn a_refused_reply_fails_for_good() {
    let f = Fixture::start().await;
    let outbox = Outbox::in_memory(&url(&f.server), &account(&f), OutboxKey::generate()).unwrap();
    reply(&outbox, "no-such-agent", "hello?");
    let d = outbox.deliver_due_replies(&f.rest).await;
    let [ReplyDelivery::Failed { reason, .. }] = &d[..] else {
        panic!("refused: {d:?}");
    };
    assert!(reason.contains("Not your agent"), "{reason}");
    assert!(outbox.queued_replies().unwrap().is_empty());
    f.session.shutdown().await;
}

/// A file stored in the channel first goes out with the reply, linked to it; a reply of
/// only a file has no text.
#[tokio::test]
async fn a_reply_carries_the_files_stored_for_it() {
    let f = Fixture::start().await;
    let outbox = Outbox::in_memory(&url(&f.server), &account(&f), OutboxKey::generate()).unwrap();
    let file = f
        .rest
        .store_file(&f.agent, "notes.txt", "text/plain", b"line one\n")
        .await
        .expect("stored");
    let client_id = outbox
        .enqueue_reply(&NewReply {
            channel_id: &f.agent,
            text: "",
            attachment_ids: std::slice::from_ref(&file),
            source: ReplySource::ReplyWindow,
        })
        .unwrap();
    let d = outbox.deliver_due_replies(&f.rest).await;
    assert!(matches!(&d[..], [ReplyDelivery::Sent { .. }]), "{d:?}");
    let on_server = posted(&f, &client_id).await;
    assert_eq!(on_server.len(), 1);
    assert_eq!(on_server[0].text, None, "no text");
    let names: Vec<&str> = on_server[0]
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(names, ["notes.txt"]);
    f.session.shutdown().await;
}

/// A soak of faults: a dozen replies, one queued at a time while earlier ones are
/// retried, every other round's first post losing its answer after the server stored
/// the message, and the process restarted halfway; in the end each reply is on the
/// server exactly once, none lost.
#[tokio::test]
async fn under_lost_answers_and_a_restart_no_reply_is_lost_or_doubled() {
    let f = Fixture::start().await;
    let dir = temp_dir("replies-soak");
    let path = dir.join("outbox.db");
    let key = OutboxKey::generate();
    let open = || Outbox::open(&path, &url(&f.server), &account(&f), key.clone()).unwrap();
    let mut outbox = open();
    let texts: Vec<String> = (1..=12).map(|n| format!("soak message {n}")).collect();
    let mut ids = Vec::new();
    let mut lost = 0;
    for (n, text) in texts.iter().enumerate() {
        ids.push(reply(&outbox, &f.agent, text));
        if n == 6 {
            // The process ends and starts again: only the file remains.
            drop(outbox);
            outbox = open();
        }
        if n % 2 == 0 {
            f.server.controls().drop_next_message_reply();
        }
        outbox.retry_now();
        let round = outbox.deliver_due_replies(&f.rest).await;
        lost += round
            .iter()
            .filter(|d| matches!(d, ReplyDelivery::WillRetry { .. }))
            .count();
    }
    for _ in 0..10 {
        if outbox.queued_replies().unwrap().is_empty() {
            break;
        }
        outbox.retry_now();
        outbox.deliver_due_replies(&f.rest).await;
    }
    assert!(lost >= 5, "the faults happened: {lost} answers lost");
    assert!(
        outbox.queued_replies().unwrap().is_empty(),
        "all delivered: {:?}",
        outbox.queued_replies()
    );
    for (id, text) in ids.iter().zip(&texts) {
        let on_server = posted(&f, id).await;
        assert_eq!(on_server.len(), 1, "{text}: once, not {}", on_server.len());
        assert_eq!(on_server[0].text.as_deref(), Some(text.as_str()));
    }
    let all = f
        .rest
        .messages(&f.agent, 100, None)
        .await
        .unwrap()
        .data
        .iter()
        .filter(|m| m.sender_type == SenderType::User)
        .count();
    assert_eq!(all, texts.len(), "nothing else was posted");
    f.session.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
