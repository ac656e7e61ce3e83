use placet_client::protocol::{
    FieldType, OptionStyle, ReviewKind, ReviewStatus, SelectionMode, ServerEvent, StreamState,
};
use placet_client::Message;
use serde_json::json;

fn message(review: serde_json::Value) -> serde_json::Value {
    json!({
        "id": "m1", "channelId": "a1", "senderType": "agent", "senderId": "a1",
        "text": "Deploy **v2**?", "status": null, "review": review, "metadata": null,
        "clientId": null, "streamId": null, "streamState": null, "deliveryStatus": "sent",
        "iterationGroupId": null, "iteration": null,
        "createdAt": "2026-01-01T10:00:00.000Z", "updatedAt": "2026-01-01T10:00:00.000Z",
        "attachments": [{"id": "f1", "messageId": "m1", "channelId": "a1", "pluginType": "local",
            "filename": "plan.md", "mimeType": "text/markdown", "size": 12, "storageKey": "k",
            "pluginData": null, "createdAt": "2026-01-01T10:00:00.000Z"}],
        "agentName": "Deploy Bot",
        "agent": {"id": "a1", "managementApiKey": "secret-mgmt-key", "webhookAuth": {"password": "pw"}},
        "someFutureField": {"nested": true}
    })
}

/// A full message decodes, unknown fields are ignored and the raw agent row is dropped.
#[test]
fn message_decodes_and_drops_the_agent_row() {
    let m: Message = serde_json::from_value(message(json!({
        "type": "approval", "status": "pending", "expiresAt": "2026-01-02T10:00:00.000Z",
        "payload": {"options": [{"id": "ok", "label": "Ship it", "style": "primary"},
                                 {"id": "no", "label": "Stop", "style": "danger"}], "allowComment": true}
    })))
    .expect("message decodes");
    assert_eq!(m.agent_name.as_deref(), Some("Deploy Bot"));
    assert_eq!(m.attachments[0].size, Some(12));
    assert!(m.is_pending_review());
    let ReviewKind::Approval(p) = &m.review.as_ref().unwrap().kind else {
        panic!("approval expected")
    };
    assert_eq!(p.options[1].style, OptionStyle::Danger);
    assert!(p.allow_comment);
    let back = serde_json::to_string(&m).unwrap();
    assert!(
        !back.contains("secret-mgmt-key"),
        "the raw agent row must not survive: {back}"
    );
    assert!(back.contains(r#""renderAs":"approval""#), "{back}");
}

/// Missing approval options default to Approve/Reject, as in the web UI.
#[test]
fn approval_without_options_gets_the_defaults() {
    let kind = ReviewKind::from_parts("approval", json!({}));
    let ReviewKind::Approval(p) = kind else {
        panic!("approval expected")
    };
    let ids: Vec<&str> = p.options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["approve", "reject"]);
    let kind = ReviewKind::from_parts("approval", serde_json::Value::Null);
    assert!(
        matches!(kind, ReviewKind::Approval(_)),
        "a null payload is an empty one"
    );
}

/// Unknown types and known types with a broken payload are kept raw and rendered as
/// "open in Placet", never as an editor that would guess the answer.
#[test]
fn unknown_and_malformed_reviews_are_external() {
    let kind = ReviewKind::from_parts("code-review", json!({"diff": "+x"}));
    assert_eq!(kind.type_name(), "code-review", "the server's type is kept");
    assert_eq!(kind.render_as(), "external", "unknown type");
    let kind = ReviewKind::from_parts("selection", json!({"items": "not a list"}));
    assert!(
        matches!(&kind, ReviewKind::Unknown { type_name, payload, .. } if type_name == "selection" && payload["items"] == "not a list"),
        "{kind:?}"
    );
    assert_eq!(kind.render_as(), "external", "malformed payload");
}

/// Selection, form and text-input payloads decode with defaults and lenient numbers.
#[test]
fn typed_payloads_decode_with_defaults() {
    let ReviewKind::Selection(s) = ReviewKind::from_parts(
        "selection",
        json!({"mode": "multi", "items": [{"id": "a", "label": "A", "description": "first"}]}),
    ) else {
        panic!()
    };
    assert_eq!(s.mode, SelectionMode::Multi);
    assert_eq!(s.submit_label, "Confirm Selection");
    let ReviewKind::Selection(s) = ReviewKind::from_parts(
        "selection",
        json!({"mode": "weird", "items": [{"id": "a", "label": "A"}]}),
    ) else {
        panic!()
    };
    assert_eq!(s.mode, SelectionMode::Single, "unknown mode is single");

    let ReviewKind::Form(f) = ReviewKind::from_parts(
        "form",
        json!({"fields": [
            {"name": "n", "type": "number", "label": "N", "min": "1", "max": 10, "step": 0.5},
            {"name": "s", "type": "select", "label": "S", "options": ["x", {"label": "Why", "value": "y"}, 3]},
            {"name": "z", "type": "colour", "label": "Z"}
        ], "submitLabel": null}),
    ) else {
        panic!()
    };
    assert_eq!(f.submit_label, "Submit");
    assert_eq!(f.fields[0].min, Some(1.0), "numeric strings are accepted");
    assert_eq!(f.fields[1].options[1].value, "y");
    assert_eq!(f.fields[1].options[2].value, "3");
    assert_eq!(
        f.fields[2].field_type,
        FieldType::Text,
        "unknown field types are text"
    );

    let ReviewKind::TextInput(t) = ReviewKind::from_parts(
        "text-input",
        json!({"minLength": 3, "maxLength": 10, "prefill": "hi"}),
    ) else {
        panic!()
    };
    assert_eq!((t.min_length, t.max_length), (Some(3), Some(10)));
    assert_eq!(t.submit_label, "Send Response");
}

/// Every server event decodes; malformed payloads are errors, unknown events are ignored.
#[test]
fn server_events_decode() {
    let created = ServerEvent::decode(
        "message:created",
        &[message(json!({"type": "freeform", "status": "pending"}))],
    )
    .unwrap()
    .unwrap();
    assert!(matches!(created, ServerEvent::MessageCreated(m) if m.id == "m1"));
    let expired = ServerEvent::decode("review:expired", &[json!({"messageId": "m9"})]).unwrap();
    assert_eq!(
        expired,
        Some(ServerEvent::ReviewExpired {
            message_id: "m9".into()
        })
    );
    let delivery = ServerEvent::decode(
        "message:delivery",
        &[json!({"messageId": "m9", "deliveryStatus": "agent_received"})],
    )
    .unwrap();
    assert!(matches!(
        delivery,
        Some(ServerEvent::MessageDelivery { .. })
    ));
    let status = ServerEvent::decode(
        "agent:status",
        &[json!({"agentId": "a1", "status": "busy", "statusMessage": "thinking", "statusSince": "2026-01-01T10:00:00.000Z"})],
    )
    .unwrap();
    assert!(matches!(status, Some(ServerEvent::AgentStatus(s)) if s.agent_id == "a1"));
    assert_eq!(
        ServerEvent::decode("pong", &[]).unwrap(),
        Some(ServerEvent::Pong)
    );
    assert_eq!(
        ServerEvent::decode("message:delta", &[json!({})]).unwrap(),
        None
    );

    assert!(ServerEvent::decode("message:created", &[json!({"id": 5})]).is_err());
    assert!(ServerEvent::decode("review:expired", &[]).is_err());
    assert!(ServerEvent::decode("review:responded", &[json!("text")]).is_err());
}

/// Review statuses and timestamps decode leniently: a bad expiry does not hide a review.
#[test]
fn review_status_and_times() {
    let m: Message = serde_json::from_value(message(json!({
        "type": "text-input", "status": "completed", "response": {"text": "ok"},
        "completedAt": "2026-01-01T11:00:00.000Z", "expiresAt": "not a date"
    })))
    .unwrap();
    let r = m.review.unwrap();
    assert_eq!(r.status, ReviewStatus::Completed);
    assert!(r.completed_at.is_some());
    assert!(r.expires_at.is_none());
}

/// A completed review's `feedback` and `modifiedFileIds` decode (the map's non-string
/// values are dropped, an empty or odd map is none) and go out to a UI in camelCase.
#[test]
fn review_feedback_and_modified_file_ids() {
    let m: Message = serde_json::from_value(message(json!({
        "type": "approval", "status": "completed", "response": {"selectedOption": "approve"},
        "feedback": "see the arrow", "modifiedFileIds": {"att-1": "att-2", "att-3": 7}
    })))
    .unwrap();
    let r = m.review.unwrap();
    assert_eq!(r.feedback.as_deref(), Some("see the arrow"));
    let ids = r.modified_file_ids.clone().unwrap();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(ids["att-1"], "att-2");
    let out = serde_json::to_value(&r).unwrap();
    assert_eq!(out["modifiedFileIds"], json!({"att-1": "att-2"}));
    assert_eq!(out["feedback"], "see the arrow");
    for odd in [json!(null), json!({}), json!(["att-1"]), json!("x")] {
        let m: Message = serde_json::from_value(message(json!({
            "type": "approval", "status": "completed", "modifiedFileIds": odd
        })))
        .unwrap();
        assert_eq!(m.review.unwrap().modified_file_ids, None, "{odd}");
    }
}

/// A freeform review naming a plugin, and any review on a message whose
/// `metadata.plugin` is set, are plugin reviews: external, never answered here.
#[test]
fn plugin_reviews_are_external() {
    let kind = ReviewKind::from_parts("freeform", json!({"plugin": "diff-viewer", "diff": "+x"}));
    assert!(
        matches!(&kind, ReviewKind::Plugin { name, type_name, .. } if name == "diff-viewer" && type_name == "freeform"),
        "{kind:?}"
    );
    assert_eq!(kind.render_as(), "external");
    let err = kind.answerable().unwrap_err();
    assert!(err.to_string().contains("diff-viewer"), "{err}");
    assert!(
        err.to_string().ends_with("open it in Placet to answer it"),
        "{err}"
    );

    let mut raw = message(json!({"type": "approval", "status": "pending", "payload": {}}));
    raw["metadata"] = json!({"plugin": "chart", "series": [1, 2]});
    let m: Message = serde_json::from_value(raw).unwrap();
    assert_eq!(m.plugin(), Some("chart"));
    let review = m.review.as_ref().unwrap();
    assert!(
        matches!(&review.kind, ReviewKind::Plugin { name, type_name, .. } if name == "chart" && type_name == "approval"),
        "the web UI draws the plugin instead of the review card: {:?}",
        review.kind
    );
    let out = serde_json::to_value(review).unwrap();
    assert_eq!(out["renderAs"], "external");
    assert_eq!(out["plugin"], "chart");
    assert_eq!(out["type"], "approval", "the server's type is kept");
    assert!(
        out["notAnswerable"]
            .as_str()
            .unwrap_or("")
            .contains("open it in Placet"),
        "{out}"
    );
}

/// Payloads that decode but cannot be answered without guessing are external too.
#[test]
fn payloads_that_do_not_fit_are_external() {
    for (type_name, payload, why) in [
        (
            "approval",
            json!({"options": [{"id": "ok"}]}),
            "an option without a label",
        ),
        (
            "approval",
            json!({"options": [{"id": 1, "label": "One"}]}),
            "a numeric id",
        ),
        ("approval", json!({"options": []}), "no options"),
        (
            "approval",
            json!({"options": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}),
            "two options with one id",
        ),
        ("selection", json!({"items": []}), "no items"),
        (
            "selection",
            json!({"items": [{"id": "", "label": "Empty"}]}),
            "an empty id",
        ),
        (
            "form",
            json!({"fields": [{"name": "x", "type": "text"}, {"name": "x", "type": "number"}]}),
            "two fields with one name",
        ),
    ] {
        let kind = ReviewKind::from_parts(type_name, payload);
        assert_eq!(kind.render_as(), "external", "{why}: {kind:?}");
        assert!(kind.answerable().is_err(), "{why}");
        assert_eq!(kind.type_name(), type_name, "{why}");
    }
}

/// A plain freeform review stays answerable, and its `schema` hint is exposed.
#[test]
fn freeform_exposes_its_schema_hint() {
    let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}});
    let kind = ReviewKind::from_parts("freeform", json!({"schema": schema}));
    assert!(kind.answerable().is_ok());
    assert_eq!(kind.render_as(), "freeform");
    assert_eq!(kind.schema_hint(), Some(&schema));
    let out = serde_json::to_value(placet_client::Review::pending(kind)).unwrap();
    assert_eq!(out["schema"], schema, "serialised for the UI");
    assert!(out.get("notAnswerable").is_none());
    assert_eq!(
        ReviewKind::from_parts("freeform", json!({})).schema_hint(),
        None
    );
}

