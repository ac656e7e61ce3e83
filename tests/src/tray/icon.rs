//! What a StatusNotifierItem shows as its icon, in a form tests can compare.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zbus::Variant;

/// One `IconPixmap` entry: ARGB32 pixels in network byte order, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixmap {
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// `width * height * 4` bytes, A R G B for each pixel.
    pub argb: Vec<u8>,
}

impl Pixmap {
    /// Parses an `a(iiay)` value.
    pub(crate) fn parse_all(value: &Variant<'_>) -> Vec<Pixmap> {
        let Variant::Array(array) = value else {
            return Vec::new();
        };
        array
            .inner()
            .iter()
            .filter_map(|entry| {
                let Variant::Structure(s) = entry else {
                    return None;
                };
                let [Variant::I32(width), Variant::I32(height), Variant::Array(bytes)] = s.fields()
                else {
                    return None;
                };
                let argb = bytes
                    .inner()
                    .iter()
                    .map(|b| match b {
                        Variant::U8(b) => Some(*b),
                        _ => None,
                    })
                    .collect::<Option<Vec<u8>>>()?;
                Some(Pixmap {
                    width: *width,
                    height: *height,
                    argb,
                })
            })
            .collect()
    }
}

/// The icon an item shows, however it exports it.
///
/// The tray spec allows an icon by name (resolved in the icon theme, or in the item's
/// `IconThemePath`) or as pixel data (`IconPixmap`). libayatana-appindicator, which Tauri uses,
/// exports neither a theme name nor pixels: Tauri writes each icon state to a new PNG under
/// `$XDG_RUNTIME_DIR/tray-icon` and sets `IconName` to that file's absolute path. Compare
/// states with [`TrayIcon::fingerprint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayIcon {
    /// `IconName` named a file (an absolute path, or a file in `IconThemePath`); its contents
    /// were read when the icon was fetched, because Tauri deletes the old file on each change.
    File {
        /// `IconName` as exported.
        name: String,
        /// The file it resolved to.
        path: PathBuf,
        /// The file's bytes (usually a PNG).
        bytes: Vec<u8>,
    },
    /// `IconPixmap`, largest first as exported.
    Pixmaps(Vec<Pixmap>),
    /// An icon-theme name that resolved to no file here (the test desktop has no theme lookup).
    Themed(String),
    /// No icon at all.
    None,
}

impl TrayIcon {
    /// Picks what a host would show: a resolvable `IconName` first, then the pixmaps, then an
    /// unresolved name.
    pub(crate) fn resolve(name: &str, theme_path: &str, pixmaps: Vec<Pixmap>) -> Self {
        if let Some((path, bytes)) = find_icon_file(name, theme_path) {
            return Self::File {
                name: name.to_owned(),
                path,
                bytes,
            };
        }
        if !pixmaps.is_empty() {
            return Self::Pixmaps(pixmaps);
        }
        if name.is_empty() {
            Self::None
        } else {
            Self::Themed(name.to_owned())
        }
    }

    /// A hex SHA-256 of what the icon looks like: the file's bytes, the pixels, or the name.
    /// Two states of the app's icon differ in fingerprint; the same state set twice (which
    /// Tauri writes to a new file name each time) has the same one.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        match self {
            Self::File { bytes, .. } => hash.update(bytes),
            Self::Pixmaps(pixmaps) => {
                for p in pixmaps {
                    hash.update(p.width.to_be_bytes());
                    hash.update(p.height.to_be_bytes());
                    hash.update(&p.argb);
                }
            }
            Self::Themed(name) => hash.update(name.as_bytes()),
            Self::None => {}
        }
        hex::encode(hash.finalize())
    }
}

/// Looks `name` up the way a host would without an icon theme: as a path, then in
/// `theme_path` directly and in its subdirectories (hicolor-style `22x22/apps/name.png`).
fn find_icon_file(name: &str, theme_path: &str) -> Option<(PathBuf, Vec<u8>)> {
    if name.is_empty() {
        return None;
    }
    let read = |path: PathBuf| std::fs::read(&path).ok().map(|bytes| (path, bytes));
    if Path::new(name).is_absolute() {
        return read(PathBuf::from(name));
    }
    if theme_path.is_empty() {
        return None;
    }
    let file_names: Vec<String> = if Path::new(name).extension().is_some() {
        vec![name.to_owned()]
    } else {
        ["png", "svg", "xpm"]
            .iter()
            .map(|ext| format!("{name}.{ext}"))
            .collect()
    };
    let mut dirs = vec![PathBuf::from(theme_path)];
    while let Some(dir) = dirs.pop() {
        for file_name in &file_names {
            if let Some(found) = read(dir.join(file_name)) {
                return Some(found);
            }
        }
        if let Ok(entries) = std::fs::read_dir(&dir) {
            dirs.extend(
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
    }
    None
}
