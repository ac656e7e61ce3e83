//! Saving a review's attachments: a labelled progress bar while the file downloads, then
//! where it was saved, or why it was not.

use serde_json::json;

use crate::support::{artifact_screenshot, is_shown, WebviewWorld, T};

/// The download shows a labelled `<progress>` fed by `download-progress` events, then the
/// saved path (the file is complete); when the server is gone, the row says the file
/// was not saved and why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_shows_its_progress_then_the_path_or_the_error() {
    let world = WebviewWorld::signed_in().await;
    let bot = world.deploy_bot();
    let content: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let file = world
        .server
        .controls()
        .store_file(&bot, "export.bin", "application/octet-stream", &content)
        .expect("storing the attachment");
    let id = world
        .post(json!({
            "channelId": bot,
            "text": "The export is attached.",
            "attachmentIds": [file],
            "review": { "type": "approval", "payload": {}, "expiresInSeconds": 3600 }
        }))
        .await;
    let s = world.open_review(&id).await;

    assert!(
        !is_shown(&s, ".attachment-progress").await,
        "no progress bar before a download"
    );
    // Remember whether the bar was ever shown: a download on loopback is quick.
    s.execute(
        "window.__progressShown = false; \
         const box = document.querySelector('.attachment-progress'); \
         new MutationObserver(() => { if (!box.hidden) window.__progressShown = true; }) \
           .observe(box, { attributes: true, attributeFilter: ['hidden'] });",
        json!([]),
    )
    .await;
    let label = s
        .execute(
            "const p = document.querySelector('.attachment progress'); \
             return [...p.labels].map(l => l.textContent)",
            json!([]),
        )
        .await;
    assert_eq!(
        label,
        json!(["Downloading export.bin"]),
        "the progress bar has a visible label"
    );

    s.wait_for(".attachment button", T).await.click().await;
    let saved = s
        .wait_script(
            "the download to finish",
            "const t = document.querySelector('.attachment-status').textContent; \
             return t.startsWith('Saved to ') ? t : null",
            json!([]),
            T,
        )
        .await;
    let path = saved
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("Saved to ")
        .to_owned();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    assert!(bytes == content, "the whole file was saved to {path}");
    assert_eq!(
        s.execute("return window.__progressShown", json!([])).await,
        json!(true),
        "the progress bar was shown while downloading"
    );
    let size = content.len();
    let progress = s
        .wait_script(
            "the last progress event",
            "return document.querySelector('.attachment').dataset.progress ?? null",
            json!([]),
            T,
        )
        .await;
    assert_eq!(
        progress,
        json!(format!("{size}/{size}")),
        "the page followed the download's progress to the end"
    );
    assert!(
        !is_shown(&s, ".attachment-progress").await,
        "the bar goes once the file is saved"
    );

    world.server.stop().await;
    s.wait_for(".attachment button", T).await.click().await;
    let failed = s
        .wait_script(
            "the download to fail",
            "const e = document.querySelector('.attachment-status'); \
             return e.classList.contains('error') ? e.textContent : null",
            json!([]),
            T,
        )
        .await;
    let failed = failed.as_str().unwrap_or_default();
    assert!(
        failed.starts_with("Not saved: The server cannot be reached"),
        "the failure in words: {failed}"
    );
    assert!(
        !is_shown(&s, ".attachment-progress").await,
        "no progress bar after the failure"
    );
    artifact_screenshot(&s, "attachment-error").await;
    s.quit().await;
}
