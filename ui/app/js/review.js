// @ts-check
/**
 * The review window (`review.html?id=<messageId>[&option=<optionId>]`): one review, its
 * message, attachments and previous round, and the controls of its type.
 *
 * Lifecycle: the page registers its event listeners, then fetches the review. States
 * come from `review_get` and then from `review-state` events; an answer sent from here
 * shows "Sending…", then "Sent", and the window closes itself 1.5 s later. A review
 * answered elsewhere, expired (by the server or by the countdown reaching zero), or
 * withdrawn (the agent deleted it) keeps the window open with its controls disabled and
 * says so. A review this app must not answer (`renderAs: "external"`) has no controls,
 * only "Open in Placet". Our own answer, from the decision log, is one line under the
 * banner, read again on `review-updated` (its delivery to the agent).
 *
 * Security: the message HTML from Rust is the only HTML ever inserted (it was rendered
 * from markdown and sanitised there); every other agent-supplied string is set as text.
 * Links never navigate the webview: a click opens them in the system browser.
 */

import * as ipc from './ipc.js';
import { byId, freshId, h, replace, setBanner } from './dom.js';
import { describeError } from './messages.js';
import { language, t } from './i18n.js';
import { formatLeft, formatReceived, parseTime } from './time.js';
import { renderAttachments, showProgress } from './attachments.js';
import { decisionLine } from './decision.js';
import { renderApproval } from './render/approval.js';
import { renderSelection } from './render/selection.js';
import { renderForm } from './render/form.js';
import { renderTextInput } from './render/text-input.js';
import { renderFreeform } from './render/freeform.js';
import { renderExternal } from './render/external.js';

/** How long "Sent" stays up before the window closes. */
const CLOSE_AFTER_SENT_MS = 1500;
/** When no state event follows a queued answer for this long, ask Rust for the state. */
const RECHECK_AFTER_MS = 5000;

/** @typedef {'loading'|'error'|'pending'|'sending'|'answered'|'expired'|'withdrawn'} Phase */

const params = new URLSearchParams(window.location.search);
const messageId = params.get('id') ?? '';
const listeners = new ipc.Listeners();

const main = byId('main');
const banner = byId('banner');
const answerSection = byId('answer');
const expiryEl = byId('expiry');

/** @type {Phase} */
let phase = 'loading';
/** @type {ipc.ReviewView|null} */
let view = null;
/** @type {import('./render/common.js').Controls|null} */
let controls = null;
/** The payload the controls were built for, to rebuild them only when it changes. */
let renderedPayload = '';
let submittedHere = false;
/** @type {number|undefined} */
let countdown;
/** @type {number|undefined} */
let recheck;

/**
 * Shows a banner; `kind` picks its colour.
 * @param {'info'|'success'|'warning'|'error'} kind
 * @param {string} title
 * @param {string} [detail]
 * @param {Node} [extra]
 */
function showBanner(kind, title, detail, extra) {
  setBanner(banner, kind, title, detail, extra);
}

function hideBanner() {
  banner.hidden = true;
  replace(banner);
  delete banner.dataset.kind;
}

/** The phase now (a function, so that type narrowing does not outlive an `await`). */
function currentPhase() {
  return phase;
}

/** @param {Phase} next */
function setPhase(next) {
  phase = next;
  document.body.dataset.state = next;
  controls?.setLocked(next !== 'pending');
  const feedback = document.getElementById('request-changes');
  if (feedback instanceof HTMLDetailsElement && next !== 'pending') feedback.hidden = true;
}

/**
 * The answer given, for the banners of an answered review.
 * @param {unknown} response
 */
function responseDetails(response) {
  if (response === undefined || response === null) return undefined;
  let text;
  try {
    text = JSON.stringify(response, null, 2);
  } catch {
    return undefined;
  }
  return h('details', { class: 'response' },
    h('summary', { text: t('rw-answer-given') }),
    h('pre', { class: 'code', dir: 'ltr', text }));
}

/**
 * Applies a review state from `review_get` or a `review-state` event.
 * @param {ipc.ReviewState} state
 * @param {{by?: 'here'|'elsewhere', response?: unknown, detail?: string}} [info]
 */
