// @ts-check
/**
 * The inbox window: every pending review, newest first, grouped by agent, with the time
 * left before each expires. Filters by agent and by text; updates live on
 * `inbox-changed`; shows the connection status.
 *
 * Keyboard (a listbox with `aria-activedescendant`): ↑/↓ (and Home/End) move the
 * selection, Enter opens the review. On an approval review, `a` sends its first option
 * that is not `danger` ("approve"); `r` opens the review with its reject option (the
 * first `danger` one, else the one with id "reject") preselected for a confirming click.
 * A danger option is never sent by a single key. `o` opens the review in Placet's web app.
 *
 * Below the list, the selected review's actions: Open, and its first safe option for an
 * approval, or "Open in Placet" for a review this app must not answer (`external`).
 * Each agent's status ("busy since 14:00: Running migrations") shows in its group title
 * and in the agent filter.
 */

import * as ipc from './ipc.js';
import { armGuard } from './arm.js';
import { byId, h, replace } from './dom.js';
import { t } from './i18n.js';
import { describeError } from './messages.js';
import { formatLeft, parseTime } from './time.js';

const listeners = new ipc.Listeners();
const list = byId('list');
const empty = byId('empty');
const agentFilter = byId('agent-filter', HTMLSelectElement);
const search = byId('search', HTMLInputElement);
const statusLine = byId('status');
const statusText = byId('status-text');
const signInButton = byId('sign-in', HTMLButtonElement);
const message = byId('inbox-message');
const insecureNote = byId('insecure');
const actions = {
  bar: byId('actions'),
  title: byId('actions-title'),
  note: byId('actions-note'),
  open: byId('action-open', HTMLButtonElement),
  approve: byId('action-approve', HTMLButtonElement),
  web: byId('action-web', HTMLButtonElement),
};

/** @type {ipc.InboxView|null} */
let data = null;
/** @type {string|null} */
let selectedId = null;
/** Reviews answered from here whose `inbox-changed` has not come yet. */
const sentHere = new Set();
/** @type {ipc.InboxItem[]} the rows shown, in order */
let shownItems = [];
let loadSeq = 0;
/** The review to select once it is listed (the global shortcut: the oldest waiting). */
let focusId = new URLSearchParams(window.location.search).get('focus');

/** Selects the review asked for, clearing the filters that would hide it. */
function applyFocus() {
  if (!focusId || !data?.items.some((i) => i.id === focusId)) return;
  if (agentFilter.value || search.value) {
    agentFilter.value = '';
    search.value = '';
    render();
  }
  select(focusId);
  document.body.dataset.focused = focusId;
  focusId = null;
  list.focus();
}

/**
 * A line in the footer.
 * @param {string} text
 * @param {boolean} [error]
 */
function say(text, error = false) {
  message.textContent = text;
  message.classList.toggle('error', error);
}

/** @param {ipc.InboxItem} item */
function timeLeft(item) {
  const at = parseTime(item.review.expiresAt);
  if (!at) return { text: t('inbox-no-expiry'), soon: false };
  const left = at.getTime() - Date.now();
  if (left <= 0) return { text: t('inbox-expired'), soon: true };
  return { text: t('inbox-time-left', { left: formatLeft(left) }), soon: left < 5 * 60_000 };
}

/** @param {ipc.InboxItem} item */
function kindLabel(item) {
  switch (item.review.renderAs) {
    case 'approval': return t('inbox-kind-approval');
    case 'selection': return t('inbox-kind-selection');
    case 'form': return t('inbox-kind-form');
    case 'text-input': return t('inbox-kind-text');
    case 'freeform': return t('inbox-kind-json');
    default: return t('inbox-kind-external');
  }
}

/** The title of a review that has none: "Approval review". @param {ipc.InboxItem} item */
function untitled(item) {
  return t('inbox-untitled', { kind: kindLabel(item) });
}

/** @param {ipc.InboxItem} item */
function matches(item) {
  if (agentFilter.value && item.agentId !== agentFilter.value) return false;
  const q = search.value.trim().toLocaleLowerCase();
  if (!q) return true;
  return [item.title, item.agentName, item.review.type, kindLabel(item)]
    .some((s) => s.toLocaleLowerCase().includes(q));
}

