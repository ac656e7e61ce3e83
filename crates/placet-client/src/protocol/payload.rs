//! The typed payloads of the five review types this client answers, with the defaults
//! the web UI fills in and the checks that decide whether a payload can be answered
//! without guessing.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::null_as_default;

// ---------------------------------------------------------------------------------------
// approval

/// Payload of an `approval` review (contract §4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalPayload {
    /// The options; the web UI's defaults (Approve, Reject) when the payload has none.
    #[serde(
        default = "default_approval_options",
        deserialize_with = "options_or_default"
    )]
    pub options: Vec<ApprovalOption>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allow_comment: bool,
}

impl Default for ApprovalPayload {
    fn default() -> Self {
        Self {
            options: default_approval_options(),
            allow_comment: false,
        }
    }
}

impl ApprovalPayload {
    /// The option with this id.
    pub fn option(&self, id: &str) -> Option<&ApprovalOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

fn default_approval_options() -> Vec<ApprovalOption> {
    vec![
        ApprovalOption {
            id: "approve".into(),
            label: "Approve".into(),
            style: OptionStyle::Default,
        },
        ApprovalOption {
            id: "reject".into(),
            label: "Reject".into(),
            style: OptionStyle::Default,
        },
    ]
}

fn options_or_default<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ApprovalOption>, D::Error> {
    Ok(Option::<Vec<ApprovalOption>>::deserialize(d)?.unwrap_or_else(default_approval_options))
}

/// One button of an approval review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalOption {
    pub id: String,
    pub label: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub style: OptionStyle,
}

/// Button style of an approval option. Only `danger` changes behaviour: it is never sent
/// by a single click from a notification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionStyle {
    Primary,
    Danger,
    Secondary,
    Ghost,
    #[default]
    #[serde(other)]
    Default,
}

// ---------------------------------------------------------------------------------------
// selection

/// Payload of a `selection` review (contract §4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionPayload {
    #[serde(default, deserialize_with = "null_as_default")]
    pub mode: SelectionMode,
    pub items: Vec<SelectionItem>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub submit_label: String,
    #[serde(default)]
    pub dismiss_label: Option<String>,
}

/// Single or multiple choice; anything else is treated as single, as the web UI does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SelectionMode {
    Multi,
    #[default]
    #[serde(other)]
    Single,
}

/// One choice of a selection review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionItem {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------
// form

/// Payload of a `form` review (contract §4.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormPayload {
    pub fields: Vec<FormField>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub submit_label: String,
    #[serde(default)]
    pub dismiss_label: Option<String>,
}

impl FormPayload {
    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// One form field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    pub name: String,
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub field_type: FieldType,
    /// The label; the field name when the payload has none.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub required: bool,
    /// Options of a `select` field; strings become `{label: s, value: s}`.
    #[serde(default, deserialize_with = "select_options")]
    pub options: Vec<SelectOption>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub min: Option<f64>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub max: Option<f64>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub step: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub default_value: Option<Value>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub placeholder: Option<String>,
}

impl FormField {
    /// The label to show: `label`, or the field name.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// The twelve form field types of the Placet docs. An unknown type is rendered and
/// answered as a text field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Number,
    Email,
    Url,
    Textarea,
    Select,
    Checkbox,
    Date,
    Time,
    Datetime,
    Range,
    Password,
    #[default]
    #[serde(other)]
    Text,
}

impl FieldType {
    /// Every field type, in the order of the Placet docs.
    pub const ALL: [FieldType; 12] = [
        FieldType::Text,
        FieldType::Number,
        FieldType::Email,
        FieldType::Url,
        FieldType::Textarea,
        FieldType::Select,
        FieldType::Checkbox,
        FieldType::Date,
        FieldType::Time,
        FieldType::Datetime,
        FieldType::Range,
        FieldType::Password,
    ];

