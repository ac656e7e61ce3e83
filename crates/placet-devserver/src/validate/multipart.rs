//! `multipart/form-data` bodies, read the way `@fastify/multipart`'s `req.file()` hands
//! them to the upstream controllers: the first file part, with the plain fields that
//! came before it.

/// A file part and the fields sent before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FirstFile {
    /// Plain fields that preceded the file, in order (`data.fields`).
    pub(crate) fields: Vec<(String, String)>,
    /// `data.filename`.
    pub(crate) filename: String,
    /// `data.mimetype`: the part's `Content-Type`, `text/plain` without one (busboy's
    /// default).
    pub(crate) mime_type: String,
    /// The file's bytes.
    pub(crate) content: Vec<u8>,
}

impl FirstFile {
    /// A field sent before the file.
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a body is not usable multipart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MultipartError {
    /// Not `multipart/*` or no boundary: `req.file()` throws "the request is not
    /// multipart".
    NotMultipart,
    /// The parts cannot be read.
    Malformed,
}

/// The boundary of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let mime = params.next()?.trim().to_ascii_lowercase();
    if !mime.starts_with("multipart/") {
        return None;
    }
    params.find_map(|p| {
        let (name, value) = p.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The first file part of `body` and the fields before it; `Ok(None)` when there is no
/// file part.
pub(crate) fn first_file(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Option<FirstFile>, MultipartError> {
    let boundary = content_type
        .and_then(boundary)
        .ok_or(MultipartError::NotMultipart)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut fields = Vec::new();
    let mut rest = match find(body, &delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return Err(MultipartError::Malformed),
    };
    loop {
        if rest.starts_with(b"--") {
            return Ok(None);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or(MultipartError::Malformed)?;
        let head_end = find(rest, b"\r\n\r\n").ok_or(MultipartError::Malformed)?;
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let after_head = &rest[head_end + 4..];
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end = find(after_head, &closing).ok_or(MultipartError::Malformed)?;
        let content = &after_head[..end];
        rest = &after_head[end + closing.len()..];

        let (name, filename, mime_type) = part_headers(&head);
        match filename {
            Some(filename) => {
                return Ok(Some(FirstFile {
                    fields,
                    filename,
                    mime_type: mime_type.unwrap_or_else(|| "text/plain".to_owned()),
                    content: content.to_vec(),
                }))
            }
            None => fields.push((
                name.unwrap_or_default(),
                String::from_utf8_lossy(content).into_owned(),
            )),
        }
    }
}

/// `name`, `filename` (a file part has one) and `Content-Type` of a part's headers.
fn part_headers(head: &str) -> (Option<String>, Option<String>, Option<String>) {
    let (mut name, mut filename, mut mime) = (None, None, None);
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            for param in value.split(';').skip(1) {
                let Some((k, v)) = param.trim().split_once('=') else {
                    continue;
                };
                let v = v.trim().trim_matches('"').to_owned();
                match k.trim().to_ascii_lowercase().as_str() {
                    "name" => name = Some(v),
                    "filename" => filename = Some(v),
                    _ => {}
                }
            }
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            mime = Some(value.trim().to_owned());
        }
    }
    (name, filename, mime)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn first_file_with_earlier_fields() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"channelId\"\r\n\r\nc1\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
            Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ\r\n\
            Content-Disposition: form-data; name=\"late\"\r\n\r\nx\r\n--XyZ--\r\n";
        let file = first_file(Some(CT), body).unwrap().unwrap();
        assert_eq!(file.field("channelId"), Some("c1"));
        assert_eq!(
            file.field("late"),
            None,
            "fields after the file are not seen"
        );
        assert_eq!(file.filename, "a.png");
        assert_eq!(file.mime_type, "image/png");
        assert_eq!(file.content, b"\x89PNG");
    }

    #[test]
    fn no_file_and_not_multipart() {
        let body =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"channelId\"\r\n\r\nc1\r\n--XyZ--";
        assert_eq!(first_file(Some(CT), body), Ok(None));
        assert_eq!(
            first_file(Some("application/json"), b"{}"),
            Err(MultipartError::NotMultipart)
        );
        assert_eq!(first_file(None, b""), Err(MultipartError::NotMultipart));
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\""),
            Some("a b".into())
        );
    }
}
