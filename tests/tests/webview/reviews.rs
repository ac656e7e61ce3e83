//! Answering each review type through its window: the dev server must record exactly
//! the body the official web UI sends. Also validation errors, expiry, answers given
//! elsewhere, iterations and attachments.

use placet_devserver::DemoReview;
use placet_e2e::webdriver::{keys, Session};
use placet_e2e::QUIET;
use serde_json::{json, Value};

use crate::support::{
    artifact_screenshot, banner, controls_disabled, screenshot, text_of, wait_banner,
    wait_review_ready, WebviewWorld, T,
};

/// What to click in a notification.
enum Click<'a> {
    /// The notification itself (its default action).
    Body,
    /// The button with this label.
    Button(&'a str),
}

/// Plays a click on the notification of the review `id` (found by a fragment of its
/// text) and switches to the review window it opens.
async fn open_from_notification(
    world: &WebviewWorld,
    session: &Session,
    text: &str,
    id: &str,
    click: Click<'_>,
) {
    let note = world.notification(text).await;
    let key = match click {
        Click::Body => "default".to_owned(),
        Click::Button(label) => note
            .actions
            .iter()
            .find(|(_, l)| l.trim_end_matches('…') == label)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", note.actions)),
    };
    world
        .desktop
        .notifications()
        .invoke_action(note.id, &key)
        .await;
    session
        .wait_for_window("review", &[], |url| url.contains(id), T)
        .await;
    wait_review_ready(session).await;
}

/// Whether the element matching `css` is enabled.
async fn enabled(session: &Session, css: &str) -> bool {
    session.wait_for(css, T).await.is_enabled().await
}

/// Waits until the script condition holds.
async fn until(session: &Session, what: &str, script: &str, args: Value) -> Value {
    session.wait_script(what, script, args, T).await
}

fn approval(options: Value, allow_comment: bool) -> Value {
    json!({
        "type": "approval",
        "payload": { "options": options, "allowComment": allow_comment },
        "expiresInSeconds": 3600
    })
}

/// An approval click sends `{selectedOption, comment}` (comment trimmed) and the window
/// closes after "Sent".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_sends_the_option_and_the_trimmed_comment() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review(
            "## Deploy `api-gateway` v2.14.0?\n\nStaging is **green**; see [the dashboard](https://grafana.example.com/d/1).",
            approval(
                json!([
                    { "id": "approve", "label": "Deploy now", "style": "primary" },
                    { "id": "later", "label": "Deploy tonight", "style": "secondary" },
                    { "id": "reject", "label": "Cancel release", "style": "danger" }
                ]),
                true,
            ),
        )
        .await;
    let s = world.open_review(&id).await;

    assert_eq!(
        text_of(&s, "#agent").await,
        "Deploy Bot",
        "the agent is named"
    );
    let expiry = text_of(&s, "#expiry").await;
    assert!(
        expiry.starts_with("Expires in 5") || expiry.starts_with("Expires in 1 h"),
        "a countdown: {expiry}"
    );
    assert!(
        text_of(&s, "#received").await.starts_with("Received "),
        "the received time"
    );
    let strong = text_of(&s, "#message strong").await;
    assert_eq!(strong, "green", "the message markdown is rendered");
    let href = s
        .find("#message a")
        .await
        .expect("the link")
        .attribute("href")
        .await;
    assert_eq!(
        href.as_deref(),
        Some("https://grafana.example.com/d/1"),
        "links keep their target"
    );
    let labels = s
        .execute(
            "return [...document.querySelectorAll('.opt-label')].map(e => e.textContent)",
            json!([]),
        )
        .await;
    assert_eq!(
        labels,
        json!(["Deploy now", "Deploy tonight", "Cancel release"]),
        "one button per option"
    );
    let danger = s
        .find("[data-option='reject']")
        .await
        .expect("the danger button")
        .attribute("class")
        .await
        .unwrap_or_default();
    assert!(
        danger.contains("btn-danger"),
        "danger is styled destructive: {danger}"
    );
    screenshot(&s, "approval").await;

    let handle = s.window_handle().await.expect("the review window");
    s.wait_for("textarea", T)
        .await
        .send_keys("  Ship it after lunch  ")
        .await;
    s.wait_for("[data-option='approve']", T).await.click().await;

    let body = world.wait_response(&id).await;
    assert_eq!(
        body,
        json!({ "response": { "selectedOption": "approve", "comment": "Ship it after lunch" } }),
        "the web UI's approval body"
    );
    s.wait_window_closed(&handle, T).await;
    assert_eq!(world.responses(&id).len(), 1, "sent exactly once");
    s.quit().await;
}

