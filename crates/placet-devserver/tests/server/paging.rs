//! `limit` as the controllers parse it (`parseInt`) and Prisma applies it (`take`),
//! and the long poll's `timeout`, which is parsed the same way.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{approval, server, Api};

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

/// On both list routes: `limit=0` is an empty page without `nextCursor`; `1.9` and
/// `2x` are 1 and 2; a negative limit takes the oldest messages (or those before the
/// cursor), still newest first, with `nextCursor` null; `abc` is a 500; over 100 is 100.
#[tokio::test]
async fn odd_limits() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(seed.admin()).await;
    let channel = seed.deploy_bot().id.clone();
    let mut sent = Vec::new();
    for n in 0..4 {
        let m = api
            .post_message(
                key,
                json!({ "channelId": channel, "text": format!("m{n}") }),
            )
            .await;
        sent.push(m["id"].as_str().unwrap().to_owned());
    }
    let newest_first: Vec<String> = sent.iter().rev().cloned().collect();
    let human = |q: &str| format!("/api/messages?channel={channel}&{q}");
    let agent = |q: &str| format!("/api/v1/messages?channel={channel}&{q}");
    for (family, (status, page)) in [
        ("human", api.get(&human("limit=0"), &jwt).await),
        ("agent", api.agent_get(&agent("limit=0"), key).await),
    ] {
        assert_eq!(status, StatusCode::OK, "{family} limit=0");
        assert_eq!(
            page,
            json!({ "data": [] }),
            "{family}: nothing, and no nextCursor key"
        );
    }
    for (family, (_, page)) in [
        ("human", api.get(&human("limit=1.9"), &jwt).await),
        ("agent", api.agent_get(&agent("limit=1.9"), key).await),
    ] {
        assert_eq!(
            ids(&page),
            newest_first[..1],
            "{family}: parseInt(1.9) is 1"
        );
        assert_eq!(
            page["nextCursor"],
            newest_first[0].as_str(),
            "{family}: a full page"
        );
    }
    let (_, page) = api.get(&human("limit=2x"), &jwt).await;
    assert_eq!(ids(&page), newest_first[..2], "parseInt(\"2x\") is 2");
    let (_, page) = api.get(&human("limit=-2"), &jwt).await;
    assert_eq!(
        ids(&page),
        newest_first[2..],
        "take -2: the two oldest, newest first"
    );
    assert_eq!(
        page["nextCursor"],
        Value::Null,
        "a negative take never fills the page"
    );
    let (_, page) = api
        .get(
            &human(&format!("limit=-1&cursor={}", newest_first[1])),
            &jwt,
        )
        .await;
    assert_eq!(
        ids(&page),
        newest_first[..1],
        "take -1 from the cursor: the one before it"
    );
    let (_, page) = api.agent_get(&agent("limit=1000"), key).await;
    assert_eq!(ids(&page).len(), 4, "capped at 100, all four");
    for (family, (status, body)) in [
        ("human", api.get(&human("limit=abc"), &jwt).await),
        ("agent", api.agent_get(&agent("limit=abc"), key).await),
    ] {
        assert_eq!(
            (status, body["message"].clone()),
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!("Internal server error")
            ),
            "{family}: NaN makes the query fail"
        );
    }
}

/// The long poll reads `timeout` with `parseInt` too: `1200ms` waits 1.2 s.
#[tokio::test]
async fn wait_timeout_is_parsed_like_parse_int() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let review = api.post_message(key, approval(&channel)).await;
    let started = Instant::now();
    let (status, body) = api
        .agent_get(
            &format!(
                "/api/v1/reviews/{}/wait?channel={channel}&timeout=1200ms",
                review["id"].as_str().unwrap()
            ),
            key,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "status": "timeout" })),
        "timed out"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "after about 1.2 s, not the 30 s default: {:?}",
        started.elapsed()
    );
}
