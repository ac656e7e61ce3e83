// @ts-check
/**
 * The settings of "never miss a decision, never nag" (`settings.html`'s "Do Not Disturb
 * and reminders" section, and the message sound): following the desktop's Do Not
 * Disturb, the breakthrough window, agents' urgency, reminders, snooze buttons, the
 * badge's threshold, the global shortcut (recorded from the keys pressed in its field)
 * and how long decided reviews are kept. Each change is saved at once through the
 * settings page's `save`; the tray applies it without a restart.
 */

import { byId } from './dom.js';
import { t } from './i18n.js';

/** The shortcut a new user gets. */
export const DEFAULT_SHORTCUT = 'Ctrl+Alt+P';

const $ = {
  followDnd: byId('follow-dnd', HTMLInputElement),
  dndStatus: byId('dnd-status'),
  breakthrough: byId('breakthrough-minutes', HTMLInputElement),
  agentUrgency: byId('agent-urgency', HTMLInputElement),
  messageSound: byId('message-sound', HTMLInputElement),
  renudgeMinutes: byId('renudge-minutes', HTMLInputElement),
  renudgeTimes: byId('renudge-times', HTMLInputElement),
  snoozeButtons: byId('snooze-buttons', HTMLInputElement),
  overdue: byId('overdue-minutes', HTMLInputElement),
  shortcut: byId('shortcut', HTMLInputElement),
  shortcutClear: byId('shortcut-clear', HTMLButtonElement),
  shortcutDefault: byId('shortcut-default', HTMLButtonElement),
  shortcutStatus: byId('shortcut-status'),
  historyDays: byId('history-days', HTMLInputElement),
};

/**
 * @typedef {import('./ipc.js').Settings} Settings
 * @typedef {import('./ipc.js').AttentionPrefs} AttentionPrefs
 * @typedef {import('./ipc.js').DesktopView} DesktopView
 * @typedef {(change: (next: Settings) => void) => unknown} Save
 */

/**
 * Shows the settings and what the desktop says (a field being edited keeps its value).
 * @param {Settings} settings @param {DesktopView|null} desktop
 */
export function render(settings, desktop) {
  const a = settings.attention;
  if (!a) return;
  $.followDnd.checked = a.followDnd;
  $.agentUrgency.checked = a.agentUrgency;
  $.messageSound.checked = a.messageSound;
  $.snoozeButtons.checked = a.snoozeButtons;
  for (const [input, value] of /** @type {[HTMLInputElement, number][]} */ ([
    [$.breakthrough, a.breakthroughMinutes],
    [$.renudgeMinutes, a.renudgeMinutes],
    [$.renudgeTimes, a.renudgeTimes],
    [$.overdue, a.overdueMinutes],
    [$.historyDays, a.historyDays],
  ])) {
    if (document.activeElement !== input) input.value = String(value);
  }
  if (document.activeElement !== $.shortcut) $.shortcut.value = a.shortcut;
  $.shortcutDefault.disabled = a.shortcut === DEFAULT_SHORTCUT;
  $.shortcutClear.disabled = a.shortcut === '';
  if (desktop) {
    $.dndStatus.textContent = desktop.dndOn
      ? desktop.dndBy ? t('settings-dnd-on-by', { by: desktop.dndBy }) : t('settings-dnd-on')
      : t('settings-dnd-off');
    $.shortcutStatus.classList.toggle('error', Boolean(desktop.shortcutProblem));
    $.shortcutStatus.textContent = desktop.shortcutProblem
      ? desktop.shortcutProblem
      : desktop.shortcutBound
        ? t('settings-shortcut-bound', { keys: desktop.shortcutBound })
        : a.shortcut === '' ? t('settings-no-shortcut') : '';
  }
}

/**
 * A whole number from a field, within its min and max (`fallback` when it is empty).
 * @param {HTMLInputElement} input @param {number} fallback
 */
function whole(input, fallback) {
  const n = Math.round(Number(input.value));
  if (input.value.trim() === '' || !Number.isFinite(n)) return fallback;
  return Math.min(Number(input.max || n), Math.max(Number(input.min || 0), n));
}

/**
 * The keys of a key press as the tray reads them ("Ctrl+Alt+P"), or null while only
 * modifiers are down (or for a key without a name here).
 * @param {KeyboardEvent} e
 */
export function keysOf(e) {
  const mods = [];
  if (e.ctrlKey) mods.push('Ctrl');
  if (e.altKey) mods.push('Alt');
  if (e.shiftKey) mods.push('Shift');
  if (e.metaKey) mods.push('Super');
  let key = null;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (/^F([1-9]|1[0-9]|2[0-4])$/.test(e.code)) key = e.code;
  else if (['Space', 'Enter', 'Tab', 'Home', 'End', 'PageUp', 'PageDown', 'Insert', 'Delete'].includes(e.code)) key = e.code;
  if (!key || mods.length === 0) return null;
  return [...mods, key].join('+');
}

/**
 * Wires the controls to `save`, which edits a copy of the settings as last saved.
 * @param {Save} save
 */
export function wire(save) {
  /** @param {(a: AttentionPrefs) => void} change */
  const saveAttention = (change) => save((s) => { if (s.attention) change(s.attention); });
  /** @param {HTMLInputElement} box @param {(a: AttentionPrefs, on: boolean) => void} set */
  const check = (box, set) => box.addEventListener('change', () => {
    const on = box.checked;
    void saveAttention((a) => set(a, on));
  });
  check($.followDnd, (a, on) => { a.followDnd = on; });
  check($.agentUrgency, (a, on) => { a.agentUrgency = on; });
  check($.messageSound, (a, on) => { a.messageSound = on; });
  check($.snoozeButtons, (a, on) => { a.snoozeButtons = on; });
  /** @param {HTMLInputElement} input @param {(a: AttentionPrefs, n: number) => void} set @param {number} fallback */
  const number = (input, set, fallback) => input.addEventListener('change', () => {
    const n = whole(input, fallback);
    input.value = String(n);
    void saveAttention((a) => set(a, n));
  });
  number($.breakthrough, (a, n) => { a.breakthroughMinutes = n; }, 10);
  number($.renudgeMinutes, (a, n) => { a.renudgeMinutes = n; }, 30);
  number($.renudgeTimes, (a, n) => { a.renudgeTimes = n; }, 3);
  number($.overdue, (a, n) => { a.overdueMinutes = n; }, 15);
  number($.historyDays, (a, n) => { a.historyDays = n; }, 90);

  /** @param {string} keys */
  const setShortcut = (keys) => {
    $.shortcut.value = keys;
    void saveAttention((a) => { a.shortcut = keys; });
  };
  $.shortcut.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey) return;
    e.preventDefault();
    if (e.key === 'Escape' || e.key === 'Backspace') {
      if (e.key === 'Backspace') setShortcut('');
      return;
    }
    const keys = keysOf(e);
    if (keys) setShortcut(keys);
    else $.shortcutStatus.textContent = t('settings-shortcut-hint');
  });
  $.shortcutClear.addEventListener('click', () => setShortcut(''));
  $.shortcutDefault.addEventListener('click', () => setShortcut(DEFAULT_SHORTCUT));
}
