//! The review and inbox windows' commands, and the confirmation window's.

use super::*;
use crate::ipc::views::OAuthView;

/// A confirmation window may only read and decide its own proposal.
pub(super) fn own_proposal(from: &WindowKind, id: u64) -> Result<()> {
    match from {
        WindowKind::Confirm { proposal } if *proposal == id => Ok(()),
        _ => Err(IpcError::not_allowed(
            "a confirmation window may only read and decide its own proposal",
        )),
    }
}

/// The review `id` is the one proposal `proposal` answers.
pub(super) fn own_proposal_review(ctx: &Ctx, proposal: u64, id: &str) -> Result<()> {
    match ctx.proposals.message_of(proposal) {
        Some(m) if m.id == id => Ok(()),
        _ => Err(IpcError::not_allowed(
            "a confirmation window may only open the review its proposal answers",
        )),
    }
}

/// A proposal for its confirmation window (a proposed message names its agent itself).
pub(super) fn proposal_get(ctx: &Ctx, id: u64) -> Result<ProposalView> {
    let (agent, html) = match ctx.proposals.message_of(id) {
        Some(message) => (
            ctx.core
                .live_of_agent(&message.channel_id)
                .map(|l| l.inbox.agent_name(&message))
                .unwrap_or_else(|| "An agent".to_owned()),
            markdown::render(message.text.as_deref().unwrap_or("")),
        ),
        None => (String::new(), String::new()),
    };
    ctx.proposals
        .view(id, &agent, html)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such proposal"))
}

/// A review window may only ask about its own review.
pub(super) fn own_review(from: &WindowKind, id: &str) -> Result<()> {
    match from {
        WindowKind::Review { message_id } if message_id == id => Ok(()),
        WindowKind::Review { .. } => Err(IpcError::not_allowed(
            "a review window may only read and answer its own review",
        )),
        _ => Ok(()),
    }
}

/// The live account of the review (or message) `id`.
pub(super) fn live_of_review(core: &Core, id: &str) -> Result<Arc<Live>> {
    core.live_of_review(id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotConnected, "not signed in"))
}

/// The live account that knows the agent `id`.
pub(super) fn live_of_agent(core: &Core, id: &str) -> Result<Arc<Live>> {
    core.live_of_agent(id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotConnected, "not signed in"))
}

/// The live account with the OAuth prompt `state`, and the prompt.
pub(super) fn oauth_prompt(core: &Core, state: &str) -> Result<(Arc<Live>, OAuthPrompt)> {
    if !core.is_signed_in() {
        return Err(IpcError::new(ErrorCode::NotConnected, "not signed in"));
    }
    core.lives()
        .into_iter()
        .find_map(|l| l.inbox.oauth_prompt(state).map(|p| (l, p)))
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "this sign-in has ended"))
}

pub(super) fn review_state(m: &Message, sending: bool) -> ReviewState {
    match m.review.as_ref().map(|r| r.status) {
        Some(ReviewStatus::Pending) if sending => ReviewState::Sending,
        Some(ReviewStatus::Pending) => ReviewState::Pending,
        Some(ReviewStatus::Expired) => ReviewState::Expired,
        _ => ReviewState::Answered,
    }
}

/// A review by message id: from the inbox, or fetched when it is not pending here.
pub async fn review_get(core: &Core, id: &str) -> Result<ReviewView> {
    let live = live_of_review(core, id)?;
    let (message, sending) = match live.inbox.get(id) {
        Some(m) => ((*m).clone(), live.inbox.is_sending(id)),
        None => match live.rest.message(id).await {
            Ok(m) => (m, false),
            // Answered and expired reviews stay on the server; one we saw that is gone
            // was deleted by its agent.
            Err(ApiError::NotFound { .. }) if live.inbox.is_finished(id) => {
                return Err(IpcError::new(
                    ErrorCode::Withdrawn,
                    "the agent withdrew this review",
                ))
            }
            Err(e) => return Err(e.into()),
        },
    };
    let review = message
        .review
        .clone()
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "this message has no review"))?;
    let rounds = if message.iteration.is_some_and(|i| i >= 2) {
        earlier_rounds(&live, &message).await
    } else {
        Vec::new()
    };
    let last = rounds.last();
    let (previous_feedback, previous_response) = (
        last.and_then(|r| r.feedback.clone()),
        last.and_then(|r| r.response.clone()),
    );
    Ok(ReviewView {
        agent_name: live.inbox.agent_name(&message),
        agent_id: message.channel_id.clone(),
        created_at: message.created_at,
        html: markdown::render(message.text.as_deref().unwrap_or("")),
        state: review_state(&message, sending),
        attachments: message.attachments.clone(),
        iteration: message.iteration,
        previous_feedback,
        previous_response,
        rounds,
        delivery_status: message.delivery_status.as_str().to_owned(),
        can_answer: live.account.mode == AccountMode::User,
        page: live.account.server.message_page(&message).to_string(),
        account: (core.lives().len() > 1)
            .then(|| crate::config::account_label(&core.accounts(), &live.account)),
        decision: decision_of(&live, &message.id),
        review,
        id: message.id,
    })
}

