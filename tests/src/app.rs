//! Where the app under test is.

use std::path::{Path, PathBuf};

/// The cargo target directory (`CARGO_TARGET_DIR`, or the workspace's `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// The `placet-tray` binary (the tray and the command line): `PLACET_TRAY_BIN`, else
/// the first of `profiles` that is built (`["debug"]` for tests, `["release", "debug"]`
/// for the benchmark). Panics, saying how to build it, when there is none.
pub fn app_binary(profiles: &[&str]) -> PathBuf {
    built("PLACET_TRAY_BIN", "placet-tray", profiles)
}

/// The `placet-tray-ui` binary (the window host, which WebDriver starts):
/// `PLACET_TRAY_UI`, else as [`app_binary`].
pub fn ui_binary(profiles: &[&str]) -> PathBuf {
    built("PLACET_TRAY_UI", "placet-tray-ui", profiles)
}

fn built(var: &str, name: &str, profiles: &[&str]) -> PathBuf {
    if let Ok(p) = std::env::var(var) {
        // Absolute: the app runs in its desktop's own working directory.
        return std::path::absolute(&p).unwrap_or_else(|_| p.into());
    }
    let target = target_dir();
    profiles
        .iter()
        .map(|profile| target.join(profile).join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "the app is not built: run `cargo build -p placet-tray -p placet-tray-ui` first (looked for {name} in {})",
                target.display()
            )
        })
}
