//! The windows in the person's language: with the session in German
//! (`LANG=de_DE.UTF-8`), every page is German (its `lang`, its static text and what its
//! scripts write), and what the agent wrote stays as written.

use placet_e2e::webdriver::Session;
use placet_e2e::DesktopOptions;
use serde_json::json;

use crate::support::{screenshot, WebviewWorld, T};

fn german() -> DesktopOptions {
    DesktopOptions {
        lang: "de_DE.UTF-8",
        ..Default::default()
    }
}

/// Asserts the page says it is German, shows every one of `shown` and none of `absent`
/// (English left behind).
async fn assert_german(s: &Session, page: &str, shown: &[&str], absent: &[&str]) {
    let lang = s
        .execute("return document.documentElement.lang", json!([]))
        .await;
    assert_eq!(lang, json!("de"), "the {page} says its language");
    let text = s.execute("return document.body.innerText", json!([])).await;
    let text = text.as_str().unwrap_or_default();
    for words in shown {
        assert!(text.contains(words), "the {page} shows {words:?}:\n{text}");
    }
    for english in absent {
        assert!(
            !text.contains(english),
            "no English {english:?} left in the {page}:\n{text}"
        );
    }
}

/// A review window, the inbox, the settings and a conversation in German.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_speak_the_session_s_language() {
    let world = WebviewWorld::signed_in_with(german()).await;
    let id = world.approval("Deploy **v2** to production?").await;

    let s = world.open_review(&id).await;
    assert_german(
        &s,
        "review window",
        // German, and what the agent wrote as written.
        &[
            "Kommentar",
            "Änderungen anfordern…",
            "Erinnere mich",
            "morgen früh",
            "Deploy v2 to production?",
            "Approve",
            "Reject",
        ],
        &["Comment", "Request changes", "Remind me", "Expires"],
    )
    .await;
    screenshot(&s, "review-de").await;
    s.quit().await;

    let s = world.open_inbox_listing().await;
    assert_german(&s, "inbox", &["Offene Prüfungen", "Offen"], &[]).await;
    screenshot(&s, "inbox-de").await;
    s.quit().await;

    let s = world.open("settings").await;
    // The account's part is drawn once the page has asked the tray for it.
    s.wait_script(
        "the settings to show the account",
        "return document.body.innerText.includes('Abmelden')",
        json!([]),
        T,
    )
    .await;
    assert_german(
        &s,
        "settings",
        &["Konto", "Verbindung", "Abmelden", "Benachrichtigungen"],
        &["Account", "Sign out", "Notifications"],
    )
    .await;
    s.quit().await;

    let agent = world.deploy_bot();
    world
        .post(json!({"channelId": agent, "text": "Which database should I use?"}))
        .await;
    let s = world.open_conversation(&agent).await;
    assert_german(
        &s,
        "conversation",
        &[
            "Deploy Bot",
            "Dateien anhängen…",
            "Senden",
            "Strg+Eingabe sendet",
            "Which database should I use?",
        ],
        // ("Send" would match "Senden".)
        &["Attach files", "Ctrl+Enter", "Your message"],
    )
    .await;
    let placeholder = s
        .execute(
            "return document.getElementById('text').placeholder",
            json!([]),
        )
        .await;
    assert_eq!(placeholder, json!("An den Agenten schreiben…"));
    s.quit().await;
}
