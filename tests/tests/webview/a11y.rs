//! Accessibility of every window: axe-core finds no serious or critical violation, and
//! every review type can be answered with the keyboard alone.
//!
//! axe-core (a devDependency of `ui/`, installed by `scripts/setup`) is injected into the
//! page through WebDriver's execute-script, which runs in the automation context: the
//! page's Content Security Policy (`script-src 'self'`) governs the page's own scripts,
//! not scripts the automation session evaluates, so nothing has to be loosened for it.

use std::path::PathBuf;

use placet_devserver::DemoReview;
use placet_e2e::settings_portal::{ColorScheme, SettingsPortal};
use placet_e2e::webdriver::{keys, Session};
use serde_json::{json, Value};

use crate::support::{screenshot, wait_review_ready, WebviewWorld, T};

/// axe-core's browser build.
fn axe_source() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reading {}: {e} (run scripts/setup, which installs ui/'s devDependencies)",
            path.display()
        )
    })
}

/// Runs axe-core in the current window and returns every violation, printing them all;
/// the caller asserts on the serious and critical ones. `enhanced` adds the rule for
/// WCAG AAA's 7:1 contrast, which a page shown in high contrast must meet.
async fn axe(session: &Session, page: &str, enhanced: bool) -> Vec<Value> {
    let loaded = session
        .execute(
            &format!("{}\nreturn typeof window.axe === 'object';", axe_source()),
            json!([]),
        )
        .await;
    assert_eq!(loaded, json!(true), "axe-core loads into the {page} page");
    let result = session
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const rules = { 'color-contrast-enhanced': { enabled: arguments[0] } }; \
             axe.run(document, { resultTypes: ['violations'], rules }) \
               .then(r => done(r.violations.map(v => ({ \
                 id: v.id, impact: v.impact, help: v.help, \
                 nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) })))) \
               .catch(e => done({ error: String(e) }))",
            json!([enhanced]),
        )
        .await;
    assert!(
        result.get("error").is_none(),
        "axe-core ran in the {page} page: {result}"
    );
    let violations = result.as_array().cloned().unwrap_or_default();
    for v in &violations {
        println!("axe [{page}] {} ({}): {}", v["id"], v["impact"], v["help"]);
        for node in v["nodes"].as_array().into_iter().flatten() {
            println!(
                "    {}",
                node.as_str().unwrap_or_default().replace('\n', " ")
            );
        }
    }
    violations
}

/// Violations left in the app on purpose, each as (rule, a fragment of axe-core's
/// failure summary that pins it to one cause). None today; anything listed here is
/// printed all the same.
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[];

/// Asserts the page has no serious or critical axe-core violation other than the
/// [`KNOWN_VIOLATIONS`] (which are printed all the same).
async fn assert_accessible(session: &Session, page: &str) {
    assert_accessible_in(session, page, false).await;
}

/// The same, with the 7:1 contrast rule when `high_contrast`.
async fn assert_accessible_in(session: &Session, page: &str, high_contrast: bool) {
    let violations = axe(session, page, high_contrast).await;
    let mut severe = Vec::new();
    for v in &violations {
        if !matches!(v["impact"].as_str(), Some("serious" | "critical")) {
            continue;
        }
        let rule = v["id"].as_str().unwrap_or_default();
        let unexplained: Vec<&str> = v["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|node| {
                !KNOWN_VIOLATIONS
                    .iter()
                    .any(|(known, cause)| *known == rule && node.contains(cause))
            })
            .collect();
        if !unexplained.is_empty() {
            severe.push(format!("{rule} ({}): {unexplained:#?}", v["help"]));
        }
    }
    assert!(
        severe.is_empty(),
        "the {page} page has serious or critical accessibility violations: {severe:#?}"
    );
}

/// Presses Tab until the focused element matches `css`; panics if it is not reached in
/// `limit` presses (the control cannot be reached from the keyboard).
async fn tab_to(session: &Session, css: &str, limit: usize) {
    for _ in 0..limit {
        if focused_matches(session, css).await {
            return;
        }
        session.type_keys(keys::TAB).await;
    }
    assert!(
        focused_matches(session, css).await,
        "{css} was not reached with {limit} Tab presses; focus is on {}",
        focused(session).await
    );
}

/// Presses Shift+Tab until the focused element matches `css`.
async fn shift_tab_to(session: &Session, css: &str, limit: usize) {
    for _ in 0..limit {
        if focused_matches(session, css).await {
            return;
        }
        session.press_chord(&[keys::SHIFT, keys::TAB]).await;
    }
    assert!(
        focused_matches(session, css).await,
        "{css} was not reached with {limit} Shift+Tab presses; focus is on {}",
        focused(session).await
    );
}

async fn focused_matches(session: &Session, css: &str) -> bool {
    session
        .execute(
            "const e = document.activeElement; return !!e && e.matches(arguments[0])",
            json!([css]),
        )
        .await
        == json!(true)
}

