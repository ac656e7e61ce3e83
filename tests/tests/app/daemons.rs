//! Notifications that fit the daemon and the account: what is sent follows what the
//! daemon says it can do (`GetCapabilities`), a watch-only account gets no answer
//! buttons, and a reply typed into a notification (where the daemon offers one) is an
//! answer like any other. Also: the windows' line cannot be reached from outside.

use serde_json::json;

use placet_e2e::{World, CEILING as T};

/// A daemon without `actions` gets no buttons (only the click on the notification
/// itself), a body that says how to answer, and plain text when it reads no markup.
#[tokio::test(flavor = "multi_thread")]
async fn a_daemon_without_actions_or_markup_gets_plain_text_and_no_buttons() {
    let mut w = World::start().await;
    w.desktop.notifications().set_capabilities(&["body"]);
    w.running().await;
    w.approval("Ship <b>v2</b> & more?").await;
    let n = w.notification("Ship").await;
    assert_eq!(n.action_keys(), ["default"], "no buttons: {:?}", n.actions);
    assert!(
        n.body.starts_with("Ship <b>v2</b> & more?"),
        "plain text, not escaped: {:?}",
        n.body
    );
    assert!(
        n.body.ends_with("Click to open the review and answer."),
        "says how to answer: {:?}",
        n.body
    );
}