/**
 * An agent's status in words: "busy since 14:00: Running migrations".
 * @param {ipc.AgentView|undefined} agent
 */
function agentStatus(agent) {
  if (!agent) return '';
  const said = agent.statusMessage?.replace(/\s+/g, ' ').trim() ?? '';
  const short = [...said].length > 80 ? `${[...said].slice(0, 79).join('')}…` : said;
  return short ? t('inbox-agent-status', { status: agent.statusText, message: short }) : agent.statusText;
}

/** @param {ipc.AgentView[]} agents @param {ipc.InboxItem[]} items */
function renderAgentFilter(agents, items) {
  const current = agentFilter.value;
  /** @type {Map<string, string>} */
  const names = new Map();
  // With several accounts, an agent's name says on which.
  for (const a of agents) names.set(a.id, a.account ? `${a.name} (${a.account})` : a.name);
  for (const i of items) if (!names.has(i.agentId)) names.set(i.agentId, i.agentName);
  const counts = new Map();
  for (const i of items) counts.set(i.agentId, (counts.get(i.agentId) ?? 0) + 1);
  /** @type {[string, string][]} */
  const options = [['', t('inbox-all-agents-count', { count: items.length })]];
  const sorted = [...names].sort((a, b) => a[1].localeCompare(b[1]));
  for (const [id, name] of sorted) {
    const status = agentStatus(agents.find((a) => a.id === id));
    const count = counts.get(id) ?? 0;
    options.push([id, status
      ? t('inbox-agent-option-status', { agent: name, status, count })
      : t('inbox-agent-option', { agent: name, count })]);
  }
  // Rebuilt only when it changed: a list read again (every reconnect, every poll) must
  // not pull the options from under the person choosing one.
  const same = agentFilter.options.length === options.length
    && options.every(([id, text], i) => agentFilter.options[i]?.value === id && agentFilter.options[i]?.text === text);
  if (!same) {
    replace(agentFilter, ...options.map(([id, text]) => h('option', { value: id, dir: 'auto', text })));
  }
  agentFilter.value = names.has(current) ? current : '';
}

/** A group's title: a sub-agent's says whose it is ("Deploy Bot › Canary Checker"). @param {ipc.InboxItem} item */
function groupName(item) {
  const agent = data?.agents.find((a) => a.id === item.agentId);
  const parent = agent?.parentId ? data?.agents.find((a) => a.id === agent.parentId) : undefined;
  return parent ? `${parent.name} › ${item.agentName}` : item.agentName;
}