/// A description of the focused element, for messages.
async fn focused(session: &Session) -> String {
    session
        .execute(
            "const e = document.activeElement; \
             return e ? e.outerHTML.slice(0, 160) : 'nothing'",
            json!([]),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn selection(mode: &str) -> Value {
    json!({
        "type": "selection",
        "payload": {
            "mode": mode,
            "items": [
                { "id": "orders", "label": "orders", "description": "1.2M rows missing" },
                { "id": "customers", "label": "customers" },
                { "id": "events", "label": "events" }
            ],
            "submitLabel": "Backfill selected"
        },
        "expiresInSeconds": 3600
    })
}

fn approval() -> Value {
    json!({
        "type": "approval",
        "payload": { "options": [
            { "id": "approve", "label": "Approve", "style": "primary" },
            { "id": "later", "label": "Later", "style": "secondary" },
            { "id": "reject", "label": "Reject", "style": "danger" }
        ], "allowComment": true },
        "expiresInSeconds": 3600
    })
}

fn text_input() -> Value {
    json!({
        "type": "text-input",
        "payload": { "placeholder": "One paragraph", "maxLength": 200 },
        "expiresInSeconds": 3600
    })
}

fn form() -> Value {
    json!({
        "type": "form",
        "payload": { "fields": [
            { "name": "title", "type": "text", "label": "Title" },
            { "name": "count", "type": "number", "label": "Count" },
            { "name": "region", "type": "select", "label": "Region", "options": ["eu-west", "us-east", "ap-south"] },
            { "name": "notify", "type": "checkbox", "label": "Notify the team" },
            { "name": "notes", "type": "textarea", "label": "Notes" }
        ]},
        "expiresInSeconds": 3600
    })
}

/// The inbox, settings and every review type pass axe-core with no serious or critical
/// violation, in the desktop's light style.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_window_passes_axe_core() {
    every_window_passes_axe_core_in(ColorScheme::Default, false).await;
}

/// With GNOME's High Contrast switched on while the tray runs (the settings portal
/// passes it on, and the window host follows it live), every page asks for more
/// contrast and every text meets WCAG AAA's 7:1 (axe-core's enhanced contrast rule).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_window_meets_aaa_contrast_in_high_contrast() {
    every_window_passes_axe_core_in(ColorScheme::Default, true).await;
}

/// The same in the dark.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_window_meets_aaa_contrast_in_dark_high_contrast() {
    every_window_passes_axe_core_in(ColorScheme::PreferDark, true).await;
}

/// The same in the desktop's dark style (the settings portal's `color-scheme`, which
/// the window host follows): every page is dark, and as readable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_window_passes_axe_core_in_the_dark() {
    every_window_passes_axe_core_in(ColorScheme::PreferDark, false).await;
}

/// Asserts the page is drawn in the `scheme` and contrast the desktop asks for.
async fn assert_scheme(session: &Session, scheme: ColorScheme, high_contrast: bool, page: &str) {
    let look = session
        .execute(
            "return [matchMedia('(prefers-color-scheme: dark)').matches, \
                     matchMedia('(prefers-contrast: more)').matches]",
            json!([]),
        )
        .await;
    assert_eq!(
        look,
        json!([scheme == ColorScheme::PreferDark, high_contrast]),
        "the {page} page follows the desktop's {scheme:?} (and high contrast {high_contrast}): \
         [dark, more contrast]"
    );
}

async fn every_window_passes_axe_core_in(scheme: ColorScheme, high_contrast: bool) {
    let world = WebviewWorld::signed_in().await;
    let portal = SettingsPortal::start(&world.desktop, scheme, T).await;
    world
        .post_review("Deploy v2 to production?", approval())
        .await;
    let s = world.open_inbox_listing().await;
    assert_scheme(&s, scheme, false, "inbox").await;
    if high_contrast {
        // Switched on with the window open: the page follows without a reload.
        portal.set_high_contrast(&world.desktop, true, T).await;
        s.wait_script(
            "the open inbox to follow the desktop into high contrast",
            "return matchMedia('(prefers-contrast: more)').matches",
            json!([]),
            T,
        )
        .await;
        assert_scheme(&s, scheme, true, "inbox").await;
    }
    assert_accessible_in(&s, "inbox", high_contrast).await;
    s.quit().await;

    let s = world.open("settings").await;
    assert_scheme(&s, scheme, high_contrast, "settings").await;
    assert_accessible_in(&s, "settings (signed in)", high_contrast).await;
    s.quit().await;

    let agent = world.deploy_bot();
    world
        .post(json!({"channelId": agent, "text": "Which **database** should I use?"}))
        .await;
    let s = world.open_conversation(&agent).await;
    assert_scheme(&s, scheme, high_contrast, "conversation").await;
    assert_accessible_in(&s, "conversation", high_contrast).await;
    s.quit().await;

    let (status, demo_form) = world.server.post_demo_review(DemoReview::Form).await;
    assert_eq!(status.as_u16(), 201, "{demo_form}");
    let (status, demo_freeform) = world.server.post_demo_review(DemoReview::Freeform).await;
    assert_eq!(status.as_u16(), 201, "{demo_freeform}");
    let reviews = [
        ("approval", world.post_review("Ship it?", approval()).await),
        (
            "selection (single)",
            world.post_review("Pick one", selection("single")).await,
        ),
        (
            "selection (multi)",
            world.post_review("Pick any", selection("multi")).await,
        ),
        (
            "text input",
            world.post_review("Summarise", text_input()).await,
        ),
        (
            "form (every field type)",
            demo_form["id"].as_str().expect("an id").to_owned(),
        ),
        (
            "freeform",
            demo_freeform["id"].as_str().expect("an id").to_owned(),
        ),
    ];
    for (page, id) in reviews {
        let s = world.open_review(&id).await;
        assert_scheme(&s, scheme, high_contrast, page).await;
        assert_accessible_in(&s, page, high_contrast).await;
        if high_contrast && page == "approval" {
            let name = match scheme {
                ColorScheme::PreferDark => "review-dark-high-contrast",
                _ => "review-high-contrast",
            };
            screenshot(&s, name).await;
        }
        s.quit().await;
    }
}

