//! Reviews the app must not answer (`renderAs: "external"`): drawn by a plugin of
//! Placet's web app, or of a type it does not know. The window shows the message, says
//! why, offers "Open in Placet", and has no way to send anything.

use serde_json::json;

use crate::support::{artifact_screenshot, is_shown, text_of, LinkRecorder, WebviewWorld, T};

/// A plugin review (a `freeform` review whose payload names a `plugin`) has no answer
/// controls; the window names the plugin, "Open in Placet" hands the review's page in
/// Placet's web app to the desktop, and nothing reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_review_opens_in_placet_and_sends_nothing() {
    let world = WebviewWorld::signed_in().await;
    let links = LinkRecorder::install(&world.desktop);
    let id = world
        .post_review(
            "Review the **diff** of `api-gateway`.",
            json!({
                "type": "freeform",
                "payload": { "plugin": "diff-viewer", "files": ["<b>src/main.rs</b>"] },
                "expiresInSeconds": 3600
            }),
        )
        .await;
    let s = world.open_review(&id).await;

    assert_eq!(
        text_of(&s, "#message strong").await,
        "diff",
        "the message is shown as for any review"
    );
    assert_eq!(
        text_of(&s, ".external-title").await,
        "This review can only be answered in Placet.",
        "it says where to answer it"
    );
    let reason = text_of(&s, "#external-reason").await;
    assert!(
        reason.contains("`diff-viewer` plugin"),
        "the reason names the plugin: {reason}"
    );
    let controls = s
        .execute(
            "return document.querySelectorAll('#answer textarea, #answer input, #answer select, fieldset.controls, #submit, [data-option]').length",
            json!([]),
        )
        .await;
    assert_eq!(controls, json!(0), "no answer controls at all");
    let payload = text_of(&s, ".external-payload pre").await;
    assert!(
        payload.contains("<b>src/main.rs</b>") && s.find(".external-payload b").await.is_err(),
        "what the agent sent is shown as text: {payload}"
    );
    artifact_screenshot(&s, "external-plugin").await;

    let open = s.wait_for("#open-web", T).await;
    assert_eq!(open.text().await, "Open in Placet", "the button");
    open.click().await;
    let page = format!("{}/inbox/{id}", world.server.base_url());
    links.wait_opened(&page).await;
    s.wait_script(
        "the page to say it opened",
        "return document.getElementById('open-web-status').textContent === 'Opened in your browser.'",
        json!([]),
        T,
    )
    .await;
    assert!(is_shown(&s, "#open-web").await, "the button stays");
    assert!(
        world.responses(&id).is_empty(),
        "nothing was sent for a plugin review"
    );
    s.quit().await;
}
