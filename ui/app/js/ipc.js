// @ts-check
/**
 * The one module that talks to Rust: a typed wrapper for every command and event of the
 * app (the command table and events of crates/placet-tray-core/src/ipc). Every command
 * rejects with an {@link IpcError}; pages switch on its `code`.
 *
 * A page may only call the commands its window's capability grants
 * (src-tauri/capabilities/*.json); calling another one rejects.
 */

// ---------------------------------------------------------------------------------------
// Types of the contract: the app's own are generated from Rust (types/bindings.d.ts), the
// protocol's are written from placet-client (types/protocol.d.ts). Re-exported here so
// pages import every type from this module.

/** @typedef {import('../../types/bindings').CommandName} CommandName */
/** @typedef {import('../../types/bindings').ErrorCode} ErrorCode */
/** @typedef {import('../../types/bindings').IpcError} IpcError */
/** @typedef {import('../../types/bindings').ReviewState} ReviewState */
/** @typedef {import('../../types/bindings').ReviewView} ReviewView */
/** @typedef {import('../../types/bindings').DecisionView} DecisionView */
/** @typedef {import('../../types/bindings').InboxItem} InboxItem */
/** @typedef {import('../../types/bindings').InboxView} InboxView */
/** @typedef {import('../../types/bindings').AgentView} AgentView */
/** @typedef {import('../../types/bindings').AppStatus} AppStatus */
/** @typedef {import('../../types/bindings').AccountView} AccountView */
/** @typedef {import('../../types/bindings').ServerCheckView} ServerCheckView */
/** @typedef {import('../../types/bindings').QuietHours} QuietHours */
/** @typedef {import('../../types/bindings').Settings} Settings */
/** @typedef {import('../../types/bindings').SettingsView} SettingsView */
/** @typedef {import('../../types/bindings').ReviewStateEvent} ReviewStateEvent */
/** @typedef {import('../../types/bindings').DownloadProgressEvent} DownloadProgressEvent */
/** @typedef {import('../../types/bindings').UiEvent} UiEvent */
/** @typedef {import('../../types/bindings').ProposalView} ProposalView */
/** @typedef {import('../../types/bindings').ProposalState} ProposalState */
/** @typedef {import('../../types/bindings').ProposalStateEvent} ProposalStateEvent */
/** @typedef {import('../../types/bindings').AnswerRow} AnswerRow */
/** @typedef {import('../../types/bindings').OAuthView} OAuthView */
/** @typedef {import('../../types/bindings').ConversationView} ConversationView */
/** @typedef {import('../../types/bindings').ChatMessageView} ChatMessageView */
/** @typedef {import('../../types/bindings').AttachedFileView} AttachedFileView */
/** @typedef {import('../../types/bindings').ConversationChangedEvent} ConversationChangedEvent */
/** @typedef {import('../../types/bindings').OAuthStateEvent} OAuthStateEvent */
/** @typedef {import('../../types/bindings').AttentionPrefs} AttentionPrefs */
/** @typedef {import('../../types/bindings').DesktopView} DesktopView */
/** @typedef {import('../../types/bindings').HistoryView} HistoryView */
/** @typedef {import('../../types/bindings').HistoryEntry} HistoryEntry */
/** @typedef {import('../../types/bindings').DecisionPath} DecisionPath */
/** @typedef {import('../../types/bindings').SnoozeFor} SnoozeFor */
/** @typedef {import('../../types/bindings').SnoozedView} SnoozedView */
/** Each event's payload by its name. @typedef {{[E in UiEvent as E['name']]: E['payload']}} UiEventPayloads */

