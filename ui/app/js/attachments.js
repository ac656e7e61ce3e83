// @ts-check
/**
 * The review window's attachments: one row per file with a Download button. While a file
 * downloads, a labelled `<progress>` follows the `download-progress` events (indeterminate
 * until the size is known); then the row says where the file was saved, or why it failed.
 * Each row keeps the last progress it saw in `data-progress` ("received/total").
 */

import * as ipc from './ipc.js';
import { byId, freshId, h, replace } from './dom.js';
import { describeError } from './messages.js';
import { formatSize } from './time.js';
import { t } from './i18n.js';

/**
 * @typedef {{
 *   progress: HTMLProgressElement,
 *   box: HTMLElement,
 *   amount: HTMLElement,
 *   row: HTMLElement,
 *   downloading: boolean,
 * }} Row
 */

/** @type {Map<string, Row>} by attachment id */
const rows = new Map();
/** The attachments the list was built for, to rebuild it only when they change. */
let renderedKey = '';

/**
 * Shows a download's progress.
 * @param {ipc.DownloadProgressEvent} e
 */
export function showProgress(e) {
  const row = rows.get(e.attachmentId);
  if (!row || !row.downloading) return;
  row.row.dataset.progress = `${e.received}/${e.total ?? ''}`;
  if (e.total !== null && e.total > 0) {
    row.progress.max = e.total;
    row.progress.value = Math.min(e.received, e.total);
    row.amount.textContent = t('rw-download-amount', { received: formatSize(e.received), total: formatSize(e.total) });
  } else {
    row.progress.removeAttribute('value');
    row.amount.textContent = t('rw-download-so-far', { received: formatSize(e.received) || formatSize(0) });
  }
}

/**
 * Builds the list (again, only when the attachments changed: a refresh must not lose a
 * download in progress or its outcome).
 * @param {ipc.Attachment[]} attachments
 */
export function renderAttachments(attachments) {
  const key = JSON.stringify(attachments);
  if (key === renderedKey) return;
  renderedKey = key;
  const section = byId('attachments');
  const list = byId('attachment-list');
  replace(list);
  rows.clear();
  section.hidden = attachments.length === 0;
  for (const a of attachments) list.append(attachmentRow(a));
}

/** @param {ipc.Attachment} a */
function attachmentRow(a) {
  const filename = a.filename || t('rw-attachment-unnamed');
  const status = h('span', { class: 'attachment-status', role: 'status', aria: { live: 'polite' } });
  const button = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: t('rw-download') });
  button.setAttribute('aria-label', t('rw-download-label', { filename }));
  const progressId = freshId('progress');
  const progress = h('progress', { id: progressId, class: 'progress' });
  const amount = h('span', { class: 'attachment-amount' });
  const box = h('div', { class: 'attachment-progress', hidden: true },
    h('label', { for: progressId, class: 'attachment-progress-label', dir: 'auto', text: t('rw-downloading-file', { filename }) }),
    progress,
    amount);
  const meta = [a.mimeType ?? '', formatSize(a.size)].filter(Boolean).join(' · ');
  const row = h('li', { class: 'attachment', data: { id: a.id } },
    h('span', { class: 'attachment-text' },
      h('span', { class: 'attachment-name', dir: 'auto', text: filename }),
      meta ? h('span', { class: 'attachment-meta', text: meta }) : null),
    button,
    box,
    status);
  /** @type {Row} */
  const state = { progress, box, amount, row, downloading: false };
  rows.set(a.id, state);

  button.addEventListener('click', async () => {
    button.disabled = true;
    state.downloading = true;
    progress.removeAttribute('value');
    amount.textContent = a.size ? t('rw-download-amount', { received: formatSize(0), total: formatSize(a.size) }) : '';
    box.hidden = false;
    status.className = 'attachment-status';
    status.textContent = t('rw-downloading');
    try {
      const path = await ipc.attachmentDownload(a.id);
      status.textContent = t('rw-saved-to', { path });
    } catch (err) {
      status.className = 'attachment-status error';
      status.textContent = t('rw-not-saved', { reason: describeError(ipc.toIpcError(err)) });
    } finally {
      state.downloading = false;
      box.hidden = true;
      button.disabled = false;
    }
  });
  return row;
}
