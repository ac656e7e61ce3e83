//! The line between the tray and its window host: the process that shows every window
//! of the app (and holds the only webviews). The tray starts the host with this line on
//! the host's standard input and output, so there is no path, socket or name another
//! process could open; the host tells the tray which window every command comes from,
//! and the tray answers each window only what that window may ask ([`crate::ipc`]).
//!
//! One JSON message per line, each at most [`MAX_LINE`] bytes; a longer line is
//! refused and skipped, never buffered whole. The limit is far above any review a
//! Placet server stores (an agent's message of several MiB still opens), and low enough
//! that a broken peer cannot make the other side hold gigabytes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use crate::ipc::IpcError;

/// The longest message, in bytes.
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// From the tray to the window host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ToHost {
    /// Show this window (create it, or bring it to the front); `option` preselects an
    /// approval option in a review.
    Open {
        label: String,
        page: String,
        title: String,
        width: f64,
        height: f64,
        option: Option<String>,
    },
    /// A window's title, once the tray knows more.
    Title { label: String, title: String },
    /// Close this window.
    Close { label: String },
    /// An event for the pages of the windows `to` (every window when `None`).
    Event {
        name: String,
        payload: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Vec<String>>,
    },
    /// The answer to a [`ToTray::Call`].
    Reply {
        id: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ok: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        err: Option<IpcError>,
    },
    /// Close every window and exit.
    Exit,
}

/// From the window host to the tray.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ToTray {
    /// The host is up and takes [`ToHost::Open`].
    Ready,
    /// A page's command, from the window `label`.
    Call {
        id: u64,
        label: String,
        cmd: String,
        args: Value,
    },
    /// The window's page has loaded: it is on screen with its content.
    Shown { label: String },
    /// The window is gone.
    Closed { label: String },
    /// The window cannot be shown (no web engine here, say), with the reason.
    Failed { label: String, reason: String },
}

/// Why a line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("a message longer than {MAX_LINE} bytes was refused")]
    TooLong,
    #[error("a malformed message was skipped: {0}")]
    Malformed(serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads the next message. `Ok(None)` at the end of the line; a line that is too long or
/// malformed is an error for that line only (read on).
pub async fn read<T, R>(reader: &mut R) -> Result<Option<T>, LineError>
where
    T: for<'de> Deserialize<'de>,
    R: AsyncBufRead + Unpin,
{
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return if line.is_empty() && !too_long {
                Ok(None)
            } else if too_long {
                Err(LineError::TooLong)
            } else {
                decode(&line)
            };
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if line.len() + chunk.len() > MAX_LINE {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = done.unwrap_or(available.len());
        reader.consume(used);
        if done.is_some() {
            return if too_long {
                Err(LineError::TooLong)
            } else {
                decode(&line)
            };
        }
    }
}

fn decode<T: for<'de> Deserialize<'de>>(line: &[u8]) -> Result<Option<T>, LineError> {
    serde_json::from_slice(line)
        .map(Some)
        .map_err(LineError::Malformed)
}

/// Writes one message.
pub async fn write<T: Serialize, W: AsyncWrite + Unpin>(
    writer: &mut W,
    message: &T,
) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    if line.len() > MAX_LINE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "message too long for the window line",
        ));
    }
    line.push(b'\n');
    writer.write_all(&line).await?;
    writer.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    /// A review of several MiB (an agent's long log, say) crosses the line whole.
    #[tokio::test]
    async fn a_five_mib_review_crosses_the_line() {
        let text = "log line ".repeat(5 * 1024 * 1024 / 9 + 1);
        let reply = ToHost::Reply {
            id: 1,
            ok: Some(serde_json::json!({"html": text})),
            err: None,
        };
        let mut buf = Vec::new();
        write(&mut buf, &reply).await.expect("written");
        assert!(buf.len() > 5 * 1024 * 1024);
        let mut r = BufReader::new(&buf[..]);
        assert_eq!(read::<ToHost, _>(&mut r).await.unwrap(), Some(reply));
    }

    /// Messages round-trip; an oversized or malformed line is refused and the next one
    /// still reads.
    #[tokio::test]
    async fn lines_round_trip_and_oversized_ones_are_skipped() {
        let mut buf = Vec::new();
        write(&mut buf, &ToTray::Ready).await.unwrap();
        buf.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        buf.push(b'\n');
        buf.extend_from_slice(b"{not json}\n");
        write(
            &mut buf,
            &ToTray::Call {
                id: 7,
                label: "inbox".into(),
                cmd: "inbox_list".into(),
                args: Value::Null,
            },
        )
        .await
        .unwrap();
        let mut r = BufReader::with_capacity(4096, &buf[..]);
        assert_eq!(
            read::<ToTray, _>(&mut r).await.unwrap(),
            Some(ToTray::Ready)
        );
        assert!(matches!(
            read::<ToTray, _>(&mut r).await,
            Err(LineError::TooLong)
        ));
        assert!(matches!(
            read::<ToTray, _>(&mut r).await,
            Err(LineError::Malformed(_))
        ));
        assert!(matches!(
            read::<ToTray, _>(&mut r).await.unwrap(),
            Some(ToTray::Call { id: 7, .. })
        ));
        assert_eq!(read::<ToTray, _>(&mut r).await.unwrap(), None);
    }
}