function applyState(state, info = {}) {
  window.clearTimeout(recheck);
  switch (state) {
    case 'pending':
      if (phase === 'answered' || phase === 'expired' || phase === 'withdrawn') return;
      setPhase('pending');
      if (submittedHere) {
        submittedHere = false;
        showBanner('warning', t('rw-not-sent'), t('rw-taken-back'));
      } else {
        hideBanner();
      }
      break;
    case 'sending':
      if (phase === 'answered' || phase === 'withdrawn') return;
      setPhase('sending');
      showBanner('info', t('rw-sending'), info.detail ? t('rw-sending-retrying', { detail: info.detail }) : undefined);
      break;
    case 'answered': {
      setPhase('answered');
      const details = responseDetails(info.response ?? view?.review.response);
      if (info.by === 'elsewhere') {
        showBanner('warning', t('rw-answered-elsewhere'), t('rw-answered-elsewhere-detail'), details);
      } else if (info.by === 'here' && submittedHere) {
        showBanner('success', t('rw-sent'), t('rw-sent-detail'));
        window.setTimeout(() => { void ipc.closeWindow(); }, CLOSE_AFTER_SENT_MS);
      } else if (info.by === 'here') {
        showBanner('success', t('rw-answered-here'), t('rw-answered-here-detail'), details);
      } else {
        showBanner('info', t('rw-already-answered'), t('rw-already-answered-detail'), details);
      }
      break;
    }
    case 'expired':
      setPhase('expired');
      showBanner('warning', t('rw-expired'), t('rw-expired-detail'));
      break;
    case 'withdrawn':
      setPhase('withdrawn');
      showBanner('warning', t('rw-withdrawn'), submittedHere
        ? t('rw-withdrawn-after-answer')
        : t('rw-withdrawn-detail'));
      submittedHere = false;
      break;
  }
  updateExpiry();
}

function updateExpiry() {
  if (!view) return;
  const at = parseTime(view.review.expiresAt);
  expiryEl.classList.remove('soon', 'over');
  if (phase === 'answered') {
    expiryEl.textContent = t('rw-expiry-answered');
    return;
  }
  if (phase === 'withdrawn') {
    expiryEl.textContent = t('rw-expiry-withdrawn');
    return;
  }
  if (at === null) {
    expiryEl.textContent = t('rw-no-expiry');
    return;
  }
  const left = at.getTime() - Date.now();
  if (phase === 'expired') {
    expiryEl.textContent = t('rw-expiry-expired');
    expiryEl.classList.add('over');
    return;
  }
  if (left <= 0) {
    // The server expires reviews in a job that runs each minute, and takes answers
    // until then: the review stays answerable until it says so.
    expiryEl.textContent = t('rw-expiring');
    expiryEl.setAttribute('title', t('rw-expiring-title', { time: at.toLocaleString(language) }));
    expiryEl.classList.add('over');
    return;
  }
  expiryEl.textContent = t('rw-expires-in', { left: formatLeft(left) });
  expiryEl.setAttribute('title', t('rw-expires-at', { time: at.toLocaleString(language) }));
  if (left < 5 * 60_000) expiryEl.classList.add('soon');
}

/**
 * Sends the person's answer (with `feedback`: a request for changes). Resolves `true`
 * once Rust accepted it (validated and queued in the outbox); the states that follow
 * arrive as events.
 * @param {ipc.Answer} answer
 * @param {string} [feedback]
 * @returns {Promise<boolean>}
 */
async function submit(answer, feedback) {
  if (phase !== 'pending' || !view?.canAnswer) return false;
  submittedHere = true;
  setPhase('sending');
  showBanner('info', t('rw-sending'));
  try {
    await ipc.reviewRespond(messageId, answer, feedback);
  } catch (err) {
    submittedHere = false;
    const e = ipc.toIpcError(err);
    if (e.code === 'alreadyAnswered') {
      showBanner('warning', t('rw-not-sent'), describeError(e));
      await refresh();
      return false;
    }
    setPhase('pending');
    showBanner('error', e.code === 'invalidAnswer' ? t('rw-not-sent-colon') : t('rw-not-sent'), describeError(e));
    return false;
  }
  // Events may have moved the phase on while Rust was answering.
  if (currentPhase() === 'sending') {
    recheck = window.setTimeout(() => { void recheckState(); }, RECHECK_AFTER_MS);
  }
  return true;
}

