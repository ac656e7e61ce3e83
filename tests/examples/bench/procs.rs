//! Memory and CPU of the app's processes, read from `/proc`.

use std::collections::{HashMap, HashSet};

/// Memory and CPU time of one process.
#[derive(Debug, Clone)]
pub struct Sample {
    pub pid: u32,
    pub name: String,
    pub rss_kib: u64,
    pub pss_kib: u64,
    pub cpu_ticks: u64,
}

fn read(path: String) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn field_kib(text: &str, key: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn stat_fields(pid: u32) -> Option<(String, u32, u64)> {
    let stat = read(format!("/proc/{pid}/stat"))?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    let rest: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    let ppid = rest.get(1)?.parse().ok()?;
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some((name, ppid, utime + stime))
}

/// The app and all its descendants (the window host and WebKit's processes).
pub fn tree(root: u32) -> Vec<Sample> {
    let mut all = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) {
                if let Some((name, ppid, ticks)) = stat_fields(pid) {
                    all.push((pid, ppid, name, ticks));
                }
            }
        }
    }
    let mut members = HashSet::from([root]);
    loop {
        let before = members.len();
        for (pid, ppid, _, _) in &all {
            if members.contains(ppid) {
                members.insert(*pid);
            }
        }
        if members.len() == before {
            break;
        }
    }
    all.into_iter()
        .filter(|(pid, ..)| members.contains(pid))
        .map(|(pid, _, name, cpu_ticks)| {
            let status = read(format!("/proc/{pid}/status")).unwrap_or_default();
            let rollup = read(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
            Sample {
                pid,
                name,
                rss_kib: field_kib(&status, "VmRSS:"),
                pss_kib: field_kib(&rollup, "Pss:"),
                cpu_ticks,
            }
        })
        .collect()
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Prints the processes and their totals; returns (RSS, PSS) in KiB.
pub fn report(label: &str, samples: &[Sample]) -> (u64, u64) {
    let rss: u64 = samples.iter().map(|s| s.rss_kib).sum();
    let pss: u64 = samples.iter().map(|s| s.pss_kib).sum();
    println!(
        "{label}: {} processes, RSS {:.1} MiB, PSS {:.1} MiB",
        samples.len(),
        mib(rss),
        mib(pss)
    );
    for s in samples {
        println!(
            "    {:>7} {:<22} RSS {:>7.1} MiB  PSS {:>7.1} MiB",
            s.pid,
            s.name,
            mib(s.rss_kib),
            mib(s.pss_kib)
        );
        if std::env::var_os("BENCH_SMAPS").is_some() {
            print_mappings(s.pid);
        }
    }
    (rss, pss)
}

/// The largest mappings of a process by resident size (`BENCH_SMAPS=1`): where its
/// memory goes.
fn print_mappings(pid: u32) {
    let Some(smaps) = read(format!("/proc/{pid}/smaps")) else {
        return;
    };
    let mut by_file: HashMap<String, (u64, u64)> = HashMap::new();
    let mut current = String::new();
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            current = line
                .split_whitespace()
                .nth(5)
                .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned())
                .unwrap_or_else(|| "[anonymous]".to_owned());
        } else if let Some(v) = line.strip_prefix("Rss:") {
            by_file.entry(current.clone()).or_default().0 += field_kib(&format!("Rss:{v}"), "Rss:");
        } else if let Some(v) = line.strip_prefix("Pss:") {
            by_file.entry(current.clone()).or_default().1 += field_kib(&format!("Pss:{v}"), "Pss:");
        }
    }
    let mut list: Vec<_> = by_file.into_iter().collect();
    list.sort_by_key(|(_, (rss, _))| std::cmp::Reverse(*rss));
    let shown = std::env::var("BENCH_SMAPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 1)
        .unwrap_or(12);
    for (name, (rss, pss)) in list.into_iter().take(shown) {
        println!(
            "          {:<40} RSS {:>6.1} MiB  PSS {:>6.1} MiB",
            name,
            mib(rss),
            mib(pss)
        );
    }
}

pub fn cpu_percent(before: &[Sample], after: &[Sample], seconds: f64) -> f64 {
    let ticks = |v: &[Sample]| v.iter().map(|s| s.cpu_ticks).sum::<u64>();
    let hz = 100.0; // USER_HZ on Linux
    (ticks(after).saturating_sub(ticks(before))) as f64 / hz / seconds * 100.0
}

/// The machine's load average now (1, 5 and 15 minutes), as `/proc/loadavg` says.
pub fn load_average() -> String {
    read("/proc/loadavg".to_owned())
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
