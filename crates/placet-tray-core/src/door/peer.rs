//! Who is on the other end of the door, in words for the person: the program and the
//! programs that started it ("placet-tray (pid 4242) ← bash (pid 4100) ← python3 (pid
//! 3999)"), so a person asked to confirm an answer sees which agent asks. Names come
//! from the operating system and are cleaned like any text from outside.

use super::Peer;

/// How many programs up the chain are named.
const DEPTH: usize = 4;

/// The peer in words.
pub fn describe(peer: Peer) -> String {
    let Some(pid) = peer.pid else {
        return "a program on this computer (the system did not say which)".to_owned();
    };
    let chain = chain(pid);
    if chain.is_empty() {
        return format!("a program with pid {pid}");
    }
    chain
        .iter()
        .map(|(pid, name)| format!("{name} (pid {pid})"))
        .collect::<Vec<_>>()
        .join(" ← ")
}

/// The program `pid` and its parents, nearest first, as far as the system tells.
#[cfg(target_os = "linux")]
fn chain(pid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut next = Some(pid);
    while let Some(pid) = next.filter(|p| *p > 1) {
        let Some((name, parent)) = stat(pid) else {
            break;
        };
        out.push((pid, name));
        if out.len() == DEPTH {
            break;
        }
        next = Some(parent);
    }
    out
}

/// A process's name and parent, from `/proc/<pid>/stat` (`pid (comm) state ppid …`; the
/// name may itself hold parentheses, so it ends at the last one).
#[cfg(target_os = "linux")]
fn stat(pid: u32) -> Option<(String, u32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = crate::text::one_line(text.get(open + 1..close)?, 40);
    let mut rest = text.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    let parent = rest.next()?.parse().ok()?;
    Some((name, parent))
}

#[cfg(not(target_os = "linux"))]
fn chain(_pid: u32) -> Vec<(u32, String)> {
    let _ = DEPTH;
    Vec::new()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// This test's own process is named, with its parents.
    #[test]
    fn names_a_process_and_its_parents() {
        let me = std::process::id();
        let words = describe(Peer { pid: Some(me) });
        assert!(words.contains(&format!("(pid {me})")), "{words}");
        assert!(words.contains(" ← "), "a test runner has a parent: {words}");
        assert!(describe(Peer { pid: None }).contains("did not say"));
    }
}