function render() {
  if (!data) return;
  const items = data.items.filter(matches);
  /** @type {Map<string, {name: string, items: ipc.InboxItem[]}>} */
  const byAgent = new Map();
  for (const item of items) {
    let g = byAgent.get(item.agentId);
    if (!g) {
      g = { name: groupName(item), items: [] };
      byAgent.set(item.agentId, g);
    }
    g.items.push(item);
  }
  // Newest first (the items are): an agent's group where its newest review puts it, and
  // a sub-agent's right after its parent's (or where the parent's would be).
  /** @type {Map<string, string[]>} */
  const families = new Map();
  for (const id of byAgent.keys()) {
    const parent = data.agents.find((a) => a.id === id)?.parentId;
    const head = parent && data.agents.some((a) => a.id === parent) ? parent : id;
    const family = families.get(head) ?? [];
    if (head === id) family.unshift(id);
    else family.push(id);
    families.set(head, family);
  }
  /** @type {Map<string, {name: string, items: ipc.InboxItem[]}>} */
  const groups = new Map();
  for (const family of families.values()) {
    for (const id of family) {
      const g = byAgent.get(id);
      if (g) groups.set(id, g);
    }
  }
  // With several accounts, each account's agents together (accounts by name), a
  // section each.
  if (items.some((i) => i.account)) {
    const account = (/** @type {{items: ipc.InboxItem[]}} */ g) => g.items[0]?.account ?? '';
    const sorted = [...groups.entries()].sort((x, y) => account(x[1]).localeCompare(account(y[1])));
    groups.clear();
    for (const [id, g] of sorted) groups.set(id, g);
  }
  shownItems = [...groups.values()].flatMap((g) => g.items);
  if (!shownItems.some((i) => i.id === selectedId)) selectedId = shownItems[0]?.id ?? null;

  /** @type {HTMLElement[]} */
  const nodes = [];
  let index = 0;
  let lastAccount = '';
  for (const [agentId, g] of groups) {
    const account = g.items[0]?.account ?? '';
    const firstOfAccount = account !== '' && account !== lastAccount;
    lastAccount = account;
    const titleId = `group-${nodes.length}`;
    const status = agentStatus(data.agents.find((a) => a.id === agentId));
    const sub = Boolean(data.agents.find((a) => a.id === agentId)?.parentId);
    const group = h('div', { class: `group${sub ? ' sub-agent' : ''}${firstOfAccount ? ' account-first' : ''}`, role: 'group', aria: { labelledby: titleId }, data: { agent: agentId } },
      h('div', { class: 'group-title', id: titleId },
        h('span', { class: 'group-name', dir: 'auto', text: g.name }),
        // With several accounts, whose agent it is.
        g.items[0]?.account ? h('span', { class: 'badge group-account', dir: 'auto', text: g.items[0].account }) : null,
        status ? h('span', { class: 'group-status', dir: 'auto', text: status }) : null,
        h('span', { class: 'group-count', text: t('inbox-group-count', { count: g.items.length }) })));
    for (const item of g.items) {
      const left = timeLeft(item);
      const sending = item.sending || sentHere.has(item.id);
      const row = h('div', {
        class: 'row', role: 'option', id: `row-${index}`,
        data: { id: item.id, type: item.review.renderAs },
        aria: { selected: String(item.id === selectedId) },
      },
      h('span', { class: 'row-title', dir: 'auto', text: item.title || untitled(item) }),
      h('span', { class: `row-left${left.soon ? ' soon' : ''}`, text: left.text }),
      h('span', { class: 'row-meta' },
        h('span', { class: 'badge', text: kindLabel(item) }),
        sending ? h('span', { class: 'badge badge-sending', text: t('inbox-sending') }) : null));
      row.addEventListener('click', () => {
        select(item.id);
        open(item);
      });
      group.append(row);
      index += 1;
    }
    nodes.push(group);
  }
  replace(list, ...nodes);
  list.hidden = shownItems.length === 0;
  empty.hidden = shownItems.length !== 0;
  if (shownItems.length === 0) {
    replace(empty, data.items.length === 0
      ? h('div', {}, h('strong', { text: t('inbox-empty-title') }), t('inbox-empty-hint'))
      : h('div', {}, h('strong', { text: t('inbox-no-match-title') }), t('inbox-no-match-hint')));
  }
  select(selectedId, false);
}

/** Updates the time left of each row in place (rebuilding rows would reset hover and
 * pointer state under the person's mouse). */
function refreshTimes() {
  for (const row of list.querySelectorAll('[role="option"]')) {
    const item = shownItems.find((i) => i.id === row.getAttribute('data-id'));
    const cell = row.querySelector('.row-left');
    if (!item || !cell) continue;
    const left = timeLeft(item);
    cell.textContent = left.text;
    cell.classList.toggle('soon', left.soon);
  }
}

/**
 * Marks a row selected.
 * @param {string|null} id
 * @param {boolean} [scroll]
 */
function select(id, scroll = true) {
  selectedId = id;
  let active = null;
  for (const row of list.querySelectorAll('[role="option"]')) {
    const on = row.getAttribute('data-id') === id;
    row.setAttribute('aria-selected', String(on));
    if (on) active = row;
  }
  if (active) {
    list.setAttribute('aria-activedescendant', active.id);
    if (scroll) active.scrollIntoView({ block: 'nearest' });
  } else {
    list.removeAttribute('aria-activedescendant');
  }
  renderActions();
}

