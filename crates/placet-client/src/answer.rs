//! Answers to reviews, checked against the review before anything is sent.
//!
//! The server stores any JSON object as a response (contract §3.3): it checks nothing
//! type-specific. So every answer, from a notification button, a window or the command
//! line, goes through [`Review::validate`], which applies the rules of the official web
//! UI (`review-card.tsx`) plus the payload's own limits, and produces the exact JSON the
//! web UI would send.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::protocol::{
    FieldType, FormField, FormPayload, NotAnswerable, Review, ReviewKind, ReviewStatus,
    SelectionMode, SelectionPayload, TextInputPayload,
};

/// What the person decided, before it is checked against the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Answer {
    /// An approval option, with an optional comment (only where `allowComment`).
    Approval {
        option_id: String,
        #[serde(default)]
        comment: Option<String>,
    },
    /// Selection item ids, in the order they were chosen.
    Selection { ids: Vec<String> },
    /// Form values by field name. Fields left out take their default (and a range its
    /// minimum), as in the web UI; fields without either are omitted.
    Form { values: Map<String, Value> },
    /// Text for a text-input review; sent trimmed.
    Text { text: String },
    /// Any JSON object, for a freeform review (without a plugin).
    Freeform { object: Map<String, Value> },
    /// Dismiss, where the payload offers `dismissLabel`.
    Dismiss,
}

impl Answer {
    /// A short description for logs and the decision log (never the values of a form,
    /// which may hold passwords).
    pub fn summary(&self) -> String {
        match self {
            Answer::Approval { option_id, .. } => format!("option {option_id}"),
            Answer::Selection { ids } => format!("selected {}", ids.join(", ")),
            Answer::Form { values } => format!("form with {} values", values.len()),
            Answer::Text { text } => format!("text of {} characters", text.chars().count()),
            Answer::Freeform { object } => format!("JSON object with {} keys", object.len()),
            Answer::Dismiss => "dismissed".to_owned(),
        }
    }
}

/// A response body that passed validation: the `response` object of
/// `POST /api/messages/:id/respond`, exactly as the web UI would send it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValidResponse(Map<String, Value>);

