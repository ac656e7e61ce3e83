use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use placet_client::rest::{DownloadError, ServerUrlError};
use placet_client::{ApiError, Credential, RestClient, Secret, ServerUrl};

use crate::fake::FakeServer;

/// What the redirect target received, request by request.
type Received = Arc<Mutex<Vec<String>>>;

/// A server that records everything it receives, headers and body included.
async fn recorder() -> (FakeServer, Received) {
    let received: Received = Arc::default();
    let log = received.clone();
    let router = axum::Router::new().fallback(move |req: Request| {
        let log = log.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            log.lock().unwrap().push(format!(
                "{} {} {:?} {}",
                parts.method,
                parts.uri,
                parts.headers,
                String::from_utf8_lossy(&body)
            ));
            (StatusCode::OK, "{}")
        }
    });
    (FakeServer::start(router).await, received)
}

/// A server that answers every request with `status` and a `Location` on `target`.
async fn redirector(status: StatusCode, target: String) -> FakeServer {
    let router = axum::Router::new().fallback(move |req: Request| {
        let location = format!("{target}{}", req.uri());
        async move {
            let mut resp: Response = status.into_response();
            resp.headers_mut()
                .insert("location", HeaderValue::from_str(&location).unwrap());
            resp
        }
    });
    FakeServer::start(router).await
}

/// Every credential-carrying call meets 301/302/307/308 as a distinct error naming the
/// new address, and the other address receives nothing: not the password, not the
/// session token, not the API key.
#[tokio::test]
async fn redirects_are_reported_and_never_followed() {
    let (target, received) = recorder().await;
    let target_base = format!("http://{}", target.addr);
    for status in [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ] {
        let server = redirector(status, target_base.clone()).await;
        let rest = RestClient::new(server.url());
        let expected = |path: &str| ApiError::Redirect {
            status: status.as_u16(),
            location: Some(format!("{target_base}/{path}")),
        };

        assert_eq!(
            rest.probe().await.unwrap_err(),
            expected("api/auth/me"),
            "the server check names the new address"
        );
        let err = rest
            .login("admin@placet.local", &Secret::new("hunter2-password"))
            .await
            .expect_err("login is not followed");
        assert_eq!(err, expected("api/auth/login"), "{status}");
        assert!(
            err.to_string().contains("use that address"),
            "the message says what to do: {err}"
        );

        let jwt = rest.authenticated(Credential::Jwt(Secret::new("jwt-session-token")));
        assert_eq!(
            jwt.me().await.unwrap_err(),
            expected("api/auth/me"),
            "{status}"
        );
        let keyed = rest.authenticated(Credential::ApiKey(Secret::new(format!(
            "hp_{}",
            "5".repeat(48)
        ))));
        assert_eq!(
            keyed.agent_agents().await.unwrap_err(),
            expected("api/v1/agents"),
            "{status}"
        );
        let dir = crate::support::temp_dir("redirected-download");
        let err = jwt.download_attachment("f1", &dir).await.unwrap_err();
        assert!(
            matches!(&err, DownloadError::Api(e) if *e == expected("api/files/f1/download")),
            "{status}: {err}"
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing written for a redirect"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    let got = received.lock().unwrap().clone();
    assert!(
        got.is_empty(),
        "the other address must receive nothing, it got: {got:?}"
    );
}

/// `http://` is accepted for this machine only; elsewhere it is refused with the risk
/// named, unless insecure HTTP is explicitly allowed.
#[test]
fn plain_http_to_another_machine_needs_an_explicit_allowance() {
    let err = ServerUrl::parse("http://placet.example.org:3001").unwrap_err();
    assert!(matches!(err, ServerUrlError::Insecure(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("the password and session would travel unencrypted"),
        "{err}"
    );
    let allowed = ServerUrl::parse_allowing_insecure_http("http://placet.example.org:3001")
        .expect("allowed explicitly");
    assert!(allowed.check_transport().is_ok());
    assert!(!allowed.is_encrypted() && !allowed.is_loopback());
    assert!(
        ServerUrl::parse("http://127.0.0.1:3001").is_ok(),
        "this machine"
    );
    assert!(ServerUrl::parse("https://placet.example.org").is_ok());
}
