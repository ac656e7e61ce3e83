//! End-to-end tests of the built Placet Tray app: the real binary on a private headless
//! desktop (Xvfb, session bus, gnome-keyring, a recording notification server, a tray
//! watcher) against an in-process dev server, each test in its own
//! [`World`](placet_e2e::World). Build the app first: `cargo build -p placet-tray`.

mod accounts;
mod attention;
mod daemons;
mod fidelity;
mod forgery;
mod secrets;
mod warm;

use std::time::Duration;

use placet_e2e::{wait_for, ActionBehaviour, DesktopOptions, World, CEILING as T, QUIET};
use serde_json::json;

mod keychain {
    use super::*;

    /// `login` stores the JWT in the keychain (secret-tool finds it) and nowhere on disk,
    /// not even after the app ran; `logout` deletes it.
    #[tokio::test(flavor = "multi_thread")]
    async fn login_keeps_the_jwt_in_the_keychain_only() {
        let mut w = World::start().await;
        w.login().await;
        let service = format!("placet-tray {}", w.url());
        let jwt = w
            .desktop
            .secret_tool_lookup(&[("service", &service), ("username", "admin@placet.local")])
            .await
            .expect("secret-tool finds the entry");
        assert_eq!(jwt.split('.').count(), 3, "the entry holds a JWT");
        let config =
            std::fs::read_to_string(w.desktop.config_dir().join("placet-tray/config.json"))
                .expect("config written");
        assert!(
            config.contains("admin@placet.local") && config.contains(&w.url()),
            "{config}"
        );

        w.launch();
        w.wait_subscribed().await;
        let id = w.approval("Deploy?").await;
        w.notification("Deploy?").await;
        assert!(!id.is_empty());
        assert_eq!(
            w.desktop.files_containing(&jwt),
            Vec::<std::path::PathBuf>::new(),
            "the JWT reached the disk"
        );
        assert!(
            !w.app_log().is_empty(),
            "the app writes a log (checked above for the JWT)"
        );

        if let Some(app) = w.app.as_mut() {
            app.terminate(T).await;
        }
        let out = w.cli(&["logout"], None).await;
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(
            w.desktop
                .secret_tool_lookup(&[("service", &service), ("username", "admin@placet.local")])
                .await,
            None,
            "logout deletes the keychain entry"
        );
    }

    /// Without a Secret Service, `login` fails at once with a clear message and saves
    /// nothing.
    #[tokio::test(flavor = "multi_thread")]
    async fn no_keychain_is_a_clear_error() {
        let w = World::with(DesktopOptions {
            keyring: false,
            ..Default::default()
        })
        .await;
        let url = w.url();
        let started = std::time::Instant::now();
        let out = w
            .cli(
                &[
                    "login",
                    "--server",
                    &url,
                    "--email",
                    "admin@placet.local",
                    "--password-stdin",
                ],
                Some(&format!("{}\n", w.server.seed().admin().password)),
            )
            .await;
        assert_eq!(out.code, 3, "auth/keychain exit code: {out:?}");
        assert!(
            out.stderr.contains("keychain is not available"),
            "{}",
            out.stderr
        );
        assert!(started.elapsed() < Duration::from_secs(10), "no hang");
        assert!(
            !w.desktop
                .config_dir()
                .join("placet-tray/config.json")
                .exists(),
            "nothing saved"
        );
    }
}

mod notifications {
    use super::*;

