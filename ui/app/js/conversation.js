// @ts-check
/**
 * The conversation with one agent (`conversation.html?agent=<id>`): its status, its
 * latest messages (read again whenever the tray says the conversation changed), and a
 * composer. Send (or Ctrl+Enter) hands the person's message to the tray, which queues
 * it and sends it with a clientId, so a retry never doubles it; until the server has
 * it, it shows here as "sending".
 *
 * An agent's text is markdown rendered and sanitised in Rust; the person's own text is
 * shown as text. Links in messages never navigate this window.
 */

import * as ipc from './ipc.js';
import { byId, h, replace, setBanner } from './dom.js';
import { t } from './i18n.js';
import { describeError } from './messages.js';
import { formatReceived, parseTime } from './time.js';

const agentId = new URLSearchParams(window.location.search).get('agent') ?? '';
const listeners = new ipc.Listeners();
const main = byId('main');
const banner = byId('banner');
const list = byId('messages');
const text = byId('text', HTMLTextAreaElement);
const send = byId('send', HTMLButtonElement);

/** @type {ipc.ConversationView|null} */
let view = null;
/** What the person sent from this window that the server has not shown yet. */
/** @type {{clientId: string, text: string}[]} */
let sending = [];
let busy = false;
/** A read of the conversation is under way; `again`: another change came meanwhile. */
let reading = false;
let again = false;
/** The least time between two reads while changes keep coming. */
const RELOAD_SPACING_MS = 250;

/** @param {'info'|'success'|'warning'|'error'} kind @param {string} title @param {string} [detail] */
function showBanner(kind, title, detail) {
  setBanner(banner, kind, title, detail);
}

function updateSend() {
  send.disabled = busy || !view?.canSend || text.value.trim() === '';
}

/** @param {ipc.ChatMessageView} m */
function renderMessage(m) {
  const body = h('div', { class: m.fromAgent ? 'chat-text prose' : 'chat-text', dir: 'auto' });
  // Rendered from markdown and sanitised in Rust, like the review window's message.
  if (m.html != null) body.innerHTML = m.html;
  else body.textContent = m.text ?? '';
  const notes = [];
  if (m.hasReview) notes.push(t('conversation-has-review'));
  if (m.attachments > 0) notes.push(t('conversation-attachments', { count: m.attachments }));
  if (m.streaming) notes.push(t('conversation-streaming'));
  const when = parseTime(m.createdAt);
  return h('li', { class: m.fromAgent ? 'chat-item from-agent' : 'chat-item from-person', data: { id: m.id } },
    body,
    h('p', { class: 'chat-meta', text: [when ? formatReceived(when) : '', ...notes].filter(Boolean).join(' · ') }));
}

/** @param {{clientId: string, text: string}} s */
function renderSending(s) {
  return h('li', { class: 'chat-item from-person sending', data: { client: s.clientId } },
    h('div', { class: 'chat-text', dir: 'auto', text: s.text }),
    h('p', { class: 'chat-meta', text: t('conversation-sending') }));
}

/** @param {ipc.ConversationView} v */
function render(v) {
  view = v;
  byId('agent').textContent = v.agentName;
  byId('status').textContent = v.statusMessage
    ? t('conversation-status', { status: v.statusText, message: v.statusMessage })
    : v.statusText;
  const onServer = new Set(v.messages.filter((m) => !m.fromAgent).map((m) => m.text));
  // Shown as sent once the server lists it (our text is unique enough for the window's
  // short life; the outbox, not this list, is what keeps it from being sent twice).
  sending = sending.filter((s) => !onServer.has(s.text));
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  replace(list, ...v.messages.map(renderMessage), ...sending.map(renderSending));
  if (v.messages.length === 0 && sending.length === 0) {
    list.append(h('li', { class: 'chat-empty', text: t('conversation-empty') }));
  }
  if (atBottom || list.dataset.scrolled !== 'yes') {
    list.scrollTop = list.scrollHeight;
    list.dataset.scrolled = 'yes';
  }
  const waiting = byId('waiting');
  const others = Math.max(0, v.waiting - sending.length);
  waiting.hidden = others === 0;
  waiting.textContent = others ? t('conversation-waiting', { count: others }) : '';
  text.disabled = !v.canSend;
  if (!v.canSend) showBanner('info', t('conversation-watch-only'));
  main.setAttribute('aria-busy', 'false');
  document.body.dataset.state = 'ready';
  updateSend();
}

/**
 * Reads the conversation again. One read at a time; changes that come meanwhile (a
 * draft growing word by word) fold into one more read, at most every
 * {@link RELOAD_SPACING_MS}.
 */
async function reload() {
  if (reading) {
    again = true;
    return;
  }
  reading = true;
  try {
    do {
      again = false;
      try {
        render(await ipc.conversationGet(agentId));
      } catch (err) {
        document.body.dataset.state = 'error';
        main.setAttribute('aria-busy', 'false');
        showBanner('error', t('conversation-load-failed'), describeError(ipc.toIpcError(err)));
      }
      if (again) await new Promise((resolve) => { window.setTimeout(resolve, RELOAD_SPACING_MS); });
    } while (again);
  } finally {
    reading = false;
  }
}

async function submit() {
  const message = text.value.trim();
  if (!message || busy || !view?.canSend) return;
  busy = true;
  updateSend();
  try {
    const clientId = await ipc.conversationSend(agentId, message);
    sending.push({ clientId, text: message });
    text.value = '';
    banner.hidden = true;
    list.append(renderSending({ clientId, text: message }));
    list.scrollTop = list.scrollHeight;
  } catch (err) {
    showBanner('error', t('conversation-send-failed'), describeError(ipc.toIpcError(err)));
  } finally {
    busy = false;
    updateSend();
    text.focus();
  }
}

async function start() {
  ipc.closeOnCtrlW();
  byId('composer', HTMLFormElement).addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  text.addEventListener('input', updateSend);
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  });
  list.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('a')) e.preventDefault();
  });
  await listeners.onConversationChanged((e) => {
    if (e.agentId !== agentId) return;
    if (e.failed) showBanner('error', t('conversation-not-sent'), e.failed);
    void reload();
  }).catch(() => {});
  await reload();
  text.focus();
}

void start();
