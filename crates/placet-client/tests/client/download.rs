use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::Path as UrlPath;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use placet_client::rest::{DownloadError, DownloadOptions};
use placet_client::{Credential, RestClient, Secret};
use sha2::{Digest, Sha256};

use crate::fake::FakeServer;
use crate::support::temp_dir;

const BIG: u64 = 50 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// The bytes of chunk `i` of the big file: deterministic, not all alike.
fn chunk(i: u64) -> Bytes {
    let mut v = vec![0u8; CHUNK];
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for b in v.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    Bytes::from(v)
}

fn big_digest() -> Vec<u8> {
    let mut h = Sha256::new();
    for i in 0..BIG / CHUNK as u64 {
        h.update(chunk(i));
    }
    h.finalize().to_vec()
}

/// The file server: each id is a case.
async fn file_server() -> FakeServer {
    let router = axum::Router::new().route(
        "/api/files/{id}/download",
        axum::routing::get(|UrlPath(id): UrlPath<String>| async move { serve(&id) }),
    );
    FakeServer::start(router).await
}

fn serve(id: &str) -> Response {
    let (disposition, body, length): (Vec<u8>, Body, Option<u64>) = match id {
        "big" => (
            br#"attachment; filename="big.bin""#.to_vec(),
            Body::from_stream(futures_util::stream::iter(
                (0..BIG / CHUNK as u64).map(|i| Ok::<_, std::io::Error>(chunk(i))),
            )),
            Some(BIG),
        ),
        "raw-utf8" => (
            "inline; filename=\"Отчёт 2026.pdf\"".as_bytes().to_vec(),
            Body::from("pdf"),
            Some(3),
        ),
        "rfc5987" => (
            b"attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%202026.pdf"
                .to_vec(),
            Body::from("pdf"),
            Some(3),
        ),
        "empty" => (
            br#"attachment; filename="empty.txt""#.to_vec(),
            Body::empty(),
            Some(0),
        ),
        "hostile" => {
            let name = format!("\u{202E}{}{}.pdf", "Ж".repeat(140), "\u{200B}x");
            assert!(name.len() > 290, "{} bytes", name.len());
            let encoded: String = name
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect();
            (
                format!("attachment; filename*=UTF-8''{encoded}").into_bytes(),
                Body::from("x"),
                Some(1),
            )
        }
        "same" => (
            br#"attachment; filename="same.txt""#.to_vec(),
            Body::from_stream(futures_util::stream::iter(
                (0..64).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; 4096]))),
            )),
            Some(64 * 4096),
        ),
        "exists" => (
            br#"attachment; filename="exists.txt""#.to_vec(),
            Body::from("theirs"),
            Some(6),
        ),
        "broken" => (
            br#"attachment; filename="broken.bin""#.to_vec(),
            Body::from_stream(futures_util::stream::iter(vec![
                Ok(Bytes::from(vec![1u8; 1000])),
                Err(std::io::Error::other("cut")),
            ])),
            Some(100_000),
        ),
        _ => {
            return Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Body::from(r#"{"statusCode":404,"message":"Attachment not found"}"#))
                .unwrap()
        }
    };
    let mut resp = Response::new(body);
    resp.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_bytes(&disposition).unwrap(),
    );
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Some(n) = length {
        resp.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    resp
}

fn client(server: &FakeServer) -> RestClient {
    RestClient::new(server.url()).authenticated(Credential::Jwt(Secret::new("jwt")))
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A 50 MiB file streams to disk chunk by chunk with progress (bytes so far and the
/// total), arrives intact, and the `.part` file on the way is private (0600 on Unix).
#[tokio::test]
async fn a_large_file_streams_to_disk_with_progress() {
    let server = file_server().await;
    let dir = temp_dir("download-big");
    let calls = Arc::new(AtomicUsize::new(0));
    let last = Arc::new(AtomicU64::new(0));
    let part_modes = Arc::new(Mutex::new(Vec::new()));
    let (c, l, m, d) = (calls.clone(), last.clone(), part_modes.clone(), dir.clone());
    let options = DownloadOptions::default().on_progress(move |p| {
        assert_eq!(p.total, Some(BIG), "the total is known");
        assert!(
            p.received >= l.load(Ordering::SeqCst),
            "progress only grows"
        );
        l.store(p.received, Ordering::SeqCst);
        if c.fetch_add(1, Ordering::SeqCst) == 1 {
            m.lock().unwrap().extend(part_files(&d));
        }
    });
    let saved = client(&server)
        .download_attachment_with("big", &dir, &options)
        .await
        .expect("download");
    assert_eq!(saved.size, BIG);
    assert_eq!(saved.path, dir.join("big.bin"));
    assert_eq!(
        last.load(Ordering::SeqCst),
        BIG,
        "the last report is complete"
    );
    // How many chunks the body arrives in depends on the socket's reads (under Wine on
    // a loaded machine 50 MiB came in 88); what matters is that progress is reported as
    // it streams, not once at the end.
    assert!(
        calls.load(Ordering::SeqCst) > 10,
        "reported as it streamed: {} calls",
        calls.load(Ordering::SeqCst)
    );
    let mut h = Sha256::new();
    std::io::copy(&mut std::fs::File::open(&saved.path).unwrap(), &mut h).unwrap();
    assert_eq!(h.finalize().to_vec(), big_digest(), "intact");
    let modes = part_modes.lock().unwrap().clone();
    assert_eq!(
        modes.len(),
        1,
        "one .part file while downloading: {modes:?}"
    );
    #[cfg(unix)]
    assert_eq!(modes[0], 0o600, "the .part file is private");
    assert_eq!(names(&dir), ["big.bin"], "no .part left");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `.part` files in `dir`, with their modes.
fn part_files(dir: &Path) -> Vec<u32> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .map(|e| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                e.metadata().unwrap().permissions().mode() & 0o777
            }
            #[cfg(not(unix))]
            {
                let _ = e;
                0
            }
        })
        .collect()
}

