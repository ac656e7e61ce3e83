//! A value that must never be printed, logged or serialised: JWTs, tickets, API keys,
//! passwords.

use std::fmt;

/// Holds a secret string. `Debug` and `Display` print `<redacted>`; there is no
/// `Serialize`, so a secret cannot slip into JSON sent to a webview or written to a file.
/// The only way out is [`Secret::expose`], which makes each use visible in review.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the few places that must send it (an HTTP header, a
    /// Socket.IO handshake, the keychain).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("eyJhbGciOi.secret.token");
        assert_eq!(format!("{s}"), "<redacted>");
        assert!(
            !format!("{s:?}").contains("secret"),
            "Debug leaked the secret"
        );
        assert_eq!(s.expose(), "eyJhbGciOi.secret.token");
    }
}

/// When a JWT expires (its `exp` claim), read without verifying the signature: only to
/// decide when to renew the session, never to trust it.
pub fn jwt_expiry(token: &Secret) -> Option<chrono::DateTime<chrono::Utc>> {
    use base64::Engine;
    let payload = token.expose().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    chrono::DateTime::from_timestamp(claims.get("exp")?.as_i64()?, 0)
}

#[cfg(test)]
mod jwt_tests {
    use super::*;

    #[test]
    fn expiry_is_read_from_the_payload() {
        // {"alg":"HS256"} . {"sub":"u1","exp":2000000000} . signature
        let token = Secret::new("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsImV4cCI6MjAwMDAwMDAwMH0.sig");
        assert_eq!(
            jwt_expiry(&token).map(|t| t.timestamp()),
            Some(2_000_000_000)
        );
        assert_eq!(jwt_expiry(&Secret::new("not-a-jwt")), None);
    }
}
