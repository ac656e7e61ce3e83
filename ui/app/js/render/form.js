// @ts-check
/**
 * Form: the twelve field types of the Placet docs, with the values the official web UI
 * sends (review-card.tsx):
 *
 * - a field starts with its `defaultValue` exactly as given (a number stays a number) and
 *   is sent even when untouched; a range without one starts at `min` (or 0) and is always
 *   sent; any other untouched field is omitted;
 * - text, email, url, password, textarea and number fields send the input's string (a
 *   field typed into and cleared sends ""), select the option value, checkbox a boolean,
 *   range a number, date "yyyy-MM-dd", time "HH:mm", datetime "yyyy-MM-ddTHH:mm";
 * - submit stays disabled until every required field has a value that is not blank.
 *
 * On top of that, values are checked as Rust will check them (numbers within min, max
 * and step, email and URL shape, dates): errors show next to the field and nothing is
 * sent while any remains.
 */

import { h, freshId, setIdList } from '../dom.js';
import { actionBar, controlsRoot } from './common.js';
import { t } from '../i18n.js';

/** @typedef {import('../ipc.js').FormField} FormField */
/** @typedef {import('../ipc.js').FieldValue} FieldValue */
/** @typedef {HTMLInputElement|HTMLSelectElement|HTMLTextAreaElement} Control */

/**
 * @typedef {{
 *   field: FormField, control: Control, error: HTMLElement, wrapper: HTMLElement,
 *   touched: boolean, output?: HTMLOutputElement,
 * }} FieldUi
 */

/** @param {FormField} f */
const labelOf = (f) => (f.label && f.label.trim() !== '' ? f.label : f.name);

/** @param {unknown} v @returns {v is number} */
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * The value a field starts with, or `undefined` when it starts empty (and is omitted
 * unless touched).
 * @param {FormField} f
 * @returns {FieldValue|undefined}
 */
export function initialValue(f) {
  const d = f.defaultValue;
  if (d !== undefined && d !== null) return /** @type {FieldValue} */ (d);
  if (f.type === 'range') return isNum(f.min) ? f.min : 0;
  return undefined;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const EMAIL_LOCAL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9-]{1,63}$/;
const SPECIAL_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ws:', 'wss:', 'file:']);

/** @param {string} s */
function isEmail(s) {
  const at = s.indexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return EMAIL_LOCAL.test(local) && domain !== ''
    && domain.split('.').every((l) => DOMAIN_LABEL.test(l) && !l.startsWith('-') && !l.endsWith('-'));
}

/** A full URL (like https://example.com), as Rust's `url` crate accepts it. @param {string} s */
function isAbsoluteUrl(s) {
  const t = s.trim();
  try {
    const u = new URL(t);
    if (SPECIAL_SCHEMES.has(u.protocol) || u.protocol === 'mailto:') return true;
    return t.slice(u.protocol.length).startsWith('/');
  } catch {
    return false;
  }
}

/** @param {number} y @param {number} m @param {number} d */
function validDate(y, m, d) {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** @param {string} s */
function isDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** @param {string} s */
function isTime(s) {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  return !!m && Number(m[1]) < 24 && Number(m[2]) < 60;
}

/** @param {string} s */
function isDatetime(s) {
  return s.length === 16 && s[10] === 'T' && isDate(s.slice(0, 10)) && isTime(s.slice(11));
}

/** @param {number} n */
const fmt = (n) => String(n);

/**
 * @param {number} n
 * @param {number|null|undefined} min
 * @param {number|null|undefined} max
 * @param {number|null|undefined} step
 * @returns {string|null}
 */
function checkBounds(n, min, max, step) {
  if (isNum(min) && n < min) return t('rw-at-least', { min: fmt(min) });
  if (isNum(max) && n > max) return t('rw-at-most', { max: fmt(max) });
  if (isNum(step) && step > 0) {
    const base = isNum(min) ? min : 0;
    const k = (n - base) / step;
    if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(Math.abs(k), 1)) {
      return base === 0
        ? t('rw-multiple-of', { step: fmt(step) })
        : t('rw-base-plus-multiple', { base: fmt(base), step: fmt(step) });
    }
  }
  return null;
}

/**
 * Why a value would be refused, or null. Mirrors Rust's check (crates/placet-client
 * answer.rs): the agent's own default is accepted as given.
 * @param {FormField} f
 * @param {FieldValue|undefined} v
 * @returns {{missing: boolean, message: string}|null}
 */
