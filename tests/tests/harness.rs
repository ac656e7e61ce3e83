//! Self-tests of the harness against the real desktop programs it stands in for or hosts:
//! libnotify's `notify-send`, libsecret's `secret-tool` with gnome-keyring, and
//! libayatana-appindicator (the library Tauri's tray uses) through Python GObject bindings.

use placet_e2e::DesktopOptions;
// Generous for a loaded 2-core CI machine (starting python3 with its GObject bindings can
// take seconds there); the happy paths take milliseconds.
use placet_e2e::CEILING as T;

/// A desktop with only a bus and the in-process services: the cheapest one to start.
fn bus_only() -> DesktopOptions {
    DesktopOptions {
        x11: false,
        keyring: false,
        ..Default::default()
    }
}

mod notifications {
    use std::collections::HashMap;

    use futures_util::StreamExt;
    use placet_e2e::{ActionBehaviour, CloseReason, Desktop, Urgency};
    use zbus::Variant;

    use super::{bus_only, T};

    /// notify-send's call is recorded in full, and invoking an action reaches notify-send.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn notify_send_is_recorded_and_its_action_reaches_it() {
        let desktop = Desktop::start(bus_only()).await;
        let mut command = desktop.command("notify-send");
        command.args([
            "--app-name=placet-test",
            "--urgency=critical",
            "--category=im.received",
            "--hint=string:desktop-entry:placet-tray",
            "--transient",
            "--expire-time=0",
            "--action=approve=Approve",
            "--action=later=Later",
            "Claude needs your review",
            "Deploy <b>v2</b>?",
        ]);
        let mut notify_send = desktop.spawn(command);
        let server = desktop.notifications();

        let call = server
            .wait_for_notify(|c| c.summary == "Claude needs your review", T)
            .await;

        assert_eq!(call.app_name, "placet-test", "app name: {call:?}");
        assert_eq!(call.body, "Deploy <b>v2</b>?", "body is recorded verbatim");
        assert_eq!(
            call.actions,
            vec![
                ("approve".to_owned(), "Approve".to_owned()),
                ("later".to_owned(), "Later".to_owned())
            ],
            "actions are paired as (key, label)"
        );
        assert_eq!(
            call.hints.urgency(),
            Some(Urgency::Critical),
            "urgency hint"
        );
        assert_eq!(call.hints.category(), Some("im.received"), "category hint");
        assert_eq!(
            call.hints.desktop_entry(),
            Some("placet-tray"),
            "desktop-entry hint"
        );
        assert_eq!(call.hints.transient(), Some(true), "transient hint");
        assert_eq!(call.expire_timeout, 0, "expire timeout");
        assert!(server.is_open(call.id), "the notification is shown");

        server.invoke_action(call.id, "approve").await;