/// The earlier rounds of a revised review, oldest first: each one's answer (passwords
/// as dots, whatever the server sends) and the feedback that asked for the next.
pub(super) async fn earlier_rounds(live: &Live, message: &Message) -> Vec<RoundView> {
    let Ok(chain) = live.rest.iterations(&message.id, &message.channel_id).await else {
        return Vec::new();
    };
    let mut rounds: Vec<RoundView> = chain
        .iter()
        .filter(|m| m.iteration < message.iteration)
        .filter_map(|m| {
            let r = m.review.as_ref()?;
            Some(RoundView {
                iteration: m.iteration.unwrap_or(1),
                feedback: r.feedback.clone(),
                response: r
                    .response
                    .as_ref()
                    .map(|v| crate::proposal::hide_passwords(&r.kind, v)),
                answered_at: r.completed_at,
            })
        })
        .collect();
    rounds.sort_by_key(|r| r.iteration);
    rounds
}

/// Our newest decision about a review, from the decision log.
pub(super) fn decision_of(live: &Live, message_id: &str) -> Option<DecisionView> {
    let d = live
        .outbox
        .decisions(200)
        .ok()?
        .into_iter()
        .find(|d| d.message_id == message_id)?;
    Some(DecisionView {
        given_in: text::answer_source(d.source, &d.source_label),
        delivered_to_agent: d.delivered_to_agent(),
        delivery: d.delivery.map(|s| s.as_str().to_owned()),
        summary: d.summary,
        decided_at: d.decided_at,
        outcome: d.outcome,
    })
}

/// Answers a review: a review window its own (any option: the person is looking at
/// it), the inbox what the rules let it ([`crate::decide`]).
pub(super) async fn review_respond(
    ctx: &Ctx,
    from: &WindowKind,
    id: &str,
    answer: Answer,
    feedback: Option<String>,
) -> Result<()> {
    own_review(from, id)?;
    let source = match from {
        WindowKind::Inbox => Source::Inbox,
        WindowKind::Review { .. } => Source::ReviewWindow,
        _ => return Err(IpcError::not_allowed("this window does not answer reviews")),
    };
    match ctx
        .core
        .answer(id, &answer, feedback.as_deref(), source)
        .await?
    {
        Verdict::Queued => Ok(()),
        Verdict::OpenWindow | Verdict::Confirm { .. } => {
            Err(IpcError::not_allowed("open the review to answer it"))
        }
    }
}

/// Saves an attachment of the window's own review into the Downloads folder, reporting
/// progress to the pages; returns the file's path.
pub(super) async fn attachment_download(ctx: &Ctx, from: &WindowKind, id: &str) -> Result<String> {
    let core = &ctx.core;
    let WindowKind::Review { message_id } = from else {
        return Err(IpcError::not_allowed(
            "only a review window saves its review's attachments",
        ));
    };
    let live = live_of_review(core, message_id)?;
    let message = match live.inbox.get(message_id) {
        Some(m) => (*m).clone(),
        None => live.rest.message(message_id).await?,
    };
    if !message.attachments.iter().any(|a| a.id == id) {
        return Err(IpcError::not_allowed(
            "a review window may only save its own review's attachments",
        ));
    }
    let message_id = message_id.clone();
    let dir = core.paths().downloads_dir.clone();
    let windows = ctx.windows.clone();
    let attachment_id = id.to_owned();
    let last = std::sync::Mutex::new(std::time::Instant::now() - PROGRESS_EVERY);
    let options = DownloadOptions::default().on_progress(move |p| {
        // A few updates a second are enough for a progress bar.
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < PROGRESS_EVERY && p.total != Some(p.received) {
            return;
        }
        *last = std::time::Instant::now();
        windows.emit(UiEvent::DownloadProgress(DownloadProgressEvent {
            message_id: message_id.clone(),
            attachment_id: attachment_id.clone(),
            received: p.received,
            total: p.total,
        }));
    });
    match live.rest.download_attachment_with(id, &dir, &options).await {
        Ok(saved) => Ok(saved.path.display().to_string()),
        Err(placet_client::rest::DownloadError::Api(e)) => Err(e.into()),
        Err(e) => Err(IpcError::new(ErrorCode::Internal, e.to_string())),
    }
}