/// A danger option sends nothing on its first click. Chosen in a notification (which a
/// program can press too), the window opens with it pointed out but neither armed nor
/// focused: a key pressed then sends nothing, and the person's two clicks send it.
/// Without `allowComment` no comment is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_danger_option_needs_a_confirming_click() {
    let world = WebviewWorld::signed_in().await;
    let options = json!([
        { "id": "approve", "label": "Keep it", "style": "primary" },
        { "id": "wipe", "label": "Wipe staging", "style": "danger" }
    ]);
    let first = world
        .post_review(
            "Wipe the staging database (first)?",
            approval(options.clone(), false),
        )
        .await;
    let s = world.open_review(&first).await;

    s.wait_for("[data-option='wipe']", T).await.click().await;
    until(
        &s,
        "the danger option to be armed",
        "return document.querySelector(\"[data-option='wipe']\").classList.contains('armed')",
        json!([]),
    )
    .await;
    let hint = text_of(&s, "#confirm-hint").await;
    assert!(
        hint.contains("again"),
        "asks for a confirming click: {hint}"
    );
    assert_eq!(
        text_of(&s, "[data-option='wipe']").await,
        "Confirm: Wipe staging",
        "the armed button says what a second click does"
    );
    // Escape disarms; then a safe option is sent. Had the first danger click sent
    // anything, the server would have recorded "wipe" first.
    s.wait_for("[data-option='wipe']", T)
        .await
        .send_keys(keys::ESCAPE)
        .await;
    until(
        &s,
        "the danger option to be disarmed",
        "return !document.querySelector(\"[data-option='wipe']\").classList.contains('armed')",
        json!([]),
    )
    .await;
    s.wait_for("[data-option='approve']", T).await.click().await;
    let body = world.wait_response(&first).await;
    assert_eq!(
        body,
        json!({ "response": { "selectedOption": "approve" } }),
        "only the safe option was sent"
    );

    let second = world
        .post_review(
            "Wipe the staging database (second)?",
            approval(options, false),
        )
        .await;
    open_from_notification(
        &world,
        &s,
        "(second)",
        &second,
        Click::Button("Wipe staging"),
    )
    .await;
    let url = s.url().await.expect("the url");
    assert!(
        url.contains("option=wipe"),
        "the window was asked to preselect: {url}"
    );
    until(&s, "the option chosen in the notification to be pointed out", "const b = document.querySelector(\"[data-option='wipe']\"); return b && b.classList.contains('suggested')", json!([])).await;
    let (armed, focused) = {
        let v = s
            .execute(
                "const b = document.querySelector(\"[data-option='wipe']\"); \
                 return [b.classList.contains('armed'), document.activeElement === b]",
                json!([]),
            )
            .await;
        (v[0].clone(), v[1].clone())
    };
    assert_eq!(armed, json!(false), "not armed by a notification");
    assert_eq!(focused, json!(false), "no focus on a dangerous button");
    s.type_keys(keys::ENTER).await;
    s.type_keys(" ").await;
    // An absence: an answer would leave with the key that sent it.
    tokio::time::sleep(QUIET).await;
    assert!(
        world.responses(&second).is_empty(),
        "choosing a danger option in a notification, then keys, send nothing"
    );
    s.wait_for("[data-option='wipe']", T).await.click().await;
    s.wait_for("[data-option='wipe']", T).await.click().await;
    let body = world.wait_response(&second).await;
    assert_eq!(
        body,
        json!({ "response": { "selectedOption": "wipe" } }),
        "the person's two clicks send it"
    );
    s.quit().await;
}

fn selection(mode: &str, dismiss: Option<&str>) -> Value {
    let mut payload = json!({
        "mode": mode,
        "items": [
            { "id": "orders", "label": "orders", "description": "1.2M rows missing" },
            { "id": "customers", "label": "customers", "description": "3,410 rows missing" },
            { "id": "events", "label": "events" },
            { "id": "invoices", "label": "invoices", "description": "12k rows missing" }
        ],
        "submitLabel": "Backfill selected"
    });
    if let Some(d) = dismiss {
        payload["dismissLabel"] = json!(d);
    }
    json!({ "type": "selection", "payload": payload, "expiresInSeconds": 3600 })
}