    /// An approval raises "<agent> needs your review" with its text and buttons; the
    /// primary button sends exactly `{"selectedOption": "approve"}` and the app closes
    /// the notification.
    #[tokio::test(flavor = "multi_thread")]
    async fn approval_button_answers_and_closes() {
        let mut w = World::start().await;
        w.desktop
            .notifications()
            .set_action_behaviour(ActionBehaviour {
                close_after_action: false,
                ..Default::default()
            });
        w.running().await;
        let id = w.approval("Deploy **v2** to production?").await;
        let n = w.notification("Deploy v2 to production?").await;
        assert_eq!(n.summary, "Deploy Bot needs your review");
        assert_eq!(n.app_name, "Placet Tray");
        assert_eq!(
            n.actions,
            vec![
                ("default".to_owned(), "Open".to_owned()),
                ("option:approve".to_owned(), "Approve".to_owned()),
                ("option:reject".to_owned(), "Reject…".to_owned()),
                ("snooze:15m".to_owned(), "Remind me in 15 min".to_owned()),
                ("snooze:1h".to_owned(), "Remind me in 1 h".to_owned()),
            ]
        );
        assert_eq!(
            n.hints.desktop_entry(),
            Some("io.placet.tray"),
            "the packaged desktop file"
        );

        w.desktop
            .notifications()
            .invoke_action(n.id, "option:approve")
            .await;
        let recorded = w.wait_responses(&id, 1).await;
        assert_eq!(
            recorded[0].body,
            json!({"response": {"selectedOption": "approve"}})
        );
        assert_eq!(recorded[0].status.as_u16(), 201);
        w.wait_withdrawn(n.id).await;
    }

    /// A danger option is never sent by its button: it opens the review window instead.
    #[tokio::test(flavor = "multi_thread")]
    async fn danger_button_opens_the_review() {
        let mut w = World::start().await;
        w.running().await;
        let id = w.approval("Drop the staging database?").await;
        let n = w.notification("Drop the staging database?").await;
        w.desktop
            .notifications()
            .invoke_action(n.id, "option:reject")
            .await;
        w.wait_window("Placet review").await;
        // An absence: an answer would have left with the click that opened the window.
        tokio::time::sleep(QUIET).await;
        assert!(
            w.server.controls().responses_for(&id).is_empty(),
            "nothing was sent"
        );
    }

    /// A review answered by another client (the web UI) closes its notification.
    #[tokio::test(flavor = "multi_thread")]
    async fn answered_elsewhere_closes_the_notification() {
        let mut w = World::start().await;
        w.running().await;
        let id = w.approval("Rotate the keys?").await;
        let n = w.notification("Rotate the keys?").await;
        w.answer_elsewhere(&id, json!({"selectedOption": "reject"}), None)
            .await;
        w.wait_withdrawn(n.id).await;
    }

    /// Expiry closes the notification.
    #[tokio::test(flavor = "multi_thread")]
    async fn expiry_closes_the_notification() {
        let mut w = World::start().await;
        w.running().await;
        let mut body = w.approval_body("Short-lived question");
        body["review"]["expiresInSeconds"] = json!(2);
        w.post(body).await;
        let n = w.notification("Short-lived question").await;
        w.wait_withdrawn(n.id).await;
    }

    /// Agent text with markup and control characters arrives as escaped plain text.
    #[tokio::test(flavor = "multi_thread")]
    async fn markup_and_control_characters_are_neutralised() {
        let mut w = World::start().await;
        w.running().await;
        w.approval("<b>bold</b> <script>alert(1)</script> & more\u{7}\u{1b}[31m \u{202E}gnp.exe")
            .await;
        let n = w.notification("bold").await;
        assert!(n.body.contains("&lt;b&gt;bold&lt;/b&gt;"), "{:?}", n.body);
        assert!(
            n.body
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
            "{:?}",
            n.body
        );
        for bad in ['<', '>', '\u{7}', '\u{1b}', '\u{202E}'] {
            assert!(!n.body.contains(bad), "{bad:?} in {:?}", n.body);
        }
    }

