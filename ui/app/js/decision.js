// @ts-check
/**
 * Our own answer to a review, from the local decision log (`ReviewView.decision`), in
 * words: "Answered in the review window at 14:02 · delivered to the agent".
 */

import { formatReceived, parseTime } from './time.js';

/**
 * What became of the answer: the outcome of its delivery to the server, then how far it
 * got towards the agent.
 * @param {import('./ipc.js').DecisionView} d
 */
export function outcomeWords(d) {
  switch (d.outcome) {
    case 'queued':
      return 'sending';
    case 'sent':
      if (d.deliveredToAgent) return 'delivered to the agent';
      if (d.delivery === 'webhook_failed') return 'sent, but the agent’s webhook failed';
      return 'sent';
    case 'answeredElsewhere':
      return 'not sent: it had been answered elsewhere';
    case 'expired':
      return 'not sent: the review had expired';
    case 'withdrawn':
      return 'not sent: the agent withdrew the review';
    case 'failed':
      return 'not sent: sending failed';
    case 'discarded':
      return 'discarded at sign-out, not sent';
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
  const when = at ? ` at ${formatReceived(at, now)}` : '';
  return `Answered ${d.givenIn}${when} · ${outcomeWords(d)}`;
}
