//! The app's own sound for "needs your decision": a short two-note chime
//! (`packaging/sounds/needs-decision.oga`, made with sox: see `packaging/sounds/README`),
//! installed by the packages in `/usr/share/placet-tray/sounds/`. Where it is not
//! installed (a build run from elsewhere), notifications name the desktop's
//! `message-new-instant` sound instead.
//!
//! The file is found from where the program is, never from the environment: beside
//! `/usr/bin/placet-tray` in `../share/placet-tray/sounds/`, or, for a program built in
//! a source checkout (`target/<profile>/placet-tray`), in the checkout's `packaging/`.

use std::path::{Path, PathBuf};

/// The sound file's name.
pub const DECISION_SOUND: &str = "needs-decision.oga";

/// The desktop's sound for a new message (freedesktop sound naming): what a decision
/// falls back to, and what agents' messages play.
pub const MESSAGE_SOUND_NAME: &str = "message-new-instant";

/// Where the decision sound may be, for a program at `exe`, in order.
pub fn candidates(exe: &Path) -> Vec<PathBuf> {
    let Some(dir) = exe.parent() else {
        return Vec::new();
    };
    vec![
        dir.join("../share/placet-tray/sounds").join(DECISION_SOUND),
        dir.join("../../packaging/sounds").join(DECISION_SOUND),
    ]
}

/// The decision sound of this program, if installed (an absolute path).
pub fn decision_sound_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    candidates(&exe)
        .into_iter()
        .find(|p| p.is_file())
        .and_then(|p| p.canonicalize().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packaged place comes first; a source checkout's build finds the file in the
    /// checkout, which has it.
    #[test]
    fn where_the_sound_is_looked_for() {
        let c = candidates(Path::new("/usr/bin/placet-tray"));
        assert_eq!(
            c[0],
            Path::new("/usr/bin/../share/placet-tray/sounds/needs-decision.oga")
        );
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let built = checkout.join("target/debug/placet-tray");
        let found: Vec<PathBuf> = candidates(&built)
            .into_iter()
            .filter(|p| p.is_file())
            .collect();
        assert_eq!(found.len(), 1, "the checkout has the sound: {found:?}");
    }
}
