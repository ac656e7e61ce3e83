// @ts-check
/**
 * The one module that talks to Rust: a typed wrapper for every command and event of the
 * app (src-tauri/src/shell/commands.rs and wiring.rs). Every command rejects with an
 * {@link IpcError}; pages switch on its `code`.
 *
 * A page may only call the commands its window's capability grants
 * (src-tauri/capabilities/*.json); calling another one rejects.
 */

// ---------------------------------------------------------------------------------------
// Types of the contract

/**
 * @typedef {'notConnected'|'authExpired'|'wrongCredentials'|'keychainUnavailable'|'network'
 *   |'tls'|'notPlacet'|'badInput'|'invalidAnswer'|'alreadyAnswered'|'notFound'|'watchOnly'
 *   |'internal'} ErrorCode
 */

/** @typedef {{code: ErrorCode, message: string}} IpcError */

/** @typedef {'primary'|'danger'|'secondary'|'ghost'|'default'} OptionStyle */
/** @typedef {{id: string, label: string, style: OptionStyle}} ApprovalOption */
/** @typedef {{options: ApprovalOption[], allowComment: boolean}} ApprovalPayload */

/** @typedef {{id: string, label: string, description?: string|null}} SelectionItem */
/**
 * @typedef {{mode: 'single'|'multi', items: SelectionItem[], submitLabel: string,
 *   dismissLabel?: string|null}} SelectionPayload
 */

/**
 * @typedef {'text'|'number'|'email'|'url'|'textarea'|'select'|'checkbox'|'date'|'time'
 *   |'datetime'|'range'|'password'} FieldType
 */
/** @typedef {string|number|boolean} FieldValue */
/**
 * @typedef {{name: string, type: FieldType, label?: string|null, required: boolean,
 *   options: {label: string, value: string}[], min?: number|null, max?: number|null,
 *   step?: number|null, unit?: string|null, defaultValue?: unknown, description?: string|null,
 *   placeholder?: string|null}} FormField
 */
/**
 * @typedef {{fields: FormField[], submitLabel: string, dismissLabel?: string|null}} FormPayload
 */

/**
 * @typedef {{placeholder?: string|null, prefill?: string|null, markdown: boolean,
 *   minLength?: number|null, maxLength?: number|null, submitLabel: string,
 *   dismissLabel?: string|null}} TextInputPayload
 */

/** @typedef {'approval'|'selection'|'form'|'text-input'|'freeform'} RenderAs */
/** @typedef {'pending'|'completed'|'expired'|'other'} ReviewStatus */

/**
 * A review as Rust normalised it: `renderAs` says which renderer to use; the payload has
 * the shape of that renderer (any JSON for freeform).
 * @typedef {{type: string, renderAs: RenderAs, payload: any, status: ReviewStatus,
 *   response?: unknown, expiresAt: string|null, completedAt?: string|null,
 *   feedback?: string|null}} Review
 */

/** @typedef {'pending'|'sending'|'answered'|'expired'} ReviewState */

/** @typedef {{id: string, filename: string, mimeType?: string|null, size?: number|null}} Attachment */

/**
 * @typedef {{id: string, agentId: string, agentName: string, createdAt: string, html: string,
 *   review: Review, state: ReviewState, attachments: Attachment[], iteration: number|null,
 *   previousFeedback: string|null, previousResponse: unknown, canAnswer: boolean}} ReviewView
 */

/**
 * What the person decided; Rust validates it against the review and builds the JSON the
 * official web UI sends.
 * @typedef {{kind: 'approval', optionId: string, comment?: string}
 *   | {kind: 'selection', ids: string[]}
 *   | {kind: 'form', values: Record<string, FieldValue>}
 *   | {kind: 'text', text: string}
 *   | {kind: 'freeform', object: Record<string, unknown>}
 *   | {kind: 'dismiss'}} Answer
 */

/** @typedef {'active'|'busy'|'error'|'offline'|'other'} AgentStatus */
/** @typedef {{id: string, name: string, status: AgentStatus}} AgentView */

/**
 * @typedef {{id: string, agentId: string, agentName: string, title: string, review: Review,
 *   createdAt: string, sending: boolean}} InboxItem
 */
/** @typedef {{items: InboxItem[], agents: AgentView[], canAnswer: boolean}} InboxView */

/**
 * @typedef {{state: 'signedOut'|'connecting'|'connected'|'reconnecting'|'offline'|'authExpired',
 *   since?: string, attempt?: number, retryAt?: string, reason?: string}} SessionState
 */
/**
 * @typedef {{signedIn: boolean, server: string|null, account: string|null, watchOnly: boolean,
 *   saved: boolean, state: SessionState, stateText: string}} AppStatus
 */

/** @typedef {{start: string, end: string}} QuietHours */
/**
 * @typedef {{pausedUntil: string|null, quietHours: QuietHours|null, mutedAgents: string[],
 *   notifyFor: 'reviews'|'all', sound: boolean, autostart: boolean}} Settings
 */
/** @typedef {{settings: Settings, agents: AgentView[]}} SettingsView */

/**
 * @typedef {{messageId: string, state: ReviewState, by?: 'here'|'elsewhere',
 *   response?: unknown, detail?: string, retryAt?: string}} ReviewStateEvent
 */

// ---------------------------------------------------------------------------------------
// Errors

/** @type {ReadonlySet<string>} */
const CODES = new Set([
  'notConnected', 'authExpired', 'wrongCredentials', 'keychainUnavailable', 'network', 'tls',
  'notPlacet', 'badInput', 'invalidAnswer', 'alreadyAnswered', 'notFound', 'watchOnly',
  'internal',
]);

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
 * @param {string} cmd
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

/** @param {string} id @param {Answer} answer @returns {Promise<null>} */
export const reviewRespond = (id, answer) => call('review_respond', { id, answer });

/**
 * Opens a review's window. `option` asks it to preselect an approval option for a
 * confirming click (the Rust side needs an `option` argument for that; see the UI notes).
 * @param {string} id @param {string} [option] @returns {Promise<null>}
 */
export const reviewOpen = (id, option) =>
  call('review_open', option === undefined ? { id } : { id, option });

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

/** @param {string} server @returns {Promise<string>} the normalised URL */
export const serverCheck = (server) => call('server_check', { server });

/**
 * @param {{server: string, email: string, password: string, thisRunOnly: boolean}} args
 * @returns {Promise<AppStatus>}
 */
export const signIn = (args) => call('sign_in', args);

/**
 * @param {{server: string, key: string, thisRunOnly: boolean}} args
 * @returns {Promise<AppStatus>}
 */
export const signInApiKey = (args) => call('sign_in_api_key', args);

/** @returns {Promise<AppStatus>} */
export const signOut = () => call('sign_out');

/** @returns {Promise<SettingsView>} */
export const settingsGet = () => call('settings_get');

/** @param {Settings} settings @returns {Promise<null>} */
export const settingsSet = (settings) => call('settings_set', { settings });

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
   * @template T
   * @param {string} name
   * @param {(payload: T) => void} handler
   * @returns {Promise<void>} resolves once the listener is registered
   */
  listen(name, handler) {
    const p = window.__TAURI__.event.listen(name, (/** @type {TauriEvent<T>} */ e) => {
      if (!this.disposed) handler(e.payload);
    });
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
    return this.listen('review-preselect', (/** @type {unknown} */ p) => {
      if (typeof p === 'string') handler(p);
    });
  }

  /** Stops every listener of the page. */
  dispose() {
    this.disposed = true;
    for (const p of this.pending.splice(0)) {
      p.then((unlisten) => unlisten()).catch(() => {});
    }
  }
}