/// Multi selection sends ids in the order chosen; single selection replaces; dismiss
/// sends `{_dismissed: true}`; submit waits for a choice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selection_sends_ids_in_the_order_chosen() {
    let world = WebviewWorld::signed_in().await;
    let multi = world
        .post_review(
            "Backfill which tables (multi)?",
            selection("multi", Some("Skip tonight")),
        )
        .await;
    let s = world.open_review(&multi).await;

    assert!(!enabled(&s, "#submit").await, "submit waits for a choice");
    assert_eq!(
        text_of(&s, "#submit").await,
        "Backfill selected",
        "the submit label"
    );
    assert_eq!(
        text_of(&s, "#dismiss").await,
        "Skip tonight",
        "the dismiss label"
    );
    let kinds = s
        .execute(
            "return [...document.querySelectorAll('.choice-input')].map(i => i.type)",
            json!([]),
        )
        .await;
    assert_eq!(
        kinds,
        json!(["checkbox", "checkbox", "checkbox", "checkbox"]),
        "multi has checkbox semantics"
    );
    for item in ["events", "orders", "invoices", "orders"] {
        s.wait_for(&format!("[data-item='{item}']"), T)
            .await
            .click()
            .await;
    }
    assert!(
        enabled(&s, "#submit").await,
        "submit is enabled once something is chosen"
    );
    screenshot(&s, "selection").await;
    s.wait_for("#submit", T).await.click().await;
    assert_eq!(
        world.wait_response(&multi).await,
        json!({ "response": { "selectedIds": ["events", "invoices"] } }),
        "ids in click order, unticked ones dropped"
    );

    let single = world
        .post_review("Pick one format (single)?", selection("single", None))
        .await;
    open_from_notification(&world, &s, "(single)", &single, Click::Body).await;
    assert!(
        s.find("#dismiss").await.is_err(),
        "no dismiss without dismissLabel"
    );
    for item in ["customers", "orders"] {
        s.wait_for(&format!("[data-item='{item}']"), T)
            .await
            .click()
            .await;
    }
    let checked = s
        .execute("return [...document.querySelectorAll('.choice-input:checked')].map(i => i.dataset.item)", json!([]))
        .await;
    assert_eq!(checked, json!(["orders"]), "single has radio semantics");
    s.wait_for("#submit", T).await.click().await;
    assert_eq!(
        world.wait_response(&single).await,
        json!({ "response": { "selectedIds": ["orders"] } }),
        "the last choice replaces the first"
    );

    let dismissed = world
        .post_review(
            "Backfill tonight (dismissable)?",
            selection("multi", Some("Skip tonight")),
        )
        .await;
    open_from_notification(&world, &s, "(dismissable)", &dismissed, Click::Body).await;
    s.wait_for("#dismiss", T).await.click().await;
    assert_eq!(
        world.wait_response(&dismissed).await,
        json!({ "response": { "_dismissed": true } }),
        "dismiss sends the web UI's marker"
    );
    s.quit().await;
}