async function recheckState() {
  if (phase !== 'sending') return;
  try {
    const v = await ipc.reviewGet(messageId);
    if (v.state === 'answered') applyState('answered', { by: 'here', response: v.review.response });
    else if (v.state === 'expired' || v.state === 'withdrawn') applyState(v.state);
  } catch (err) {
    if (ipc.toIpcError(err).code === 'notFound') applyState('withdrawn');
    // Otherwise events will tell.
  }
}

/**
 * Opens the review in Placet's web app; resolves to what to tell the person on failure.
 * @returns {Promise<string|null>}
 */
async function openWeb() {
  try {
    await ipc.reviewOpenWeb(messageId);
    return null;
  } catch (err) {
    return t('rw-cannot-open', { reason: describeError(ipc.toIpcError(err)) });
  }
}

/** @param {ipc.ReviewView} v @param {string|null} preselect */
function renderControls(v, preselect) {
  /** @type {import('./render/common.js').RenderContext} */
  const ctx = { view: v, submit, preselect, openWeb, withdrawn: () => phase === 'withdrawn' };
  switch (v.review.renderAs) {
    case 'external': return renderExternal(ctx);
    case 'approval': return renderApproval(ctx);
    case 'selection': return renderSelection(ctx);
    case 'form': return renderForm(ctx);
    case 'text-input': return renderTextInput(ctx);
    default: return renderFreeform(ctx);
  }
}

/** @param {ipc.ReviewView} v */
function renderHeader(v) {
  byId('agent').textContent = v.agentName;
  byId('avatar').textContent = [...v.agentName.trim()][0]?.toUpperCase() ?? '?';
  // With several accounts, which one asks.
  const account = byId('account');
  account.textContent = v.account ? t('rw-on-account', { account: v.account }) : '';
  account.hidden = !v.account;
  byId('account-dot').hidden = !v.account;
  const received = parseTime(v.createdAt);
  const receivedEl = byId('received');
  receivedEl.textContent = received ? t('rw-received', { time: formatReceived(received) }) : '';
  if (received) receivedEl.setAttribute('title', received.toLocaleString(language));
}

/** @param {ipc.ReviewView} v */
function renderMessage(v) {
  const article = byId('message');
  // The one innerHTML of the app: Rust rendered the markdown and sanitised it (ammonia:
  // formatting tags and http/https/mailto links only; no scripts, handlers or images).
  article.innerHTML = v.html;
  article.hidden = v.html.trim() === '';
}

/** @param {ipc.ReviewView} v */
function renderPrevious(v) {
  const section = byId('previous');
  const round = v.iteration ?? 1;
  if (round < 2 || v.rounds.length === 0) {
    section.hidden = true;
    return;
  }
  byId('previous-title').textContent = t('rw-previous-title', { round, count: v.rounds.length });
  const last = v.rounds.length - 1;
  replace(byId('previous-body'), ...v.rounds.map((r, i) => {
    const ids = i === last ? { feedback: 'previous-feedback', response: 'previous-response' } : { feedback: undefined, response: undefined };
    const box = h('details', { class: 'previous-round', data: { iteration: String(r.iteration) } },
      h('summary', { text: r.feedback ? t('rw-round-changes-asked', { round: r.iteration }) : t('rw-round', { round: r.iteration }) }),
      r.feedback != null
        ? h('div', { class: 'previous-item' },
          h('p', { class: 'field-label', text: t('rw-your-feedback') }),
          h('p', { class: 'feedback', id: ids.feedback, dir: 'auto', text: r.feedback }))
        : null,
      r.response != null
        ? h('div', { class: 'previous-item' },
          h('p', { class: 'field-label', text: t('rw-your-answer') }),
          h('pre', { class: 'code', id: ids.response, dir: 'ltr', text: JSON.stringify(r.response, null, 2) }))
        : null);
    // The latest round is open; earlier ones are folded.
    if (i === last) box.open = true;
    return box;
  }));
  section.hidden = false;
}

