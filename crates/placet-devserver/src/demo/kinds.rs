//! The demo agent's reviews: one realistic review of every kind.

use serde_json::{json, Value};

/// One kind of demo review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DemoReview {
    /// Approval with primary, secondary and danger options and a comment box.
    Approval,
    /// Single-choice selection with descriptions.
    Selection,
    /// Multi-choice selection with a dismiss button.
    MultiSelection,
    /// A form using all twelve field types.
    Form,
    /// Text input with length limits, placeholder and prefill.
    TextInput,
    /// Freeform JSON with a schema hint.
    Freeform,
}

impl DemoReview {
    /// Every kind, in the order the demo agent posts them.
    pub const ALL: [DemoReview; 6] = [
        DemoReview::Approval,
        DemoReview::Selection,
        DemoReview::MultiSelection,
        DemoReview::Form,
        DemoReview::TextInput,
        DemoReview::Freeform,
    ];

    /// The name used by `POST /__dev/demo/{kind}`.
    pub fn name(self) -> &'static str {
        match self {
            DemoReview::Approval => "approval",
            DemoReview::Selection => "selection",
            DemoReview::MultiSelection => "multi-selection",
            DemoReview::Form => "form",
            DemoReview::TextInput => "text-input",
            DemoReview::Freeform => "freeform",
        }
    }

    /// The seeded agent that posts this kind.
    pub(crate) fn agent_name(self) -> &'static str {
        match self {
            DemoReview::Approval | DemoReview::Form => "Deploy Bot",
            DemoReview::Selection | DemoReview::TextInput => "Research Assistant",
            DemoReview::MultiSelection | DemoReview::Freeform => "Data Pipeline",
        }
    }

    /// The `POST /api/v1/messages` body of this review for `channel_id`.
    pub fn body(self, channel_id: &str) -> Value {
        let (text, review) = match self {
            DemoReview::Approval => (approval_text(), approval_review()),
            DemoReview::Selection => (selection_text(), selection_review()),
            DemoReview::MultiSelection => (multi_selection_text(), multi_selection_review()),
            DemoReview::Form => (form_text(), form_review()),
            DemoReview::TextInput => (text_input_text(), text_input_review()),
            DemoReview::Freeform => (freeform_text(), freeform_review()),
        };
        json!({ "channelId": channel_id, "text": text, "review": review })
    }
}

impl std::str::FromStr for DemoReview {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown demo review kind {s:?}"))
    }
}

fn approval_text() -> &'static str {
    "## Deploy `api-gateway` v2.14.0 to production?\n\n\
     Staging has been green for 3 hours:\n\n\
     - ✅ 1,284 tests passed, 0 flaky\n\
     - ✅ p95 latency **142 ms** (−8% vs. v2.13.2)\n\
     - ⚠️ 2 new deprecation warnings in `auth/session.rs`\n\n\
     | Service | Version | Replicas |\n\
     |---|---|---|\n\
     | api-gateway | 2.14.0 | 6 |\n\
     | auth | 1.9.3 | 3 |\n\n\
     Rollback plan: `kubectl rollout undo deploy/api-gateway` (about 2 minutes)."
}

fn approval_review() -> Value {
    json!({
        "type": "approval",
        "payload": {
            "options": [
                { "id": "approve", "label": "Deploy now", "style": "primary" },
                { "id": "schedule", "label": "Deploy tonight", "style": "secondary" },
                { "id": "reject", "label": "Cancel release", "style": "danger" }
            ],
            "allowComment": true
        },
        "expiresInSeconds": 3600
    })
}

fn selection_text() -> &'static str {
    "I finished reading the **12 papers** on retrieval-augmented generation you queued.\n\n\
     Which summary format should I send to the team channel?"
}

fn selection_review() -> Value {
    json!({
        "type": "selection",
        "payload": {
            "mode": "single",
            "items": [
                { "id": "tldr", "label": "TL;DR", "description": "Five bullet points, one per theme" },
                { "id": "table", "label": "Comparison table", "description": "Method, dataset, score and cost per paper" },
                { "id": "memo", "label": "Two-page memo", "description": "Narrative with recommendations for our stack" }
            ],
            "submitLabel": "Send summary"
        },
        "expiresInSeconds": 7200
    })
}

fn multi_selection_text() -> &'static str {
    "### Nightly ETL finished with gaps\n\n\
     Four tables are missing rows for **2025-06-02** because the upstream export \
     timed out. Select the tables to backfill tonight (each takes ~20 min):"
}

