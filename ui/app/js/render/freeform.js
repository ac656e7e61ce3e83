// @ts-check
/**
 * Freeform: a JSON editor that must parse to an object, with the parse error shown as the
 * person types. The review's `schema` hint is shown above it, pretty-printed, as text.
 * (Review types this app does not know are `external`, never answered as JSON.)
 *
 * Sends `{kind: "freeform", object}`.
 */

import { h, freshId } from '../dom.js';
import { actionBar, controlsRoot } from './common.js';
import { t } from '../i18n.js';

/**
 * Parses the editor's text: the object, or why it is not one.
 * @param {string} text
 * @returns {{ok: true, object: Record<string, unknown>} | {ok: false, message: string}}
 */
export function parseObject(text) {
  /** @type {unknown} */
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: t('rw-invalid-json', { reason: e instanceof Error ? e.message : String(e) }) };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    // A protocol word, not one for people: the message says it in the person's language.
    const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    return { ok: false, message: t('rw-not-an-object', { type }) };
  }
  return { ok: true, object: /** @type {Record<string, unknown>} */ (v) };
}

/**
 * @param {import('./common.js').RenderContext} ctx
 * @returns {import('./common.js').Controls}
 */
export function renderFreeform(ctx) {
  const review = ctx.view.review;
  const root = controlsRoot('freeform');
  const form = h('form', { class: 'stack', aria: { label: t('rw-json-answer') } });
  form.noValidate = true;

  const schema = review.schema;
  if (schema !== null && schema !== undefined) {
    let text;
    try {
      text = JSON.stringify(schema, null, 2) ?? String(schema);
    } catch {
      text = String(schema);
    }
    form.append(h('div', { class: 'schema' },
      h('p', { class: 'field-label', text: t('rw-schema-label') }),
      h('pre', {
        class: 'code', id: 'schema', dir: 'ltr', text,
        tabindex: 0, role: 'region', aria: { label: t('rw-expected-schema') },
      })));
  }

  const id = freshId('json');
  const errorId = freshId('json-error');
  const area = h('textarea', {
    id, class: 'input code', rows: 8, spellcheck: false, dir: 'ltr', autocomplete: 'off',
    aria: { describedby: errorId },
  });
  area.value = '{}';
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const { bar, submit } = actionBar(ctx, t('rw-submit'), null);

  function update() {
    const r = parseObject(area.value);
    error.hidden = r.ok;
    error.textContent = r.ok ? '' : r.message;
    if (r.ok) area.removeAttribute('aria-invalid');
    else area.setAttribute('aria-invalid', 'true');
    submit.disabled = !r.ok;
    return r;
  }
  area.addEventListener('input', update);
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const r = update();
    if (r.ok) void ctx.submit({ kind: 'freeform', object: r.object });
  });
  form.append(
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: id, text: t('rw-json-label') }),
      area,
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