/// The sign-in page (settings while signed out) passes axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_passes_axe_core() {
    let world = WebviewWorld::signed_out().await;
    let s = world.open("settings").await;
    assert_accessible(&s, "sign-in").await;
    s.quit().await;
}

/// An approval with a comment, from the keyboard alone: Tab to the comment, type, Tab
/// past "Approve" and Shift+Tab back, Enter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_is_answered_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review("Deploy v2 to production?", approval())
        .await;
    let s = world.open_review(&id).await;
    tab_to(&s, "textarea", 15).await;
    s.type_keys("Ship it").await;
    tab_to(&s, "button[data-option='later']", 5).await;
    shift_tab_to(&s, "button[data-option='approve']", 3).await;
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "selectedOption": "approve", "comment": "Ship it" } }),
        "the keyboard's answer"
    );
}

/// Single selection from the keyboard: arrow keys move the choice, Enter on the submit
/// button sends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_selection_is_answered_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review("Pick one format", selection("single"))
        .await;
    let s = world.open_review(&id).await;
    tab_to(&s, ".choice-input", 15).await;
    s.type_keys(keys::DOWN).await;
    s.type_keys(keys::DOWN).await;
    tab_to(&s, "#submit", 5).await;
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "selectedIds": ["events"] } }),
        "two arrow presses from the first choice"
    );
}

/// Multi selection from the keyboard: Space ticks, Tab moves between boxes, Enter sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_selection_is_answered_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review("Backfill which tables?", selection("multi"))
        .await;
    let s = world.open_review(&id).await;
    tab_to(&s, ".choice-input[data-item='orders']", 15).await;
    s.type_keys(keys::SPACE).await;
    tab_to(&s, ".choice-input[data-item='events']", 3).await;
    s.type_keys(keys::SPACE).await;
    tab_to(&s, "#submit", 5).await;
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "selectedIds": ["orders", "events"] } }),
        "the ticked boxes, in the order ticked"
    );
}

/// A form with text, number, select, checkbox and textarea fields, from the keyboard
/// alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_is_answered_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let id = world.post_review("Plan the release.", form()).await;
    let s = world.open_review(&id).await;
    let field = |name: &str| format!("[data-name='{name}'] .input, [data-name='{name}'] .checkbox");
    tab_to(&s, &field("title"), 15).await;
    s.type_keys("Q3 release").await;
    tab_to(&s, &field("count"), 2).await;
    s.type_keys("3").await;
    tab_to(&s, &field("region"), 2).await;
    // Past the empty choice and the first region.
    s.type_keys(keys::DOWN).await;
    s.type_keys(keys::DOWN).await;
    tab_to(&s, &field("notify"), 2).await;
    s.type_keys(keys::SPACE).await;
    tab_to(&s, &field("notes"), 2).await;
    s.type_keys("Tell ops").await;
    tab_to(&s, "#submit", 5).await;
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": {
            "title": "Q3 release",
            "count": "3",
            "region": "us-east",
            "notify": true,
            "notes": "Tell ops"
        }}),
        "every field as typed"
    );
}

/// Text input from the keyboard alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_input_is_answered_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let id = world
        .post_review("Summarise the incident.", text_input())
        .await;
    let s = world.open_review(&id).await;
    tab_to(&s, "textarea", 15).await;
    s.type_keys("Disk filled up; rotated logs").await;
    tab_to(&s, "#submit", 5).await;
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "text": "Disk filled up; rotated logs" } }),
        "the typed text"
    );
}

/// Freeform JSON from the keyboard alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freeform_review_is_answered_with_the_keyboard() {
    let world = WebviewWorld::signed_in().await;
    let (status, message) = world.server.post_demo_review(DemoReview::Freeform).await;
    assert_eq!(status.as_u16(), 201, "{message}");
    let id = message["id"].as_str().expect("an id").to_owned();
    let s = world.open_review(&id).await;
    wait_review_ready(&s).await;
    tab_to(&s, "textarea", 15).await;
    // Select what the editor holds and type over it.
    s.press_chord(&[keys::CONTROL, "a"]).await;
    s.type_keys(r#"{"replicas": 3, "canary": true}"#).await;
    tab_to(&s, "#submit", 5).await;
    s.type_keys(keys::ENTER).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "replicas": 3, "canary": true } }),
        "the typed object"
    );
}