export function fieldProblem(f, v) {
  if (v === undefined || v === null) {
    return f.required ? { missing: true, message: t('rw-required') } : null;
  }
  if (f.required && typeof v === 'string' && v.trim() === '') {
    return { missing: true, message: t('rw-required') };
  }
  if (f.defaultValue !== undefined && f.defaultValue !== null && f.defaultValue === v) return null;
  /** @param {string} message */
  const bad = (message) => ({ missing: false, message });
  if (f.type === 'checkbox') return typeof v === 'boolean' ? null : bad(t('rw-must-be-on-off'));
  if (f.type === 'range') {
    if (!isNum(v)) return bad(t('rw-must-be-number'));
    const m = checkBounds(v, isNum(f.min) ? f.min : 0, isNum(f.max) ? f.max : 100, isNum(f.step) ? f.step : 1);
    return m ? bad(m) : null;
  }
  if (typeof v !== 'string') return bad(t('rw-must-be-text'));
  if (v === '') return null;
  switch (f.type) {
    case 'number': {
      const trimmed = v.trim();
      if (!DECIMAL.test(trimmed)) return bad(t('rw-enter-number'));
      const m = checkBounds(Number(trimmed), f.min, f.max, f.step);
      return m ? bad(m) : null;
    }
    case 'email':
      return isEmail(v) ? null : bad(t('rw-enter-email'));
    case 'url':
      return isAbsoluteUrl(v) ? null : bad(t('rw-enter-url'));
    case 'select':
      return f.options.length === 0 || f.options.some((o) => o.value === v) ? null : bad(t('rw-choose-option'));
    case 'date':
      return isDate(v) ? null : bad(t('rw-enter-date'));
    case 'time':
      return isTime(v) ? null : bad(t('rw-enter-time'));
    case 'datetime':
      return isDatetime(v) ? null : bad(t('rw-enter-datetime'));
    default:
      return null;
  }
}

/**
 * The string an input shows for a value.
 * @param {FieldValue|undefined} v
 */
const shown = (v) => (v === undefined || v === null ? '' : String(v));

/**
 * Builds the control of one field.
 * @param {FormField} f
 * @param {string} id
 * @param {FieldValue|undefined} start
 * @returns {Control}
 */
function control(f, id, start) {
  /** @param {string} type */
  const input = (type) => h('input', { type, id, class: 'input', name: id, dir: type === 'text' || type === 'email' || type === 'url' ? 'auto' : undefined });
  /** @type {Control} */
  let c;
  switch (f.type) {
    case 'textarea':
      c = h('textarea', { id, class: 'input', rows: 4, dir: 'auto' });
      break;
    case 'select': {
      const select = h('select', { id, class: 'input' });
      const none = h('option', { value: '', text: t('rw-choose') });
      if (f.required) none.disabled = true;
      select.append(none);
      for (const o of f.options) select.append(h('option', { value: o.value, dir: 'auto', text: o.label }));
      c = select;
      break;
    }
    case 'checkbox': {
      const box = h('input', { type: 'checkbox', id, class: 'checkbox' });
      box.checked = start === true || start === 'true';
      return box;
    }
    case 'number':
      c = input('number');
      c.setAttribute('inputmode', 'decimal');
      break;
    case 'range':
      c = input('range');
      break;
    case 'datetime':
      c = input('datetime-local');
      break;
    case 'email':
    case 'url':
    case 'password':
    case 'date':
    case 'time':
      c = input(f.type);
      break;
    default:
      c = input('text');
  }
  if (f.type === 'number' || f.type === 'range') {
    const min = isNum(f.min) ? f.min : f.type === 'range' ? 0 : null;
    const max = isNum(f.max) ? f.max : f.type === 'range' ? 100 : null;
    const step = isNum(f.step) ? f.step : f.type === 'range' ? 1 : null;
    if (min !== null) c.setAttribute('min', String(min));
    if (max !== null) c.setAttribute('max', String(max));
    c.setAttribute('step', step !== null ? String(step) : 'any');
  }
  if (f.type === 'password') c.setAttribute('autocomplete', 'off');
  if (f.placeholder && !(c instanceof HTMLSelectElement)) c.setAttribute('placeholder', f.placeholder);
  if (f.required) c.setAttribute('aria-required', 'true');
  if (start !== undefined) c.value = shown(start);
  return c;
}

/**
 * The value a control holds now, in the shape the web UI sends.
 * @param {FormField} f
 * @param {Control} c
 * @returns {FieldValue}
 */
function readValue(f, c) {
  switch (f.type) {
    case 'checkbox':
      return /** @type {HTMLInputElement} */ (c).checked;
    case 'range':
      return Number(c.value);
    case 'time':
      return c.value.slice(0, 5);
    case 'datetime':
      return c.value.slice(0, 16);
    default:
      return c.value;
  }
}

/**
 * @param {import('./common.js').RenderContext} ctx
 * @returns {import('./common.js').Controls}
 */
