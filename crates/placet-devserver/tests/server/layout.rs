//! The two layouts people deploy: one origin (the all-in-one image) and the split
//! web/backend listeners of upstream's docker-compose, with the web UI's pages.

use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig, Layout};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::receiver::raw_http;
use crate::support::{approval, server, server_with, Api, TestSocket};

/// A split-layout server with a fast expiry job and `/__dev` off.
async fn split() -> DevServer {
    server_with(DevServerConfig {
        layout: Layout::split_loopback(0),
        expiry_tick: Duration::from_millis(100),
        ..Default::default()
    })
    .await
}

/// GETs `path` with a session cookie (the middleware only checks that one is there).
async fn page(api: &Api, path: &str) -> (StatusCode, String) {
    let response = api
        .http
        .get(api.url(path))
        .header("cookie", "access_token=any")
        .send()
        .await
        .expect("page request");
    let status = response.status();
    (status, response.text().await.expect("page body"))
}

/// The `window.__HP_CONFIG__` object of a page, parsed.
fn runtime_config(html: &str) -> Value {
    let start = html
        .find("window.__HP_CONFIG__=")
        .expect("the page carries the runtime config")
        + "window.__HP_CONFIG__=".len();
    let end = start + html[start..].find("</script>").expect("inside a script");
    serde_json::from_str(&html[start..end]).expect("the config is JSON")
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("ascii location")
        .to_owned()
}

/// One origin: `web_url`, `api_url` and `base_url` are one address; the pages a client
/// links to (a review, an agent's chat, the inbox, the login) carry
/// `{"wsUrl": <origin>, "appUrl": <origin>}` and name their id; without a session
/// cookie a page redirects to `/login?redirect=<path>`; unknown paths stay NestJS 404s.
#[tokio::test]
async fn one_origin_serves_pages() {
    let server = server().await;
    let api = Api::new(&server);
    assert_eq!(server.web_url(), server.api_url(), "one origin");
    assert_eq!(server.base_url(), server.api_url(), "base_url is the API's");
    assert_eq!(server.layout(), Layout::OneOrigin, "default layout");

    let (status, html) = page(&api, "/inbox/cmsg123").await;
    assert_eq!(status, StatusCode::OK, "review page: {html}");
    assert!(
        html.contains("data-page=\"review\" data-id=\"cmsg123\""),
        "{html}"
    );
    assert_eq!(
        runtime_config(&html),
        json!({ "wsUrl": server.api_url(), "appUrl": server.web_url() }),
        "the root layout's runtime config"
    );
    assert!(
        html.contains("window.__HP_CONFIG__={\"wsUrl\":"),
        "rendered as JSON.stringify does: {html}"
    );
    let agent = &server.seed().deploy_bot().id;
    let (status, html) = page(&api, &format!("/chats/{agent}")).await;
    assert_eq!(status, StatusCode::OK, "chat page");
    assert!(html.contains(&format!("data-id=\"{agent}\"")), "{html}");
    for (path, name) in [
        ("/inbox", "inbox"),
        ("/chats", "chats"),
        ("/settings", "settings"),
    ] {
        let (status, html) = page(&api, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            html.contains(&format!("data-page=\"{name}\"")),
            "{path}: {html}"
        );
    }

    let login = api.http.get(api.url("/login")).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK, "the login page is public");
    let html = login.text().await.unwrap();
    assert_eq!(
        runtime_config(&html)["wsUrl"],
        server.api_url(),
        "a client can read the socket's address from /login"
    );
    let anonymous = api.http.get(api.url("/inbox/c1")).send().await.unwrap();
    assert_eq!(
        anonymous.status(),
        StatusCode::TEMPORARY_REDIRECT,
        "no cookie: the middleware redirects"
    );
    assert_eq!(
        location(&anonymous),
        format!("{}/login?redirect=%2Finbox%2Fc1", server.web_url()),
        "to the login page with the path"
    );
    let (status, body) = api.get("/nowhere", "x").await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::NOT_FOUND, json!("Cannot GET /nowhere")),
        "unknown paths are still the backend's 404"
    );
}