/**
 * "Request changes": a text for the agent, sent with the web UI's dismissal as the
 * answer, so the agent knows this round is not accepted and what to change (it usually
 * answers with a revision).
 * @param {ipc.ReviewView} v
 */
function renderRequestChanges(v) {
  const slot = byId('request-changes-slot');
  const allowed = v.review.renderAs !== 'external' && v.canAnswer && v.state === 'pending';
  if (!allowed) {
    replace(slot);
    return;
  }
  if (slot.firstChild) return;
  const descId = freshId('feedback-desc');
  const text = h('textarea', { id: 'feedback-text', class: 'input', rows: 3, dir: 'auto', aria: { describedby: descId } });
  const send = h('button', { type: 'button', id: 'send-feedback', class: 'btn btn-secondary', disabled: true, text: t('rw-send-request-changes') });
  const box = h('details', { id: 'request-changes', class: 'request-changes' },
    h('summary', { text: t('rw-request-changes') }),
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: 'feedback-text', text: t('rw-request-changes-label') }),
      text,
      h('p', { class: 'request-changes-note', id: descId, text: t('rw-request-changes-note') })),
    send);
  const update = () => { send.disabled = text.value.trim() === '' || phase !== 'pending'; };
  text.addEventListener('input', update);
  send.addEventListener('click', () => {
    const feedback = text.value.trim();
    if (feedback === '') return;
    void submit({ kind: 'dismiss' }, feedback).then((ok) => { if (ok) box.open = false; });
  });
  slot.append(box);
}

/**
 * What the web UI says of a delivery status (`message-bubble.tsx`), or `undefined` for
 * the statuses it says nothing of.
 * @param {string} status
 * @returns {string|undefined}
 */
function deliveryWords(status) {
  switch (status) {
    case 'webhook_failed': return t('rw-delivery-webhook-failed');
    case 'webhook_delivered': return t('rw-delivery-delivered');
    case 'agent_received': return t('rw-delivery-acknowledged');
    default: return undefined;
  }
}

/**
 * The review's delivery to its agent, as the server has it; a failed webhook can be
 * retried (the server's refusal is shown as it says it).
 * @param {ipc.ReviewView} v
 */
function renderDelivery(v) {
  const box = byId('delivery');
  const words = v.state === 'answered' ? deliveryWords(v.deliveryStatus) : undefined;
  box.hidden = !words;
  box.dataset.status = v.deliveryStatus;
  byId('delivery-text').textContent = words ?? '';
  const retry = byId('retry-delivery', HTMLButtonElement);
  retry.hidden = v.deliveryStatus !== 'webhook_failed' || !v.canAnswer;
  retry.disabled = false;
  retry.onclick = () => {
    retry.disabled = true;
    byId('delivery-text').textContent = t('rw-retrying');
    ipc.retryDelivery(messageId).then(
      () => { byId('delivery-text').textContent = t('rw-delivery-retried'); },
      (err) => {
        retry.disabled = false;
        byId('delivery-text').textContent = t('rw-retry-failed', { reason: ipc.toIpcError(err).message });
      },
    );
  };
}

/** Our own answer from the decision log, in words. @param {ipc.ReviewView} v */
function renderDecision(v) {
  const el = byId('decision');
  if (!v.decision) {
    el.hidden = true;
    el.textContent = '';
    delete el.dataset.outcome;
    return;
  }
  el.textContent = decisionLine(v.decision);
  el.dataset.outcome = v.decision.outcome;
  el.dataset.delivered = String(v.decision.deliveredToAgent);
  el.setAttribute('title', v.decision.summary);
  el.hidden = false;
}

/**
 * Renders (or re-renders) the page for a fetched review. Controls are rebuilt only when
 * the payload changed, so a refresh never throws away what the person typed.
 * @param {ipc.ReviewView} v
 * @param {string|null} preselect
 */
