//! REST routes beyond reviews: the password, delivery retries, stored files in an
//! answer, sub-agents, and everything a message and its review carry.

use std::collections::BTreeMap;

use placet_client::protocol::DeliveryStatus;
use placet_client::{ApiError, Credential, RespondOptions, RestClient, Secret};
use placet_devserver::DevServerConfig;
use serde_json::json;
use tokio::sync::mpsc;

use crate::fake::FakeServer;
use crate::support::{
    admin, approval, choose, create_agent_with, post, server, server_with, temp_dir, url, within,
};

/// An account that must change its password says so at login and in `me`; the change
/// clears it, a wrong current password is `WrongPassword` (not a lost sign-in) and a
/// short new one `BadRequest`, each with the server's words; the new password signs in.
#[tokio::test]
async fn a_password_change_clears_must_change_password() {
    let server = server_with(DevServerConfig {
        must_change_password: true,
        ..Default::default()
    })
    .await;
    let admin = server.seed().admin();
    let rest = RestClient::new(url(&server));
    let (user, token) = rest
        .login(&admin.email, &Secret::new(admin.password.clone()))
        .await
        .expect("signs in");
    assert!(user.must_change_password, "login reports it");
    let rest = rest.authenticated(Credential::Jwt(token));
    assert!(
        rest.me().await.unwrap().must_change_password,
        "me reports it"
    );

    let current = Secret::new(admin.password.clone());
    let wrong = rest
        .change_password(
            &Secret::new("not-the-password"),
            &Secret::new("a-new-password"),
        )
        .await
        .expect_err("wrong current password");
    assert_eq!(
        wrong,
        ApiError::WrongPassword {
            message: "Current password is incorrect".into()
        }
    );
    assert!(!wrong.is_auth(), "the sign-in itself is fine");
    let short = rest
        .change_password(&current, &Secret::new("short"))
        .await
        .expect_err("too short");
    assert_eq!(
        short,
        ApiError::BadRequest {
            message: "Validation failed".into()
        }
    );
    rest.change_password(&current, &Secret::new("a-new-password"))
        .await
        .expect("changed");
    assert!(!rest.me().await.unwrap().must_change_password, "cleared");
    RestClient::new(url(&server))
        .login(&admin.email, &Secret::new("a-new-password"))
        .await
        .expect("the new password signs in");
    server.controls().invalidate_tokens();
    let expired = rest
        .change_password(&current, &Secret::new("another-password"))
        .await
        .expect_err("an expired session");
    assert!(expired.is_auth(), "is a lost sign-in: {expired:?}");
}

