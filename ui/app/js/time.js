// @ts-check
/** Times as the pages show them: received times, time left before expiry, sizes. */

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
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const sameDay = d.toDateString() === now.toDateString();
  if (sameDay) return time;
  const days = Math.abs(now.getTime() - d.getTime()) / 86_400_000;
  if (days < 6) return `${d.toLocaleDateString(undefined, { weekday: 'short' })} ${time}`;
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${time}`;
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
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, '0')} min`;
}

/**
 * A byte count for people: "812 B", "14 KB", "3.2 MB".
 * @param {number|null|undefined} bytes
 */
export function formatSize(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
