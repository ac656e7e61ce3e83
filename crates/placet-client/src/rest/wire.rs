//! What goes over the wire and comes back: status codes into [`ApiError`]s, Placet's
//! error bodies, `Retry-After`, transport errors, the session cookie, path segments.

use std::time::Duration;

use reqwest::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, NetworkKind};
use crate::secret::Secret;

pub(crate) fn seg(id: &str) -> String {
    // Ids are opaque: percent-encode so an odd id cannot change the path.
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

pub(crate) async fn check_status(
    resp: reqwest::Response,
    what: &str,
) -> Result<reqwest::Response, ApiError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    if status.is_redirection() {
        // Resolved against the request URL, so a relative Location reads as an address.
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| resp.url().join(l).ok())
            .map(|u| u.to_string());
        tracing::warn!(
            request = what,
            status = status.as_u16(),
            ?location,
            "redirect not followed"
        );
        return Err(ApiError::Redirect {
            status: status.as_u16(),
            location,
        });
    }
    let retry_after = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let body = resp.text().await.unwrap_or_default();
    let message = server_message(&body).unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("unexpected status")
            .to_owned()
    });
    tracing::debug!(request = what, status = status.as_u16(), %message, "placet api error");
    Err(match status {
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized { message },
        StatusCode::FORBIDDEN if message == "Review already responded" => {
            ApiError::AlreadyResponded
        }
        StatusCode::FORBIDDEN => ApiError::Forbidden { message },
        StatusCode::NOT_FOUND => ApiError::NotFound { message },
        StatusCode::BAD_REQUEST => ApiError::BadRequest { message },
        StatusCode::TOO_MANY_REQUESTS => ApiError::RateLimited { retry_after },
        s => ApiError::Server {
            status: s.as_u16(),
            message,
        },
    })
}

/// The `message` of Placet's error body (a string or a list of strings).
pub(crate) fn server_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    match v.get("message")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    }
}

pub(crate) fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
    Some(Duration::from_secs(secs))
}

pub(crate) async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ApiError> {
    let bytes = resp.bytes().await.map_err(network_error)?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode {
        message: e.to_string(),
    })
}

pub(crate) fn decode_each<T: DeserializeOwned>(raw: Vec<Value>, what: &str) -> Vec<T> {
    raw.into_iter()
        .filter_map(|v| match serde_json::from_value::<T>(v) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(error = %e, "skipping a malformed {what} from the server");
                None
            }
        })
        .collect()
}

pub(crate) fn network_error(e: reqwest::Error) -> ApiError {
    let kind = if e.is_timeout() {
        NetworkKind::Timeout
    } else if is_tls(&e) {
        NetworkKind::Tls
    } else if e.is_connect() {
        NetworkKind::Connect
    } else {
        NetworkKind::Other
    };
    // `without_url` keeps query strings out of the text; the chain gives the cause.
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    ApiError::Network { kind, message }
}

pub(crate) fn is_tls(e: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls") || text.contains("ssl") {
            return true;
        }
        source = s.source();
    }
    false
}

/// The value of the `access_token` cookie among the `Set-Cookie` headers.
pub(crate) fn session_cookie(headers: &header::HeaderMap) -> Option<Secret> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookie| {
            let first = cookie.split(';').next()?.trim();
            let (name, value) = first.split_once('=')?;
            (name.trim() == "access_token" && !value.trim().is_empty())
                .then(|| Secret::new(value.trim().trim_matches('"')))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_cookie_is_found_among_several() {
        let mut h = header::HeaderMap::new();
        h.append(header::SET_COOKIE, "other=1; Path=/".parse().unwrap());
        h.append(
            header::SET_COOKIE,
            "access_token=abc.def.ghi; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800"
                .parse()
                .unwrap(),
        );
        assert_eq!(session_cookie(&h).unwrap().expose(), "abc.def.ghi");
        let mut cleared = header::HeaderMap::new();
        cleared.append(
            header::SET_COOKIE,
            "access_token=; Max-Age=0".parse().unwrap(),
        );
        assert!(session_cookie(&cleared).is_none());
    }

    #[test]
    fn error_messages_are_read_from_placet_bodies() {
        assert_eq!(
            server_message(
                r#"{"statusCode":403,"message":"Not your agent","timestamp":"x","path":"/"}"#
            )
            .as_deref(),
            Some("Not your agent")
        );
        assert_eq!(
            server_message(r#"{"message":["a","b"]}"#).as_deref(),
            Some("a; b")
        );
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
    }
}
