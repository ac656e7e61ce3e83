//! Child processes: the app under test ([`Process`]) and the desktop's daemons.
//!
//! Every child runs in a process group of its own, so that stopping it also stops whatever it
//! forked (a webview's helper processes, a daemon that double-forks without `setsid`). As a
//! last line of defence, every child also carries the desktop's marker variable
//! ([`MARKER_VAR`]) and the test process's identity ([`OWNER_VAR`]) in its environment. A
//! desktop that shuts down sweeps `/proc` for processes still carrying its marker, and a
//! desktop that starts sweeps for processes whose test process died without shutting its
//! desktops down (killed by a test timeout, say). Nothing started for a desktop outlives it
//! for long, and nothing started by anyone else is ever touched.

use std::fmt::Write as _;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use rustix::process::{Pid, Signal};
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::time::Instant;

/// The environment variable that marks every process started for one desktop.
pub const MARKER_VAR: &str = "PLACET_E2E_DESKTOP";

/// How long a process gets between SIGTERM and SIGKILL when a desktop shuts down.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// How much of a log a failing test prints: enough for a backtrace, not a whole session.
const REPORT_TAIL_BYTES: usize = 16 * 1024;

/// Sends `signal` to every process in the group `pgid`. A group that is already gone is not an
/// error: stopping is idempotent.
pub(crate) fn signal_group(pgid: u32, signal: Signal) {
    let Some(pid) = i32::try_from(pgid).ok().and_then(Pid::from_raw) else {
        return;
    };
    match rustix::process::kill_process_group(pid, signal) {
        Ok(()) | Err(rustix::io::Errno::SRCH) => {}
        Err(e) => tracing::warn!("signalling process group {pgid}: {e}"),
    }
}

/// Polls `child` for its exit status until `deadline`. Used from `Drop`, which cannot await.
fn reap_until(child: &mut Child, deadline: std::time::Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) | Err(_) => return None,
        }
    }
}

/// The environment variable naming the test process that started a desktop, as
/// `<pid>:<start time>` (the start time tells a reused pid apart).
pub const OWNER_VAR: &str = "PLACET_E2E_OWNER";

/// This process's [`OWNER_VAR`] value.
pub(crate) fn owner_token() -> String {
    let pid = std::process::id();
    format!("{pid}:{}", start_time(pid).unwrap_or_default())
}

/// Field 22 of `/proc/<pid>/stat`: when the process started, in clock ticks since boot.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after_name = &stat[stat.rfind(')')? + 2..];
    after_name.split(' ').nth(19).map(str::to_owned)
}

/// How long [`environments`] waits for a process in the middle of `execve` to show its
/// new environment. Exec maps the new program and its loader from disk, so it can take a
/// while on a loaded machine; a process that stays empty longer really has no variables.
const EXEC_GRACE: Duration = Duration::from_millis(500);

/// `PF_KTHREAD` in the flags field of `/proc/<pid>/stat`.
const PF_KTHREAD: u64 = 0x0020_0000;

/// Every other process whose environment we can read, with that environment's variables.
/// Zombies and processes we may not inspect have no readable environment and are skipped.
///
/// A process in the middle of `execve` reads as an empty environment (the kernel has
/// switched it to the new program's memory but not yet copied the variables in), so a
/// process that just forked and is starting its program would be invisible to a single
/// look. Empty environments of user processes are therefore read again until they fill
/// in or [`EXEC_GRACE`] passes.
fn environments() -> impl Iterator<Item = (u32, Vec<Vec<u8>>)> {
    let mut found = Vec::new();
    let mut empty = Vec::new();
    for pid in std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != std::process::id())
    {
        match std::fs::read(format!("/proc/{pid}/environ")) {
            Ok(environ) if environ.is_empty() => {
                if is_running(pid) && !is_kernel_thread_or_init(pid) {
                    empty.push(pid);
                }
            }
            Ok(environ) => found.push((pid, split_environ(&environ))),
            Err(_) => {}
        }
    }
    let deadline = std::time::Instant::now() + EXEC_GRACE;
    while !empty.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        empty.retain(|&pid| match std::fs::read(format!("/proc/{pid}/environ")) {
            Ok(environ) if environ.is_empty() => is_running(pid),
            Ok(environ) => {
                found.push((pid, split_environ(&environ)));
                false
            }
            Err(_) => false,
        });
    }
    found.into_iter()
}

