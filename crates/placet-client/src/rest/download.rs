//! Attachment downloads: streamed to disk, capped, under a name that cannot hurt.
//!
//! The bytes go to a `.part` file created exclusively (mode 0600 on Unix) in the target
//! folder; the finished file is then hard-linked to its final name, which fails instead
//! of overwriting when the name is taken, so two downloads of one name (or a file the
//! person already has) never clobber each other. Every error removes the `.part` file.
//!
//! The name comes from `Content-Disposition`, read as bytes: `filename*=` (RFC 5987, any
//! charset label) wins over `filename=` (quoted, possibly raw UTF-8). It is then cleaned
//! ([`safe_file_name`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::header;
use tokio::io::AsyncWriteExt;

use super::limit::Route;
use super::wire::{check_status, network_error, seg};
use super::RestClient;
use crate::error::ApiError;

/// The default cap on one download: above the server's 100 MB upload limit.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// The longest file name most file systems take, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// How far a download got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    /// Bytes written so far.
    pub received: u64,
    /// The size the server announced (`Content-Length`), when it did.
    pub total: Option<u64>,
}

type ProgressFn = Arc<dyn Fn(DownloadProgress) + Send + Sync>;

/// How to download: the size cap and a progress callback.
#[derive(Clone)]
pub struct DownloadOptions {
    max_bytes: u64,
    progress: Option<ProgressFn>,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_DOWNLOAD,
            progress: None,
        }
    }
}

impl std::fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("max_bytes", &self.max_bytes)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl DownloadOptions {
    /// Refuses files larger than `bytes` (before writing anything when the server
    /// announces the size, as soon as the stream passes it otherwise).
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Calls `f` after every chunk written, and once at the start with 0 bytes.
    pub fn on_progress(mut self, f: impl Fn(DownloadProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    fn report(&self, p: DownloadProgress) {
        if let Some(f) = &self.progress {
            f(p);
        }
    }
}

/// A downloaded attachment written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFile {
    pub path: PathBuf,
    pub mime_type: Option<String>,
    pub size: u64,
}

/// An attachment download failed: on the server side, or writing the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("cannot write the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than the cap the caller set.
    #[error("the file is larger than the {} limit{}", mib(*.limit), size.map(|s| format!(" ({})", mib(s))).unwrap_or_default())]
    TooLarge { limit: u64, size: Option<u64> },
    /// The connection ended before the announced size arrived.
    #[error("the download stopped after {received} of {expected} bytes")]
    Incomplete { expected: u64, received: u64 },
}

fn mib(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{bytes} bytes")
    }
}

impl RestClient {
    /// Downloads an attachment into `dir` with the default options.
    pub async fn download_attachment(
        &self,
        attachment_id: &str,
        dir: &Path,
    ) -> Result<SavedFile, DownloadError> {
        self.download_attachment_with(attachment_id, dir, &DownloadOptions::default())
            .await
    }

    /// Downloads an attachment into `dir`, under the server's file name made safe and
    /// unique ("name (1).ext" when taken). The bytes stream to disk as they arrive; no
    /// total timeout applies, only the idle one of [`super::RestOptions`].
    pub async fn download_attachment_with(
        &self,
        attachment_id: &str,
        dir: &Path,
        options: &DownloadOptions,
    ) -> Result<SavedFile, DownloadError> {
        let url = self
            .base
            .join(&format!("api/files/{}/download", seg(attachment_id)));
        self.may_send_credentials(&url)?;
        let route = Route::new(reqwest::Method::GET, "api/files/:id/download");
        self.gate.check(&route)?;
        let what = format!("GET {}", url.path());
        let req = self.with_credential(self.download_http.get(url));
        let resp = match req.send().await {
            Ok(resp) => check_status(resp, &what).await,
            Err(e) => Err(network_error(e)),
        };
        self.gate.record(&route, &resp);
        let resp = resp?;

        let total = resp.content_length();
        if let Some(size) = total.filter(|s| *s > options.max_bytes) {
            return Err(DownloadError::TooLarge {
                limit: options.max_bytes,
                size: Some(size),
            });
        }
        let mime_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let name = resp
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| disposition_filename(v.as_bytes()))
            .unwrap_or_else(|| format!("attachment-{attachment_id}"));
        let name = safe_file_name(&name);

        tokio::fs::create_dir_all(dir).await?;
        let (mut file, part) = create_part(dir).await?;
        options.report(DownloadProgress { received: 0, total });
        let mut stream = resp.bytes_stream();
        let mut received = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(network_error)?;
            received += chunk.len() as u64;
            if received > options.max_bytes {
                return Err(DownloadError::TooLarge {
                    limit: options.max_bytes,
                    size: total,
                });
            }
            file.write_all(&chunk).await?;
            options.report(DownloadProgress { received, total });
        }
        if let Some(expected) = total.filter(|t| *t != received) {
            return Err(DownloadError::Incomplete { expected, received });
        }
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let path = publish(&part, dir, &name).await?;
        Ok(SavedFile {
            path,
            mime_type,
            size: received,
        })
    }
}

