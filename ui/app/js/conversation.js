// @ts-check
/**
 * The conversation with one agent (`conversation.html?agent=<id>`): its status, its
 * latest messages (read again whenever the tray says the conversation changed), and a
 * composer. Send (or Ctrl+Enter) hands the person's message to the tray, which queues
 * it and sends it with a clientId, so a retry never doubles it; until the server has
 * it, it shows here as "sending". Files picked with "Attach files…" or dropped on the
 * window are stored in the agent's channel at once and go with the next message.
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
const filesList = byId('files');
const picker = byId('picker', HTMLInputElement);

/** The largest file attached (as the tray allows). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Files stored for the next message. @type {ipc.AttachedFileView[]} */
let attached = [];
/** Files being stored right now. */
let uploading = 0;

/** @type {ipc.ConversationView|null} */
let view = null;
/** What the person sent from this window that the server has not shown yet. */
/** @type {{clientId: string, text: string, files: string[]}[]} */
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
  const empty = text.value.trim() === '' && attached.length === 0;
  send.disabled = busy || uploading > 0 || !view?.canSend || empty;
  byId('attach', HTMLButtonElement).disabled = !view?.canSend;
}

function renderFiles() {
  replace(filesList, ...attached.map((f) => {
    const remove = h('button', {
      type: 'button', class: 'btn btn-default', text: '×',
      aria: { label: t('conversation-remove-file', { name: f.name }) },
    });
    remove.addEventListener('click', () => {
      attached = attached.filter((a) => a.id !== f.id);
      renderFiles();
    });
    return h('li', { class: 'file-chip', data: { id: f.id } }, h('span', { dir: 'auto', text: f.name }), remove);
  }));
  if (uploading > 0) filesList.append(h('li', { class: 'file-chip', text: t('conversation-storing', { count: uploading }) }));
  filesList.hidden = attached.length === 0 && uploading === 0;
  updateSend();
}

/** @param {ArrayBuffer} buffer */
function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Stores each file in the agent's channel, for the next message.
 * @param {FileList|File[]} files
 */
async function attachFiles(files) {
  if (!view?.canSend) return;
  await Promise.all([...files].map(async (file) => {
    if (file.size > MAX_FILE_BYTES) {
      showBanner('error', t('conversation-file-too-large', { name: file.name, most: MAX_FILE_BYTES / (1024 * 1024) }));
      return;
    }
    uploading += 1;
    renderFiles();
    try {
      const data = toBase64(await file.arrayBuffer());
      attached.push(await ipc.conversationAttach(agentId, file.name, file.type, data));
    } catch (err) {
      showBanner('error', t('conversation-attach-failed', { name: file.name }), describeError(ipc.toIpcError(err)));
    } finally {
      uploading -= 1;
      renderFiles();
    }
  }));
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

/** @param {{clientId: string, text: string, files: string[]}} s */
function renderSending(s) {
  const notes = [t('conversation-sending'), ...s.files];
  return h('li', { class: 'chat-item from-person sending', data: { client: s.clientId } },
    h('div', { class: 'chat-text', dir: 'auto', text: s.text }),
    h('p', { class: 'chat-meta', dir: 'auto', text: notes.join(' · ') }));
}

/** @param {ipc.ConversationView} v */
function render(v) {
  view = v;
  byId('agent').textContent = v.agentName;
  byId('status').textContent = v.statusMessage
    ? t('conversation-status', { status: v.statusText, message: v.statusMessage })
    : v.statusText;
  const onServer = new Set(v.messages.filter((m) => !m.fromAgent).map((m) => m.text ?? ''));
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
  if ((!message && attached.length === 0) || busy || uploading > 0 || !view?.canSend) return;
  busy = true;
  updateSend();
  try {
    const files = attached;
    const clientId = await ipc.conversationSend(agentId, message, files.map((f) => f.id));
    const entry = { clientId, text: message, files: files.map((f) => f.name) };
    sending.push(entry);
    text.value = '';
    attached = [];
    renderFiles();
    banner.hidden = true;
    list.append(renderSending(entry));
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
  byId('attach').addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    if (picker.files) void attachFiles([...picker.files]);
    picker.value = '';
  });
  // Files dropped anywhere on the window; nothing dropped ever navigates it.
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dropping');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dropping');
    if (e.dataTransfer?.files.length) void attachFiles([...e.dataTransfer.files]);
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