/// The demo form with all twelve field types: defaults as given, edited values in the
/// web UI's shapes (strings, select value, boolean, number, dates), required fields gate
/// the submit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_with_every_field_type_sends_the_web_ui_values() {
    let world = WebviewWorld::signed_in().await;
    let (status, message) = world.server.post_demo_review(DemoReview::Form).await;
    assert_eq!(status.as_u16(), 201, "{message}");
    let id = message["id"].as_str().expect("an id").to_owned();
    let s = world.open_review(&id).await;

    let types = s
        .execute(
            "return [...document.querySelectorAll('.field[data-type]')].map(f => [f.dataset.name, f.dataset.type, \
             (f.querySelector('input,select,textarea') || {}).type])",
            json!([]),
        )
        .await;
    assert_eq!(
        types,
        json!([
            ["releaseName", "text", "text"],
            ["replicas", "number", "number"],
            ["notify", "email", "email"],
            ["dashboard", "url", "url"],
            ["notes", "textarea", "textarea"],
            ["region", "select", "select-one"],
            ["autoRollback", "checkbox", "checkbox"],
            ["date", "date", "date"],
            ["startTime", "time", "time"],
            ["freezeUntil", "datetime", "datetime-local"],
            ["traffic", "range", "range"],
            ["deployToken", "password", "password"]
        ]),
        "every field type has its control"
    );
    let field = |name: &str| format!("[data-name='{name}'] .input, [data-name='{name}'] .checkbox");
    let value = |name: &'static str| {
        let s = s.clone();
        async move {
            s.execute(
                "const e = document.querySelector(`[data-name='${arguments[0]}'] .input, [data-name='${arguments[0]}'] .checkbox`); \
                 return e.type === 'checkbox' ? e.checked : e.value",
                json!([name]),
            )
            .await
        }
    };
    assert_eq!(
        value("releaseName").await,
        json!("api-gateway-2.14.0"),
        "text default prefilled"
    );
    assert_eq!(
        value("replicas").await,
        json!("2"),
        "number default prefilled"
    );
    assert_eq!(value("region").await, json!("eu-west-1"), "select default");
    assert_eq!(value("autoRollback").await, json!(true), "checkbox default");
    assert_eq!(value("startTime").await, json!("22:00"), "time default");
    assert_eq!(value("traffic").await, json!("10"), "range default");
    assert_eq!(
        text_of(&s, "[data-name='traffic'] output").await,
        "10 %",
        "the range shows its value and unit"
    );
    assert_eq!(
        text_of(&s, "[data-name='replicas'] .unit").await,
        "pods",
        "units are shown"
    );
    assert_eq!(
        text_of(&s, "[data-name='autoRollback'] .check-text").await,
        "Roll back when the error rate exceeds 1%",
        "a checkbox's description is its inline label"
    );
    let placeholder = s
        .wait_for(&field("notify"), T)
        .await
        .attribute("placeholder")
        .await;
    assert_eq!(
        placeholder.as_deref(),
        Some("oncall@example.com"),
        "placeholders are shown"
    );
    let marks = s
        .execute("return [...document.querySelectorAll('.field')].filter(f => f.querySelector('.req')).map(f => f.dataset.name)", json!([]))
        .await;
    assert_eq!(
        marks,
        json!(["releaseName", "replicas", "region", "date", "deployToken"]),
        "required marks"
    );
    assert!(
        !enabled(&s, "#submit").await,
        "submit waits for the required date and token"
    );
    let hint = text_of(&s, "#action-hint").await;
    assert!(
        hint.contains("Rollout date") && hint.contains("Deploy token"),
        "says what is missing: {hint}"
    );
    screenshot(&s, "form").await;

    s.wait_for(&field("notify"), T)
        .await
        .send_keys("oncall@example.com")
        .await;
    s.wait_for(&field("notes"), T)
        .await
        .send_keys("Watch the p95")
        .await;
    s.wait_for("[data-name='region'] option[value='us-east-1']", T)
        .await
        .click()
        .await;
    s.wait_for(&field("autoRollback"), T).await.click().await;
    s.wait_for(&field("date"), T)
        .await
        .send_keys("06/03/2025")
        .await;
    s.wait_for(&field("freezeUntil"), T)
        .await
        .send_keys("06/04/2025, 09:30")
        .await;
    s.wait_for(&field("traffic"), T)
        .await
        .send_keys(&keys::RIGHT.repeat(2))
        .await;
    assert!(!enabled(&s, "#submit").await, "still waiting for the token");
    s.wait_for(&field("deployToken"), T)
        .await
        .send_keys("tok-123")
        .await;
    assert_eq!(
        text_of(&s, "[data-name='traffic'] output").await,
        "20 %",
        "the range moved by its step"
    );
    assert!(
        enabled(&s, "#submit").await,
        "every required field is filled"
    );
    s.wait_for("#submit", T).await.click().await;

    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": {
            "releaseName": "api-gateway-2.14.0",
            "replicas": 2,
            "notify": "oncall@example.com",
            "dashboard": "https://grafana.example.com/d/canary",
            "notes": "Watch the p95",
            "region": "us-east-1",
            "autoRollback": false,
            "date": "2025-06-03",
            "startTime": "22:00",
            "freezeUntil": "2025-06-04T09:30",
            "traffic": 20,
            "deployToken": "tok-123"
        }}),
        "the web UI's form body: untouched defaults as given (a number stays a number)"
    );
    s.quit().await;
}

