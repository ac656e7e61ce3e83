//! The shipped path: windows in their own processes, talking to the tray.

use placet_client::{Credential, RestClient, Secret, ServerUrl, ValidResponse};
use serde_json::json;

use crate::support::{app_binary, wait_banner, wait_review_ready, World, EMAIL, PASSWORD, T};

/// The tray runs as people run it (no automation, so every window is its own process);
/// WebDriver starts one `placet-tray window review:<id>` process the way the tray does.
/// The page loads its review, sends its answer and receives "answered elsewhere", all
/// through the tray.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_process_works_through_the_tray() {
    let world = World::signed_in().await;
    let _tray = world.desktop.spawn(world.desktop.command(app_binary()));
    let options = json!([
        { "id": "ship", "label": "Ship", "style": "primary" },
        { "id": "hold", "label": "Hold" }
    ]);
    let review =
        json!({"type": "approval", "payload": {"options": options}, "expiresInSeconds": 3600});
    let first = world
        .post("Through the tray (first)?", review.clone())
        .await;
    let second = world.post("Through the tray (second)?", review).await;
    for text in ["Through the tray (first)?", "Through the tray (second)?"] {
        world
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body == text, T)
            .await;
    }

    // Answer from a window process.
    let s = world
        .driver
        .session(&app_binary(), &["window", &format!("review:{first}")])
        .await;
    assert_eq!(
        wait_review_ready(&s).await,
        "pending",
        "the review came from the tray"
    );
    let agent = s
        .execute(
            "return document.querySelector('#agent').textContent",
            json!([]),
        )
        .await;
    assert_eq!(agent, json!("Deploy Bot"));
    s.wait_for("[data-option='ship']", T).await.click().await;
    assert_eq!(
        world.wait_response(&first).await,
        json!({"response": {"selectedOption": "ship"}}),
        "the answer went through the tray's outbox"
    );
    s.quit().await;

    // Events reach a window process: answered elsewhere.
    let s = world
        .driver
        .session(&app_binary(), &["window", &format!("review:{second}")])
        .await;
    wait_review_ready(&s).await;
    let rest = RestClient::new(ServerUrl::parse(&world.server.base_url()).expect("a server URL"));
    let (_, token) = rest
        .login(EMAIL, &Secret::new(PASSWORD))
        .await
        .expect("REST login");
    let mut answer = serde_json::Map::new();
    answer.insert("selectedOption".into(), json!("hold"));
    rest.authenticated(Credential::Jwt(token))
        .respond(&second, &ValidResponse::from_stored(answer), None)
        .await
        .expect("answering over REST");
    wait_banner(&s, "Answered elsewhere").await;
    s.quit().await;
}
