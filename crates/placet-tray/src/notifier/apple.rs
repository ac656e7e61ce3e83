//! What a macOS notification request is made of for a [`Notice`], and what the person's
//! response means. Pure, so every rule is tested on any platform; [`macos`](super::macos)
//! only hands it to UNUserNotificationCenter and reads the response back.
//!
//! - Buttons live in categories, registered ahead of the request that names them. Each
//!   distinct set of buttons (and reply field) is one category whose id is a digest of
//!   its content, so the same options map to the same category across reviews and runs.
//! - A button's identifier is `action:<id>`, the id exactly as the core gave it (an
//!   approval option, or `option:default`); the inline reply is a text-input action.
//! - Every category asks for the dismiss action, so a notification the person closes
//!   comes back as [`Response::Dismissed`].
//! - The request's identifier is the notice key's tag: showing a key again replaces its
//!   notification, and withdrawing removes it by that identifier.
//! - The interruption level follows the notice's urgency: information is passive (no
//!   banner, no sound: it waits in Notification Center), a review or a message is active,
//!   a critical review (about to expire, marked urgent) is time-sensitive, which passes a
//!   Focus that allows time-sensitive notifications (macOS 12 or later, and only once the
//!   signed app carries Apple's Time Sensitive Notifications capability, which the release
//!   does not request yet: until then macOS shows it as active). macOS applies Focus
//!   itself: the app does not read it (there is no public API without the Focus Status
//!   entitlement and a question to the person).
//! - Permission to notify is asked for at the first notice that needs the person (a
//!   review, the summary of reviews, an answer from the command line to confirm), not
//!   at start: [`Permission`] decides when, once per run, and holds the notices that
//!   come while the question is on screen until it is answered.

use placet_tray_core::notify::{InfoKey, Notice, NoticeKey, ReplyField, Response, Urgency};

/// `UNNotificationDefaultActionIdentifier`: the notification itself was clicked.
pub const DEFAULT_ACTION: &str = "com.apple.UNNotificationDefaultActionIdentifier";
/// `UNNotificationDismissActionIdentifier`: the person closed it.
pub const DISMISS_ACTION: &str = "com.apple.UNNotificationDismissActionIdentifier";
/// The identifier of the inline reply's action.
pub const REPLY_ACTION: &str = "reply";
/// The prefix of a button's identifier.
const ACTION: &str = "action:";
/// Most categories kept registered (the oldest go first).
pub const MAX_CATEGORIES: usize = 64;
/// Most notices held while the permission question is open (the oldest go first).
pub const MAX_HELD: usize = 32;

/// A button of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub identifier: String,
    pub title: String,
}

/// A set of buttons (and reply field) that notifications name by [`Category::id`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub buttons: Vec<Button>,
    pub reply: Option<ReplyField>,
}

/// The category for `notice`'s buttons and reply field.
pub fn category(notice: &Notice) -> Category {
    let buttons: Vec<Button> = notice
        .actions
        .iter()
        .map(|a| Button {
            identifier: format!("{ACTION}{}", a.id),
            title: a.label.clone(),
        })
        .collect();
    let mut digest = Fnv::default();
    for b in &buttons {
        digest.write(&b.identifier);
        digest.write(&b.title);
    }
    if let Some(r) = &notice.reply {
        digest.write(REPLY_ACTION);
        digest.write(&r.placeholder);
        digest.write(&r.submit_label);
    }
    Category {
        id: format!("placet.{:016x}", digest.0),
        buttons,
        reply: notice.reply.clone(),
    }
}

/// `UNNotificationInterruptionLevel`, as far as the app uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// Delivered quietly to Notification Center.
    Passive = 0,
    /// The default: a banner and its sound.
    Active = 1,
    /// Shown through a Focus that lets time-sensitive notifications through.
    TimeSensitive = 2,
}

/// The interruption level of `notice`.
pub fn interruption(notice: &Notice) -> Interruption {
    match notice.urgency {
        Urgency::Low => Interruption::Passive,
        Urgency::Normal => Interruption::Active,
        Urgency::Critical => Interruption::TimeSensitive,
    }
}

