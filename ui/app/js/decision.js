// @ts-check
/**
 * Our own answer to a review, from the local decision log (`ReviewView.decision`), in
 * words: "Answered in the review window at 14:02 · delivered to the agent".
 */

import { formatReceived, parseTime } from './time.js';
import { t } from './i18n.js';

/**
 * What became of the answer: the outcome of its delivery to the server, then how far it
 * got towards the agent.
 * @param {import('./ipc.js').DecisionView} d
 */
export function outcomeWords(d) {
  switch (d.outcome) {
    case 'queued':
      return t('rw-outcome-sending');
    case 'sent':
      if (d.deliveredToAgent) return t('rw-outcome-delivered');
      if (d.delivery === 'webhook_failed') return t('rw-outcome-webhook-failed');
      return t('rw-outcome-sent');
    case 'answeredElsewhere':
      return t('rw-outcome-answered-elsewhere');
    case 'expired':
      return t('rw-outcome-expired');
    case 'withdrawn':
      return t('rw-outcome-withdrawn');
    case 'failed':
      return t('rw-outcome-failed');
    case 'discarded':
      return t('rw-outcome-discarded');
    default:
      return d.outcome;
  }
}

/**
 * The whole line.
 * @param {import('./ipc.js').DecisionView} d
 * @param {Date} [now]
 */
export function decisionLine(d, now = new Date()) {
  const at = parseTime(d.decidedAt);
  const outcome = outcomeWords(d);
  return at
    ? t('rw-decision-at', { how: d.givenIn, time: formatReceived(at, now), outcome })
    : t('rw-decision', { how: d.givenIn, outcome });
}
