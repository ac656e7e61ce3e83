// @ts-check
/**
 * What every review renderer receives and returns, and the pieces they share.
 *
 * A renderer builds the controls of one review type inside a `<fieldset>`; the page
 * disables that fieldset (and so every control in it) while an answer is being sent and
 * once the review is answered, expired or withdrawn. The external renderer has no answer
 * controls at all, only "Open in Placet". Renderers never talk to Rust: they hand an
 * {@link import('../ipc.js').Answer} to `submit`, which resolves `true` once it was accepted.
 */

import { h } from '../dom.js';

/**
 * `openWeb` opens the review in Placet's web app and resolves to an error to show, or
 * `null`; `withdrawn` says whether the agent deleted the review.
 * @typedef {{
 *   view: import('../ipc.js').ReviewView,
 *   submit: (answer: import('../ipc.js').Answer) => Promise<boolean>,
 *   preselect: string|null,
 *   openWeb: () => Promise<string|null>,
 *   withdrawn: () => boolean,
 * }} RenderContext
 */

/**
 * @typedef {{
 *   element: HTMLElement,
 *   setLocked: (locked: boolean) => void,
 *   preselect?: (optionId: string) => void,
 * }} Controls
 */

/**
 * The fieldset that holds a renderer's controls; disabling it disables them all.
 * @param {string} kind the renderer, for styling
 * @returns {HTMLFieldSetElement}
 */
export function controlsRoot(kind) {
  return h('fieldset', { class: `controls controls-${kind}`, data: { kind } });
}

/**
 * The row of submit and dismiss buttons. The dismiss button exists only when the payload
 * offers `dismissLabel`.
 * @param {RenderContext} ctx
 * @param {string} submitLabel
 * @param {string|null|undefined} dismissLabel
 */
export function actionBar(ctx, submitLabel, dismissLabel) {
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'submit', dir: 'auto', text: submitLabel });
  const bar = h('div', { class: 'actions' });
  /** @type {HTMLButtonElement|null} */
  let dismiss = null;
  if (dismissLabel) {
    dismiss = h('button', { type: 'button', class: 'btn btn-ghost', id: 'dismiss', dir: 'auto', text: dismissLabel });
    dismiss.addEventListener('click', () => {
      void ctx.submit({ kind: 'dismiss' });
    });
  }
  const hint = h('p', { class: 'action-hint', id: 'action-hint', aria: { live: 'polite' } });
  bar.append(hint, ...(dismiss ? [dismiss] : []), submit);
  return { bar, submit, dismiss, hint };
}

/**
 * Whether a text is blank after trimming (as the web UI's `trim() === ''`).
 * @param {string} s
 */
export function isBlank(s) {
  return s.trim() === '';
}

/**
 * The number of characters (code points) of a string, as Rust counts them.
 * @param {string} s
 */
export function charCount(s) {
  return [...s].length;
}