function render(v, preselect) {
  view = v;
  renderHeader(v);
  renderMessage(v);
  renderPrevious(v);
  renderRequestChanges(v);
  renderDelivery(v);
  renderAttachments(v.attachments);
  renderDecision(v);

  const payloadKey = JSON.stringify([v.review.type, v.review.renderAs, v.review.payload, v.canAnswer]);
  if (payloadKey !== renderedPayload) {
    renderedPayload = payloadKey;
    // A review that must be answered in Placet says so, whatever the sign-in.
    if (v.canAnswer || v.review.renderAs === 'external') {
      controls = renderControls(v, preselect);
      replace(answerSection, controls.element);
    } else {
      controls = null;
      replace(answerSection, h('p', { class: 'note watch-only', id: 'watch-only', text: t('rw-watch-only') }));
    }
  }
  main.setAttribute('aria-busy', 'false');
  // A refresh that races our own answer (still being queued) must not undo "Sending…".
  if (!(phase === 'sending' && v.state === 'pending')) {
    // An answer our decision log says we sent was answered here.
    const by = v.state === 'answered' && v.decision?.outcome === 'sent' ? 'here' : undefined;
    applyState(v.state, { response: v.review.response, by });
  }
  window.clearInterval(countdown);
  countdown = window.setInterval(updateExpiry, 1000);
}

async function refresh() {
  try {
    const v = await ipc.reviewGet(messageId);
    render(v, null);
  } catch (err) {
    const e = ipc.toIpcError(err);
    if (e.code === 'withdrawn' || (view && e.code === 'notFound')) {
      // The message is gone from the server: the agent deleted it.
      applyState('withdrawn');
      return;
    }
    if (!view) {
      phase = 'error';
      document.body.dataset.state = 'error';
      byId('agent').textContent = t('rw-unavailable');
      main.setAttribute('aria-busy', 'false');
    }
    showBanner('error', t('rw-cannot-load'), describeError(e));
  }
}

/** Links in the message open in the system browser; the webview never navigates. */
function interceptLinks() {
  /** @param {MouseEvent} e */
  const onClick = (e) => {
    const target = e.target instanceof Element ? e.target.closest('a') : null;
    if (!target) return;
    e.preventDefault();
    const href = target.getAttribute('href');
    if (!href || e.type === 'auxclick' && e.button !== 1) return;
    ipc.linkOpen(href).catch((err) => {
      showBanner('error', t('rw-cannot-open-link'), describeError(ipc.toIpcError(err)));
    });
  };
  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);
}

function shortcuts() {
  ipc.closeOnCtrlW();
}

async function start() {
  interceptLinks();
  shortcuts();
  if (!messageId) {
    showBanner('error', t('rw-no-review'), t('rw-no-review-detail'));
    return;
  }
  await Promise.all([
    listeners.onReviewState((e) => {
      if (e.messageId !== messageId) {
        // Never expected: the tray sends a window only its own review's events. Counted
        // so that the end-to-end tests can tell.
        document.body.dataset.foreignEvents = String(Number(document.body.dataset.foreignEvents ?? 0) + 1);
        return;
      }
      if (phase === 'loading' || phase === 'error') return;
      applyState(e.state, e);
    }),
    listeners.onReviewUpdated((e) => {
      if (e.messageId === messageId) void refresh();
    }),
    listeners.onReviewPreselect((optionId) => {
      if (phase === 'pending') controls?.preselect?.(optionId);
    }),
    listeners.onDownloadProgress(showProgress),
  ]).catch(() => {});
  try {
    render(await ipc.reviewGet(messageId), params.get('option'));
  } catch (err) {
    view = null;
    phase = 'error';
    document.body.dataset.state = 'error';
    byId('agent').textContent = t('rw-unavailable');
    main.setAttribute('aria-busy', 'false');
    showBanner('error', t('rw-cannot-load'), describeError(ipc.toIpcError(err)));
  }
}

window.addEventListener('pagehide', () => {
  window.clearInterval(countdown);
  window.clearTimeout(recheck);
});

void start();
