//! The command table: every command a page may call, its name, and the windows that may
//! call it. The shell's build script, its capability files and the pages' IPC module are
//! checked against [`CommandName::ALL`] by tests.

use crate::window::WindowClass;

/// Every command of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandName {
    ReviewGet,
    ReviewRespond,
    ReviewOpen,
    ReviewOpenWeb,
    AttachmentDownload,
    LinkOpen,
    InboxList,
    InboxOpen,
    AppStatus,
    ServerCheck,
    SignIn,
    SignInApiKey,
    SignOut,
    SettingsGet,
    SettingsSet,
    SettingsOpen,
    ProposalGet,
    ProposalDecide,
    OAuthGet,
    OAuthOpen,
    ChangePassword,
    RetryDelivery,
    HistoryList,
    ReviewSnooze,
    ConversationGet,
    ConversationSend,
    ConversationAttach,
}

use WindowClass::{
    Confirm as C, Conversation as V, Inbox as I, OAuth as O, Review as R, Settings as S,
};

impl CommandName {
    /// The whole table.
    pub const ALL: [CommandName; 27] = [
        CommandName::ReviewGet,
        CommandName::ReviewRespond,
        CommandName::ReviewOpen,
        CommandName::ReviewOpenWeb,
        CommandName::AttachmentDownload,
        CommandName::LinkOpen,
        CommandName::InboxList,
        CommandName::InboxOpen,
        CommandName::AppStatus,
        CommandName::ServerCheck,
        CommandName::SignIn,
        CommandName::SignInApiKey,
        CommandName::SignOut,
        CommandName::SettingsGet,
        CommandName::SettingsSet,
        CommandName::SettingsOpen,
        CommandName::ProposalGet,
        CommandName::ProposalDecide,
        CommandName::OAuthGet,
        CommandName::OAuthOpen,
        CommandName::ChangePassword,
        CommandName::RetryDelivery,
        CommandName::HistoryList,
        CommandName::ReviewSnooze,
        CommandName::ConversationGet,
        CommandName::ConversationSend,
        CommandName::ConversationAttach,
    ];

    /// The name pages invoke.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::ReviewGet => "review_get",
            CommandName::ReviewRespond => "review_respond",
            CommandName::ReviewOpen => "review_open",
            CommandName::ReviewOpenWeb => "review_open_web",
            CommandName::AttachmentDownload => "attachment_download",
            CommandName::LinkOpen => "link_open",
            CommandName::InboxList => "inbox_list",
            CommandName::InboxOpen => "inbox_open",
            CommandName::AppStatus => "app_status",
            CommandName::ServerCheck => "server_check",
            CommandName::SignIn => "sign_in",
            CommandName::SignInApiKey => "sign_in_api_key",
            CommandName::SignOut => "sign_out",
            CommandName::SettingsGet => "settings_get",
            CommandName::SettingsSet => "settings_set",
            CommandName::SettingsOpen => "settings_open",
            CommandName::ProposalGet => "proposal_get",
            CommandName::ProposalDecide => "proposal_decide",
            CommandName::OAuthGet => "oauth_get",
            CommandName::OAuthOpen => "oauth_open",
            CommandName::ChangePassword => "change_password",
            CommandName::RetryDelivery => "retry_delivery",
            CommandName::HistoryList => "history_list",
            CommandName::ReviewSnooze => "review_snooze",
            CommandName::ConversationGet => "conversation_get",
            CommandName::ConversationSend => "conversation_send",
            CommandName::ConversationAttach => "conversation_attach",
        }
    }

    /// The command of a name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The windows that may call it.
    pub fn granted_to(self) -> &'static [WindowClass] {
        match self {
            CommandName::ReviewGet => &[R],
            CommandName::ReviewRespond => &[R, I],
            CommandName::ReviewOpen => &[I, C],
            CommandName::ReviewOpenWeb => &[R, I],
            CommandName::AttachmentDownload => &[R],
            CommandName::LinkOpen => &[R],
            CommandName::InboxList => &[I],
            CommandName::InboxOpen => &[R, S],
            CommandName::AppStatus => &[I, S],
            CommandName::ServerCheck => &[S],
            CommandName::SignIn => &[S],
            CommandName::SignInApiKey => &[S],
            CommandName::SignOut => &[S],
            CommandName::SettingsGet => &[S],
            CommandName::SettingsSet => &[S],
            CommandName::SettingsOpen => &[I],
            CommandName::ProposalGet => &[C],
            CommandName::ProposalDecide => &[C],
            CommandName::OAuthGet => &[O],
            CommandName::OAuthOpen => &[O],
            CommandName::ChangePassword => &[S],
            CommandName::RetryDelivery => &[R, I],
            CommandName::HistoryList => &[I],
            CommandName::ReviewSnooze => &[R, I],
            CommandName::ConversationGet
            | CommandName::ConversationSend
            | CommandName::ConversationAttach => &[V],
        }
    }

    /// Its permission in the capability files (`allow-review-get`).
    pub fn permission(self) -> String {
        format!("allow-{}", self.as_str().replace('_', "-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        for c in CommandName::ALL {
            assert_eq!(CommandName::parse(c.as_str()), Some(c));
            assert!(!c.granted_to().is_empty(), "{c:?} is granted to no window");
        }
        assert_eq!(CommandName::ReviewGet.permission(), "allow-review-get");
        assert!(
            !CommandName::SignOut
                .granted_to()
                .contains(&WindowClass::Review),
            "a review window never signs out"
        );
    }
}
