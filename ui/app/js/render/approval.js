// @ts-check
/**
 * Approval: one button per option. A click sends that option, except a `danger` option,
 * which first asks for one confirming click on the same button. An option preselected by
 * the window's `option` query or a `review-preselect` event (a danger option chosen from a
 * notification, which a program can press too) is only pointed out: it is not armed and
 * does not take the focus, so a key pressed for another window cannot send it; the
 * person clicks it (twice for a danger option) as if nothing had been preselected.
 *
 * Sends `{kind: "approval", optionId, comment}`; `comment` only where the payload has
 * `allowComment` (Rust trims it and drops it when blank, as the web UI does).
 */

import { h, freshId } from '../dom.js';
import { controlsRoot } from './common.js';
import { t } from '../i18n.js';

/**
 * @param {import('./common.js').RenderContext} ctx
 * @returns {import('./common.js').Controls}
 */
export function renderApproval(ctx) {
  /** @type {import('../ipc.js').ApprovalPayload} */
  const payload = ctx.view.review.payload;
  const options = Array.isArray(payload.options) ? payload.options : [];
  const root = controlsRoot('approval');

  /** @type {HTMLTextAreaElement|null} */
  let comment = null;
  if (payload.allowComment) {
    const id = freshId('comment');
    comment = h('textarea', {
      id, class: 'input', rows: 3, dir: 'auto', placeholder: t('rw-comment-placeholder'),
    });
    root.append(h('div', { class: 'field' },
      h('label', { for: id, class: 'field-label', text: t('rw-comment-label') }),
      comment));
  }

  const hint = h('p', { class: 'action-hint', id: 'confirm-hint', aria: { live: 'polite' } });
  const row = h('div', { class: 'options', role: 'group', aria: { label: t('rw-options') } });
  /** @type {Map<string, HTMLButtonElement>} */
  const buttons = new Map();
  /** @type {string|null} the option waiting for its confirming click */
  let armed = null;

  /** @param {string|null} id */
  function arm(id) {
    armed = id;
    for (const [oid, b] of buttons) {
      const on = oid === id;
      b.classList.toggle('armed', on);
      b.setAttribute('aria-pressed', String(on));
      const prefix = /** @type {HTMLElement} */ (b.querySelector('.opt-confirm'));
      prefix.hidden = !on;
    }
    const option = options.find((o) => o.id === id);
    hint.textContent = option ? t('rw-click-again', { label: option.label }) : '';
  }

  for (const option of options) {
    const style = ['primary', 'danger', 'secondary', 'ghost'].includes(option.style) ? option.style : 'default';
    const button = h('button', {
      type: 'button', class: `btn btn-${style} option`, data: { option: option.id },
      aria: { pressed: 'false' },
    },
    h('span', { class: 'opt-confirm', text: t('rw-confirm-prefix'), hidden: true }),
    h('span', { class: 'opt-label', dir: 'auto', text: option.label }));
    button.addEventListener('click', () => {
      if (option.style === 'danger' && armed !== option.id) {
        arm(option.id);
        return;
      }
      /** @type {import('../ipc.js').Answer} */
      const answer = comment
        ? { kind: 'approval', optionId: option.id, comment: comment.value }
        : { kind: 'approval', optionId: option.id };
      void ctx.submit(answer).then((ok) => { if (!ok) arm(null); });
    });
    buttons.set(option.id, button);
    row.append(button);
  }
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && armed !== null) {
      e.preventDefault();
      arm(null);
    }
  });
  root.append(row, hint);

  /** @param {string} optionId */
  function preselect(optionId) {
    const b = buttons.get(optionId);
    const option = options.find((o) => o.id === optionId);
    if (!b || !option) return;
    for (const other of buttons.values()) other.classList.toggle('suggested', other === b);
    hint.textContent = option.style === 'danger'
      ? t('rw-preselected-danger', { label: option.label })
      : t('rw-preselected', { label: option.label });
    b.scrollIntoView({ block: 'nearest' });
  }
  if (ctx.preselect) queueMicrotask(() => preselect(/** @type {string} */ (ctx.preselect)));

  return {
    element: root,
    setLocked(locked) {
      root.disabled = locked;
    },
    preselect,
  };
}
