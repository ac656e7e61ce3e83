use placet_client::inbox::AnsweredBy;
use placet_client::outbox::{AnswerSource, Delivery, NewAnswer, Outbox, StoreError};
use placet_client::{Answer, Inbox, InboxChange};

use crate::support::{admin, choose, url, wait_change, Fixture};

fn queue(outbox: &Outbox, inbox: &Inbox, id: &str, option: &str) -> placet_client::ValidResponse {
    let message = inbox.get(id).expect("review in the inbox");
    let review = message.review.as_ref().unwrap();
    let answer = Answer::Approval {
        option_id: option.into(),
        comment: None,
    };
    let response = review.validate(&answer).unwrap();
    outbox
        .enqueue(&NewAnswer {
            message_id: id,
            response: &response,
            feedback: None,
            source: AnswerSource::Cli,
            agent: "Deploy Bot",
            review: &review.kind,
            summary: &answer.summary(),
        })
        .expect("queued");
    inbox.mark_sending(id, &response);
    response
}

/// A reply lost after the server applied the answer: the retry's 403 is resolved by
/// fetching the message, which holds our answer, so it counts as sent (once).
#[tokio::test]
async fn lost_reply_then_retry_is_our_own_answer() {
    let mut f = Fixture::start().await;
    let id = f.review("lossy").await;

    let outbox = Outbox::in_memory(&url(&f.server)).unwrap();
    queue(&outbox, &f.inbox, &id, "approve");
    f.server.controls().drop_next_respond_reply();
    let first = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert!(
        matches!(first.as_slice(), [Delivery::WillRetry { .. }]),
        "{first:?}"
    );
    assert_eq!(
        outbox.queued().unwrap().len(),
        1,
        "unconfirmed answers stay queued"
    );

    outbox.retry_now();
    let second = outbox.deliver_due(&f.rest, Some(&f.inbox)).await;
    assert_eq!(
        second,
        vec![Delivery::Sent {
            message_id: id.clone(),
            lost_reply: true
        }]
    );
    assert!(outbox.queued().unwrap().is_empty());
    let recorded = f.server.controls().responses_for(&id);
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].status.as_u16(), 201);
    assert_eq!(
        recorded[1].status.as_u16(),
        403,
        "the retry changed nothing on the server"
    );
    let decisions = outbox.decisions(10).unwrap();
    assert_eq!(decisions[0].outcome, "sent");
    assert!(decisions[0]
        .detail
        .as_deref()
        .unwrap_or("")
        .contains("lost"));
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
        "{answered:?}"
    );
    f.session.shutdown().await;
}

/// A different answer given elsewhere first is reported as answered elsewhere.
#[tokio::test]
async fn a_different_earlier_answer_is_answered_elsewhere() {
    let mut f = Fixture::start().await;
    let id = f.review("contested").await;
    let outbox = Outbox::in_memory(&url(&f.server)).unwrap();
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

/// While the server is down the answer stays queued; it is delivered once it returns.
#[tokio::test]
async fn queued_while_down_delivered_once_after() {
    let mut f = Fixture::start().await;
    let id = f.review("offline answer").await;
    let outbox = Outbox::in_memory(&url(&f.server)).unwrap();
    queue(&outbox, &f.inbox, &id, "approve");
    assert_eq!(
        outbox.queue_second(&id, &f.inbox).unwrap_err().to_string(),
        StoreError::AlreadyQueued.to_string(),
        "a second answer to the same review is refused while one is queued"
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

/// Answers survive a restart of the process: the database is a file.
#[tokio::test]
async fn queued_answers_survive_reopening() {
    let mut f = Fixture::start().await;
    let id = f.review("crash test").await;
    let path = std::env::temp_dir().join(format!(
        "placet-outbox-{}-{}.db",
        std::process::id(),
        rand_suffix()
    ));
    {
        let outbox = Outbox::open(&path, &url(&f.server)).unwrap();
        queue(&outbox, &f.inbox, &id, "reject");
    }
    let reopened = Outbox::open(&path, &url(&f.server)).unwrap();
    assert_eq!(reopened.queued().unwrap().len(), 1);
    let d = reopened.deliver_due(&f.rest, None).await;
    assert!(matches!(&d[..], [Delivery::Sent { .. }]), "{d:?}");
    assert_eq!(
        f.server.controls().responses_for(&id)[0].body,
        serde_json::json!({"response": {"selectedOption": "reject"}})
    );
    f.session.shutdown().await;
    let _ = std::fs::remove_file(&path);
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

trait QueueSecond {
    fn queue_second(&self, id: &str, inbox: &Inbox) -> Result<i64, StoreError>;
}

impl QueueSecond for Outbox {
    fn queue_second(&self, id: &str, inbox: &Inbox) -> Result<i64, StoreError> {
        let message = inbox.get(id).unwrap();
        let review = message.review.as_ref().unwrap();
        let response = review
            .validate(&Answer::Approval {
                option_id: "reject".into(),
                comment: None,
            })
            .unwrap();
        self.enqueue(&NewAnswer {
            message_id: id,
            response: &response,
            feedback: None,
            source: AnswerSource::Window,
            agent: "Deploy Bot",
            review: &review.kind,
            summary: "second",
        })
    }
}
