//! Small shared helpers: timestamps in the server's wire format and row ids.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use rand::Rng;

/// The current time truncated to milliseconds, the precision of JavaScript dates, so a
/// timestamp written and read back compares equal.
pub(crate) fn now() -> DateTime<Utc> {
    let millis = Utc::now().timestamp_millis();
    DateTime::from_timestamp_millis(millis).unwrap_or_else(Utc::now)
}

/// Formats like JavaScript's `Date.prototype.toISOString()`: `2025-01-01T12:00:00.000Z`.
///
/// Every stored timestamp uses this fixed-width form, so SQL string comparison orders them.
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `iso(now())`.
pub(crate) fn now_iso() -> String {
    iso(now())
}

/// Parses a date the way the server's `new Date(string)` check accepts it, for the common
/// ISO forms: full RFC 3339, a date-time without zone (taken as UTC) and a bare date
/// (UTC midnight, as JavaScript does).
pub(crate) fn parse_js_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A cuid-like id (`c` followed by 24 lowercase base-36 characters), the shape Prisma's
/// `@default(cuid())` produces, so clients see realistic ids.
pub(crate) fn new_id() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    let mut id = String::with_capacity(25);
    id.push('c');
    for _ in 0..24 {
        id.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
    }
    id
}

/// JavaScript truthiness of a JSON value.
pub(crate) fn truthy(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// JavaScript's `parseInt(s, 10)`: leading whitespace and a sign, then as many decimal
/// digits as there are (`"12abc"` is 12, `"1.9"` is 1, `"1e3"` is 1); `None` for NaN.
pub(crate) fn js_parse_int(s: &str) -> Option<f64> {
    let t = s.trim_start();
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let value: f64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill(bytes.as_mut_slice());
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_matches_javascript() {
        let t = DateTime::parse_from_rfc3339("2025-01-02T03:04:05.678+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(iso(t), "2025-01-02T03:04:05.678Z");
    }

    #[test]
    fn parses_common_iso_forms() {
        assert!(parse_js_date("2030-01-01T00:00:00Z").is_some());
        assert!(parse_js_date("2030-01-01T00:00:00.123+02:00").is_some());
        assert!(parse_js_date("2030-01-01").is_some());
        assert!(parse_js_date("2030-01-01T10:00").is_some());
        assert!(parse_js_date("tomorrow").is_none());
    }

    #[test]
    fn parse_int_like_javascript() {
        assert_eq!(js_parse_int("25"), Some(25.0));
        assert_eq!(js_parse_int("  7"), Some(7.0));
        assert_eq!(js_parse_int("1.9"), Some(1.0));
        assert_eq!(js_parse_int("12abc"), Some(12.0));
        assert_eq!(js_parse_int("1e3"), Some(1.0));
        assert_eq!(js_parse_int("0x1A"), Some(0.0));
        assert_eq!(js_parse_int("-3"), Some(-3.0));
        assert!(js_parse_int("-0").is_some_and(|z| z == 0.0 && z.is_sign_negative()));
        assert_eq!(js_parse_int("abc"), None);
        assert_eq!(js_parse_int(""), None);
        assert_eq!(js_parse_int("-"), None);
    }

    #[test]
    fn ids_look_like_cuids() {
        let id = new_id();
        assert_eq!(id.len(), 25);
        assert!(id.starts_with('c'));
        assert_ne!(new_id(), id);
    }
}
