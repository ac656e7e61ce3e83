//! A program's proposed answer (`placet-tray respond`, at a pseudo-terminal or not, or a
//! request straight through the door) is shown whole in its confirmation window and
//! sent only on the person's Confirm there: never on a terminal's "y", never on Enter
//! pressed the moment the window appears, never for a dangerous option.

use placet_e2e::webdriver::{keys, Session};
use placet_e2e::{Process, World, QUIET};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::{text_of, wait_armed, WebviewWorld, T};

/// `placet-tray respond ID ARGS…` in the desktop, with `stdin` written to it.
async fn respond(world: &World, id: &str, args: &[&str], stdin: &str) -> Process {
    let mut command = world.app_command();
    command.arg("respond").arg(id).args(args);
    let mut p = world.desktop.spawn(command);
    p.write_stdin(stdin).await;
    p.close_stdin();
    p
}

/// Waits for the confirmation window of a new proposal (one not in `skip`), switches to
/// it and waits until it shows the proposal.
async fn confirmation(s: &Session, skip: &[String]) -> String {
    let handle = s
        .wait_for_window("confirmation", skip, |u| u.contains("confirm.html"), T)
        .await;
    s.wait_script(
        "the proposal to be shown",
        "const s = document.body.dataset.state; return s && s !== 'loading' ? s : null",
        json!([]),
        T,
    )
    .await;
    handle
}

/// The rows of the answer as shown: `[label, value]` pairs.
async fn rows(s: &Session) -> Vec<(String, String)> {
    let v = s
        .execute(
            "return [...document.querySelectorAll('#rows dt')].map(dt => \
               [dt.firstChild.textContent, dt.nextElementSibling.textContent])",
            json!([]),
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn exit_code(p: &mut Process) -> Option<i32> {
    p.wait_exit(T).await.code()
}

/// Through a pseudo-terminal (as `script` gives one to any program) and `y` typed at it,
/// nothing is sent: the confirmation window opens with Confirm disabled and the focus on
/// Cancel, shows the answer and who proposed it, and the person's Confirm (once armed)
/// sends exactly the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_is_no_proof_only_the_window_s_confirm_sends() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("inbox").await;
    let inbox = s.window_handle().await.expect("the inbox");
    let id = world
        .post_review(
            "Deploy v2 to production?",
            json!({"type": "approval", "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"},
                {"id": "reject", "label": "Reject", "style": "danger"}
            ]}}),
        )
        .await;
    let line = format!(
        "{} respond {id} --option approve",
        World::app_binary().display()
    );
    let mut command = world.desktop.command("script");
    command.args(["-qec", &line, "/dev/null"]);
    let mut pty = world.desktop.spawn(command);
    pty.write_stdin("y\n").await;

    let window = confirmation(&s, std::slice::from_ref(&inbox)).await;
    let state = s
        .execute(
            "return [document.getElementById('confirm').disabled, document.activeElement.id]",
            json!([]),
        )
        .await;
    assert_eq!(
        state,
        json!([true, "cancel"]),
        "Confirm disabled, focus on Cancel"
    );
    assert_eq!(
        rows(&s).await,
        [("Option".to_owned(), "Approve".to_owned())],
        "the option as it will be sent"
    );
    let who = text_of(&s, "#proposer").await;
    assert!(
        who.contains("placet-tray (pid") && who.contains("script (pid"),
        "who proposed it, with the program that started it: {who}"
    );
    // An absence: nothing may be sent while the window waits for the person.
    tokio::time::sleep(QUIET).await;
    assert!(
        world.responses(&id).is_empty(),
        "a `y` at a pseudo-terminal sends nothing"
    );

    wait_armed(&s).await;
    s.wait_for("#confirm", T).await.click().await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({"response": {"selectedOption": "approve"}}),
        "the person's Confirm sends exactly the proposal"
    );
    assert_eq!(exit_code(&mut pty).await, Some(0), "{}", pty.report());
    s.wait_window_closed(&window, T).await;
    s.quit().await;
}