/// `streamId` and `streamState` decode with upstream's names and values.
#[test]
fn stream_fields_decode() {
    let mut raw = message(json!(null));
    raw["streamId"] = json!("turn-1");
    raw["streamState"] = json!("streaming");
    let m: Message = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(m.stream_id.as_deref(), Some("turn-1"));
    assert_eq!(m.stream_state, Some(StreamState::Streaming));
    assert!(m.is_streaming());
    raw["streamState"] = json!("aborted");
    let m: Message = serde_json::from_value(raw.clone()).unwrap();
    assert!(m.is_aborted());
    raw["streamState"] = json!("complete");
    let m: Message = serde_json::from_value(raw).unwrap();
    assert_eq!(m.stream_state, Some(StreamState::Complete));
    let back = serde_json::to_value(&m).unwrap();
    assert_eq!(back["streamState"], "complete");
    let plain: Message = serde_json::from_value(message(json!(null))).unwrap();
    assert_eq!(plain.stream_state, None, "null is an ordinary message");
}

/// `agent:status` decodes upstream's payload `{agentId, status, statusMessage,
/// statusSince}`, with a null message.
#[test]
fn agent_status_payload_decodes() {
    let s = ServerEvent::decode(
        "agent:status",
        &[
            json!({"agentId": "a1", "status": "busy", "statusMessage": null,
                 "statusSince": "2026-01-01T14:00:00.000Z"}),
        ],
    )
    .unwrap();
    let Some(ServerEvent::AgentStatus(s)) = s else {
        panic!("agent status expected: {s:?}")
    };
    assert_eq!(s.status, placet_client::protocol::AgentStatus::Busy);
    assert_eq!(s.status_message, None);
    assert_eq!(
        s.status_since.map(|t| t.to_rfc3339()),
        Some("2026-01-01T14:00:00+00:00".to_owned())
    );
}
