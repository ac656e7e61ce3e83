//! Whether an answer may be sent, and how: the one place the rules live. Every way an
//! answer can start (a review window, the inbox, a notification's button or inline
//! reply, a program's proposal through the command line's door, the person's click in
//! the confirmation window) asks [`decide`] before anything is queued; the core's
//! [`Core::answer`](crate::Core::answer) is the only caller that acts on the verdict.
//!
//! The rules, in order:
//! 1. A watch-only account (API key) answers nothing: the server has no API-key route
//!    to answer a review.
//! 2. A review that is no longer pending, was withdrawn by its agent, or can only be
//!    answered in Placet's web app (a plugin's interface, an unknown type) is answered
//!    by no one here.
//! 3. A person's own click in a review window sends (its `danger` options ask for one
//!    more click there, which is the window's business).
//! 4. The inbox sends only approval options known not to be `danger`; anything else is
//!    answered in the review's window.
//! 5. A notification's button or inline reply sends only a safe approval option or a
//!    text-input reply, and nothing in strict mode: programs can press notification
//!    buttons through the daemons' command lines, so a button can only ever do what the
//!    person loses little by. Anything else opens the review's window.
//! 6. A program's proposal (the command line, at a terminal or not) is never sent as
//!    it is: the person confirms it in Placet Tray's confirmation window. A `danger`
//!    option (or one whose style cannot be read, or that the review does not have) is
//!    never sent for a program at all, and strict mode refuses every proposal.
//! 7. The confirmation window's Confirm sends what was proposed, checked again (the
//!    review may have changed, strict mode may have been turned on meanwhile).

use placet_client::protocol::{OptionStyle, ReviewKind, ReviewStatus};
use placet_client::{Answer, Message};

/// Where an answer starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The person in the review's own window.
    ReviewWindow,
    /// The inbox window (a key or a button on the selected review).
    Inbox,
    /// A button of the review's notification.
    NotificationButton,
    /// Text typed into the review's notification.
    NotificationReply,
    /// A program: `placet-tray respond`, through the running tray's door.
    Proposal,
    /// The person's Confirm in the confirmation window of a proposal.
    ConfirmedProposal,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 6] = [
        Source::ReviewWindow,
        Source::Inbox,
        Source::NotificationButton,
        Source::NotificationReply,
        Source::Proposal,
        Source::ConfirmedProposal,
    ];
}

/// The review, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewFacts {
    /// Pending on the server (also when its expiry time has passed but the server has
    /// not said so yet: the server still takes answers then).
    Pending,
    /// Answered or expired on the server.
    Closed,
    /// Deleted by its agent.
    Withdrawn,
    /// Only Placet's web app can answer it (a plugin's interface, an unknown type, a
    /// payload that does not fit its type).
    WebOnly,
    /// Not known here (a notification of a review the inbox no longer has).
    Unknown,
}

impl ReviewFacts {
    pub const ALL: [ReviewFacts; 5] = [
        ReviewFacts::Pending,
        ReviewFacts::Closed,
        ReviewFacts::Withdrawn,
        ReviewFacts::WebOnly,
        ReviewFacts::Unknown,
    ];

    /// The facts of a message as this app knows it.
    pub fn of(message: &Message) -> Self {
        match message.review.as_ref() {
            None => ReviewFacts::Unknown,
            Some(r) if r.answerable().is_err() => ReviewFacts::WebOnly,
            Some(r) if r.status == ReviewStatus::Pending => ReviewFacts::Pending,
            Some(_) => ReviewFacts::Closed,
        }
    }
}

/// The answer, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerFacts {
    /// An approval option of the review whose style is known not to be `danger`.
    SafeOption,
    /// An approval option styled `danger`.
    DangerOption,
    /// An approval option the review does not have, or of a review that is not an
    /// approval: it counts as dangerous (fails closed).
    UnlistedOption,
    /// Any other answer (a selection, a form, text, JSON, a dismissal).
    Other,
}

impl AnswerFacts {
    pub const ALL: [AnswerFacts; 4] = [
        AnswerFacts::SafeOption,
        AnswerFacts::DangerOption,
        AnswerFacts::UnlistedOption,
        AnswerFacts::Other,
    ];

