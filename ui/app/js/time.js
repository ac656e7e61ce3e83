// @ts-check
/** Times as the pages show them: received times, time left before expiry, sizes. */

import { language, t } from './i18n.js';

/**
 * The locale dates, times and numbers are written in: the person's own when it is of the
 * language in use (so "en-GB" keeps its 24-hour clock and "de-AT" its "Jänner"), else the
 * language's.
 * @returns {string}
 */
function pickLocale() {
  const own = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of own) {
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (supported && new Intl.Locale(supported).language === language) return supported;
    } catch {
      // Not a language tag: try the next.
    }
  }
  return language;
}

/** The locale for `Intl` and `toLocale…String` on the pages. */
export const locale = pickLocale();

/**
 * Parses an ISO timestamp; `null` when absent or unreadable.
 * @param {string|null|undefined} iso
 * @returns {Date|null}
 */
export function parseTime(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * "14:32" today, "Mon 14:32" within a week, otherwise a short date and time.
 * @param {Date} d
 * @param {Date} [now]
 */
export function formatReceived(d, now = new Date()) {
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const sameDay = d.toDateString() === now.toDateString();
  if (sameDay) return time;
  const days = Math.abs(now.getTime() - d.getTime()) / 86_400_000;
  if (days < 6) {
    return t('time-weekday-time', { weekday: d.toLocaleDateString(locale, { weekday: 'short' }), time });
  }
  return t('time-date-time', { date: d.toLocaleDateString(locale, { day: 'numeric', month: 'short' }), time });
}

/**
 * Time left as words: "2 h 05 min", "12 min", "0:45" in the last minutes (precise enough
 * to act on), "0:00" when it has run out.
 * @param {number} ms
 */
export function formatLeft(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 10 * 60) {
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, '0')}`;
  }
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return t('time-minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? t('time-hours', { hours }) : t('time-hours-minutes', { hours, minutes: rest });
}

/**
 * A byte count for people: "812 B", "14 KB", "3.2 MB".
 * @param {number|null|undefined} bytes
 */
export function formatSize(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return t('time-size-bytes', { size: number(bytes, 0) });
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < 3) {
    v /= 1024;
    i += 1;
  }
  const size = number(v, v < 10 ? 1 : 0);
  switch (i) {
    case 0: return t('time-size-kb', { size });
    case 1: return t('time-size-mb', { size });
    case 2: return t('time-size-gb', { size });
    default: return t('time-size-tb', { size });
  }
}

/**
 * A number with `digits` decimals, without grouping ("1023", "3.2"; "3,2" in German).
 * @param {number} n
 * @param {number} digits
 */
function number(n, digits) {
  return new Intl.NumberFormat(locale, {
    useGrouping: false, minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(n);
}
