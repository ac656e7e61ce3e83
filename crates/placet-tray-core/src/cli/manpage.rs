//! The manual page `placet-tray(1)`, generated from the command line's definition so it
//! cannot drift from `--help`. The page is committed (`packaging/placet-tray.1`, installed
//! by the packages); a test fails when it is out of date and rewrites it when run with
//! `UPDATE_MANPAGE=1` (`UPDATE_MANPAGE=1 cargo test -p placet-tray-core manpage`).
//!
//! The long help's paragraphs become the DESCRIPTION, except the exit codes, which
//! become the EXIT STATUS section; each command gets its synopsis and options under
//! COMMANDS.

use clap::CommandFactory;
use clap_mangen::Man;

use super::{Cli, Exit};

/// The paragraph of the long help that lists the exit codes.
const EXIT_CODES: &str = "Exit codes:";

/// The manual page, as it should read.
pub(super) fn manual_page() -> String {
    let mut cli = Cli::command();
    cli.build();
    let long_about = cli
        .get_long_about()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let (exit, description): (Vec<&str>, Vec<&str>) = long_about
        .split("\n\n")
        .partition(|p| p.starts_with(EXIT_CODES));

    let man = Man::new(cli.clone().long_about(description.join("\n\n")))
        .title("PLACET-TRAY")
        .date(release_date(CHANGELOG))
        .manual("User Commands");
    let mut page = String::new();
    for render in [
        Man::render_title,
        Man::render_name_section,
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ] {
        page.push_str(&rendered(&man, render));
        if page.contains(".TH ") && !page.contains(NO_HYPHENATION) {
            page.push_str(NO_HYPHENATION);
        }
    }

    page.push_str(".SH COMMANDS\n");
    // From the definition before `build`, which adds `--help` to every command.
    let unbuilt = Cli::command();
    let commands = unbuilt
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help");
    for sub in commands {
        let name = sub.get_name();
        page.push_str(&format!(".SS {name}\n"));
        let sub = Man::new(
            sub.clone()
                .disable_help_flag(true)
                .bin_name(format!("{} {name}", cli.get_name())),
        );
        // The synopsis, the description and the options become this command's paragraphs.
        let parts = [
            Man::render_synopsis_section,
            Man::render_description_section,
            Man::render_options_section,
        ]
        .map(|render| {
            let part = rendered(&sub, render);
            let body: Vec<&str> = part.lines().filter(|l| !l.starts_with(".SH ")).collect();
            body.join("\n") + "\n"
        });
        page.push_str(&parts.join(".PP\n"));
    }

    page.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in exit_codes(&exit.join(" ")) {
        page.push_str(&format!(".TP\n.B {code}\n{}\n", roff_text(&meaning)));
    }
    page.push_str(EPILOGUE);

    // Each rendered part defines the apostrophe string; once is enough.
    let (head, tail) = page
        .split_once(AQ_DEFINITION)
        .map(|(head, tail)| {
            (
                format!("{head}{AQ_DEFINITION}"),
                tail.replace(AQ_DEFINITION, ""),
            )
        })
        .unwrap_or((page.clone(), String::new()));
    head + &tail
}

/// What clap_mangen puts before each part: the `\*(Aq` string for an apostrophe.
const AQ_DEFINITION: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// Options and paths read better unbroken and ragged right.
const NO_HYPHENATION: &str = ".nh\n.ad l\n";

/// The packaging changelog, whose newest entry dates the page.
const CHANGELOG: &str = include_str!("../../../../packaging/changelog");

fn rendered(man: &Man, render: fn(&Man, &mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    render(man, &mut out).expect("render to memory");
    String::from_utf8(out).expect("roff is UTF-8")
}

/// The date of the changelog's newest entry (` -- Name <email>  Tue, 01 Dec 2026 ...`) as
/// `2026-12-01`.
fn release_date(changelog: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = changelog
        .lines()
        .find_map(|l| l.strip_prefix(" -- "))
        .and_then(|l| l.split_once(">  "))
        .map(|(_, date)| date.split_whitespace().collect::<Vec<_>>())
        .expect("packaging/changelog has a trailer line");
    let (day, month, year) = (date[1], date[2], date[3]);
    let month = MONTHS
        .iter()
        .position(|m| *m == month)
        .expect("a month in the changelog's date")
        + 1;
    format!("{year}-{month:02}-{day:0>2}")
}

/// `Exit codes: 0 ok, 1 failure, 6 review answered, expired or unknown, ...` as pairs.
fn exit_codes(paragraph: &str) -> Vec<(u8, String)> {
    let text = paragraph
        .trim_start_matches(EXIT_CODES)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim_end_matches('.');
    let mut codes: Vec<(u8, String)> = Vec::new();
    for item in text.split(", ") {
        let (head, rest) = item.split_once(' ').unwrap_or((item, ""));
        match head.parse::<u8>() {
            Ok(code) => codes.push((code, rest.to_owned())),
            // A comma inside a meaning ("answered, expired or unknown").
            Err(_) => {
                if let Some((_, meaning)) = codes.last_mut() {
                    meaning.push_str(", ");
                    meaning.push_str(item);
                }
            }
        }
    }
    for (_, meaning) in &mut codes {
        let mut chars = meaning.chars();
        if let Some(first) = chars.next() {
            *meaning = first.to_uppercase().chain(chars).collect::<String>() + ".";
        }
    }
    codes
}

/// Text for a roff line: backslashes and hyphens escaped, no leading control character.
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}

