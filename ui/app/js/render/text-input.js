// @ts-check
/**
 * Text input: a textarea starting with `prefill`, a live character counter against
 * `minLength`/`maxLength` (counted on the trimmed text, in characters, as Rust counts),
 * and submit disabled while the text is blank or out of limits.
 *
 * Sends `{kind: "text", text}` (Rust trims it, as the web UI does) or `{kind: "dismiss"}`.
 */

import { h, freshId } from '../dom.js';
import { actionBar, charCount, controlsRoot, isBlank } from './common.js';
import { t } from '../i18n.js';

/** @param {unknown} v @returns {number|null} */
const limit = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null);

/**
 * @param {import('./common.js').RenderContext} ctx
 * @returns {import('./common.js').Controls}
 */
export function renderTextInput(ctx) {
  /** @type {import('../ipc.js').TextInputPayload} */
  const payload = ctx.view.review.payload;
  const min = limit(payload.minLength);
  const max = limit(payload.maxLength);
  const root = controlsRoot('text-input');
  const form = h('form', { class: 'stack', aria: { label: t('rw-your-answer') } });
  form.noValidate = true;

  const id = freshId('answer');
  const counterId = freshId('counter');
  const errorId = freshId('answer-error');
  const area = h('textarea', {
    id, class: 'input', rows: 6, dir: 'auto',
    placeholder: payload.placeholder || t('rw-text-placeholder'),
    aria: { describedby: `${counterId} ${errorId}` },
  });
  area.value = payload.prefill ?? '';
  const counter = h('span', { class: 'counter', id: counterId });
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const { bar, submit } = actionBar(ctx, payload.submitLabel || t('rw-send-response'), payload.dismissLabel);
  let touched = false;

  function update() {
    const len = charCount(area.value.trim());
    counter.textContent = max !== null ? `${len} / ${max}` : t('rw-characters', { count: len });
    /** @type {string|null} */
    let problem = null;
    if (isBlank(area.value)) problem = t('rw-write-first');
    else if (min !== null && len < min) problem = t('rw-too-short', { min, more: min - len });
    else if (max !== null && len > max) problem = t('rw-too-long', { max, excess: len - max });
    const outOfLimits = problem !== null && !isBlank(area.value);
    counter.classList.toggle('over', outOfLimits);
    const show = problem !== null && (touched || outOfLimits);
    error.hidden = !show;
    error.textContent = show && problem ? problem : '';
    if (show) area.setAttribute('aria-invalid', 'true');
    else area.removeAttribute('aria-invalid');
    submit.disabled = problem !== null;
  }

  area.addEventListener('input', () => {
    touched = true;
    update();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    touched = true;
    update();
    if (submit.disabled) return;
    void ctx.submit({ kind: 'text', text: area.value });
  });
  // Ctrl+Enter sends, as in most chat boxes; Enter alone makes a new line.
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const limits = min !== null && max !== null ? t('rw-limits-both', { min, max })
    : min !== null ? t('rw-limits-min', { min })
      : max !== null ? t('rw-limits-max', { max })
        : '';
  form.append(
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: id, text: t('rw-your-answer') }),
      area,
      h('div', { class: 'field-meta' },
        h('span', { class: 'field-desc', text: [limits, payload.markdown ? t('rw-markdown') : ''].filter(Boolean).join(' ') }),
        counter),
      error),
    bar);
  root.append(form);
  update();

  return {
    element: root,
    setLocked(locked) {
      root.disabled = locked;
    },
  };
}