    /// An answer that fails for good (the review was deleted) raises a notification that
    /// says why.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_failed_answer_says_why() {
        let mut w = World::start().await;
        w.running().await;
        let id = w.approval("Soon deleted").await;
        let n = w.notification("Soon deleted").await;
        w.delete_as_agent(&id, &w.deploy_bot()).await;
        w.desktop
            .notifications()
            .invoke_action(n.id, "option:approve")
            .await;
        let failure = w
            .desktop
            .notifications()
            .wait_for_notify(|n| n.summary == "Your answer was not sent", T)
            .await;
        assert_eq!(
            failure.body,
            "Deploy Bot withdrew the review before your answer arrived."
        );
    }

    /// Five or more reviews within two seconds become one summary notification.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_burst_becomes_one_summary() {
        let mut w = World::start().await;
        w.running().await;
        for i in 0..6 {
            w.approval(&format!("Burst review {i}")).await;
        }
        let summary = w
            .desktop
            .notifications()
            .wait_for_notify(|n| n.summary == "6 reviews need you", T)
            .await;
        assert_eq!(summary.body, "Deploy Bot (6)");
        let server = w.desktop.notifications();
        wait_for("only the summary to stay open", T, || {
            let open = server.open_notifications();
            async move {
                (open.len() == 1 && open[0].summary.ends_with("reviews need you")).then_some(())
            }
        })
        .await;
    }

    /// When the server stops accepting the sign-in, one notification asks to sign in again.
    #[tokio::test(flavor = "multi_thread")]
    async fn auth_expiry_asks_to_sign_in_again() {
        let mut w = World::start().await;
        w.running().await;
        w.server.controls().invalidate_tokens();
        w.server.controls().kick_all().await;
        w.desktop
            .notifications()
            .wait_for_notify(|n| n.summary == "Sign in to Placet again", T)
            .await;
        w.server.controls().kick_all().await;
        // An absence: a second ask would follow the second disconnect at once.
        tokio::time::sleep(QUIET).await;
        let asks = w
            .desktop
            .notifications()
            .calls()
            .iter()
            .filter(|n| n.summary == "Sign in to Placet again")
            .count();
        assert_eq!(asks, 1, "asked once");
    }
}

mod tray {
    use super::*;

    /// Every entry of the tray menu, submenus included, has a readable label: not empty,
    /// and words rather than a bare identifier.
    #[tokio::test(flavor = "multi_thread")]
    async fn every_menu_entry_has_a_readable_label() {
        let mut w = World::start().await;
        w.running().await;
        let id = w.approval("Deploy the gateway to production?").await;
        let tray = w.tray().await;
        let menu = tray
            .wait_for_layout(
                |m| m.find_by_text(|t| t.contains("1 review waiting")).is_some(),
                T,
            )
            .await;
        let known_ids = [
            id.clone(),
            w.deploy_bot(),
            w.server.seed().admin().id.clone(),
        ];
        let mut entries = Vec::new();
        collect_entries(&menu, &mut entries);
        assert!(entries.len() >= 3, "the menu has entries: {menu}");
        for (raw, text) in &entries {
            let shown = text.trim();
            assert!(
                !shown.is_empty(),
                "an entry has no label (raw {raw:?}): {menu}"
            );
            assert!(
                !known_ids.iter().any(|known| shown.contains(known.as_str())),
                "an entry shows an id instead of words: {shown:?}"
            );
            assert!(
                shown.contains(' ') || shown.chars().next().is_some_and(char::is_uppercase),
                "an entry reads like an identifier, not a label: {shown:?}"
            );
        }
    }

