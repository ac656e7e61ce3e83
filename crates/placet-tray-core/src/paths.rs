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
