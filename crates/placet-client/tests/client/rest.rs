use placet_client::{Answer, ApiError, RestClient, Secret};

use crate::support::{admin, approval, post, server, url};

/// Login takes the JWT from the `access_token` cookie; `me` works with it as Bearer.
#[tokio::test]
async fn login_reads_the_cookie_and_me_accepts_it() {
    let server = server().await;
    let rest = admin(&server).await;
    let me = rest.me().await.expect("me with the cookie's JWT");
    assert_eq!(me.email, "admin@placet.local");
    let ticket = rest.ws_ticket().await.expect("ws ticket");
    assert!(!ticket.expose().is_empty());
    rest.probe()
        .await
        .expect("the dev server answers like Placet");
}

/// A wrong password is `Unauthorized` with the server's message and no secret in it.
#[tokio::test]
async fn wrong_password_is_unauthorized() {
    let server = server().await;
    let rest = RestClient::new(url(&server));
    let err = rest
        .login("admin@placet.local", &Secret::new("definitely-wrong"))
        .await
        .expect_err("wrong password refused");
    assert_eq!(
        err,
        ApiError::Unauthorized {
            message: "Invalid credentials".into()
        }
    );
    assert!(!err.to_string().contains("definitely-wrong"));
    let anonymous = rest.me().await.expect_err("me without a token");
    assert!(anonymous.is_auth());
}

/// Respond gives 201; a second respond is `AlreadyResponded`; the stored response is ours.
#[tokio::test]
async fn respond_once_then_already_responded() {
    let server = server().await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let id = post(&server, approval(&agent, "Deploy v2?")).await;

    let pending = rest.pending_reviews().await.unwrap();
    let review = pending
        .iter()
        .find(|m| m.id == id)
        .expect("listed as pending");
    let response = review
        .review
        .as_ref()
        .unwrap()
        .validate(&Answer::Approval {
            option_id: "approve".into(),
            comment: Some(" ship it ".into()),
        })
        .unwrap();
    let updated = rest.respond(&id, &response, None).await.expect("201");
    assert_eq!(
        updated.review.as_ref().unwrap().response,
        Some(serde_json::json!({"selectedOption": "approve", "comment": "ship it"}))
    );
    let second = rest.respond(&id, &response, None).await.unwrap_err();
    assert_eq!(second, ApiError::AlreadyResponded);
    let recorded = server.controls().responses_for(&id);
    assert_eq!(recorded.len(), 2, "both requests reached the server");
    assert_eq!(
        recorded[0].body,
        serde_json::json!({"response": {"selectedOption": "approve", "comment": "ship it"}}),
        "the body is exactly the web UI's"
    );
    assert!(rest
        .pending_reviews()
        .await
        .unwrap()
        .iter()
        .all(|m| m.id != id));
}

/// A missing message is `NotFound`; another user's agent is `Forbidden`.
#[tokio::test]
async fn not_found_and_forbidden() {
    let server = server().await;
    let rest = admin(&server).await;
    assert!(matches!(
        rest.message("no-such-message").await,
        Err(ApiError::NotFound { .. })
    ));
    let others = server.seed().others_agent().id.clone();
    let err = rest.messages(&others, 10, None).await.unwrap_err();
    assert_eq!(
        err,
        ApiError::Forbidden {
            message: "Not your agent".into()
        }
    );
}

/// The API key works on the agent routes (watch-only mode) and not on the human routes.
#[tokio::test]
async fn api_key_reads_agent_routes() {
    let server = server().await;
    let key = server.seed().admin().api_key.clone();
    let agent = server.seed().deploy_bot().id.clone();
    let id = post(&server, approval(&agent, "Key mode")).await;
    let keyed = RestClient::new(url(&server))
        .authenticated(placet_client::Credential::ApiKey(Secret::new(key)));
    let agents = keyed.agent_agents().await.expect("agents by key");
    assert!(agents.iter().any(|a| a.id == agent));
    let pending = keyed
        .agent_pending_reviews(&agent)
        .await
        .expect("pending by key");
    assert!(pending.iter().any(|m| m.id == id));
    assert!(
        keyed.agents().await.unwrap_err().is_auth(),
        "human routes refuse API keys"
    );
}

/// Attachments download into a folder under a safe, unique name.
#[tokio::test]
async fn attachment_download() {
    let server = server().await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let id = post(
        &server,
        serde_json::json!({"channelId": agent, "text": "see file",
            "textAttachments": [{"content": "# Plan\nstep 1", "filename": "../plan.md"}]}),
    )
    .await;
    let message = rest.message(&id).await.unwrap();
    let file = &message.attachments[0];
    let dir = std::env::temp_dir().join(format!("placet-dl-{}", std::process::id()));
    let saved = rest
        .download_attachment(&file.id, &dir)
        .await
        .expect("download");
    assert_eq!(
        std::fs::read_to_string(&saved.path).unwrap(),
        "# Plan\nstep 1"
    );
    assert!(
        saved.path.starts_with(&dir),
        "stays in the folder: {:?}",
        saved.path
    );
    let again = rest.download_attachment(&file.id, &dir).await.unwrap();
    assert_ne!(
        again.path, saved.path,
        "a second download does not overwrite"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Refresh gives a new JWT; setting it on a client reaches every clone.
#[tokio::test]
async fn refresh_renews_the_token_for_all_clones() {
    let server = server().await;
    let rest = admin(&server).await;
    let clone = rest.clone();
    let (user, fresh) = rest.refresh().await.expect("refresh");
    assert_eq!(user.email, "admin@placet.local");
    let fresh = fresh.expect("a new access_token cookie");
    server.controls().invalidate_tokens();
    assert!(
        clone.me().await.unwrap_err().is_auth(),
        "old tokens are now refused"
    );
    let (_, newest) = RestClient::new(url(&server))
        .login(
            "admin@placet.local",
            &Secret::new(server.seed().admin().password.clone()),
        )
        .await
        .expect("signs in again");
    assert_ne!(fresh.expose(), newest.expose());
    rest.set_credential(placet_client::Credential::Jwt(newest));
    clone.me().await.expect("the clone uses the renewed token");
}

/// From the dev server, which sends names as the real server does (Latin-1 bytes in
/// `filename=`): an empty file is saved, a Latin-1 name is read right, and a name the
/// real server cannot send (beyond Latin-1: its 500) is a clear error.
#[tokio::test]
async fn attachment_names_as_the_real_server_sends_them() {
    let server = server().await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let dir = crate::support::temp_dir("dev-downloads");
    let store = |name: &str, bytes: &[u8]| {
        server
            .controls()
            .store_file(&agent, name, "text/plain", bytes)
            .expect("stored")
    };
    let empty = rest
        .download_attachment(&store("empty.txt", b""), &dir)
        .await
        .expect("an empty file downloads");
    assert_eq!(empty.size, 0);
    assert_eq!(std::fs::read(&empty.path).unwrap(), b"", "saved, empty");
    let latin = rest
        .download_attachment(&store("café.txt", b"x"), &dir)
        .await
        .expect("a Latin-1 name downloads");
    assert_eq!(latin.path, dir.join("café.txt"));
    let err = rest
        .download_attachment(&store("Отчёт 2026.pdf", b"x"), &dir)
        .await
        .expect_err("the real server fails on this name");
    assert!(
        matches!(&err, placet_client::rest::DownloadError::Api(e) if e.code() == "server"),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