    /// An underscore in a review's text reaches the menu as typed: escaped once for the
    /// dbusmenu mnemonic convention (`__`), so a panel shows one underscore.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_underscore_in_a_review_is_shown_as_typed() {
        let mut w = World::start().await;
        w.running().await;
        w.approval("Deploy api_gateway to prod_eu?").await;
        let tray = w.tray().await;
        let menu = tray
            .wait_for_layout(
                |m| m.find_by_text(|t| t.contains("1 review waiting")).is_some(),
                T,
            )
            .await;
        let mut entries = Vec::new();
        collect_entries(&menu, &mut entries);
        assert!(
            entries
                .iter()
                .any(|(_, text)| text == "Deploy Bot: Deploy api_gateway to prod_eu?"),
            "underscores in a review's text are shown as typed: {entries:#?}"
        );
    }

    /// (raw label, label as shown) of every visible, non-separator entry under `item`.
    fn collect_entries(item: &placet_e2e::MenuItem, out: &mut Vec<(String, String)>) {
        for child in &item.children {
            if child.visible && child.item_type == placet_e2e::ItemType::Standard {
                out.push((child.label.clone(), child.text()));
            }
            collect_entries(child, out);
        }
    }

    /// The tray menu lists pending reviews and the count; the icon changes with it; a
    /// click on a review opens its window.
    #[tokio::test(flavor = "multi_thread")]
    async fn menu_lists_pending_reviews_and_count() {
        let mut w = World::start().await;
        w.running().await;
        let tray = w.tray().await;
        let idle = tray
            .wait_for_layout(
                |m| {
                    m.visible_texts()
                        .iter()
                        .any(|t| t.contains("nothing pending"))
                },
                T,
            )
            .await;
        let idle_icon = tray.icon().await.fingerprint();
        assert!(
            idle.find_by_text(|t| t == "Pause notifications").is_some(),
            "{idle}"
        );
        assert!(
            idle.find_by_text(|t| t == "Quit Placet Tray").is_some(),
            "{idle}"
        );

        w.approval("First: ship it?").await;
        w.approval("Second: roll back?").await;
        let menu = tray
            .wait_for_layout(
                |m| {
                    m.visible_texts()
                        .iter()
                        .any(|t| t.contains("2 reviews waiting"))
                },
                T,
            )
            .await;
        let texts = menu.visible_texts();
        assert!(
            texts.iter().any(|t| t == "Deploy Bot: First: ship it?"),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t == "Deploy Bot: Second: roll back?"),
            "{texts:?}"
        );
        assert_ne!(
            tray.icon().await.fingerprint(),
            idle_icon,
            "the icon shows the count"
        );

        tray.click_text("Deploy Bot: Second: roll back?").await;
        w.wait_window("Placet review").await;
    }

    /// While paused nothing pops up, but the tray count stays true.
    #[tokio::test(flavor = "multi_thread")]
    async fn pause_silences_but_counts() {
        let mut w = World::start().await;
        w.running().await;
        let tray = w.tray().await;
        // Signed in and connected: the menu has its final shape.
        tray.wait_for_layout(
            |m| m.visible_texts().iter().any(|t| t.starts_with("Connected")),
            T,
        )
        .await;
        tray.click_text("For 1 hour").await;
        tray.wait_for_layout(
            |m| {
                m.visible_texts()
                    .iter()
                    .any(|t| t.starts_with("Notifications paused until"))
            },
            T,
        )
        .await;
        w.approval("Quietly waiting").await;
        tray.wait_for_layout(
            |m| {
                m.visible_texts()
                    .iter()
                    .any(|t| t.contains("1 review waiting"))
            },
            T,
        )
        .await;
        // An absence: a notification would have come with the menu's new count.
        tokio::time::sleep(QUIET).await;
        assert!(
            w.desktop
                .notifications()
                .calls()
                .iter()
                .all(|n| !n.body.contains("Quietly waiting")),
            "nothing popped up while paused"
        );
    }
}

mod desktop_integration {
    use super::*;

