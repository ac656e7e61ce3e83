// Generated from crates/placet-tray-core/src/ipc by its `bindings_are_current` test
// (UPDATE_BINDINGS=1 cargo test -p placet-tray-core bindings). Do not edit.
import type { AgentStatus, Attachment, Review, SessionState } from './protocol';

/** Every command of the pages (the command table). */
export type CommandName = "review_get" | "review_respond" | "review_open" | "attachment_download" | "link_open" | "inbox_list" | "inbox_open" | "app_status" | "server_check" | "sign_in" | "sign_in_api_key" | "sign_out" | "settings_get" | "settings_set" | "settings_open";

export type ErrorCode = "notConnected" | "authExpired" | "wrongCredentials" | "keychainUnavailable" | "network" | "tls" | "notPlacet" | "badInput" | "invalidAnswer" | "alreadyAnswered" | "notFound" | "watchOnly" | "notAllowed" | "internal";

export type IpcError = { code: ErrorCode, message: string, };

export type ReviewState = "pending" | "sending" | "answered" | "expired";

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
 * False in watch-only (API key) mode.
 */
canAnswer: boolean, };

export type InboxItem = { id: string, agentId: string, agentName: string, 
/**
 * First line of the text, plain.
 */
title: string, review: Review, createdAt: string, sending: boolean, };

export type InboxView = { items: Array<InboxItem>, agents: Array<AgentView>, canAnswer: boolean, };

export type AgentView = { id: string, name: string, status: AgentStatus, };

export type AppStatus = { signedIn: boolean, server: string | null, account: string | null, watchOnly: boolean, 
/**
 * False when the sign-in is held for this run only.
 */
saved: boolean, state: SessionState, stateText: string, };

export type NotifyFor = "reviews" | "all";

export type QuietHours = { 
/**
 * `HH:MM`.
 */
start: string, end: string, };

export type Settings = { pausedUntil: string | null, quietHours: QuietHours | null, mutedAgents: Array<string>, notifyFor: NotifyFor, sound: boolean, autostart: boolean, };

export type SettingsView = { settings: Settings, agents: Array<AgentView>, };

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

export type UiEvent = { "name": "review-state", "payload": ReviewStateEvent } | { "name": "review-updated", "payload": ReviewUpdatedEvent } | { "name": "inbox-changed", "payload": null } | { "name": "status-changed", "payload": AppStatus } | { "name": "review-preselect", "payload": string };
