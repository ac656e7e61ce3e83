use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::null_as_default;
use super::payload::{
    ApprovalPayload, FillDefaults, FormPayload, SelectionPayload, TextInputPayload,
};

/// The review attached to a message (contract §4).
///
/// The server stores any `type` and any `payload`; this type decodes the five known
/// types into typed payloads. What this client cannot answer faithfully is kept raw and
/// marked as such: a review drawn by a web-UI plugin ([`ReviewKind::Plugin`]), a type it
/// does not know, or a known type whose payload does not fit the convention
/// ([`ReviewKind::Unknown`]). Those are shown, never guessed at: [`Review::validate`]
/// refuses every answer to them and the person is sent to Placet's web UI.
///
/// Serialised for a UI, a review carries `renderAs` next to `type`: one of `approval`,
/// `selection`, `form`, `text-input`, `freeform`, or `external` for a review that must be
/// opened in Placet. An `external` review also carries `notAnswerable` (the reason, for
/// the person) and, for a plugin review, `plugin` (its name). A freeform review whose
/// payload has a `schema` carries it as `schema`, a hint to show next to the JSON editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub kind: ReviewKind,
    pub status: ReviewStatus,
    pub response: Option<Value>,
    pub expires_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The person's note to the agent (the respond body's `feedback`), beside the
    /// response; the next iteration of the review shows it.
    pub feedback: Option<String>,
    /// Attachments the person replaced when answering (an annotated image): original
    /// attachment id to the new one. `None` when the answer replaced nothing.
    pub modified_file_ids: Option<BTreeMap<String, String>>,
}

impl Review {
    /// A pending review of the given kind, without an expiry (for tests and builders).
    pub fn pending(kind: ReviewKind) -> Self {
        Self {
            kind,
            status: ReviewStatus::Pending,
            response: None,
            expires_at: None,
            completed_at: None,
            feedback: None,
            modified_file_ids: None,
        }
    }

    /// True when `expires_at` has passed at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    /// Whether this client can answer the review at all (whatever its status): not for
    /// plugin reviews, unknown types, or payloads that do not fit their type.
    pub fn answerable(&self) -> Result<(), NotAnswerable> {
        self.kind.answerable()
    }

    /// Decodes the wire object; `plugin` is the message's `metadata.plugin`.
    pub(crate) fn from_raw(raw: RawReview, plugin: Option<&str>) -> Self {
        let type_name = raw.type_name.unwrap_or_else(|| "freeform".to_owned());
        let kind = match plugin {
            Some(name) => ReviewKind::Plugin {
                name: name.to_owned(),
                type_name,
                payload: raw.payload,
            },
            None => ReviewKind::from_parts(&type_name, raw.payload),
        };
        Review {
            kind,
            status: raw.status,
            response: raw.response,
            expires_at: raw.expires_at,
            completed_at: raw.completed_at,
            feedback: raw.feedback,
            modified_file_ids: raw.modified_file_ids,
        }
    }
}

/// Why a review cannot be answered from this client. The text is written for the
/// person and ends by sending them to Placet's web UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}; open it in Placet to answer it")]
pub struct NotAnswerable {
    /// What is special about the review ("it is drawn by the `diff-viewer` plugin").
    pub reason: String,
}

/// Review status. `changes_requested` was removed from Placet in 0.6.1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    #[default]
    Pending,
    Completed,
    Expired,
    #[serde(other)]
    Other,
}

