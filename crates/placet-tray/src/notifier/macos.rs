//! Notifications on macOS: UNUserNotificationCenter (through `objc2-user-notifications`),
//! behind the core's [`Notifier`] seam.
//!
//! What is sent comes from [`apple`]: a category per set of buttons, registered before
//! the request that names it, and the notice key's tag as the request identifier (so a
//! key shown again replaces its notification and is removed by it). The person's
//! responses reach a delegate object, which maps them with [`apple::response`].
//!
//! The notification center belongs to an app bundle: a `placet-tray` started outside
//! `Placet Tray.app` (from a build folder) has none, and logs its notifications
//! instead of crashing in the framework.
//!
//! One thread makes every call in order; when a new category is registered it waits for
//! the system to have it before posting the request that uses it (a request posted right
//! after `setNotificationCategories` may otherwise show without its buttons).
//!
//! Permission to notify is asked for at the first review, not at start (a question out of
//! nowhere the moment the app opens is easy to refuse): [`apple::Permission`] decides
//! when, once per run. The answer comes back to the same thread as a command; the notices
//! held meanwhile are posted then, if allowed.

// The delegate is an Objective-C class defined here: `define_class!` and the
// superclass initialiser are the only unsafe code, and this file is the only place the
// crate allows it.
#![allow(unsafe_code)]

use std::ptr::NonNull;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use block2::RcBlock;
use objc2::rc::Retained;
use objc2::runtime::{Bool, NSObject, NSObjectProtocol, ProtocolObject};
use objc2::{define_class, msg_send, AllocAnyThread, DefinedClass};
use objc2_foundation::{NSArray, NSBundle, NSError, NSSet, NSString};
use objc2_user_notifications::{
    UNAuthorizationOptions, UNMutableNotificationContent, UNNotification, UNNotificationAction,
    UNNotificationActionOptions, UNNotificationCategory, UNNotificationCategoryOptions,
    UNNotificationInterruptionLevel, UNNotificationPresentationOptions, UNNotificationRequest,
    UNNotificationResponse, UNNotificationSound, UNTextInputNotificationAction,
    UNTextInputNotificationResponse, UNUserNotificationCenter, UNUserNotificationCenterDelegate,
};
use placet_tray_core::notify::{Notice, NoticeEvent, NoticeKey, Notifier};
use tokio::sync::mpsc::UnboundedSender;

use super::apple::{self, Categories, Category, Permission, Step};

/// How long a new category may take to register before its request is posted anyway.
const CATEGORY_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug)]
enum Command {
    Show(Notice),
    Withdraw(NoticeKey),
    WithdrawAll,
    /// The permission question was answered: allowed or not.
    Answered(bool),
}

/// The handle of the macOS notifier.
#[derive(Debug)]
pub struct UserNotifications {
    commands: mpsc::Sender<Command>,
}

impl UserNotifications {
    /// Starts the notifier (or a logging stand-in outside an app bundle); the person's
    /// responses go to `events`.
    pub fn start(events: UnboundedSender<NoticeEvent>) -> Arc<dyn Notifier> {
        if NSBundle::mainBundle().bundleIdentifier().is_none() {
            tracing::warn!("not running from Placet Tray.app: notifications are logged, not shown");
            return Arc::new(Logged);
        }
        let center = UNUserNotificationCenter::currentNotificationCenter();
        let delegate = Delegate::new(events);
        center.setDelegate(Some(ProtocolObject::from_ref(&*delegate)));
        // The center holds its delegate weakly: this one lives as long as the process.
        std::mem::forget(delegate);

        let (tx, rx) = mpsc::channel();
        let answers = tx.clone();
        let started = std::thread::Builder::new()
            .name("placet-notifications".to_owned())
            .spawn(move || run(rx, answers));
        if let Err(e) = started {
            tracing::error!(error = %e, "cannot start the notification thread");
        }
        Arc::new(Self { commands: tx })
    }
}