/// Untouched fields without a default are omitted; a field typed into and cleared
/// sends ""; defaults keep their JSON type; a range without a default sends its minimum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_omits_untouched_fields_and_keeps_defaults_as_given() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review(
            "Tune the importer.",
            json!({
                "type": "form",
                "payload": { "fields": [
                    { "name": "title", "type": "text", "label": "Title" },
                    { "name": "cleared", "type": "text", "label": "Cleared" },
                    { "name": "count", "type": "number", "label": "Count", "defaultValue": 5 },
                    { "name": "ratio", "type": "number", "label": "Ratio", "defaultValue": "0.5" },
                    { "name": "level", "type": "range", "label": "Level", "min": 3, "max": 9 },
                    { "name": "plain", "type": "range", "label": "Plain" },
                    { "name": "agree", "type": "checkbox", "label": "Agree" },
                    { "name": "flag", "type": "checkbox", "label": "Flag", "defaultValue": false },
                    { "name": "pick", "type": "select", "label": "Pick", "options": ["a", "b"] },
                    { "name": "when", "type": "time", "label": "When", "defaultValue": "08:15" },
                    { "name": "typed", "type": "number", "label": "Typed" },
                    { "name": "colour", "type": "colour", "label": "Colour (unknown type)" }
                ]},
                "expiresInSeconds": 3600
            }),
        )
        .await;
    let s = world.open_review(&id).await;
    let input = |name: &str| format!("[data-name='{name}'] .input");
    let cleared = s.wait_for(&input("cleared"), T).await;
    cleared.send_keys("x").await;
    cleared.send_keys(keys::BACKSPACE).await;
    s.wait_for(&input("typed"), T).await.send_keys("7").await;
    s.wait_for(&input("colour"), T).await.send_keys("red").await;
    s.wait_for("#submit", T).await.click().await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": {
            "cleared": "",
            "count": 5,
            "ratio": "0.5",
            "level": 3,
            "plain": 0,
            "flag": false,
            "when": "08:15",
            "typed": "7",
            "colour": "red"
        }}),
        "omitted: title, agree, pick (untouched, no default)"
    );
    s.quit().await;
}

/// Required fields, numbers out of range and malformed email/URL show errors next to
/// the field; nothing is sent (not even by Enter) until they are fixed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_errors_are_shown_and_nothing_is_sent() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review(
            "Who is on call?",
            json!({
                "type": "form",
                "payload": { "fields": [
                    { "name": "name", "type": "text", "label": "Name", "required": true },
                    { "name": "age", "type": "number", "label": "Age", "required": true, "min": 18, "max": 99 },
                    { "name": "mail", "type": "email", "label": "Mail" },
                    { "name": "site", "type": "url", "label": "Site" }
                ], "submitLabel": "Save" },
                "expiresInSeconds": 3600
            }),
        )
        .await;
    let s = world.open_review(&id).await;
    let input = |name: &str| format!("[data-name='{name}'] .input");
    let error = |name: &str| format!("[data-name='{name}'] .field-error");

    assert!(
        !enabled(&s, "#submit").await,
        "nothing filled: submit is disabled"
    );
    assert_eq!(
        text_of(&s, "#action-hint").await,
        "Required: Name, Age.",
        "the missing fields are named"
    );

    let name = s.wait_for(&input("name"), T).await;
    name.send_keys("a").await;
    name.send_keys(keys::BACKSPACE).await;
    assert_eq!(
        text_of(&s, &error("name")).await,
        "Required.",
        "a cleared required field says so"
    );
    s.wait_for(&input("age"), T).await.send_keys("12").await;
    assert_eq!(
        text_of(&s, &error("age")).await,
        "Must be at least 18.",
        "below the minimum"
    );
    s.wait_for(&input("mail"), T)
        .await
        .send_keys("not-an-email")
        .await;
    assert!(
        text_of(&s, &error("mail"))
            .await
            .starts_with("Enter an email address"),
        "a bad email"
    );
    s.wait_for(&input("site"), T)
        .await
        .send_keys("example.com")
        .await;
    assert!(
        text_of(&s, &error("site"))
            .await
            .starts_with("Enter a full URL"),
        "a bad URL"
    );
    let invalid = s
        .execute(
            "return [...document.querySelectorAll('[aria-invalid=true]')].length",
            json!([]),
        )
        .await;
    assert_eq!(
        invalid,
        json!(4),
        "every bad field is marked invalid for assistive technology"
    );
    name.send_keys(&format!("Ada{}", keys::ENTER)).await;
    assert!(
        !enabled(&s, "#submit").await,
        "still invalid: submit stays disabled"
    );
    let age = s.wait_for(&input("age"), T).await;
    age.send_keys(&format!("{}{}", keys::BACKSPACE, keys::BACKSPACE))
        .await;
    age.send_keys("123").await;
    assert_eq!(
        text_of(&s, &error("age")).await,
        "Must be at most 99.",
        "above the maximum"
    );
    age.send_keys(&keys::BACKSPACE.repeat(3)).await;
    age.send_keys("36").await;
    let mail = s.wait_for(&input("mail"), T).await;
    mail.clear().await;
    mail.send_keys("ada@example.com").await;
    let site = s.wait_for(&input("site"), T).await;
    site.clear().await;
    site.send_keys("https://example.com/on-call").await;
    assert!(enabled(&s, "#submit").await, "all fixed: submit is enabled");
    assert_eq!(banner(&s).await, "", "no error banner");
    s.wait_for("#submit", T).await.click().await;

    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "name": "Ada", "age": "36", "mail": "ada@example.com", "site": "https://example.com/on-call" } }),
        "only the valid answer reached the server"
    );
    assert_eq!(
        world.responses(&id).len(),
        1,
        "nothing was sent while the form was invalid"
    );
    s.quit().await;
}