impl ValidResponse {
    /// The JSON object.
    pub fn as_object(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The JSON object as a value.
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// Wraps a response that was validated earlier and stored (the outbox).
    pub fn from_stored(object: Map<String, Value>) -> Self {
        Self(object)
    }

    fn dismissed() -> Self {
        let mut m = Map::new();
        m.insert("_dismissed".into(), Value::Bool(true));
        Self(m)
    }
}

/// Why an answer does not fit its review. The message is written for the person who
/// gave the answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidAnswer {
    #[error("this review is {status}, it can no longer be answered")]
    NotPending { status: &'static str },
    #[error("this is a {expected} review; a {given} answer does not fit it")]
    WrongKind {
        expected: &'static str,
        given: &'static str,
    },
    #[error("there is no option `{id}`; the options are: {available}")]
    UnknownOption { id: String, available: String },
    #[error("this review does not take a comment")]
    CommentNotAllowed,
    #[error("choose at least one item")]
    NothingSelected,
    #[error("choose exactly one item (this is a single-choice selection), not {count}")]
    NotSingle { count: usize },
    #[error("there is no item `{id}`; the items are: {available}")]
    UnknownItem { id: String, available: String },
    #[error("item `{id}` is chosen twice")]
    DuplicateItem { id: String },
    #[error("there is no field `{name}`; the fields are: {available}")]
    UnknownField { name: String, available: String },
    #[error("{field} is required")]
    MissingRequired { field: String },
    #[error("{field}: {reason}")]
    BadValue { field: String, reason: String },
    #[error("the answer is empty")]
    BlankText,
    #[error("the answer needs at least {min} characters, it has {len}")]
    TooShort { min: u32, len: usize },
    #[error("the answer allows at most {max} characters, it has {len}")]
    TooLong { max: u32, len: usize },
    #[error("this review cannot be dismissed")]
    DismissNotOffered,
    /// A plugin review, an unknown type, or a payload that does not fit: this client
    /// does not guess what such a review expects.
    #[error("this review cannot be answered here: {0}")]
    NotAnswerableHere(#[from] NotAnswerable),
}

impl InvalidAnswer {
    fn bad(field: &FormField, reason: impl Into<String>) -> Self {
        InvalidAnswer::BadValue {
            field: field.display_label().to_owned(),
            reason: reason.into(),
        }
    }
}

impl Review {
    /// Checks that the review still takes an answer (pending) and that `answer` fits its
    /// payload; returns the response body to send.
    pub fn validate(&self, answer: &Answer) -> Result<ValidResponse, InvalidAnswer> {
        match self.status {
            ReviewStatus::Pending => {}
            ReviewStatus::Completed => {
                return Err(InvalidAnswer::NotPending { status: "answered" })
            }
            ReviewStatus::Expired => return Err(InvalidAnswer::NotPending { status: "expired" }),
            ReviewStatus::Other => return Err(InvalidAnswer::NotPending { status: "closed" }),
        }
        self.kind.validate(answer)
    }
}

impl ReviewKind {
    /// Checks `answer` against this review type and payload (not the review's status).
    /// Plugin reviews, unknown types and payloads that do not fit refuse every answer.
    pub fn validate(&self, answer: &Answer) -> Result<ValidResponse, InvalidAnswer> {
        self.answerable()?;
        if let Answer::Dismiss = answer {
            return match self.dismiss_label() {
                Some(_) => Ok(ValidResponse::dismissed()),
                None => Err(InvalidAnswer::DismissNotOffered),
            };
        }
        match (self, answer) {
            (ReviewKind::Approval(p), Answer::Approval { option_id, comment }) => {
                if p.option(option_id).is_none() {
                    return Err(InvalidAnswer::UnknownOption {
                        id: option_id.clone(),
                        available: list(p.options.iter().map(|o| o.id.as_str())),
                    });
                }
                let mut out = Map::new();
                out.insert("selectedOption".into(), Value::String(option_id.clone()));
                let comment = comment.as_deref().map(str::trim).unwrap_or("");
                if !comment.is_empty() {
                    if !p.allow_comment {
                        return Err(InvalidAnswer::CommentNotAllowed);
                    }
                    out.insert("comment".into(), Value::String(comment.to_owned()));
                }
                Ok(ValidResponse(out))
            }
            (ReviewKind::Selection(p), Answer::Selection { ids }) => validate_selection(p, ids),
            (ReviewKind::Form(p), Answer::Form { values }) => validate_form(p, values),
            (ReviewKind::TextInput(p), Answer::Text { text }) => validate_text(p, text),
            (ReviewKind::Freeform(_), Answer::Freeform { object }) => {
                Ok(ValidResponse(object.clone()))
            }
            (kind, answer) => Err(InvalidAnswer::WrongKind {
                expected: kind.render_as(),
                given: answer_kind(answer),
            }),
        }
    }
}

fn answer_kind(answer: &Answer) -> &'static str {
    match answer {
        Answer::Approval { .. } => "approval",
        Answer::Selection { .. } => "selection",
        Answer::Form { .. } => "form",
        Answer::Text { .. } => "text-input",
        Answer::Freeform { .. } => "freeform",
        Answer::Dismiss => "dismiss",
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.is_empty() {
        "(none)".to_owned()
    } else {
        v.join(", ")
    }
}

fn validate_selection(
    p: &SelectionPayload,
    ids: &[String],
) -> Result<ValidResponse, InvalidAnswer> {
    if ids.is_empty() {
        return Err(InvalidAnswer::NothingSelected);
    }
    let mut seen = HashSet::new();
    for id in ids {
        if !p.items.iter().any(|i| &i.id == id) {
            return Err(InvalidAnswer::UnknownItem {
                id: id.clone(),
                available: list(p.items.iter().map(|i| i.id.as_str())),
            });
        }
        if !seen.insert(id) {
            return Err(InvalidAnswer::DuplicateItem { id: id.clone() });
        }
    }
    if p.mode == SelectionMode::Single && ids.len() != 1 {
        return Err(InvalidAnswer::NotSingle { count: ids.len() });
    }
    let mut out = Map::new();
    out.insert(
        "selectedIds".into(),
        Value::Array(ids.iter().cloned().map(Value::String).collect()),
    );
    Ok(ValidResponse(out))
}

fn validate_text(p: &TextInputPayload, text: &str) -> Result<ValidResponse, InvalidAnswer> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(InvalidAnswer::BlankText);
    }
    let len = trimmed.chars().count();
    if let Some(min) = p.min_length {
        if len < min as usize {
            return Err(InvalidAnswer::TooShort { min, len });
        }
    }
    if let Some(max) = p.max_length {
        if len > max as usize {
            return Err(InvalidAnswer::TooLong { max, len });
        }
    }
    let mut out = Map::new();
    out.insert("text".into(), Value::String(trimmed.to_owned()));
    Ok(ValidResponse(out))
}