    /// The facts of `answer` to `message`'s review.
    pub fn of(answer: &Answer, message: Option<&Message>) -> Self {
        let Answer::Approval { option_id, .. } = answer else {
            return AnswerFacts::Other;
        };
        match message.and_then(|m| m.review.as_ref()).map(|r| &r.kind) {
            Some(ReviewKind::Approval(p)) => match p.option(option_id) {
                Some(o) if o.style == OptionStyle::Danger => AnswerFacts::DangerOption,
                Some(_) => AnswerFacts::SafeOption,
                None => AnswerFacts::UnlistedOption,
            },
            _ => AnswerFacts::UnlistedOption,
        }
    }

    /// True for an option that a program or a notification may never send.
    pub fn is_dangerous(self) -> bool {
        matches!(
            self,
            AnswerFacts::DangerOption | AnswerFacts::UnlistedOption
        )
    }
}

/// Everything [`decide`] looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub source: Source,
    /// The account signed in with an API key.
    pub watch_only: bool,
    /// "Answer only in Placet Tray's own windows" is on.
    pub strict: bool,
    pub review: ReviewFacts,
    pub answer: AnswerFacts,
}

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Queue it for sending now.
    Send,
    /// Show it whole in the confirmation window; send only on the person's Confirm.
    Confirm,
    /// Send nothing; open the review's window for the person to answer there.
    OpenWindow,
    /// Send nothing, for this reason.
    Refuse(Refusal),
}

/// Why nothing is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("signed in with an API key: watch-only, reviews can only be answered after signing in with email and password")]
    WatchOnly,
    #[error("signed in with an API key: watch-only, messages to agents can only be sent after signing in with email and password")]
    WatchOnlyMessages,
    #[error("this review is no longer pending (it was answered or it expired)")]
    NotPending,
    #[error("the agent withdrew this review")]
    Withdrawn,
    #[error("only Placet's web app can answer this review")]
    WebOnly,
    #[error("open the review to answer it: the inbox answers only approvals that are not marked dangerous")]
    OpenTheReview,
    #[error("this option is marked dangerous: Placet Tray never sends it for a program; the person chooses it in the review's own window")]
    DangerFromProgram,
    #[error("Placet Tray answers only in its own windows (Settings › Answer only in Placet Tray's windows)")]
    Strict,
}

/// The verdict for an answer; see the module's rules.
pub fn decide(f: Facts) -> Decision {
    use AnswerFacts as A;
    use Decision::*;
    use Source as S;
    if f.watch_only {
        return Refuse(Refusal::WatchOnly);
    }
    let from_notification = matches!(f.source, S::NotificationButton | S::NotificationReply);
    match f.review {
        ReviewFacts::Pending => {}
        // Fail closed: a notification of a review we do not know opens its window,
        // which fetches it and tells the person what became of it.
        ReviewFacts::Unknown if from_notification => return OpenWindow,
        ReviewFacts::Unknown | ReviewFacts::Closed => return Refuse(Refusal::NotPending),
        ReviewFacts::Withdrawn => return Refuse(Refusal::Withdrawn),
        ReviewFacts::WebOnly if from_notification => return OpenWindow,
        ReviewFacts::WebOnly => return Refuse(Refusal::WebOnly),
    }
    match (f.source, f.answer) {
        (S::ReviewWindow, _) => Send,
        (S::Inbox, A::SafeOption) => Send,
        (S::Inbox, _) => Refuse(Refusal::OpenTheReview),
        (S::NotificationButton | S::NotificationReply, _) if f.strict => OpenWindow,
        (S::NotificationButton, A::SafeOption) => Send,
        (S::NotificationReply, A::SafeOption | A::Other) => Send,
        (S::NotificationButton | S::NotificationReply, _) => OpenWindow,
        (S::Proposal | S::ConfirmedProposal, _) if f.strict => Refuse(Refusal::Strict),
        (S::Proposal | S::ConfirmedProposal, a) if a.is_dangerous() => {
            Refuse(Refusal::DangerFromProgram)
        }
        (S::Proposal, _) => Confirm,
        (S::ConfirmedProposal, _) => Send,
    }
}

