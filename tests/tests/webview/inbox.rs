//! The inbox window: pending reviews newest first, grouped by agent, filtered by agent
//! and text, updated live, and answered from the keyboard.

use placet_e2e::wait_seeing;
use placet_e2e::webdriver::{keys, Session};
use serde_json::{json, Value};

use crate::support::{
    artifact_screenshot, is_shown, screenshot, text_of, wait_armed, wait_review_ready,
    LinkRecorder, WebviewWorld, T,
};

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
    wait_seeing(format!("the inbox to show {expected:?}"), T, || async {
        let now = rows(s).await;
        (now == expected).then_some(()).ok_or(format!("{now:?}"))
    })
    .await;
}

/// The id of the selected row.
async fn selected(s: &Session) -> Value {
    s.execute(
        "const r = document.querySelector('[role=option][aria-selected=true]'); return r ? r.dataset.id : null",
        json!([]),
    )
    .await
}

/// Focuses the list and presses keys, as a person would, once the window answers keys
/// (a moment after it came to the front).
async fn press(s: &Session, keys: &str) {
    s.execute("document.getElementById('list').focus()", json!([]))
        .await;
    wait_armed(s).await;
    s.type_keys(keys).await;
}

/// The inbox lists every pending review newest first, grouped by agent, with the time
/// left; filters by agent and text; updates when a review arrives or is answered; and
/// answers from the keyboard: `a` sends the first option that is not dangerous, `r`
/// opens the review to confirm the dangerous one, Enter opens a review.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_lists_filters_and_answers_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let (bot, research, pipeline) = (
        world.deploy_bot(),
        world.agent("Research Assistant"),
        world.agent("Data Pipeline"),
    );
    let ship = world
        .post_review_to(
            &bot,
            "Ship v2 to production?",
            json!({ "type": "approval", "payload": {}, "expiresInSeconds": 3600 }),
        )
        .await;
    let pick = world
        .post_review_to(
            &research,
            "Pick a summary format",
            json!({ "type": "selection", "payload": { "items": [{ "id": "a", "label": "A" }, { "id": "b", "label": "B" }] }, "expiresInSeconds": 7200 }),
        )
        .await;
    let drop = world
        .post_review_to(
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
        .post_review_to(
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

/// The inbox shows each agent's status and what it said, as text, in its group and in
/// the agent filter, and follows changes live. A review only Placet can answer offers
/// "Open in Placet" instead of an answer: the keys that answer send nothing, and the
/// button (or `o`) hands the review's page to the desktop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_shows_agent_status_and_sends_external_reviews_to_placet() {
    let world = WebviewWorld::signed_in().await;
    let links = LinkRecorder::install(&world.desktop);
    let bot = world.deploy_bot();
    world
        .ping_status(&bot, "busy", "Running <b>migrations</b>")
        .await;
    let approval = world
        .post_review(
            "Ship v3?",
            json!({ "type": "approval", "payload": { "options": [
                { "id": "ship", "label": "Ship it", "style": "primary" },
                { "id": "stop", "label": "Stop", "style": "danger" }
            ] }, "expiresInSeconds": 3600 }),
        )
        .await;
    let audit = world
        .post_review(
            "Audit the access log (custom type).",
            json!({ "type": "x-audit", "payload": { "rows": 3 }, "expiresInSeconds": 3600 }),
        )
        .await;

    let s = world.open("inbox").await;
    wait_rows(&s, &[&audit, &approval]).await;
    let group = s
        .wait_script(
            "Deploy Bot's status in its group",
            "const g = document.querySelector(`.group[data-agent='${arguments[0]}'] .group-status`); \
             return g && g.textContent.includes('migrations') ? g.textContent : null",
            json!([bot]),
            T,
        )
        .await;
    let group = group.as_str().unwrap_or_default().to_owned();
    assert!(
        group.starts_with("busy since ") && group.ends_with(": Running <b>migrations</b>"),
        "status word, time and message, as text: {group}"
    );
    assert!(
        s.find(".group-status b").await.is_err(),
        "the agent's message is not markup"
    );
    let option = s
        .execute(
            "return document.querySelector(`#agent-filter option[value='${arguments[0]}']`).textContent",
            json!([bot]),
        )
        .await;
    let option = option.as_str().unwrap_or_default().to_owned();
    assert!(
        option.starts_with("Deploy Bot — busy since ")
            && option.ends_with(": Running <b>migrations</b> (2)"),
        "the filter names the status too: {option}"
    );

    // The external review: "Open in Placet", no answer.
    press(&s, keys::HOME).await;
    assert_eq!(selected(&s).await, json!(audit), "the newest is selected");
    assert_eq!(
        s.execute(
            "return document.querySelector(`[data-id='${arguments[0]}'] .badge`).textContent",
            json!([audit])
        )
        .await,
        json!("Answer in Placet"),
        "the row says where it is answered"
    );
    assert!(
        is_shown(&s, "#action-web").await,
        "Open in Placet is offered"
    );
    assert!(
        !is_shown(&s, "#action-approve").await,
        "no answer action for it"
    );
    assert_eq!(
        text_of(&s, "#actions-note").await,
        "Only Placet can answer this review: open it there.",
        "and says why"
    );
    press(&s, "a").await;
    s.wait_script(
        "the inbox to refuse `a`",
        "return document.getElementById('inbox-message').textContent.startsWith('Only Placet can answer this review')",
        json!([]),
        T,
    )
    .await;
    assert!(
        world.responses(&audit).is_empty(),
        "`a` sent nothing for it"
    );
    s.wait_for("#action-web", T).await.click().await;
    links
        .wait_opened(&format!("{}/inbox/{audit}", world.server.base_url()))
        .await;
    artifact_screenshot(&s, "inbox-external").await;

    // The approval: its safe option is the answer action.
    press(&s, keys::DOWN).await;
    assert_eq!(
        selected(&s).await,
        json!(approval),
        "the approval is selected"
    );
    assert!(
        !is_shown(&s, "#action-web").await,
        "no Open in Placet for a review answered here"
    );
    let approve = s.wait_for("#action-approve", T).await;
    assert_eq!(approve.text().await, "Ship it", "the first safe option");
    wait_armed(&s).await;
    approve.click().await;
    assert_eq!(
        world.wait_response(&approval).await,
        json!({ "response": { "selectedOption": "ship" } }),
        "the action sends that option"
    );
    wait_rows(&s, &[&audit]).await;

    // A new status shows without reopening.
    world.ping_status(&bot, "error", "Disk full").await;
    s.wait_script(
        "the new status",
        "const g = document.querySelector(`.group[data-agent='${arguments[0]}'] .group-status`); \
         return g !== null && g.textContent.startsWith('error since ') && g.textContent.endsWith(': Disk full')",
        json!([bot]),
        T,
    )
    .await;
    assert!(
        world.responses(&audit).is_empty(),
        "nothing was ever sent for the external review"
    );
    s.quit().await;
}