/// The values a form starts with in the web UI: each `defaultValue` as given, and a range
/// without one at its minimum (or 0).
pub fn form_initial_values(p: &FormPayload) -> Map<String, Value> {
    let mut values = Map::new();
    for f in &p.fields {
        if let Some(d) = &f.default_value {
            values.insert(f.name.clone(), d.clone());
        } else if f.field_type == FieldType::Range {
            values.insert(f.name.clone(), number(f.min.unwrap_or(0.0)));
        }
    }
    values
}

fn validate_form(
    p: &FormPayload,
    given: &Map<String, Value>,
) -> Result<ValidResponse, InvalidAnswer> {
    for name in given.keys() {
        if p.field(name).is_none() {
            return Err(InvalidAnswer::UnknownField {
                name: name.clone(),
                available: list(p.fields.iter().map(|f| f.name.as_str())),
            });
        }
    }
    let mut values = form_initial_values(p);
    for (k, v) in given {
        values.insert(k.clone(), v.clone());
    }
    for f in &p.fields {
        match values.get(&f.name) {
            None | Some(Value::Null) => {
                // The web UI never sends null; drop it like an untouched field.
                values.remove(&f.name);
                if f.required {
                    return Err(InvalidAnswer::MissingRequired {
                        field: f.display_label().to_owned(),
                    });
                }
            }
            Some(v) => {
                if f.required && v.as_str().is_some_and(|s| s.trim().is_empty()) {
                    return Err(InvalidAnswer::MissingRequired {
                        field: f.display_label().to_owned(),
                    });
                }
                // The agent's own default is sent as given, like the web UI does.
                if f.default_value.as_ref() != Some(v) {
                    check_field_value(f, v)?;
                }
            }
        }
    }
    Ok(ValidResponse(values))
}

fn check_field_value(f: &FormField, v: &Value) -> Result<(), InvalidAnswer> {
    match f.field_type {
        FieldType::Checkbox => match v {
            Value::Bool(_) => Ok(()),
            _ => Err(InvalidAnswer::bad(f, "must be true or false")),
        },
        FieldType::Range => {
            let n = v
                .as_f64()
                .ok_or_else(|| InvalidAnswer::bad(f, "must be a number"))?;
            check_bounds(
                f,
                n,
                Some(f.min.unwrap_or(0.0)),
                Some(f.max.unwrap_or(100.0)),
                Some(f.step.unwrap_or(1.0)),
            )
        }
        _ => {
            let s = v
                .as_str()
                .ok_or_else(|| InvalidAnswer::bad(f, "must be text"))?;
            if s.is_empty() {
                // An optional field that was cleared: the web UI sends "".
                return Ok(());
            }
            check_text_value(f, s)
        }
    }
}

fn check_text_value(f: &FormField, s: &str) -> Result<(), InvalidAnswer> {
    match f.field_type {
        FieldType::Number => {
            let n = s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| InvalidAnswer::bad(f, format!("`{s}` is not a number")))?;
            check_bounds(f, n, f.min, f.max, f.step)
        }
        FieldType::Email if !is_email(s) => Err(InvalidAnswer::bad(
            f,
            format!("`{s}` is not an email address"),
        )),
        FieldType::Url if !is_absolute_url(s) => Err(InvalidAnswer::bad(
            f,
            format!("`{s}` is not a full URL (like https://example.com)"),
        )),
        FieldType::Select if !f.options.is_empty() && !f.options.iter().any(|o| o.value == s) => {
            Err(InvalidAnswer::bad(
                f,
                format!(
                    "`{s}` is not one of: {}",
                    list(f.options.iter().map(|o| o.value.as_str()))
                ),
            ))
        }
        FieldType::Date if !is_date(s) => Err(InvalidAnswer::bad(
            f,
            format!("`{s}` is not a date (yyyy-MM-dd)"),
        )),
        FieldType::Time if !is_time(s) => Err(InvalidAnswer::bad(
            f,
            format!("`{s}` is not a time (HH:mm)"),
        )),
        FieldType::Datetime if !is_datetime(s) => Err(InvalidAnswer::bad(
            f,
            format!("`{s}` is not a date and time (yyyy-MM-ddTHH:mm)"),
        )),
        _ => Ok(()),
    }
}

