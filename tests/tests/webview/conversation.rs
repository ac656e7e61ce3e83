//! The conversation window: an agent's latest messages, updated live, and the person's
//! message written in its composer and sent once.

use placet_e2e::wait_seeing;
use placet_e2e::webdriver::{keys, Session};
use serde_json::{json, Value};

use crate::support::{screenshot, text_of, WebviewWorld, T};

/// The messages shown, top to bottom: `[from, text]`.
async fn shown(s: &Session) -> Vec<(String, String)> {
    let v = s
        .execute(
            "return [...document.querySelectorAll('#messages .chat-item')].map(li => \
               [li.classList.contains('from-agent') ? 'agent' : \
                li.classList.contains('sending') ? 'sending' : 'person', \
                li.querySelector('.chat-text').textContent.trim()])",
            json!([]),
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn wait_shown(s: &Session, what: &str, check: impl Fn(&[(String, String)]) -> bool) {
    wait_seeing(format!("the conversation to show {what}"), T, || async {
        let now = shown(s).await;
        check(&now).then_some(()).ok_or(format!("{now:?}"))
    })
    .await;
}

/// Opened on an agent (`--open conversation:ID`): its name, its messages rendered (its
/// markup sanitised, never run), a new one shown as it arrives, a draft as the agent
/// writes it; the person's message sent with Ctrl+Enter reaches the agent once, with a
/// clientId, and shows as theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_writes_to_an_agent_in_its_conversation() {
    let world = WebviewWorld::signed_in().await;
    let agent = world.deploy_bot();
    world
        .post(json!({"channelId": agent, "text": "Which **database** should I use? <img src=x onerror=alert(1)>"}))
        .await;
    let s = world.open_conversation(&agent).await;
    assert_eq!(text_of(&s, "#agent").await, "Deploy Bot");
    let rendered: Value = s
        .execute(
            "const m = document.querySelector('#messages .from-agent .chat-text'); \
             return [m.querySelector('strong')?.textContent ?? null, m.querySelector('img[onerror]') === null]",
            json!([]),
        )
        .await;
    assert_eq!(rendered, json!(["database", true]), "markdown, sanitised");

    world
        .post(json!({"channelId": agent, "text": "Still there?"}))
        .await;
    wait_shown(&s, "the agent's new message", |m| {
        m.last()
            .is_some_and(|(from, text)| from == "agent" && text == "Still there?")
    })
    .await;

    // A draft shows as the agent writes it, then as its final text.
    world
        .post(json!({"channelId": agent, "text": "Let me che", "streamId": "turn-1", "streamState": "streaming"}))
        .await;
    wait_shown(&s, "the agent's draft", |m| {
        m.last()
            .is_some_and(|(from, text)| from == "agent" && text == "Let me che")
    })
    .await;
    let writing = s
        .execute(
            "return [...document.querySelectorAll('#messages .from-agent .chat-meta')].pop().textContent",
            json!([]),
        )
        .await;
    assert!(
        writing
            .as_str()
            .unwrap_or_default()
            .contains("still writing"),
        "{writing}"
    );
    world
        .update_stream("turn-1", "Let me check the logs.", true)
        .await;
    wait_shown(&s, "the draft's final text", |m| {
        m.last()
            .is_some_and(|(from, text)| from == "agent" && text == "Let me check the logs.")
    })
    .await;

    let text = "Staging, <b>please</b>.";
    s.wait_for("#text", T).await.click().await;
    s.type_keys(text).await;
    s.press_chord(&[keys::CONTROL, keys::ENTER]).await;
    wait_shown(&s, "the person's message, sent", |m| {
        m.last()
            .is_some_and(|(from, t)| from == "person" && t == text)
    })
    .await;
    let sent = world.messages_from_person(&agent, text).await;
    assert_eq!(sent.len(), 1, "once: {sent:?}");
    assert!(sent[0]["clientId"].is_string(), "{sent:?}");
    let composer = s
        .execute("return document.getElementById('text').value", json!([]))
        .await;
    assert_eq!(composer, json!(""), "the composer is cleared");
    screenshot(&s, "conversation").await;
    s.quit().await;
}

/// Files dropped on the window (a drop event with the files, as the desktop's drag and
/// drop hands them to the page) are stored in the agent's channel and go with the next
/// message; a file alone is a message too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_files_go_with_the_next_message() {
    let world = WebviewWorld::signed_in().await;
    let agent = world.deploy_bot();
    let s = world.open_conversation(&agent).await;
    s.execute(
        "const dt = new DataTransfer(); \
         dt.items.add(new File(['first line\\n'], 'notes.txt', {type: 'text/plain'})); \
         dt.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'plan.png', {type: 'image/png'})); \
         document.getElementById('messages').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));",
        json!([]),
    )
    .await;
    let chips = s
        .wait_script(
            "both files to be attached",
            "const c = [...document.querySelectorAll('#files .file-chip[data-id]')].map(li => li.textContent.replace('×', '').trim()); \
             return c.length === 2 ? c : null",
            json!([]),
            T,
        )
        .await;
    let mut names: Vec<String> = serde_json::from_value(chips).unwrap_or_default();
    names.sort();
    assert_eq!(names, ["notes.txt", "plan.png"]);
    s.wait_for("#send", T).await.click().await;
    let sent = wait_seeing("the files at the agent", T, || async {
        let page = world.agent_messages(&agent).await;
        let found: Vec<Value> = page
            .into_iter()
            .filter(|m| {
                m["senderType"] == "user"
                    && m["attachments"].as_array().is_some_and(|a| a.len() == 2)
            })
            .collect();
        (!found.is_empty())
            .then_some(found)
            .ok_or_else(|| "not yet".to_owned())
    })
    .await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let mut files: Vec<&str> = sent[0]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["filename"].as_str())
        .collect();
    files.sort_unstable();
    assert_eq!(files, ["notes.txt", "plan.png"]);
    assert!(sent[0]["text"].is_null(), "{sent:?}");
    let chips = s
        .execute(
            "return document.querySelectorAll('#files .file-chip').length",
            json!([]),
        )
        .await;
    assert_eq!(chips, json!(0), "the composer is cleared");
    s.quit().await;
}