    /// "Start at login" in the tray writes an autostart entry, and removes it again.
    #[tokio::test(flavor = "multi_thread")]
    async fn start_at_login_toggles_the_autostart_entry() {
        let mut w = World::start().await;
        w.running().await;
        let autostart_dir = w.desktop.config_dir().join("autostart");
        let tray = w.tray().await;
        tray.wait_for_layout(
            |m| m.visible_texts().iter().any(|t| t.starts_with("Connected")),
            T,
        )
        .await;
        tray.click_text("Start at login").await;
        let entry = wait_for("the autostart entry", T, || {
            let found = std::fs::read_dir(&autostart_dir).ok().and_then(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|x| x == "desktop"))
            });
            async move { found }
        })
        .await;
        let text = std::fs::read_to_string(&entry).expect("entry readable");
        assert!(text.contains("placet-tray"), "{text}");
        tray.wait_for_layout(
            |m| {
                m.find_by_text(|t| t == "Start at login")
                    .is_some_and(|i| i.is_checked())
            },
            T,
        )
        .await;
        tray.click_text("Start at login").await;
        wait_for("the autostart entry to go", T, || {
            let gone = !entry.exists();
            async move { gone.then_some(()) }
        })
        .await;
    }

    /// Review windows are created on demand and destroyed when closed, again and again.
    #[tokio::test(flavor = "multi_thread")]
    async fn review_windows_come_and_go() {
        // Five reviews within two seconds are a burst (one summary notification): each
        // round's review is posted more than this after the one four rounds before reached
        // the app (its notification was shown), so each round has its own notification.
        const BURST: Duration = Duration::from_millis(2200);
        let mut w = World::start().await;
        w.running().await;
        let mut shown = Vec::new();
        for i in 0..10 {
            if let Some(four_back) = shown.len().checked_sub(4).map(|k| shown[k]) {
                tokio::time::sleep_until(four_back + BURST).await;
            }
            let text = format!("Window round {i}");
            w.approval(&text).await;
            let n = w.notification(&text).await;
            shown.push(tokio::time::Instant::now());
            w.desktop
                .notifications()
                .invoke_action(n.id, "default")
                .await;
            let window = w.wait_window("Placet review").await;
            w.desktop.close_window_and_wait(window.id, T).await;
            assert!(
                w.desktop
                    .windows()
                    .iter()
                    .all(|x| !x.title.contains("Placet review")),
                "round {i}: no review window is left"
            );
        }
    }

    /// Ctrl+W closes a review window (its process ends with it).
    #[tokio::test(flavor = "multi_thread")]
    async fn ctrl_w_closes_a_window() {
        let mut w = World::start().await;
        w.running().await;
        w.approval("Close me with the keyboard").await;
        let n = w.notification("Close me with the keyboard").await;
        w.desktop
            .notifications()
            .invoke_action(n.id, "default")
            .await;
        let window = w.wait_window("Placet review").await;
        wait_for("Ctrl+W to close the window", T, || {
            let gone = !w.desktop.windows().iter().any(|x| x.id == window.id);
            // Focus the window, then type with XTEST like a keyboard (a synthetic event sent
            // to the window is ignored by GTK).
            let mut key = w.desktop.command("xdotool");
            key.args([
                "windowfocus",
                "--sync",
                &window.id.to_string(),
                "key",
                "ctrl+w",
            ]);
            async move {
                if gone {
                    return Some(());
                }
                // The page may still be loading: keep pressing, like a person would.
                let _ = key.output().await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                None
            }
        })
        .await;
    }

    /// A second launch does not start a second tray: it shows the first one's inbox.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_second_launch_shows_the_first() {
        let mut w = World::start().await;
        w.running().await;
        let mut second = w.desktop.spawn(w.app_command());
        let status = second.wait_exit(T).await;
        assert!(
            status.success(),
            "the second instance exits cleanly: {status:?}"
        );
        w.wait_window("Placet inbox").await;
        assert_eq!(w.desktop.watcher().items().len(), 1, "one tray icon");
    }
}

mod resilience {
    use super::*;

    /// A server restart is survived; a review created while it was down is notified
    /// after the reconnect.
    #[tokio::test(flavor = "multi_thread")]
    async fn survives_a_server_restart() {
        let mut w = World::start().await;
        w.running().await;
        w.server.stop().await;
        w.approval("Created while the server was down").await;
        w.server.restart().await.expect("restart");
        w.notification("Created while the server was down").await;
    }

    /// Approves `text`'s review from its notification while the server is down, and waits
    /// until the app has queued the answer. Returns the review's id.
    async fn approve_while_down(w: &World, text: &str) -> String {
        let id = w.approval(text).await;
        let n = w.notification(text).await;
        w.server.stop().await;
        w.desktop
            .notifications()
            .invoke_action(n.id, "option:approve")
            .await;
        wait_for("the app to queue the answer", T, || {
            let log = w.app_log();
            async move { log.contains("will retry").then_some(()) }
        })
        .await;
        id
    }

    /// The approval arrived exactly once, in the web UI's shape.
    async fn assert_delivered_once(w: &World, id: &str) {
        let recorded = w.wait_responses(id, 1).await;
        assert_eq!(
            recorded[0].body,
            json!({"response": {"selectedOption": "approve"}})
        );
        // An absence: a second delivery would follow the first at once.
        tokio::time::sleep(QUIET).await;
        assert_eq!(
            w.server.controls().responses_for(id).len(),
            1,
            "delivered once"
        );
    }

    /// An answer given while the server is down is delivered exactly once when it returns.
    #[tokio::test(flavor = "multi_thread")]
    async fn answer_while_down_is_delivered_once() {
        let mut w = World::start().await;
        w.running().await;
        let id = approve_while_down(&w, "Answer me offline").await;
        w.server.restart().await.expect("restart");
        assert_delivered_once(&w, &id).await;
    }