        let chosen = notify_send.wait_for_stdout_line(|_| true, T).await;
        assert_eq!(
            chosen, "approve",
            "notify-send prints the invoked action key"
        );
        let status = notify_send.wait_exit(T).await;
        assert!(status.success(), "notify-send exits cleanly: {status}");
        // The server closes it after the action, as real servers do, unless notify-send's
        // own CloseNotification (sent when it sees the action) gets there first.
        let reason = server.wait_closed(call.id, T).await;
        assert!(
            matches!(reason, CloseReason::Dismissed | CloseReason::ClosedByCall),
            "closed after the action, not {reason:?}"
        );
    }

    /// Runs a client to completion on the desktop and returns its stdout.
    async fn run(desktop: &Desktop, args: &[&str]) -> String {
        let mut command = desktop.command(args[0]);
        command.args(&args[1..]);
        let output = command.output().await.expect("running a client");
        assert!(output.status.success(), "{args:?} failed: {output:?}");
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// CloseNotification is recorded and closes the notification; replaces_id keeps the id.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn close_and_replace_are_honoured() {
        let desktop = Desktop::start(bus_only()).await;
        let server = desktop.notifications();
        let id = run(&desktop, &["notify-send", "--print-id", "First"]).await;
        let id: u32 = id.trim().parse().expect("notify-send prints the id");
        let replaced = run(
            &desktop,
            &[
                "notify-send",
                "--print-id",
                "--replace-id",
                &id.to_string(),
                "Second",
            ],
        )
        .await;
        assert_eq!(replaced.trim(), id.to_string(), "replacing keeps the id");
        let open = server.open_notifications();
        assert_eq!(open.len(), 1, "one notification is shown: {open:?}");
        assert_eq!(open[0].summary, "Second", "its content was replaced");
        assert_eq!(open[0].replaces_id, id, "the call named the replaced id");

        run(
            &desktop,
            &[
                "gdbus",
                "call",
                "--session",
                "--dest=org.freedesktop.Notifications",
                "--object-path=/org/freedesktop/Notifications",
                "--method=org.freedesktop.Notifications.CloseNotification",
                &id.to_string(),
            ],
        )
        .await;

        assert_eq!(
            server.wait_closed(id, T).await,
            CloseReason::ClosedByCall,
            "closed by the app's call"
        );
        assert_eq!(server.close_requests(), vec![id], "the close is recorded");
        assert!(!server.is_open(id), "no longer shown");
        assert_eq!(server.calls().len(), 2, "both Notify calls are recorded");
    }

    /// A D-Bus client sees the capabilities, ActivationToken before ActionInvoked, and a
    /// resident notification stays open after its action.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn signals_reach_a_dbus_client_in_order() {
        let desktop = Desktop::start(bus_only()).await;
        let server = desktop.notifications();
        server.set_action_behaviour(ActionBehaviour {
            activation_token: Some("token-1".into()),
            ..ActionBehaviour::default()
        });
        let client = zbus::connection::Builder::address(desktop.bus_address())
            .build()
            .await
            .expect("connecting a client");
        let proxy = zbus::Proxy::new(
            &client,
            "org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
        )
        .await
        .expect("a proxy");
        let mut signals = proxy.receive_all_signals().await.expect("subscribing");

        let capabilities: Vec<String> = proxy.call("GetCapabilities", &()).await.unwrap();
        assert!(
            capabilities.iter().any(|c| c == "actions"),
            "actions are supported: {capabilities:?}"
        );
        assert!(
            capabilities.iter().any(|c| c == "body-markup"),
            "markup, as most desktop daemons: {capabilities:?}"
        );
        let hints = HashMap::from([("resident", Variant::Bool(true))]);
        let id: u32 = proxy
            .call(
                "Notify",
                &(
                    "app",
                    0u32,
                    "",
                    "Review",
                    "Body",
                    vec!["default", "Open"],
                    hints,
                    -1i32,
                ),
            )
            .await
            .expect("Notify");

        server.invoke_action(id, "default").await;

        let mut received = Vec::new();
        while received.len() < 2 {
            let message = tokio::time::timeout(T, signals.next())
                .await
                .expect("signals arrive")
                .expect("the stream stays open");
            let member = message.header().member().unwrap().to_string();
            received.push(member);
        }
        assert_eq!(
            received,
            ["ActivationToken", "ActionInvoked"],
            "the token comes first"
        );
        assert!(server.is_open(id), "a resident notification stays open");
    }
}

mod keyring {
    use std::time::{Duration, Instant};

    use placet_e2e::{Desktop, DesktopOptions};

    use super::bus_only;

    /// secret-tool stores and finds a secret in gnome-keyring, and it appears in no file
    /// under HOME outside the keyring's own store.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn secret_round_trips_and_never_reaches_disk_in_clear() {
        let desktop = Desktop::start(DesktopOptions {
            x11: false,
            ..Default::default()
        })
        .await;
        let secret = "eyJhbGciOi.placet-jwt-7f3a91";
        let attributes = [("service", "placet-tray"), ("username", "me@example.test")];

        desktop
            .secret_tool_store("Placet Tray token", &attributes, secret)
            .await
            .expect("storing in gnome-keyring");

        assert_eq!(
            desktop.secret_tool_lookup(&attributes).await.as_deref(),
            Some(secret),
            "secret-tool finds the secret"
        );
        let found = desktop.secret_tool_search_all(&attributes[..1]).await;
        assert_eq!(found.len(), 1, "one matching item: {found:?}");
        assert_eq!(found[0].label, "Placet Tray token", "label");
        let items = desktop.secret_items().await;
        assert_eq!(items.len(), 1, "one item in the keyring: {items:?}");
        assert_eq!(items[0].secret_text(), Some(secret), "secret over D-Bus");
        assert_eq!(
            items[0].attributes.get("username").map(String::as_str),
            Some("me@example.test"),
            "attributes over D-Bus: {:?}",
            items[0].attributes
        );
        assert!(
            desktop.data_dir().join("keyrings/login.keyring").exists(),
            "gnome-keyring keeps its (encrypted) store in XDG_DATA_HOME"
        );
        assert_eq!(
            desktop.files_containing(secret),
            Vec::<std::path::PathBuf>::new(),
            "the secret is in no file under HOME"
        );

