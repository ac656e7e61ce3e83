//! Start at login: an XDG autostart entry on Linux, a LaunchAgent on macOS, the Run key
//! on Windows (the `auto-launch` crate), named by the app's id.

use placet_tray_core::autostart::Autostart;

/// The app's id, which names the autostart entry (`io.placet.tray.desktop`).
pub const APP_ID: &str = "io.placet.tray";

/// Start at login for this program.
#[derive(Debug, Default)]
pub struct LoginItem;

impl Autostart for LoginItem {
    fn set(&self, enabled: bool) -> Result<(), String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let path = exe.display().to_string();
        // The Run key's value is a command line: a path under `Program Files` must be
        // quoted, or Windows tries `C:\Program.exe` first.
        #[cfg(windows)]
        let path = format!("\"{path}\"");
        let launcher = auto_launch::AutoLaunchBuilder::new()
            .set_app_name(APP_ID)
            .set_app_path(&path)
            .set_macos_launch_mode(auto_launch::MacOSLaunchMode::LaunchAgent)
            // This user's Run key, even when the tray runs elevated.
            .set_windows_enable_mode(auto_launch::WindowsEnableMode::CurrentUser)
            .build()
            .map_err(|e| e.to_string())?;
        let result = if enabled {
            launcher.enable()
        } else {
            launcher.disable()
        };
        result.map_err(|e| e.to_string())
    }
}

#[cfg(all(test, windows))]
mod tests {
    use super::*;

    /// This user's Run value: written with the path quoted, read back, removed; what was
    /// there before the test is put back.
    #[test]
    fn the_run_value_round_trips() {
        let run = windows_registry::CURRENT_USER
            .create(r"Software\Microsoft\Windows\CurrentVersion\Run")
            .unwrap();
        let before = run.get_string(APP_ID).ok();
        LoginItem.set(true).expect("enabled");
        let value = run.get_string(APP_ID).expect("the Run value is written");
        let exe = std::env::current_exe().unwrap();
        assert_eq!(value.trim_end(), format!("\"{}\"", exe.display()));
        LoginItem.set(false).expect("disabled");
        assert!(run.get_string(APP_ID).is_err(), "the Run value is removed");
        if let Some(v) = before {
            run.set_string(APP_ID, &v).unwrap();
        }
    }
}
