// Generated from crates/placet-tray-core/src/ipc by its `bindings_are_current` test
// (UPDATE_BINDINGS=1 cargo test -p placet-tray-core bindings). Do not edit.
import type { AgentStatus, Attachment, Review, SessionState } from './protocol';

/** Every command of the pages (the command table). */
export type CommandName = "review_get" | "review_respond" | "review_open" | "review_open_web" | "attachment_download" | "link_open" | "inbox_list" | "inbox_open" | "app_status" | "server_check" | "sign_in" | "sign_in_api_key" | "sign_out" | "settings_get" | "settings_set" | "settings_open" | "proposal_get" | "proposal_decide" | "oauth_get" | "oauth_open" | "change_password" | "retry_delivery" | "history_list" | "review_snooze" | "conversation_get" | "conversation_send" | "conversation_attach";

export type ErrorCode = "notConnected" | "authExpired" | "wrongCredentials" | "keychainUnavailable" | "network" | "tls" | "notPlacet" | "badInput" | "invalidAnswer" | "alreadyAnswered" | "notFound" | "watchOnly" | "notAllowed" | "answersQueued" | "insecureHttp" | "redirect" | "withdrawn" | "noLiveConnection" | "internal";

export type IpcError = { code: ErrorCode, message: string, count?: number, location?: string, };

export type ReviewState = "pending" | "sending" | "answered" | "expired" | "withdrawn";

export type ReviewView = { id: string, agentId: string, agentName: string, createdAt: string, 
/**
 * The message text as sanitised HTML.
 */
html: string, review: Review, state: ReviewState, attachments: Attachment[], iteration: number | null, 
/**
 * The previous round's feedback and response, for iterations.
 */
previousFeedback: string | null, previousResponse: unknown, 
/**
 * Every earlier round of a revised review, oldest first.
 */
rounds: Array<RoundView>, 
/**
 * The message's delivery to its agent (`sent`, `webhook_delivered`,
 * `webhook_failed`, `agent_received`), as the server has it.
 */
deliveryStatus: string, 
/**
 * False in watch-only (API key) mode.
 */
canAnswer: boolean, 
/**
 * The message's page in Placet's web app ("Open in Placet").
 */
page: string, 
/**
 * Its account, by name, when there are several.
 */
account: string | null, 
/**
 * Our answer to it, from the decision log.
 */
decision: DecisionView | null, };

export type RoundView = { iteration: number, 
/**
 * What the person asked to change.
 */
feedback: string | null, 
/**
 * The answer given then, passwords as dots.
 */
response: unknown, answeredAt: string | null, };

export type DecisionView = { 
/**
 * What was answered, in short ("option approve").
 */
summary: string, 
/**
 * Where it was given, to follow "Answered ": "in the review window", "from the
 * command line, confirmed by a click".
 */
givenIn: string, decidedAt: string, 
/**
 * `queued`, `sent`, `answeredElsewhere`, `expired`, `withdrawn`, `failed`, ...
 */
outcome: string, 
/**
 * The delivery to the agent (`sent`, `webhook_delivered`, `webhook_failed`,
 * `agent_received`), when reported.
 */
delivery: string | null, 
/**
 * True once the agent has it (webhook delivered or the agent acknowledged).
 */
deliveredToAgent: boolean, };

export type InboxItem = { id: string, agentId: string, agentName: string, 
/**
 * First line of the text, plain.
 */
title: string, review: Review, createdAt: string, sending: boolean, 
/**
 * The account it came from, by name, when there are several.
 */
account: string | null, 
/**
 * Its account can answer (a person's sign-in, not an API key).
 */
canAnswer: boolean, };

export type InboxView = { items: Array<InboxItem>, agents: Array<AgentView>, canAnswer: boolean, };

export type AgentView = { id: string, name: string, status: AgentStatus, 
/**
 * What the agent said about its status.
 */
statusMessage: string | null, 
/**
 * The status in words: "busy since 14:00".
 */
statusText: string, 
/**
 * The parent agent, for a sub-agent (listed right after it).
 */
parentId: string | null, 
/**
 * Its account, by name, when there are several.
 */
account: string | null, };

export type AppStatus = { signedIn: boolean, 
/**
 * The web address.
 */
server: string | null, 
/**
 * The live connection's address (the same as `server` behind a reverse proxy).
 */
api: string | null, account: string | null, watchOnly: boolean, 
/**
 * False when the sign-in is held for this run only.
 */
saved: boolean, state: SessionState, stateText: string, 
/**
 * Connected over plain `http` to a server that is not on this machine (the person
 * allowed it): passwords and sessions travel unencrypted.
 */
insecure: boolean, 
/**
 * The server asks for a new password before anything else.
 */
mustChangePassword: boolean, 
/**
 * Every account: the fields above are the first live one's (or the first saved).
 */
accounts: Array<AccountView>, };