fn check_bounds(
    f: &FormField,
    n: f64,
    min: Option<f64>,
    max: Option<f64>,
    step: Option<f64>,
) -> Result<(), InvalidAnswer> {
    if let Some(min) = min {
        if n < min {
            return Err(InvalidAnswer::bad(
                f,
                format!("{} is below the minimum {}", fmt_num(n), fmt_num(min)),
            ));
        }
    }
    if let Some(max) = max {
        if n > max {
            return Err(InvalidAnswer::bad(
                f,
                format!("{} is above the maximum {}", fmt_num(n), fmt_num(max)),
            ));
        }
    }
    if let Some(step) = step.filter(|s| *s > 0.0) {
        // Steps count from the minimum, as in HTML's step base.
        let base = min.unwrap_or(0.0);
        let k = (n - base) / step;
        if (k - k.round()).abs() > 1e-9 * k.abs().max(1.0) {
            return Err(InvalidAnswer::bad(
                f,
                format!(
                    "{} is not a multiple of {} from {}",
                    fmt_num(n),
                    fmt_num(step),
                    fmt_num(base)
                ),
            ));
        }
    }
    Ok(())
}

fn fmt_num(n: f64) -> String {
    let v = number(n);
    v.to_string()
}

/// A JSON number, integral when the float is (so `0` is `0`, not `0.0`, as in JS).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// The HTML `type=email` rule: a local part of atext characters and dots, `@`, and a
/// domain of letter/digit/hyphen labels.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    const ATEXT: &str = ".!#$%&'*+/=?^_`{|}~-";
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c));
    let domain_ok = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

fn is_absolute_url(s: &str) -> bool {
    url::Url::parse(s.trim()).is_ok_and(|u| !u.cannot_be_a_base() || u.scheme() == "mailto")
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn is_time(s: &str) -> bool {
    s.len() == 5 && NaiveTime::parse_from_str(s, "%H:%M").is_ok()
}

fn is_datetime(s: &str) -> bool {
    s.len() == 16 && NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").is_ok()
}

impl FormPayload {
    /// Turns a command-line `NAME=VALUE` into the JSON value the web UI would hold for
    /// that field: a boolean for checkboxes, a number for ranges, text otherwise.
    pub fn parse_cli_field(&self, assignment: &str) -> Result<(String, Value), InvalidAnswer> {
        let (name, raw) = assignment
            .split_once('=')
            .ok_or_else(|| InvalidAnswer::BadValue {
                field: assignment.to_owned(),
                reason: "write it as NAME=VALUE".to_owned(),
            })?;
        let field = self
            .field(name)
            .ok_or_else(|| InvalidAnswer::UnknownField {
                name: name.to_owned(),
                available: list(self.fields.iter().map(|f| f.name.as_str())),
            })?;
        let value = match field.field_type {
            FieldType::Checkbox => match raw.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Value::Bool(true),
                "false" | "no" | "off" | "0" => Value::Bool(false),
                _ => {
                    return Err(InvalidAnswer::bad(
                        field,
                        format!("`{raw}` is not true or false"),
                    ))
                }
            },
            FieldType::Range => {
                let n = raw
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| InvalidAnswer::bad(field, format!("`{raw}` is not a number")))?;
                number(n)
            }
            _ => Value::String(raw.to_owned()),
        };
        Ok((name.to_owned(), value))
    }
}

/// The text the server puts in place of password answers in its REST output.
pub const REDACTED: &str = "***REDACTED***";

/// A copy of `response` with the values of the form's password fields replaced by
/// [`REDACTED`], as the server does in its REST output: for the local decision log, and
/// to compare our answer with the one the server reports.
pub fn redact_passwords(kind: &ReviewKind, response: &Map<String, Value>) -> Map<String, Value> {
    let mut out = response.clone();
    if let ReviewKind::Form(p) = kind {
        for f in p
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::Password)
        {
            if let Some(v) = out.get_mut(&f.name) {
                *v = Value::String(REDACTED.to_owned());
            }
        }
    }
    out
}