impl Notifier for UserNotifications {
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

/// Outside an app bundle: notifications are logged.
#[derive(Debug)]
struct Logged;

impl Notifier for Logged {
    fn show(&self, notice: Notice) {
        tracing::info!(title = %notice.title, "notification (no app bundle: not shown)");
    }
    fn withdraw(&self, _key: &NoticeKey) {}
    fn withdraw_all(&self) {}
}

/// The notifier's thread: every call to the center, in order. `answers` is where the
/// permission question's answer comes back; it goes to that question (asked once), so
/// the thread ends when the last handle of the notifier is dropped.
fn run(rx: mpsc::Receiver<Command>, answers: mpsc::Sender<Command>) {
    let mut categories = Categories::default();
    let mut permission = Permission::default();
    let mut answers = Some(answers);
    while let Ok(cmd) = rx.recv() {
        let center = UNUserNotificationCenter::currentNotificationCenter();
        match cmd {
            Command::Show(notice) => match permission.show(&notice) {
                Step::Post => show(&center, &mut categories, &notice),
                Step::Ask => {
                    if let Some(answers) = answers.take() {
                        ask_permission(&center, answers);
                    }
                }
                Step::Hold => {}
            },
            Command::Answered(allowed) => {
                let held = permission.answered();
                if allowed {
                    for notice in &held {
                        show(&center, &mut categories, notice);
                    }
                } else {
                    tracing::warn!(
                        dropped = held.len(),
                        "notifications are not allowed for Placet Tray (System Settings › Notifications)"
                    );
                }
            }
            Command::Withdraw(key) => {
                permission.withdraw(&key);
                let ids =
                    NSArray::from_retained_slice(&[NSString::from_str(&apple::request_id(&key))]);
                center.removePendingNotificationRequestsWithIdentifiers(&ids);
                center.removeDeliveredNotificationsWithIdentifiers(&ids);
            }
            Command::WithdrawAll => {
                permission.withdraw_all();
                center.removeAllPendingNotificationRequests();
                center.removeAllDeliveredNotifications();
            }
        }
    }
}

/// Asks for permission to notify (the system shows its question the first time only,
/// and answers at once with the person's choice after that); the answer comes back to
/// the notifier's thread through `answers`.
fn ask_permission(center: &UNUserNotificationCenter, answers: mpsc::Sender<Command>) {
    tracing::info!("asking for permission to notify (the first review of this run)");
    let asked = RcBlock::new(move |granted: Bool, error: *mut NSError| {
        // SAFETY: the framework passes a valid NSError or null.
        if let Some(error) = unsafe { error.as_ref() } {
            tracing::warn!(error = %error.localizedDescription(), "asking for permission to notify failed");
        }
        let _ = answers.send(Command::Answered(granted.as_bool()));
    });
    center.requestAuthorizationWithOptions_completionHandler(
        UNAuthorizationOptions::Alert | UNAuthorizationOptions::Sound,
        &asked,
    );
}

fn show(center: &UNUserNotificationCenter, categories: &mut Categories, notice: &Notice) {
    let category = apple::category(notice);
    let category_id = NSString::from_str(&category.id);
    if categories.add(category) {
        let all: Vec<Retained<UNNotificationCategory>> =
            categories.all().iter().map(native_category).collect();
        center.setNotificationCategories(&NSSet::from_retained_slice(&all));
        // Reading the categories back returns once the system has them.
        let (done, registered) = mpsc::channel();
        let block = RcBlock::new(move |_: NonNull<NSSet<UNNotificationCategory>>| {
            let _ = done.send(());
        });
        center.getNotificationCategoriesWithCompletionHandler(&block);
        if registered.recv_timeout(CATEGORY_WAIT).is_err() {
            tracing::debug!("notification categories took long to register");
        }
    }

    let content = UNMutableNotificationContent::new();
    content.setTitle(&NSString::from_str(&notice.title));
    content.setBody(&NSString::from_str(&notice.body));
    content.setCategoryIdentifier(&category_id);
    if notice.sound {
        content.setSound(Some(&UNNotificationSound::defaultSound()));
    }
    // macOS 12 and later: a critical review passes a Focus that allows time-sensitive
    // notifications; information waits quietly.
    if content.respondsToSelector(objc2::sel!(setInterruptionLevel:)) {
        content.setInterruptionLevel(UNNotificationInterruptionLevel(
            apple::interruption(notice) as usize
        ));
    }
    let request = UNNotificationRequest::requestWithIdentifier_content_trigger(
        &NSString::from_str(&apple::request_id(&notice.key)),
        &content,
        None,
    );
    let posted = RcBlock::new(|error: *mut NSError| {
        // SAFETY: the framework passes a valid NSError or null.
        if let Some(error) = unsafe { error.as_ref() } {
            tracing::warn!(error = %error.localizedDescription(), "cannot show a notification");
        }
    });
    center.addNotificationRequest_withCompletionHandler(&request, Some(&posted));
}

/// The system's category for `c`.
fn native_category(c: &Category) -> Retained<UNNotificationCategory> {
    let mut actions: Vec<Retained<UNNotificationAction>> = c
        .buttons
        .iter()
        .map(|b| {
            UNNotificationAction::actionWithIdentifier_title_options(
                &NSString::from_str(&b.identifier),
                &NSString::from_str(&b.title),
                UNNotificationActionOptions::empty(),
            )
        })
        .collect();
    if let Some(r) = &c.reply {
        let reply = UNTextInputNotificationAction::actionWithIdentifier_title_options_textInputButtonTitle_textInputPlaceholder(
            &NSString::from_str(apple::REPLY_ACTION),
            &NSString::from_str(&r.submit_label),
            UNNotificationActionOptions::empty(),
            &NSString::from_str(&r.submit_label),
            &NSString::from_str(&r.placeholder),
        );
        actions.push(Retained::into_super(reply));
    }
    UNNotificationCategory::categoryWithIdentifier_actions_intentIdentifiers_options(
        &NSString::from_str(&c.id),
        &NSArray::from_retained_slice(&actions),
        &NSArray::new(),
        UNNotificationCategoryOptions::CustomDismissAction,
    )
}

/// What the delegate holds: where responses go.
struct Ivars {
    events: UnboundedSender<NoticeEvent>,
}

define_class!(
    // SAFETY: NSObject has no subclassing requirements, and the delegate does not
    // implement Drop.
    #[unsafe(super(NSObject))]
    #[name = "PlacetTrayNotificationDelegate"]
    #[ivars = Ivars]
    struct Delegate;

    unsafe impl NSObjectProtocol for Delegate {}

    unsafe impl UNUserNotificationCenterDelegate for Delegate {
        /// Shown as a banner even while the app counts as in front (the window host).
        #[unsafe(method(userNotificationCenter:willPresentNotification:withCompletionHandler:))]
        fn will_present(
            &self,
            _center: &UNUserNotificationCenter,
            _notification: &UNNotification,
            completion: &block2::DynBlock<dyn Fn(UNNotificationPresentationOptions)>,
        ) {
            completion.call((UNNotificationPresentationOptions::Banner
                | UNNotificationPresentationOptions::List
                | UNNotificationPresentationOptions::Sound,));
        }

        #[unsafe(method(userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:))]
        fn did_receive(
            &self,
            _center: &UNUserNotificationCenter,
            response: &UNNotificationResponse,
            completion: &block2::DynBlock<dyn Fn()>,
        ) {
            let tag = response.notification().request().identifier().to_string();
            let typed = response
                .downcast_ref::<UNTextInputNotificationResponse>()
                .map(|r| r.userText().to_string());
            let action = response.actionIdentifier().to_string();
            match (NoticeKey::from_tag(&tag), apple::response(&action, typed)) {
                (Some(key), Some(response)) => {
                    let _ = self.ivars().events.send(NoticeEvent { key, response });
                }
                _ => tracing::debug!(%tag, %action, "a response to an unknown notification"),
            }
            completion.call(());
        }
    }
);

impl Delegate {
    fn new(events: UnboundedSender<NoticeEvent>) -> Retained<Self> {
        let this = Self::alloc().set_ivars(Ivars { events });
        // SAFETY: NSObject's designated initialiser, on a freshly allocated object.
        unsafe { msg_send![super(this), init] }
    }
}
