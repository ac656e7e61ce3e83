//! A `multipart/form-data` body, written as browsers write it (the HTML standard's
//! encoding of field and file names), so the server's parser sees what the web UI
//! would send.

/// A form: text fields and files, in order.
#[derive(Debug)]
pub(crate) struct Form {
    boundary: String,
    body: Vec<u8>,
}

impl Form {
    pub(crate) fn new() -> Self {
        let boundary = format!("----placet-tray-{:032x}", rand::random::<u128>());
        Self {
            boundary,
            body: Vec::new(),
        }
    }

    /// A text field.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.part_head(name, None, None);
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
    }

    /// A file field.
    pub(crate) fn file(&mut self, name: &str, file_name: &str, mime_type: &str, bytes: &[u8]) {
        self.part_head(name, Some(file_name), Some(mime_type));
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
    }

    fn part_head(&mut self, name: &str, file_name: Option<&str>, mime_type: Option<&str>) {
        let mut head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            escape(name)
        );
        if let Some(f) = file_name {
            head.push_str(&format!("; filename=\"{}\"", escape(f)));
        }
        head.push_str("\r\n");
        if let Some(m) = mime_type {
            // A MIME type is a token; anything that could end the header is dropped.
            let m: String = m.chars().filter(|c| !c.is_control()).collect();
            head.push_str(&format!("Content-Type: {m}\r\n"));
        }
        head.push_str("\r\n");
        self.body.extend_from_slice(head.as_bytes());
    }

    /// The `Content-Type` header naming the boundary.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The finished body.
    pub(crate) fn into_bytes(mut self) -> Vec<u8> {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body
    }
}

/// Names in a `Content-Disposition`, as the HTML standard has browsers write them: `"`
/// as `%22`, CR as `%0D`, LF as `%0A`; everything else (UTF-8 included) as is.
fn escape(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields, file, names escaped and boundary, byte for byte as a browser writes them.
    #[test]
    fn a_form_is_written_as_a_browser_writes_it() {
        let mut form = Form::new();
        form.text("channelId", "a1");
        form.file("file", "annotated-\"x\"\r\n.png", "image/png", b"\x89PNG");
        let boundary = form.boundary.clone();
        assert_eq!(
            form.content_type(),
            format!("multipart/form-data; boundary={boundary}")
        );
        let body = form.into_bytes();
        let expected = [
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"channelId\"\r\n\r\na1\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"annotated-%22x%22%0D%0A.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes(),
            b"\x89PNG\r\n".to_vec(),
            format!("--{boundary}--\r\n").into_bytes(),
        ]
        .concat();
        assert_eq!(body, expected);
    }
}
