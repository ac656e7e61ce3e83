//! `reply`: a message to an agent, as the person would write it in Placet's chat. Like
//! an answer it is a proposal: the running tray shows it whole in a confirmation window
//! and only the person's Confirm there sends it; at a terminal too, since programs
//! drive pseudo-terminals.

use std::io::Read;
use std::sync::Arc;

use super::account::signed_in;
use super::answer::propose_to_tray;
use super::args::ReplyArgs;
use super::{Exit, Failure, Out};
use crate::app::{Core, CoreError, MAX_REPLY_CHARS};
use crate::config::AccountMode;
use crate::decide::Refusal;
use crate::door::Request;

pub(super) async fn reply(core: &Arc<Core>, a: &ReplyArgs, out: Out) -> Result<Exit, Failure> {
    // With several accounts and none named, the tray finds the agent among them all
    // (and refuses a watch-only account's).
    match super::chosen_account(core) {
        Err(CoreError::WhichAccount(_)) => {}
        _ => {
            let (account, _rest) = signed_in(core).await?;
            if account.mode == AccountMode::ApiKey {
                return Err(CoreError::from(Refusal::WatchOnlyMessages).into());
            }
        }
    }
    let usage = |m: String| Failure::new(Exit::Usage, "badInput", m);
    let text = if a.text == "-" {
        let mut read = String::new();
        std::io::stdin()
            .read_to_string(&mut read)
            .map_err(|e| usage(tr!("cli-reply-stdin-unreadable", error = e.to_string())))?;
        read
    } else {
        a.text.clone()
    };
    let chars = text.trim().chars().count();
    if chars == 0 {
        return Err(usage(tr!("cli-reply-empty")));
    }
    if chars > MAX_REPLY_CHARS {
        return Err(usage(tr!(
            "cli-reply-too-long",
            count = chars,
            most = MAX_REPLY_CHARS
        )));
    }
    let request = Request::ProposeReply {
        agent: a.agent.clone(),
        text,
    };
    if !out.json {
        eprintln!("{}", tr!("cli-confirm-reply-in-tray"));
    }
    propose_to_tray(&request, out).await
}
