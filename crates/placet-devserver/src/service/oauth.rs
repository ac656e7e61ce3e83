//! The OAuth relay: an agent starts a flow on its socket and the person finishes it in
//! a browser (events.gateway.ts `handleOAuthStart`, oauth-relay.controller.ts).

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::state::events::{channel_room, user_room};
use crate::state::oauth::OAuthFlow;
use crate::state::App;
use crate::util::truthy;

/// `oauth:start {channelId, state, provider, authUrl?, deviceCode?}` from a socket of
/// `user_id`: ignored (no ack, no error) unless `channelId`, `state` and `provider` are
/// set and the user owns the channel. A flow with an `authUrl` is registered for the
/// callback; either way `{channelId, state, provider, authUrl, deviceCode}` (missing
/// ones `null`) goes to the user's room, where the person's clients are. Returns
/// whether it was forwarded.
pub(crate) async fn start(app: &App, user_id: &str, data: &Value) -> bool {
    let field = |k: &str| data.get(k).filter(|v| truthy(v));
    let (Some(channel), Some(state), Some(provider)) =
        (field("channelId"), field("state"), field("provider"))
    else {
        return false;
    };
    let Some(channel_id) = channel.as_str() else {
        return false;
    };
    match app.store.owned_agent(channel_id, user_id) {
        Ok(Some(_)) => {}
        Ok(None) => return false,
        Err(e) => {
            tracing::error!(error = %e, "oauth:start ownership lookup failed");
            return false;
        }
    }
    if field("authUrl").is_some() {
        if let (Some(state), Some(provider)) = (state.as_str(), provider.as_str()) {
            app.oauth.register(
                state,
                OAuthFlow {
                    channel_id: channel_id.to_owned(),
                    provider: provider.to_owned(),
                },
            );
        }
    }
    // `data.authUrl ?? null`: only a missing (or null) value becomes null.
    let or_null = |k: &str| data.get(k).cloned().unwrap_or(Value::Null);
    app.events
        .emit(
            vec![user_room(user_id)],
            "oauth:start",
            &json!({
                "channelId": channel_id,
                "state": state,
                "provider": provider,
                "authUrl": or_null("authUrl"),
                "deviceCode": or_null("deviceCode"),
            }),
        )
        .await;
    true
}

/// What the provider's redirect carries to `GET /api/v1/oauth/callback`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Callback<'a> {
    pub(crate) code: Option<&'a str>,
    pub(crate) state: Option<&'a str>,
    pub(crate) error: Option<&'a str>,
    pub(crate) error_description: Option<&'a str>,
}

/// `handleCallback`: a provider error is relayed as `oauth:error` to the flow's channel
/// (200 and a failure page); a missing `state` or `code` (400) or an unknown or expired
/// `state` (400) show a failure page; otherwise `oauth:code {state, code, provider}`
/// goes to the channel room and the page says so. Returns the status and the page.
pub(crate) async fn callback(app: &App, cb: Callback<'_>) -> (StatusCode, String) {
    fn set(v: Option<&str>) -> Option<&str> {
        v.filter(|s| !s.is_empty())
    }
    if let Some(error) = set(cb.error) {
        if let Some(state) = set(cb.state) {
            if let Some(flow) = app.oauth.consume(state) {
                app.events
                    .emit(
                        vec![channel_room(&flow.channel_id)],
                        "oauth:error",
                        &json!({
                            "state": state,
                            "error": error,
                            "errorDescription": cb.error_description,
                            "provider": flow.provider,
                        }),
                    )
                    .await;
            }
        }
        return (StatusCode::OK, page(false, Some(error)));
    }
    let (Some(state), Some(code)) = (set(cb.state), set(cb.code)) else {
        return (
            StatusCode::BAD_REQUEST,
            page(false, Some("Missing state or code parameter")),
        );
    };
    let Some(flow) = app.oauth.consume(state) else {
        return (
            StatusCode::BAD_REQUEST,
            page(
                false,
                Some("OAuth session expired or invalid. Please try again."),
            ),
        );
    };
    app.events
        .emit(
            vec![channel_room(&flow.channel_id)],
            "oauth:code",
            &json!({ "state": state, "code": code, "provider": flow.provider }),
        )
        .await;
    (StatusCode::OK, page(true, None))
}

/// `renderHtml` of the callback controller, as upstream writes it (the error text is
/// not escaped there either).
fn page(success: bool, error: Option<&str>) -> String {
    let title = if success {
        "Authorization Successful"
    } else {
        "Authorization Failed"
    };
    let message = if success {
        "You can close this window and return to your application.".to_owned()
    } else {
        format!(
            "Something went wrong: {}. You can close this window and try again.",
            error.unwrap_or("Unknown error")
        )
    };
    let color = if success { "#16a34a" } else { "#dc2626" };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;display:flex;align-items:center;\
         justify-content:center;min-height:100vh;margin:0;background:#f8f9fa}}\n\
         .card{{text-align:center;padding:2rem;border-radius:8px;background:#fff;\
         box-shadow:0 2px 8px rgba(0,0,0,.1);max-width:400px}}\n\
         h1{{margin:0 0 .5rem;font-size:1.5rem;color:{color}}}\n\
         p{{color:#555;margin:0}}</style></head>\n\
         <body><div class=\"card\"><h1>{title}</h1><p>{message}</p></div></body></html>"
    )
}
