//! Zod-like checks on JSON bodies. Every failure is the generic
//! `400 "Validation failed"`, as the server's filter reports zod errors (nestjs-zod puts
//! the issues, refine messages included, in an `errors` array the filter drops). Zod's
//! `.optional()` accepts a missing key but not `null`; `.nullish()` accepts both, and the
//! `nullish_*` helpers read `null` as absent.

pub(crate) mod multipart;

use serde_json::{Map, Value};

use crate::error::ApiError;

type Obj = Map<String, Value>;
type Check<T> = Result<T, ApiError>;

/// The body must be a JSON object.
pub(crate) fn object(body: &Value) -> Check<&Obj> {
    body.as_object().ok_or_else(ApiError::validation)
}

/// A required string of at least `min` characters.
pub(crate) fn required_string<'a>(obj: &'a Obj, key: &str, min: usize) -> Check<&'a str> {
    optional_string(obj, key, min)?.ok_or_else(ApiError::validation)
}

/// An optional string of at least `min` characters.
pub(crate) fn optional_string<'a>(obj: &'a Obj, key: &str, min: usize) -> Check<Option<&'a str>> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.chars().count() >= min => Ok(Some(s)),
        Some(_) => Err(ApiError::validation()),
    }
}

/// An optional string of at most `max` characters.
pub(crate) fn optional_string_max<'a>(
    obj: &'a Obj,
    key: &str,
    max: usize,
) -> Check<Option<&'a str>> {
    let s = optional_string(obj, key, 0)?;
    match s {
        Some(s) if s.chars().count() > max => Err(ApiError::validation()),
        s => Ok(s),
    }
}

/// An optional member of a string enum.
pub(crate) fn optional_enum<'a>(
    obj: &'a Obj,
    key: &str,
    allowed: &[&str],
) -> Check<Option<&'a str>> {
    match optional_string(obj, key, 0)? {
        Some(s) if !allowed.contains(&s) => Err(ApiError::validation()),
        s => Ok(s),
    }
}

/// A `.nullish()` string: missing and `null` are both `None`.
pub(crate) fn nullish_string<'a>(obj: &'a Obj, key: &str) -> Check<Option<&'a str>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::validation()),
    }
}

/// A `.nullish()` object whose values are all strings.
pub(crate) fn nullish_string_map<'a>(obj: &'a Obj, key: &str) -> Check<Option<&'a Obj>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        _ => optional_string_map(obj, key),
    }
}

/// An optional boolean.
pub(crate) fn optional_bool(obj: &Obj, key: &str) -> Check<Option<bool>> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::validation()),
    }
}

/// An optional `z.number().int().positive()`.
pub(crate) fn optional_positive_integer(obj: &Obj, key: &str) -> Check<Option<u64>> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => positive_integer(v)
            .map(Some)
            .ok_or_else(ApiError::validation),
    }
}

/// An optional JSON object (`z.record(z.string(), z.unknown())`).
pub(crate) fn optional_object<'a>(obj: &'a Obj, key: &str) -> Check<Option<&'a Obj>> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(ApiError::validation()),
    }
}

/// An optional object whose values are all strings (`z.record(z.string(), z.string())`).
pub(crate) fn optional_string_map<'a>(obj: &'a Obj, key: &str) -> Check<Option<&'a Obj>> {
    match optional_object(obj, key)? {
        Some(map) if !map.values().all(Value::is_string) => Err(ApiError::validation()),
        map => Ok(map),
    }
}

/// An optional array of strings.
pub(crate) fn optional_string_array(obj: &Obj, key: &str) -> Check<Option<Vec<String>>> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(ApiError::validation)
            })
            .collect::<Check<Vec<_>>>()
            .map(Some),
        Some(_) => Err(ApiError::validation()),
    }
}

/// An optional URL (zod `.url()`: anything the WHATWG parser accepts with a scheme).
pub(crate) fn optional_url<'a>(obj: &'a Obj, key: &str) -> Check<Option<&'a str>> {
    match optional_string(obj, key, 0)? {
        Some(s) if url::Url::parse(s).is_err() => Err(ApiError::validation()),
        s => Ok(s),
    }
}

/// Zod's email check, simplified: `local@domain.tld` without spaces.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain
            .rsplit_once('.')
            .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2)
}

/// A positive integer, as JavaScript sees numbers (`3600.0` is an integer).
pub(crate) fn positive_integer(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return (n > 0).then_some(n);
    }
    let f = v.as_f64()?;
    (f > 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_991.0).then_some(f as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails() {
        assert!(is_email("admin@placet.local"));
        assert!(!is_email("admin"));
        assert!(!is_email("a b@c.de"));
        assert!(!is_email("a@b"));
    }

    #[test]
    fn positive_integers() {
        assert_eq!(positive_integer(&json!(5)), Some(5));
        assert_eq!(positive_integer(&json!(5.0)), Some(5));
        assert_eq!(positive_integer(&json!(0)), None);
        assert_eq!(positive_integer(&json!(-1)), None);
        assert_eq!(positive_integer(&json!(1.5)), None);
        assert_eq!(positive_integer(&json!("5")), None);
    }

    #[test]
    fn nullish_accepts_null() {
        let o = json!({"a": null, "b": "x", "c": 1});
        let o = o.as_object().unwrap();
        assert_eq!(nullish_string(o, "a").unwrap(), None);
        assert_eq!(nullish_string(o, "b").unwrap(), Some("x"));
        assert!(nullish_string(o, "c").is_err());
        assert!(nullish_string_map(o, "a").unwrap().is_none());
        assert!(
            optional_positive_integer(o, "a").is_err(),
            "optional is not nullish"
        );
    }

    #[test]
    fn optional_rejects_null() {
        let o = json!({"a": null});
        let o = o.as_object().unwrap();
        assert!(optional_string(o, "a", 0).is_err());
        assert_eq!(optional_string(o, "b", 0).unwrap(), None);
    }
}