    /// The type name as it appears in payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Email => "email",
            FieldType::Url => "url",
            FieldType::Textarea => "textarea",
            FieldType::Select => "select",
            FieldType::Checkbox => "checkbox",
            FieldType::Date => "date",
            FieldType::Time => "time",
            FieldType::Datetime => "datetime",
            FieldType::Range => "range",
            FieldType::Password => "password",
        }
    }
}

/// An option of a `select` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
}

fn select_options<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SelectOption>, D::Error> {
    let raw = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    raw.into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(SelectOption {
                label: s.clone(),
                value: s,
            }),
            Value::Number(n) => Ok(SelectOption {
                label: n.to_string(),
                value: n.to_string(),
            }),
            Value::Object(map) => {
                let value = match map.get("value") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::Bool(b)) => b.to_string(),
                    _ => return Err(serde::de::Error::custom("select option without a value")),
                };
                let label = match map.get("label") {
                    Some(Value::String(s)) => s.clone(),
                    _ => value.clone(),
                };
                Ok(SelectOption { label, value })
            }
            _ => Err(serde::de::Error::custom(
                "select option must be a string or {label, value}",
            )),
        })
        .collect()
}

/// Numbers sometimes arrive as strings from hand-written agents; accept both.
fn lenient_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    })
}

/// Fills what the web UI fills when a payload leaves it out (blank submit labels), and
/// checks what serde cannot: a payload that decodes but cannot be answered without
/// guessing (no options, two options with one id) does not fit.
pub(super) trait FillDefaults {
    fn fill_defaults(self) -> Self;

    fn check_fit(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Ids must be non-empty and distinct, or an answer could not say which one was meant.
fn distinct_ids<'a>(what: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if id.is_empty() {
            return Err(format!("one of its {what} has an empty id"));
        }
        if !seen.insert(id) {
            return Err(format!("two of its {what} share the id `{id}`"));
        }
    }
    Ok(())
}

fn or_default_label(label: String, default: &str) -> String {
    if label.trim().is_empty() {
        default.to_owned()
    } else {
        label
    }
}

impl FillDefaults for ApprovalPayload {
    fn fill_defaults(self) -> Self {
        self
    }

    fn check_fit(&self) -> Result<(), String> {
        if self.options.is_empty() {
            return Err("its approval payload offers no options".to_owned());
        }
        distinct_ids("options", self.options.iter().map(|o| o.id.as_str()))
    }
}

impl FillDefaults for SelectionPayload {
    fn fill_defaults(mut self) -> Self {
        self.submit_label = or_default_label(self.submit_label, "Confirm Selection");
        self
    }

    fn check_fit(&self) -> Result<(), String> {
        if self.items.is_empty() {
            return Err("its selection payload offers no items".to_owned());
        }
        distinct_ids("items", self.items.iter().map(|i| i.id.as_str()))
    }
}

impl FillDefaults for FormPayload {
    fn fill_defaults(mut self) -> Self {
        self.submit_label = or_default_label(self.submit_label, "Submit");
        self
    }

    fn check_fit(&self) -> Result<(), String> {
        distinct_ids("fields", self.fields.iter().map(|f| f.name.as_str()))
    }
}

impl FillDefaults for TextInputPayload {
    fn fill_defaults(mut self) -> Self {
        self.submit_label = or_default_label(self.submit_label, "Send Response");
        self
    }
}

// ---------------------------------------------------------------------------------------
// text input

/// Payload of a `text-input` review (contract §4.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextInputPayload {
    #[serde(default)]
    pub placeholder: Option<String>,
    #[serde(default)]
    pub prefill: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub markdown: bool,
    #[serde(default, deserialize_with = "lenient_length")]
    pub min_length: Option<u32>,
    #[serde(default, deserialize_with = "lenient_length")]
    pub max_length: Option<u32>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub submit_label: String,
    #[serde(default)]
    pub dismiss_label: Option<String>,
}

fn lenient_length<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(lenient_number(d)?
        .filter(|f| *f >= 0.0)
        .map(|f| f.min(u32::MAX as f64) as u32))
}
