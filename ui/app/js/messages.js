// @ts-check
/** Command errors put into words for people, shared by the pages. */

import { t } from './i18n.js';

/**
 * Capitalises the first letter (Rust's messages start in lower case, to compose).
 * @param {string} s
 */
export function sentence(s) {
  const text = s.trim();
  if (text === '') return text;
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/**
 * What to tell the person about a failed command.
 * @param {import('./ipc.js').IpcError} e
 */
export function describeError(e) {
  switch (e.code) {
    case 'notConnected':
      return t('error-not-connected');
    case 'authExpired':
      return t('error-auth-expired');
    case 'network':
      return t('error-network', { detail: e.message });
    case 'tls':
      return t('error-tls', { detail: e.message });
    case 'watchOnly':
      return t('error-watch-only');
    case 'withdrawn':
      return t('error-withdrawn');
    case 'notFound':
      return t('error-not-found');
    case 'alreadyAnswered':
      return t('error-already-answered');
    case 'invalidAnswer':
      return sentence(e.message);
    case 'notAllowed':
      return t('error-not-allowed', { detail: sentence(e.message) });
    case 'insecureHttp':
      return t('error-insecure-http');
    case 'redirect':
      return t('error-redirect', { detail: sentence(e.message) });
    default:
      return e.message ? sentence(e.message) : t('error-unknown');
  }
}