/// The request identifier of a notice key.
pub fn request_id(key: &NoticeKey) -> String {
    key.tag()
}

/// What a response with `action` (and the text typed into the reply field, if any)
/// means, or `None` for an action this app never offered.
pub fn response(action: &str, typed: Option<String>) -> Option<Response> {
    if let Some(id) = action.strip_prefix(ACTION) {
        return Some(Response::Action(id.to_owned()));
    }
    match action {
        DEFAULT_ACTION => Some(Response::Activated),
        DISMISS_ACTION => Some(Response::Dismissed),
        REPLY_ACTION => Some(Response::Replied(typed.unwrap_or_default())),
        _ => None,
    }
}

/// The categories registered with the system, newest last.
#[derive(Debug, Default)]
pub struct Categories {
    known: Vec<Category>,
}

impl Categories {
    /// Adds `c` if it is new (dropping the oldest beyond [`MAX_CATEGORIES`]); true when
    /// the system must be given the new list.
    pub fn add(&mut self, c: Category) -> bool {
        if self.known.iter().any(|k| k.id == c.id) {
            return false;
        }
        if self.known.len() == MAX_CATEGORIES {
            self.known.remove(0);
        }
        self.known.push(c);
        true
    }

    /// Every category, for `setNotificationCategories`.
    pub fn all(&self) -> &[Category] {
        &self.known
    }
}

/// Whether a notice with `key` is one the person is asked to act on, and so the moment
/// to ask for permission to notify: a review, the summary that stands for reviews, or
/// an answer from the command line waiting for a click. Information (a failed delivery,
/// an agent's error, the sign-in that expired) does not raise the question on its own.
pub fn asks_permission(key: &NoticeKey) -> bool {
    matches!(
        key,
        NoticeKey::Review(_) | NoticeKey::Summary | NoticeKey::Info(InfoKey::Confirm(_))
    )
}

/// What to do with a notice, given where the permission question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Post it now.
    Post,
    /// Ask for permission now; the notice is held until the answer.
    Ask,
    /// The question is open: the notice is held until the answer.
    Hold,
}

/// Where the permission question stands in this run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Question {
    /// Not asked yet: notices that do not need the person are posted as they come (they
    /// show if an earlier run was allowed, and are dropped by the system otherwise).
    #[default]
    NotAsked,
    /// Asked, not answered: every notice waits, so they appear in order.
    Open,
    /// Answered (by the person now, or by their earlier choice): notices are posted.
    Answered,
}

/// When to ask macOS for permission to notify, and what waits for the answer.
///
/// The question is asked once per run, at the first notice that [asks
/// permission](asks_permission); asking again later only returns the person's earlier
/// answer, without showing anything. While it is open, notices are held (a notice shown
/// again replaces its held copy; a withdrawn one is dropped) and go out, in order, once it
/// is answered.
#[derive(Debug, Default)]
pub struct Permission {
    question: Question,
    held: Vec<Notice>,
}

impl Permission {
    /// What to do with `notice`; a notice that must wait is kept here until
    /// [`answered`](Self::answered).
    pub fn show(&mut self, notice: &Notice) -> Step {
        match self.question {
            Question::Answered => Step::Post,
            Question::Open => {
                self.hold(notice);
                Step::Hold
            }
            Question::NotAsked if asks_permission(&notice.key) => {
                self.question = Question::Open;
                self.hold(notice);
                Step::Ask
            }
            Question::NotAsked => Step::Post,
        }
    }

    /// A notice withdrawn before it was posted is not posted.
    pub fn withdraw(&mut self, key: &NoticeKey) {
        self.held.retain(|n| &n.key != key);
    }

    /// Every held notice is dropped.
    pub fn withdraw_all(&mut self) {
        self.held.clear();
    }

    /// The question was answered: the held notices, oldest first, to post if allowed.
    pub fn answered(&mut self) -> Vec<Notice> {
        self.question = Question::Answered;
        std::mem::take(&mut self.held)
    }

