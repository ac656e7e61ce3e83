// @ts-check
/**
 * The confirmation window (`confirm.html?id=<n>`) of a program's proposed answer: the
 * review, the answer exactly as it would be sent (every value in full, passwords as
 * dots), and who proposed it. Only the person's Confirm here sends it.
 *
 * Against keys meant for another window: the focus starts on Cancel (Enter cancels),
 * and Confirm stays disabled until the window has been shown, and in focus, for a
 * moment ({@link armGuard}); it is disabled again whenever the window loses the focus.
 * Escape cancels. A dangerous option is shown but never confirmed here: the person may
 * choose it in the review's own window.
 */

import * as ipc from './ipc.js';
import { armGuard, ARM_DELAY_MS } from './arm.js';
import { byId, h, replace, setBanner } from './dom.js';
import { t } from './i18n.js';
import { describeError } from './messages.js';
import { formatReceived, locale, parseTime } from './time.js';

/** How long "Confirmed" stays up before the window closes. */
const CLOSE_AFTER_MS = 1500;

const id = Number(new URLSearchParams(window.location.search).get('id'));
const listeners = new ipc.Listeners();
const main = byId('main');
const banner = byId('banner');
const cancelButton = byId('cancel', HTMLButtonElement);
const confirmButton = byId('confirm', HTMLButtonElement);
const openButton = byId('open-review', HTMLButtonElement);
const armHint = byId('arm-hint');

/** @type {ipc.ProposalState|'loading'|'error'} */
let state = 'loading';
/** @type {ipc.ProposalView|null} */
let view = null;
let deciding = false;

/**
 * @param {'info'|'success'|'warning'|'error'} kind @param {string} title @param {string} [detail]
 */
function showBanner(kind, title, detail) {
  setBanner(banner, kind, title, detail);
}

/** Confirm is enabled only while the proposal waits and the window is armed. */
function updateButtons() {
  const waiting = state === 'waiting' && !deciding;
  confirmButton.disabled = !(waiting && guard.armed());
  confirmButton.hidden = state === 'refused';
  openButton.hidden = state !== 'refused';
  cancelButton.textContent = state === 'waiting' ? t('confirm-cancel') : t('confirm-close');
  armHint.textContent = waiting && !guard.armed()
    ? t('confirm-arm-hint', { seconds: ARM_DELAY_MS / 1000 })
    : '';
}

const guard = armGuard(() => updateButtons());

/** @param {ipc.ProposalState} next @param {string|undefined|null} [detail] */
function applyState(next, detail) {
  state = next;
  document.body.dataset.state = next;
  switch (next) {
    case 'waiting':
      banner.hidden = true;
      break;
    case 'refused':
      showBanner('error', t('confirm-refused-title'), t('confirm-refused-detail'));
      break;
    case 'confirmed':
      showBanner('success', t('confirm-confirmed-title'),
        t(view?.kind === 'reply' ? 'confirm-confirmed-detail-reply' : 'confirm-confirmed-detail'));
      window.setTimeout(() => { void closeWindow(); }, CLOSE_AFTER_MS);
      break;
    case 'cancelled':
      showBanner('info', t('confirm-cancelled-title'), t('confirm-cancelled-detail'));
      break;
    case 'timedOut':
      showBanner('warning', t('confirm-lapsed-title'), t('confirm-lapsed-detail'));
      break;
    case 'overtaken':
      showBanner('warning', t('confirm-overtaken-title'), detail ?? t('confirm-overtaken-detail'));
      break;
    default:
  }
  updateButtons();
}

async function closeWindow() {
  await window.__TAURI__.window.getCurrentWindow().close().catch(() => {});
}

/** @param {boolean} confirm */
async function decide(confirm) {
  if (state !== 'waiting' || deciding) {
    if (!confirm) await closeWindow();
    return;
  }
  if (confirm && !guard.armed()) return;
  deciding = true;
  updateButtons();
  try {
    await ipc.proposalDecide(id, confirm);
    if (!confirm) {
      applyState('cancelled');
      await closeWindow();
    }
  } catch (err) {
    deciding = false;
    showBanner('error', t('confirm-decide-failed'), describeError(ipc.toIpcError(err)));
    updateButtons();
  }
}

/** @param {ipc.AnswerRow} row */
function renderRow(row) {
  const value = row.block
    ? h('pre', { class: 'value-block', dir: 'auto', text: row.value })
    : h('span', { class: row.secret ? 'value secret' : 'value', dir: 'auto', text: row.value });
  return [
    h('dt', {}, h('span', { dir: 'auto', text: row.label }),
      row.key ? h('code', { class: 'key', dir: 'ltr', text: ` ${row.key}` }) : null),
    h('dd', {}, value),
  ];
}

/**
 * Words a proposed message to an agent in place of an answer to a review.
 * @param {ipc.ProposalView} v
 */
function renderKind(v) {
  const reply = v.kind === 'reply';
  document.body.dataset.kind = v.kind;
  /** @param {string} elementId @param {string} l10nId */
  const word = (elementId, l10nId) => {
    const el = byId(elementId);
    el.dataset.l10nId = l10nId;
    el.textContent = t(l10nId);
  };
  word('heading', reply ? 'confirm-heading-reply' : 'confirm-heading');
  word('answer-title', reply ? 'confirm-reply-heading' : 'confirm-answer-heading');
  byId('review-section').hidden = reply;
  const to = byId('reply-to');
  to.hidden = !reply;
  to.textContent = reply ? t('confirm-reply-to', { agent: v.agentName }) : '';
}

/** @param {ipc.ProposalView} v */
function render(v) {
  view = v;
  renderKind(v);
  byId('proposer').textContent = v.proposer;
  byId('agent').textContent = v.agentName;
  // Rendered from markdown and sanitised in Rust, like the review window's message.
  byId('message').innerHTML = v.html;
  replace(byId('rows'), ...v.rows.flatMap(renderRow));
  byId('json').textContent = v.json;
  const box = byId('json-box', HTMLDetailsElement);
  box.open = v.rows.length === 0;
  const feedback = byId('feedback');
  feedback.hidden = !v.feedback;
  feedback.textContent = v.feedback ? t('confirm-feedback', { feedback: v.feedback }) : '';
  const lapses = parseTime(v.lapsesAt);
  byId('lapse').textContent = lapses
    ? t('confirm-lapse', {
      proposed: formatReceived(parseTime(v.proposedAt) ?? new Date()),
      lapses: lapses.toLocaleTimeString(locale),
    })
    : '';
  main.setAttribute('aria-busy', 'false');
  applyState(v.state);
}

async function start() {
  cancelButton.focus();
  cancelButton.addEventListener('click', () => { void decide(false); });
  confirmButton.addEventListener('click', () => { void decide(true); });
  openButton.addEventListener('click', () => {
    if (!view) return;
    ipc.reviewOpen(view.messageId).catch((err) => showBanner('error', t('confirm-open-failed'), describeError(ipc.toIpcError(err))));
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      void decide(false);
    }
  });
  // Links in the message never navigate this window.
  byId('message').addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('a')) e.preventDefault();
  });
  await listeners.onProposalState((e) => {
    if (e.id === id) applyState(e.state, e.detail);
  }).catch(() => {});
  try {
    render(await ipc.proposalGet(id));
  } catch (err) {
    state = 'error';
    document.body.dataset.state = 'error';
    main.setAttribute('aria-busy', 'false');
    showBanner('error', t('confirm-load-failed'), describeError(ipc.toIpcError(err)));
    updateButtons();
  }
  cancelButton.focus();
}

void start();