/// Enter right after the window appears cancels (the focus is on Cancel); a form is shown
/// field by field with its password as dots (its value read from standard input, never
/// shown), a 2,000-character text whole, JSON as the server receives it, and a dangerous
/// option is shown but refused at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_answer_is_shown_as_it_would_be_sent() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("inbox").await;
    let mut seen = vec![s.window_handle().await.expect("the inbox")];

    let form = world
        .post_review(
            "Database credentials?",
            json!({"type": "form", "payload": {"fields": [
                {"name": "host", "type": "text", "label": "Host"},
                {"name": "pw", "type": "password", "label": "Password"}
            ]}}),
        )
        .await;
    let mut p = respond(
        &world,
        &form,
        &["--field", "host=db-1", "--field", "pw=@-"],
        "hunter2\n",
    )
    .await;
    let window = confirmation(&s, &seen).await;
    seen.push(window);
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        exit_code(&mut p).await,
        Some(7),
        "Enter cancels: {}",
        p.report()
    );
    assert!(world.responses(&form).is_empty(), "nothing sent");

    let mut p = respond(
        &world,
        &form,
        &["--field", "host=db-1", "--field", "pw=@-"],
        "hunter2\n",
    )
    .await;
    let window = confirmation(&s, &seen).await;
    seen.push(window);
    assert_eq!(
        rows(&s).await,
        [
            ("Host".to_owned(), "db-1".to_owned()),
            ("Password".to_owned(), "••••••• (7 characters)".to_owned())
        ]
    );
    let page = s
        .execute("return document.body.textContent", json!([]))
        .await;
    assert!(
        !page.as_str().unwrap_or_default().contains("hunter2"),
        "the password is never on the page"
    );
    s.type_keys(keys::ESCAPE).await;
    assert_eq!(exit_code(&mut p).await, Some(7), "{}", p.report());

    let text = world
        .post_review(
            "Release notes?",
            json!({"type": "text-input", "payload": {}}),
        )
        .await;
    let long: String = "release notes ".repeat(200).chars().take(2000).collect();
    let mut p = respond(&world, &text, &["--text", &long], "").await;
    let window = confirmation(&s, &seen).await;
    seen.push(window);
    let shown = rows(&s).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(
        shown[0].1.chars().count(),
        long.trim().chars().count(),
        "the text is shown whole"
    );
    wait_armed(&s).await;
    s.wait_for("#confirm", T).await.click().await;
    assert_eq!(exit_code(&mut p).await, Some(0), "{}", p.report());
    assert_eq!(
        world.wait_response(&text).await,
        json!({"response": {"text": long.trim()}})
    );

    let free = world
        .post_review("Config?", json!({"type": "freeform", "payload": {}}))
        .await;
    let object = json!({"replicas": 3, "regions": ["eu", "us"], "canary": {"percent": 5}});
    let mut p = respond(&world, &free, &["--json", &object.to_string()], "").await;
    let window = confirmation(&s, &seen).await;
    seen.push(window);
    let json_shown: Value =
        serde_json::from_str(&text_of(&s, "#json").await).expect("the JSON shown parses");
    assert_eq!(json_shown, object, "the JSON exactly as sent");
    wait_armed(&s).await;
    s.wait_for("#confirm", T).await.click().await;
    assert_eq!(exit_code(&mut p).await, Some(0), "{}", p.report());
    assert_eq!(
        world.wait_response(&free).await,
        json!({"response": object})
    );

    let risky = world
        .post_review(
            "Drop the staging database?",
            json!({"type": "approval", "payload": {"options": [
                {"id": "keep", "label": "Keep it", "style": "primary"},
                {"id": "drop", "label": "Drop it", "style": "danger"}
            ]}}),
        )
        .await;
    let mut p = respond(&world, &risky, &["--option", "drop"], "").await;
    assert_eq!(
        exit_code(&mut p).await,
        Some(7),
        "refused at once: {}",
        p.report()
    );
    confirmation(&s, &seen).await;
    assert_eq!(
        rows(&s).await,
        [("Option".to_owned(), "Drop it".to_owned())],
        "what the program asked for, shown"
    );
    let state = s
        .execute(
            "return [document.body.dataset.state, document.getElementById('confirm').hidden, \
                     document.getElementById('open-review').hidden]",
            json!([]),
        )
        .await;
    assert_eq!(
        state,
        json!(["refused", true, false]),
        "no Confirm, only Open the review"
    );
    assert!(
        world.responses(&risky).is_empty(),
        "never sent for a program"
    );
    s.quit().await;
}

