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
  const form = h('form', { class: 'stack', aria: { label: 'Your answer' } });
  form.noValidate = true;

  const id = freshId('answer');
  const counterId = freshId('counter');
  const errorId = freshId('answer-error');
  const area = h('textarea', {
    id, class: 'input', rows: 6, dir: 'auto',
    placeholder: payload.placeholder || 'Type your response…',
    aria: { describedby: `${counterId} ${errorId}` },
  });
  area.value = payload.prefill ?? '';
  const counter = h('span', { class: 'counter', id: counterId });
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const { bar, submit } = actionBar(ctx, payload.submitLabel || 'Send Response', payload.dismissLabel);
  let touched = false;

  function update() {
    const len = charCount(area.value.trim());
    counter.textContent = max !== null ? `${len} / ${max}` : `${len} characters`;
    /** @type {string|null} */
    let problem = null;
    if (isBlank(area.value)) problem = 'Write an answer first.';
    else if (min !== null && len < min) problem = `At least ${min} characters, ${min - len} more to go.`;
    else if (max !== null && len > max) problem = `At most ${max} characters: ${len - max} too many.`;
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

  const limits = [
    min !== null ? `at least ${min}` : null,
    max !== null ? `at most ${max}` : null,
  ].filter(Boolean).join(', ');
  form.append(
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: id, text: 'Your answer' }),
      area,
      h('div', { class: 'field-meta' },
        h('span', { class: 'field-desc', text: [limits ? `Characters: ${limits}.` : '', payload.markdown ? 'Markdown is supported.' : ''].filter(Boolean).join(' ') }),
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
