//! Credentials: JWTs (access tokens and ws-tickets), password hashes and API keys.

use std::sync::RwLock;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::util::random_hex;

/// Access tokens last 7 days (`expiresIn: '7d'`), like the cookie's `Max-Age`.
pub(crate) const ACCESS_TOKEN_SECONDS: i64 = 7 * 24 * 60 * 60;
/// A ws-ticket lasts 30 s.
pub(crate) const TICKET_SECONDS: i64 = 30;

/// Claims of both token kinds; a ticket has only `sub`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub(crate) sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) role: Option<String>,
    pub(crate) iat: i64,
    pub(crate) exp: i64,
}

/// Signs and verifies HS256 JWTs with a secret that tests can rotate, which invalidates
/// every token issued before.
pub(crate) struct TokenSigner {
    secret: RwLock<Vec<u8>>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(<redacted>)")
    }
}

impl TokenSigner {
    pub(crate) fn new(secret: &str) -> Self {
        Self {
            secret: RwLock::new(secret.as_bytes().to_vec()),
        }
    }

    fn secret(&self) -> Vec<u8> {
        self.secret
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A 7-day access token `{sub, email, role}`.
    pub(crate) fn access_token(&self, user_id: &str, email: &str, role: &str) -> String {
        self.sign(Claims {
            sub: user_id.to_owned(),
            email: Some(email.to_owned()),
            role: Some(role.to_owned()),
            iat: 0,
            exp: ACCESS_TOKEN_SECONDS,
        })
    }

    /// A 30-second ws-ticket `{sub}`.
    pub(crate) fn ticket(&self, user_id: &str) -> String {
        self.sign(Claims {
            sub: user_id.to_owned(),
            email: None,
            role: None,
            iat: 0,
            exp: TICKET_SECONDS,
        })
    }

    /// Signs `claims` with `iat` = now and `exp` = now + `claims.exp` seconds.
    fn sign(&self, mut claims: Claims) -> String {
        let now = chrono::Utc::now().timestamp();
        claims.exp += now;
        claims.iat = now;
        // Encoding HS256 claims made of strings and integers cannot fail.
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.secret()),
        )
        .unwrap_or_default()
    }

    /// Checks signature and expiry (no leeway, like `jsonwebtoken` in Node).
    pub(crate) fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        decode::<Claims>(
            token,
            &DecodingKey::from_secret(&self.secret()),
            &validation,
        )
        .ok()
        .map(|data| data.claims)
    }

    /// Replaces the secret with a random one.
    pub(crate) fn rotate(&self) {
        *self.secret.write().unwrap_or_else(|e| e.into_inner()) = random_hex(32).into_bytes();
    }
}

/// `sha256$<salt>$<hex digest>`: salted and fast, which is all a dev server needs (argon2 is
/// slow in debug builds).
pub(crate) fn hash_password(password: &str) -> String {
    let salt = random_hex(16);
    format!("sha256${salt}${}", salted_digest(&salt, password))
}

pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.splitn(3, '$');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("sha256"), Some(salt), Some(digest)) => salted_digest(salt, password) == digest,
        _ => false,
    }
}

fn salted_digest(salt: &str, password: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(b"$");
    hasher.update(password.as_bytes());
    hex::encode(hasher.finalize())
}

/// A new API key: `hp_` followed by 48 hex characters.
pub(crate) fn new_api_key() -> String {
    format!("hp_{}", random_hex(24))
}

/// The stored form of an API key: its SHA-256, hex.
pub(crate) fn api_key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The displayable prefix: `hp_` plus 8 characters.
pub(crate) fn api_key_prefix(key: &str) -> String {
    key.chars().take(11).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let stored = hash_password("changeme");
        assert!(verify_password("changeme", &stored));
        assert!(!verify_password("changemE", &stored));
        assert_ne!(stored, hash_password("changeme"), "salts differ");
    }

    #[test]
    fn api_key_shape() {
        let key = new_api_key();
        assert_eq!(key.len(), 51);
        assert!(key.starts_with("hp_"));
        assert_eq!(api_key_prefix(&key).len(), 11);
    }

    #[test]
    fn rotation_invalidates_tokens() {
        let signer = TokenSigner::new("secret");
        let token = signer.access_token("u1", "a@b.c", "owner");
        let claims = signer.verify(&token).expect("fresh token verifies");
        assert_eq!(claims.sub, "u1");
        assert_eq!(claims.exp - claims.iat, ACCESS_TOKEN_SECONDS);
        signer.rotate();
        assert!(signer.verify(&token).is_none());
    }
}
