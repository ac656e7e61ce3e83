//! The person's messages to agents: a program's (`placet-tray reply`) shown in its
//! confirmation window and sent only on the person's Confirm there, once, even when the
//! server's reply is lost; one typed into an agent message's notification; the
//! conversation window's.

use placet_client::protocol::SenderType;
use placet_client::Message;
use placet_tray_core::config::NotifyFor;
use placet_tray_core::door::{Outcome, Reply, Request};
use placet_tray_core::ipc::{dispatch, UiEvent};
use placet_tray_core::notify::{InfoKey, NoticeEvent, NoticeKey, Response, REPLY_BUTTON};
use placet_tray_core::window::WindowKind;
use serde_json::json;
use tokio::sync::oneshot;

use crate::support::{outcome, until, World, QUIET};

impl World {
    async fn propose_reply(&self, agent: &str, text: &str) -> oneshot::Receiver<Reply> {
        self.ask(Request::ProposeReply {
            agent: agent.to_owned(),
            text: text.to_owned(),
        })
        .await
    }

    /// The person's messages to Deploy Bot that say `text`.
    async fn sent_messages(&self, text: &str) -> Vec<Message> {
        let agent = self.server.seed().deploy_bot().id.clone();
        let live = self.core.lives().into_iter().next().expect("signed in");
        let page = live
            .rest
            .messages(&agent, 100, None)
            .await
            .expect("messages");
        page.data
            .into_iter()
            .filter(|m| m.sender_type == SenderType::User && m.text.as_deref() == Some(text))
            .collect()
    }

    async fn confirm(&self, n: u64) {
        dispatch(
            &self.ctx,
            &WindowKind::Confirm { proposal: n },
            "proposal_decide",
            json!({"id": n, "confirm": true}),
        )
        .await
        .expect("the person confirms");
    }
}

/// The agent named by its name; the window shows the message whole and to whom; a
/// notice only opens it; nothing is sent before Confirm, then the message once, with a
/// `clientId`.
#[tokio::test(flavor = "multi_thread")]
async fn a_program_s_message_is_sent_only_on_the_person_s_confirm() {
    let w = World::signed_in().await;
    let text = "Use the staging database.\nNot <b>prod</b>.";
    let reply = w.propose_reply("deploy bot", text).await;
    let n = w.confirmation_window().await;
    let notice = w.shown(&NoticeKey::Info(InfoKey::Confirm(n))).await;
    assert!(notice.actions.is_empty(), "{:?}", notice.actions);
    assert!(notice.body.contains("Deploy Bot"), "{}", notice.body);
    tokio::time::sleep(QUIET).await;
    assert!(
        w.sent_messages(text).await.is_empty(),
        "nothing before Confirm"
    );

    let confirm = WindowKind::Confirm { proposal: n };
    let view = dispatch(&w.ctx, &confirm, "proposal_get", json!({"id": n}))
        .await
        .expect("the window reads its proposal");
    assert_eq!(view["kind"], "reply", "{view}");
    assert_eq!(view["agentName"], "Deploy Bot", "{view}");
    assert_eq!(view["rows"][0]["value"], text, "{view}");
    assert!(
        dispatch(&w.ctx, &confirm, "review_open", json!({"id": "anything"}))
            .await
            .is_err(),
        "a message proposal opens no review"
    );
    w.confirm(n).await;
    let o = outcome(reply).await;
    assert!(
        matches!(&o, Outcome::Sent { summary } if summary.contains("Deploy Bot")),
        "{o:?}"
    );
    let sent = w.sent_messages(text).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].client_id.is_some(), "sent with a clientId");
}

/// The server stores the message but its reply is lost: the outbox finds it by its
/// `clientId` on the retry and the program hears "sent"; the agent has it once.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_reply_does_not_double_the_message() {
    let w = World::signed_in().await;
    let text = "Retry me once";
    let reply = w.propose_reply("Deploy Bot", text).await;
    let n = w.confirmation_window().await;
    w.server.controls().drop_next_message_reply();
    w.confirm(n).await;
    let o = outcome(reply).await;
    assert!(matches!(o, Outcome::Sent { .. }), "{o:?}");
    tokio::time::sleep(QUIET).await;
    assert_eq!(w.sent_messages(text).await.len(), 1, "posted once");
    let live = w.core.lives().into_iter().next().expect("signed in");
    assert!(live.outbox.queued_replies().unwrap().is_empty());
}

/// Cancel sends nothing; an unknown agent and strict mode are refused at once, with no
/// window.
#[tokio::test(flavor = "multi_thread")]
async fn cancel_unknown_agents_and_strict_mode_send_nothing() {
    let w = World::signed_in().await;
    let reply = w.propose_reply("Deploy Bot", "never mind").await;
    let n = w.confirmation_window().await;
    w.windows
        .close_by_person(WindowKind::Confirm { proposal: n });
    assert_eq!(outcome(reply).await, Outcome::Cancelled);

    let o = outcome(w.propose_reply("Nobody", "hello").await).await;
    assert!(
        matches!(&o, Outcome::Invalid { message } if message.contains("Nobody")),
        "{o:?}"
    );

    w.core
        .update_config(|c| c.answer_only_in_windows = true)
        .expect("saved");
    let o = outcome(w.propose_reply("Deploy Bot", "strict").await).await;
    assert!(matches!(o, Outcome::Refused { .. }), "{o:?}");
    assert_eq!(
        w.windows.opened().len(),
        1,
        "only the first proposal's window"
    );
    tokio::time::sleep(QUIET).await;
    for t in ["never mind", "hello", "strict"] {
        assert!(w.sent_messages(t).await.is_empty(), "{t} was sent");
    }
}