/// What the command line's definition does not say: files, environment, notes.
const EPILOGUE: &str = r#".SH ENVIRONMENT
.TP
.B PLACET_LOG
The log filter, e.g. \fBdebug\fR or \fBplacet_client=trace\fR (default: \fBinfo\fR for
the tray, \fBwarn\fR for the commands).
.SH FILES
.TP
.I ~/.config/placet\-tray/config.json
The server, the account's email and the preferences. No secrets: the session is kept in
the system keychain (a Secret Service such as GNOME Keyring or KWallet).
.TP
.I ~/.local/share/placet\-tray/placet\-tray.db
The outbox (answers not yet confirmed by the server) and the local decision log.
.TP
.I ~/.local/state/placet\-tray/placet\-tray.log
The tray's log.
.TP
.I ~/.config/autostart/io.placet.tray.desktop
Written when \fBStart at login\fR is on in Settings.
.SH NOTES
The windows are shown by a separate program, \fIplacet\-tray\-windows\fR, which the tray
starts on demand (installed in \fI/usr/libexec/placet\-tray/\fR).
.PP
Packaged builds leave out \fBdemo\fR, which needs the embedded dev server of a build from
source.
.SH "SEE ALSO"
.BR secret\-tool (1)
.PP
https://github.com/placet\-tray/placet\-tray
"#;

mod tests {
    use super::*;

    /// The committed manual page matches the command line's definition.
    #[test]
    fn manpage_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/placet-tray.1");
        let want = manual_page();
        if std::env::var_os("UPDATE_MANPAGE").is_some() {
            std::fs::write(&path, &want).expect("write the manual page");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "packaging/placet-tray.1 is out of date: run \
             `UPDATE_MANPAGE=1 cargo test -p placet-tray-core manpage` and commit it"
        );
    }

    /// Every exit code of the command line is explained in EXIT STATUS.
    #[test]
    fn manpage_explains_every_exit_code() {
        let page = manual_page();
        let status = page
            .split(".SH \"EXIT STATUS\"\n")
            .nth(1)
            .and_then(|s| s.split("\n.SH ").next())
            .expect("an EXIT STATUS section");
        for code in 0..=Exit::NoTray as u8 {
            assert!(
                status.contains(&format!(".TP\n.B {code}\n")),
                "exit code {code} is not explained in:\n{status}"
            );
        }
    }

    /// The rule for answers from the command line is in the DESCRIPTION.
    #[test]
    fn manpage_states_the_confirmation_rule() {
        let page = manual_page();
        let description = page
            .split(".SH DESCRIPTION\n")
            .nth(1)
            .and_then(|s| s.split("\n.SH ").next())
            .expect("a DESCRIPTION section");
        assert!(
            description.contains("Confirm there sends it"),
            "the confirmation rule is missing from:\n{description}"
        );
    }

    /// The page is dated by the changelog's newest entry.
    #[test]
    fn release_date_comes_from_the_changelog() {
        let changelog = "placet-tray (0.2.0-1) unstable; urgency=medium\n\n  * New.\n\n \
            -- A B <a@b.example>  Wed, 3 Feb 2027 10:00:00 +0000\n\n\
            placet-tray (0.1.0-1) unstable; urgency=medium\n\n  * Old.\n\n \
            -- A B <a@b.example>  Tue, 01 Dec 2026 12:00:00 +0000\n";
        assert_eq!(
            release_date(changelog),
            "2027-02-03",
            "the newest entry's date"
        );
    }

    /// A meaning with commas in it stays one exit code.
    #[test]
    fn exit_codes_keep_commas_inside_a_meaning() {
        let codes = exit_codes("Exit codes: 0 ok, 6 review answered, expired or unknown,\n7 no.");
        assert_eq!(
            codes,
            vec![
                (0, "Ok.".to_owned()),
                (6, "Review answered, expired or unknown.".to_owned()),
                (7, "No.".to_owned())
            ],
            "exit codes parsed"
        );
    }
}