fn split_environ(environ: &[u8]) -> Vec<Vec<u8>> {
    environ.split(|&b| b == 0).map(<[u8]>::to_vec).collect()
}

/// Whether `pid` never has an environment of ours: a kernel thread, or a process without a
/// parent (init, which some containers start with no variables at all).
fn is_kernel_thread_or_init(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // Fields after the name: state, ppid, pgrp, session, tty, tpgid, flags.
            let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
            let ppid = fields.get(1)?.parse::<u32>().ok()?;
            let flags = fields.get(6)?.parse::<u64>().ok()?;
            Some(ppid == 0 || flags & PF_KTHREAD != 0)
        })
        .unwrap_or(true)
}

/// The value of `name` in a list of `NAME=value` variables.
fn var<'a>(vars: &'a [Vec<u8>], name: &str) -> Option<&'a [u8]> {
    vars.iter()
        .find_map(|v| v.strip_prefix(name.as_bytes())?.strip_prefix(b"="))
}

/// PIDs of live processes whose environment carries `MARKER_VAR=marker`: everything a
/// desktop started that is still running.
pub fn processes_with_marker(marker: &str) -> Vec<u32> {
    environments()
        .filter(|(_, vars)| var(vars, MARKER_VAR) == Some(marker.as_bytes()))
        .map(|(pid, _)| pid)
        .collect()
}

/// Whether `pid` is running. A zombie (dead, not yet reaped by its parent) is not.
pub fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| Some(!stat.get(stat.rfind(')')? + 2..)?.starts_with('Z')))
        .unwrap_or(false)
}

/// SIGKILLs `pids`, saying why, and waits until they are dead: a signal is delivered
/// asynchronously, and callers promise that nothing is running once they return.
fn kill_leftovers(pids: Vec<u32>, why: &dyn Fn(u32) -> String) {
    for &pid in &pids {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
            .unwrap_or_default();
        eprintln!(
            "placet-e2e: killing process {pid} ({}): {cmdline}",
            why(pid)
        );
        if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
            let _ = rustix::process::kill_process(pid, Signal::KILL);
        }
    }
    let deadline = std::time::Instant::now() + STOP_GRACE;
    while pids.iter().any(|&pid| is_running(pid)) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Kills every process still carrying `marker`, and says so: each one is a leak worth fixing.
pub(crate) fn sweep_marker(marker: &str) {
    kill_leftovers(processes_with_marker(marker), &|_| {
        "left running by its desktop".into()
    });
}

/// Kills processes of desktops whose test process is gone: a test binary killed by a timeout
/// never ran its `Drop`s, and its daemons would otherwise run forever. Processes of desktops
/// of live test processes (another test binary running in parallel) are left alone.
pub(crate) fn sweep_orphans() {
    let mut orphans = Vec::new();
    for (pid, vars) in environments() {
        let Some(owner) = var(&vars, OWNER_VAR) else {
            continue;
        };
        let owner = String::from_utf8_lossy(owner).into_owned();
        let alive = owner.split_once(':').is_some_and(|(owner_pid, started)| {
            owner_pid
                .parse()
                .ok()
                .and_then(start_time)
                .is_some_and(|actual| actual == started)
        });
        if !alive {
            orphans.push((pid, owner));
        }
    }
    let pids = orphans.iter().map(|(pid, _)| *pid).collect();
    kill_leftovers(pids, &|pid| {
        let owner = orphans
            .iter()
            .find(|(p, _)| *p == pid)
            .map(|(_, o)| o.as_str());
        format!("its test process {} is gone", owner.unwrap_or("?"))
    });
}

/// The last `REPORT_TAIL_BYTES` of a log file, for failure reports.
pub(crate) fn log_tail(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    let start = bytes.len().saturating_sub(REPORT_TAIL_BYTES);
    let mut text = String::from_utf8_lossy(&bytes[start..]).into_owned();
    if start > 0 {
        text.insert_str(0, "[…]");
    }
    text
}