    /// An answer queued when the app is killed is delivered after it starts again.
    #[tokio::test(flavor = "multi_thread")]
    async fn queued_answer_survives_a_kill() {
        let mut w = World::start().await;
        w.running().await;
        let id = approve_while_down(&w, "Survive a crash").await;
        w.app.as_mut().expect("app").kill().await;
        w.server.restart().await.expect("restart");
        w.launch();
        assert_delivered_once(&w, &id).await;
    }
}

mod cli {
    use super::*;

    /// `reviews` lists pending reviews (text and JSON); `respond` validates and rejects
    /// invalid answers with a clear message and exit code; from a script it sends nothing
    /// without the running tray, and with it only after a click on Confirm in the tray's
    /// notification (Cancel sends nothing; a danger option opens the review's window),
    /// or, once the person allowed unattended answers, at once with a notice.
    #[tokio::test(flavor = "multi_thread")]
    async fn reviews_and_respond() {
        let mut w = World::start().await;
        let out = w.cli(&["reviews"], None).await;
        assert_eq!(out.code, 3, "not signed in: {out:?}");
        let url = w.url();
        let out = w
            .cli(
                &[
                    "login",
                    "--server",
                    &url,
                    "--email",
                    "admin@placet.local",
                    "--password-stdin",
                ],
                Some("wrong\n"),
            )
            .await;
        assert_eq!(out.code, 3, "{out:?}");
        assert!(
            out.stderr.contains("wrong email or password"),
            "{}",
            out.stderr
        );
        let out = w
            .cli(
                &[
                    "login",
                    "--server",
                    "not a url",
                    "--email",
                    "a@b.c",
                    "--password-stdin",
                ],
                Some("x\n"),
            )
            .await;
        assert_eq!(out.code, 2, "{out:?}");
        w.login().await;
        let approval = w.approval("CLI approval").await;
        let text = w
            .post(
                json!({"channelId": w.deploy_bot(), "text": "Name the release",
                "review": {"type": "text-input", "payload": {"minLength": 3, "maxLength": 20}}}),
            )
            .await;

        let out = w.cli(&["reviews"], None).await;
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout.contains(&approval) && out.stdout.contains(&text),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("--option approve|reject"),
            "{}",
            out.stdout
        );
        let out = w.cli(&["reviews", "--json"], None).await;
        let list: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        assert_eq!(list[0]["id"], text.as_str(), "newest first");
        assert_eq!(list[1]["agent"], "Deploy Bot");

        let out = w
            .cli(&["respond", &approval, "--option", "maybe"], None)
            .await;
        assert_eq!(out.code, 5, "{out:?}");
        assert!(
            out.stderr.contains("there is no option `maybe`"),
            "{}",
            out.stderr
        );
        let out = w.cli(&["respond", &text, "--text", "ab"], None).await;
        assert_eq!(out.code, 5, "{out:?}");
        assert!(
            out.stderr.contains("at least 3 characters"),
            "{}",
            out.stderr
        );
        let out = w.cli(&["respond", &approval], None).await;
        assert_eq!(out.code, 2, "usage error without an answer: {out:?}");
        assert!(
            w.server.controls().responses().is_empty(),
            "nothing sent for invalid answers"
        );

        let out = w
            .cli(&["respond", &approval, "--option", "approve"], None)
            .await;
        assert_eq!(out.code, 8, "no tray to confirm it: {out:?}");
        assert!(
            out.stderr.contains("Placet Tray is not running"),
            "{}",
            out.stderr
        );
        assert!(
            w.server.controls().responses().is_empty(),
            "nothing sent without the person"
        );