/** @typedef {import('../../types/protocol').OptionStyle} OptionStyle */
/** @typedef {import('../../types/protocol').ApprovalOption} ApprovalOption */
/** @typedef {import('../../types/protocol').ApprovalPayload} ApprovalPayload */
/** @typedef {import('../../types/protocol').SelectionItem} SelectionItem */
/** @typedef {import('../../types/protocol').SelectionPayload} SelectionPayload */
/** @typedef {import('../../types/protocol').FieldType} FieldType */
/** @typedef {import('../../types/protocol').FieldValue} FieldValue */
/** @typedef {import('../../types/protocol').FormField} FormField */
/** @typedef {import('../../types/protocol').FormPayload} FormPayload */
/** @typedef {import('../../types/protocol').TextInputPayload} TextInputPayload */
/** @typedef {import('../../types/protocol').RenderAs} RenderAs */
/** @typedef {import('../../types/protocol').ReviewStatus} ReviewStatus */
/** @typedef {import('../../types/protocol').Review} Review */
/** @typedef {import('../../types/protocol').Attachment} Attachment */
/** @typedef {import('../../types/protocol').Answer} Answer */
/** @typedef {import('../../types/protocol').AgentStatus} AgentStatus */
/** @typedef {import('../../types/protocol').SessionState} SessionState */

// ---------------------------------------------------------------------------------------
// Errors

/**
 * Every error code, as a record so that tsc fails when Rust adds a code this list lacks.
 * @type {Record<ErrorCode, true>}
 */
const CODE_TABLE = {
  notConnected: true, authExpired: true, wrongCredentials: true, keychainUnavailable: true,
  network: true, tls: true, notPlacet: true, badInput: true, invalidAnswer: true,
  alreadyAnswered: true, notFound: true, watchOnly: true, notAllowed: true, answersQueued: true,
  insecureHttp: true, redirect: true, withdrawn: true, noLiveConnection: true, internal: true,
};
/** @type {ReadonlySet<string>} */
const CODES = new Set(Object.keys(CODE_TABLE));

/**
 * Whether `e` is a command error.
 * @param {unknown} e
 * @returns {e is IpcError}
 */
export function isIpcError(e) {
  return typeof e === 'object' && e !== null
    && typeof (/** @type {{code?: unknown}} */ (e).code) === 'string'
    && CODES.has(/** @type {{code: string}} */ (e).code)
    && typeof (/** @type {{message?: unknown}} */ (e).message) === 'string';
}

/**
 * Any rejection as an {@link IpcError}: Tauri's own refusals (a command the capability
 * does not grant, a bad argument) arrive as plain strings.
 * @param {unknown} e
 * @returns {IpcError}
 */
