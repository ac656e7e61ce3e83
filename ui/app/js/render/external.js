// @ts-check
/**
 * External (`renderAs: "external"`): a review this app must not answer (drawn by a plugin
 * of Placet's web app, a type it does not know, or a payload that does not fit its type).
 * No answer controls at all: it says so, gives Rust's reason as text, offers "Open in
 * Placet", and shows what the agent sent, as text, for reference.
 *
 * Sends nothing; `ctx.openWeb` opens the review's page in Placet's web app.
 */

import { append, h } from '../dom.js';
import { sentence } from '../messages.js';
import { t } from '../i18n.js';

/**
 * @param {import('./common.js').RenderContext} ctx
 * @returns {import('./common.js').Controls}
 */
export function renderExternal(ctx) {
  const review = ctx.view.review;
  const root = h('div', { class: 'external', id: 'external' });
  const reason = review.notAnswerable
    ?? t('rw-external-reason');
  const open = h('button', { type: 'button', class: 'btn btn-primary', id: 'open-web', text: t('rw-open-in-placet') });
  const status = h('p', { class: 'action-hint', id: 'open-web-status', role: 'status', aria: { live: 'polite' } });
  open.addEventListener('click', async () => {
    open.disabled = true;
    status.classList.remove('error');
    status.textContent = t('rw-opening');
    const error = await ctx.openWeb();
    status.textContent = error ?? t('rw-opened');
    status.classList.toggle('error', error !== null);
    open.disabled = false;
  });

  let payload;
  try {
    payload = JSON.stringify(review.payload, null, 2);
  } catch {
    payload = undefined;
  }
  append(root,
    h('p', { class: 'external-title', text: t('rw-external-title') }),
    h('p', { class: 'external-reason', id: 'external-reason', dir: 'auto', text: sentence(reason) }),
    h('div', { class: 'actions' }, status, open),
    payload && payload !== '{}' && payload !== 'null'
      ? h('details', { class: 'external-payload' },
        h('summary', { text: t('rw-agent-sent') }),
        h('pre', { class: 'code', dir: 'ltr', text: payload }))
      : null);

  return {
    element: root,
    setLocked(locked) {
      // Withdrawn: the page is gone from Placet too. Answered or expired: still worth a look.
      open.disabled = locked && ctx.withdrawn();
    },
  };
}
