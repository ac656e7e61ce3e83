//! The XDG settings portal on a test desktop: the real `xdg-desktop-portal` with its GTK
//! backend, which reads the person's colour scheme from GSettings
//! (`org.gnome.desktop.interface color-scheme`, as GNOME's Settings writes it). Here
//! GSettings keeps it in a key file that the test writes, as a person flipping the
//! switch would change it, and the backend follows the file as it changes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use zbus::{OwnedVariant, Variant};

use crate::desktops::wait_for_name;
use crate::{Desktop, Process};

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const BACKEND: &str = "org.freedesktop.impl.portal.desktop.gtk";

/// The portal and its backend, running on a desktop's session bus.
#[derive(Debug)]
pub struct SettingsPortal {
    keyfile: PathBuf,
    _backend: Process,
    _frontend: Process,
}

/// The colour scheme a person can choose in GNOME's Settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorScheme {
    Default,
    PreferDark,
    PreferLight,
}

impl ColorScheme {
    fn gsettings(self) -> &'static str {
        match self {
            ColorScheme::Default => "default",
            ColorScheme::PreferDark => "prefer-dark",
            ColorScheme::PreferLight => "prefer-light",
        }
    }

    /// `org.freedesktop.appearance color-scheme` as the portal says it.
    fn portal(self) -> u32 {
        match self {
            ColorScheme::Default => 0,
            ColorScheme::PreferDark => 1,
            ColorScheme::PreferLight => 2,
        }
    }
}

impl SettingsPortal {
    /// Starts the GTK backend, then the portal, with `scheme` already chosen; returns
    /// once the portal says so.
    pub async fn start(desktop: &Desktop, scheme: ColorScheme, timeout: Duration) -> Self {
        let keyfile = desktop.config_dir().join("glib-2.0/settings/keyfile");
        std::fs::create_dir_all(keyfile.parent().expect("a parent")).expect("the settings dir");
        write_scheme(&keyfile, scheme);
        // The backend is chosen by the desktop's name (its `UseIn=gnome`).
        let mut backend = desktop.command("/usr/libexec/xdg-desktop-portal-gtk");
        backend
            .arg("--replace")
            .env("GSETTINGS_BACKEND", "keyfile")
            .env("XDG_CURRENT_DESKTOP", "GNOME");
        let backend = desktop.spawn(backend);
        wait_for_name(desktop.connection(), BACKEND, timeout).await;
        let mut frontend = desktop.command("/usr/libexec/xdg-desktop-portal");
        frontend
            .arg("--replace")
            .env("XDG_CURRENT_DESKTOP", "GNOME");
        let frontend = desktop.spawn(frontend);
        wait_for_name(desktop.connection(), PORTAL, timeout).await;
        let portal = SettingsPortal {
            keyfile,
            _backend: backend,
            _frontend: frontend,
        };
        portal.wait_scheme(desktop, scheme, timeout).await;
        portal
    }

    /// Chooses `scheme`, as GNOME's Settings would; returns once the portal says so.
    pub async fn set(&self, desktop: &Desktop, scheme: ColorScheme, timeout: Duration) {
        write_scheme(&self.keyfile, scheme);
        self.wait_scheme(desktop, scheme, timeout).await;
    }

    /// Turns GNOME's High Contrast on or off, as its Accessibility settings would; returns
    /// once the portal says so (`org.gnome.desktop.a11y.interface high-contrast`, which
    /// the GTK backend passes on).
    pub async fn set_high_contrast(&self, desktop: &Desktop, on: bool, timeout: Duration) {
        write_key(
            &self.keyfile,
            A11Y_SECTION,
            "high-contrast",
            &on.to_string(),
        );
        crate::wait_seeing(
            format!("the settings portal to say high-contrast {on}"),
            timeout,
            || async move {
                let now =
                    read(desktop, "org.gnome.desktop.a11y.interface", "high-contrast").await?;
                match now {
                    Variant::Bool(b) if b == on => Ok(()),
                    other => Err(format!("{other:?}")),
                }
            },
        )
        .await;
    }

