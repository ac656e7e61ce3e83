// @ts-check
/**
 * Selection: single choice (radio semantics: a choice replaces the previous one) or
 * multiple choice (checkbox semantics). Submit stays disabled until something is chosen.
 *
 * Sends `{kind: "selection", ids}` with the ids in the order they were chosen (the web UI
 * keeps a Set, whose order is insertion order), or `{kind: "dismiss"}`.
 */

import { h, freshId } from '../dom.js';
import { actionBar, controlsRoot } from './common.js';
import { t } from '../i18n.js';

/**
 * @param {import('./common.js').RenderContext} ctx
 * @returns {import('./common.js').Controls}
 */
export function renderSelection(ctx) {
  /** @type {import('../ipc.js').SelectionPayload} */
  const payload = ctx.view.review.payload;
  const multi = payload.mode === 'multi';
  const items = Array.isArray(payload.items) ? payload.items : [];
  const root = controlsRoot('selection');
  const form = h('form', { class: 'stack', aria: { label: multi ? t('rw-choose-any') : t('rw-choose-one') } });
  form.noValidate = true;

  const groupName = freshId('choice');
  const list = h('div', { class: 'choices', role: multi ? 'group' : 'radiogroup', aria: { label: multi ? t('rw-choose-any') : t('rw-choose-one') } });
  /** @type {string[]} ids in the order chosen */
  let chosen = [];
  const { bar, submit, hint } = actionBar(ctx, payload.submitLabel || t('rw-confirm-selection'), payload.dismissLabel);

  function update() {
    submit.disabled = chosen.length === 0;
    hint.textContent = chosen.length === 0
      ? (multi ? t('rw-choose-at-least-one') : t('rw-choose-one-hint'))
      : (multi ? t('rw-selected-count', { count: chosen.length }) : '');
  }

  for (const item of items) {
    const id = freshId('item');
    const descId = item.description ? freshId('item-desc') : null;
    const input = h('input', {
      type: multi ? 'checkbox' : 'radio', id, name: groupName, class: 'choice-input',
      data: { item: item.id },
    });
    if (descId) input.setAttribute('aria-describedby', descId);
    input.addEventListener('change', () => {
      if (multi) {
        chosen = chosen.filter((c) => c !== item.id);
        if (input.checked) chosen.push(item.id);
      } else if (input.checked) {
        chosen = [item.id];
      }
      update();
    });
    list.append(h('label', { class: 'choice', for: id },
      input,
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-label', dir: 'auto', text: item.label }),
        descId ? h('span', { class: 'choice-desc', id: descId, dir: 'auto', text: item.description ?? '' }) : null)));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (chosen.length === 0) return;
    void ctx.submit({ kind: 'selection', ids: [...chosen] });
  });
  form.append(list, bar);
  root.append(form);
  update();

  return {
    element: root,
    setLocked(locked) {
      root.disabled = locked;
    },
  };
}