/** The first option `a` may send: the first one that is not dangerous. @param {ipc.InboxItem} item */
function safeOption(item) {
  return optionsOf(item).find((o) => o.style !== 'danger') ?? null;
}

/** The selected review's actions, below the list. */
function renderActions() {
  const item = selected();
  actions.bar.hidden = item === null;
  if (!item) return;
  actions.title.textContent = t('inbox-actions-title', { agent: item.agentName, title: item.title || untitled(item) });
  const external = item.review.renderAs === 'external';
  const option = safeOption(item);
  const sending = item.sending || sentHere.has(item.id);
  actions.web.hidden = !external;
  actions.approve.hidden = external || option === null || !item.canAnswer;
  actions.approve.disabled = sending;
  actions.approve.textContent = option?.label ?? '';
  actions.approve.setAttribute('aria-label', option ? t('inbox-approve-label', { option: option.label, agent: item.agentName }) : '');
  actions.note.textContent = external
    ? t('inbox-note-external')
    : item.review.renderAs === 'approval' && option === null
      ? t('inbox-note-all-danger')
      : '';
  actions.note.hidden = actions.note.textContent === '';
}

/** @param {number} delta */
function move(delta) {
  if (shownItems.length === 0) return;
  const at = shownItems.findIndex((i) => i.id === selectedId);
  const next = Math.min(shownItems.length - 1, Math.max(0, (at < 0 ? 0 : at + delta)));
  select(shownItems[next].id);
}

function selected() {
  return shownItems.find((i) => i.id === selectedId) ?? null;
}

/** @param {ipc.InboxItem} item @param {string} [option] */
function open(item, option) {
  ipc.reviewOpen(item.id, option).catch((err) => say(describeError(ipc.toIpcError(err)), true));
}

/** @param {ipc.InboxItem} item @returns {ipc.ApprovalOption[]} */
function optionsOf(item) {
  if (item.review.renderAs !== 'approval') return [];
  const options = item.review.payload?.options;
  return Array.isArray(options) ? options : [];
}

/** `a`: sends the first option that is not dangerous. @param {ipc.InboxItem} item */
async function approve(item) {
  if (!guard?.armed()) {
    // The window just appeared or came back to the front: the key may have been meant
    // for another one.
    say(t('inbox-press-again'));
    return;
  }
  if (!item.canAnswer) {
    say(t('inbox-watch-only'), true);
    return;
  }
  if (item.review.renderAs === 'external') {
    say(t('inbox-external-key'));
    return;
  }
  if (item.review.renderAs !== 'approval') {
    say(t('inbox-not-approval'));
    return;
  }
  if (item.sending || sentHere.has(item.id)) return;
  const option = safeOption(item);
  if (!option) {
    say(t('inbox-all-danger-key'));
    return;
  }
  sentHere.add(item.id);
  render();
  try {
    await ipc.reviewRespond(item.id, { kind: 'approval', optionId: option.id });
    say(t('inbox-sent', { option: option.label, agent: item.agentName }));
  } catch (err) {
    sentHere.delete(item.id);
    render();
    say(describeError(ipc.toIpcError(err)), true);
  }
}

/** `o`: opens the review in Placet's web app. @param {ipc.InboxItem} item */
function openWeb(item) {
  say(t('inbox-opening-web'));
  ipc.reviewOpenWeb(item.id)
    .then(() => say(t('inbox-opened-web')))
    .catch((err) => say(describeError(ipc.toIpcError(err)), true));
}

