//! Where Placet Tray keeps its files (XDG on Linux; the platform's folders elsewhere).
//! Secrets live in the keychain, never here.

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