/// A `.part` file that is removed when dropped, unless it was published.
struct PartFile {
    path: PathBuf,
}

impl Drop for PartFile {
    fn drop(&mut self) {
        // On success the file was already removed after linking; this covers errors and
        // a cancelled download (the future dropped mid-stream).
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Creates a fresh, private `.part` file in `dir`. Its name is random (so it never
/// collides and never depends on the server's name), it is created exclusively, and on
/// Unix only the owner can read it.
async fn create_part(dir: &Path) -> std::io::Result<(tokio::fs::File, PartFile)> {
    let mut last = None;
    for _ in 0..8 {
        let path = dir.join(format!(
            ".placet-download-{:016x}.part",
            rand::random::<u64>()
        ));
        let mut opts = tokio::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        opts.mode(0o600);
        match opts.open(&path).await {
            Ok(f) => return Ok((f, PartFile { path })),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("cannot create a temporary file")))
}

/// Gives the finished `.part` file its final name without ever replacing a file: a hard
/// link fails when the name exists, so the next candidate is tried. Where hard links are
/// not supported, the name is first reserved with an exclusive create and the `.part`
/// file renamed over that reservation.
async fn publish(part: &PartFile, dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    let (stem, ext) = split_extension(name);
    let mut links_work = true;
    for n in 0..10_000u32 {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let candidate = dir.join(fit_name(stem, &suffix, ext));
        if links_work {
            match tokio::fs::hard_link(&part.path, &candidate).await {
                Ok(()) => {
                    tokio::fs::remove_file(&part.path).await?;
                    return Ok(candidate);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    tracing::debug!(error = %e, "hard links unavailable here; reserving names instead");
                    links_work = false;
                }
            }
        }
        let reserved = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
            .await;
        match reserved {
            Ok(f) => {
                drop(f);
                tokio::fs::rename(&part.path, &candidate).await?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "too many files with this name in the folder",
    ))
}

/// The file name of a `Content-Disposition` header, read from its bytes: `filename*=`
/// (RFC 5987: `charset'lang'percent-encoded`, any charset label `encoding_rs` knows)
/// wins over `filename=` (a token or a quoted string; raw bytes that are UTF-8 are read
/// as UTF-8, others as ISO-8859-1).
pub(crate) fn disposition_filename(header: &[u8]) -> Option<String> {
    let mut plain = None;
    for param in split_params(header) {
        let Some(eq) = param.iter().position(|b| *b == b'=') else {
            continue;
        };
        let key = String::from_utf8_lossy(trim(&param[..eq])).to_ascii_lowercase();
        let value = trim(&param[eq + 1..]);
        match key.as_str() {
            "filename*" => {
                if let Some(name) = decode_ext_value(value).filter(|n| !n.is_empty()) {
                    return Some(name);
                }
            }
            "filename" => plain = Some(decode_plain(value)),
            _ => {}
        }
    }
    plain.filter(|n| !n.is_empty())
}

/// Splits on `;` outside quoted strings.
fn split_params(header: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, b) in header.iter().enumerate() {
        match (*b, quoted, escaped) {
            (_, true, true) => escaped = false,
            (b'\\', true, false) => escaped = true,
            (b'"', q, false) => quoted = !q,
            (b';', false, _) => {
                out.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&header[start..]);
    out
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

fn decode_ext_value(value: &[u8]) -> Option<String> {
    let value = value
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .unwrap_or(value);
    let mut parts = value.splitn(3, |b| *b == b'\'');
    let charset = parts.next()?;
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes = percent_decode(encoded);
    let label = String::from_utf8_lossy(charset);
    match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
        Some(encoding) => {
            let (text, _, had_errors) = encoding.decode(&bytes);
            (!had_errors).then(|| text.into_owned())
        }
        // An unknown label: UTF-8 is what servers send in practice.
        None => String::from_utf8(bytes).ok(),
    }
}

fn decode_plain(value: &[u8]) -> String {
    let bytes: Vec<u8> = match value.strip_prefix(b"\"") {
        Some(rest) => {
            let mut out = Vec::with_capacity(rest.len());
            let mut escaped = false;
            for b in rest {
                match (*b, escaped) {
                    (_, true) => {
                        out.push(*b);
                        escaped = false;
                    }
                    (b'\\', false) => escaped = true,
                    (b'"', false) => break,
                    _ => out.push(*b),
                }
            }
            out
        }
        None => value.to_vec(),
    };
    match String::from_utf8(bytes) {
        Ok(s) => s,
        // Not UTF-8: HTTP's historical default, ISO-8859-1, maps each byte to a char.
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    }
}

fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// A file name that cannot escape the target folder, hide itself, or lie about itself:
/// path separators and the characters Windows forbids become `_`, control characters
/// become `_`, format characters (Unicode Cf: bidi overrides like U+202E, zero-width
/// spaces, U+2066..2069 isolates, ...) and line/paragraph separators are dropped, leading
/// dots and surrounding spaces go, and the result is cut to 255 bytes on a character
/// boundary, keeping its extension.
pub fn safe_file_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .filter(|c| !is_format_char(*c) && !matches!(c, '\u{2028}' | '\u{2029}'))
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = mapped
        .trim()
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        // Windows drops trailing dots and spaces, which would change the name.
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        return "attachment".to_owned();
    }
    let (stem, ext) = split_extension(cleaned);
    fit_name(stem, "", ext)
}

/// Splits "report.final.pdf" into ("report.final", ".pdf"). Only a short extension
/// without spaces counts: "notes. see below" has none.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => {
            let ext = &name[i..];
            let plausible = ext.len() >= 2
                && ext.len() <= 32
                && !ext[1..].chars().any(|c| c.is_whitespace() || c == '.');
            if plausible {
                (&name[..i], ext)
            } else {
                (name, "")
            }
        }
        _ => (name, ""),
    }
}