/** `r`: opens the review with its reject option preselected. @param {ipc.InboxItem} item */
function reject(item) {
  if (item.review.renderAs === 'external') {
    say(t('inbox-external-key'));
    return;
  }
  const options = optionsOf(item);
  const option = options.find((o) => o.style === 'danger') ?? options.find((o) => o.id === 'reject');
  open(item, option?.id);
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const inSearch = e.target === search;
  const inOther = !inSearch && e.target instanceof HTMLElement
    && (e.target.closest('input, select, textarea, button') !== null);
  if (inOther) return;
  const item = selected();
  switch (e.key) {
    case 'ArrowDown': e.preventDefault(); move(1); return;
    case 'ArrowUp': e.preventDefault(); move(-1); return;
    case 'Enter':
      if (item) { e.preventDefault(); open(item); }
      return;
    default:
  }
  if (inSearch) return;
  switch (e.key) {
    case 'Home': e.preventDefault(); move(-shownItems.length); break;
    case 'End': e.preventDefault(); move(shownItems.length); break;
    case 'a': case 'A':
      if (item) { e.preventDefault(); void approve(item); }
      break;
    case 'r': case 'R':
      if (item) { e.preventDefault(); reject(item); }
      break;
    case 'o': case 'O':
      if (item) { e.preventDefault(); openWeb(item); }
      break;
    default:
  }
}

/** @param {ipc.AppStatus} s */
function showStatus(s) {
  statusLine.dataset.state = s.state.state;
  const parts = [s.stateText];
  if (s.signedIn && s.account) parts.push(s.account);
  if (s.watchOnly) parts.push(t('inbox-status-watch-only'));
  if (s.signedIn && s.insecure) parts.push(t('inbox-status-not-encrypted'));
  // Several accounts: each one's connection.
  statusText.textContent = s.accounts.length > 1
    ? s.accounts.map((a) => `${a.label}: ${a.stateText}`).join(' · ')
    : parts.join(' · ');
  insecureNote.hidden = !(s.signedIn && s.insecure);
  signInButton.hidden = s.signedIn && s.state.state !== 'authExpired';
}

async function load() {
  const seq = ++loadSeq;
  try {
    const view = await ipc.inboxList();
    if (seq !== loadSeq) return;
    data = view;
    for (const id of [...sentHere]) if (!view.items.some((i) => i.id === id && i.sending)) sentHere.delete(id);
    document.body.dataset.loaded = 'true';
    renderAgentFilter(view.agents, view.items);
    render();
    applyFocus();
  } catch (err) {
    if (seq !== loadSeq) return;
    const e = ipc.toIpcError(err);
    data = null;
    shownItems = [];
    actions.bar.hidden = true;
    replace(list);
    list.hidden = true;
    empty.hidden = false;
    document.body.dataset.loaded = 'true';
    replace(empty, e.code === 'notConnected'
      ? h('div', {}, h('strong', { text: t('inbox-signed-out-title') }), t('inbox-signed-out-hint'))
      : h('div', {}, h('strong', { text: t('inbox-error-title') }), describeError(e)));
  }
}

async function loadStatus() {
  try {
    showStatus(await ipc.appStatus());
  } catch (err) {
    statusText.textContent = describeError(ipc.toIpcError(err));
  }
}

/** @type {{armed: () => boolean}|null} */
let guard = null;

async function start() {
  ipc.closeOnCtrlW();
  guard = armGuard(() => {});
  agentFilter.addEventListener('change', render);
  search.addEventListener('input', render);
  document.addEventListener('keydown', onKey);
  byId('open-settings').addEventListener('click', () => {
    ipc.settingsOpen().catch((err) => say(describeError(ipc.toIpcError(err)), true));
  });
  signInButton.addEventListener('click', () => {
    ipc.settingsOpen().catch((err) => say(describeError(ipc.toIpcError(err)), true));
  });
  actions.open.addEventListener('click', () => {
    const item = selected();
    if (item) open(item);
  });
  actions.approve.addEventListener('click', () => {
    const item = selected();
    if (item) void approve(item);
  });
  actions.web.addEventListener('click', () => {
    const item = selected();
    if (item) openWeb(item);
  });
  await Promise.all([
    listeners.onInboxChanged(() => { void load(); }),
    listeners.onStatusChanged((s) => {
      showStatus(s);
      void load();
    }),
    listeners.onInboxFocus((id) => {
      byId('tab-waiting').click();
      focusId = id;
      applyFocus();
    }),
  ]).catch(() => {});
  await Promise.all([load(), loadStatus()]);
  if (!document.body.dataset.focused) list.focus();
  const timer = window.setInterval(refreshTimes, 15_000);
  window.addEventListener('pagehide', () => window.clearInterval(timer));
}

void start();