        // A positive control, so that the empty result above means something.
        let leak = desktop.state_dir().join("placet-tray/app.log");
        std::fs::create_dir_all(leak.parent().unwrap()).unwrap();
        std::fs::write(&leak, format!("token={secret}\n")).unwrap();
        assert_eq!(
            desktop.files_containing(secret),
            vec![leak],
            "a leaked secret is found"
        );
    }

    /// Without a Secret Service, secret-tool fails at once instead of hanging or activating
    /// a keyring daemon.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_keyring_secret_tool_fails_fast() {
        let desktop = Desktop::start(bus_only()).await;

        let started = Instant::now();
        let stored = desktop
            .secret_tool_store("x", &[("service", "placet-tray")], "secret")
            .await;
        let elapsed = started.elapsed();

        let error = stored.expect_err("storing must fail without a Secret Service");
        assert!(
            error.stderr.contains("org.freedesktop.secrets"),
            "the error names the missing service: {error}"
        );
        assert!(
            elapsed < Duration::from_secs(3),
            "secret-tool failed in {elapsed:?}, not at once"
        );
        assert_eq!(
            desktop
                .secret_tool_lookup(&[("service", "placet-tray")])
                .await,
            None,
            "nothing to look up"
        );
    }
}

mod tray {
    use placet_e2e::{
        Desktop, DesktopOptions, ItemType, Process, ToggleType, TrayIcon, TraySignal,
    };

    use super::T;

    /// A libayatana-appindicator3 indicator built the way Tauri builds its tray icon.
    const FAKE_APP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ayatana_tray.py");

    /// Starts the fake tray app with Debian's Python, which has the GObject bindings (a
    /// pyenv or venv `python3` earlier in PATH usually does not).
    async fn start_fake_app(desktop: &Desktop) -> Process {
        let mut command = desktop.command("/usr/bin/python3");
        command.arg(FAKE_APP);
        let mut app = desktop.spawn(command);
        app.wait_for_stdout_line(|l| l == "ready", T).await;
        app
    }

    /// libayatana registers with the watcher; the layout parses and a click reaches the app.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ayatana_menu_is_read_and_clicked() {
        let desktop = Desktop::start(DesktopOptions {
            keyring: false,
            ..Default::default()
        })
        .await;
        let mut app = start_fake_app(&desktop).await;

        let tray = desktop.tray_client(T).await;

        let item = tray.item().clone();
        assert_eq!(
            item.sender, item.service,
            "registered by object path: {item}"
        );
        assert!(
            item.path.starts_with("/org/ayatana/NotificationItem/"),
            "libayatana's item path: {item}"
        );
        let properties = tray.properties().await;
        assert_eq!(
            properties.id.as_deref(),
            Some("tray-icon tray app"),
            "Tauri's id"
        );
        assert_eq!(properties.status.as_deref(), Some("Active"), "status");
        assert_eq!(
            properties.title.as_deref(),
            Some("Placet Tray (fake)"),
            "title"
        );
        assert_eq!(properties.tool_tip, None, "libayatana exports no tooltip");
        let TrayIcon::File { path, bytes, .. } = properties.icon() else {
            panic!("libayatana exports the icon as a file path: {properties:?}");
        };
        assert!(
            path.starts_with(desktop.runtime_dir()),
            "the icon file is in the desktop's runtime dir: {path:?}"
        );
        assert!(bytes.starts_with(b"\x89PNG"), "the icon is a PNG");

        let layout = tray.layout().await;
        let entries: Vec<_> = layout.children.iter().collect();
        assert_eq!(entries.len(), 7, "every entry is exported:\n{layout}");
        assert!(
            !entries[0].enabled && entries[0].text() == "Connected to example.test",
            "a disabled status line comes first:\n{layout}"
        );
        assert_eq!(
            entries[1].item_type,
            ItemType::Separator,
            "then a separator"
        );
        assert_eq!(
            entries[2].label, "_Open inbox",
            "labels keep their mnemonics"
        );
        let pause = layout
            .find_by_text(|t| t == "Pause notifications")
            .expect("a pause entry");
        assert_eq!(
            pause.toggle_type,
            Some(ToggleType::Checkmark),
            "a check box"
        );
        assert!(!pause.is_checked(), "unchecked at first");
        assert_eq!(
            layout.visible_texts(),
            [
                "Connected to example.test",
                "Open inbox",
                "Settings",
                "Pause notifications",
                "Quit"
            ],
            "the hidden entry is not visible"
        );