/// `stem + suffix + ext` in at most [`MAX_NAME_BYTES`] bytes: the stem is cut on a
/// character boundary so the suffix and the extension survive.
fn fit_name(stem: &str, suffix: &str, ext: &str) -> String {
    let room = MAX_NAME_BYTES.saturating_sub(suffix.len() + ext.len());
    if room == 0 {
        return cut_to(&format!("{stem}{suffix}{ext}"), MAX_NAME_BYTES).to_owned();
    }
    format!("{}{suffix}{ext}", cut_to(stem, room))
}

fn cut_to(s: &str, max_bytes: usize) -> &str {
    if s.len() <= max_bytes {
        return s;
    }
    let mut end = max_bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Unicode general category Cf (format characters), as of Unicode 15.1: invisible
/// characters that change how text around them is shown (bidi overrides and isolates,
/// zero-width spaces and joiners, tags).
fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD
        | 0x0600..=0x0605
        | 0x061C
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name(" . .bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\u{0}b\nc.txt"), "a_b_c.txt");
        assert_eq!(safe_file_name("   "), "attachment");
        assert_eq!(safe_file_name("..."), "attachment");
        assert_eq!(
            safe_file_name("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe",
            "a right-to-left override cannot disguise the extension"
        );
        assert_eq!(
            safe_file_name("a\u{200B}b\u{2066}c\u{2069}\u{FEFF}.txt"),
            "abc.txt"
        );
        assert_eq!(safe_file_name("Отчёт 2026.pdf"), "Отчёт 2026.pdf");
    }

    #[test]
    fn long_names_are_cut_on_a_char_boundary_keeping_the_extension() {
        let long = format!("{}.pdf", "ё".repeat(200)); // 404 bytes
        let safe = safe_file_name(&long);
        assert!(safe.len() <= 255, "{} bytes", safe.len());
        assert!(safe.ends_with(".pdf"), "{safe}");
        assert_eq!(fit_name("ab", " (1)", ".txt"), "ab (1).txt");
        let with_suffix = fit_name(&"x".repeat(300), " (12)", ".tar");
        assert_eq!(with_suffix.len(), 255);
        assert!(with_suffix.ends_with(" (12).tar"));
        assert_eq!(
            split_extension("notes. see below"),
            ("notes. see below", "")
        );
        assert_eq!(split_extension("archive.tar.gz"), ("archive.tar", ".gz"));
    }

    #[test]
    fn disposition_names_are_read_from_bytes() {
        assert_eq!(
            disposition_filename(br#"inline; filename="report.pdf""#).as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            disposition_filename(b"attachment; filename*=UTF-8''na%C3%AFve.txt").as_deref(),
            Some("naïve.txt")
        );
        assert_eq!(
            disposition_filename(b"attachment; filename*=utf-8'ru'%D0%9E.pdf; filename=\"x\"")
                .as_deref(),
            Some("О.pdf"),
            "filename* wins, whatever its position and label case"
        );
        assert_eq!(
            disposition_filename(b"attachment; filename*=iso-8859-1''caf%E9.txt").as_deref(),
            Some("café.txt")
        );
        assert_eq!(
            disposition_filename(b"attachment; filename*=windows-1251''%CE%F2%F7%B8%F2.txt")
                .as_deref(),
            Some("Отчёт.txt")
        );
        let raw = "inline; filename=\"Отчёт 2026.pdf\"".as_bytes();
        assert_eq!(disposition_filename(raw).as_deref(), Some("Отчёт 2026.pdf"));
        assert_eq!(
            disposition_filename(b"inline; filename=\"caf\xe9.txt\"").as_deref(),
            Some("café.txt"),
            "bytes that are not UTF-8 read as ISO-8859-1"
        );
        assert_eq!(
            disposition_filename(br#"inline; filename="a;b \"q\".txt""#).as_deref(),
            Some("a;b \"q\".txt"),
            "quoted semicolons and escapes"
        );
        assert_eq!(disposition_filename(b"inline"), None);
    }
}