/// Split: the web listener serves the pages with `wsUrl` = the backend and `appUrl` =
/// itself, forwards `/api/*` (login cookie included) to the backend, and never serves
/// Socket.IO (`/socket.io/` is Next.js's trailing-slash 308, then the login redirect,
/// or with a cookie the 404 page); the backend serves REST and Socket.IO and no pages;
/// both keep the loopback-`Host` rule.
#[tokio::test]
async fn split_layout_web_and_backend() {
    let server = split().await;
    assert_ne!(server.web_url(), server.api_url(), "two listeners");
    assert_eq!(
        server.base_url(),
        server.api_url(),
        "base_url is the backend"
    );
    assert_eq!(
        server.layout(),
        Layout::Split {
            web: server.web_addr()
        },
        "layout"
    );
    let backend = Api::new(&server);
    let web = backend.at(&server.web_url());

    let (status, html) = page(&web, "/inbox/cabc").await;
    assert_eq!(status, StatusCode::OK, "pages on the web listener");
    assert!(html.contains("data-id=\"cabc\""), "{html}");
    assert_eq!(
        runtime_config(&html),
        json!({ "wsUrl": server.api_url(), "appUrl": server.web_url() }),
        "the socket is on the backend"
    );
    let (status, body) = backend.get("/inbox/cabc", "x").await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::NOT_FOUND, json!("Cannot GET /inbox/cabc")),
        "the backend serves no pages"
    );

    let jwt = web.login_user(server.seed().admin()).await;
    let (status, agents) = web.get("/api/agents", &jwt).await;
    assert_eq!(status, StatusCode::OK, "REST through the web listener");
    assert!(agents.as_array().is_some_and(|a| !a.is_empty()), "{agents}");
    let (status, body) = web.get("/api/nothing?x=1", &jwt).await;
    assert_eq!(
        (status, body["path"].clone()),
        (StatusCode::NOT_FOUND, json!("/api/nothing?x=1")),
        "the backend's own 404, path and query forwarded"
    );
    let key = &server.seed().admin().api_key;
    let message = web
        .post_message(key, approval(&server.seed().deploy_bot().id))
        .await;
    assert_eq!(
        message["review"]["status"], "pending",
        "agent API through the proxy"
    );

    let polling = "/socket.io/?EIO=4&transport=polling";
    let response = web.http.get(web.url(polling)).send().await.unwrap();
    assert_eq!(
        (response.status(), location(&response)),
        (
            StatusCode::PERMANENT_REDIRECT,
            "/socket.io?EIO=4&transport=polling".to_owned()
        ),
        "Next.js drops the trailing slash first"
    );
    let response = web
        .http
        .get(web.url("/socket.io?EIO=4&transport=polling"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status(), location(&response)),
        (
            StatusCode::TEMPORARY_REDIRECT,
            format!("{}/login?redirect=%2Fsocket.io", server.web_url())
        ),
        "then the middleware wants a session"
    );
    let (status, html) = page(&web, "/socket.io?EIO=4&transport=polling").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "with a cookie: no such page");
    assert!(html.contains("This page could not be found."), "{html}");
    assert!(
        html.contains("window.__HP_CONFIG__="),
        "inside the root layout"
    );
    assert!(
        TestSocket::connect(
            &server.web_url(),
            json!({ "token": backend.ticket(&jwt).await })
        )
        .await
        .is_err(),
        "no Socket.IO on the web listener"
    );
    let socket = TestSocket::with_jwt(&backend, &jwt).await;
    socket.fence().await;
    socket.disconnect().await;

    let host = |addr| {
        raw_http(
            addr,
            "GET /login HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        )
    };
    assert_eq!(
        host(server.web_addr()).await.0,
        403,
        "web: loopback Host only"
    );
    assert_eq!(
        host(server.addr()).await.0,
        403,
        "backend: loopback Host only"
    );
}

/// `restart` brings both listeners back on their ports, and the proxy finds the
/// restarted backend; "lose the next respond reply" through the proxy still leaves the
/// client without an answer.
#[tokio::test]
async fn split_restart_and_lost_reply() {
    let server = split().await;
    let (web_addr, api_addr) = (server.web_addr(), server.addr());
    let web = Api::new(&server).at(&server.web_url());
    let jwt = web.login_user(server.seed().admin()).await;
    server.stop().await;
    server.restart().await.expect("restarts");
    assert_eq!(
        (server.web_addr(), server.addr()),
        (web_addr, api_addr),
        "same ports"
    );
    let (status, _) = web.get("/api/auth/me", &jwt).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the proxy reaches the restarted backend"
    );

    let key = &server.seed().admin().api_key;
    let review = web
        .post_message(key, approval(&server.seed().deploy_bot().id))
        .await;
    server.controls().drop_next_respond_reply();
    let answer = web
        .http
        .post(web.url(&format!(
            "/api/messages/{}/respond",
            review["id"].as_str().unwrap()
        )))
        .bearer_auth(&jwt)
        .json(&json!({ "response": { "selectedOption": "approve" } }))
        .send()
        .await;
    assert!(answer.is_err(), "no reply reaches the client: {answer:?}");
    assert_eq!(
        server.message(review["id"].as_str().unwrap()).unwrap()["review"]["status"],
        "completed",
        "the answer was stored"
    );
}
