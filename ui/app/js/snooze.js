// @ts-check
/**
 * "Remind me later" in a review's window: in 15 minutes, in an hour, or tomorrow at 08:00.
 * The review's notification goes away and comes back then, with its sound (nothing is
 * answered). Shown while the review waits for an answer (the body's `data-state`, which
 * `review.js` keeps, is `pending`).
 */

import * as ipc from './ipc.js';
import { byId } from './dom.js';
import { describeError } from './messages.js';
import { t } from './i18n.js';

const bar = byId('snooze');
const status = byId('snooze-status');
const id = new URLSearchParams(window.location.search).get('id') ?? '';

/** @param {unknown} v @returns {v is ipc.SnoozeFor} */
const isSnoozeFor = (v) => v === '15m' || v === '1h' || v === 'tomorrowMorning';

function follow() {
  bar.hidden = document.body.dataset.state !== 'pending';
}

for (const button of bar.querySelectorAll('button')) {
  button.addEventListener('click', () => {
    const howLong = button.dataset.for;
    if (!isSnoozeFor(howLong)) return;
    ipc.reviewSnooze(id, howLong)
      .then((s) => {
        status.textContent = t('rw-snooze-until', { time: s.untilText });
        bar.dataset.until = s.until;
      })
      .catch((err) => { status.textContent = describeError(ipc.toIpcError(err)); });
  });
}
new MutationObserver(follow).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
follow();