export type AccountView = { 
/**
 * How it is named: its host, or `email@host` where two share one. `signOut`
 * takes it.
 */
label: string, server: string, account: string, watchOnly: boolean, signedIn: boolean, 
/**
 * The connection, in words ("Connected", "Signed out").
 */
stateText: string, };

export type ServerCheckView = { 
/**
 * The web address, checked.
 */
server: string, 
/**
 * The live connection's address.
 */
api: string, };

export type NotifyFor = "reviews" | "all";

export type QuietHours = { 
/**
 * `HH:MM`.
 */
start: string, end: string, };

export type AttentionPrefs = { 
/**
 * Follow the desktop's Do Not Disturb: no banners while it is on (the tray's count
 * still grows).
 */
followDnd: boolean, 
/**
 * A review that expires within this many minutes is critical, and breaks through
 * Do Not Disturb once (0: never).
 */
breakthroughMinutes: number, 
/**
 * A review its agent marks urgent (`status: "error"`, or `metadata.priority`
 * `"urgent"`/`"critical"`) is critical.
 */
agentUrgency: boolean, 
/**
 * Play the desktop's message sound for agents' messages.
 */
messageSound: boolean, 
/**
 * Remind of a review left unanswered after this many minutes (0: never).
 */
renudgeMinutes: number, 
/**
 * At most this many reminders per review.
 */
renudgeTimes: number, 
/**
 * "Remind me in 15 min" and "in 1 h" on review notifications.
 */
snoozeButtons: boolean, 
/**
 * The tray's badge changes colour once a review has waited this many minutes (0:
 * never).
 */
overdueMinutes: number, 
/**
 * The keys that open the inbox at the oldest waiting review, anywhere on the desktop
 * (`Ctrl+Alt+P`; empty: none).
 */
shortcut: string, 
/**
 * Days the history of decisions is kept (at least 1).
 */
historyDays: number, };

export type Settings = { pausedUntil: string | null, quietHours: QuietHours | null, mutedAgents: Array<string>, notifyFor: NotifyFor, sound: boolean, autostart: boolean, 
/**
 * Answer only in Placet Tray's own windows: no answer buttons on notifications, no
 * proposals from the command line.
 */
answerOnlyInWindows: boolean, 
/**
 * A notification when an agent reports an error.
 */
notifyAgentErrors: boolean, 
/**
 * Do Not Disturb, urgency, reminders, the badge, the shortcut, the history (always
 * read; a page that leaves it out of what it saves leaves it as it was).
 */
attention?: AttentionPrefs, 
/**
 * How long the review windows' host stays ready after a review notification or a
 * closed window, in seconds (0: none kept ready). Left out: unchanged.
 */
windowsWarmSecs?: number, };

export type DesktopView = { 
/**
 * The desktop's Do Not Disturb is on.
 */
dndOn: boolean, 
/**
 * Which part of the desktop said so ("GNOME", "dunst").
 */
dndBy: string | null, 
/**
 * The global shortcut bound now, as the desktop names it.
 */
shortcutBound: string | null, 
/**
 * Why the global shortcut is not bound.
 */
shortcutProblem: string | null, };

export type SettingsView = { settings: Settings, agents: Array<AgentView>, 
/**
 * What the desktop says now.
 */
desktop: DesktopView, };

export type DecisionPath = "notification" | "window" | "commandLine" | "other";

export type HistoryEntry = { messageId: string, agent: string, 
/**
 * What the review asked (its first line), where the log has it.
 */
title: string | null, 
/**
 * `approval`, `form`, ...
 */
reviewType: string, 
/**
 * What was answered, in words, passwords as dots ("selectedOption: approve").
 */
answer: string, path: DecisionPath, 
/**
 * Where, in words ("with a notification button").
 */
givenIn: string, decidedAt: string, 
/**
 * `queued`, `sent`, `answeredElsewhere`, `expired`, `withdrawn`, `failed`,
 * `discarded`.
 */
outcome: string, deliveredToAgent: boolean, 
/**
 * The review's page in Placet's web app.
 */
page: string, };

export type HistoryView = { 
/**
 * Newest first.
 */
entries: Array<HistoryEntry>, 
/**
 * Every agent in the history, for the filter.
 */
agents: Array<string>, 
/**
 * Days decisions are kept.
 */
retentionDays: number, };

export type SnoozeFor = "15m" | "1h" | "tomorrowMorning";