/// Text input: prefill and placeholder, a live counter, length errors with submit
/// disabled, and the trimmed text sent once valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_input_enforces_its_length_limits_and_sends_trimmed_text() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review(
            "Rewrite the abstract in **one** paragraph.",
            json!({
                "type": "text-input",
                "payload": {
                    "placeholder": "One paragraph", "prefill": "Hello", "markdown": true,
                    "minLength": 10, "maxLength": 40, "submitLabel": "Send abstract", "dismissLabel": "Skip"
                },
                "expiresInSeconds": 900
            }),
        )
        .await;
    let s = world.open_review(&id).await;
    let area = s.wait_for("textarea", T).await;
    assert_eq!(area.property("value").await, json!("Hello"), "prefilled");
    assert_eq!(
        area.attribute("placeholder").await.as_deref(),
        Some("One paragraph"),
        "placeholder"
    );
    assert_eq!(text_of(&s, ".counter").await, "5 / 40", "the counter");
    assert!(
        text_of(&s, ".field-error")
            .await
            .contains("At least 10 characters"),
        "too short"
    );
    assert!(!enabled(&s, "#submit").await, "too short: submit disabled");

    area.send_keys(", world. This abstract is now long enough")
        .await;
    until(
        &s,
        "the counter to pass the maximum",
        "return document.querySelector('.counter').classList.contains('over')",
        json!([]),
    )
    .await;
    assert!(
        text_of(&s, ".field-error").await.contains("too many"),
        "too long"
    );
    assert!(!enabled(&s, "#submit").await, "too long: submit disabled");

    area.clear().await;
    area.send_keys("   ").await;
    assert!(!enabled(&s, "#submit").await, "blank: submit disabled");
    area.send_keys("A tidy answer of fine length   ").await;
    assert_eq!(
        text_of(&s, ".counter").await,
        "28 / 40",
        "counted on the trimmed text"
    );
    assert!(enabled(&s, "#submit").await, "within limits");
    screenshot(&s, "text-input").await;
    s.wait_for("#submit", T).await.click().await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "text": "A tidy answer of fine length" } }),
        "the trimmed text"
    );
    assert_eq!(
        world.responses(&id).len(),
        1,
        "nothing was sent while out of limits"
    );
    s.quit().await;
}

