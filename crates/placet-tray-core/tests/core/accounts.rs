//! Several accounts: two dev servers at once, each account's reviews notified and
//! answered on its own server, one signed out while the other keeps working, and the
//! single-account settings of older versions taken over with nothing lost.

use placet_devserver::{DevServer, DevServerConfig};
use placet_tray_core::app::{CoreError, QueuedOnSignOut};
use placet_tray_core::ipc::dispatch;
use placet_tray_core::notify::{NoticeEvent, NoticeKey, Response};
use placet_tray_core::tray::{tray_view, MenuEntry, MenuId};
use placet_tray_core::window::WindowKind;
use serde_json::{json, Value};

use crate::support::{post_to, until, World, QUIET};

fn approval() -> Value {
    json!({"type": "approval", "payload": {"options": [
        {"id": "approve", "label": "Approve", "style": "primary"},
        {"id": "reject", "label": "Reject", "style": "danger"}
    ]}})
}

/// How the tray names a dev server's account: its host and port.
fn label(server: &DevServer) -> String {
    let url = url::Url::parse(&server.web_url()).expect("a URL");
    format!(
        "{}:{}",
        url.host_str().expect("a host"),
        url.port().expect("a port")
    )
}

async fn second_server() -> DevServer {
    DevServer::start(DevServerConfig {
        expiry_tick: std::time::Duration::from_millis(100),
        ..DevServerConfig::default()
    })
    .await
    .expect("the second dev server starts")
}

/// Reviews from both servers are notified, each naming its account; a button answers
/// on the review's own server; the tray counts both and has a section for each;
/// signing out of one withdraws its notices and forgets it, and the other goes on.
#[tokio::test(flavor = "multi_thread")]
async fn two_servers_notify_answer_and_sign_out_apart() {
    let w = World::signed_in().await;
    let b = second_server().await;
    w.add_account(&b).await;
    let (label_a, label_b) = (label(&w.server), label(&b));
    assert_ne!(label_a, label_b);

    let on_a = w.approval("Deploy A?").await;
    let on_b = post_to(&b, "Deploy B?", approval()).await;
    let notice_a = w.shown(&NoticeKey::Review(on_a.clone())).await;
    let notice_b = w.shown(&NoticeKey::Review(on_b.clone())).await;
    assert!(
        notice_a.title.starts_with(&format!("{label_a} · ")),
        "{}",
        notice_a.title
    );
    assert!(
        notice_b.title.starts_with(&format!("{label_b} · ")),
        "{}",
        notice_b.title
    );

    // One icon, the total, a section per account.
    let view = tray_view(&w.core);
    assert_eq!(view.count, 2);
    let sections: Vec<String> = view
        .menu
        .iter()
        .filter_map(|e| match e {
            MenuEntry::Item {
                id: MenuId::AccountStatus(l),
                ..
            } => Some(l.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sections, [label_a.clone(), label_b.clone()]);

    for id in [&on_a, &on_b] {
        w.respond(NoticeEvent {
            key: NoticeKey::Review(id.clone()),
            response: Response::Action("option:approve".into()),
        });
    }
    let sent = w.responses(&on_a, 1).await;
    assert_eq!(
        sent[0].body,
        json!({"response": {"selectedOption": "approve"}})
    );
    let controls_b = b.controls();
    until("the answer on the second server", || {
        (controls_b.responses_for(&on_b).len() == 1).then_some(())
    })
    .await;
    assert!(w.server.controls().responses_for(&on_b).is_empty());
    assert!(controls_b.responses_for(&on_a).is_empty());

    // The person writes to each server's Deploy Bot from its conversation window: each
    // message goes to its own server, once.
    for (server, text) in [(&w.server, "To A's bot"), (&b, "To B's bot")] {
        let agent = server.seed().deploy_bot().id.clone();
        dispatch(
            &w.ctx,
            &WindowKind::Conversation {
                agent: agent.clone(),
            },
            "conversation_send",
            json!({"agent": agent, "text": text}),
        )
        .await
        .expect("sent");
    }
    let posted = |server: &DevServer| {
        server
            .controls()
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/api/messages")
            .count()
    };
    until("a message at each server", || {
        (posted(&w.server) == 1 && posted(&b) == 1).then_some(())
    })
    .await;
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        (posted(&w.server), posted(&b)),
        (1, 1),
        "one message each, on its own server"
    );

    // A command that names no account is refused while there are two, listing them.
    match w.core.account_named(None) {
        Err(CoreError::WhichAccount(known)) => {
            assert!(
                known.contains(&label_a) && known.contains(&label_b),
                "{known}"
            )
        }
        other => panic!("expected a question of which account: {other:?}"),
    }

    // Signing out of A leaves B alone.
    let waiting_a = w.approval("Still on A").await;
    let waiting_b = post_to(&b, "Still on B", approval()).await;
    w.shown(&NoticeKey::Review(waiting_a.clone())).await;
    w.shown(&NoticeKey::Review(waiting_b.clone())).await;
    let account_a = w.core.account_named(Some(&label_a)).expect("account A");
    w.core
        .sign_out(&account_a, QueuedOnSignOut::Ask)
        .await
        .expect("signed out of A");
    w.withdrawn(&NoticeKey::Review(waiting_a)).await;
    tokio::time::sleep(QUIET).await;
    assert!(
        w.notifier.is_open(&NoticeKey::Review(waiting_b.clone())),
        "B's notice stays"
    );
    let accounts = w.core.config().accounts;
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        w.core.account_named(None).expect("the only one"),
        accounts[0]
    );
    assert_eq!(label(&b), accounts[0].host());
    let on_b_again = post_to(&b, "After A left", approval()).await;
    // Shown, or folded into the summary when it came in a burst with the others.
    let key = NoticeKey::Review(on_b_again);
    until("B's new review to be notified", || {
        (w.notifier.is_open(&key) || w.notifier.is_open(&NoticeKey::Summary)).then_some(())
    })
    .await;
    if let Some(notice) = w.notifier.last_shown(&key) {
        assert!(
            !notice.title.contains(" · "),
            "one account: no name: {}",
            notice.title
        );
    }
    assert_eq!(tray_view(&w.core).count, 2);
}

