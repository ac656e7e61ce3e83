//! The windows in the person's language: with the session in German
//! (`LANG=de_DE.UTF-8`), every page is German (its `lang`, its static text and what its
//! scripts write), and what the agent wrote stays as written.

use placet_e2e::DesktopOptions;
use serde_json::{json, Value};

use crate::support::{screenshot, WebviewWorld, T};

fn german() -> DesktopOptions {
    DesktopOptions {
        lang: "de_DE.UTF-8",
        ..Default::default()
    }
}

/// The page's language and its visible text.
async fn page(s: &placet_e2e::webdriver::Session) -> (Value, String) {
    let lang = s
        .execute("return document.documentElement.lang", json!([]))
        .await;
    let text = s.execute("return document.body.innerText", json!([])).await;
    (lang, text.as_str().unwrap_or_default().to_owned())
}

/// A review window, the inbox and the settings in German.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_speak_the_session_s_language() {
    let world = WebviewWorld::signed_in_with(german()).await;
    let id = world
        .post_review(
            "Deploy **v2** to production?",
            json!({
                "type": "approval",
                "payload": { "options": [
                    { "id": "approve", "label": "Approve", "style": "primary" },
                    { "id": "reject", "label": "Reject", "style": "danger" }
                ], "allowComment": true },
                "expiresInSeconds": 3600
            }),
        )
        .await;

    let s = world.open_review(&id).await;
    let (lang, text) = page(&s).await;
    assert_eq!(lang, json!("de"), "the review page says its language");
    for german in [
        "Kommentar",
        "Änderungen anfordern…",
        "Erinnere mich",
        "morgen früh",
    ] {
        assert!(
            text.contains(german),
            "the review window says {german:?}:\n{text}"
        );
    }
    for agents in ["Deploy v2 to production?", "Approve", "Reject"] {
        assert!(
            text.contains(agents),
            "the agent's {agents:?} stays as written:\n{text}"
        );
    }
    for english in ["Comment", "Request changes", "Remind me", "Expires"] {
        assert!(
            !text.contains(english),
            "no English {english:?} left:\n{text}"
        );
    }
    screenshot(&s, "review-de").await;
    s.quit().await;

    let s = world.open("inbox").await;
    s.wait_script(
        "the inbox to list the review",
        "return document.querySelectorAll('[role=option]').length > 0",
        json!([]),
        T,
    )
    .await;
    let (lang, text) = page(&s).await;
    assert_eq!(lang, json!("de"));
    for german in ["Offene Prüfungen", "Offen"] {
        assert!(text.contains(german), "the inbox says {german:?}:\n{text}");
    }
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
    let (lang, text) = page(&s).await;
    assert_eq!(lang, json!("de"));
    for german in ["Konto", "Verbindung", "Abmelden", "Benachrichtigungen"] {
        assert!(
            text.contains(german),
            "the settings say {german:?}:\n{text}"
        );
    }
    for english in ["Account", "Sign out", "Notifications"] {
        assert!(
            !text.contains(english),
            "no English {english:?} left:\n{text}"
        );
    }
    s.quit().await;
}