        tray.click_text("Open inbox").await;
        app.wait_for_stdout_line(|l| l == "clicked _Open inbox", T)
            .await;
        tray.click_text("Pause notifications").await;
        app.wait_for_stdout_line(|l| l == "clicked _Pause notifications", T)
            .await;
        tray.wait_for_layout(
            |l| {
                l.find_by_text(|t| t == "Pause notifications")
                    .is_some_and(|p| p.is_checked())
            },
            T,
        )
        .await;

        tray.click_text("Quit").await;
        app.wait_exit(T).await;
        desktop.watcher().wait_unregistered(&item, T).await;
    }

    /// Icon, status, label and menu changes are seen through signals and properties, and two
    /// icon states are told apart by fingerprint.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ayatana_changes_are_observed() {
        let desktop = Desktop::start(DesktopOptions {
            keyring: false,
            ..Default::default()
        })
        .await;
        let mut app = start_fake_app(&desktop).await;
        let tray = desktop.tray_client(T).await;
        let red = tray.icon().await;

        app.write_stdin("icon 0,200,0\n").await;
        tray.next_signal(|s| *s == TraySignal::NewIcon, T).await;
        let green = tray.icon().await;
        assert_ne!(
            red.fingerprint(),
            green.fingerprint(),
            "two icon states differ: {red:?} vs {green:?}"
        );
        app.write_stdin("icon 255,0,0\n").await;
        tray.next_signal(|s| *s == TraySignal::NewIcon, T).await;
        let red_again = tray.icon().await;
        assert_eq!(
            red.fingerprint(),
            red_again.fingerprint(),
            "the same state has the same fingerprint under a new file name"
        );

        app.write_stdin("status attention\n").await;
        let status = tray
            .next_signal(|s| matches!(s, TraySignal::NewStatus(_)), T)
            .await;
        assert_eq!(
            status,
            TraySignal::NewStatus("NeedsAttention".into()),
            "status signal"
        );
        app.write_stdin("label 3\n").await;
        tray.wait_for_properties(|p| p.label.as_deref() == Some("3"), T)
            .await;
        app.write_stdin("title Placet Tray: 3 pending\n").await;
        tray.next_signal(|s| *s == TraySignal::NewTitle, T).await;

        app.write_stdin("item _Open inbox (3)\n").await;
        let layout = tray
            .wait_for_layout(|l| l.find_by_text(|t| t == "Open inbox (3)").is_some(), T)
            .await;
        let entry = layout.find_by_text(|t| t == "Open inbox (3)").unwrap();
        tray.click(entry.id).await;
        app.wait_for_stdout_line(|l| l == "clicked _Open inbox (3)", T)
            .await;
    }
}

mod desktop {
    use std::os::unix::fs::PermissionsExt;

    use std::os::unix::process::ExitStatusExt;

    use placet_e2e::{is_running, processes_with_marker, Desktop, DesktopOptions, OWNER_VAR};

    use super::{bus_only, T};

    /// Children see only the desktop's session: its bus, display, HOME and 0700 runtime dir.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn children_get_the_desktops_environment() {
        let desktop = Desktop::start(DesktopOptions {
            keyring: false,
            ..Default::default()
        })
        .await;