/// A proposal straight through the door (what `respond` does, without it) waits for the
/// Confirm in its window too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_through_the_door_waits_for_the_window() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("inbox").await;
    let inbox = s.window_handle().await.expect("the inbox");
    let id = world
        .post_review(
            "Name the release",
            json!({"type": "text-input", "payload": {}}),
        )
        .await;
    let socket = world.desktop.runtime_dir().join("placet-tray/tray.sock");
    let stream = tokio::net::UnixStream::connect(&socket)
        .await
        .expect("the door is open");
    let (read, mut write) = stream.into_split();
    let request =
        json!({"t": "propose", "messageId": id, "answer": {"kind": "text", "text": "Aurora"}});
    write
        .write_all(format!("{request}\n").as_bytes())
        .await
        .expect("the request is written");
    let reply = tokio::spawn(async move {
        let mut line = String::new();
        BufReader::new(read)
            .read_line(&mut line)
            .await
            .map(|_| line)
    });

    confirmation(&s, &[inbox]).await;
    // An absence: nothing may be sent while the window waits for the person.
    tokio::time::sleep(QUIET).await;
    assert!(
        world.responses(&id).is_empty(),
        "nothing sent before Confirm"
    );
    wait_armed(&s).await;
    s.wait_for("#confirm", T).await.click().await;
    let line = tokio::time::timeout(T, reply)
        .await
        .expect("the door replies")
        .expect("the reader ends")
        .expect("a reply line");
    let reply: Value = serde_json::from_str(line.trim()).expect("a JSON reply");
    assert_eq!(reply["t"], "proposed", "{reply}");
    assert_eq!(reply["outcome"], "sent", "{reply}");
    assert_eq!(
        world.wait_response(&id).await,
        json!({"response": {"text": "Aurora"}})
    );
    s.quit().await;
}

/// `placet-tray reply AGENT TEXT`: the confirmation window shows a message, not an
/// answer (to whom, the text whole, no review), nothing is sent before the person's
/// Confirm, then the agent has the message once and the command says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_s_message_is_shown_as_a_message_and_sent_on_confirm() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("inbox").await;
    let inbox = s.window_handle().await.expect("the inbox");
    let text = "Use the staging database.\n<b>Not</b> prod.";
    let mut command = world.app_command();
    command.args(["reply", "Deploy Bot", text]);
    let mut p = world.desktop.spawn(command);

    let window = confirmation(&s, std::slice::from_ref(&inbox)).await;
    let shown = s
        .execute(
            "return [document.body.dataset.kind, document.getElementById('heading').textContent, \
               document.getElementById('review-section').hidden, \
               document.getElementById('reply-to').textContent]",
            json!([]),
        )
        .await;
    assert_eq!(shown[0], "reply", "{shown}");
    assert_eq!(shown[1], "A program proposes a message", "{shown}");
    assert_eq!(shown[2], true, "no review to show: {shown}");
    assert!(
        shown[3].as_str().unwrap_or_default().contains("Deploy Bot"),
        "to whom: {shown}"
    );
    assert_eq!(
        rows(&s).await,
        [("Message".to_owned(), text.to_owned())],
        "the message whole, as text"
    );
    let channel = world.deploy_bot();
    // An absence: nothing may be sent while the window waits for the person.
    tokio::time::sleep(QUIET).await;
    assert!(world.messages_from_person(&channel, text).await.is_empty());

    wait_armed(&s).await;
    s.wait_for("#confirm", T).await.click().await;
    assert_eq!(exit_code(&mut p).await, Some(0), "{}", p.report());
    assert!(
        p.stdout().contains("message to Deploy Bot"),
        "{}",
        p.report()
    );
    let sent = world.messages_from_person(&channel, text).await;
    assert_eq!(sent.len(), 1, "once: {sent:?}");
    assert!(sent[0]["clientId"].is_string(), "{sent:?}");
    s.wait_window_closed(&window, T).await;
    s.quit().await;
}