    async fn wait_scheme(&self, desktop: &Desktop, scheme: ColorScheme, timeout: Duration) {
        let want = scheme.portal();
        crate::wait_seeing(
            format!("the settings portal to say color-scheme {want}"),
            timeout,
            || async move {
                let now = read_scheme(desktop).await?;
                (now == want).then_some(()).ok_or(format!("{now}"))
            },
        )
        .await;
    }
}

/// Sets the colour scheme in the key file.
fn write_scheme(keyfile: &Path, scheme: ColorScheme) {
    write_key(
        keyfile,
        SECTION,
        "color-scheme",
        &format!("'{}'", scheme.gsettings()),
    );
}

/// Sets `key` in `section` of the key file, keeping whatever else is there (GNOME
/// Shell's own settings share it).
fn write_key(keyfile: &Path, section: &str, key: &str, value: &str) {
    let before = std::fs::read_to_string(keyfile).unwrap_or_default();
    let text = with_key(&before, section, key, value);
    // Written whole and renamed into place, so the backend never reads half a file.
    let partial = keyfile.with_extension("partial");
    std::fs::write(&partial, text).expect("writing the settings key file");
    std::fs::rename(&partial, keyfile).expect("replacing the settings key file");
}

const SECTION: &str = "[org/gnome/desktop/interface]";
/// GNOME's accessibility settings, where its High Contrast switch lives.
const A11Y_SECTION: &str = "[org/gnome/desktop/a11y/interface]";

/// `text` (a GLib key file) with `key=value` in `section`, replacing the key if it is
/// there and adding the section if it is not.
fn with_key(text: &str, section: &str, key: &str, value: &str) -> String {
    let line = format!("{key}={value}");
    let mut out = Vec::new();
    let (mut in_section, mut done) = (false, false);
    for l in text.lines() {
        if l.starts_with('[') {
            if in_section && !done {
                out.push(line.clone());
                done = true;
            }
            in_section = l.trim() == section;
        } else if in_section && l.split('=').next().map(str::trim) == Some(key) {
            if !done {
                out.push(line.clone());
                done = true;
            }
            continue;
        }
        out.push(l.to_owned());
    }
    if !done {
        if !in_section {
            out.push(section.to_owned());
        }
        out.push(line);
    }
    out.join("\n") + "\n"
}

/// `org.freedesktop.appearance color-scheme`, read from the portal as apps read it.
async fn read_scheme(desktop: &Desktop) -> Result<u32, String> {
    match read(desktop, "org.freedesktop.appearance", "color-scheme").await? {
        Variant::U32(n) => Ok(n),
        other => Err(format!("not a number: {other:?}")),
    }
}

/// One setting, read from the portal as apps read it.
async fn read(desktop: &Desktop, namespace: &str, key: &str) -> Result<Variant<'static>, String> {
    let reply = desktop
        .connection()
        .call_method(
            Some(PORTAL),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.portal.Settings"),
            "Read",
            &(namespace, key),
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
    let value: OwnedVariant = reply.body().deserialize().map_err(|e| e.to_string())?;
    // `Read` (the only method of portals before 1.17) wraps the value in one more variant.
    let mut value: &Variant<'_> = &value;
    while let Variant::Variant(inner) = value {
        value = inner;
    }
    value
        .try_to_owned()
        .map(Into::into)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_set_and_the_rest_kept() {
        let file = "[org/gnome/shell]\nenabled-extensions=['a']\n\n[org/gnome/desktop/interface]\nenable-animations=false\n";
        let dark = with_key(file, SECTION, "color-scheme", "'prefer-dark'");
        assert_eq!(dark, format!("{file}color-scheme='prefer-dark'\n"));
        let light = with_key(&dark, SECTION, "color-scheme", "'default'");
        assert_eq!(light, format!("{file}color-scheme='default'\n"));
        let shell_only = "[org/gnome/shell]\nx=1\n";
        assert_eq!(
            with_key(shell_only, SECTION, "color-scheme", "'default'"),
            format!("{shell_only}{SECTION}\ncolor-scheme='default'\n")
        );
        let key_first = "[org/gnome/desktop/interface]\ncolor-scheme='x'\n[b]\ny=2\n";
        assert_eq!(
            with_key(key_first, SECTION, "color-scheme", "'default'"),
            "[org/gnome/desktop/interface]\ncolor-scheme='default'\n[b]\ny=2\n"
        );
    }
}