/// The type of a review and its typed payload.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewKind {
    Approval(ApprovalPayload),
    Selection(SelectionPayload),
    Form(FormPayload),
    TextInput(TextInputPayload),
    /// Freeform without a plugin: answered with any JSON object. The payload may carry
    /// a `schema` hint ([`ReviewKind::schema_hint`]).
    Freeform(Value),
    /// Drawn by a plugin of Placet's web UI: a `freeform` review whose payload names a
    /// `plugin`, or any review on a message whose `metadata.plugin` is set. Not
    /// answerable here: only the plugin knows what its interface sends.
    Plugin {
        /// The plugin's name.
        name: String,
        /// The review `type` as the server has it.
        type_name: String,
        payload: Value,
    },
    /// A type this client does not know, or a known type whose payload does not fit
    /// (an option without a label, a numeric id, two items with one id). Shown, never
    /// answered here.
    Unknown {
        type_name: String,
        payload: Value,
        /// What does not fit, for logs and for the person.
        reason: String,
    },
}

impl ReviewKind {
    /// Decodes a review type and payload. Never fails: what does not fit is kept raw.
    pub fn from_parts(type_name: &str, payload: Value) -> Self {
        fn typed<T: for<'de> Deserialize<'de> + FillDefaults>(
            type_name: &str,
            payload: &Value,
            wrap: fn(T) -> ReviewKind,
        ) -> ReviewKind {
            // A missing payload is an empty object for the typed conventions.
            let value = if payload.is_null() {
                Value::Object(Default::default())
            } else {
                payload.clone()
            };
            let unfit = |reason: String| {
                tracing::warn!(review_type = type_name, %reason, "review payload does not fit its type; it must be answered in Placet");
                ReviewKind::Unknown {
                    type_name: type_name.to_owned(),
                    payload: payload.clone(),
                    reason,
                }
            };
            match serde_json::from_value::<T>(value) {
                Ok(p) => match p.check_fit() {
                    Ok(()) => wrap(p.fill_defaults()),
                    Err(reason) => unfit(reason),
                },
                Err(e) => unfit(format!("its {type_name} payload is malformed ({e})")),
            }
        }
        match type_name {
            "approval" => typed(type_name, &payload, ReviewKind::Approval),
            "selection" => typed(type_name, &payload, ReviewKind::Selection),
            "form" => typed(type_name, &payload, ReviewKind::Form),
            "text-input" => typed(type_name, &payload, ReviewKind::TextInput),
            "freeform" => match payload.get("plugin").and_then(Value::as_str) {
                // The server sets `metadata.plugin` from this; a message decoded without
                // its metadata (or an older server) still gets it right.
                Some(name) => ReviewKind::Plugin {
                    name: name.to_owned(),
                    type_name: type_name.to_owned(),
                    payload,
                },
                None => ReviewKind::Freeform(payload),
            },
            other => ReviewKind::Unknown {
                type_name: other.to_owned(),
                reason: format!("this client does not know `{other}` reviews"),
                payload,
            },
        }
    }

    /// The review `type` as the server has it.
    pub fn type_name(&self) -> &str {
        match self {
            ReviewKind::Approval(_) => "approval",
            ReviewKind::Selection(_) => "selection",
            ReviewKind::Form(_) => "form",
            ReviewKind::TextInput(_) => "text-input",
            ReviewKind::Freeform(_) => "freeform",
            ReviewKind::Plugin { type_name, .. } | ReviewKind::Unknown { type_name, .. } => {
                type_name
            }
        }
    }

