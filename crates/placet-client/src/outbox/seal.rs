//! Answers at rest: sealed with XChaCha20-Poly1305 under a key the app keeps in the OS
//! keychain, so the database file alone reveals no response, feedback or typed value.
//!
//! Each sealed value carries a fresh random 192-bit nonce; the row's identity (table,
//! server, account, message) is authenticated with it, so a sealed value moved to another
//! row, server or account does not open.

use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::secret::Secret;

/// The first byte of every sealed value: the format, for a future change of cipher.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
/// The text form starts with this, so a keychain entry says what it holds.
const SECRET_PREFIX: &str = "placet-outbox-key-v1:";

/// The 32-byte key that seals the outbox. `Debug` never shows it; it leaves the process
/// only as a [`Secret`] for the keychain.
#[derive(Clone)]
pub struct OutboxKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for OutboxKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutboxKey(<redacted>)")
    }
}

/// A stored key that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored outbox key is not valid: {0}")]
pub struct KeyError(&'static str);

impl OutboxKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Self {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&key);
        Self(bytes)
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The key as text for the keychain (`placet-outbox-key-v1:` and URL-safe base64).
    pub fn to_secret(&self) -> Secret {
        let mut text = String::from(SECRET_PREFIX);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_string(*self.0, &mut text);
        Secret::new(text)
    }

    /// Reads a key written by [`OutboxKey::to_secret`].
    pub fn from_secret(secret: &Secret) -> Result<Self, KeyError> {
        let encoded = secret
            .expose()
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or(KeyError("unknown format"))?;
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(encoded)
                .map_err(|_| KeyError("not base64"))?,
        );
        let array: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError("not 32 bytes"))?;
        Ok(Self::from_bytes(array))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&*self.0).into())
    }

    /// Seals `plain`, bound to `identity` (the row it belongs to).
    pub(crate) fn seal(&self, identity: &RowIdentity<'_>, plain: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = identity.bytes();
        let sealed = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            // Encryption fails only for inputs of gigabytes; an answer is small.
            .expect("XChaCha20-Poly1305 seals any answer-sized input");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value sealed for `identity`; `None` for another key, another row, or
    /// bytes that were changed.
    pub(crate) fn open(
        &self,
        identity: &RowIdentity<'_>,
        sealed: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let (&format, rest) = sealed.split_first()?;
        if format != FORMAT_V1 || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let aad = identity.bytes();
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

/// Which row a sealed value belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowIdentity<'a> {
    pub(crate) table: &'static str,
    pub(crate) server: &'a str,
    pub(crate) account: &'a str,
    pub(crate) message_id: &'a str,
}

impl RowIdentity<'_> {
    fn bytes(&self) -> Vec<u8> {
        // NUL cannot occur in any of the parts, so the join is unambiguous.
        [
            "placet-outbox",
            self.table,
            self.server,
            self.account,
            self.message_id,
        ]
        .join("\0")
        .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(message_id: &str) -> RowIdentity<'_> {
        RowIdentity {
            table: "outbox",
            server: "https://placet.example",
            account: "u1",
            message_id,
        }
    }

    #[test]
    fn sealed_values_open_only_for_their_row_and_key() {
        let key = OutboxKey::generate();
        let sealed = key.seal(&row("m1"), b"{\"selectedOption\":\"approve\"}");
        assert!(
            !sealed.windows(7).any(|w| w == b"approve"),
            "no plaintext in the sealed bytes"
        );
        assert_eq!(
            key.open(&row("m1"), &sealed).as_deref().map(Vec::as_slice),
            Some(&b"{\"selectedOption\":\"approve\"}"[..])
        );
        assert!(key.open(&row("m2"), &sealed).is_none(), "another row");
        assert!(
            OutboxKey::generate().open(&row("m1"), &sealed).is_none(),
            "another key"
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open(&row("m1"), &tampered).is_none(), "changed bytes");
        assert_ne!(
            key.seal(&row("m1"), b"x"),
            key.seal(&row("m1"), b"x"),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn keys_round_trip_through_their_text_form() {
        let key = OutboxKey::generate();
        let text = key.to_secret();
        assert!(text.expose().starts_with(SECRET_PREFIX));
        let back = OutboxKey::from_secret(&text).unwrap();
        let sealed = key.seal(&row("m"), b"v");
        assert!(back.open(&row("m"), &sealed).is_some(), "same key");
        assert!(!format!("{key:?}").contains(&text.expose()[SECRET_PREFIX.len()..]));
        assert!(OutboxKey::from_secret(&Secret::new("nope")).is_err());
        assert!(OutboxKey::from_secret(&Secret::new(format!("{SECRET_PREFIX}AAAA"))).is_err());
    }
}