fn multi_selection_review() -> Value {
    json!({
        "type": "selection",
        "payload": {
            "mode": "multi",
            "items": [
                { "id": "orders", "label": "orders", "description": "1.2M rows missing" },
                { "id": "customers", "label": "customers", "description": "3,410 rows missing" },
                { "id": "events", "label": "events", "description": "48M rows missing (slow)" },
                { "id": "invoices", "label": "invoices", "description": "12k rows missing" }
            ],
            "submitLabel": "Backfill selected",
            "dismissLabel": "Skip tonight"
        },
        "expiresInSeconds": 14400
    })
}

fn form_text() -> &'static str {
    "## Configure the canary rollout\n\n\
     I will start the canary for **api-gateway 2.14.0** with these settings. \
     Fields marked required must be filled in; the deploy token is used once and \
     never stored in the chat."
}

fn form_review() -> Value {
    json!({
        "type": "form",
        "payload": {
            "fields": [
                { "name": "releaseName", "type": "text", "label": "Release name", "required": true,
                  "defaultValue": "api-gateway-2.14.0", "placeholder": "service-x.y.z" },
                { "name": "replicas", "type": "number", "label": "Canary replicas", "required": true,
                  "min": 1, "max": 20, "step": 1, "unit": "pods", "defaultValue": 2 },
                { "name": "notify", "type": "email", "label": "Notify", "placeholder": "oncall@example.com" },
                { "name": "dashboard", "type": "url", "label": "Dashboard",
                  "defaultValue": "https://grafana.example.com/d/canary" },
                { "name": "notes", "type": "textarea", "label": "Release notes",
                  "placeholder": "What changed, in a few lines" },
                { "name": "region", "type": "select", "label": "Region", "required": true,
                  "options": [
                      { "label": "EU West (Ireland)", "value": "eu-west-1" },
                      { "label": "US East (Virginia)", "value": "us-east-1" },
                      "ap-southeast-2"
                  ],
                  "defaultValue": "eu-west-1" },
                { "name": "autoRollback", "type": "checkbox", "label": "Automatic rollback",
                  "description": "Roll back when the error rate exceeds 1%", "defaultValue": true },
                { "name": "date", "type": "date", "label": "Rollout date", "required": true },
                { "name": "startTime", "type": "time", "label": "Start time", "defaultValue": "22:00" },
                { "name": "freezeUntil", "type": "datetime", "label": "Change freeze ends" },
                { "name": "traffic", "type": "range", "label": "Canary traffic", "min": 0, "max": 50,
                  "step": 5, "unit": "%", "defaultValue": 10 },
                { "name": "deployToken", "type": "password", "label": "Deploy token", "required": true }
            ],
            "submitLabel": "Start rollout",
            "dismissLabel": "Not now"
        },
        "expiresInSeconds": 5400
    })
}

fn text_input_text() -> &'static str {
    "I drafted the abstract for the **Q3 reliability report** but it reads flat.\n\n\
     Could you rewrite it in your own words? Keep it to one paragraph; markdown is fine."
}

fn text_input_review() -> Value {
    json!({
        "type": "text-input",
        "payload": {
            "placeholder": "One paragraph, 50 to 600 characters",
            "prefill": "In Q3 we reduced paging incidents by 38% while shipping twice as often.",
            "markdown": true,
            "minLength": 50,
            "maxLength": 600,
            "submitLabel": "Send abstract",
            "dismissLabel": "Skip"
        },
        "expiresInSeconds": 900
    })
}

fn freeform_text() -> &'static str {
    "The data-quality thresholds are too noisy: **41 alerts** last night, 39 false positives.\n\n\
     Send me the new thresholds as JSON, e.g. `{\"nullRate\": 0.02, \"rowDelta\": 0.15}`."
}

fn freeform_review() -> Value {
    json!({
        "type": "freeform",
        "payload": {
            "schema": {
                "type": "object",
                "properties": {
                    "nullRate": { "type": "number", "minimum": 0, "maximum": 1 },
                    "rowDelta": { "type": "number", "minimum": 0 },
                    "mutedTables": { "type": "array", "items": { "type": "string" } }
                }
            }
        },
        "expiresInSeconds": 3600
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in DemoReview::ALL {
            assert_eq!(kind.name().parse::<DemoReview>(), Ok(kind));
        }
    }

    #[test]
    fn form_has_all_twelve_field_types() {
        let body = DemoReview::Form.body("c1");
        let mut types: Vec<&str> = body["review"]["payload"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), 12, "{types:?}");
    }
}
