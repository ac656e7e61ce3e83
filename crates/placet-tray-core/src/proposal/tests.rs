use super::*;
use serde_json::json;

fn kind(type_name: &str, payload: Value) -> ReviewKind {
    ReviewKind::from_parts(type_name, payload)
}

fn sent(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

/// A form shows every value it sends, under the field's label, and a password as
/// dots with its length; the JSON shows the password as dots too.
#[test]
fn a_form_is_shown_whole_with_passwords_as_dots() {
    let k = kind(
        "form",
        json!({"fields": [
            {"name": "host", "type": "text", "label": "Host"},
            {"name": "pw", "type": "password", "label": "Password"},
            {"name": "ok", "type": "checkbox", "label": "Sure"}
        ]}),
    );
    let s = sent(json!({"host": "db-1", "pw": "hunter2", "ok": true}));
    let rows = answer_rows(&k, &Answer::Form { values: s.clone() }, &s);
    let shown: Vec<(&str, &str, bool)> = rows
        .iter()
        .map(|r| (r.label.as_str(), r.value.as_str(), r.secret))
        .collect();
    assert_eq!(
        shown,
        [
            ("Host", "db-1", false),
            ("Password", "••••••• (7 characters)", true),
            ("Sure", "Yes", false)
        ]
    );
    let j = masked_json(&k, &s);
    assert!(!j.contains("hunter2"), "no password in the JSON: {j}");
    assert!(j.contains("•••••••"), "{j}");
    let earlier = hide_passwords(&k, &Value::Object(s.clone()));
    assert_eq!(
        earlier["pw"], "••••••••",
        "an earlier round hides even the length"
    );
    assert_eq!(earlier["host"], "db-1");
}

/// An approval shows the option's label with its id, and the whole comment.
#[test]
fn an_approval_shows_label_id_and_comment() {
    let k = kind(
        "approval",
        json!({"allowComment": true, "options": [{"id": "go", "label": "Deploy"}]}),
    );
    let long = "x".repeat(2000);
    let s = sent(json!({"selectedOption": "go", "comment": long}));
    let rows = answer_rows(
        &k,
        &Answer::Approval {
            option_id: "go".into(),
            comment: Some(long.clone()),
        },
        &s,
    );
    assert_eq!(rows[0].value, "Deploy");
    assert_eq!(rows[0].key.as_deref(), Some("go"));
    assert_eq!(
        rows[1].value.chars().count(),
        2000,
        "the comment is not cut"
    );
}

/// One proposal per review, a handful in all; a decision reaches the flow once.
#[test]
fn proposals_are_limited_and_decided_once() {
    let proposals = Proposals::default();
    let new = |id: &str| NewProposal {
        what: Proposed::Answer {
            message: Arc::new(
                serde_json::from_value(json!({
                    "id": id, "channelId": "a1", "text": "?",
                    "review": {"type": "text-input", "status": "pending", "payload": {}},
                    "createdAt": "2026-01-01T00:00:00.000Z"
                }))
                .unwrap(),
            ),
            answer: Answer::Text { text: "t".into() },
            response: ValidResponse::from_stored(sent(json!({"text": "t"}))),
            feedback: None,
            danger: false,
        },
        proposer: "a test".into(),
    };
    let (first, mut rx) = proposals.add(new("m1")).unwrap();
    assert_eq!(proposals.add(new("m1")).unwrap_err(), Busy::SameReview);
    for i in 2..=MAX_WAITING {
        proposals.add(new(&format!("m{i}"))).unwrap();
    }
    assert_eq!(proposals.add(new("m99")).unwrap_err(), Busy::TooMany);
    assert!(proposals.decide(first, true));
    assert_eq!(rx.try_recv(), Ok(true));
    assert!(!proposals.decide(first, false), "decided once");
    proposals.set_state(first, ProposalState::Confirmed);
    proposals
        .add(new("m1"))
        .expect("a settled proposal frees its review");
}

/// A proposed message shows whole, to its agent, as the JSON the server receives; it
/// counts toward the limit but never blocks another message to the same agent.
#[test]
fn a_proposed_message_is_shown_whole() {
    let proposals = Proposals::default();
    let agent: placet_client::protocol::Agent =
        serde_json::from_value(json!({"id": "a1", "name": "Deploy Bot"})).unwrap();
    let text = "Line one <b>not bold</b>\nline two";
    let new = || NewProposal {
        what: Proposed::Reply {
            agent: agent.clone(),
            text: text.into(),
        },
        proposer: "a test".into(),
    };
    let (id, _rx) = proposals.add(new()).unwrap();
    proposals.add(new()).expect("not one per agent");
    let v = proposals.view(id, "ignored", String::new()).unwrap();
    assert_eq!(v.kind, crate::ipc::views::ProposalKind::Reply);
    assert_eq!(v.agent_name, "Deploy Bot");
    assert_eq!(v.state, ProposalState::Waiting);
    assert!(!v.danger);
    assert_eq!(v.rows.len(), 1);
    assert_eq!(v.rows[0].value, text, "as written, never cut");
    assert!(v.rows[0].block);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&v.json).unwrap(),
        json!({"channelId": "a1", "text": text})
    );
    assert!(proposals.message_of(id).is_none(), "no review");
}