/// A settings file from before there could be several accounts, with an answer still
/// queued in its outbox: the account is taken over as it is, and the answer is
/// delivered exactly once when its server is back.
#[tokio::test(flavor = "multi_thread")]
async fn a_single_account_file_with_a_queued_answer_is_taken_over() {
    let w = World::signed_in().await;
    let id = w.approval("Queued before the update").await;
    w.shown(&NoticeKey::Review(id.clone())).await;
    w.answer_while_away(&id).await;
    let (server, dir, secrets) = w.quit().await;

    // The file as the single-account versions wrote it.
    let file = dir.join("config").join("config.json");
    let new: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("the settings")).unwrap();
    let account = &new["accounts"][0];
    let mut old = new.clone();
    let map = old.as_object_mut().expect("an object");
    map.remove("accounts");
    map.insert("server".into(), account["server"].clone());
    map.insert("account".into(), account["account"].clone());
    map.insert("accountMode".into(), json!("user"));
    map.insert("allowInsecureHttp".into(), json!(false));
    std::fs::write(&file, serde_json::to_string_pretty(&old).unwrap()).unwrap();

    let w = World::on(server, dir, secrets).await;
    let accounts = w.core.config().accounts;
    assert_eq!(accounts.len(), 1, "taken over");
    assert_eq!(accounts[0].server.display(), account["server"]);
    assert_eq!(
        w.core
            .queued_answers(&accounts[0])
            .await
            .expect("the outbox"),
        1,
        "the queued answer is there"
    );
    w.queued_answer_delivered_once(&id).await;
    // Written back in the new shape.
    let text = std::fs::read_to_string(w.dir.join("config").join("config.json")).unwrap();
    let now: Value = serde_json::from_str(&text).unwrap();
    assert!(now.get("server").is_none(), "{text}");
    assert_eq!(now["accounts"][0]["account"], account["account"]);
}