/// A daemon of the desktop (Xvfb, dbus-daemon, gnome-keyring-daemon), stopped on drop.
#[derive(Debug)]
pub(crate) struct Daemon {
    name: &'static str,
    child: Child,
    pid: u32,
    log: PathBuf,
    /// The read end of the daemon's stdout, kept open after its readiness line was read: if it
    /// were closed, a later write to stdout would kill the daemon with SIGPIPE.
    _stdout: Option<ChildStdout>,
}

impl Daemon {
    /// Spawns `command` in a new process group with stderr going to `log`. The caller has set
    /// stdin and stdout up as the daemon's readiness protocol needs.
    pub(crate) fn spawn(name: &'static str, mut command: Command, log: &Path) -> io::Result<Self> {
        let log_file = File::create(log)?;
        command
            .stderr(Stdio::from(log_file))
            .process_group(0)
            .kill_on_drop(true);
        let child = command.spawn().map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot start {name}: {e} (is it installed?)"),
            )
        })?;
        let pid = child.id().expect("a child that was just spawned has a pid");
        Ok(Self {
            name,
            child,
            pid,
            log: log.to_owned(),
            _stdout: None,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    pub(crate) fn keep_stdout(&mut self, stdout: ChildStdout) {
        self._stdout = Some(stdout);
    }

    /// The daemon's stderr so far, for error messages.
    pub(crate) fn log(&self) -> String {
        log_tail(&self.log)
    }

    /// SIGTERM first, so that Xvfb removes its lock file and socket and dbus-daemon its socket;
    /// SIGKILL for whatever is left of the group after the grace period.
    fn stop(&mut self) {
        signal_group(self.pid, Signal::TERM);
        if reap_until(&mut self.child, std::time::Instant::now() + STOP_GRACE).is_none() {
            eprintln!(
                "placet-e2e: {} (pid {}) ignored SIGTERM; killing it",
                self.name, self.pid
            );
        }
        signal_group(self.pid, Signal::KILL);
        reap_until(&mut self.child, std::time::Instant::now() + STOP_GRACE);
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A process started for a test, usually the app under test, with its output in log files.
///
/// It runs in its own process group with the desktop's environment. Stdout and stderr go to
/// files in the desktop's log directory (outside HOME, so they never show up in
/// [`Desktop::files_containing`](crate::Desktop::files_containing)); stdin is a pipe the test
/// may write to. Dropping a `Process` kills its whole group; dropping it during a panic also
/// prints both logs, so a failing test shows what the app said.
#[derive(Debug)]
pub struct Process {
    name: String,
    child: Child,
    pid: u32,
    stdin: Option<ChildStdin>,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
    /// Lines of stdout already handed out by [`Process::wait_for_stdout_line`].
    stdout_cursor: usize,
    status: Option<ExitStatus>,
}

impl Process {
    /// Spawns `command`; `name` names its log files (`<name>.stdout`, `<name>.stderr`).
    pub(crate) fn spawn(mut command: Command, name: String, logs_dir: &Path) -> io::Result<Self> {
        let stdout_path = logs_dir.join(format!("{name}.stdout"));
        let stderr_path = logs_dir.join(format!("{name}.stderr"));
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::from(File::create(&stdout_path)?))
            .stderr(Stdio::from(File::create(&stderr_path)?))
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| {
            let program = command
                .as_std()
                .get_program()
                .to_string_lossy()
                .into_owned();
            io::Error::new(e.kind(), format!("cannot start {program}: {e}"))
        })?;
        let pid = child.id().expect("a child that was just spawned has a pid");
        Ok(Self {
            name,
            stdin: child.stdin.take(),
            child,
            pid,
            stdout_path,
            stderr_path,
            stdout_cursor: 0,
            status: None,
        })
    }

    /// The name given to this process (the program's file name, numbered if repeated).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id, which is also its process group id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Everything the process has written to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.stdout_path).unwrap_or_default()).into_owned()
    }

    /// Everything the process has written to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.stderr_path).unwrap_or_default()).into_owned()
    }

    /// The file stdout goes to.
    pub fn stdout_path(&self) -> &Path {
        &self.stdout_path
    }

    /// The file stderr goes to.
    pub fn stderr_path(&self) -> &Path {
        &self.stderr_path
    }

    /// Both logs (their tails, if long), ready to go into an assertion message.
    pub fn report(&self) -> String {
        let mut report = String::new();
        let _ = writeln!(report, "--- {} (pid {}) stdout ---", self.name, self.pid);
        report.push_str(&log_tail(&self.stdout_path));
        let _ = writeln!(report, "\n--- {} (pid {}) stderr ---", self.name, self.pid);
        report.push_str(&log_tail(&self.stderr_path));
        report
    }

    /// Waits for the next complete stdout line, after those returned by earlier calls, that
    /// satisfies `predicate`, and returns it. Panics (with both logs) after `timeout`.
    pub async fn wait_for_stdout_line(
        &mut self,
        predicate: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let stdout = self.stdout();
            // Only complete lines: a line still being written could match a prefix by mistake.
            let complete = stdout.rfind('\n').map_or("", |end| &stdout[..end]);
            let found = complete
                .lines()
                .enumerate()
                .skip(self.stdout_cursor)
                .find(|(_, line)| predicate(line));
            if let Some((index, line)) = found {
                self.stdout_cursor = index + 1;
                return line.to_owned();
            }
            if Instant::now() >= deadline {
                panic!(
                    "{} printed no matching stdout line within {timeout:?}\n{}",
                    self.name,
                    self.report()
                );
            }
            if let Some(status) = self.try_exit() {
                panic!(
                    "{} exited ({status}) before printing a matching stdout line\n{}",
                    self.name,
                    self.report()
                );
            }
            tokio::time::sleep(crate::wait::POLL_INTERVAL).await;
        }
    }

    /// Writes `text` to the process's stdin.
    pub async fn write_stdin(&mut self, text: &str) {
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("stdin of {} was already closed", self.name));
        stdin
            .write_all(text.as_bytes())
            .await
            .and(stdin.flush().await)
            .unwrap_or_else(|e| {
                panic!("writing to stdin of {}: {e}\n{}", self.name, self.report())
            });
    }

    /// Closes stdin, so the process reads end-of-file.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit status if the process has exited, without waiting.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Waits for the process to exit on its own. Panics (with both logs) after `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = self.status {
            return status;
        }
        match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(Ok(status)) => {
                self.status = Some(status);
                status
            }
            Ok(Err(e)) => panic!("waiting for {}: {e}", self.name),
            Err(_) => panic!(
                "{} did not exit within {timeout:?}\n{}",
                self.name,
                self.report()
            ),
        }
    }

    /// Kills the process and its group with SIGKILL, as a crash would, and reaps it. A
    /// killed process is gone at once, but a loaded machine may take a while to tear a
    /// large one down: the wait is up to the [`CEILING`](crate::CEILING).
    pub async fn kill(&mut self) -> ExitStatus {
        signal_group(self.pid, Signal::KILL);
        self.wait_exit(crate::CEILING).await
    }

    /// Asks the process to stop with SIGTERM and waits up to `timeout` for it to exit; then
    /// kills whatever is left of its group. Panics if the process ignored SIGTERM.
    pub async fn terminate(&mut self, timeout: Duration) -> ExitStatus {
        if self.try_exit().is_none() {
            if let Some(pid) = i32::try_from(self.pid).ok().and_then(Pid::from_raw) {
                let _ = rustix::process::kill_process(pid, Signal::TERM);
            }
        }
        let exited = tokio::time::timeout(timeout, self.child.wait()).await;
        signal_group(self.pid, Signal::KILL);
        match exited {
            Ok(Ok(status)) => {
                self.status = Some(status);
                status
            }
            Ok(Err(e)) => panic!("waiting for {}: {e}", self.name),
            Err(_) => {
                let _ = self.child.wait().await;
                panic!(
                    "{} did not exit within {timeout:?} of SIGTERM\n{}",
                    self.name,
                    self.report()
                )
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        signal_group(self.pid, Signal::KILL);
        reap_until(&mut self.child, std::time::Instant::now() + STOP_GRACE);
        if std::thread::panicking() {
            eprintln!("{}", self.report());
        }
    }
}