impl World {
    /// Notifies every agent message; Deploy Bot then writes `text` (no review).
    async fn agent_says(&self, text: &str) -> String {
        let (status, m) = self
            .server
            .post_agent_message(
                &self.server.seed().admin().api_key,
                json!({"channelId": self.server.seed().deploy_bot().id, "text": text}),
            )
            .await;
        assert_eq!(status.as_u16(), 201, "{m}");
        m["id"].as_str().expect("an id").to_owned()
    }

    fn conversation_changes(&self, agent: &str) -> usize {
        self.windows
            .emitted
            .lock()
            .unwrap()
            .iter()
            .filter(|e| matches!(e, UiEvent::ConversationChanged(c) if c.agent_id == agent))
            .count()
    }
}

/// An agent's message notice takes a reply (a field where the daemon has one, else a
/// button); text typed there is the person's message, sent once; the button and a click
/// open the conversation with that agent.
#[tokio::test(flavor = "multi_thread")]
async fn an_agent_s_message_is_answered_from_its_notification() {
    let w = World::signed_in().await;
    w.core
        .update_config(|c| c.notifications.notify_for = NotifyFor::All)
        .expect("saved");
    let agent = w.server.seed().deploy_bot().id.clone();
    let id = w.agent_says("Which database should I use?").await;
    let key = NoticeKey::Info(InfoKey::Message(id.clone()));
    let notice = w.shown(&key).await;
    let field = notice.reply.expect("a reply field");
    assert!(field.placeholder.contains("Deploy Bot"), "{field:?}");
    assert!(
        field.without_field.is_some(),
        "a button where no field exists"
    );
    until("the conversation told of the message", || {
        (w.conversation_changes(&agent) > 0).then_some(())
    })
    .await;

    w.respond(NoticeEvent {
        key: key.clone(),
        response: Response::Replied("  Staging, please.  ".into()),
    });
    until("the reply at the server", || {
        let sent = w.server.controls().requests();
        sent.iter()
            .any(|r| r.method == "POST" && r.path == "/api/messages")
            .then_some(())
    })
    .await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(w.sent_messages("Staging, please.").await.len(), 1);

    w.respond(NoticeEvent {
        key,
        response: Response::Action(REPLY_BUTTON.into()),
    });
    let conversation = WindowKind::Conversation {
        agent: agent.clone(),
    };
    until("the conversation window", || {
        w.windows
            .opened()
            .iter()
            .any(|(k, _)| *k == conversation)
            .then_some(())
    })
    .await;
}

/// The conversation window reads its own agent's messages, oldest first, and sends the
/// person's message once; another window can do neither.
#[tokio::test(flavor = "multi_thread")]
async fn the_conversation_window_reads_and_writes_to_its_own_agent() {
    let w = World::signed_in().await;
    let agent = w.server.seed().deploy_bot().id.clone();
    w.agent_says("First <script>alert(1)</script>").await;
    w.agent_says("Second, **bold**").await;
    let window = WindowKind::Conversation {
        agent: agent.clone(),
    };
    let view = dispatch(&w.ctx, &window, "conversation_get", json!({"agent": agent}))
        .await
        .expect("its conversation");
    assert_eq!(view["agentName"], "Deploy Bot");
    assert_eq!(view["canSend"], true);
    let messages = view["messages"].as_array().expect("messages");
    let htmls: Vec<&str> = messages.iter().filter_map(|m| m["html"].as_str()).collect();
    let first = htmls
        .iter()
        .position(|h| h.contains("First"))
        .expect("first");
    let second = htmls
        .iter()
        .position(|h| h.contains("<strong>bold</strong>"))
        .expect("second");
    assert!(first < second, "oldest first: {htmls:?}");
    assert!(
        !htmls[first].contains("<script"),
        "sanitised: {}",
        htmls[first]
    );

    let other = WindowKind::Conversation {
        agent: "someone-else".into(),
    };
    for (cmd, args) in [
        ("conversation_get", json!({"agent": agent})),
        ("conversation_send", json!({"agent": agent, "text": "hi"})),
    ] {
        assert!(
            dispatch(&w.ctx, &other, cmd, args.clone()).await.is_err(),
            "{cmd}"
        );
        assert!(
            dispatch(&w.ctx, &WindowKind::Inbox, cmd, args)
                .await
                .is_err(),
            "{cmd}"
        );
    }
    let client_id = dispatch(
        &w.ctx,
        &window,
        "conversation_send",
        json!({"agent": agent, "text": "Thanks, carry on."}),
    )
    .await
    .expect("sent");
    assert!(client_id.as_str().is_some_and(|c| !c.is_empty()));
    until("the message at the server", || {
        w.server
            .controls()
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path == "/api/messages")
            .then_some(())
    })
    .await;
    let view = dispatch(&w.ctx, &window, "conversation_get", json!({"agent": agent}))
        .await
        .expect("its conversation");
    let last = view["messages"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(last["fromAgent"], false, "{last}");
    assert_eq!(last["text"], "Thanks, carry on.", "{last}");
    assert_eq!(w.sent_messages("Thanks, carry on.").await.len(), 1);
    assert!(
        dispatch(
            &w.ctx,
            &window,
            "conversation_send",
            json!({"agent": agent, "text": "  "})
        )
        .await
        .is_err(),
        "an empty message is refused"
    );
}