/// The verdict for the person's message to an agent (a reply), from `source`. The same
/// promises as for answers: what a program proposes, the person confirms; a
/// notification sends only typed text, and nothing in strict mode; strict mode leaves
/// only Placet Tray's own windows ([`Source::ReviewWindow`] stands for the reply
/// window). A watch-only account sends nothing: the server has no API-key route for a
/// person's message.
pub fn decide_reply(source: Source, watch_only: bool, strict: bool) -> Decision {
    use Decision::*;
    use Source as S;
    if watch_only {
        return Refuse(Refusal::WatchOnlyMessages);
    }
    match source {
        S::ReviewWindow => Send,
        // Neither a list nor a button carries what to say.
        S::Inbox | S::NotificationButton => OpenWindow,
        S::NotificationReply if strict => OpenWindow,
        S::NotificationReply => Send,
        S::Proposal | S::ConfirmedProposal if strict => Refuse(Refusal::Strict),
        S::Proposal => Confirm,
        S::ConfirmedProposal => Send,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every source, account and strict mode, for a reply.
    #[test]
    fn the_reply_table() {
        use Decision::*;
        use Source as S;
        #[rustfmt::skip]
        let table: &[(Source, Decision, Decision)] = &[
            // source                strict off  strict on
            (S::ReviewWindow,       Send,       Send),
            (S::Inbox,              OpenWindow, OpenWindow),
            (S::NotificationButton, OpenWindow, OpenWindow),
            (S::NotificationReply,  Send,       OpenWindow),
            (S::Proposal,           Confirm,    Refuse(Refusal::Strict)),
            (S::ConfirmedProposal,  Send,       Refuse(Refusal::Strict)),
        ];
        assert_eq!(table.len(), Source::ALL.len(), "every source");
        for &(source, off, on) in table {
            assert_eq!(decide_reply(source, false, false), off, "{source:?}");
            assert_eq!(decide_reply(source, false, true), on, "{source:?} strict");
            for strict in [false, true] {
                assert_eq!(
                    decide_reply(source, true, strict),
                    Refuse(Refusal::WatchOnlyMessages),
                    "{source:?} watch-only"
                );
            }
        }
    }

    /// Every combination of source, answer, review, account and strict mode.
    fn every_case() -> impl Iterator<Item = Facts> {
        Source::ALL.into_iter().flat_map(|source| {
            AnswerFacts::ALL.into_iter().flat_map(move |answer| {
                ReviewFacts::ALL.into_iter().flat_map(move |review| {
                    [false, true].into_iter().flat_map(move |watch_only| {
                        [false, true].into_iter().map(move |strict| Facts {
                            source,
                            watch_only,
                            strict,
                            review,
                            answer,
                        })
                    })
                })
            })
        })
    }

    /// The whole table, written out: what each source may do with each kind of answer
    /// to a pending review of a signed-in account, with strict mode off and on.
    #[test]
    fn the_table() {
        use AnswerFacts as A;
        use Decision::*;
        use Source as S;
        let danger = Refuse(Refusal::DangerFromProgram);
        #[rustfmt::skip]
        let table: &[(Source, AnswerFacts, Decision, Decision)] = &[
            // source                   answer              strict off                    strict on
            (S::ReviewWindow,        A::SafeOption,     Send,                          Send),
            (S::ReviewWindow,        A::DangerOption,   Send,                          Send),
            (S::ReviewWindow,        A::UnlistedOption, Send,                          Send),
            (S::ReviewWindow,        A::Other,          Send,                          Send),
            (S::Inbox,               A::SafeOption,     Send,                          Send),
            (S::Inbox,               A::DangerOption,   Refuse(Refusal::OpenTheReview), Refuse(Refusal::OpenTheReview)),
            (S::Inbox,               A::UnlistedOption, Refuse(Refusal::OpenTheReview), Refuse(Refusal::OpenTheReview)),
            (S::Inbox,               A::Other,          Refuse(Refusal::OpenTheReview), Refuse(Refusal::OpenTheReview)),
            (S::NotificationButton,  A::SafeOption,     Send,                          OpenWindow),
            (S::NotificationButton,  A::DangerOption,   OpenWindow,                    OpenWindow),
            (S::NotificationButton,  A::UnlistedOption, OpenWindow,                    OpenWindow),
            (S::NotificationButton,  A::Other,          OpenWindow,                    OpenWindow),
            (S::NotificationReply,   A::SafeOption,     Send,                          OpenWindow),
            (S::NotificationReply,   A::DangerOption,   OpenWindow,                    OpenWindow),
            (S::NotificationReply,   A::UnlistedOption, OpenWindow,                    OpenWindow),
            (S::NotificationReply,   A::Other,          Send,                          OpenWindow),
            (S::Proposal,            A::SafeOption,     Confirm,                       Refuse(Refusal::Strict)),
            (S::Proposal,            A::DangerOption,   danger,                        Refuse(Refusal::Strict)),
            (S::Proposal,            A::UnlistedOption, danger,                        Refuse(Refusal::Strict)),
            (S::Proposal,            A::Other,          Confirm,                       Refuse(Refusal::Strict)),
            (S::ConfirmedProposal,   A::SafeOption,     Send,                          Refuse(Refusal::Strict)),
            (S::ConfirmedProposal,   A::DangerOption,   danger,                        Refuse(Refusal::Strict)),
            (S::ConfirmedProposal,   A::UnlistedOption, danger,                        Refuse(Refusal::Strict)),
            (S::ConfirmedProposal,   A::Other,          Send,                          Refuse(Refusal::Strict)),
        ];
        assert_eq!(
            table.len(),
            Source::ALL.len() * AnswerFacts::ALL.len(),
            "the table covers every source and answer"
        );
        for &(source, answer, off, on) in table {
            for (strict, expected) in [(false, off), (true, on)] {
                let f = Facts {
                    source,
                    watch_only: false,
                    strict,
                    review: ReviewFacts::Pending,
                    answer,
                };
                assert_eq!(decide(f), expected, "{f:?}");
            }
        }
    }

    /// Whatever the source and answer: a watch-only account sends nothing, and a review
    /// that is not pending here is never answered (a notification of it opens its window).
    #[test]
    fn accounts_and_reviews_come_first() {
        for f in every_case() {
            let d = decide(f);
            if f.watch_only {
                assert_eq!(d, Decision::Refuse(Refusal::WatchOnly), "{f:?}");
                continue;
            }
            let from_notification = matches!(
                f.source,
                Source::NotificationButton | Source::NotificationReply
            );
            let expected = match f.review {
                ReviewFacts::Pending => continue,
                ReviewFacts::Unknown | ReviewFacts::WebOnly if from_notification => {
                    Decision::OpenWindow
                }
                ReviewFacts::Unknown | ReviewFacts::Closed => Decision::Refuse(Refusal::NotPending),
                ReviewFacts::Withdrawn => Decision::Refuse(Refusal::Withdrawn),
                ReviewFacts::WebOnly => Decision::Refuse(Refusal::WebOnly),
            };
            assert_eq!(d, expected, "{f:?}");
        }
    }

    /// The promises, over every combination: a dangerous option is only ever sent from
    /// the review's own window; nothing a program proposes is sent without the person's
    /// Confirm; strict mode leaves only the windows.
    #[test]
    fn the_promises_hold_everywhere() {
        for f in every_case() {
            let d = decide(f);
            if d == Decision::Send && f.answer.is_dangerous() {
                assert_eq!(f.source, Source::ReviewWindow, "danger sent: {f:?}");
            }
            if f.source == Source::Proposal {
                assert_ne!(d, Decision::Send, "a proposal sent unconfirmed: {f:?}");
            }
            if f.strict && d == Decision::Send {
                assert!(
                    matches!(f.source, Source::ReviewWindow | Source::Inbox),
                    "strict mode sent from {f:?}"
                );
            }
            if d == Decision::Confirm {
                assert_eq!(f.source, Source::Proposal, "{f:?}");
            }
        }
    }
}