export function renderForm(ctx) {
  /** @type {import('../ipc.js').FormPayload} */
  const payload = ctx.view.review.payload;
  const fields = Array.isArray(payload.fields) ? payload.fields : [];
  const root = controlsRoot('form');
  const form = h('form', { class: 'stack', aria: { label: t('rw-answer-form') } });
  form.noValidate = true;

  /** @type {Map<string, FieldValue>} the values to send, by field name */
  const values = new Map();
  /** @type {FieldUi[]} */
  const uis = [];
  let attempted = false;
  const { bar, submit, hint } = actionBar(ctx, payload.submitLabel || t('rw-submit'), payload.dismissLabel);

  for (const f of fields) {
    const start = initialValue(f);
    if (start !== undefined) values.set(f.name, start);
    const id = freshId('field');
    const c = control(f, id, start);
    const errorId = freshId('field-error');
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    const descId = f.description && f.type !== 'checkbox' ? freshId('field-desc') : null;
    const unitId = f.unit ? freshId('field-unit') : null;
    const wrapper = h('div', { class: `field field-${f.type}`, data: { name: f.name, type: f.type } });
    const labelText = h('span', { class: 'label-text', dir: 'auto', text: labelOf(f) });
    const req = f.required ? h('span', { class: 'req', aria: { hidden: 'true' }, text: '*' }) : null;
    /** @type {HTMLOutputElement|undefined} */
    let output;

    if (f.type === 'checkbox') {
      const titleId = freshId('field-title');
      wrapper.setAttribute('role', 'group');
      wrapper.setAttribute('aria-labelledby', titleId);
      wrapper.append(
        h('span', { class: 'field-label', id: titleId }, labelText, req),
        h('label', { class: 'check', for: id }, c,
          h('span', { class: 'check-text', dir: 'auto', text: f.description || labelOf(f) })));
    } else {
      wrapper.append(h('label', { class: 'field-label', for: id }, labelText, req));
      if (descId) wrapper.append(h('p', { class: 'field-desc', id: descId, dir: 'auto', text: f.description ?? '' }));
      if (f.type === 'range') {
        output = h('output', { class: 'range-value', for: id, aria: { live: 'polite' } });
        wrapper.append(h('div', { class: 'input-row' }, c, output));
      } else if (unitId) {
        wrapper.append(h('div', { class: 'input-row' }, c, h('span', { class: 'unit', id: unitId, dir: 'auto', text: f.unit ?? '' })));
      } else {
        wrapper.append(c);
      }
    }
    wrapper.append(error);
    setIdList(c, 'aria-describedby', [descId, unitId, errorId]);

    /** @type {FieldUi} */
    const ui = { field: f, control: c, error, wrapper, touched: false, output };
    const onChange = () => {
      ui.touched = true;
      values.set(f.name, readValue(f, c));
      update();
    };
    c.addEventListener('input', onChange);
    c.addEventListener('change', onChange);
    c.addEventListener('blur', () => {
      // A number input holding text that is not a number reports "" as its value; say so
      // once the person leaves the field.
      if (f.type === 'number' && /** @type {HTMLInputElement} */ (c).validity.badInput) {
        ui.touched = true;
        update();
      }
    });
    uis.push(ui);
    form.append(wrapper);
  }

  /** @param {FieldUi} ui */
  function problemOf(ui) {
    const { field, control: c } = ui;
    if (field.type === 'number' && /** @type {HTMLInputElement} */ (c).validity.badInput) {
      return { missing: false, message: t('rw-enter-number') };
    }
    return fieldProblem(field, values.get(field.name));
  }

  function update() {
    /** @type {string[]} */
    const missing = [];
    let invalid = 0;
    for (const ui of uis) {
      const p = problemOf(ui);
      if (p?.missing) missing.push(labelOf(ui.field));
      else if (p) invalid += 1;
      const show = p !== null && (ui.touched || attempted);
      ui.error.hidden = !show;
      ui.error.textContent = show && p ? p.message : '';
      ui.wrapper.classList.toggle('invalid', show);
      if (show) ui.control.setAttribute('aria-invalid', 'true');
      else ui.control.removeAttribute('aria-invalid');
      if (ui.output) {
        const v = values.get(ui.field.name);
        ui.output.textContent = `${shown(v)}${ui.field.unit ? ` ${ui.field.unit}` : ''}`;
      }
    }
    submit.disabled = missing.length > 0 || invalid > 0;
    const parts = [];
    if (missing.length > 0) parts.push(t('rw-required-fields', { fields: missing.join(', ') }));
    if (invalid > 0) parts.push(t('rw-fields-need-fixing', { count: invalid }));
    hint.textContent = parts.join(' ');
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    attempted = true;
    update();
    if (submit.disabled) {
      const first = uis.find((ui) => problemOf(ui) !== null);
      first?.control.focus();
      return;
    }
    /** @type {Record<string, FieldValue>} */
    const out = {};
    for (const f of fields) {
      const v = values.get(f.name);
      if (v !== undefined) out[f.name] = v;
    }
    void ctx.submit({ kind: 'form', values: out });
  });

  form.append(bar);
  root.append(form);
  update();

  return {
    element: root,
    setLocked(locked) {
      root.disabled = locked;
    },
  };
}
