//! The inbox window: pending reviews newest first, grouped by agent, filtered by agent
//! and text, updated live, and answered from the keyboard.

use placet_e2e::webdriver::{keys, Session};
use serde_json::{json, Value};

use placet_e2e::POLL_INTERVAL;

use crate::support::{screenshot, wait_review_ready, World, T};

/// The message ids of the rows shown, top to bottom.
async fn rows(s: &Session) -> Vec<String> {
    let v = s
        .execute(
            "return [...document.querySelectorAll('[role=option]')].map(r => r.dataset.id)",
            json!([]),
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// Waits until the rows are exactly `expected`.
async fn wait_rows(s: &Session, expected: &[&str]) {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let now = rows(s).await;
        if now == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the inbox shows {now:?}, not {expected:?}, after {T:?}"
        );
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// The id of the selected row.
async fn selected(s: &Session) -> Value {
    s.execute(
        "const r = document.querySelector('[role=option][aria-selected=true]'); return r ? r.dataset.id : null",
        json!([]),
    )
    .await
}

/// Focuses the list and presses keys, as a person would.
async fn press(s: &Session, keys: &str) {
    s.execute("document.getElementById('list').focus()", json!([]))
        .await;
    s.type_keys(keys).await;
}

/// The inbox lists every pending review newest first, grouped by agent, with the time
/// left; filters by agent and text; updates when a review arrives or is answered; and
/// answers from the keyboard: `a` sends the first option that is not dangerous, `r`
/// opens the review to confirm the dangerous one, Enter opens a review.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_lists_filters_and_answers_with_the_keyboard() {
    let world = World::signed_in().await;
    let (bot, research, pipeline) = (
        world.deploy_bot(),
        world.agent("Research Assistant"),
        world.agent("Data Pipeline"),
    );
    let ship = world
        .post_to(
            &bot,
            "Ship v2 to production?",
            json!({ "type": "approval", "payload": {}, "expiresInSeconds": 3600 }),
        )
        .await;
    let pick = world
        .post_to(
            &research,
            "Pick a summary format",
            json!({ "type": "selection", "payload": { "items": [{ "id": "a", "label": "A" }, { "id": "b", "label": "B" }] }, "expiresInSeconds": 7200 }),
        )
        .await;
    let drop = world
        .post_to(
            &pipeline,
            "Drop the staging table?",
            json!({ "type": "approval", "payload": { "options": [
                { "id": "keep", "label": "Keep it", "style": "primary" },
                { "id": "drop", "label": "Drop it", "style": "danger" }
            ] }, "expiresInSeconds": 1800 }),
        )
        .await;

    let s = world.open("inbox").await;
    wait_rows(&s, &[&drop, &pick, &ship]).await;
    let inbox = s.window_handle().await.expect("the inbox window");
    let groups = s
        .execute(
            "return [...document.querySelectorAll('.group-name')].map(g => g.textContent)",
            json!([]),
        )
        .await;
    assert_eq!(
        groups,
        json!(["Data Pipeline", "Research Assistant", "Deploy Bot"]),
        "grouped by agent, newest first"
    );
    let titles = s
        .execute(
            "return [...document.querySelectorAll('.row-title')].map(g => g.textContent)",
            json!([]),
        )
        .await;
    assert_eq!(
        titles,
        json!([
            "Drop the staging table?",
            "Pick a summary format",
            "Ship v2 to production?"
        ]),
        "first lines"
    );
    let left = s
        .execute(
            "return [...document.querySelectorAll('.row-left')].map(g => g.textContent)",
            json!([]),
        )
        .await;
    assert_eq!(
        left,
        json!(["30 min left", "2 h left", "1 h left"]),
        "time left before expiry"
    );
    let status = s.wait_script("the status line", "const t = document.getElementById('status-text').textContent; return t.startsWith('Connected') ? t : null", json!([]), T).await;
    assert!(
        status
            .as_str()
            .unwrap_or_default()
            .contains("admin@placet.local"),
        "{status}"
    );
    screenshot(&s, "inbox").await;

    s.wait_for(&format!("#agent-filter option[value='{research}']"), T)
        .await
        .click()
        .await;
    wait_rows(&s, &[&pick]).await;
    s.wait_for("#agent-filter option[value='']", T)
        .await
        .click()
        .await;
    wait_rows(&s, &[&drop, &pick, &ship]).await;
    let search = s.wait_for("#search", T).await;
    search.send_keys("STAGING").await;
    wait_rows(&s, &[&drop]).await;
    search.send_keys(&keys::BACKSPACE.repeat(7)).await;
    wait_rows(&s, &[&drop, &pick, &ship]).await;

    let late = world
        .post_to(
            &bot,
            "Rotate the API keys?",
            json!({ "type": "approval", "payload": {}, "expiresInSeconds": 3600 }),
        )
        .await;
    wait_rows(&s, &[&late, &ship, &drop, &pick]).await;

    // `a` on "Ship v2": its first option is "approve".
    press(&s, &format!("{}{}", keys::HOME, keys::DOWN)).await;
    assert_eq!(selected(&s).await, json!(ship), "↓ moves the selection");
    press(&s, "a").await;
    assert_eq!(
        world.wait_response(&ship).await,
        json!({ "response": { "selectedOption": "approve" } }),
        "`a` approves"
    );
    wait_rows(&s, &[&late, &drop, &pick]).await;

    // `r` on "Drop the staging table?" opens it to confirm; nothing is sent.
    press(&s, &format!("{}{}", keys::HOME, keys::DOWN)).await;
    assert_eq!(selected(&s).await, json!(drop), "the selection");
    press(&s, "r").await;
    s.wait_for_window(
        "review",
        std::slice::from_ref(&inbox),
        |u| u.contains(&drop),
        T,
    )
    .await;
    assert_eq!(
        wait_review_ready(&s).await,
        "pending",
        "the review window opened"
    );
    assert!(world.responses(&drop).is_empty(), "`r` sends nothing");

    // `a` never sends a danger option: here it sends "keep".
    s.switch_to(&inbox).await.expect("back to the inbox");
    press(&s, "a").await;
    assert_eq!(
        world.wait_response(&drop).await,
        json!({ "response": { "selectedOption": "keep" } }),
        "`a` sends the first option that is not dangerous"
    );
    wait_rows(&s, &[&late, &pick]).await;

    // Enter opens the selected review.
    press(&s, keys::END).await;
    assert_eq!(selected(&s).await, json!(pick), "End selects the last row");
    press(&s, keys::ENTER).await;
    s.wait_for_window(
        "review",
        std::slice::from_ref(&inbox),
        |u| u.contains(&pick),
        T,
    )
    .await;
    assert_eq!(
        wait_review_ready(&s).await,
        "pending",
        "Enter opened the review"
    );
    assert_eq!(
        rows_after_switch(&s, &inbox).await.len(),
        2,
        "the inbox still lists two"
    );
    s.quit().await;
}

/// Switches to `handle` and returns its rows.
async fn rows_after_switch(s: &Session, handle: &str) -> Vec<String> {
    s.switch_to(handle).await.expect("switching windows");
    rows(s).await
}
