use placet_client::protocol::{Review, ReviewKind};
use placet_client::{Answer, InvalidAnswer};
use serde_json::{json, Map, Value};

fn review(type_name: &str, payload: Value) -> Review {
    Review::pending(ReviewKind::from_parts(type_name, payload))
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().expect("object")
}

fn form_answer(values: Value) -> Answer {
    Answer::Form {
        values: obj(values),
    }
}

fn approval() -> Review {
    review(
        "approval",
        json!({"options": [{"id": "approve", "label": "Approve", "style": "primary"},
                           {"id": "reject", "label": "Reject", "style": "danger"}],
               "allowComment": true}),
    )
}

/// Approval: the chosen option, with a trimmed comment only when there is one.
#[test]
fn approval_answers() {
    let r = approval();
    let ok = r
        .validate(&Answer::Approval {
            option_id: "approve".into(),
            comment: None,
        })
        .unwrap();
    assert_eq!(ok.to_value(), json!({"selectedOption": "approve"}));
    let ok = r
        .validate(&Answer::Approval {
            option_id: "reject".into(),
            comment: Some("  not today \n".into()),
        })
        .unwrap();
    assert_eq!(
        ok.to_value(),
        json!({"selectedOption": "reject", "comment": "not today"})
    );
    let blank = r
        .validate(&Answer::Approval {
            option_id: "reject".into(),
            comment: Some("   ".into()),
        })
        .unwrap();
    assert_eq!(
        blank.to_value(),
        json!({"selectedOption": "reject"}),
        "blank comments are left out"
    );

    let err = r
        .validate(&Answer::Approval {
            option_id: "maybe".into(),
            comment: None,
        })
        .unwrap_err();
    assert!(matches!(err, InvalidAnswer::UnknownOption { .. }));
    assert!(err.to_string().contains("approve, reject"), "{err}");

    let no_comment = review("approval", json!({}));
    let err = no_comment
        .validate(&Answer::Approval {
            option_id: "approve".into(),
            comment: Some("hi".into()),
        })
        .unwrap_err();
    assert_eq!(err, InvalidAnswer::CommentNotAllowed);
    assert_eq!(
        no_comment.validate(&Answer::Dismiss).unwrap_err(),
        InvalidAnswer::DismissNotOffered
    );
    assert!(matches!(
        no_comment.validate(&Answer::Text { text: "x".into() }),
        Err(InvalidAnswer::WrongKind {
            expected: "approval",
            ..
        })
    ));
}

/// A review that is answered or expired takes no answer.
#[test]
fn closed_reviews_take_no_answer() {
    let mut r = approval();
    r.status = placet_client::protocol::ReviewStatus::Expired;
    let err = r
        .validate(&Answer::Approval {
            option_id: "approve".into(),
            comment: None,
        })
        .unwrap_err();
    assert_eq!(err, InvalidAnswer::NotPending { status: "expired" });
}