export function toIpcError(e) {
  if (isIpcError(e)) return e;
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

/**
 * @template T
 * @param {CommandName} cmd
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
async function call(cmd, args) {
  try {
    return await window.__TAURI__.core.invoke(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

// ---------------------------------------------------------------------------------------
// Commands

/** @param {string} id @returns {Promise<ReviewView>} */
export const reviewGet = (id) => call('review_get', { id });

/**
 * Answers a review; `feedback` asks the agent for changes (sent beside the answer).
 * @param {string} id @param {Answer} answer @param {string} [feedback] @returns {Promise<null>}
 */
export const reviewRespond = (id, answer, feedback) =>
  call('review_respond', feedback === undefined ? { id, answer } : { id, answer, feedback });

/** A program's proposed answer, for its confirmation window. @param {number} id @returns {Promise<ProposalView>} */
export const proposalGet = (id) => call('proposal_get', { id });

/**
 * Changes the signed-in person's password (the current one checked by the server).
 * @param {string} current @param {string} newPassword @returns {Promise<AppStatus>}
 */
export const changePassword = (current, newPassword) => call('change_password', { current, newPassword });

/** Sends a review's answer to its agent again, after its webhook failed. @param {string} id @returns {Promise<null>} */
export const retryDelivery = (id) => call('retry_delivery', { id });

/** An agent's sign-in prompt. @param {string} state @returns {Promise<OAuthView>} */
export const oauthGet = (state) => call('oauth_get', { state });

/**
 * The conversation with an agent: its status and latest messages, oldest first.
 * @param {string} agent @returns {Promise<ConversationView>}
 */
export const conversationGet = (agent) => call('conversation_get', { agent });

/**
 * Sends the person's message to an agent, with the files attached for it (queued, sent
 * with a clientId so it never goes twice). Resolves with that clientId.
 * @param {string} agent @param {string} text @param {string[]} [attachments]
 * @returns {Promise<string>}
 */
export const conversationSend = (agent, text, attachments = []) =>
  call('conversation_send', { agent, text, attachments });

/**
 * Stores a file in the agent's channel for the person's next message.
 * @param {string} agent @param {string} name @param {string} mimeType
 * @param {string} data the bytes, base64
 * @returns {Promise<AttachedFileView>}
 */
export const conversationAttach = (agent, name, mimeType, data) =>
  call('conversation_attach', { agent, name, mimeType, data });

/** Opens the prompt's vetted sign-in page in the browser. @param {string} state @returns {Promise<null>} */
export const oauthOpen = (state) => call('oauth_open', { state });

/** The person's decision about a proposal. @param {number} id @param {boolean} confirm @returns {Promise<null>} */
export const proposalDecide = (id, confirm) => call('proposal_decide', { id, confirm });

/**
 * Opens a review's window. `option` asks it to preselect an approval option for a
 * confirming click (the Rust side needs an `option` argument for that; see the UI notes).
 * @param {string} id @param {string} [option] @returns {Promise<null>}
 */
export const reviewOpen = (id, option) =>
  call('review_open', option === undefined ? { id } : { id, option });

/** Opens the review's page in Placet's web app. @param {string} id @returns {Promise<null>} */
export const reviewOpenWeb = (id) => call('review_open_web', { id });

/** @param {string} id @returns {Promise<string>} the saved file's path */
export const attachmentDownload = (id) => call('attachment_download', { id });

/** @param {string} url @returns {Promise<null>} */
export const linkOpen = (url) => call('link_open', { url });

/** @returns {Promise<InboxView>} */
export const inboxList = () => call('inbox_list');

/** @returns {Promise<null>} */
export const inboxOpen = () => call('inbox_open');

/** @returns {Promise<null>} */
export const settingsOpen = () => call('settings_open');

/** @returns {Promise<AppStatus>} */
export const appStatus = () => call('app_status');

/**
 * Checks that a server answers like Placet and finds its live connection (or checks the
 * `apiUrl` given). Plain `http` to a host that is not this machine is refused
 * (`insecureHttp`) unless `allowInsecureHttp`; a live connection not found is
 * `noLiveConnection`.
 * @param {string} server @param {boolean} [allowInsecureHttp] @param {string} [apiUrl]
 * @returns {Promise<ServerCheckView>} the normalised addresses
 */
export const serverCheck = (server, allowInsecureHttp = false, apiUrl = undefined) =>
  call('server_check', apiUrl === undefined ? { server, allowInsecureHttp } : { server, allowInsecureHttp, apiUrl });

/**
 * @param {{server: string, apiUrl?: string, email: string, password: string, thisRunOnly: boolean, allowInsecureHttp?: boolean}} args
 * @returns {Promise<AppStatus>}
 */
export const signIn = (args) => call('sign_in', args);

/**
 * @param {{server: string, apiUrl?: string, key: string, thisRunOnly: boolean, allowInsecureHttp?: boolean}} args
 * @returns {Promise<AppStatus>}
 */
export const signInApiKey = (args) => call('sign_in_api_key', args);

/**
 * Signs out of `account` (its label; none: the only account). With answers still
 * queued it rejects with `answersQueued` unless `queued` says whether to deliver them
 * first or discard them.
 * @param {'deliver'|'discard'} [queued]
 * @param {string} [account]
 * @returns {Promise<AppStatus>}
 */
export const signOut = (queued, account) => call('sign_out', {
  ...(queued === undefined ? {} : { queued }),
  ...(account === undefined ? {} : { account }),
});

/** @returns {Promise<SettingsView>} */
export const settingsGet = () => call('settings_get');

/** @param {Settings} settings @returns {Promise<null>} */
export const settingsSet = (settings) => call('settings_set', { settings });

/**
 * The decided reviews (the local decision log), newest first, searched by agent (its
 * name) and text. Passwords show as dots.
 * @param {{agent?: string, text?: string}} [search] @returns {Promise<HistoryView>}
 */
export const historyList = (search = {}) => call('history_list', search);

/**
 * Takes a review's notification away until later; it comes back then (nothing is
 * answered).
 * @param {string} id @param {SnoozeFor} howLong @returns {Promise<SnoozedView>}
 */
export const reviewSnooze = (id, howLong) => call('review_snooze', { id, for: howLong });

/** Closes this page's window. */
export async function closeWindow() {
  await window.__TAURI__.window.getCurrentWindow().close();
}

/** Ctrl+W (Cmd+W) closes the window, as in other desktop apps. */
export function closeOnCtrlW() {
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'w') {
      e.preventDefault();
      void closeWindow();
    }
  });
}