/// Freeform: the schema is shown as text; the editor refuses invalid JSON and
/// non-objects; the object is sent as is. A review type the app does not know is not
/// answered as JSON: it must be answered in Placet, and nothing can be sent from here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freeform_sends_a_json_object() {
    let world = WebviewWorld::signed_in().await;
    let (status, message) = world.server.post_demo_review(DemoReview::Freeform).await;
    assert_eq!(status.as_u16(), 201, "{message}");
    let id = message["id"].as_str().expect("an id").to_owned();
    let s = world.open_review(&id).await;

    let schema = text_of(&s, "#schema").await;
    assert!(
        schema.contains("\"nullRate\"") && schema.contains("\"mutedTables\""),
        "the schema hint: {schema}"
    );
    let area = s.wait_for("textarea", T).await;
    assert_eq!(
        area.property("value").await,
        json!("{}"),
        "starts with an empty object"
    );
    area.clear().await;
    area.send_keys("{\"nullRate\": ").await;
    assert!(
        text_of(&s, ".field-error")
            .await
            .starts_with("Invalid JSON"),
        "a parse error is shown"
    );
    assert!(
        !enabled(&s, "#submit").await,
        "invalid JSON: submit disabled"
    );
    area.clear().await;
    area.send_keys("[1, 2]").await;
    assert!(
        text_of(&s, ".field-error")
            .await
            .contains("must be a JSON object"),
        "an array is refused"
    );
    area.clear().await;
    area.send_keys("{\"nullRate\": 0.02, \"mutedTables\": [\"events\"], \"note\": null}")
        .await;
    assert!(enabled(&s, "#submit").await, "an object: submit enabled");
    screenshot(&s, "freeform").await;
    s.wait_for("#submit", T).await.click().await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "nullRate": 0.02, "mutedTables": ["events"], "note": null } }),
        "the object as typed"
    );

    let custom = world
        .post_review(
            "Audit these (custom type).",
            json!({ "type": "x-audit", "payload": { "rows": 3 }, "expiresInSeconds": 600 }),
        )
        .await;
    open_from_notification(&world, &s, "(custom type)", &custom, Click::Body).await;
    let reason = text_of(&s, "#external-reason").await;
    assert!(
        reason.contains("`x-audit`"),
        "the unknown type is named in the reason: {reason}"
    );
    assert_eq!(
        text_of(&s, ".external-title").await,
        "This review can only be answered in Placet.",
        "it says where to answer it"
    );
    assert!(
        s.find("textarea").await.is_err() && s.find("fieldset.controls").await.is_err(),
        "an unknown type has no answer controls"
    );
    assert!(
        world.responses(&custom).is_empty(),
        "nothing was sent for the unknown type"
    );
    s.quit().await;
}

/// A freeform review's `schema` is shown pretty-printed, as text, right above the JSON
/// editor; the payload's other keys are not mistaken for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freeform_schema_hint_is_shown_above_the_editor() {
    let world = WebviewWorld::signed_in().await;
    let schema = json!({
        "type": "object",
        "required": ["budget"],
        "properties": {
            "budget": { "type": "number", "description": "<b>EUR</b>, per month" },
            "regions": { "type": "array", "items": { "enum": ["eu", "us"] } }
        }
    });
    let id = world
        .post_review(
            "Set the monthly budget (schema).",
            json!({ "type": "freeform", "payload": { "schema": schema, "note": "not the schema" }, "expiresInSeconds": 3600 }),
        )
        .await;
    let s = world.open_review(&id).await;

    let shown = text_of(&s, "#schema").await;
    assert_eq!(
        serde_json::from_str::<Value>(&shown).expect("the hint is JSON text"),
        schema,
        "the hint is the payload's schema, nothing else"
    );
    assert_eq!(
        shown,
        serde_json::to_string_pretty(&schema).expect("pretty JSON"),
        "pretty-printed with two-space indents"
    );
    assert!(
        s.find("#schema b").await.is_err(),
        "markup in the schema stays text"
    );
    let order = s
        .execute(
            "const hint = document.getElementById('schema'); const area = document.querySelector('textarea'); \
             return [hint.closest('fieldset.controls') === area.closest('fieldset.controls'), \
                     !!(hint.compareDocumentPosition(area) & Node.DOCUMENT_POSITION_FOLLOWING), \
                     hint.parentElement.querySelector('.field-label').textContent]",
            json!([]),
        )
        .await;
    assert_eq!(
        order,
        json!([true, true, "Schema (a hint from the agent)"]),
        "the labelled hint sits with the editor, above it"
    );
    artifact_screenshot(&s, "freeform-schema").await;

    let area = s.wait_for("textarea", T).await;
    area.clear().await;
    area.send_keys("{\"budget\": 1200}").await;
    s.wait_for("#submit", T).await.click().await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "budget": 1200 } }),
        "the answer is the object typed, whatever the hint says"
    );
    s.quit().await;
}

/// When a review expires while its window is open, the window says so and disables its
/// controls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_review_disables_its_controls() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review(
            "Quick: restart the worker?",
            json!({ "type": "approval", "payload": {}, "expiresInSeconds": 12 }),
        )
        .await;
    let s = world.open_review(&id).await;
    assert!(!controls_disabled(&s).await, "pending: the controls work");
    let expiry = text_of(&s, "#expiry").await;
    assert!(
        expiry.starts_with("Expires in 0:"),
        "a seconds countdown: {expiry}"
    );

    let text = wait_banner(&s, "Expired").await;
    assert!(
        text.contains("can no longer be answered"),
        "explains: {text}"
    );
    assert!(
        controls_disabled(&s).await,
        "expired: the controls are disabled"
    );
    assert_eq!(
        text_of(&s, "#expiry").await,
        "Expired",
        "the countdown says so"
    );
    let approve = s.wait_for("[data-option='approve']", T).await;
    assert!(!approve.is_enabled().await, "the buttons are disabled");
    assert!(world.responses(&id).is_empty(), "nothing was sent");
    s.quit().await;
}

