//! Notifications on Windows: WinRT toasts (`Windows.UI.Notifications`, through the
//! `windows` crate), behind the core's [`Notifier`] seam.
//!
//! The toast's XML comes from [`toast::xml`]. Each notice key gets a short tag of its own
//! (toast tags are limited to 64 characters) in the app's group, so showing a key again
//! replaces its toast and withdrawing removes it from the screen and from the
//! notification center. Clicks arrive on the toast's `Activated` event, in this process:
//! the tray keeps running while anything it showed is pending, and clears its group at
//! start, so no toast outlives the process that can answer it. A toast the person closes
//! (`UserCanceled`) is reported as dismissed; one that times out into the notification
//! center is still shown and is not.
//!
//! One thread owns the toasts and the key mapping, so showing, replacing, withdrawing
//! and the events of toasts already replaced happen in order.

use std::collections::HashMap;
use std::sync::mpsc;

use placet_tray_core::notify::{Notice, NoticeEvent, NoticeKey, Notifier, Response};
use tokio::sync::mpsc::UnboundedSender;
use windows::core::{IInspectable, Interface, HSTRING};
use windows::Data::Xml::Dom::XmlDocument;
use windows::Foundation::{IPropertyValue, TypedEventHandler};
use windows::UI::Notifications::{
    ToastActivatedEventArgs, ToastDismissalReason, ToastDismissedEventArgs, ToastFailedEventArgs,
    ToastNotification, ToastNotificationHistory, ToastNotificationManager,
    ToastNotifier as WinToastNotifier,
};

use super::toast;
use crate::autostart::APP_ID;

/// The app's user model id: the one the installer's Start-menu shortcut carries, and
/// under which the toasts are filed.
const AUMID: &str = APP_ID;
/// The name the notification center shows for the app.
const DISPLAY_NAME: &str = "Placet Tray";
/// Every toast of the app is in this group.
const GROUP: &str = "placet";

#[derive(Debug)]
enum Command {
    Show(Notice),
    Withdraw(NoticeKey),
    WithdrawAll,
    /// What a toast reported, with the generation of the toast (a replaced toast's
    /// events are dropped).
    Event {
        key: NoticeKey,
        generation: u64,
        response: Response,
    },
}

/// The toast notifier's handle.
#[derive(Debug)]
pub struct ToastNotifier {
    commands: mpsc::Sender<Command>,
}

impl ToastNotifier {
    /// Starts the notifier's thread; the person's responses go to `events`.
    pub fn spawn(events: UnboundedSender<NoticeEvent>) -> Self {
        let (tx, rx) = mpsc::channel();
        let commands = tx.clone();
        let started = std::thread::Builder::new()
            .name("placet-toasts".to_owned())
            .spawn(move || {
                let mut actor = Actor {
                    system: System::open(),
                    commands,
                    events,
                    shown: HashMap::new(),
                    next: 0,
                };
                actor.run(rx)
            });
        if let Err(e) = started {
            tracing::error!(error = %e, "cannot start the notification thread");
        }
        Self { commands: tx }
    }
}

impl Notifier for ToastNotifier {
    fn show(&self, notice: Notice) {
        let _ = self.commands.send(Command::Show(notice));
    }

    fn withdraw(&self, key: &NoticeKey) {
        let _ = self.commands.send(Command::Withdraw(key.clone()));
    }

    fn withdraw_all(&self) {
        let _ = self.commands.send(Command::WithdrawAll);
    }
}

/// The system's toast notifier and history for the app.
struct System {
    notifier: WinToastNotifier,
    history: ToastNotificationHistory,
    aumid: HSTRING,
    group: HSTRING,
}

impl System {
    /// Registers the app's name for its toasts and clears what a previous run left.
    fn open() -> Option<Self> {
        register_display_name();
        let aumid = HSTRING::from(AUMID);
        let group = HSTRING::from(GROUP);
        let opened =
            ToastNotificationManager::CreateToastNotifierWithId(&aumid).and_then(|notifier| {
                let history = ToastNotificationManager::History()?;
                Ok((notifier, history))
            });
        match opened {
            Ok((notifier, history)) => {
                // Toasts of a previous run: nobody listens to their clicks any more.
                if let Err(e) = history.RemoveGroupWithId(&group, &aumid) {
                    tracing::debug!(error = %e, "cannot clear earlier toasts");
                }
                Some(Self {
                    notifier,
                    history,
                    aumid,
                    group,
                })
            }
            Err(e) => {
                tracing::warn!(error = %e, "no toast notifications on this system");
                None
            }
        }
    }
}

/// A toast on screen (or in the notification center).
struct Shown {
    tag: HSTRING,
    generation: u64,
    toast: ToastNotification,
}

struct Actor {
    system: Option<System>,
    commands: mpsc::Sender<Command>,
    events: UnboundedSender<NoticeEvent>,
    shown: HashMap<NoticeKey, Shown>,
    /// The last generation handed out (tags are made from it).
    next: u64,
}

