//! The Placet people deploy: the web UI and the live connection on one origin (behind a
//! reverse proxy) or on two (upstream's default docker-compose: the web UI forwards only
//! `/api/*`, Socket.IO is on the backend alone). Sign-in takes the address a person
//! types and finds the live connection; links go to the web address.

use std::time::{Duration, Instant};

use placet_client::ServerUrl;
use placet_devserver::{DevServerConfig, Layout};
use placet_tray_core::app::discover::DiscoverError;
use placet_tray_core::app::Addresses;
use placet_tray_core::notify::{NoticeEvent, NoticeKey, Response};
use placet_tray_core::CoreError;
use serde_json::json;

use crate::support::World;

/// Signed in with the web address of a split server, the tray finds the backend, is
/// connected and subscribed there, answers from a notification, and its link to the
/// review is a page the web port serves.
#[tokio::test(flavor = "multi_thread")]
async fn split_origins_sign_in_with_the_web_address() {
    let w = World::signed_in_to(DevServerConfig {
        layout: Layout::split_loopback(0),
        ..Default::default()
    })
    .await;
    let live = w.core.lives().into_iter().next().expect("signed in");
    assert_eq!(
        live.account.server.display(),
        w.server.web_url().trim_end_matches('/')
    );
    assert_eq!(
        live.account.api.display(),
        w.server.api_url().trim_end_matches('/')
    );
    assert_ne!(live.account.server, live.account.api, "two addresses");

    let id = w.approval("Split deploy?").await;
    let key = NoticeKey::Review(id.clone());
    w.shown(&key).await;
    w.respond(NoticeEvent {
        key,
        response: Response::Action("option:approve".into()),
    });
    let sent = w.responses(&id, 1).await;
    assert_eq!(
        sent[0].body,
        json!({"response": {"selectedOption": "approve"}})
    );

    let message = live.rest.message(&id).await.expect("the message");
    let page = live.account.server.message_page(&message);
    assert!(page.as_str().starts_with(&w.server.web_url()), "{page}");
    let token = w
        .server
        .access_token(&w.server.seed().admin().id)
        .expect("a session for the browser");
    let resp = reqwest::Client::new()
        .get(page.as_str())
        .header("cookie", format!("access_token={token}"))
        .send()
        .await
        .expect("the web port answers");
    assert_eq!(resp.status().as_u16(), 200, "{page}");
    assert!(
        resp.text().await.unwrap_or_default().contains(&id),
        "the review's page"
    );
}

/// Behind a reverse proxy (one origin, `/socket.io/` routed) the two addresses are one.
#[tokio::test(flavor = "multi_thread")]
async fn one_origin_is_one_address() {
    let w = World::signed_in().await;
    let live = w.core.lives().into_iter().next().expect("signed in");
    assert_eq!(live.account.server, live.account.api);
}

/// A live address that is not Placet's live connection (the web UI's port, or nothing
/// at all) is refused with a clear message within seconds.
#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_live_address_is_a_clear_error_at_once() {
    let w = World::signed_in_to(DevServerConfig {
        layout: Layout::split_loopback(0),
        ..Default::default()
    })
    .await;
    let web = ServerUrl::parse(&w.server.web_url()).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for wrong in [w.server.web_url(), format!("http://{closed}")] {
        let started = Instant::now();
        let e = Addresses::find(web.clone(), Some(ServerUrl::parse(&wrong).unwrap()), false)
            .await
            .expect_err("not a live connection");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "at once: {:?}",
            started.elapsed()
        );
        assert!(
            matches!(e, CoreError::Discover(DiscoverError::NotLive { .. })),
            "{e:?}"
        );
        let words = e.to_string();
        assert!(
            words.contains("does not answer Placet's live connection (Socket.IO)"),
            "{words}"
        );
    }
}
