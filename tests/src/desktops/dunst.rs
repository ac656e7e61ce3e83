//! dunst on a test desktop, driven through `dunstctl` and its own context menu.
//!
//! dunst shows action buttons nowhere: the default action runs on a click (or `dunstctl
//! action`), the others through its context menu, which pipes one line per action into the
//! configured `dmenu` command and invokes what that prints. Here `dmenu` is a script that
//! keeps the menu dunst offered (for the test to read) and picks the line containing the
//! label the test asked for, so `dunstctl context` invokes exactly that action, through
//! dunst's own code.

use std::path::PathBuf;
use std::time::Duration;

use super::{run, wait_for_name};
use crate::{Desktop, Process};

const DMENU_SH: &str = r#"#!/bin/sh
# dunst's context menu: keep the offered lines, print the one holding the wanted label.
menu=$(cat)
printf '%s\n' "$menu" > "$PLACET_DUNST_DIR/menu.txt"
want=$(cat "$PLACET_DUNST_DIR/pick" 2>/dev/null)
printf '%s\n' "$menu" | grep -F -m1 -- "$want"
"#;

/// A running dunst; stopped on drop.
#[derive(Debug)]
pub struct Dunst {
    process: Process,
    dir: PathBuf,
}

impl Dunst {
    /// Starts dunst on `desktop` (which needs X and no notification server of its own) with
    /// a configuration that keeps notifications until they are acted on, and waits until
    /// it owns the notification name. Panics, with its log, if it does not.
    pub async fn start(desktop: &Desktop, timeout: Duration) -> Dunst {
        assert!(desktop.display().is_some(), "dunst needs the X server here");
        let dir = desktop.config_dir().join("dunst");
        std::fs::create_dir_all(&dir).expect("creating dunst's config directory");
        let dmenu = dir.join("dmenu.sh");
        std::fs::write(&dmenu, DMENU_SH).expect("writing the dmenu script");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dmenu, std::fs::Permissions::from_mode(0o755))
            .expect("making the dmenu script executable");
        std::fs::write(
            dir.join("dunstrc"),
            format!(
                "[global]\n\
                 font = DejaVu Sans 10\n\
                 width = 420\n\
                 origin = top-right\n\
                 offset = 10x40\n\
                 frame_width = 2\n\
                 show_indicators = yes\n\
                 dmenu = {}\n\
                 mouse_left_click = do_action, close_current\n\
                 \n\
                 [urgency_low]\n\
                 timeout = 0\n\
                 [urgency_normal]\n\
                 timeout = 0\n\
                 [urgency_critical]\n\
                 timeout = 0\n",
                dmenu.display()
            ),
        )
        .expect("writing dunstrc");
        let mut command = desktop.command("dunst");
        command
            .arg("-config")
            .arg(dir.join("dunstrc"))
            .env("PLACET_DUNST_DIR", &dir);
        let process = desktop.spawn(command);
        let owned = tokio::time::timeout(
            timeout,
            wait_for_name(
                desktop.connection(),
                crate::NOTIFICATIONS_NAME,
                timeout + Duration::from_secs(1),
            ),
        )
        .await;
        if owned.is_err() {
            panic!(
                "dunst did not own {} within {timeout:?}\n{}",
                crate::NOTIFICATIONS_NAME,
                process.report()
            );
        }
        Dunst { process, dir }
    }

    /// dunst's log, for failure messages.
    pub fn report(&self) -> String {
        self.process.report()
    }

    /// `dunstctl count displayed`.
    pub async fn displayed(&self, desktop: &Desktop) -> u32 {
        let out = run(desktop, "dunstctl", &["count", "displayed"])
            .await
            .unwrap_or_else(|e| panic!("dunstctl count: {e}\n{}", self.report()));
        out.trim().parse().unwrap_or(0)
    }

    /// Waits until dunst shows at least `n` notifications. Panics after `timeout`.
    pub async fn wait_displayed(&self, desktop: &Desktop, n: u32, timeout: Duration) {
        crate::wait_for(
            format!("dunst to show {n} notification(s)"),
            timeout,
            || async { (self.displayed(desktop).await >= n).then_some(()) },
        )
        .await;
    }

    /// `dunstctl action 0`: the default action of the newest notification shown.
    pub async fn default_action(&self, desktop: &Desktop) {
        run(desktop, "dunstctl", &["action", "0"])
            .await
            .unwrap_or_else(|e| panic!("dunstctl action: {e}\n{}", self.report()));
    }

    /// `dunstctl context`, choosing the menu line that contains `label`. Returns the menu
    /// dunst offered, one line per action.
    pub async fn context_action(
        &self,
        desktop: &Desktop,
        label: &str,
        timeout: Duration,
    ) -> String {
        let menu = self.dir.join("menu.txt");
        let _ = std::fs::remove_file(&menu);
        std::fs::write(self.dir.join("pick"), label).expect("writing the menu choice");
        run(desktop, "dunstctl", &["context"])
            .await
            .unwrap_or_else(|e| panic!("dunstctl context: {e}\n{}", self.report()));
        crate::wait_for("dunst to open its context menu", timeout, || async {
            std::fs::read_to_string(&menu)
                .ok()
                .filter(|m| !m.is_empty())
        })
        .await
    }

    /// `dunstctl history` as JSON.
    pub async fn history(&self, desktop: &Desktop) -> serde_json::Value {
        let out = run(desktop, "dunstctl", &["history"])
            .await
            .unwrap_or_else(|e| panic!("dunstctl history: {e}\n{}", self.report()));
        serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
    }
}