export type SnoozedView = { until: string, 
/**
 * "tomorrow at 08:00", in words.
 */
untilText: string, };

export type AnsweredBy = "here" | "elsewhere";

export type ReviewStateEvent = { messageId: string, state: ReviewState, by?: AnsweredBy, 
/**
 * The response the server stored, when answered.
 */
response?: unknown, 
/**
 * Why, when sending failed or is retried.
 */
detail?: string, 
/**
 * When a retry is due.
 */
retryAt?: string, };

export type ReviewUpdatedEvent = { messageId: string, };

export type DownloadProgressEvent = { 
/**
 * The review whose window saves it.
 */
messageId: string, attachmentId: string, received: number, 
/**
 * The size, when the server said.
 */
total: number | null, };

export type ReviewPreselectEvent = { messageId: string, optionId: string, };

export type ProposalKind = "answer" | "reply";

export type ProposalState = "waiting" | "refused" | "confirmed" | "cancelled" | "timedOut" | "overtaken";

export type AnswerRow = { 
/**
 * What the value is ("Option", a form field's label, "Text").
 */
label: string, 
/**
 * The value in full (a password: dots, one per character).
 */
value: string, 
/**
 * The field or option id the server receives, when it differs from the label.
 */
key?: string, 
/**
 * The value is a password: shown as dots, with its length.
 */
secret: boolean, 
/**
 * The value spans lines (text, JSON): shown as a block.
 */
block: boolean, };

export type ProposalView = { id: number, kind: ProposalKind, messageId: string, agentName: string, 
/**
 * The review's message text as sanitised HTML.
 */
html: string, reviewType: string, rows: Array<AnswerRow>, 
/**
 * The JSON the server receives, passwords as dots.
 */
json: string, 
/**
 * The option is marked dangerous: never sent for a program.
 */
danger: boolean, 
/**
 * The person's request for changes, sent beside the answer.
 */
feedback: string | null, 
/**
 * Who proposed it: the program and its parents, as the system named them.
 */
proposer: string, state: ProposalState, proposedAt: string, 
/**
 * When the proposal lapses if nobody confirms it.
 */
lapsesAt: string, };

export type ProposalStateEvent = { id: number, state: ProposalState, 
/**
 * Why, in words, when it did not go through.
 */
detail?: string, };

export type OAuthView = { state: string, agentName: string, provider: string, 
/**
 * The host of the page Open goes to (only a vetted link has one).
 */
linkHost: string | null, 
/**
 * The device code to type, large.
 */
userCode: string | null, 
/**
 * Where to type it.
 */
verificationUri: string | null, 
/**
 * Links the agent sent that are not safe to open, shown as text.
 */
unsafeLinks: Array<string>, expiresAt: string, };

export type AttachedFileView = { id: string, name: string, size: number, };

export type ChatMessageView = { id: string, 
/**
 * False for the person's own message.
 */
fromAgent: boolean, 
/**
 * An agent's text, rendered from markdown and sanitised.
 */
html: string | null, 
/**
 * The person's own text, as text.
 */
text: string | null, 
/**
 * It carries a review (answered in its own window).
 */
hasReview: boolean, attachments: number, 
/**
 * A draft the agent is still writing.
 */
streaming: boolean, createdAt: string, };

export type ConversationView = { agentId: string, agentName: string, 
/**
 * The agent's status in words ("Busy since 14:00").
 */
statusText: string, statusMessage: string | null, 
/**
 * The latest messages, oldest first.
 */
messages: Array<ChatMessageView>, 
/**
 * The person's messages to this agent still waiting in the outbox.
 */
waiting: number, 
/**
 * False for a watch-only account (signed in with an API key).
 */
canSend: boolean, };

export type OAuthStateEvent = { state: string, 
/**
 * `completed`, `failed` or `expired`.
 */
outcome: string, 
/**
 * The provider's words when it refused.
 */
detail?: string, };

export type InboxFocusEvent = { messageId: string, };

export type ConversationChangedEvent = { agentId: string, failed?: string, };

export type UiEvent = { "name": "review-state", "payload": ReviewStateEvent } | { "name": "review-updated", "payload": ReviewUpdatedEvent } | { "name": "inbox-changed", "payload": null } | { "name": "status-changed", "payload": AppStatus } | { "name": "review-preselect", "payload": ReviewPreselectEvent } | { "name": "download-progress", "payload": DownloadProgressEvent } | { "name": "proposal-state", "payload": ProposalStateEvent } | { "name": "oauth-state", "payload": OAuthStateEvent } | { "name": "inbox-focus", "payload": InboxFocusEvent } | { "name": "conversation-changed", "payload": ConversationChangedEvent };
