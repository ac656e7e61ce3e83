//! Logs: warnings to stderr for the command line; the tray also writes a log file in
//! the state folder. Secrets never reach a log: they are `Secret`s, which print as
//! `<redacted>`, and the raw agent row of the server is never decoded. Answers are
//! logged by kind and outcome, never by value. Whatever level is asked for, the HTTP,
//! WebSocket and Socket.IO libraries log at `info` at most: at `debug` and `trace` they
//! print headers and packets, which carry the session, the API key and answers.

use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::EnvFilter;

/// Libraries that print what they carry (headers, packets) below `info`.
const CARRIERS: [&str; 9] = [
    "reqwest",
    "hyper",
    "hyper_util",
    "h2",
    "rust_socketio",
    "rust_engineio",
    "tungstenite",
    "tokio_tungstenite",
    "native_tls",
];

/// The filter `PLACET_LOG` (or `fallback`) asks for, with the carriers capped at `info`.
fn filter(fallback: &str) -> EnvFilter {
    let mut filter = EnvFilter::try_from_env("PLACET_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| fallback.into());
    for target in CARRIERS {
        if let Ok(cap) = format!("{target}=info").parse() {
            filter = filter.add_directive(cap);
        }
    }
    filter
}

/// Logging for command-line commands: warnings and errors on stderr.
pub fn init_cli() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("warn"))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// A log file larger than this is moved aside (to `.1`) when the tray starts.
const ROTATE_BYTES: u64 = 5 * 1024 * 1024;

/// Logging for the tray: `PLACET_LOG` (or `RUST_LOG`; default `info`) to stderr and to
/// `file`.
pub fn init_tray(file: &Path) {
    if std::fs::metadata(file).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        let _ = std::fs::rename(file, file.with_extension("log.1"));
    }
    let filter = filter("info,tao=warn,wry=warn,zbus=warn,tracing=warn");
    let file_writer = file
        .parent()
        .and_then(|dir| crate::paths::private_dir(dir).ok())
        .and_then(|_| {
            let f = crate::paths::private_file()
                .create(true)
                .append(true)
                .open(file)
                .ok()?;
            // A log written by an earlier version may be readable by others.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
            }
            Some(f)
        });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false);
    let _ = match file_writer {
        Some(f) => builder
            .with_writer(std::io::stderr.and(Mutex::new(f)))
            .try_init(),
        None => builder.with_writer(std::io::stderr).try_init(),
    };
}
