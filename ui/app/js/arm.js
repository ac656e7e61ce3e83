// @ts-check
/**
 * Keeps a window's answering controls disarmed until the window has been on screen, and
 * in focus, for a moment: a key pressed for another window (or a window that appeared
 * under the pointer) cannot answer. As browsers do for download prompts: disarmed when
 * the window is shown, when it loses the focus, and again for a moment after it regains
 * it. The page's `<body data-armed>` says where it stands (the end-to-end tests wait on
 * it).
 */

/** How long a window must have been shown and in focus before it answers. */
export const ARM_DELAY_MS = 1000;

/**
 * Starts guarding; `onChange` hears every change (and the first state at once).
 * @param {(armed: boolean) => void} onChange
 * @returns {{ armed: () => boolean }}
 */
export function armGuard(onChange) {
  let armed = false;
  /** @type {number|undefined} */
  let timer;
  /** @param {boolean} next */
  function set(next) {
    armed = next;
    document.body.dataset.armed = String(next);
    onChange(next);
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => set(true), ARM_DELAY_MS);
  }
  window.addEventListener('blur', () => {
    window.clearTimeout(timer);
    set(false);
  });
  window.addEventListener('focus', () => {
    set(false);
    later();
  });
  set(false);
  later();
  return { armed: () => armed };
}
