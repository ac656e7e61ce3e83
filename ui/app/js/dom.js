// @ts-check
/**
 * Tiny DOM helpers. They only ever create elements and set text with `textContent` and
 * attributes with `setAttribute`: agent-supplied text is data, never markup. The single
 * place that inserts HTML is `review.js`, for the message text Rust sanitised.
 */

/**
 * Attributes and properties `h` knows how to set. Event handler attributes (`on…`),
 * `href`, `src` and `style` are deliberately absent.
 * @typedef {{
 *   class?: string, id?: string, text?: string, dir?: 'auto'|'ltr'|'rtl', for?: string,
 *   type?: string, name?: string, value?: string, placeholder?: string, title?: string,
 *   role?: string, tabindex?: number, hidden?: boolean, disabled?: boolean,
 *   checked?: boolean, required?: boolean, rows?: number, autocomplete?: string,
 *   spellcheck?: boolean, min?: string, max?: string, step?: string, inputmode?: string,
 *   aria?: Record<string, string>, data?: Record<string, string>
 * }} Props
 */

/** Attributes set verbatim with `setAttribute`. */
const ATTRS = /** @type {const} */ ([
  'class', 'id', 'dir', 'for', 'type', 'name', 'placeholder', 'title', 'role', 'autocomplete',
  'min', 'max', 'step', 'inputmode',
]);

/**
 * Creates an element. Strings among `children` become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const key of ATTRS) {
    const v = props[key];
    if (v !== undefined) el.setAttribute(key, v);
  }
  if (props.text !== undefined) el.textContent = props.text;
  if (props.tabindex !== undefined) el.tabIndex = props.tabindex;
  if (props.hidden) el.hidden = true;
  if (props.rows !== undefined) el.setAttribute('rows', String(props.rows));
  if (props.spellcheck !== undefined) el.spellcheck = props.spellcheck;
  if (props.value !== undefined && 'value' in el) {
    /** @type {{value: string}} */ (/** @type {unknown} */ (el)).value = props.value;
  }
  if (props.disabled) el.setAttribute('disabled', '');
  if (props.checked && el instanceof HTMLInputElement) el.checked = true;
  if (props.required) el.setAttribute('required', '');
  for (const [k, v] of Object.entries(props.aria ?? {})) el.setAttribute(`aria-${k}`, v);
  for (const [k, v] of Object.entries(props.data ?? {})) el.setAttribute(`data-${k}`, v);
  append(el, ...children);
  return el;
}

/**
 * Appends nodes and strings (as text) to `parent`.
 * @param {Node} parent
 * @param {...(Node|string|null|undefined|false)} children
 */
export function append(parent, ...children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/**
 * Replaces the children of `parent`.
 * @param {Node} parent
 * @param {...(Node|string|null|undefined|false)} children
 */
export function replace(parent, ...children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/**
 * The element with this id, which the page's HTML must have.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @param {new (...args: any[]) => E} [type]
 * @returns {E}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  if (type && !(el instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
  return /** @type {E} */ (el);
}

let uid = 0;

/**
 * A fresh id for wiring labels and descriptions to controls (never derived from agent
 * data, which could collide or carry odd characters).
 * @param {string} prefix
 */
export function freshId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * Sets or removes a space-separated id list attribute such as `aria-describedby`.
 * @param {Element} el
 * @param {string} attr
 * @param {(string|null|undefined|false)[]} ids
 */
export function setIdList(el, attr, ids) {
  const list = ids.filter(Boolean).join(' ');
  if (list) el.setAttribute(attr, list);
  else el.removeAttribute(attr);
}

/**
 * Shows a page's banner: a bold title and, after it, the detail (as text, in its own
 * direction) and anything `extra` (a button).
 * @param {HTMLElement} banner
 * @param {'info'|'success'|'warning'|'error'} kind
 * @param {string} title
 * @param {string|null} [detail]
 * @param {Node|null} [extra]
 */
export function setBanner(banner, kind, title, detail, extra) {
  banner.className = `banner banner-${kind}`;
  banner.dataset.kind = kind;
  replace(banner,
    h('strong', { class: 'banner-title', text: title }),
    detail ? h('span', { class: 'banner-detail', dir: 'auto', text: ` ${detail}` }) : null,
    extra ?? null);
  banner.hidden = false;
}