/// Non-ASCII names arrive whole, from raw UTF-8 in `filename=` and from RFC 5987
/// `filename*=`; an empty file is saved too.
#[tokio::test]
async fn names_in_any_script_and_empty_files() {
    let server = file_server().await;
    let dir = temp_dir("download-names");
    let rest = client(&server);
    let raw = rest.download_attachment("raw-utf8", &dir).await.unwrap();
    assert_eq!(raw.path, dir.join("Отчёт 2026.pdf"), "raw UTF-8 bytes");
    let ext = rest.download_attachment("rfc5987", &dir).await.unwrap();
    assert_eq!(
        ext.path,
        dir.join("Отчёт 2026 (1).pdf"),
        "filename* wins; the name was taken, so a number goes before the extension"
    );
    let empty = rest.download_attachment("empty", &dir).await.unwrap();
    assert_eq!(empty.size, 0);
    assert_eq!(
        std::fs::metadata(&empty.path).unwrap().len(),
        0,
        "zero-byte file saved"
    );
    assert_eq!(
        names(&dir),
        ["empty.txt", "Отчёт 2026 (1).pdf", "Отчёт 2026.pdf"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A hostile name (a right-to-left override, a zero-width space, 300 bytes) is cleaned
/// and cut to 255 bytes on a character boundary, keeping its extension.
#[tokio::test]
async fn hostile_names_are_cleaned_and_cut() {
    let server = file_server().await;
    let dir = temp_dir("download-hostile");
    let saved = client(&server)
        .download_attachment("hostile", &dir)
        .await
        .unwrap();
    let name = saved.path.file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.len() <= 255, "{} bytes", name.len());
    assert!(name.ends_with(".pdf"), "the extension survives: {name}");
    assert!(
        !name.contains('\u{202E}') && !name.contains('\u{200B}'),
        "format characters removed: {name:?}"
    );
    assert!(name.starts_with('Ж'), "{name}");
    assert_eq!(
        saved.path.parent(),
        Some(dir.as_path()),
        "stays in the folder"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two downloads of one name at once both land, under two names; a file already there
/// is never overwritten.
#[tokio::test]
async fn nothing_is_overwritten() {
    let server = file_server().await;
    let dir = temp_dir("download-unique");
    let rest = client(&server);
    let (a, b) = tokio::join!(
        rest.download_attachment("same", &dir),
        rest.download_attachment("same", &dir)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a.path, b.path, "two files");
    let mut got = vec![a.path.clone(), b.path.clone()];
    got.sort();
    assert_eq!(got, [dir.join("same (1).txt"), dir.join("same.txt")]);
    for p in [&a.path, &b.path] {
        assert_eq!(
            std::fs::read(p).unwrap(),
            vec![b'a'; 64 * 4096],
            "{p:?} intact"
        );
    }

    std::fs::write(dir.join("exists.txt"), "mine").unwrap();
    let saved = rest.download_attachment("exists", &dir).await.unwrap();
    assert_eq!(saved.path, dir.join("exists (1).txt"));
    assert_eq!(
        std::fs::read_to_string(dir.join("exists.txt")).unwrap(),
        "mine",
        "the person's file is untouched"
    );
    assert_eq!(std::fs::read_to_string(&saved.path).unwrap(), "theirs");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Over the size cap, a cut connection or a 404: a clear error, and no file or `.part`
/// left behind.
#[tokio::test]
async fn failures_leave_nothing_behind() {
    let server = file_server().await;
    let dir = temp_dir("download-failures");
    let rest = client(&server);
    let err = rest
        .download_attachment_with(
            "big",
            &dir,
            &DownloadOptions::default().max_bytes(1_000_000),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            DownloadError::TooLarge {
                limit: 1_000_000,
                size: Some(BIG)
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("larger than"), "{err}");
    let err = rest.download_attachment("broken", &dir).await.unwrap_err();
    assert!(
        matches!(
            err,
            DownloadError::Api(_) | DownloadError::Incomplete { .. }
        ),
        "{err:?}"
    );
    let err = rest.download_attachment("missing", &dir).await.unwrap_err();
    assert!(
        matches!(&err, DownloadError::Api(e) if e.code() == "notFound"),
        "{err:?}"
    );
    assert!(names(&dir).is_empty(), "left behind: {:?}", names(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}
