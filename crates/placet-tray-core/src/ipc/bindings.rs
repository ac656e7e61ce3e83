//! The TypeScript declarations of the IPC types, generated from the Rust types so the
//! pages' JSDoc is checked against them by `tsc`. The file is committed
//! (`ui/types/bindings.d.ts`); a test fails when it is out of date and rewrites it when
//! run with `UPDATE_BINDINGS=1`.

use ts_rs::{Config, TS};

use super::commands::SnoozedView;
use super::events::{
    AnsweredBy, ConversationChangedEvent, DownloadProgressEvent, InboxFocusEvent, OAuthStateEvent,
    ProposalStateEvent, ReviewPreselectEvent, ReviewStateEvent, ReviewUpdatedEvent, UiEvent,
};
use super::views::{
    AccountView, AgentView, AnswerRow, AppStatus, AttachedFileView, ChatMessageView,
    ConversationView, DecisionView, DesktopView, InboxItem, InboxView, OAuthView, ProposalKind,
    ProposalState, ProposalView, ReviewState, ReviewView, RoundView, ServerCheckView, Settings,
    SettingsView,
};
use super::{CommandName, ErrorCode, IpcError};
use crate::attention::SnoozeFor;
use crate::config::{AttentionPrefs, NotifyFor, QuietHours};
use crate::history::{DecisionPath, HistoryEntry, HistoryView};

/// The declarations file, as it should read.
pub fn declarations() -> String {
    let cfg = Config::default();
    let decls = [
        ErrorCode::decl(&cfg),
        IpcError::decl(&cfg),
        ReviewState::decl(&cfg),
        ReviewView::decl(&cfg),
        RoundView::decl(&cfg),
        DecisionView::decl(&cfg),
        InboxItem::decl(&cfg),
        InboxView::decl(&cfg),
        AgentView::decl(&cfg),
        AppStatus::decl(&cfg),
        AccountView::decl(&cfg),
        ServerCheckView::decl(&cfg),
        NotifyFor::decl(&cfg),
        QuietHours::decl(&cfg),
        AttentionPrefs::decl(&cfg),
        Settings::decl(&cfg),
        DesktopView::decl(&cfg),
        SettingsView::decl(&cfg),
        DecisionPath::decl(&cfg),
        HistoryEntry::decl(&cfg),
        HistoryView::decl(&cfg),
        SnoozeFor::decl(&cfg),
        SnoozedView::decl(&cfg),
        AnsweredBy::decl(&cfg),
        ReviewStateEvent::decl(&cfg),
        ReviewUpdatedEvent::decl(&cfg),
        DownloadProgressEvent::decl(&cfg),
        ReviewPreselectEvent::decl(&cfg),
        ProposalKind::decl(&cfg),
        ProposalState::decl(&cfg),
        AnswerRow::decl(&cfg),
        ProposalView::decl(&cfg),
        ProposalStateEvent::decl(&cfg),
        OAuthView::decl(&cfg),
        AttachedFileView::decl(&cfg),
        ChatMessageView::decl(&cfg),
        ConversationView::decl(&cfg),
        OAuthStateEvent::decl(&cfg),
        InboxFocusEvent::decl(&cfg),
        ConversationChangedEvent::decl(&cfg),
        UiEvent::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/placet-tray-core/src/ipc by its `bindings_are_current` test\n\
         // (UPDATE_BINDINGS=1 cargo test -p placet-tray-core bindings). Do not edit.\n\
         import type { AgentStatus, Attachment, Review, SessionState } from './protocol';\n\n",
    );
    let names: Vec<String> = CommandName::ALL
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect();
    out.push_str("/** Every command of the pages (the command table). */\n");
    out.push_str(&format!(
        "export type CommandName = {};\n\n",
        names.join(" | ")
    ));
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed declarations match the Rust types.
    #[test]
    fn bindings_are_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/types/bindings.d.ts");
        let want = declarations();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).expect("write the bindings");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is out of date: run UPDATE_BINDINGS=1 cargo test -p placet-tray-core bindings",
            path.display()
        );
    }
}
