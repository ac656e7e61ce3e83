//! The paginated message lists (`paginateMessages` in messages.service.ts), `limit`
//! parsing included: the controllers read it as `limit ? parseInt(limit, 10) :
//! undefined`, the service as `Math.min(limit ?? 50, 100)`, and Prisma takes what is
//! left: 0 takes nothing, a negative number takes that many from the end (before the
//! cursor), and NaN is a query error, which the server's filter turns into a 500.

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::model::MessageRow;
use crate::util::js_parse_int;

/// The default page size.
const DEFAULT: i64 = 50;
/// The largest page.
const MAX: i64 = 100;

/// The page size a `limit` query value asks for: at most 100, possibly 0 or negative.
pub(crate) fn page_size(raw: Option<&str>) -> Result<i64, ApiError> {
    let Some(raw) = raw.filter(|s| !s.is_empty()) else {
        return Ok(DEFAULT);
    };
    let parsed = js_parse_int(raw).ok_or_else(|| {
        tracing::debug!(limit = raw, "limit is NaN: Prisma refuses the query");
        ApiError::internal()
    })?;
    // `Math.min(n, 100)`; a huge negative number still means "from the end".
    Ok(parsed.min(MAX as f64).max(i64::MIN as f64) as i64)
}

/// `{data, nextCursor}`: `nextCursor` is the last id when the page has exactly `size`
/// rows. With `size` 0 that comparison holds for an empty page and the last id is
/// `undefined`, so the key is left out; a negative size never matches, so `null`.
pub(crate) fn page_body(data: Vec<Value>, rows: &[MessageRow], size: i64) -> Value {
    let mut body = Map::new();
    body.insert("data".to_owned(), Value::Array(data));
    let full = i64::try_from(rows.len()).is_ok_and(|n| n == size);
    match rows.last() {
        Some(last) if full => {
            body.insert("nextCursor".to_owned(), json!(last.id));
        }
        None if full => {}
        _ => {
            body.insert("nextCursor".to_owned(), Value::Null);
        }
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_as_the_server_reads_them() {
        assert_eq!(page_size(None).unwrap(), 50);
        assert_eq!(page_size(Some("")).unwrap(), 50, "an empty limit is falsy");
        assert_eq!(page_size(Some("25")).unwrap(), 25);
        assert_eq!(page_size(Some("1000")).unwrap(), 100);
        assert_eq!(page_size(Some("0")).unwrap(), 0);
        assert_eq!(page_size(Some("1.9")).unwrap(), 1);
        assert_eq!(page_size(Some("-3")).unwrap(), -3);
        assert_eq!(page_size(Some("abc")).unwrap_err().status.as_u16(), 500);
    }

    #[test]
    fn next_cursor_rules() {
        assert_eq!(page_body(vec![], &[], 0), json!({ "data": [] }), "limit 0");
        assert_eq!(
            page_body(vec![], &[], 5),
            json!({ "data": [], "nextCursor": null }),
            "short page"
        );
    }
}
