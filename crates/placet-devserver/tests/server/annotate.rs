//! The web UI's image annotation: `POST /api/files/store` (multipart) stores the
//! annotated image, and the answer names it in `modifiedFileIds` next to `feedback`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::receiver::Receiver;
use crate::support::{joined, server, Api, TestSocket};

const BOUNDARY: &str = "----placet-test-boundary";

/// A multipart body: `fields` first, then the file part (when given), then `after`.
fn multipart(
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
    after: &[(&str, &str)],
) -> Vec<u8> {
    let mut body = Vec::new();
    let field = |body: &mut Vec<u8>, name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    for (name, value) in fields {
        field(&mut body, name, value);
    }
    if let Some((filename, mime, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    for (name, value) in after {
        field(&mut body, name, value);
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// POSTs a multipart body to `/api/files/store`.
async fn store(
    api: &Api,
    jwt: Option<&str>,
    body: Vec<u8>,
    content_type: &str,
) -> (StatusCode, Value) {
    let mut request = api
        .http
        .post(api.url("/api/files/store"))
        .header("content-type", content_type)
        .body(body);
    if let Some(jwt) = jwt {
        request = request.bearer_auth(jwt);
    }
    let response = request.send().await.expect("store request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn form_data() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// An annotated image is stored with `channelId` and answered as `modifiedFileIds`
/// (original attachment id → new file id) together with `feedback`: both are in the
/// reply, `review:responded`, the stored message and the webhook body.
#[tokio::test]
async fn annotated_file_goes_with_the_answer() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(seed.admin()).await;
    let mut receiver = Receiver::start().await;
    let (_, agent) = api
        .agent_post(
            "/api/v1/agents",
            key,
            json!({ "name": "Designer", "webhookUrl": receiver.url("/hook") }),
        )
        .await;
    let channel = agent["id"].as_str().unwrap().to_owned();
    let original = server
        .controls()
        .store_file(&channel, "mock.png", "image/png", b"\x89PNG original")
        .unwrap();
    let review = api
        .post_message(
            key,
            json!({ "channelId": channel, "text": "Does the mockup work?",
                "attachmentIds": [original],
                "review": { "type": "approval", "payload": {} } }),
        )
        .await;
    let review_id = review["id"].as_str().unwrap();
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let png = b"\x89PNG annotated";
    let (status, stored) = store(
        &api,
        Some(&jwt),
        multipart(
            &[("channelId", &channel)],
            Some(("annotated-mock.png", "image/png", png)),
            &[],
        ),
        &form_data(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "stored: {stored}");
    assert_eq!(
        (
            stored["messageId"].clone(),
            stored["channelId"].clone(),
            stored["pluginType"].clone(),
            stored["filename"].clone(),
            stored["mimeType"].clone(),
            stored["size"].clone()
        ),
        (
            Value::Null,
            json!(channel),
            json!("@uax/image"),
            json!("annotated-mock.png"),
            json!("image/png"),
            json!(png.len())
        ),
        "an orphan attachment as storeFile creates it"
    );
    assert!(
        stored["storageKey"]
            .as_str()
            .unwrap()
            .starts_with("uploads/"),
        "storage key: {stored}"
    );
    let annotated = stored["id"].as_str().unwrap().to_owned();
    let download = api
        .http
        .get(api.url(&format!("/api/files/{annotated}/download")))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        png,
        "the bytes are served"
    );

    let modified = json!({ original.clone(): annotated });
    let (status, reply) = api
        .post(
            &format!("/api/messages/{review_id}/respond"),
            &jwt,
            json!({ "response": { "selectedOption": "reject" },
                "modifiedFileIds": modified, "feedback": "Move the button left" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "answered: {reply}");
    for (what, review) in [
        ("reply", reply["review"].clone()),
        (
            "review:responded",
            socket
                .expect("review:responded", |m| m["id"] == review_id)
                .await["review"]
                .clone(),
        ),
        (
            "stored",
            server.message(review_id).unwrap()["review"].clone(),
        ),
        (
            "REST",
            api.get(&format!("/api/messages/{review_id}"), &jwt).await.1["review"].clone(),
        ),
    ] {
        assert_eq!(
            review["modifiedFileIds"], modified,
            "{what}: modifiedFileIds"
        );
        assert_eq!(
            review["feedback"], "Move the button left",
            "{what}: feedback"
        );
    }
    let hook = receiver.next().await;
    assert_eq!(
        (
            hook.body["event"].clone(),
            hook.body["modifiedFileIds"].clone(),
            hook.body["feedback"].clone()
        ),
        (
            json!("review:responded"),
            modified,
            json!("Move the button left")
        ),
        "the webhook body"
    );
}

/// `/api/files/store` wants a JWT (401 before anything), a file (400 "No file
/// provided"), a `channelId` sent before the file (400 "channelId is required"), an
/// owned channel (403 "Not your file") and a multipart body (anything else makes
/// `req.file()` throw: 500).
#[tokio::test]
async fn store_errors() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(seed.admin()).await;
    let mine = seed.deploy_bot().id.clone();
    let file = Some(("a.txt", "text/plain", b"hello".as_slice()));

    let (status, body) = store(
        &api,
        None,
        multipart(&[("channelId", &mine)], file, &[]),
        &form_data(),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::UNAUTHORIZED, json!("Unauthorized")),
        "no JWT"
    );
    let cases = [
        (
            multipart(&[("channelId", &mine)], None, &[]),
            StatusCode::BAD_REQUEST,
            "No file provided",
        ),
        (
            multipart(&[], file, &[("channelId", &mine)]),
            StatusCode::BAD_REQUEST,
            "channelId is required",
        ),
        (
            multipart(&[("channelId", &seed.others_agent().id)], file, &[]),
            StatusCode::FORBIDDEN,
            "Not your file",
        ),
    ];
    for (body, status, message) in cases {
        let (got, reply) = store(&api, Some(&jwt), body, &form_data()).await;
        assert_eq!(
            (got, reply["message"].clone()),
            (status, json!(message)),
            "{message}"
        );
    }
    let (status, body) = store(
        &api,
        Some(&jwt),
        b"{\"channelId\": \"x\"}".to_vec(),
        "application/json",
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!("Internal server error")
        ),
        "not multipart"
    );
}
