//! Links from agent text open in the person's own browser or mail program, never in the
//! app's windows. Only web and mail links are handed over, and a mail link keeps only
//! its address (a `?attach=` or `?body=` an agent wrote is dropped).

use crate::ipc::ErrorCode;

/// Set in the environment when this process changed it for itself only (GDK's OpenGL
/// switch): programs it starts must not inherit the change.
pub const ENV_SET_HERE: &str = "PLACET_TRAY_GDK_GL";

/// Why a link was not opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("not a link")]
    NotALink,
    #[error("only web and mail links open")]
    Scheme,
    #[error("no program opens links here: {0}")]
    NoOpener(String),
}

impl LinkError {
    /// The code a page switches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            LinkError::NotALink | LinkError::Scheme => ErrorCode::BadInput,
            LinkError::NoOpener(_) => ErrorCode::Internal,
        }
    }
}

/// What is handed to the system for `link`: an http(s) URL as it is, a mail link reduced
/// to its addresses.
pub fn checked_link(link: &str) -> Result<String, LinkError> {
    let url = url::Url::parse(link.trim()).map_err(|_| LinkError::NotALink)?;
    match url.scheme() {
        "http" | "https" => Ok(url.to_string()),
        "mailto" => {
            let to = url.path();
            if to.is_empty() {
                return Err(LinkError::NotALink);
            }
            Ok(format!("mailto:{to}"))
        }
        _ => Err(LinkError::Scheme),
    }
}

/// Opens a web or mail link with the system's handler.
pub fn open_link(link: &str) -> Result<(), LinkError> {
    let target = checked_link(link)?;
    let mut last = None;
    for mut cmd in open::commands(&target) {
        if std::env::var_os(ENV_SET_HERE).is_some() {
            cmd.env_remove("GDK_GL").env_remove(ENV_SET_HERE);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        match cmd.spawn() {
            Ok(mut child) => {
                // Reap the opener (it exits at once) so no zombie is left behind.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => last = Some(e.to_string()),
        }
    }
    Err(LinkError::NoOpener(
        last.unwrap_or_else(|| "no opener found".to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_bare_mail_links_pass() {
        assert_eq!(
            checked_link("https://example.com/a?b=1#c").as_deref(),
            Ok("https://example.com/a?b=1#c")
        );
        assert_eq!(
            checked_link("mailto:ops@example.com?attach=/home/me/.ssh/id_rsa&body=x").as_deref(),
            Ok("mailto:ops@example.com"),
            "a mail link keeps only its address"
        );
        assert_eq!(checked_link("mailto:?body=x"), Err(LinkError::NotALink));
        assert_eq!(checked_link("file:///etc/passwd"), Err(LinkError::Scheme));
        assert_eq!(checked_link("javascript:alert(1)"), Err(LinkError::Scheme));
        assert_eq!(checked_link("not a link"), Err(LinkError::NotALink));
    }
}
