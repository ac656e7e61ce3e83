//! Attachment downloads: empty files and the bytes of `Content-Disposition`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{server, Api};

/// Stores a file through the control, links it to a new agent message and returns the
/// attachment id.
async fn linked_file(
    api: &Api,
    server: &placet_devserver::DevServer,
    name: &str,
    content: &[u8],
) -> String {
    let seed = server.seed();
    let channel = &seed.deploy_bot().id;
    let id = server
        .controls()
        .store_file(channel, name, "application/pdf", content)
        .unwrap();
    let message = api
        .post_message(
            &seed.admin().api_key,
            json!({ "channelId": channel, "text": "file", "attachmentIds": [id] }),
        )
        .await;
    assert_eq!(message["attachments"][0]["id"], id.as_str(), "linked");
    id
}

/// A zero-byte attachment downloads as an empty 200 with `Content-Length: 0`, for the
/// human route and the agent route alike.
#[tokio::test]
async fn empty_file_is_an_empty_200() {
    let server = server().await;
    let api = Api::new(&server);
    let id = linked_file(&api, &server, "empty.pdf", b"").await;
    let jwt = api.login_user(server.seed().admin()).await;
    let response = api
        .http
        .get(api.url(&format!("/api/files/{id}/download")))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "200");
    assert_eq!(response.headers()["content-length"], "0", "length 0");
    assert_eq!(
        response.headers()["content-disposition"],
        "inline; filename=\"empty.pdf\"",
        "disposition"
    );
    assert!(response.bytes().await.unwrap().is_empty(), "no bytes");
    let response = api
        .http
        .get(api.url(&format!("/api/v1/files/{id}/download")))
        .header("x-api-key", &server.seed().admin().api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "agent route too");
}

/// `Content-Disposition` is `inline; filename="…"` with no `filename*=`: a Latin-1
/// name is sent as Latin-1 bytes, and a name beyond Latin-1 ("Отчёт 2026.pdf") makes
/// the download fail with 500 and Node's `ERR_INVALID_CHAR`, as on the real server.
#[tokio::test]
async fn filename_bytes_as_upstream_sends_them() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let download = |id: String| {
        let (api, jwt) = (api.clone(), jwt.clone());
        async move {
            api.http
                .get(api.url(&format!("/api/files/{id}/download")))
                .bearer_auth(&jwt)
                .send()
                .await
                .unwrap()
        }
    };

    let latin = linked_file(&api, &server, "Café \"Q3\".pdf", b"%PDF").await;
    let response = download(latin).await;
    assert_eq!(response.status(), StatusCode::OK, "Latin-1 works");
    assert_eq!(
        response.headers()["content-disposition"].as_bytes(),
        b"inline; filename=\"Caf\xe9 _Q3_.pdf\"",
        "one byte per character, quotes replaced"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"%PDF", "content");

    let cyrillic = linked_file(&api, &server, "Отчёт 2026.pdf", b"%PDF").await;
    let response = download(cyrillic).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "500");
    assert!(
        response.headers().get("content-disposition").is_none(),
        "the header that failed is not sent"
    );
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(
        body,
        json!({
            "statusCode": 500,
            "code": "ERR_INVALID_CHAR",
            "error": "Internal Server Error",
            "message": "Invalid character in header content [\"content-disposition\"]"
        }),
        "Fastify's last-resort error body"
    );
}