        w.launch();
        w.wait_subscribed().await;
        // A proposal only ever opens its window: its notification has no buttons, and
        // pressing it (as `dunstctl action` would) sends nothing. Closing the window
        // cancels it.
        let args = [
            "--json",
            "respond",
            &approval,
            "--option",
            "approve",
            "--comment",
            " lgtm ",
        ];
        let person = async {
            let n = w
                .desktop
                .notifications()
                .wait_for_notify(|n| n.summary == "A program proposes an answer", T)
                .await;
            assert!(n.body.contains("CLI approval"), "{}", n.body);
            assert!(
                n.actions.iter().all(|(k, _)| k == "default"),
                "a proposal's notification has no answer buttons: {:?}",
                n.actions
            );
            w.desktop
                .notifications()
                .invoke_action(n.id, "default")
                .await;
            let window = w.wait_window("Confirm a proposal").await;
            // An absence: nothing may be sent while the window waits for the person.
            tokio::time::sleep(QUIET).await;
            assert!(
                w.server.controls().responses_for(&approval).is_empty(),
                "nothing is sent before the person confirms"
            );
            w.desktop.close_window_and_wait(window.id, T).await;
        };
        let (out, ()) = tokio::join!(w.cli(&args, None), person);
        assert_eq!(out.code, 7, "closing the window cancels: {out:?}");
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
        assert_eq!(v["outcome"]["outcome"], "cancelled");
        assert!(
            w.server.controls().responses_for(&approval).is_empty(),
            "nothing sent when the person cancels"
        );

        let risky = w.approval("Drop the production database?").await;
        let out = w
            .cli(&["respond", &risky, "--option", "reject"], None)
            .await;
        assert_eq!(
            out.code, 7,
            "a danger option is never sent for a program: {out:?}"
        );
        assert!(out.stderr.contains("marked dangerous"), "{}", out.stderr);
        let shown = w.wait_window("Confirm a proposal").await;
        assert!(
            w.server.controls().responses_for(&risky).is_empty(),
            "a danger option is never sent from the command line"
        );
        w.desktop.close_window_and_wait(shown.id, T).await;

        // Nothing in the settings file lets a program's answer through unconfirmed (the
        // setting that once did is ignored); strict mode refuses proposals at once.
        if let Some(app) = w.app.as_mut() {
            app.terminate(T).await;
        }
        let config = w.desktop.config_dir().join("placet-tray/config.json");
        let mut settings: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&config).expect("config")).unwrap();
        settings["cliUnattended"] = json!(true);
        std::fs::write(&config, settings.to_string()).expect("write config");
        w.launch();
        w.wait_subscribed().await;
        let args = ["--json", "respond", &text, "--text", "  Aurora  "];
        let person = async {
            let window = w.wait_window("Confirm a proposal").await;
            // An absence: nothing may be sent while the window waits for the person.
            tokio::time::sleep(QUIET).await;
            assert!(
                w.server.controls().responses_for(&text).is_empty(),
                "an edited settings file does not answer for the person"
            );
            w.desktop.close_window_and_wait(window.id, T).await;
        };
        let (out, ()) = tokio::join!(w.cli(&args, None), person);
        assert_eq!(out.code, 7, "{out:?}");

        if let Some(app) = w.app.as_mut() {
            app.terminate(T).await;
        }
        settings["answerOnlyInWindows"] = json!(true);
        std::fs::write(&config, settings.to_string()).expect("write config");
        w.launch();
        w.wait_subscribed().await;
        let started = std::time::Instant::now();
        let out = w.cli(&["respond", &text, "--text", "Aurora"], None).await;
        assert_eq!(out.code, 7, "strict mode refuses proposals: {out:?}");
        assert!(
            out.stderr.contains("answers only in its own windows"),
            "{}",
            out.stderr
        );
        assert!(started.elapsed() < Duration::from_secs(30), "at once");
        let strict = w.approval("Strict mode").await;
        let n = w.notification("Strict mode").await;
        assert!(
            n.actions
                .iter()
                .all(|(k, _)| k == "default" || k.starts_with("snooze:")),
            "strict mode: no answer buttons on a review's notification: {:?}",
            n.actions
        );
        w.desktop
            .notifications()
            .invoke_action(n.id, "default")
            .await;
        w.wait_window("Deploy Bot — Placet review").await;
        assert!(
            w.server.controls().responses_for(&strict).is_empty(),
            "a click on the notification opens the review"
        );
        let out = w
            .cli(&["respond", &approval, "--option", "nope"], None)
            .await;
        assert_eq!(out.code, 5, "{out:?}");

        let out = w.cli(&["status", "--json"], None).await;
        assert_eq!(out.code, 0, "{out:?}");
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
        assert_eq!(v["pending"], 4, "nothing was answered");
        assert_eq!(v["queued"], 0);
    }
}