    fn hold(&mut self, notice: &Notice) {
        if let Some(held) = self.held.iter_mut().find(|h| h.key == notice.key) {
            // Not on screen yet: it still appears for the first time, with its sound.
            let sound = held.sound || notice.sound;
            *held = Notice {
                sound,
                ..notice.clone()
            };
            return;
        }
        if self.held.len() == MAX_HELD {
            self.held.remove(0);
        }
        self.held.push(notice.clone());
    }
}

/// FNV-1a (64 bit): a digest that is the same in every run, unlike std's hasher.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, s: &str) {
        // A separator after each field, so ("ab", "c") and ("a", "bc") differ.
        for b in s.bytes().chain([0xff]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use placet_tray_core::notify::{NoticeAction, NoticeKind};

    fn info(key: InfoKey) -> Notice {
        Notice {
            key: NoticeKey::Info(key),
            title: "Placet Tray".into(),
            body: "Something happened.".into(),
            actions: Vec::new(),
            open_label: None,
            without_buttons: None,
            reply: None,
            sound: false,
            persistent: false,
            kind: NoticeKind::Info,
            urgency: Urgency::Low,
        }
    }

    fn review(id: &str, options: &[(&str, &str)]) -> Notice {
        Notice {
            key: NoticeKey::Review(id.into()),
            title: "Bot needs your review".into(),
            body: "Ship it?".into(),
            actions: options
                .iter()
                .map(|(id, label)| NoticeAction {
                    id: (*id).into(),
                    label: (*label).into(),
                })
                .collect(),
            open_label: Some("Open".into()),
            without_buttons: Some("Click to open the review and answer.".into()),
            reply: None,
            sound: true,
            persistent: true,
            kind: NoticeKind::Decision,
            urgency: Urgency::Normal,
        }
    }

    /// The options become the category's buttons, with the core's ids and labels, in
    /// order; the same options give the same category, other options another.
    #[test]
    fn options_become_a_category() {
        let a = category(&review(
            "m1",
            &[("approve", "Approve"), ("drop", "Drop all…")],
        ));
        assert_eq!(
            a.buttons,
            vec![
                Button {
                    identifier: "action:approve".into(),
                    title: "Approve".into()
                },
                Button {
                    identifier: "action:drop".into(),
                    title: "Drop all…".into()
                },
            ]
        );
        let same = category(&review(
            "m2",
            &[("approve", "Approve"), ("drop", "Drop all…")],
        ));
        assert_eq!(a.id, same.id, "the same buttons share a category");
        let other = category(&review("m3", &[("approve", "Approve")]));
        assert_ne!(a.id, other.id);
        assert_eq!(a.id, "placet.f5be4b56c5f3cdfa", "stable across runs");
    }

    /// A reply field is part of the category.
    #[test]
    fn reply_changes_the_category() {
        let plain = review("m1", &[("approve", "Approve")]);
        let mut with_reply = plain.clone();
        with_reply.reply = Some(ReplyField {
            placeholder: "Comment".into(),
            submit_label: "Send".into(),
            without_field: None,
        });
        assert_ne!(category(&plain).id, category(&with_reply).id);
        assert!(category(&with_reply).reply.is_some());
    }

    /// Responses map back to the core's; the request is named by the key's tag.
    #[test]
    fn responses() {
        assert_eq!(response(DEFAULT_ACTION, None), Some(Response::Activated));
        assert_eq!(response(DISMISS_ACTION, None), Some(Response::Dismissed));
        assert_eq!(
            response("action:option:default", None),
            Some(Response::Action("option:default".into()))
        );
        assert_eq!(
            response(REPLY_ACTION, Some("ok".into())),
            Some(Response::Replied("ok".into()))
        );
        assert_eq!(response("something", None), None);
        assert_eq!(request_id(&NoticeKey::Review("m1".into())), "review:m1");
    }

    /// Known categories are not registered twice; the oldest make room for new ones.
    #[test]
    fn categories_are_bounded() {
        let mut cats = Categories::default();
        let first = category(&review("m", &[("a", "A")]));
        assert!(cats.add(first.clone()));
        assert!(!cats.add(first.clone()), "already registered");
        for i in 0..MAX_CATEGORIES {
            let id = format!("o{i}");
            assert!(cats.add(category(&review("m", &[(id.as_str(), "X")]))));
        }
        assert_eq!(cats.all().len(), MAX_CATEGORIES);
        assert!(
            !cats.all().iter().any(|c| c.id == first.id),
            "the oldest went first"
        );
    }

    /// Which notices raise the permission question: those the person acts on.
    #[test]
    fn what_asks_for_permission() {
        assert!(asks_permission(&NoticeKey::Review("m1".into())));
        assert!(asks_permission(&NoticeKey::Summary));
        assert!(asks_permission(&NoticeKey::Info(InfoKey::Confirm(1))));
        assert!(!asks_permission(&NoticeKey::Info(InfoKey::AuthExpired)));
        assert!(!asks_permission(&NoticeKey::Info(InfoKey::Delivery(
            "m1".into()
        ))));
        assert!(!asks_permission(&NoticeKey::Info(InfoKey::AgentError(
            "a".into()
        ))));
    }

    /// Nothing is asked at start or for information; the first review asks, once, and
    /// waits for the answer; what came meanwhile follows in order; after the answer,
    /// notices are posted at once.
    #[test]
    fn permission_is_asked_at_the_first_review() {
        let mut p = Permission::default();
        let expired = info(InfoKey::AuthExpired);
        assert_eq!(p.show(&expired), Step::Post);

        let first = review("m1", &[("approve", "Approve")]);
        assert_eq!(p.show(&first), Step::Ask);
        let second = review("m2", &[("approve", "Approve")]);
        assert_eq!(p.show(&second), Step::Hold, "asked once per run");
        let failed = info(InfoKey::Delivery("m0".into()));
        assert_eq!(p.show(&failed), Step::Hold, "in order behind the review");

        assert_eq!(p.answered(), vec![first, second, failed]);
        let third = review("m3", &[("approve", "Approve")]);
        assert_eq!(p.show(&third), Step::Post);
        assert!(p.answered().is_empty(), "nothing is posted twice");
    }

    /// While the question is open, a notice shown again replaces its held copy (keeping
    /// its place and its first sound), a withdrawn one is not posted, and at most
    /// MAX_HELD wait.
    #[test]
    fn held_notices_follow_the_core() {
        let mut p = Permission::default();
        let first = review("m1", &[("approve", "Approve")]);
        assert_eq!(p.show(&first), Step::Ask);
        let second = review("m2", &[("approve", "Approve")]);
        assert_eq!(p.show(&second), Step::Hold);
        let mut again = review("m1", &[("approve", "Approve"), ("drop", "Drop")]);
        again.sound = false;
        assert_eq!(p.show(&again), Step::Hold);
        p.withdraw(&NoticeKey::Review("m2".into()));
        let held = p.answered();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].actions, again.actions, "the newest content");
        assert!(held[0].sound, "it still appears for the first time");

        let mut p = Permission::default();
        assert_eq!(p.show(&review("m0", &[])), Step::Ask);
        for i in 1..=MAX_HELD {
            assert_eq!(p.show(&review(&format!("m{i}"), &[])), Step::Hold);
        }
        let held = p.answered();
        assert_eq!(held.len(), MAX_HELD);
        assert_eq!(
            held[0].key,
            NoticeKey::Review("m1".into()),
            "the oldest went first"
        );

        let mut p = Permission::default();
        assert_eq!(p.show(&review("m1", &[])), Step::Ask);
        p.withdraw_all();
        assert!(p.answered().is_empty());
    }

    /// Information waits quietly, a review is active, a critical review is
    /// time-sensitive.
    #[test]
    fn interruption_levels_follow_urgency() {
        assert_eq!(
            interruption(&info(InfoKey::AgentError("a".into()))),
            Interruption::Passive
        );
        let r = review("m1", &[]);
        assert_eq!(interruption(&r), Interruption::Active);
        let critical = Notice {
            urgency: Urgency::Critical,
            ..r
        };
        assert_eq!(interruption(&critical), Interruption::TimeSensitive);
        assert_eq!(
            Interruption::TimeSensitive as usize,
            2,
            "the system's value"
        );
    }
}
