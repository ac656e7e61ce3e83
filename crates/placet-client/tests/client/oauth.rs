//! OAuth prompts: an agent asks the person to sign in somewhere; the inbox keeps the
//! prompt until its code, its error, or its time ends it, and offers only safe links.

use placet_client::inbox::{OAuthOutcome, OAuthPrompt};
use placet_client::protocol::{DeviceCode, OAuthError, OAuthStart, ServerEvent};
use placet_client::InboxChange;
use serde_json::json;

use crate::support::{url, wait_change, Fixture};

/// The three relay events decode as the server sends them (nulls included); the
/// authorization code is not kept.
#[test]
fn oauth_events_decode() {
    let start = ServerEvent::decode(
        "oauth:start",
        &[json!({"channelId": "a1", "state": "s1", "provider": "github",
                 "authUrl": null, "deviceCode": {"verificationUri": "https://github.com/login/device",
                 "userCode": "WDJB-MJHT", "expiresIn": 900}})],
    )
    .unwrap();
    assert_eq!(
        start,
        Some(ServerEvent::OAuthStart(OAuthStart {
            channel_id: "a1".into(),
            state: "s1".into(),
            provider: "github".into(),
            auth_url: None,
            device_code: Some(DeviceCode {
                verification_uri: "https://github.com/login/device".into(),
                user_code: "WDJB-MJHT".into(),
                expires_in: Some(900),
            }),
        }))
    );
    let code = ServerEvent::decode(
        "oauth:code",
        &[json!({"state": "s1", "code": "secret-code", "provider": "github"})],
    )
    .unwrap()
    .unwrap();
    assert!(!format!("{code:?}").contains("secret-code"), "{code:?}");
    assert_eq!(
        code,
        ServerEvent::OAuthCode {
            state: "s1".into(),
            provider: Some("github".into())
        }
    );
    let error = ServerEvent::decode(
        "oauth:error",
        &[json!({"state": "s1", "error": "access_denied", "errorDescription": null, "provider": "github"})],
    )
    .unwrap();
    assert_eq!(
        error,
        Some(ServerEvent::OAuthError(OAuthError {
            state: "s1".into(),
            error: "access_denied".into(),
            error_description: None,
            provider: Some("github".into()),
        }))
    );
    assert!(ServerEvent::decode("oauth:start", &[json!({"state": "s"})]).is_err());
}

async fn started(f: &mut Fixture, flow: serde_json::Value) -> OAuthPrompt {
    assert!(
        f.server.oauth_start(&f.agent, flow).await,
        "the server relays it"
    );
    match wait_change(&mut f.changes, "oauth started", |c| {
        matches!(c, InboxChange::OAuthStarted(_))
    })
    .await
    {
        InboxChange::OAuthStarted(p) => p,
        _ => unreachable!(),
    }
}

async fn ended(f: &mut Fixture, state: &str) -> OAuthOutcome {
    match wait_change(
        &mut f.changes,
        "oauth ended",
        |c| matches!(c, InboxChange::OAuthEnded { state: s, .. } if s == state),
    )
    .await
    {
        InboxChange::OAuthEnded { outcome, .. } => outcome,
        _ => unreachable!(),
    }
}

/// An authorization-code flow opens a prompt with its link (https) and closes it when
/// the provider's redirect brings the code through the server's relay.
#[tokio::test]
async fn a_prompt_opens_and_ends_with_its_code() {
    let mut f = Fixture::start().await;
    let prompt = started(
        &mut f,
        json!({"state": "st-code", "provider": "github",
               "authUrl": "https://github.com/login/oauth/authorize?client_id=x&state=st-code"}),
    )
    .await;
    assert_eq!(prompt.channel_id, f.agent);
    assert_eq!(prompt.provider, "github");
    assert_eq!(
        prompt.link(),
        Some("https://github.com/login/oauth/authorize?client_id=x&state=st-code")
    );
    assert!(!prompt.is_unsafe());
    let ten_minutes = prompt.expires_at - prompt.started_at;
    assert_eq!(
        ten_minutes,
        chrono::Duration::minutes(10),
        "the relay's lifetime"
    );
    assert_eq!(f.inbox.oauth_prompts(), std::slice::from_ref(&prompt));

    assert!(f.server.oauth_code("st-code", "the-code").await, "relayed");
    assert_eq!(ended(&mut f, "st-code").await, OAuthOutcome::Completed);
    assert!(f.inbox.oauth_prompt("st-code").is_none(), "closed");
    f.session.shutdown().await;
}

/// A provider's refusal comes through the relay as `oauth:error`: the prompt ends as
/// failed, with the provider's words.
#[tokio::test]
async fn a_refused_flow_ends_as_failed() {
    let mut f = Fixture::start().await;
    started(
        &mut f,
        json!({"state": "st-denied", "provider": "google", "authUrl": "https://accounts.google.com/o/oauth2/auth"}),
    )
    .await;
    let mut callback = url(&f.server).join("api/v1/oauth/callback");
    callback
        .query_pairs_mut()
        .append_pair("state", "st-denied")
        .append_pair("error", "access_denied")
        .append_pair("error_description", "The user said no");
    let page = reqwest::get(callback).await.expect("the callback answers");
    assert_eq!(page.status().as_u16(), 200, "the failure page");
    assert_eq!(
        ended(&mut f, "st-denied").await,
        OAuthOutcome::Failed {
            error: "access_denied".into(),
            description: Some("The user said no".into())
        }
    );
    assert!(f.inbox.oauth_prompts().is_empty());
    f.session.shutdown().await;
}

/// A link that is not https (nor http to this computer) is not offered: the prompt is
/// kept, flagged, with the link as text only.
#[tokio::test]
async fn an_unsafe_link_is_flagged_not_offered() {
    let mut f = Fixture::start().await;
    let prompt = started(
        &mut f,
        json!({"state": "st-plain", "provider": "github", "authUrl": "http://github.example/authorize"}),
    )
    .await;
    assert!(prompt.is_unsafe(), "flagged");
    assert_eq!(prompt.link(), None, "not offered");
    assert_eq!(prompt.auth_url, None);
    assert_eq!(prompt.unsafe_links, ["http://github.example/authorize"]);
    assert_eq!(f.inbox.oauth_prompt("st-plain"), Some(prompt));
    f.session.shutdown().await;
}

/// A device-code flow ends by itself when its code expires (`expiresIn`), through the
/// session's clock.
#[tokio::test]
async fn a_device_code_prompt_ends_when_its_code_expires() {
    let mut f = Fixture::start().await;
    let prompt = started(
        &mut f,
        json!({"state": "st-device", "provider": "github", "deviceCode": {
            "verificationUri": "https://github.com/login/device", "userCode": "WDJB-MJHT", "expiresIn": 1}}),
    )
    .await;
    assert_eq!(prompt.link(), Some("https://github.com/login/device"));
    assert_eq!(prompt.device_code.as_ref().unwrap().user_code, "WDJB-MJHT");
    assert_eq!(ended(&mut f, "st-device").await, OAuthOutcome::Expired);
    assert!(f.inbox.oauth_prompts().is_empty());
    f.session.shutdown().await;
}
