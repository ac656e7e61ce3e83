use super::*;

/// Serves one connection on `server` and answers its request with `Done`; returns
/// what arrived.
fn door(
    server: tokio::io::DuplexStream,
    greeting: Option<&str>,
) -> tokio::task::JoinHandle<Option<Request>> {
    let (tx, mut rx) = mpsc::channel(1);
    tokio::spawn(serve_one(
        server,
        greeting.map(str::to_owned),
        Peer::default(),
        tx,
    ));
    tokio::spawn(async move {
        let incoming = rx.recv().await?;
        let _ = incoming.reply.send(Reply::Done);
        Some(incoming.request)
    })
}

/// Without a greeting (the Unix socket), one request and its reply.
#[tokio::test]
async fn a_plain_door_answers() {
    let (client, server) = tokio::io::duplex(4096);
    let seen = door(server, None);
    let reply = exchange(client, None, &Request::Show, Duration::from_secs(5)).await;
    assert_eq!(reply.ok(), Some(Reply::Done), "the reply comes back");
    assert!(
        matches!(seen.await.unwrap(), Some(Request::Show)),
        "the request arrived"
    );
}

/// A door that greets with the expected token (the Windows pipe) is asked.
#[tokio::test]
async fn a_door_that_greets_rightly_answers() {
    let (client, server) = tokio::io::duplex(4096);
    let seen = door(server, Some("t0k3n"));
    let reply = exchange(
        client,
        Some("t0k3n"),
        &Request::Show,
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(reply.ok(), Some(Reply::Done), "the reply comes back");
    assert!(seen.await.unwrap().is_some(), "the request arrived");
}

/// A door that greets otherwise (another user's program holding the pipe's name) is
/// never sent the request.
#[tokio::test]
async fn a_stranger_door_learns_nothing() {
    let (client, server) = tokio::io::duplex(4096);
    let seen = door(server, Some("someone else"));
    let propose = Request::Propose {
        message_id: "m1".into(),
        answer: Answer::Approval {
            option_id: "approve".into(),
            comment: None,
        },
        feedback: None,
    };
    let reply = exchange(client, Some("t0k3n"), &propose, Duration::from_secs(5)).await;
    assert!(
        matches!(reply, Err(DoorError::Protocol(ref m)) if m == NOT_OURS),
        "refused: {reply:?}"
    );
    assert!(seen.await.unwrap().is_none(), "nothing reached the door");
}