/// A completed review's answer is sent to the agent's webhook again on request: 200
/// `{"retried": true}` and a second delivery at the receiver; the retry of a pending
/// review, of a review whose agent has no webhook, of an unknown message and of another
/// person's message are refused with the server's own words.
#[tokio::test]
async fn retry_delivery_sends_the_webhook_again_or_says_why_not() {
    let server = server().await;
    let rest = admin(&server).await;
    let (hits_tx, mut hits) = mpsc::unbounded_channel::<serde_json::Value>();
    let receiver = FakeServer::start(axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let _ = hits_tx.send(body);
            async { "ok" }
        }),
    ))
    .await;
    let hooked = create_agent_with(
        &server,
        json!({"name": "Hooked", "webhookUrl": format!("http://{}/hook", receiver.addr)}),
    )
    .await;
    let id = post(&server, approval(&hooked, "Ship it?")).await;
    rest.respond(&id, &choose("approve"), Some("looks good"))
        .await
        .unwrap();
    let first = within("the first delivery", hits.recv()).await.unwrap();
    rest.retry_delivery(&id).await.expect("retried");
    let again = within("the retried delivery", hits.recv()).await.unwrap();
    assert_eq!(again["event"], "review:responded");
    assert_eq!(again["response"], first["response"], "the same answer");
    assert_eq!(again["feedback"], "looks good");
    let delivered = within("the delivery status", async {
        loop {
            let m = rest.message(&id).await.unwrap();
            if m.delivery_status == DeliveryStatus::WebhookDelivered {
                return m.delivery_status;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(delivered.reached_agent(), "decoded from deliveryStatus");

    let quiet = server
        .seed()
        .agent("Research Assistant")
        .unwrap()
        .id
        .clone();
    let pending = post(&server, approval(&quiet, "not answered")).await;
    let answered = post(&server, approval(&quiet, "answered")).await;
    rest.respond(&answered, &choose("approve"), None)
        .await
        .unwrap();
    let others = post_as_other(&server).await;
    let bad = |m: &str| ApiError::BadRequest { message: m.into() };
    let cases = [
        (
            pending.as_str(),
            bad("Cannot retry delivery for this message"),
        ),
        (
            answered.as_str(),
            bad("No webhook configured for this message"),
        ),
        (
            "no-such-message",
            ApiError::NotFound {
                message: "Message not found".into(),
            },
        ),
        (
            others.as_str(),
            ApiError::Forbidden {
                message: "Not your agent".into(),
            },
        ),
    ];
    for (id, expected) in cases {
        let err = rest.retry_delivery(id).await.expect_err("refused");
        assert_eq!(err, expected, "retry of {id}");
        assert!(
            err.to_string().contains(&expected.to_string()),
            "the person reads the server's words: {err}"
        );
    }
}

/// A review posted by the other seeded user's agent.
async fn post_as_other(server: &placet_devserver::DevServer) -> String {
    let seed = server.seed();
    let (status, msg) = server
        .post_agent_message(
            &seed.other().api_key,
            approval(&seed.others_agent().id, "not yours"),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{msg}");
    msg["id"].as_str().unwrap().to_owned()
}

/// An annotated image is stored with `store_file` (multipart, as the web UI sends it),
/// downloads as the same bytes under its name, and goes with the answer as
/// `modifiedFileIds`, which the message then carries with the feedback.
#[tokio::test]
async fn a_stored_file_goes_with_the_answer_as_modified_file_ids() {
    let server = server().await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let id = post(&server, approval(&agent, "Is the layout right?")).await;
    let png: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let stored = rest
        .store_file(&agent, "annotated-screen \"1\".png", "image/png", &png)
        .await
        .expect("stored");
    let dir = temp_dir("stored");
    let saved = rest
        .download_attachment(&stored, &dir)
        .await
        .expect("downloads");
    assert_eq!(std::fs::read(&saved.path).unwrap(), png, "the same bytes");
    assert_eq!(saved.mime_type.as_deref(), Some("image/png"));
    let _ = std::fs::remove_dir_all(&dir);

    let options = RespondOptions {
        feedback: Some("move the button left".into()),
        modified_file_ids: BTreeMap::from([("orig-attachment".to_owned(), stored.clone())]),
    };
    let answered = rest
        .respond_with(&id, &choose("reject"), &options)
        .await
        .expect("answered");
    assert_eq!(
        server.controls().responses_for(&id)[0].body,
        json!({
            "response": {"selectedOption": "reject"},
            "feedback": "move the button left",
            "modifiedFileIds": {"orig-attachment": stored},
        }),
        "the respond body"
    );
    let review = answered.review.expect("a review");
    assert_eq!(review.feedback.as_deref(), Some("move the button left"));
    assert_eq!(review.modified_file_ids, Some(options.modified_file_ids));
    let refused = rest
        .store_file(&server.seed().others_agent().id, "x.png", "image/png", b"x")
        .await
        .expect_err("another person's channel");
    assert_eq!(
        refused,
        ApiError::Forbidden {
            message: "Not your file".into()
        }
    );
}

/// Agent lists (both APIs) mark sub-agents and name their parent.
#[tokio::test]
async fn sub_agents_name_their_parent() {
    let server = server().await;
    let rest = admin(&server).await;
    let deploy = server.seed().deploy_bot().id.clone();
    let subs = server.seed().subagents_of(&deploy);
    assert!(!subs.is_empty(), "the seed has a sub-agent");
    let key = RestClient::new(url(&server)).authenticated(Credential::ApiKey(Secret::new(
        server.seed().admin().api_key.clone(),
    )));
    for agents in [
        rest.agents().await.unwrap(),
        key.agent_agents().await.unwrap(),
    ] {
        for sub in &subs {
            let a = agents.iter().find(|a| a.id == sub.id).expect("listed");
            assert!(a.is_subagent, "{} is a sub-agent", a.name);
            assert_eq!(a.parent_agent_id.as_deref(), Some(deploy.as_str()));
        }
        let parent = agents.iter().find(|a| a.id == deploy).unwrap();
        assert!(!parent.is_subagent && parent.parent_agent_id.is_none());
    }
}

/// A second round of a review decodes its iteration, its group, the first round's
/// feedback, and the delivery status the server tracks.
#[tokio::test]
async fn iterations_feedback_and_delivery_are_decoded() {
    let server = server().await;
    let rest = admin(&server).await;
    let agent = server.seed().deploy_bot().id.clone();
    let first = post(&server, approval(&agent, "Round one")).await;
    rest.respond(&first, &choose("reject"), Some("add tests"))
        .await
        .unwrap();
    let mut body = approval(&agent, "Round two");
    body["iterationOf"] = json!(first);
    let second = post(&server, body).await;
    let chain = rest.iterations(&second, &agent).await.unwrap();
    assert_eq!(chain.len(), 2, "two rounds");
    assert_eq!(chain[0].id, first);
    assert_eq!(chain[0].iteration, Some(1));
    assert_eq!(chain[1].iteration, Some(2));
    assert_eq!(chain[1].iteration_group_id.as_deref(), Some(first.as_str()));
    let review = chain[0].review.as_ref().unwrap();
    assert_eq!(review.feedback.as_deref(), Some("add tests"));
    assert_eq!(review.modified_file_ids, None);
    assert_eq!(chain[0].delivery_status, DeliveryStatus::Sent);
    let pending = rest.pending_reviews().await.unwrap();
    let listed = pending.iter().find(|m| m.id == second).expect("pending");
    assert_eq!(listed.iteration, Some(2));
}