        let output = desktop.command("env").output().await.expect("running env");
        let env = String::from_utf8(output.stdout).unwrap();
        let var = |name: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .map(str::to_owned)
        };

        assert_eq!(
            var("DBUS_SESSION_BUS_ADDRESS").as_deref(),
            Some(desktop.bus_address())
        );
        assert_eq!(var("DISPLAY").as_deref(), desktop.display());
        assert_eq!(var("HOME").as_deref(), desktop.home().to_str());
        assert_eq!(
            var("XDG_CONFIG_HOME").as_deref(),
            desktop.config_dir().to_str()
        );
        assert_eq!(var("NO_AT_BRIDGE").as_deref(), Some("1"));
        let runtime = desktop.runtime_dir();
        assert!(
            runtime.starts_with(desktop.home()),
            "runtime dir inside HOME"
        );
        let mode = std::fs::metadata(runtime).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "XDG_RUNTIME_DIR is private");

        let shot = desktop.home().join("screen.png");
        desktop.screenshot(&shot).await.expect("a screenshot");
        let png = std::fs::read(&shot).unwrap();
        assert_eq!(&png[1..4], b"PNG", "a PNG");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (1280, 800), "the whole screen");

        let headless = Desktop::start(bus_only()).await;
        let output = headless.command("env").output().await.unwrap();
        let env = String::from_utf8(output.stdout).unwrap();
        assert!(!env.contains("DISPLAY="), "no DISPLAY without X: {env}");
    }

    /// Two desktops started at once get their own display, bus, HOME and services.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_desktops_do_not_interfere() {
        let (a, b) = tokio::join!(
            Desktop::start(DesktopOptions::default()),
            Desktop::start(DesktopOptions::default())
        );

        assert_ne!(a.display(), b.display(), "separate X servers");
        assert_ne!(a.bus_address(), b.bus_address(), "separate buses");
        assert_ne!(a.home(), b.home(), "separate HOMEs");

        let mut command = a.command("notify-send");
        command.arg("only on A");
        assert!(
            command.status().await.unwrap().success(),
            "notify-send on A"
        );
        a.notifications()
            .wait_for_notify(|c| c.summary == "only on A", T)
            .await;
        assert!(b.notifications().calls().is_empty(), "B saw nothing");

        a.secret_tool_store("a", &[("desktop", "a")], "secret-a")
            .await
            .expect("storing on A");
        assert_eq!(
            b.secret_tool_lookup(&[("desktop", "a")]).await,
            None,
            "B's keyring is separate"
        );
        assert!(b.secret_items().await.is_empty(), "B's keyring is empty");
    }

    /// Dropping a desktop stops its daemons and every process started in it, even one that
    /// left its process group, and deletes its files.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn drop_leaves_nothing_behind() {
        let desktop = Desktop::start(DesktopOptions::default()).await;
        let marker = desktop.marker().to_owned();
        let home = desktop.home().to_owned();
        let mut pids = desktop.daemon_pids();
        assert_eq!(pids.len(), 3, "Xvfb, dbus-daemon and gnome-keyring-daemon");
        // The escaped shell announces its own pid once it runs its final program image
        // (no `exec` follows), and the outer shell stays a shell: a process in the middle
        // of `execve` shows an empty environment in /proc, so announcing a pid before its
        // last exec (`setsid sleep 600 & echo $!`) let the count below miss it.
        let mut command = desktop.command("sh");
        command.args(["-c", "setsid sh -c 'echo $$; sleep 600' & wait"]);
        let mut sleeper = desktop.spawn(command);
        let escaped = sleeper.wait_for_stdout_line(|_| true, T).await;
        let escaped: u32 = escaped.parse().expect("the escaped pid");
        pids.push(sleeper.pid());
        pids.push(escaped);
        let marked = processes_with_marker(&marker);
        for pid in &pids {
            assert!(
                marked.contains(pid),
                "the marker finds process {pid} (daemons, the shell and the escaped shell): {marked:?}"
            );
        }

        drop(desktop);

        for pid in &pids {
            assert!(!is_running(*pid), "process {pid} survived its desktop");
        }
        assert_eq!(
            processes_with_marker(&marker),
            Vec::<u32>::new(),
            "no marked process left"
        );
        assert!(!home.exists(), "the desktop's files are gone");
        drop(sleeper);
    }

    /// A process left behind by a test process that died is killed when a desktop starts.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn orphans_of_dead_test_processes_are_killed() {
        // No process can have a pid above pid_max (at most 2^22), so this owner is gone.
        let mut orphan = tokio::process::Command::new("sleep")
            .arg("600")
            .env(OWNER_VAR, "4294967295:0")
            .kill_on_drop(true)
            .spawn()
            .expect("starting sleep");

        let _desktop = Desktop::start(bus_only()).await;

        let status = tokio::time::timeout(T, orphan.wait())
            .await
            .expect("the orphan is killed")
            .unwrap();
        assert_eq!(status.signal(), Some(9), "killed with SIGKILL: {status}");
    }
}