/// Selection: at least one known id, exactly one in single mode, in the order chosen.
#[test]
fn selection_answers() {
    let items =
        json!([{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]);
    let single = review("selection", json!({"items": items}));
    let multi = review(
        "selection",
        json!({"mode": "multi", "items": items, "dismissLabel": "Skip"}),
    );
    let sel = |ids: &[&str]| Answer::Selection {
        ids: ids.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        single.validate(&sel(&["b"])).unwrap().to_value(),
        json!({"selectedIds": ["b"]})
    );
    assert_eq!(
        multi.validate(&sel(&["c", "a"])).unwrap().to_value(),
        json!({"selectedIds": ["c", "a"]}),
        "order of choosing is kept, as the web UI's Set does"
    );
    assert_eq!(
        single.validate(&sel(&[])).unwrap_err(),
        InvalidAnswer::NothingSelected
    );
    assert_eq!(
        single.validate(&sel(&["a", "b"])).unwrap_err(),
        InvalidAnswer::NotSingle { count: 2 }
    );
    assert!(matches!(
        multi.validate(&sel(&["a", "zz"])).unwrap_err(),
        InvalidAnswer::UnknownItem { id, .. } if id == "zz"
    ));
    assert!(matches!(
        multi.validate(&sel(&["a", "a"])).unwrap_err(),
        InvalidAnswer::DuplicateItem { .. }
    ));
    assert_eq!(
        multi.validate(&Answer::Dismiss).unwrap().to_value(),
        json!({"_dismissed": true})
    );
    assert_eq!(
        single.validate(&Answer::Dismiss).unwrap_err(),
        InvalidAnswer::DismissNotOffered
    );
}

/// Text input: trimmed, not blank, within minLength/maxLength (in characters).
#[test]
fn text_input_answers() {
    let r = review(
        "text-input",
        json!({"minLength": 3, "maxLength": 5, "dismissLabel": "No thanks"}),
    );
    let text = |t: &str| Answer::Text { text: t.into() };
    assert_eq!(
        r.validate(&text("  abcd  ")).unwrap().to_value(),
        json!({"text": "abcd"})
    );
    assert_eq!(
        r.validate(&text("ééé")).unwrap().to_value(),
        json!({"text": "ééé"}),
        "characters, not bytes"
    );
    assert_eq!(
        r.validate(&text("  \n ")).unwrap_err(),
        InvalidAnswer::BlankText
    );
    assert_eq!(
        r.validate(&text("ab")).unwrap_err(),
        InvalidAnswer::TooShort { min: 3, len: 2 }
    );
    assert_eq!(
        r.validate(&text("abcdef")).unwrap_err(),
        InvalidAnswer::TooLong { max: 5, len: 6 }
    );
    assert_eq!(
        r.validate(&Answer::Dismiss).unwrap().to_value(),
        json!({"_dismissed": true})
    );
}

/// A plain freeform review takes any object, and nothing else.
#[test]
fn freeform_answers() {
    let object = obj(json!({"verdict": "ok", "score": 3, "nested": {"a": [1, 2]}}));
    for r in [
        review("freeform", json!({})),
        review("freeform", json!({"schema": {"type": "object"}})),
    ] {
        let ok = r
            .validate(&Answer::Freeform {
                object: object.clone(),
            })
            .unwrap();
        assert_eq!(ok.as_object(), &object);
        assert!(matches!(
            r.validate(&Answer::Approval {
                option_id: "approve".into(),
                comment: None
            }),
            Err(InvalidAnswer::WrongKind {
                expected: "freeform",
                ..
            })
        ));
    }
}

fn all_fields_form() -> Review {
    review(
        "form",
        json!({"fields": [
            {"name": "title", "type": "text", "label": "Title", "required": true},
            {"name": "count", "type": "number", "label": "Count", "min": 1, "max": 10, "step": 1},
            {"name": "mail", "type": "email", "label": "Email"},
            {"name": "site", "type": "url", "label": "Site"},
            {"name": "notes", "type": "textarea", "label": "Notes"},
            {"name": "env", "type": "select", "label": "Environment", "options": ["staging", {"label": "Production", "value": "prod"}]},
            {"name": "agree", "type": "checkbox", "label": "Agree", "description": "I agree"},
            {"name": "day", "type": "date", "label": "Day"},
            {"name": "at", "type": "time", "label": "At"},
            {"name": "when", "type": "datetime", "label": "When"},
            {"name": "level", "type": "range", "label": "Level", "min": 10, "max": 50, "step": 5, "unit": "%"},
            {"name": "secret", "type": "password", "label": "Secret"},
            {"name": "region", "type": "text", "label": "Region", "defaultValue": "eu"},
            {"name": "retries", "type": "number", "label": "Retries", "defaultValue": 3},
            {"name": "notify", "type": "checkbox", "label": "Notify", "defaultValue": true}
        ], "dismissLabel": "Cancel"}),
    )
}

/// A form answer carries defaults as given, a range at its minimum, and omits untouched
/// fields without a default: exactly what the web UI sends.
#[test]
fn form_answer_matches_the_web_ui() {
    let r = all_fields_form();
    let ok = r
        .validate(&form_answer(json!({"title": "Release"})))
        .unwrap();
    assert_eq!(
        ok.to_value(),
        json!({"title": "Release", "level": 10, "region": "eu", "retries": 3, "notify": true})
    );
    let full = json!({
        "title": "Release", "count": "7", "mail": "ops@example.com", "site": "https://example.com/x",
        "notes": "multi\nline", "env": "prod", "agree": true, "day": "2026-02-28", "at": "09:30",
        "when": "2026-02-28T09:30", "level": 35, "secret": "hunter2", "region": "us",
        "retries": "5", "notify": false
    });
    let ok = r.validate(&form_answer(full.clone())).unwrap();
    assert_eq!(
        ok.to_value(),
        full,
        "every field type in the web UI's shape"
    );
    assert_eq!(
        r.validate(&Answer::Dismiss).unwrap().to_value(),
        json!({"_dismissed": true})
    );
}

/// Each field type refuses values that do not fit it.
#[test]
fn form_rejects_bad_values_of_every_field_type() {
    let r = all_fields_form();
    let cases = [
        ("title", json!(5), "must be text"),
        ("count", json!("abc"), "not a number"),
        ("count", json!("0"), "below the minimum"),
        ("count", json!("11"), "above the maximum"),
        ("count", json!("2.5"), "not a multiple"),
        ("mail", json!("not-an-email"), "not an email"),
        ("mail", json!("a@b@c"), "not an email"),
        ("site", json!("example.com"), "not a full URL"),
        ("notes", json!(["x"]), "must be text"),
        ("env", json!("Production"), "not one of"),
        ("agree", json!("yes"), "true or false"),
        ("day", json!("2026-02-30"), "not a date"),
        ("day", json!("28.02.2026"), "not a date"),
        ("at", json!("9:30"), "not a time"),
        ("at", json!("24:00"), "not a time"),
        ("when", json!("2026-02-28 09:30"), "not a date and time"),
        ("level", json!("35"), "must be a number"),
        ("level", json!(55), "above the maximum"),
        ("level", json!(12), "not a multiple"),
        ("secret", json!(false), "must be text"),
    ];
    for (field, value, expected) in cases {
        let mut values = json!({"title": "T"});
        values[field] = value.clone();
        let err = r
            .validate(&form_answer(values))
            .expect_err(&format!("{field}={value} must fail"));
        assert!(
            err.to_string().contains(expected),
            "{field}={value}: `{err}` should mention `{expected}`"
        );
    }
}

/// Required fields must be present and not blank; unknown fields are refused; an
/// optional field may be cleared to "".
#[test]
fn form_required_and_unknown_fields() {
    let r = all_fields_form();
    assert_eq!(
        r.validate(&form_answer(json!({}))).unwrap_err(),
        InvalidAnswer::MissingRequired {
            field: "Title".into()
        }
    );
    assert_eq!(
        r.validate(&form_answer(json!({"title": "   "})))
            .unwrap_err(),
        InvalidAnswer::MissingRequired {
            field: "Title".into()
        }
    );
    assert!(matches!(
        r.validate(&form_answer(json!({"title": "x", "bogus": 1}))).unwrap_err(),
        InvalidAnswer::UnknownField { name, .. } if name == "bogus"
    ));
    let cleared = r
        .validate(&form_answer(json!({"title": "x", "mail": "", "count": ""})))
        .unwrap();
    assert_eq!(cleared.as_object()["mail"], "");

    let checkbox_required = review(
        "form",
        json!({"fields": [{"name": "ok", "type": "checkbox", "label": "OK", "required": true}]}),
    );
    assert!(checkbox_required.validate(&form_answer(json!({}))).is_err());
    assert_eq!(
        checkbox_required
            .validate(&form_answer(json!({"ok": false})))
            .unwrap()
            .to_value(),
        json!({"ok": false}),
        "the web UI counts an unticked box as filled"
    );
}

/// A select field without options is a text field, as in the web UI.
#[test]
fn select_without_options_takes_text() {
    let r = review(
        "form",
        json!({"fields": [{"name": "s", "type": "select", "label": "S"}]}),
    );
    assert!(r.validate(&form_answer(json!({"s": "anything"}))).is_ok());
}

/// Command-line `NAME=VALUE` values become the web UI's shapes.
#[test]
fn cli_field_values_are_typed_per_field() {
    let r = all_fields_form();
    let ReviewKind::Form(p) = &r.kind else {
        panic!()
    };
    assert_eq!(
        p.parse_cli_field("agree=yes").unwrap(),
        ("agree".into(), json!(true))
    );
    assert_eq!(
        p.parse_cli_field("level=35").unwrap(),
        ("level".into(), json!(35))
    );
    assert_eq!(
        p.parse_cli_field("count=7").unwrap(),
        ("count".into(), json!("7"))
    );
    assert_eq!(
        p.parse_cli_field("title=a=b").unwrap(),
        ("title".into(), json!("a=b"))
    );
    assert!(p.parse_cli_field("agree=perhaps").is_err());
    assert!(p.parse_cli_field("nothing").is_err());
    assert!(matches!(
        p.parse_cli_field("nope=1").unwrap_err(),
        InvalidAnswer::UnknownField { .. }
    ));
}

/// Plugin reviews, unknown types and payloads that do not fit refuse every answer,
/// freeform included, with "open it in Placet".
#[test]
fn reviews_that_must_not_be_guessed_refuse_every_answer() {
    let object = obj(json!({"anything": true}));
    for r in [
        review("freeform", json!({"plugin": "diff-viewer"})),
        review("code-review", json!({"diff": "+x"})),
        review(
            "approval",
            json!({"options": [{"id": 7, "label": "Seven"}]}),
        ),
    ] {
        for answer in [
            Answer::Freeform {
                object: object.clone(),
            },
            Answer::Approval {
                option_id: "approve".into(),
                comment: None,
            },
            Answer::Dismiss,
        ] {
            let err = r.validate(&answer).unwrap_err();
            assert!(
                matches!(err, InvalidAnswer::NotAnswerableHere(_)),
                "{:?} / {answer:?}: {err:?}",
                r.kind
            );
            assert!(err.to_string().contains("open it in Placet"), "{err}");
        }
    }
}
