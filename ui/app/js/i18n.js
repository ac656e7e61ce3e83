// @ts-check
/**
 * The pages' words in the person's language. The window host puts the catalogue of the
 * language the tray chose, and English's (the fallback), on `window.__PLACET_I18N__`
 * before any page script runs; the same Fluent files give the tray and the command line
 * their words (`crates/placet-tray-core/locales/`).
 *
 * - `t(id, args)` formats the message `id` (or `id.attribute`) with `args`.
 * - Static text in the HTML carries `data-l10n-id`: the element's text becomes the
 *   message's value, and the message's attributes named in `ATTRIBUTES` (placeholder,
 *   title, aria-label) become the element's. Only elements whose content is plain text
 *   carry it.
 * - `language` is the language in use (for `Intl` dates, numbers and durations).
 *
 * Messages are plain text: whatever an agent wrote goes in as a variable and comes out
 * as text, because pages set it with `textContent`, never as markup.
 */
import { FluentBundle, FluentResource } from './vendor/fluent-bundle/index.js';

/** @typedef {{ language: string, sources: string[], fallback: string[] }} Catalogue */
/** @typedef {Record<string, string | number | Date>} Args */

/** Attributes a message may set on an element. */
const ATTRIBUTES = ['placeholder', 'title', 'aria-label'];

const catalogue = /** @type {Catalogue | undefined} */ (
  /** @type {{ __PLACET_I18N__?: Catalogue }} */ (/** @type {unknown} */ (window)).__PLACET_I18N__
);

/** The language in use. */
export const language = catalogue?.language ?? 'en';

/**
 * @param {string} lang
 * @param {string[]} sources
 */
function bundle(lang, sources) {
  const b = new FluentBundle(lang, { useIsolating: false });
  for (const source of sources) {
    const errors = b.addResource(new FluentResource(source));
    for (const e of errors) console.error(`the ${lang} catalogue: ${e}`);
  }
  return b;
}

/** The bundles to look in, the language in use first. */
const bundles = catalogue
  ? [
      bundle(language, catalogue.sources),
      ...(language === 'en' ? [] : [bundle('en', catalogue.fallback)]),
    ]
  : [];
if (!catalogue) console.error('no catalogue from the window host: messages show as their ids');

/**
 * The message `id` ("message" or "message.attribute") in the language in use.
 * @param {string} id
 * @param {Args} [args]
 * @returns {string}
 */
export function t(id, args) {
  const [name, attribute] = id.split('.');
  for (const b of bundles) {
    const message = b.getMessage(name ?? id);
    const pattern = attribute ? message?.attributes[attribute] : message?.value;
    if (pattern) {
      /** @type {Error[]} */
      const errors = [];
      const text = b.formatPattern(pattern, args ?? null, errors);
      for (const e of errors) console.error(`message ${id}: ${e}`);
      return text;
    }
  }
  console.error(`no message ${id}`);
  return id;
}

/**
 * Fills every element under `root` that carries `data-l10n-id` (and `root` itself).
 * @param {ParentNode & Node} [root]
 */
export function translate(root = document) {
  /** @type {Element[]} */
  const elements = [...root.querySelectorAll('[data-l10n-id]')];
  if (root instanceof Element && root.hasAttribute('data-l10n-id')) elements.push(root);
  for (const el of elements) {
    const id = /** @type {string} */ (el.getAttribute('data-l10n-id'));
    const [name] = id.split('.');
    const message = bundles.map((b) => b.getMessage(name ?? id)).find(Boolean);
    if (!message) {
      console.error(`no message ${id}`);
      continue;
    }
    if (message.value) el.textContent = t(id);
    for (const attribute of ATTRIBUTES) {
      if (message.attributes[attribute]) el.setAttribute(attribute, t(`${id}.${attribute}`));
    }
  }
}

document.documentElement.lang = language;
translate();
