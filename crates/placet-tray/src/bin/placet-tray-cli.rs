//! The console front-end of Placet Tray on Windows, shipped as `placet-tray.com` beside
//! `placet-tray.exe`: in a terminal, `placet-tray status` finds the `.com` first (it
//! comes before `.exe` in `PATHEXT`), a console program, so cmd and PowerShell wait for
//! it, pipes and redirections work, it can ask questions (a password, a confirmation)
//! and its exit code is the command's. `placet-tray.exe` itself is a GUI program, so
//! that the tray started from the Start menu, at login or by a toast opens no console.
//!
//! It is the command line itself (the core's `cli::dispatch`), without the tray: asked
//! to run the tray (no subcommand, or `demo`), it starts `placet-tray.exe` beside it
//! with the same arguments and returns.
//!
//! On other platforms it only says what it is for: `placet-tray` is a console program
//! there.

#[cfg(windows)]
fn main() {
    use placet_tray_core::cli::{self, Run};

    let code = match cli::dispatch() {
        Run::Done(code) => code,
        Run::Tray { .. } | Run::Demo { .. } => start_tray(),
    };
    std::process::exit(code);
}

/// Starts the tray (`placet-tray.exe` beside this program) with this program's
/// arguments, without waiting for it.
#[cfg(windows)]
fn start_tray() -> i32 {
    use std::process::{Command, Stdio};

    let tray = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name("placet-tray.exe"),
        Err(e) => {
            eprintln!("error: cannot find placet-tray.exe: {e}");
            return 1;
        }
    };
    match Command::new(&tray)
        .args(std::env::args_os().skip(1))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("error: cannot start {}: {e}", tray.display());
            1
        }
    }
}

#[cfg(not(windows))]
fn main() {
    eprintln!("placet-tray-cli is the Windows console front-end; run placet-tray");
    std::process::exit(2);
}
