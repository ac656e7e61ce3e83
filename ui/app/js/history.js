// @ts-check
/**
 * The inbox's "Decided" tab: the reviews already answered from this computer (the local
 * decision log), newest first: what the review asked, what was answered (passwords as
 * dots: the log never held them), by which path (a notification, a window, the command
 * line), when, and what became of it, with "Open in Placet" for each. Searched by agent
 * and text. The tabs follow the ARIA tabs pattern (←/→ move between them); the waiting
 * tab's parts hide by the body's `data-tab`.
 */

import * as ipc from './ipc.js';
import { byId, h, replace } from './dom.js';
import { t } from './i18n.js';
import { describeError } from './messages.js';
import { locale } from './time.js';

const listeners = new ipc.Listeners();
const $ = {
  tabWaiting: byId('tab-waiting', HTMLButtonElement),
  tabDecided: byId('tab-decided', HTMLButtonElement),
  historyFilters: byId('history-filters'),
  historyPanel: byId('history-panel'),
  agent: byId('history-agent', HTMLSelectElement),
  search: byId('history-search', HTMLInputElement),
  list: byId('history-list'),
  empty: byId('history-empty'),
  note: byId('history-note'),
  title: /** @type {HTMLElement} */ (document.querySelector('h1')),
};

/** @type {'waiting'|'decided'} */
let tab = 'waiting';
let loadSeq = 0;

/** @type {Record<ipc.DecisionPath, string>} */
const PATH_LABELS = {
  notification: t('history-path-notification'),
  window: t('history-path-window'),
  commandLine: t('history-path-command-line'),
  other: t('history-path-other'),
};

/** @type {Record<string, string>} */
const OUTCOMES = {
  queued: t('history-outcome-queued'),
  sent: t('history-outcome-sent'),
  answeredElsewhere: t('history-outcome-answered-elsewhere'),
  expired: t('history-outcome-expired'),
  withdrawn: t('history-outcome-withdrawn'),
  failed: t('history-outcome-failed'),
  discarded: t('history-outcome-discarded'),
};

/** @param {string} iso */
function when(iso) {
  const d = new Date(iso);
  const today = new Date();
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString()
    ? t('history-today', { time })
    : t('history-on-date', { date: d.toLocaleDateString(locale, { day: 'numeric', month: 'short' }), time });
}

/** @param {ipc.HistoryEntry} e */
function entryNode(e) {
  const open = h('button', {
    type: 'button', class: 'btn-link', text: t('history-open-web'),
    aria: { label: t('history-open-web.aria-label', { agent: e.agent }) },
  });
  open.addEventListener('click', () => {
    ipc.reviewOpenWeb(e.messageId).catch((err) => {
      $.note.textContent = describeError(ipc.toIpcError(err));
    });
  });
  const outcome = OUTCOMES[e.outcome] ?? e.outcome;
  return h('li', { class: 'decision', data: { id: e.messageId, path: e.path } },
    h('span', { class: 'decision-title', dir: 'auto', text: t('history-entry-title', { agent: e.agent, title: e.title ?? t('history-untitled', { type: e.reviewType }) }) }),
    h('span', { class: 'decision-when', text: when(e.decidedAt) }),
    h('span', { class: 'decision-answer', dir: 'auto', text: e.answer }),
    h('span', { class: 'decision-meta' },
      h('span', { class: `badge badge-path-${e.path}`, text: PATH_LABELS[e.path], title: t('history-given-in', { where: e.givenIn }) }),
      h('span', { class: 'decision-outcome', text: e.deliveredToAgent ? t('history-outcome-delivered', { outcome }) : outcome }),
      open));
}

/** @param {string[]} agents */
function renderAgents(agents) {
  const current = $.agent.value;
  replace($.agent, h('option', { value: '', text: t('history-all-agents') }),
    ...agents.map((a) => h('option', { value: a, dir: 'auto', text: a })));
  $.agent.value = agents.includes(current) ? current : '';
}

async function load() {
  const seq = ++loadSeq;
  const search = { agent: $.agent.value || undefined, text: $.search.value.trim() || undefined };
  try {
    const view = await ipc.historyList(search);
    if (seq !== loadSeq) return;
    renderAgents(view.agents);
    replace($.list, ...view.entries.map(entryNode));
    $.note.textContent = t('history-note', { days: view.retentionDays });
    $.empty.hidden = view.entries.length !== 0;
    replace($.empty, view.agents.length === 0
      ? h('div', {}, h('strong', { text: t('history-empty-title') }), t('history-empty-hint'))
      : h('div', {}, h('strong', { text: t('history-no-match-title') }), t('history-no-match-hint')));
  } catch (err) {
    if (seq !== loadSeq) return;
    replace($.list);
    $.empty.hidden = false;
    replace($.empty, h('div', {}, h('strong', { text: t('history-error-title') }), describeError(ipc.toIpcError(err))));
  }
  document.body.dataset.historyLoaded = String(seq);
}

/** @param {'waiting'|'decided'} next @param {boolean} [focus] */
function show(next, focus = false) {
  if (next === tab) return;
  tab = next;
  const decided = tab === 'decided';
  $.tabWaiting.setAttribute('aria-selected', String(!decided));
  $.tabDecided.setAttribute('aria-selected', String(decided));
  $.tabWaiting.tabIndex = decided ? -1 : 0;
  $.tabDecided.tabIndex = decided ? 0 : -1;
  // The waiting tab's parts (filters, list, actions, keys) hide by the body's
  // `data-tab` (app.css), whatever the inbox does with them meanwhile.
  $.historyFilters.hidden = !decided;
  $.historyPanel.hidden = !decided;
  $.title.textContent = decided ? t('history-heading') : t('inbox-heading');
  document.body.dataset.tab = tab;
  if (focus) (decided ? $.tabDecided : $.tabWaiting).focus();
  if (decided) void load();
}

function start() {
  document.body.dataset.tab = tab;
  $.tabWaiting.addEventListener('click', () => show('waiting'));
  $.tabDecided.addEventListener('click', () => show('decided'));
  for (const button of [$.tabWaiting, $.tabDecided]) {
    button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        e.stopPropagation();
        show(tab === 'waiting' ? 'decided' : 'waiting', true);
      }
    });
  }
  $.agent.addEventListener('change', () => { void load(); });
  let timer = 0;
  $.search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => { void load(); }, 150);
  });
  // A review answered meanwhile joins the history.
  void listeners.onInboxChanged(() => { if (tab === 'decided') void load(); }).catch(() => {});
  // The inbox's own keys (a, r, o, arrows) are for the waiting tab only.
  document.addEventListener('keydown', (e) => {
    if (tab === 'decided' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement)) {
      if (['a', 'A', 'r', 'R', 'o', 'O', 'Enter', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) {
        e.stopImmediatePropagation();
      }
    }
  }, { capture: true });
}

start();