// ---------------------------------------------------------------------------------------
// Events

/**
 * The listeners of a page. Every `on*` call registers with it; {@link Listeners.dispose}
 * (called when the page unloads) calls every unlisten handle.
 */
export class Listeners {
  constructor() {
    /** @type {Promise<TauriUnlisten>[]} */
    this.pending = [];
    this.disposed = false;
    window.addEventListener('pagehide', () => this.dispose(), { once: true });
  }

  /**
   * @template {keyof UiEventPayloads} N
   * @param {N} name
   * @param {(payload: UiEventPayloads[N]) => void} handler
   * @returns {Promise<void>} resolves once the listener is registered
   */
  listen(name, handler) {
    // Only what is sent to this window (or to every window): events about another
    // window's review never reach this page.
    const label = window.__TAURI__.window.getCurrentWindow().label;
    const p = window.__TAURI__.event.listen(
      name,
      (/** @type {TauriEvent<UiEventPayloads[N]>} */ e) => {
        if (!this.disposed) handler(e.payload);
      },
      { target: { kind: 'WebviewWindow', label } },
    );
    this.pending.push(p);
    return p.then(() => undefined);
  }

  /** @param {(e: ReviewStateEvent) => void} handler */
  onReviewState(handler) {
    return this.listen('review-state', handler);
  }

  /** @param {(e: {messageId: string}) => void} handler */
  onReviewUpdated(handler) {
    return this.listen('review-updated', handler);
  }

  /** @param {() => void} handler */
  onInboxChanged(handler) {
    return this.listen('inbox-changed', () => handler());
  }

  /** @param {(status: AppStatus) => void} handler */
  onStatusChanged(handler) {
    return this.listen('status-changed', handler);
  }

  /** @param {(optionId: string) => void} handler */
  onReviewPreselect(handler) {
    return this.listen('review-preselect', (p) => {
      if (p && typeof p.optionId === 'string') handler(p.optionId);
    });
  }

  /** @param {(e: DownloadProgressEvent) => void} handler */
  onDownloadProgress(handler) {
    return this.listen('download-progress', handler);
  }

  /** @param {(e: ProposalStateEvent) => void} handler */
  onProposalState(handler) {
    return this.listen('proposal-state', handler);
  }

  /** @param {(e: OAuthStateEvent) => void} handler */
  onOAuthState(handler) {
    return this.listen('oauth-state', handler);
  }

  /** The inbox is asked to select a review. @param {(messageId: string) => void} handler */
  onInboxFocus(handler) {
    return this.listen('inbox-focus', (p) => {
      if (p && typeof p.messageId === 'string') handler(p.messageId);
    });
  }

  /** @param {(e: ConversationChangedEvent) => void} handler */
  onConversationChanged(handler) {
    return this.listen('conversation-changed', handler);
  }

  /** Stops every listener of the page. */
  dispose() {
    this.disposed = true;
    for (const p of this.pending.splice(0)) {
      p.then((unlisten) => unlisten()).catch(() => {});
    }
  }
}
