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

use placet_tray_core::notify::{Notice, NoticeKey, ReplyField, Response};

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
    use placet_tray_core::notify::NoticeAction;

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
}
