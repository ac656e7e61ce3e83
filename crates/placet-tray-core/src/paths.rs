//! Where Placet Tray keeps its files (XDG on Linux; the platform's folders elsewhere).
//! Secrets live in the keychain, never here.
//!
//! On Windows everything is in `%LOCALAPPDATA%\placet-tray` (settings, outbox and
//! decision log, log, the door's token): machine-local state, not the roaming profile
//! (a database that roams between machines would carry one machine's queued answers to
//! another). Earlier builds kept the settings and the database in `%APPDATA%` (Roaming):
//! they are moved over at start ([`migrate`]), losing nothing.

use std::path::PathBuf;

/// The app's folders.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Settings (`config.json`).
    pub config_dir: PathBuf,
    /// The outbox and decision log (`placet-tray.db`).
    pub data_dir: PathBuf,
    /// Logs.
    pub state_dir: PathBuf,
    /// Where attachments are saved.
    pub downloads_dir: PathBuf,
}

const APP_DIR: &str = "placet-tray";

impl Paths {
    /// The platform's folders for this user.
    #[cfg(windows)]
    pub fn from_env() -> Self {
        let home = dirs::home_dir().unwrap_or_else(std::env::temp_dir);
        let local = dirs::data_local_dir()
            .unwrap_or_else(|| home.join("AppData").join("Local"))
            .join(APP_DIR);
        let downloads = dirs::download_dir().unwrap_or_else(|| home.join("Downloads"));
        let mut app = local.clone();
        if let Some(roaming) = dirs::data_dir().map(|d| d.join(APP_DIR)) {
            if roaming != local && roaming.is_dir() {
                if let Err(e) = migrate(&roaming, &local) {
                    // Typically an older tray still has the database open: this run
                    // keeps using the old folder, and the next one tries again.
                    tracing::warn!(error = %e, from = %roaming.display(), "cannot move the app's folder yet");
                    app = roaming;
                }
            }
        }
        Self {
            config_dir: app.clone(),
            data_dir: app,
            state_dir: local,
            downloads_dir: downloads,
        }
    }

    /// The platform's folders for this user.
    #[cfg(not(windows))]
    pub fn from_env() -> Self {
        let home = dirs::home_dir().unwrap_or_else(std::env::temp_dir);
        let config = dirs::config_dir().unwrap_or_else(|| home.join(".config"));
        let data = dirs::data_dir().unwrap_or_else(|| home.join(".local/share"));
        let state = dirs::state_dir()
            .or_else(dirs::cache_dir)
            .unwrap_or_else(|| home.join(".local/state"));
        let downloads = dirs::download_dir().unwrap_or_else(|| home.join("Downloads"));
        Self {
            config_dir: config.join(APP_DIR),
            data_dir: data.join(APP_DIR),
            state_dir: state.join(APP_DIR),
            downloads_dir: downloads,
        }
    }

    /// The settings file.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.json")
    }

    /// The SQLite database (outbox and decision log).
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("placet-tray.db")
    }

    /// The log file.
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("placet-tray.log")
    }
}

/// Moves everything in the folder `from` into `to` (created if needed) and removes
/// `from`. The database comes first, so a database still open elsewhere stops the move
/// before anything else changes. A name that exists in both is kept in `to` and the
/// moved one gets a `.from-roaming` suffix: nothing is overwritten. Run again after a
/// failure, it carries on where it stopped.
pub fn migrate(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    private_dir(to)?;
    let mut entries: Vec<_> = std::fs::read_dir(from)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    // placet-tray.db before its -wal and -shm, before everything else.
    entries.sort_by_key(|n| {
        (
            !n.to_string_lossy().starts_with("placet-tray.db"),
            n.clone(),
        )
    });
    for name in entries {
        let mut target = to.join(&name);
        let mut n = 0;
        while target.exists() {
            n += 1;
            let suffix = if n == 1 {
                ".from-roaming".to_owned()
            } else {
                format!(".from-roaming-{n}")
            };
            let mut renamed = name.clone();
            renamed.push(suffix);
            target = to.join(renamed);
        }
        std::fs::rename(from.join(&name), &target)?;
        tracing::info!(file = %target.display(), "moved from the roaming folder");
    }
    std::fs::remove_dir(from)
}

/// Creates `dir` (and its parents) and makes it private to this user (0700 on Unix):
/// the app's own folders hold the outbox, the settings and the log.
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Options that create a file readable and writable by this user only (0600 on Unix).
pub fn private_file() -> std::fs::OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

#[cfg(test)]
mod migration {
    /// Everything moves; what both folders have is kept twice; the old folder goes.
    #[test]
    fn roaming_moves_to_local_losing_nothing() {
        let base = std::env::temp_dir().join(format!("placet-migrate-{}", std::process::id()));
        let (roaming, local) = (
            base.join("Roaming/placet-tray"),
            base.join("Local/placet-tray"),
        );
        std::fs::create_dir_all(roaming.join("sub")).unwrap();
        std::fs::create_dir_all(&local).unwrap();
        std::fs::write(roaming.join("config.json"), "{\"a\":1}").unwrap();
        std::fs::write(roaming.join("placet-tray.db"), "db").unwrap();
        std::fs::write(roaming.join("placet-tray.db-wal"), "wal").unwrap();
        std::fs::write(roaming.join("sub/x"), "x").unwrap();
        std::fs::write(roaming.join("placet-tray.log"), "old log").unwrap();
        std::fs::write(local.join("placet-tray.log"), "new log").unwrap();
        std::fs::write(local.join("door-token"), "t").unwrap();

        super::migrate(&roaming, &local).unwrap();

        let read = |p: &str| std::fs::read_to_string(local.join(p)).unwrap();
        assert_eq!(read("config.json"), "{\"a\":1}");
        assert_eq!(read("placet-tray.db"), "db");
        assert_eq!(read("placet-tray.db-wal"), "wal");
        assert_eq!(read("sub/x"), "x");
        assert_eq!(read("placet-tray.log"), "new log", "kept");
        assert_eq!(
            read("placet-tray.log.from-roaming"),
            "old log",
            "and the other too"
        );
        assert_eq!(read("door-token"), "t");
        assert!(!roaming.exists(), "the roaming folder is gone");
        let _ = std::fs::remove_dir_all(base);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    /// Folders are 0700 and files 0600, even when the folder existed before.
    #[test]
    fn private_folders_and_files() {
        let base = std::env::temp_dir().join(format!("placet-paths-{}", std::process::id()));
        let dir = base.join("a/b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        super::private_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "folder mode {mode:o}");
        let file = dir.join("f");
        let mut f = super::private_file()
            .create(true)
            .write(true)
            .open(&file)
            .unwrap();
        f.write_all(b"x").unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "file mode {mode:o}");
        let _ = std::fs::remove_dir_all(base);
    }
}