/// A review answered in another client (here: the REST API) updates the open window at
/// once: it says so and disables its controls; the window of another review hears
/// nothing of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_answered_elsewhere_updates_the_open_window() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review(
            "Merge the release branch?",
            approval(
                json!([{ "id": "merge", "label": "Merge" }, { "id": "hold", "label": "Hold" }]),
                true,
            ),
        )
        .await;
    let other = world
        .post_review(
            "Tag the release too?",
            approval(json!([{ "id": "tag", "label": "Tag" }]), false),
        )
        .await;
    let s = world.open_review(&id).await;
    let first_window = s.window_handle().await.expect("the first review's window");
    open_from_notification(&world, &s, "Tag the release", &other, Click::Body).await;
    let other_window = s.window_handle().await.expect("the other review's window");
    s.switch_to(&first_window).await.expect("back to the first");
    s.wait_for("textarea", T)
        .await
        .send_keys("half-typed comment")
        .await;

    world
        .answer_elsewhere(&id, json!({ "selectedOption": "hold" }), None)
        .await;

    let text = wait_banner(&s, "Answered elsewhere").await;
    assert!(
        text.contains("\"hold\""),
        "the answer given elsewhere is shown: {text}"
    );
    assert!(controls_disabled(&s).await, "the controls are disabled");
    assert_eq!(world.responses(&id).len(), 1, "only the REST answer");
    s.switch_to(&other_window).await.expect("the other window");
    assert_eq!(
        s.execute(
            "return document.body.dataset.foreignEvents ?? null",
            json!([])
        )
        .await,
        json!(null),
        "another review's window never hears of this one"
    );
    s.quit().await;
}

/// A second round shows the previous feedback and answer (as text), and attachments
/// download into the Downloads folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iteration_shows_the_previous_round_and_attachments_download() {
    let world = WebviewWorld::signed_in().await;
    let first = world
        .post_review(
            "Draft 1 of the announcement.",
            approval(
                json!([{ "id": "ok", "label": "OK" }, { "id": "redo", "label": "Redo" }]),
                false,
            ),
        )
        .await;
    world
        .answer_elsewhere(
            &first,
            json!({ "selectedOption": "redo" }),
            Some("Shorter, and <b>no</b> jargon."),
        )
        .await;

    let id = world
        .post(json!({
            "channelId": world.deploy_bot(),
            "text": "Draft 2 of the announcement.",
            "iterationOf": first,
            "textAttachments": [{ "content": "# Draft 2\n\nShort and plain.", "filename": "draft-2.md" }],
            "review": { "type": "approval", "payload": { "options": [{ "id": "ok", "label": "OK" }, { "id": "redo", "label": "Redo" }] }, "expiresInSeconds": 3600 }
        }))
        .await;
    let s = world.open_review(&id).await;

    assert_eq!(
        text_of(&s, "#previous-feedback").await,
        "Shorter, and <b>no</b> jargon.",
        "feedback as text"
    );
    let previous: Value =
        serde_json::from_str(&text_of(&s, "#previous-response").await).expect("JSON");
    assert_eq!(
        previous,
        json!({ "selectedOption": "redo" }),
        "the previous answer"
    );
    assert!(
        text_of(&s, "#previous-title")
            .await
            .starts_with("Revision 2"),
        "the revision"
    );
    assert_eq!(
        text_of(&s, ".attachment-name").await,
        "draft-2.md",
        "the attachment is listed"
    );
    s.wait_for(".attachment button", T).await.click().await;
    let saved = until(
        &s,
        "the download to finish",
        "const t = document.querySelector('.attachment-status').textContent; return t.startsWith('Saved to ') ? t : null",
        json!([]),
    )
    .await;
    let path = saved
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("Saved to ")
        .to_owned();
    let content = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    assert_eq!(
        content, "# Draft 2\n\nShort and plain.",
        "the file was saved"
    );
    assert!(
        path.starts_with(&world.desktop.home().display().to_string()),
        "saved under HOME: {path}"
    );
    s.quit().await;
}