/// Signed in watch-only (an API key), notifications offer no answer buttons: they open
/// the review and say how to sign in to answer.
#[tokio::test(flavor = "multi_thread")]
async fn a_watch_only_account_gets_no_answer_buttons() {
    let mut w = World::start().await;
    let url = w.url();
    let out = w
        .cli(
            &["login", "--server", &url, "--api-key-stdin"],
            Some(&format!("{}\n", w.api_key())),
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    w.launch();
    w.approval("Watch this?").await;
    let n = w.notification("Watch this?").await;
    assert_eq!(
        n.action_keys(),
        ["default", "snooze:15m", "snooze:1h"],
        "only opening (or a reminder): {:?}",
        n.actions
    );
    assert!(
        n.body.contains("sign in with your Placet account"),
        "says how to answer: {:?}",
        n.body
    );
}

/// Where the daemon offers inline replies (KDE Plasma, swaync), a text-input review is
/// answered by typing into its notification: the reply is validated like any answer (a
/// reply that is too short sends nothing, says why and opens the review), then queued
/// and sent as the web UI would.
#[tokio::test(flavor = "multi_thread")]
async fn an_inline_reply_answers_a_text_input_review() {
    let mut w = World::start().await;
    w.desktop
        .notifications()
        .set_capabilities(&["actions", "body", "body-markup", "inline-reply"]);
    w.running().await;
    let review = |text: &str| {
        json!({"channelId": w.deploy_bot(), "text": text,
            "review": {"type": "text-input", "payload": {"minLength": 3, "submitLabel": "Name it"}}})
    };
    let short = w.post(review("Name the release (short)")).await;
    let n = w.notification("Name the release (short)").await;
    assert_eq!(
        n.action_label("inline-reply"),
        Some("Name it"),
        "a reply field: {:?}",
        n.actions
    );
    w.desktop.notifications().reply(n.id, "ok").await;
    w.desktop
        .notifications()
        .wait_for_notify(|n| n.summary == "Your reply was not sent", T)
        .await;
    w.wait_window("Placet review").await;
    assert!(
        w.server.controls().responses_for(&short).is_empty(),
        "nothing sent for an invalid reply"
    );

    let id = w.post(review("Name the release (good)")).await;
    let n = w.notification("Name the release (good)").await;
    w.desktop.notifications().reply(n.id, "  Aurora  ").await;
    let got = w.wait_responses(&id, 1).await;
    assert_eq!(got[0].body, json!({"response": {"text": "Aurora"}}));
}

/// An approval that takes a comment offers a reply field: the comment typed there is
/// kept, the notification comes back to choose an option, and the option goes out with
/// the comment.
#[tokio::test(flavor = "multi_thread")]
async fn an_inline_comment_goes_with_the_option_chosen_next() {
    let mut w = World::start().await;
    w.desktop
        .notifications()
        .set_capabilities(&["actions", "body", "body-markup", "inline-reply"]);
    w.running().await;
    let id = w.approval("Deploy with a comment?").await;
    let n = w.notification("Deploy with a comment?").await;
    assert!(n.action_label("inline-reply").is_some(), "{:?}", n.actions);
    w.desktop.notifications().reply(n.id, "lgtm").await;
    let again = w
        .desktop
        .notifications()
        .wait_for_notify(|n| n.body.contains("Your comment: “lgtm”"), T)
        .await;
    w.desktop
        .notifications()
        .invoke_action(again.id, "option:approve")
        .await;
    let got = w.wait_responses(&id, 1).await;
    assert_eq!(
        got[0].body,
        json!({"response": {"selectedOption": "approve", "comment": "lgtm"}})
    );
}

/// With the tray and a window open, the only socket the app listens on is the command
/// line's door (which can only ask the person); the window host's standard input and
/// output (its line to the tray) are `/dev/null` by then, and so are its WebKit
/// processes': nothing another process could open or inherit reaches the windows' line.
#[tokio::test(flavor = "multi_thread")]
async fn the_windows_line_cannot_be_reached_from_outside() {
    let mut w = World::start().await;
    w.running().await;
    w.approval("Open me?").await;
    let n = w.notification("Open me?").await;
    w.desktop
        .notifications()
        .invoke_action(n.id, "default")
        .await;
    w.wait_window("Placet review").await;

    let tray = w.app.as_ref().expect("app").pid();
    let host = children(tray)
        .into_iter()
        .find(|(_, name)| name == "placet-tray-ui")
        .map(|(pid, _)| pid)
        .expect("the window host runs");
    let app_pids: Vec<u32> = [tray, host]
        .into_iter()
        .chain(children(host).into_iter().map(|(pid, _)| pid))
        .collect();
    let listening = listening_unix_sockets(&app_pids);
    assert!(
        listening
            .iter()
            .all(|p| p.ends_with("placet-tray/tray.sock")),
        "only the command line's door listens: {listening:?}"
    );
    assert_eq!(listening.len(), 1, "the door listens: {listening:?}");

    for (pid, name) in std::iter::once((host, "window host".to_owned())).chain(children(host)) {
        for fd in [0, 1] {
            let target = std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            assert_eq!(target, "/dev/null", "{name} ({pid}) fd {fd}");
        }
    }
}

/// Paths of the listening Unix sockets that any of `pids` holds open.
fn listening_unix_sockets(pids: &[u32]) -> Vec<String> {
    // Inode → path of every listening socket (flags 00010000 is __SO_ACCEPTCON).
    let listening: std::collections::HashMap<String, String> =
        std::fs::read_to_string("/proc/net/unix")
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f.len() >= 7 && f[3] == "00010000")
                    .then(|| (f[6].to_owned(), f.get(7).unwrap_or(&"").to_string()))
            })
            .collect();
    let mut out = Vec::new();
    for pid in pids {
        for fd in std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let link = link.display().to_string();
            let Some(inode) = link
                .strip_prefix("socket:[")
                .and_then(|s| s.strip_suffix(']'))
            else {
                continue;
            };
            if let Some(path) = listening.get(inode) {
                out.push(path.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The direct children of `pid`, with their names.
pub(crate) fn children(pid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(child) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        let ppid = stat[close + 2..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push((child, name));
        }
    }
    out
}

/// Another user of the computer cannot reach the tray's door for the command line (its
/// folder is private), and a connection that does reach it is checked for the user.
#[tokio::test(flavor = "multi_thread")]
async fn another_user_cannot_reach_the_tray() {
    let mut w = World::start().await;
    w.running().await;
    let door = w.desktop.runtime_dir().join("placet-tray/tray.sock");
    placet_e2e::wait_for("the tray's door", T, || {
        let up = door.exists();
        async move { up.then_some(()) }
    })
    .await;
    let script = "import socket, sys\n\
        s = socket.socket(socket.AF_UNIX)\n\
        try:\n    s.connect(sys.argv[1]); print('connected')\n\
        except OSError as e:\n    print('refused', e.errno)\n";
    let out = tokio::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "/usr/bin/python3",
            "-c",
            script,
        ])
        .arg(&door)
        .output()
        .await
        .expect("setpriv runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with("refused 13"),
        "another user is refused (EACCES): {said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts the tray notifying every agent message, on a daemon with `capabilities`.
async fn notifying_messages(capabilities: &[&str]) -> World {
    let mut w = World::start().await;
    w.desktop.notifications().set_capabilities(capabilities);
    w.login().await;
    w.edit_config(|c| c["notifications"] = json!({"notifyFor": "all"}));
    w.launch();
    w.wait_subscribed().await;
    w
}

/// Where the daemon offers inline replies, an agent's message is answered by typing into
/// its notification: the agent gets the person's message once, trimmed.
#[tokio::test(flavor = "multi_thread")]
async fn an_inline_reply_to_an_agent_s_message_reaches_it_once() {
    let w = notifying_messages(&["actions", "body", "body-markup", "inline-reply"]).await;
    let agent = w.deploy_bot();
    w.post(json!({"channelId": agent, "text": "Which database should I use?"}))
        .await;
    let n = w.notification("Which database should I use?").await;
    assert_eq!(
        n.action_label("inline-reply"),
        Some("Send"),
        "{:?}",
        n.actions
    );
    assert_eq!(
        n.action_label("reply-in-window"),
        None,
        "the field, not the button"
    );
    w.desktop
        .notifications()
        .reply(n.id, "  Staging, please.  ")
        .await;
    let sent = placet_e2e::wait_seeing("the person's message at the agent", T, || async {
        let sent = w.messages_from_person(&agent, "Staging, please.").await;
        (!sent.is_empty())
            .then_some(sent)
            .ok_or_else(|| "none yet".to_owned())
    })
    .await;
    assert!(sent[0]["clientId"].is_string(), "{sent:?}");
    // An absence: a second copy would come within this.
    tokio::time::sleep(placet_e2e::QUIET).await;
    assert_eq!(
        w.messages_from_person(&agent, "Staging, please.")
            .await
            .len(),
        1,
        "once"
    );
}

/// Where the daemon has buttons but no reply field, an agent's message offers Reply…,
/// which opens the conversation with that agent.
#[tokio::test(flavor = "multi_thread")]
async fn reply_opens_the_conversation_where_the_daemon_has_no_reply_field() {
    let w = notifying_messages(&["actions", "body"]).await;
    w.post(json!({"channelId": w.deploy_bot(), "text": "Done with the migration."}))
        .await;
    let n = w.notification("Done with the migration.").await;
    assert_eq!(
        n.action_label("reply-in-window"),
        Some("Reply…"),
        "{:?}",
        n.actions
    );
    assert_eq!(n.action_label("inline-reply"), None);
    w.desktop
        .notifications()
        .invoke_action(n.id, "reply-in-window")
        .await;
    w.wait_window("Conversation").await;
}