impl Actor {
    fn run(&mut self, rx: mpsc::Receiver<Command>) {
        while let Ok(cmd) = rx.recv() {
            match cmd {
                Command::Show(notice) => {
                    if let Err(e) = self.show(notice) {
                        tracing::warn!(error = %e, "cannot show a notification");
                    }
                }
                Command::Withdraw(key) => {
                    if let Some(s) = self.shown.remove(&key) {
                        self.remove(&s);
                    }
                }
                Command::WithdrawAll => {
                    let all: Vec<Shown> = self.shown.drain().map(|(_, s)| s).collect();
                    for s in &all {
                        self.remove(s);
                    }
                    if let Some(sys) = &self.system {
                        let _ = sys.history.RemoveGroupWithId(&sys.group, &sys.aumid);
                    }
                }
                Command::Event {
                    key,
                    generation,
                    response,
                } => self.event(key, generation, response),
            }
        }
    }

    fn show(&mut self, notice: Notice) -> windows::core::Result<()> {
        let Some(sys) = &self.system else {
            tracing::info!(title = %notice.title, "notification (toasts unavailable)");
            return Ok(());
        };
        self.next += 1;
        let generation = self.next;
        // The same key keeps its tag, so the new toast replaces the old one in place.
        let tag = match self.shown.get(&notice.key) {
            Some(s) => s.tag.clone(),
            None => HSTRING::from(format!("t{generation}")),
        };
        let doc = XmlDocument::new()?;
        doc.LoadXml(&HSTRING::from(toast::xml(&notice)))?;
        let toast = ToastNotification::CreateToastNotification(&doc)?;
        toast.SetTag(&tag)?;
        toast.SetGroup(&sys.group)?;
        let key = notice.key;

        let (k, tx) = (key.clone(), self.commands.clone());
        toast.Activated(&TypedEventHandler::<ToastNotification, IInspectable>::new(
            move |_, args| {
                let Some(args) = args.as_ref() else {
                    return Ok(());
                };
                let args: ToastActivatedEventArgs = args.cast()?;
                let arguments = args.Arguments()?.to_string();
                let typed = args
                    .UserInput()
                    .and_then(|input| input.Lookup(&HSTRING::from(toast::REPLY_INPUT)))
                    .and_then(|value| value.cast::<IPropertyValue>()?.GetString())
                    .ok()
                    .map(|s| s.to_string());
                if let Some(response) = toast::response(&arguments, typed) {
                    let _ = tx.send(Command::Event {
                        key: k.clone(),
                        generation,
                        response,
                    });
                }
                Ok(())
            },
        ))?;

        let (k, tx) = (key.clone(), self.commands.clone());
        toast.Dismissed(&TypedEventHandler::<
            ToastNotification,
            ToastDismissedEventArgs,
        >::new(move |_, args| {
            // Timed out: it is in the notification center, still shown. Hidden:
            // by us.
            if let Some(args) = args.as_ref() {
                if args.Reason()? == ToastDismissalReason::UserCanceled {
                    let _ = tx.send(Command::Event {
                        key: k.clone(),
                        generation,
                        response: Response::Dismissed,
                    });
                }
            }
            Ok(())
        }))?;

        toast.Failed(
            &TypedEventHandler::<ToastNotification, ToastFailedEventArgs>::new(move |_, args| {
                if let Some(args) = args.as_ref() {
                    tracing::warn!(code = ?args.ErrorCode(), "a toast failed");
                }
                Ok(())
            }),
        )?;

        sys.notifier.Show(&toast)?;
        self.shown.insert(
            key,
            Shown {
                tag,
                generation,
                toast,
            },
        );
        Ok(())
    }

    /// Takes a toast off the screen and out of the notification center.
    fn remove(&self, s: &Shown) {
        let Some(sys) = &self.system else {
            return;
        };
        // Fails when it is no longer on screen; the history removal below still applies.
        let _ = sys.notifier.Hide(&s.toast);
        if let Err(e) = sys
            .history
            .RemoveGroupedTagWithId(&s.tag, &sys.group, &sys.aumid)
        {
            tracing::debug!(error = %e, "cannot remove a toast from the notification center");
        }
    }

    fn event(&mut self, key: NoticeKey, generation: u64, response: Response) {
        if self.shown.get(&key).map(|s| s.generation) != Some(generation) {
            // A toast since replaced or withdrawn.
            return;
        }
        if response == Response::Dismissed {
            self.shown.remove(&key);
        }
        let _ = self.events.send(NoticeEvent { key, response });
    }
}

/// Gives the app's user model id a name in the notification center, so toasts say
/// "Placet Tray" even when no Start-menu shortcut carries the id (a build run from its
/// folder). The installer's shortcut carries it too, with the icon.
fn register_display_name() {
    let path = format!("Software\\Classes\\AppUserModelId\\{AUMID}");
    let result = windows_registry::CURRENT_USER
        .create(&path)
        .and_then(|key| key.set_string("DisplayName", DISPLAY_NAME));
    if let Err(e) = result {
        tracing::debug!(error = %e, "cannot register the app's name for notifications");
    }
}