    /// The renderer a UI should use: the type name for the five types this client
    /// answers, `external` for a review that must be opened in Placet.
    pub fn render_as(&self) -> &'static str {
        match self {
            ReviewKind::Approval(_) => "approval",
            ReviewKind::Selection(_) => "selection",
            ReviewKind::Form(_) => "form",
            ReviewKind::TextInput(_) => "text-input",
            ReviewKind::Freeform(_) => "freeform",
            ReviewKind::Plugin { .. } | ReviewKind::Unknown { .. } => "external",
        }
    }

    /// Whether this client can answer this kind of review: plugin reviews, unknown
    /// types and payloads that do not fit are refused, so nothing is guessed.
    pub fn answerable(&self) -> Result<(), NotAnswerable> {
        match self {
            ReviewKind::Plugin { name, .. } => Err(NotAnswerable {
                reason: format!("this review is drawn by the `{name}` plugin of Placet"),
            }),
            ReviewKind::Unknown { reason, .. } => Err(NotAnswerable {
                reason: reason.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// The plugin that draws this review, if any.
    pub fn plugin(&self) -> Option<&str> {
        match self {
            ReviewKind::Plugin { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The `schema` a freeform payload offers as a hint for the answer, if any.
    pub fn schema_hint(&self) -> Option<&Value> {
        match self {
            ReviewKind::Freeform(p) => p.get("schema").filter(|s| !s.is_null()),
            _ => None,
        }
    }

    /// The `dismissLabel` offered by the payload, if any. Only selection, form and
    /// text-input reviews can be dismissed.
    pub fn dismiss_label(&self) -> Option<&str> {
        match self {
            ReviewKind::Selection(p) => p.dismiss_label.as_deref(),
            ReviewKind::Form(p) => p.dismiss_label.as_deref(),
            ReviewKind::TextInput(p) => p.dismiss_label.as_deref(),
            _ => None,
        }
    }

    fn payload_json(&self) -> Value {
        let to = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
        match self {
            ReviewKind::Approval(p) => to(serde_json::to_value(p)),
            ReviewKind::Selection(p) => to(serde_json::to_value(p)),
            ReviewKind::Form(p) => to(serde_json::to_value(p)),
            ReviewKind::TextInput(p) => to(serde_json::to_value(p)),
            ReviewKind::Freeform(v)
            | ReviewKind::Plugin { payload: v, .. }
            | ReviewKind::Unknown { payload: v, .. } => v.clone(),
        }
    }
}

/// The review object as the server sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawReview {
    #[serde(rename = "type", default)]
    type_name: Option<String>,
    #[serde(default)]
    payload: Value,
    #[serde(default, deserialize_with = "null_as_default")]
    status: ReviewStatus,
    #[serde(default)]
    response: Option<Value>,
    #[serde(default, deserialize_with = "lenient_time")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    completed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    feedback: Option<String>,
    #[serde(default, deserialize_with = "lenient_file_ids")]
    modified_file_ids: Option<BTreeMap<String, String>>,
}

/// `modifiedFileIds` is a string map on the server; anything else (an older server's
/// shape, a non-string value) is dropped rather than failing the message.
fn lenient_file_ids<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let Some(Value::Object(map)) = Option::<Value>::deserialize(d)? else {
        return Ok(None);
    };
    let ids: BTreeMap<String, String> = map
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
        .collect();
    Ok((!ids.is_empty()).then_some(ids))
}

/// A timestamp that does not parse is treated as absent rather than failing the whole
/// message: an unreadable expiry must not hide a review from the person.
fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let raw = Option::<Value>::deserialize(d)?;
    Ok(match raw {
        Some(Value::String(s)) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                tracing::warn!(value = %s, "unreadable review timestamp ignored");
                None
            }
        },
        _ => None,
    })
}

impl<'de> Deserialize<'de> for Review {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Review::from_raw(RawReview::deserialize(d)?, None))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReviewOut<'a> {
    #[serde(rename = "type")]
    type_name: &'a str,
    render_as: &'static str,
    payload: Value,
    status: ReviewStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    plugin: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_answerable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<&'a Value>,
    expires_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified_file_ids: Option<&'a BTreeMap<String, String>>,
}

impl Serialize for Review {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ReviewOut {
            type_name: self.kind.type_name(),
            render_as: self.kind.render_as(),
            payload: self.kind.payload_json(),
            status: self.status,
            plugin: self.kind.plugin(),
            not_answerable: self.kind.answerable().err().map(|e| e.to_string()),
            schema: self.kind.schema_hint(),
            response: self.response.as_ref(),
            expires_at: self.expires_at,
            completed_at: self.completed_at,
            feedback: self.feedback.as_deref(),
            modified_file_ids: self.modified_file_ids.as_ref(),
        }
        .serialize(s)
    }
}