/// The shortest gap between two progress events of one download.
pub(super) const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// The inbox: every pending review of every account, newest first, and the agents.
pub fn inbox_list(core: &Core) -> Result<InboxView> {
    let lives = core.lives();
    if lives.is_empty() {
        return Err(IpcError::new(ErrorCode::NotConnected, "not signed in"));
    }
    let accounts = core.accounts();
    let named = lives.len() > 1;
    let mut items = Vec::new();
    for live in &lives {
        let account = named.then(|| crate::config::account_label(&accounts, &live.account));
        let can_answer = live.account.mode == AccountMode::User;
        items.extend(live.inbox.pending().iter().filter_map(|m| {
            Some(InboxItem {
                id: m.id.clone(),
                agent_id: m.channel_id.clone(),
                agent_name: live.inbox.agent_name(m),
                title: text::one_line(&text::markdown_to_plain(m.first_line()), 140),
                review: m.review.clone()?,
                created_at: m.created_at,
                sending: live.inbox.is_sending(&m.id),
                account: account.clone(),
                can_answer,
            })
        }));
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    Ok(InboxView {
        items,
        agents: all_agents(core),
        can_answer: lives.iter().any(|l| l.account.mode == AccountMode::User),
    })
}

/// The agents of every live account, each sub-agent after its parent
/// ([`crate::agents::grouped`]), each named with its account when there are several.
pub(super) fn all_agents(core: &Core) -> Vec<AgentView> {
    let lives = core.lives();
    let accounts = core.accounts();
    lives
        .iter()
        .flat_map(|l| {
            let named = lives.len() > 1;
            agents(
                l,
                named.then(|| crate::config::account_label(&accounts, &l.account)),
            )
        })
        .collect()
}

/// The agents of one account, each sub-agent after its parent.
fn agents(live: &Live, account: Option<String>) -> Vec<AgentView> {
    crate::agents::grouped(live.inbox.agents())
        .into_iter()
        .map(|(a, depth)| AgentView {
            status_text: text::agent_status(&a),
            parent_id: (depth > 0).then(|| a.parent_agent_id.clone()).flatten(),
            id: a.id,
            name: a.name,
            status: a.status,
            status_message: a.status_message,
            account: account.clone(),
        })
        .collect()
}

/// An OAuth window may only read and open its own prompt.
pub(super) fn own_oauth(from: &WindowKind, state: &str) -> Result<()> {
    match from {
        WindowKind::OAuth { state: own } if own == state => Ok(()),
        _ => Err(IpcError::not_allowed(
            "this window may only show its own sign-in prompt",
        )),
    }
}

/// An agent's OAuth prompt for its window.
pub(super) fn oauth_get(ctx: &Ctx, state: &str) -> Result<OAuthView> {
    let (live, prompt) = oauth_prompt(&ctx.core, state)?;
    let host = |u: &str| {
        url::Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default()
    };
    Ok(OAuthView {
        agent_name: live
            .inbox
            .agent(&prompt.channel_id)
            .map(|a| a.name)
            .unwrap_or_else(|| "An agent".to_owned()),
        provider: prompt.provider.clone(),
        link_host: prompt.link().map(host),
        user_code: prompt.device_code.as_ref().map(|d| d.user_code.clone()),
        verification_uri: prompt
            .device_code
            .as_ref()
            .map(|d| d.verification_uri.clone()),
        unsafe_links: prompt.unsafe_links.clone(),
        expires_at: prompt.expires_at,
        state: prompt.state,
    })
}
